/**
 * The service levels of the platform's operations plan: the values of the SloTable that the Prometheus rules and
 * Grafana dashboards (components/observability) are built from. The table's shape and the application metrics
 * contract are in components/observability/slo.ts.
 */
import { RUNBOOKS, type SloTable } from "../components/observability";
import { TIER_SERVICE_LEVELS, type TierName } from "./tiers";
import { BULLMQ_QUEUES } from "./workloads";

/** BullMQ queue of the cleanup jobs, looked up (not copied) from the workloads' queue table. */
function queueNamed(name: string): string {
  const q = BULLMQ_QUEUES.find((x) => x.name === name);
  if (!q) throw new Error(`infra/slos.ts: queue ${JSON.stringify(name)} is not in BULLMQ_QUEUES (${BULLMQ_QUEUES.map((x) => x.name).join(", ")})`);
  return q.name;
}

/**
 * The SRE workbook's recommended set for a 30-day SLO: 2% of the budget in 1 h and 5% in 6 h page,
 * 10% in 3 days ticket, and the 1x burn over 3 days tickets before the budget is gone.
 */
export const BURN_RATES: SloTable["burnRates"] = [
  { factor: 14.4, longWindow: "1h", shortWindow: "5m", severity: "page", for: "2m" },
  { factor: 6, longWindow: "6h", shortWindow: "30m", severity: "page", for: "15m" },
  { factor: 3, longWindow: "1d", shortWindow: "2h", severity: "ticket", for: "1h" },
  { factor: 1, longWindow: "3d", shortWindow: "6h", severity: "ticket", for: "3h" },
];

const COMMON: Omit<SloTable, "api" | "jobs" | "throughput" | "websocket"> = {
  burnRates: BURN_RATES,
  // The plan's trigger (requestRate > baseline x 2); the week's average includes every daily peak, so a normal
  // busy hour stays under twice it while a launch or a bot does not.
  surge: { baselineWindow: "1w", factor: 2, minRequestsPerSecond: 1, for: "10m", runbook: RUNBOOKS.surge },
  queues: {
    drainSeconds: { warning: 300, critical: 900 },
    oldestWaitingJobs: { warning: 2, critical: 4 },
    failedCriticalFactor: 5,
    noConsumerFor: "5m",
  },
  workers: { memoryLimitRatio: 0.9 },
  pgbouncer: { clientMaxWaitSeconds: 1 },
};

/** The plan's websocket SLA (operations plan, `serviceSLAs.websocket`): 99.9%, p50 10 / p95 50 / p99 100 ms. */
export const WEBSOCKET_SLO = { availability: 0.999, latencySeconds: { p50: 0.01, p95: 0.05, p99: 0.1 } } as const;

/**
 * The SLO table of a tier: its service levels (infra/tiers.ts TIER_SERVICE_LEVELS), its load, and the websocket
 * SLOs when the API exposes websockets (`finishthisidea:websockets`). peakJobsPerHour: the preset's load (overridable).
 */
export function slosFor(tier: TierName, options: { websockets: boolean; peakJobsPerHour: number }): SloTable {
  const l = TIER_SERVICE_LEVELS[tier];
  return {
    api: { availability: l.availability, latencySeconds: { ...l.apiLatencySeconds }, errorRate: 0.001, period: "30d" },
    jobs: { queues: [queueNamed("cleanup")], durationSeconds: { ...l.jobDurationSeconds }, errorRate: 0.01, availability: l.jobAvailability },
    throughput: { apiPeakRequestsPerSecond: l.apiPeakRequestsPerSecond, jobsPeakPerHour: options.peakJobsPerHour },
    ...(options.websockets ? { websocket: { availability: WEBSOCKET_SLO.availability, latencySeconds: { ...WEBSOCKET_SLO.latencySeconds } } } : {}),
    ...COMMON,
  };
}

