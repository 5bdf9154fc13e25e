/**
 * A small hand-made SLO table shared by the renderers' mutant suites (dashboards, Prometheus rules): round numbers
 * a reader can check the rendered thresholds against. Frozen: a test varies it by spreading, never by editing.
 */
import type { SloTable } from "../components/observability/slo";

export const SLOS: SloTable = {
  api: { availability: 0.999, latencySeconds: { p50: 0.1, p95: 0.3, p99: 0.8 }, errorRate: 0.002, period: "28d" },
  jobs: { queues: ["clean", "mail"], durationSeconds: { p50: 30, p95: 90, p99: 200 }, errorRate: 0.02, availability: 0.99 },
  throughput: { apiPeakRequestsPerSecond: 100, jobsPeakPerHour: 600 },
  burnRates: [
    { factor: 10, longWindow: "1h", shortWindow: "5m", severity: "page", for: "2m" },
    { factor: 2, longWindow: "1d", shortWindow: "12h", severity: "ticket", for: "1h" },
  ],
  surge: { baselineWindow: "1w", factor: 3, minRequestsPerSecond: 2, for: "10m", runbook: "https://example.com/runbooks/surge" },
  queues: { drainSeconds: { warning: 120, critical: 600 }, oldestWaitingJobs: { warning: 3, critical: 5 }, failedCriticalFactor: 4, noConsumerFor: "7m" },
  workers: { memoryLimitRatio: 0.85 },
  pgbouncer: { clientMaxWaitSeconds: 1.5 },
};
Object.freeze(SLOS);
