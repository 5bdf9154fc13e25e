/**
 * The service levels of the platform's operations plan: the values of the SloTable that the Prometheus rules and
 * Grafana dashboards (components/observability) are built from. The table's shape and the application metrics
 * contract are in components/observability/slo.ts.
 */
import type { SloTable } from "../components/observability";
import { BULLMQ_QUEUES } from "./workloads";

/** BullMQ queue of the cleanup jobs, looked up (not copied) from the workloads' queue table. */
function queueNamed(name: string): string {
  const q = BULLMQ_QUEUES.find((x) => x.name === name);
  if (!q) throw new Error(`infra/slos.ts: queue ${JSON.stringify(name)} is not in BULLMQ_QUEUES (${BULLMQ_QUEUES.map((x) => x.name).join(", ")})`);
  return q.name;
}

export const SLOS: SloTable = {
  api: {
    availability: 0.9995,
    latencySeconds: { p50: 0.05, p95: 0.2, p99: 0.5 },
    errorRate: 0.001,
    period: "30d",
  },
  jobs: {
    queues: [queueNamed("cleanup")],
    durationSeconds: { p50: 60, p95: 180, p99: 300 },
    errorRate: 0.01,
  },
  // The SRE workbook's recommended set for a 30-day SLO: 2% of the budget in 1 h and 5% in 6 h page,
  // 10% in 3 days ticket, and the 1x burn over 3 days tickets before the budget is gone.
  burnRates: [
    { factor: 14.4, longWindow: "1h", shortWindow: "5m", severity: "page", for: "2m" },
    { factor: 6, longWindow: "6h", shortWindow: "30m", severity: "page", for: "15m" },
    { factor: 3, longWindow: "1d", shortWindow: "2h", severity: "ticket", for: "1h" },
    { factor: 1, longWindow: "3d", shortWindow: "6h", severity: "ticket", for: "3h" },
  ],
  queues: {
    drainSeconds: { warning: 300, critical: 900 },
    oldestWaitingJobs: { warning: 2, critical: 4 },
    failedCriticalFactor: 5,
    noConsumerFor: "5m",
  },
  workers: { memoryLimitRatio: 0.9 },
  pgbouncer: { clientMaxWaitSeconds: 1 },
};
