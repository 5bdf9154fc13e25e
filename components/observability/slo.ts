/**
 * The shape of the service-level table the Prometheus rules (prometheus-rules.ts) and the Grafana dashboards
 * (dashboards.ts) are built from; the platform's values live in infra/slos.ts. Tier-dependent thresholds (queue
 * depth) are computed from the tier's worker maximum in `queueThresholds`, never written per tier.
 *
 * ## Application metrics contract
 * The rules and dashboards assume these series; the applications must export them under these names:
 * - API (every pod, `/metrics` on the container port WorkloadServices.api.metricsPort):
 *   - `http_requests_total{code, route}` counter; `code` is the HTTP status (5xx counts as an error);
 *   - `http_request_duration_seconds{code, route}` histogram (`_bucket{le}`, `_sum`, `_count`).
 * - Workers (every pod, `/metrics` on WorkloadServices.workers.metricsPort):
 *   - `bullmq_job_duration_seconds{queue}` histogram of `finishedOn - processedOn` per finished job;
 *   - `bullmq_jobs_completed_total{queue}` and `bullmq_jobs_failed_total{queue}` counters (jobs this pod finished);
 *   - `bullmq_queue_waiting{queue}` gauge: jobs waiting (wait + prioritized), read from Redis;
 *   - `bullmq_queue_oldest_waiting_age_seconds{queue}` gauge: age of the oldest waiting job (0 when none);
 *   - `bullmq_active_workers{queue}` gauge: workers connected to the queue (BullMQ `getWorkersCount()`).
 *   The three gauges describe the whole queue, so every pod reports the same value: rules take `max`, not `sum`.
 * - API websockets (only with the `websockets` SLOs): `websocket_connections_total{result}` counter (`result` is
 *   `ok` or `error`: a connection refused or dropped by the server) and `websocket_message_duration_seconds`
 *   histogram (server receive to reply).
 * - PgBouncer: prometheus-community/pgbouncer_exporter (`pgbouncer_up`, `pgbouncer_pools_*`, `pgbouncer_stats_*`).
 * - Containers: cAdvisor `container_memory_working_set_bytes` and kube-state-metrics
 *   `kube_pod_container_resource_limits{resource="memory"}`, `kube_statefulset_*` (kube-prometheus-stack).
 */

/** Metric names of the contract above, as the rules and dashboards spell them. */
export const METRICS = {
  httpRequests: "http_requests_total",
  httpDuration: "http_request_duration_seconds",
  jobDuration: "bullmq_job_duration_seconds",
  jobsCompleted: "bullmq_jobs_completed_total",
  jobsFailed: "bullmq_jobs_failed_total",
  queueWaiting: "bullmq_queue_waiting",
  queueOldestAge: "bullmq_queue_oldest_waiting_age_seconds",
  activeWorkers: "bullmq_active_workers",
  memoryWorkingSet: "container_memory_working_set_bytes",
  memoryLimit: "kube_pod_container_resource_limits",
  websocketConnections: "websocket_connections_total",
  websocketMessageDuration: "websocket_message_duration_seconds",
} as const;

/** Latency objectives by quantile, in seconds. */
export interface QuantileTargets {
  p50: number;
  p95: number;
  p99: number;
}

/** One pair of the multi-window, multi-burn-rate alerts (Google SRE workbook, chapter 5, table 5-8). */
export interface BurnRateWindow {
  /** How many times faster than the SLO allows the error budget is being spent. */
  factor: number;
  longWindow: string;
  shortWindow: string;
  /** `page` wakes someone up (severity critical); `ticket` is handled in working hours (severity warning). */
  severity: "page" | "ticket";
  /** Pending time before firing. */
  for: string;
}

export interface SloTable {
  api: {
    /** Fraction of requests answered without a 5xx. */
    availability: number;
    latencySeconds: QuantileTargets;
    /** 5xx ratio the SLA promises to stay under. */
    errorRate: number;
    /** The availability SLO's compliance period (the budget the burn rates refer to). */
    period: string;
  };
  jobs: {
    /** BullMQ queues whose jobs the job SLA covers (the cleanup jobs). */
    queues: string[];
    durationSeconds: QuantileTargets;
    /** Ratio of failed to finished jobs the SLA promises to stay under. */
    errorRate: number;
    /** Fraction of jobs finishing without failure: its error budget gets the same burn-rate alerts as the API. */
    availability: number;
  };
  /** Capacity the tier promises: above it (API) or below it while a backlog waits (jobs), the tier is outgrown. */
  throughput: {
    apiPeakRequestsPerSecond: number;
    jobsPeakPerHour: number;
  };
  /** Websocket SLOs, when the API exposes websockets. */
  websocket?: {
    /** Fraction of connections neither refused nor dropped by the server. */
    availability: number;
    latencySeconds: QuantileTargets;
  };
  burnRates: BurnRateWindow[];
  /** Surge detection (the plan's trigger: request rate above 2x its baseline). */
  surge: {
    /** The baseline is the API request rate averaged over this window (a week: every weekday and hour in it). */
    baselineWindow: string;
    /** Alert when the 5-minute rate exceeds this multiple of the baseline. */
    factor: number;
    /** ...and at least this many requests per second, so an idle stack's noise never pages. */
    minRequestsPerSecond: number;
    for: string;
    /** Where the alert sends the reader. */
    runbook: string;
  };
  queues: {
    /**
     * Depth alerts fire when the whole fleet at its tier maximum would need longer than this to drain the
     * queue: depth > maxWorkers x drainSeconds / averageJobSeconds (one job at a time per worker).
     */
    drainSeconds: { warning: number; critical: number };
    /** Oldest waiting job: at least the job SLA's p95 (warning) / p99 (critical), or this many average jobs. */
    oldestWaitingJobs: { warning: number; critical: number };
    /** Failed / finished ratio: warning at the job SLA's error rate, critical at this multiple of it. */
    failedCriticalFactor: number;
    /** How long a queue may have waiting jobs and no worker (or no metrics at all) before paging. */
    noConsumerFor: string;
  };
  workers: {
    /** Working set / memory limit ratio that warns before the OOM killer acts. */
    memoryLimitRatio: number;
  };
  pgbouncer: {
    /** Longest a client may wait for a server connection (seconds) before the pools are undersized. */
    clientMaxWaitSeconds: number;
  };
}
