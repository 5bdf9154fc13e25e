import { describe, expect, it } from "vitest";
import { REDIS, redisParameters } from "../components/data/redis";
import { TIERS, TIER_NAMES } from "../infra/tiers";
import {
  SURGE_FACTORS,
  SURGE_NEVER_TOUCHES,
  assertRedisNeverEvicts,
  featureFlags,
  featureFlagsConfigData,
  surgeReplicas,
} from "../infra/surge";

describe("surgeReplicas", () => {
  it.each(TIER_NAMES)("leaves tier %s's bounds alone when surge is off", (tier) => {
    const p = TIERS[tier];
    expect(surgeReplicas(p, false)).toEqual({ api: p.api.replicas, workers: p.workers.replicas });
  });

  it.each(TIER_NAMES)("raises tier %s's minimums in surge, within the unchanged maxima", (tier) => {
    const p = TIERS[tier];
    const s = surgeReplicas(p, true);
    expect(s.api.max).toBe(p.api.replicas.max);
    expect(s.workers.max).toBe(p.workers.replicas.max);
    expect(s.api.min).toBeGreaterThan(p.api.replicas.min);
    expect(s.workers.min).toBeGreaterThan(p.workers.replicas.min);
    expect(s.api.min).toBeLessThanOrEqual(s.api.max);
    expect(s.workers.min).toBeLessThanOrEqual(s.workers.max);
  });

  it("applies the documented factors: at least double, at least a fraction of the maximum, capped at it", () => {
    // growth: API 20-50 -> max(40, 25) = 40; workers 100-500 -> max(200, 125) = 200.
    expect(surgeReplicas(TIERS.growth, true)).toEqual({ api: { min: 40, max: 50 }, workers: { min: 200, max: 500 } });
    // mvp: API 2-6 -> max(4, 3) = 4; workers 2-8 -> max(4, 2) = 4.
    expect(surgeReplicas(TIERS.mvp, true)).toEqual({ api: { min: 4, max: 6 }, workers: { min: 4, max: 8 } });
    // A floor already above half the ceiling is capped at the ceiling.
    const tight = { ...TIERS.mvp, api: { ...TIERS.mvp.api, replicas: { min: 5, max: 6 } } };
    expect(surgeReplicas(tight, true).api).toEqual({ min: 6, max: 6 });
    expect(SURGE_FACTORS.api.minMultiplier).toBe(2);
  });
});

describe("feature flags", () => {
  it("keeps everything on in normal mode", () => {
    expect(featureFlags(false)).toEqual({ analytics: "enabled", recommendations: "enabled", llmQuality: "balanced" });
    expect(featureFlagsConfigData(false)).toEqual({ SURGE_MODE: "false", FEATURE_ANALYTICS: "enabled", FEATURE_RECOMMENDATIONS: "enabled", LLM_QUALITY: "balanced" });
  });

  it("sheds analytics and recommendations and asks for fast LLM answers in surge", () => {
    expect(featureFlags(true)).toEqual({ analytics: "disabled", recommendations: "disabled", llmQuality: "fast" });
    expect(featureFlagsConfigData(true)).toEqual({ SURGE_MODE: "true", FEATURE_ANALYTICS: "disabled", FEATURE_RECOMMENDATIONS: "disabled", LLM_QUALITY: "fast" });
  });
});

describe("surge never touches Redis eviction", () => {
  it("pins noeviction, the same policy the Redis component sets", () => {
    expect(SURGE_NEVER_TOUCHES.redisMaxmemoryPolicy).toBe("noeviction");
    expect(SURGE_NEVER_TOUCHES.redisMaxmemoryPolicy).toBe(REDIS.maxmemoryPolicy);
  });

  it.each([false, true])("the Redis parameters stay noeviction with surgeMode %s", (surgeMode) => {
    // Surge produces no Redis settings at all: what it returns has no cache key.
    expect(Object.keys(surgeReplicas(TIERS.growth, surgeMode))).toEqual(["api", "workers"]);
    for (const clusterMode of [false, true]) expect(() => assertRedisNeverEvicts(redisParameters(clusterMode))).not.toThrow();
  });

  it("rejects an evicting policy, saying why", () => {
    expect(() => assertRedisNeverEvicts([{ name: "maxmemory-policy", value: "allkeys-lru" }])).toThrow(/maxmemory-policy is "allkeys-lru"; it must stay "noeviction" in every mode: BullMQ keeps queued jobs in Redis/);
    expect(() => assertRedisNeverEvicts([])).toThrow(/maxmemory-policy is null/);
  });
});
