import { beforeAll, describe, expect, it } from "vitest";
import { EXPORTERS, METRIC_CATALOG, metricNames } from "../components/observability/metric-catalog";
import { PGBOUNCER_EXPORTER_IMAGE } from "../components/k8s/pgbouncer/pgbouncer";
import { runTier } from "./harness";
import { renderedObservability, type RenderedObservability } from "./rendered-observability";

describe("metric catalog", () => {
  let r: RenderedObservability;
  beforeAll(async () => {
    // Growth renders every rule set (PgBouncer and Ollama included), every dashboard and the adapter rule.
    r = renderedObservability(await runTier("growth", {}, { preview: false }));
  });

  /** Each metric read, with where: "rule <PrometheusRule>/<alert|record>", "dashboard <uid>", "adapter". */
  function usedMetrics(): Map<string, string[]> {
    const recorded = new Set(Object.values(r.rules).flat().flatMap((g) => g.rules).flatMap((x) => (x.record ? [x.record] : [])));
    const used = new Map<string, string[]>();
    const add = (expr: string, where: string) => {
      for (const m of metricNames(expr)) if (!recorded.has(m)) used.set(m, [...(used.get(m) ?? []), where]);
    };
    for (const [name, groups] of Object.entries(r.rules)) for (const g of groups) for (const x of g.rules) add(x.expr, `rule ${name}/${x.alert ?? x.record}`);
    for (const d of r.dashboardExprs) add(d.expr, `dashboard ${d.uid}`);
    for (const a of r.adapterRules) add(a.seriesQuery, "adapter");
    return used;
  }

  it("lists every metric a rule, dashboard or adapter rule reads, with its exporter", () => {
    const used = usedMetrics();
    expect(used.size).toBeGreaterThan(10);
    const uncatalogued = [...used].filter(([m]) => !(m in METRIC_CATALOG)).map(([m, where]) => `${m} (${where[0]})`);
    expect(uncatalogued).toEqual([]);
    // No stale entry: every catalogued metric is still read somewhere.
    expect(Object.keys(METRIC_CATALOG).filter((m) => !used.has(m))).toEqual([]);
  });

  it("names the PgBouncer metrics as pgbouncer_exporter v0.12.0 builds them (namespace_command_metric)", () => {
    expect(PGBOUNCER_EXPORTER_IMAGE.endsWith(`:${EXPORTERS.pgbouncerExporter.version}`)).toBe(true);
    const pgb = Object.keys(METRIC_CATALOG).filter((m) => METRIC_CATALOG[m].exporter === "pgbouncerExporter").sort();
    // collector.go at v0.12.0: SHOW STATS_TOTALS columns under "stats_totals", SHOW POOLS under "pools".
    expect(pgb).toEqual([
      "pgbouncer_pools_client_active_connections",
      "pgbouncer_pools_client_maxwait_seconds",
      "pgbouncer_pools_client_waiting_connections",
      "pgbouncer_pools_server_active_connections",
      "pgbouncer_pools_server_idle_connections",
      "pgbouncer_stats_totals_queries_duration_seconds_total",
      "pgbouncer_stats_totals_queries_pooled_total",
      "pgbouncer_up",
    ]);
  });

  it("the database dashboard reads the stats_totals counters, not the pre-0.12 names", () => {
    const db = r.dashboardExprs.filter((d) => d.expr.includes("pgbouncer_stats")).map((d) => d.expr).join("\n");
    expect(db).toContain("pgbouncer_stats_totals_queries_pooled_total");
    expect(db).not.toMatch(/pgbouncer_stats_queries_/);
  });
});

describe("metricNames", () => {
  it("reads metric names, not functions, labels, ranges, numbers or adapter placeholders", () => {
    expect(metricNames('histogram_quantile(0.95, sum by (le, queue) (rate(bullmq_job_duration_seconds_bucket{namespace="w",queue="c"}[15m]))) > 1e-06')).toEqual(["bullmq_job_duration_seconds_bucket"]);
    expect(metricNames('(max by (queue) (a{queue="x"}) == 0 and on (queue) max by (queue) (b) > 0) or absent(c{namespace="n"})').sort()).toEqual(["a", "b", "c"]);
    expect(metricNames("sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)")).toEqual([]);
    expect(metricNames("slo:api_request_errors:ratio_rate1h / 0.0005")).toEqual(["slo:api_request_errors:ratio_rate1h"]);
  });

  it("a renamed metric is one the catalog does not have", () => {
    const renamed = metricNames("sum by (database) (rate(pgbouncer_stats_queries_pooled_total[5m]))");
    expect(renamed.filter((m) => !(m in METRIC_CATALOG))).toEqual(["pgbouncer_stats_queries_pooled_total"]);
  });
});
