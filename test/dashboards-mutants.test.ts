/**
 * components/observability/dashboards.ts over a small hand-made SLO table with the three dashboards written out
 * literally (issue 19: every mutant of the module must fail a test). Layout: 12-wide panels two to a row, 8-wide
 * three to a row, rows 8 high. Pure and fast.
 */
import { describe, expect, it } from "vitest";
import { apiDashboard, DASHBOARD_UIDS, databaseDashboard, queuesDashboard, type Panel } from "../components/observability/dashboards";
import type { SloTable } from "../components/observability/slo";
import { SLOS } from "./slo-fixture";


const WORKERS = { namespace: "jobs", queues: [{ name: "clean", averageJobSeconds: 40 }, { name: "mail", averageJobSeconds: 7 }], maxReplicas: 12 };

const DATASOURCE_VARIABLE = { name: "datasource", type: "datasource", query: "prometheus", label: "Data source", current: { text: "Prometheus", value: "prometheus" } };

const frame = (uid: string, title: string, panels: Panel[], variables: Record<string, unknown>[] = []) => ({
  uid,
  title,
  tags: ["finishthisidea"],
  timezone: "utc",
  schemaVersion: 39,
  version: 1,
  editable: false,
  refresh: "30s",
  time: { from: "now-6h", to: "now" },
  templating: { list: [DATASOURCE_VARIABLE, ...variables] },
  panels,
});

/** A panel as Grafana reads it; `threshold` draws a red line, `[x, y, w]` with height 8. */
function panel(o: { id: number; title: string; at: [number, number, number]; queries: [string, string][]; unit: string; threshold?: number; description?: string; type?: "stat" }): Panel {
  return {
    id: o.id,
    type: o.type ?? "timeseries",
    title: o.title,
    ...(o.description !== undefined ? { description: o.description } : {}),
    datasource: { type: "prometheus", uid: "${datasource}" },
    gridPos: { x: o.at[0], y: o.at[1], w: o.at[2], h: 8 },
    targets: o.queries.map(([expr, legendFormat], i) => ({ refId: "ABCD"[i], expr, legendFormat })),
    fieldConfig: {
      defaults: {
        unit: o.unit,
        ...(o.threshold !== undefined
          ? { thresholds: { mode: "absolute", steps: [{ color: "green", value: null }, { color: "red", value: o.threshold }] }, custom: { thresholdsStyle: { mode: "line" } } }
          : {}),
      },
      overrides: [],
    },
  };
}

describe("dashboard ids", () => {
  it("stay fixed so links keep working", () => {
    expect(DASHBOARD_UIDS).toEqual({ api: "fti-api", queues: "fti-queues", database: "fti-database" });
  });
});

describe("apiDashboard", () => {
  const latency = (q: string) => `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="web"}[5m])))`;

  it("plots traffic, the 5xx ratio against the SLA, each latency quantile, the burn rate and the availability", () => {
    expect(apiDashboard(SLOS, { namespace: "web" })).toStrictEqual(
      frame("fti-api", "FinishThisIdea / API", [
        panel({ id: 1, title: "Requests per second by status", at: [0, 0, 12], queries: [['sum by (code) (rate(http_requests_total{namespace="web"}[5m]))', "{{code}}"]], unit: "reqps" }),
        panel({
          id: 2,
          title: "5xx ratio",
          description: "SLA: under 0.2%. Error budget of the 99.9% SLO: 0.1%.",
          at: [12, 0, 12],
          queries: [["slo:api_request_errors:ratio_rate5m", "5m"], ["slo:api_request_errors:ratio_rate1h", "1h"]],
          unit: "percentunit",
          threshold: 0.002,
        }),
        panel({ id: 3, title: "Latency p50", description: "SLO: 100 ms.", at: [0, 8, 8], queries: [[latency("0.5"), "p50"]], unit: "s", threshold: 0.1 }),
        panel({ id: 4, title: "Latency p95", description: "SLO: 300 ms.", at: [8, 8, 8], queries: [[latency("0.95"), "p95"]], unit: "s", threshold: 0.3 }),
        panel({ id: 5, title: "Latency p99", description: "SLO: 800 ms.", at: [16, 8, 8], queries: [[latency("0.99"), "p99"]], unit: "s", threshold: 0.8 }),
        panel({
          id: 6,
          title: "Error budget burn rate (1d and shorter windows)",
          description: "1 spends the budget exactly over the SLO period; the page thresholds are 14.4x (1h) and 6x (6h).",
          at: [0, 16, 12],
          queries: [["slo:api_request_errors:ratio_rate1h / 0.001", "1h"], ["slo:api_request_errors:ratio_rate1d / 0.001", "1d"]],
          unit: "none",
          threshold: 1,
        }),
        panel({ id: 7, title: "Availability over 1d", type: "stat", at: [12, 16, 12], queries: [["1 - slo:api_request_errors:ratio_rate1d", "availability"]], unit: "percentunit", threshold: 0.999 }),
      ]),
    );
  });

  it("reads the longest window from the last burn-rate pair, whatever their number", () => {
    const titles = (burnRates: SloTable["burnRates"]) => apiDashboard({ ...SLOS, burnRates }, { namespace: "web" }).panels.slice(5).map((p) => p.title);
    expect(titles(SLOS.burnRates.slice(0, 1))).toEqual(["Error budget burn rate (1h and shorter windows)", "Availability over 1h"]);
    expect(titles([...SLOS.burnRates, { factor: 1, longWindow: "3d", shortWindow: "6h", severity: "ticket", for: "3h" }])).toEqual([
      "Error budget burn rate (3d and shorter windows)",
      "Availability over 3d",
    ]);
  });

  it("falls back to 5m without burn-rate windows", () => {
    const d = apiDashboard({ ...SLOS, burnRates: [] }, { namespace: "web" });
    expect(d.panels.slice(5).map((p) => [p.title, p.targets.map((t) => t.expr)])).toEqual([
      ["Error budget burn rate (5m and shorter windows)", []],
      ["Availability over 5m", ["1 - slo:api_request_errors:ratio_rate5m"]],
    ]);
  });
});

describe("queuesDashboard", () => {
  const S = '{namespace="jobs",queue=~"$queue"}';
  const duration = (queue: string, q: string) => `histogram_quantile(${q}, sum by (le, queue) (rate(bullmq_job_duration_seconds_bucket{namespace="jobs",queue="${queue}"}[15m])))`;

  it("plots depth and age against the lowest warning, throughput, failures, consumers, durations and memory", () => {
    expect(queuesDashboard(SLOS, WORKERS)).toStrictEqual(
      frame(
        "fti-queues",
        "FinishThisIdea / Queues",
        [
          panel({
            id: 1,
            title: "Waiting jobs",
            // 12 workers x 120 s / 40 s = 36; / 7 s = 205.7 -> 205.
            description: "Warning above: clean 36, mail 205 (the tier's 12 workers would need over 2 min).",
            at: [0, 0, 12],
            queries: [[`max by (queue) (bullmq_queue_waiting${S})`, "{{queue}}"]],
            unit: "short",
            threshold: 36,
          }),
          panel({
            id: 2,
            title: "Oldest waiting job",
            // max(p95 90 s, 3 x 40 s) = 120; max(90 s, 3 x 7 s) = 90.
            description: "Warning above: clean 120, mail 90 s.",
            at: [12, 0, 12],
            queries: [[`max by (queue) (bullmq_queue_oldest_waiting_age_seconds${S})`, "{{queue}}"]],
            unit: "s",
            threshold: 90,
          }),
          panel({
            id: 3,
            title: "Jobs finished per second",
            at: [0, 8, 8],
            queries: [
              [`sum by (queue) (rate(bullmq_jobs_completed_total${S}[5m]))`, "{{queue}} completed"],
              [`sum by (queue) (rate(bullmq_jobs_failed_total${S}[5m]))`, "{{queue}} failed"],
            ],
            unit: "ops",
          }),
          panel({
            id: 4,
            title: "Failed job ratio",
            description: "SLA: under 2%.",
            at: [8, 8, 8],
            queries: [[`sum by (queue) (rate(bullmq_jobs_failed_total${S}[10m])) / (sum by (queue) (rate(bullmq_jobs_completed_total${S}[10m])) + sum by (queue) (rate(bullmq_jobs_failed_total${S}[10m])))`, "{{queue}}"]],
            unit: "percentunit",
            threshold: 0.02,
          }),
          panel({ id: 5, title: "Workers consuming", at: [16, 8, 8], queries: [[`max by (queue) (bullmq_active_workers${S})`, "{{queue}}"]], unit: "short" }),
          ...["clean", "mail"].map((queue, i) =>
            panel({
              id: 6 + i,
              title: `${queue} job duration`,
              description: "SLA: p50 30 s, p95 90 s, p99 200 s.",
              at: [12 * i, 16, 12],
              queries: [[duration(queue, "0.5"), "p50"], [duration(queue, "0.95"), "p95"], [duration(queue, "0.99"), "p99"]],
              unit: "s",
              threshold: 200,
            }),
          ),
          panel({
            id: 8,
            title: "Worker memory / limit",
            at: [0, 24, 12],
            queries: [['max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="jobs",container!="",image!=""}) / max by (namespace, pod, container) (kube_pod_container_resource_limits{namespace="jobs",resource="memory"})', "{{pod}}"]],
            unit: "percentunit",
            threshold: 0.85,
          }),
        ],
        [{ name: "queue", type: "custom", label: "Queue", query: "clean,mail", multi: true, includeAll: true, allValue: "clean|mail", current: { text: "All", value: "$__all" }, options: [] }],
      ),
    );
  });

  it("draws the lowest depth warning whichever queue has it", () => {
    const d = queuesDashboard(SLOS, { ...WORKERS, queues: [{ name: "mail", averageJobSeconds: 7 }, { name: "clean", averageJobSeconds: 40 }, { name: "bulk", averageJobSeconds: 100 }] });
    // bulk: 12 x 120 / 100 = 14.4 -> 14 jobs; its age warning max(90, 300) = 300.
    expect(d.panels.slice(0, 2).map((p) => [p.description, (p.fieldConfig.defaults.thresholds as { steps: { value: number | null }[] }).steps[1].value])).toEqual([
      ["Warning above: mail 205, clean 36, bulk 14 (the tier's 12 workers would need over 2 min).", 14],
      ["Warning above: mail 90, clean 120, bulk 300 s.", 90],
    ]);
  });
});

describe("databaseDashboard", () => {
  const S = '{namespace="pgb"}';

  it("plots PgBouncer's client waits against the alert, connections and queries", () => {
    expect(databaseDashboard(SLOS, { namespace: "pgb" })).toStrictEqual(
      frame("fti-database", "FinishThisIdea / Database (PgBouncer)", [
        panel({
          id: 1,
          title: "Longest client wait for a server connection",
          description: "Whole seconds. Alert at 2 s: the pools are too small or the database is slow.",
          at: [0, 0, 12],
          queries: [[`max by (database) (pgbouncer_pools_client_maxwait_seconds${S})`, "{{database}}"]],
          unit: "s",
          threshold: 2,
        }),
        panel({ id: 2, title: "Clients waiting", at: [12, 0, 12], queries: [[`sum by (database) (pgbouncer_pools_client_waiting_connections${S})`, "{{database}}"]], unit: "short" }),
        panel({ id: 3, title: "Client connections (active)", at: [0, 8, 8], queries: [[`sum by (database) (pgbouncer_pools_client_active_connections${S})`, "{{database}}"]], unit: "short" }),
        panel({
          id: 4,
          title: "Server connections (active / idle)",
          at: [8, 8, 8],
          queries: [
            [`sum by (database) (pgbouncer_pools_server_active_connections${S})`, "{{database}} active"],
            [`sum by (database) (pgbouncer_pools_server_idle_connections${S})`, "{{database}} idle"],
          ],
          unit: "short",
        }),
        panel({ id: 5, title: "Queries per second", at: [16, 8, 8], queries: [[`sum by (database) (rate(pgbouncer_stats_totals_queries_pooled_total${S}[5m]))`, "{{database}}"]], unit: "ops" }),
        panel({
          id: 6,
          title: "Average query time",
          at: [0, 16, 24],
          queries: [[`sum by (database) (rate(pgbouncer_stats_totals_queries_duration_seconds_total${S}[5m])) / sum by (database) (rate(pgbouncer_stats_totals_queries_pooled_total${S}[5m]))`, "{{database}}"]],
          unit: "s",
        }),
      ]),
    );
  });
});
