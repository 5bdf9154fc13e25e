/**
 * Surge mode (`pulumi config set finishthisidea:surgeMode true`): pre-warm the API and the workers by raising
 * their autoscaler minimums, and shed optional load through feature flags the API reads from a ConfigMap.
 * Maxima never move (they are the tier's cost ceiling, enforced by policy), and Redis eviction never changes:
 * BullMQ keeps its queues in Redis, and any evicting policy drops queued jobs. Pure: infra/workloads.ts applies it.
 */
import { REDIS } from "../components/data";
import type { Range, TierPreset } from "./tiers";

/**
 * New minimum in surge = min(max, max(min x minMultiplier, ceil(max x minFractionOfMax))): at least double the
 * floor, and for the API at least half its ceiling, so the HPA starts a surge with capacity already running.
 * Workers scale on queue depth within a minute (KEDA), so they pre-warm to a quarter of their ceiling only.
 */
export const SURGE_FACTORS = {
  api: { minMultiplier: 2, minFractionOfMax: 0.5 },
  workers: { minMultiplier: 2, minFractionOfMax: 0.25 },
} as const;

export interface SurgeReplicas {
  api: Range;
  workers: Range;
}

function raise(r: Range, f: { minMultiplier: number; minFractionOfMax: number }): Range {
  return { min: Math.min(r.max, Math.max(r.min * f.minMultiplier, Math.ceil(r.max * f.minFractionOfMax))), max: r.max };
}

/** API and worker replica bounds in the given mode (the preset's own bounds when surge is off). */
export function surgeReplicas(preset: Pick<TierPreset, "api" | "workers">, surgeMode: boolean): SurgeReplicas {
  const api = { ...preset.api.replicas };
  const workers = { ...preset.workers.replicas };
  if (!surgeMode) return { api, workers };
  return { api: raise(api, SURGE_FACTORS.api), workers: raise(workers, SURGE_FACTORS.workers) };
}

export interface FeatureFlags {
  analytics: "enabled" | "disabled";
  recommendations: "enabled" | "disabled";
  /** Model quality the workers ask Ollama for: `fast` picks the smaller model and shorter generations. */
  llmQuality: "fast" | "balanced";
}

export const FEATURE_FLAGS: { normal: FeatureFlags; surge: FeatureFlags } = {
  normal: { analytics: "enabled", recommendations: "enabled", llmQuality: "balanced" },
  surge: { analytics: "disabled", recommendations: "disabled", llmQuality: "fast" },
};

export function featureFlags(surgeMode: boolean): FeatureFlags {
  return { ...(surgeMode ? FEATURE_FLAGS.surge : FEATURE_FLAGS.normal) };
}

/** The ConfigMap `data` the API reads (environment-style keys, string values). */
export function featureFlagsConfigData(surgeMode: boolean): Record<string, string> {
  const f = featureFlags(surgeMode);
  return {
    SURGE_MODE: String(surgeMode),
    FEATURE_ANALYTICS: f.analytics,
    FEATURE_RECOMMENDATIONS: f.recommendations,
    LLM_QUALITY: f.llmQuality,
  };
}

/** What surge mode must never change, and why. */
export const SURGE_NEVER_TOUCHES = {
  redisMaxmemoryPolicy: REDIS.maxmemoryPolicy,
  reason: "BullMQ keeps queued jobs in Redis; an evicting maxmemory-policy silently drops them under the very memory pressure a surge brings",
} as const;

/** Throws when Redis parameters (as the parameter group gets them) would evict keys. */
export function assertRedisNeverEvicts(parameters: { name: string; value: string }[]): void {
  const policy = parameters.find((p) => p.name === "maxmemory-policy")?.value;
  if (policy !== SURGE_NEVER_TOUCHES.redisMaxmemoryPolicy) {
    throw new Error(`Redis maxmemory-policy is ${JSON.stringify(policy ?? null)}; it must stay "${SURGE_NEVER_TOUCHES.redisMaxmemoryPolicy}" in every mode: ${SURGE_NEVER_TOUCHES.reason}`);
  }
}
