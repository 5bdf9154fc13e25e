/**
 * Every metric a rule, a dashboard or the prometheus-adapter rule reads, with the exporter (and its version)
 * that produces it and where that exporter defines the name. test/metric-catalog.test.ts extracts the metric
 * names from the rendered rules, dashboards and adapter rule and requires each here (recording rules aside),
 * so a metric renamed on either side fails a test instead of leaving an alert that never fires.
 */
import { KUBERNETES_VERSION } from "../cluster/versions";

export interface Exporter {
  name: string;
  version: string;
  /** Where the exporter defines its metric names, at that version. */
  source: string;
}

export const EXPORTERS = {
  api: {
    name: "FinishThisIdea API (application metrics contract)",
    version: "contract of components/observability/slo.ts",
    source: "components/observability/slo.ts 'Application metrics contract'",
  },
  workers: {
    name: "FinishThisIdea workers (application metrics contract)",
    version: "contract of components/observability/slo.ts",
    source: "components/observability/slo.ts 'Application metrics contract'",
  },
  pgbouncerExporter: {
    // Tied to PGBOUNCER_EXPORTER_IMAGE's tag by test/metric-catalog.test.ts.
    name: "prometheus-community/pgbouncer_exporter",
    version: "v0.12.0",
    source: "collector.go metricMaps at v0.12.0: <namespace pgbouncer>_<SHOW command>_<column metric>",
  },
  kubeStateMetrics: {
    // The kube-state-metrics chart 7.2.2 that kube-prometheus-stack 83.4.2 depends on deploys app 2.18.0.
    name: "kubernetes/kube-state-metrics",
    version: "v2.18.0",
    source: "internal/store/*.go at v2.18.0",
  },
  cadvisor: {
    name: "cAdvisor in the kubelet (/metrics/cadvisor)",
    version: `Kubernetes ${KUBERNETES_VERSION}`,
    source: "google/cadvisor metrics/prometheus.go, as vendored by the kubelet",
  },
} as const satisfies Record<string, Exporter>;

export type ExporterKey = keyof typeof EXPORTERS;

export interface CatalogEntry {
  exporter: ExporterKey;
  /** What upstream names it from: a source line, or the SHOW column for pgbouncer_exporter. */
  from: string;
}

export const METRIC_CATALOG: Record<string, CatalogEntry> = {
  http_requests_total: { exporter: "api", from: "counter {code, route}" },
  http_request_duration_seconds_bucket: { exporter: "api", from: "histogram http_request_duration_seconds {code, route}" },
  bullmq_job_duration_seconds_bucket: { exporter: "workers", from: "histogram bullmq_job_duration_seconds {queue}" },
  bullmq_jobs_completed_total: { exporter: "workers", from: "counter {queue}" },
  bullmq_jobs_failed_total: { exporter: "workers", from: "counter {queue}" },
  bullmq_queue_waiting: { exporter: "workers", from: "gauge {queue}" },
  bullmq_queue_oldest_waiting_age_seconds: { exporter: "workers", from: "gauge {queue}" },
  bullmq_active_workers: { exporter: "workers", from: "gauge {queue}" },
  pgbouncer_up: { exporter: "pgbouncerExporter", from: "collector.go: BuildFQName(namespace, \"\", \"up\")" },
  pgbouncer_pools_client_maxwait_seconds: { exporter: "pgbouncerExporter", from: "SHOW POOLS maxwait (whole seconds)" },
  pgbouncer_pools_client_waiting_connections: { exporter: "pgbouncerExporter", from: "SHOW POOLS cl_waiting" },
  pgbouncer_pools_client_active_connections: { exporter: "pgbouncerExporter", from: "SHOW POOLS cl_active" },
  pgbouncer_pools_server_active_connections: { exporter: "pgbouncerExporter", from: "SHOW POOLS sv_active" },
  pgbouncer_pools_server_idle_connections: { exporter: "pgbouncerExporter", from: "SHOW POOLS sv_idle" },
  pgbouncer_stats_totals_queries_pooled_total: { exporter: "pgbouncerExporter", from: "SHOW STATS_TOTALS query_count" },
  pgbouncer_stats_totals_queries_duration_seconds_total: { exporter: "pgbouncerExporter", from: "SHOW STATS_TOTALS query_time (microseconds x 1e-6)" },
  kube_pod_container_resource_limits: { exporter: "kubeStateMetrics", from: "internal/store/pod.go:170" },
  kube_statefulset_replicas: { exporter: "kubeStateMetrics", from: "internal/store/statefulset.go:162" },
  kube_statefulset_status_replicas_ready: { exporter: "kubeStateMetrics", from: "internal/store/statefulset.go:114" },
  container_memory_working_set_bytes: { exporter: "cadvisor", from: "metrics/prometheus.go container_memory_working_set_bytes" },
};

const PROMQL_WORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset", "inf", "nan"]);

/**
 * Metric names a PromQL expression reads: identifiers that are not functions, aggregation keywords, label
 * names (inside `{}` or `by (...)`), range durations or template placeholders (`<<.Series>>`).
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^{}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/<<[^>]*>>/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const names = new Set<string>();
  for (const m of stripped.matchAll(/[A-Za-z_:][A-Za-z0-9_:]*/g)) {
    const rest = stripped.slice(m.index! + m[0].length);
    const before = stripped.slice(0, m.index);
    if (/^\s*\(/.test(rest)) continue; // a function or aggregation
    if (/[0-9.]$/.test(before)) continue; // the exponent / unit of a number
    if (PROMQL_WORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names];
}
