/**
 * Grafana dashboards as code: the API (traffic, errors against the SLO, latency quantiles against their targets,
 * error budget), the queues (depth, oldest waiting job, throughput, failures, consumers, job duration, worker
 * memory) and the database path (PgBouncer pools). Pure builders returning dashboard JSON; the Observability
 * component ships each in a ConfigMap labelled for Grafana's dashboard sidecar. Queries come from the same
 * PromQL helpers as the alerts, and the SLO numbers are drawn as threshold lines.
 */
import { METRICS, type SloTable } from "./slo";
import {
  apiErrorRatioRecord,
  apiLatencyExpr,
  errorBudget,
  failedRatioExpr,
  jobDurationExpr,
  memoryLimitRatioExpr,
  num,
  pgbouncerMaxWaitThreshold,
  queueThresholds,
  selector,
  type QueueTarget,
} from "./prometheus-rules";

/** Grafana's dashboard JSON (schemaVersion 39); only the fields these builders set are typed. */
export interface Dashboard {
  uid: string;
  title: string;
  tags: string[];
  timezone: string;
  schemaVersion: number;
  version: number;
  editable: boolean;
  refresh: string;
  time: { from: string; to: string };
  templating: { list: Record<string, unknown>[] };
  panels: Panel[];
}

export interface Panel {
  id: number;
  type: "timeseries" | "stat";
  title: string;
  description?: string;
  datasource: { type: "prometheus"; uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets: { refId: string; expr: string; legendFormat: string }[];
  fieldConfig: { defaults: Record<string, unknown>; overrides: unknown[] };
  options?: Record<string, unknown>;
}

/** Dashboard ids, stable so links and the sidecar's updates keep pointing at the same dashboard. */
export const DASHBOARD_UIDS = { api: "fti-api", queues: "fti-queues", database: "fti-database" } as const;

const DATASOURCE = { type: "prometheus" as const, uid: "${datasource}" };

interface PanelSpec {
  title: string;
  description?: string;
  type?: Panel["type"];
  queries: { expr: string; legend: string }[];
  unit: string;
  /** Red threshold line (an SLO or alert threshold). */
  threshold?: number;
  width?: number;
  height?: number;
}

/** Lay panels out left to right, wrapping at Grafana's 24 columns, and number them. */
function layout(specs: PanelSpec[]): Panel[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return specs.map((s, i) => {
    const w = s.width ?? 12;
    const h = s.height ?? 8;
    if (x + w > 24) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const panel: Panel = {
      id: i + 1,
      type: s.type ?? "timeseries",
      title: s.title,
      ...(s.description ? { description: s.description } : {}),
      datasource: DATASOURCE,
      gridPos: { x, y, w, h },
      targets: s.queries.map((q, j) => ({ refId: String.fromCharCode(65 + j), expr: q.expr, legendFormat: q.legend })),
      fieldConfig: {
        defaults: {
          unit: s.unit,
          ...(s.threshold !== undefined
            ? {
                thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "red", value: s.threshold }] },
                custom: { thresholdsStyle: { mode: "line" } },
              }
            : {}),
        },
        overrides: [],
      },
    };
    x += w;
    rowHeight = Math.max(rowHeight, h);
    return panel;
  });
}

function dashboard(uid: string, title: string, panels: Panel[], variables: Record<string, unknown>[] = []): Dashboard {
  return {
    uid,
    title,
    tags: ["finishthisidea"],
    timezone: "utc",
    schemaVersion: 39,
    version: 1,
    editable: false,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    templating: {
      list: [{ name: "datasource", type: "datasource", query: "prometheus", label: "Data source", current: { text: "Prometheus", value: "prometheus" } }, ...variables],
    },
    panels,
  };
}

/** The API: request rate, 5xx ratio against the SLA and the availability SLO, latency quantiles, budget left. */
export function apiDashboard(slos: SloTable, api: { namespace: string }): Dashboard {
  const ns = api.namespace;
  const a = slos.api;
  const budget = errorBudget(a.availability);
  const longest = slos.burnRates.map((b) => b.longWindow).at(-1) ?? "5m";
  const panels = layout([
    {
      title: "Requests per second by status",
      queries: [{ expr: `sum by (code) (rate(${METRICS.httpRequests}${selector({ namespace: ns })}[5m]))`, legend: "{{code}}" }],
      unit: "reqps",
    },
    {
      title: "5xx ratio",
      description: `SLA: under ${num(a.errorRate * 100)}%. Error budget of the ${num(a.availability * 100)}% SLO: ${num(budget * 100)}%.`,
      queries: [
        { expr: apiErrorRatioRecord("5m"), legend: "5m" },
        { expr: apiErrorRatioRecord("1h"), legend: "1h" },
      ],
      unit: "percentunit",
      threshold: a.errorRate,
    },
    ...(["p50", "p95", "p99"] as const).map((key, i): PanelSpec => ({
      title: `Latency ${key}`,
      description: `SLO: ${num(a.latencySeconds[key] * 1000)} ms.`,
      queries: [{ expr: apiLatencyExpr(ns, [0.5, 0.95, 0.99][i]), legend: key }],
      unit: "s",
      threshold: a.latencySeconds[key],
      width: 8,
    })),
    {
      title: `Error budget burn rate (${longest} and shorter windows)`,
      description: "1 spends the budget exactly over the SLO period; the page thresholds are 14.4x (1h) and 6x (6h).",
      queries: slos.burnRates.map((b) => ({ expr: `${apiErrorRatioRecord(b.longWindow)} / ${num(budget)}`, legend: b.longWindow })),
      unit: "none",
      threshold: 1,
    },
    {
      title: `Availability over ${longest}`,
      type: "stat",
      queries: [{ expr: `1 - ${apiErrorRatioRecord(longest)}`, legend: "availability" }],
      unit: "percentunit",
      threshold: a.availability,
    },
  ]);
  return dashboard(DASHBOARD_UIDS.api, "FinishThisIdea / API", panels);
}

/** The queues: depth and oldest job against their alert thresholds, throughput, failures, consumers, workers. */
export function queuesDashboard(slos: SloTable, workers: { namespace: string; queues: QueueTarget[]; maxReplicas: number }): Dashboard {
  const ns = workers.namespace;
  const names = workers.queues.map((q) => q.name);
  const q = "$queue";
  const s = selector({ namespace: ns, queue: `=~${q}` });
  // Thresholds differ per queue; the lowest warning is drawn, the per-queue values are in the description.
  const thresholds = workers.queues.map((x) => queueThresholds(slos, x, workers.maxReplicas));
  const listed = (f: (t: (typeof thresholds)[number]) => number) => thresholds.map((t) => `${t.queue} ${num(f(t))}`).join(", ");
  const panels = layout([
    {
      title: "Waiting jobs",
      description: `Warning above: ${listed((t) => t.depth.warning)} (the tier's ${workers.maxReplicas} workers would need over ${num(slos.queues.drainSeconds.warning / 60)} min).`,
      queries: [{ expr: `max by (queue) (${METRICS.queueWaiting}${s})`, legend: "{{queue}}" }],
      unit: "short",
      threshold: Math.min(...thresholds.map((t) => t.depth.warning)),
    },
    {
      title: "Oldest waiting job",
      description: `Warning above: ${listed((t) => t.oldestWaitingSeconds.warning)} s.`,
      queries: [{ expr: `max by (queue) (${METRICS.queueOldestAge}${s})`, legend: "{{queue}}" }],
      unit: "s",
      threshold: Math.min(...thresholds.map((t) => t.oldestWaitingSeconds.warning)),
    },
    {
      title: "Jobs finished per second",
      queries: [
        { expr: `sum by (queue) (rate(${METRICS.jobsCompleted}${s}[5m]))`, legend: "{{queue}} completed" },
        { expr: `sum by (queue) (rate(${METRICS.jobsFailed}${s}[5m]))`, legend: "{{queue}} failed" },
      ],
      unit: "ops",
      width: 8,
    },
    {
      title: "Failed job ratio",
      description: `SLA: under ${num(slos.jobs.errorRate * 100)}%.`,
      queries: [{ expr: failedRatioExpr(ns, `=~${q}`), legend: "{{queue}}" }],
      unit: "percentunit",
      threshold: slos.jobs.errorRate,
      width: 8,
    },
    {
      title: "Workers consuming",
      queries: [{ expr: `max by (queue) (${METRICS.activeWorkers}${s})`, legend: "{{queue}}" }],
      unit: "short",
      width: 8,
    },
    ...slos.jobs.queues.map((name): PanelSpec => ({
      title: `${name} job duration`,
      description: `SLA: p50 ${num(slos.jobs.durationSeconds.p50)} s, p95 ${num(slos.jobs.durationSeconds.p95)} s, p99 ${num(slos.jobs.durationSeconds.p99)} s.`,
      queries: (["p50", "p95", "p99"] as const).map((key, i) => ({ expr: jobDurationExpr(ns, name, [0.5, 0.95, 0.99][i]), legend: key })),
      unit: "s",
      threshold: slos.jobs.durationSeconds.p99,
    })),
    {
      title: "Worker memory / limit",
      queries: [{ expr: memoryLimitRatioExpr(ns), legend: "{{pod}}" }],
      unit: "percentunit",
      threshold: slos.workers.memoryLimitRatio,
    },
  ]);
  const queueVariable = {
    name: "queue",
    type: "custom",
    label: "Queue",
    query: names.join(","),
    multi: true,
    includeAll: true,
    allValue: names.join("|"),
    current: { text: "All", value: "$__all" },
    options: [],
  };
  return dashboard(DASHBOARD_UIDS.queues, "FinishThisIdea / Queues", panels, [queueVariable]);
}

/** The database path as the cluster sees it: PgBouncer's pools (client waits, connections, query rate). */
export function databaseDashboard(slos: SloTable, pgbouncer: { namespace: string }): Dashboard {
  const s = selector({ namespace: pgbouncer.namespace });
  const panels = layout([
    {
      title: "Longest client wait for a server connection",
      description: `Whole seconds. Alert at ${num(pgbouncerMaxWaitThreshold(slos.pgbouncer.clientMaxWaitSeconds))} s: the pools are too small or the database is slow.`,
      queries: [{ expr: `max by (database) (pgbouncer_pools_client_maxwait_seconds${s})`, legend: "{{database}}" }],
      unit: "s",
      threshold: pgbouncerMaxWaitThreshold(slos.pgbouncer.clientMaxWaitSeconds),
    },
    {
      title: "Clients waiting",
      queries: [{ expr: `sum by (database) (pgbouncer_pools_client_waiting_connections${s})`, legend: "{{database}}" }],
      unit: "short",
    },
    {
      title: "Client connections (active)",
      queries: [{ expr: `sum by (database) (pgbouncer_pools_client_active_connections${s})`, legend: "{{database}}" }],
      unit: "short",
      width: 8,
    },
    {
      title: "Server connections (active / idle)",
      queries: [
        { expr: `sum by (database) (pgbouncer_pools_server_active_connections${s})`, legend: "{{database}} active" },
        { expr: `sum by (database) (pgbouncer_pools_server_idle_connections${s})`, legend: "{{database}} idle" },
      ],
      unit: "short",
      width: 8,
    },
    {
      title: "Queries per second",
      queries: [{ expr: `sum by (database) (rate(pgbouncer_stats_totals_queries_pooled_total${s}[5m]))`, legend: "{{database}}" }],
      unit: "ops",
      width: 8,
    },
    {
      title: "Average query time",
      queries: [{ expr: `sum by (database) (rate(pgbouncer_stats_totals_queries_duration_seconds_total${s}[5m])) / sum by (database) (rate(pgbouncer_stats_totals_queries_pooled_total${s}[5m]))`, legend: "{{database}}" }],
      unit: "s",
      width: 24,
    },
  ]);
  return dashboard(DASHBOARD_UIDS.database, "FinishThisIdea / Database (PgBouncer)", panels);
}
