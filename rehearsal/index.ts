/**
 * The deploy rehearsal: would the plan run? Pure functions over the registered resources and the resolved
 * config, no engine: pods schedule at max scale, claims bind, references resolve, clients reach their servers,
 * capacity meets the tier's targets. Each failure names the resource, what fails, by how much, and the fix.
 * What each rule checks and what it cannot know offline: docs/rehearsal.md.
 */
import type { PlatformConfig } from "../infra/config";
import { LLM_GENERATION, TIER_SERVICE_LEVELS } from "../infra/tiers";
import { BULLMQ_QUEUES } from "../infra/workloads";
import type { RegisteredResource } from "../tools/registered";
import { buildModel } from "./model";
import { checkCapacity, type CapacityAssumptions } from "./rules/capacity";
import { checkReachability } from "./rules/reachability";
import { checkReferences } from "./rules/references";
import { checkScheduling } from "./rules/scheduling";
import { checkStorage } from "./rules/storage";
import type { RehearsalReport } from "./types";

export * from "./types";

/**
 * The capacity rule's assumptions for a config: the tier's peaks (overrides included), the main queue's job time,
 * and whether a cloud LLM can take what Ollama cannot (a provider key is configured: the router drops routes
 * without one).
 */
export function capacityAssumptions(config: PlatformConfig): CapacityAssumptions {
  const main = BULLMQ_QUEUES.find((q) => q.name === "cleanup") ?? BULLMQ_QUEUES[0];
  return {
    peakJobsPerHour: config.preset.load.peakJobsPerHour,
    peakRequestsPerSecond: TIER_SERVICE_LEVELS[config.tier].apiPeakRequestsPerSecond,
    jobSeconds: main.averageJobSeconds,
    ...LLM_GENERATION,
    cloudFallback: Boolean(config.secrets.openaiApiKey ?? config.secrets.anthropicApiKey),
  };
}

export function rehearse(resources: RegisteredResource[], config: PlatformConfig): RehearsalReport {
  const model = buildModel(resources);
  const assumptions = capacityAssumptions(config);
  const rules = [checkScheduling(model), checkStorage(model), checkReferences(model), checkReachability(model), checkCapacity(model, assumptions)];
  return {
    rules,
    checks: rules.reduce((s, r) => s + r.checks, 0),
    failures: rules.flatMap((r) => r.failures),
    assumptions: { ...assumptions },
  };
}

/** Text section of the plan: checks run, then each failure with its fix, then the notes. */
export function renderRehearsalText(report: RehearsalReport): string[] {
  const lines = [`Rehearsal (${report.checks} checks, ${report.failures.length} failures):`];
  for (const r of report.rules) {
    lines.push(`  ${r.title}: ${r.checks} checks, ${r.failures.length === 0 ? "ok" : `${r.failures.length} FAILED`}`);
    for (const f of r.failures) lines.push(`    FAIL ${f.resource}: ${f.problem}`, `         fix: ${f.fix}`);
    for (const n of r.notes) lines.push(`    - ${n}`);
  }
  lines.push(`  assumptions: ${Object.entries(report.assumptions).map(([k, v]) => `${k}=${v}`).join(", ")}`);
  return lines;
}
