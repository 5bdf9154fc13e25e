import { describe, expect, it } from "vitest";
import { apiDashboard, databaseDashboard, DASHBOARD_UIDS, queuesDashboard } from "../components/observability/dashboards";
import {
  apiErrorRatioRecord,
  buildRuleSets,
  burnRateThreshold,
  errorBudget,
  num,
  queueDepthThreshold,
  queueThresholds,
  sloTableProblems,
  type PromRule,
  type RuleSet,
  type RuleTargets,
} from "../components/observability/prometheus-rules";
import type { SloTable } from "../components/observability";
import { slosFor } from "../infra/slos";

/** Growth's table (99.95%), the one these tests were written against. */
const SLOS = slosFor("growth", { websockets: false, peakJobsPerHour: 10_000 });
import { TIERS, TIER_NAMES } from "../infra/tiers";
import { BULLMQ_QUEUES } from "../infra/workloads";

const targets = (maxReplicas = TIERS.growth.workers.replicas.max, extra: Partial<RuleTargets> = {}): RuleTargets => ({
  api: { namespace: "api" },
  workers: { namespace: "workers", queues: BULLMQ_QUEUES, maxReplicas },
  ...extra,
});

const allRules = (sets: RuleSet[]): PromRule[] => sets.flatMap((s) => s.groups.flatMap((g) => g.rules));
const alerts = (sets: RuleSet[], name: string, labels: Record<string, string> = {}) =>
  allRules(sets).filter((r) => r.alert === name && Object.entries(labels).every(([k, v]) => r.labels?.[k] === v));
const one = (sets: RuleSet[], name: string, labels: Record<string, string> = {}): PromRule => {
  const found = alerts(sets, name, labels);
  expect(found, `${name} ${JSON.stringify(labels)}`).toHaveLength(1);
  return found[0];
};
const clone = (): SloTable => JSON.parse(JSON.stringify(SLOS));

describe("error budget arithmetic", () => {
  it("turns 99.95% availability into a 0.0005 budget and the workbook's burn thresholds", () => {
    expect(errorBudget(SLOS.api.availability)).toBe(0.0005);
    expect(SLOS.burnRates.map((b) => burnRateThreshold(b.factor, SLOS.api.availability))).toEqual([0.0072, 0.003, 0.0015, 0.0005]);
    expect(num(14.4 * 0.0005)).toBe("0.0072");
    expect(num(1 - 0.9995)).toBe("0.0005");
  });

  it("keeps the SRE workbook's window pairs: page on 14.4x 1h/5m and 6x 6h/30m, ticket on 3x 1d/2h and 1x 3d/6h", () => {
    expect(SLOS.burnRates.map((b) => [b.factor, b.longWindow, b.shortWindow, b.severity])).toEqual([
      [14.4, "1h", "5m", "page"],
      [6, "6h", "30m", "page"],
      [3, "1d", "2h", "ticket"],
      [1, "3d", "6h", "ticket"],
    ]);
  });
});

describe("API SLO rules", () => {
  const sets = buildRuleSets(SLOS, targets());
  const records = allRules(sets).filter((r) => r.record);

  it("records the 5xx ratio over every burn-rate window from the request counter", () => {
    const windows = SLOS.burnRates.flatMap((b) => [b.longWindow, b.shortWindow]);
    for (const w of windows) {
      const r = records.find((x) => x.record === apiErrorRatioRecord(w));
      expect(r, w).toBeDefined();
      expect(r!.expr).toBe(`sum(rate(http_requests_total{namespace="api",code=~"5.."}[${w}])) / sum(rate(http_requests_total{namespace="api"}[${w}]))`);
    }
    expect(new Set(records.map((r) => r.record)).size).toBe(records.length);
  });

  it("alerts on each burn rate only when both its long and its short window burn", () => {
    for (const b of SLOS.burnRates) {
      const rule = one(sets, "ApiErrorBudgetBurn", { long_window: b.longWindow });
      const t = num(burnRateThreshold(b.factor, SLOS.api.availability));
      expect(rule.expr).toBe(`${apiErrorRatioRecord(b.longWindow)} > ${t} and ${apiErrorRatioRecord(b.shortWindow)} > ${t}`);
      expect(rule.labels).toMatchObject({ short_window: b.shortWindow, severity: b.severity === "page" ? "critical" : "warning" });
      expect(rule.for).toBe(b.for);
    }
    expect(one(sets, "ApiErrorBudgetBurn", { long_window: "1h" }).expr).toContain("> 0.0072 and slo:api_request_errors:ratio_rate5m > 0.0072");
    expect(one(sets, "ApiErrorBudgetBurn", { long_window: "6h" }).expr).toContain("ratio_rate30m > 0.003");
  });

  it("alerts on the 0.1% error-rate SLA", () => {
    expect(one(sets, "ApiErrorRateAboveSla").expr).toBe(`${apiErrorRatioRecord("5m")} > 0.001`);
  });

  it("alerts on each latency quantile against its target from the duration histogram", () => {
    const expected: [string, string, string][] = [["P50", "0.5", "0.05"], ["P95", "0.95", "0.1"], ["P99", "0.99", "0.5"]];
    for (const [key, q, target] of expected) {
      expect(one(sets, `ApiLatency${key}AboveSlo`).expr).toBe(
        `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="api"}[5m]))) > ${target}`,
      );
    }
    expect(one(sets, "ApiLatencyP99AboveSlo").labels?.severity).toBe("critical");
  });
});

describe("job and queue rules", () => {
  const sets = buildRuleSets(SLOS, targets());

  it("alerts on the cleanup jobs' p50 1 min, p95 3 min and p99 5 min", () => {
    for (const [key, q, seconds] of [["P50", "0.5", 60], ["P95", "0.95", 180], ["P99", "0.99", 300]] as const) {
      expect(one(sets, `JobDuration${key}AboveSla`, { queue: "cleanup" }).expr).toBe(
        `histogram_quantile(${q}, sum by (le, queue) (rate(bullmq_job_duration_seconds_bucket{namespace="workers",queue="cleanup"}[15m]))) > ${seconds}`,
      );
    }
  });

  it("gives every queue depth, oldest-job, failed-job and no-consumer alerts on its own series", () => {
    for (const q of BULLMQ_QUEUES) {
      const sel = `{namespace="workers",queue="${q.name}"}`;
      for (const severity of ["warning", "critical"]) {
        expect(one(sets, "BullmqQueueBacklog", { queue: q.name, severity }).expr).toMatch(new RegExp(`^max by \\(queue\\) \\(bullmq_queue_waiting${escape(sel)}\\) > \\d+$`));
        expect(one(sets, "BullmqQueueOldestJobWaiting", { queue: q.name, severity }).expr).toContain(`bullmq_queue_oldest_waiting_age_seconds${sel}`);
        const failed = one(sets, "BullmqQueueFailedJobs", { queue: q.name, severity }).expr;
        expect(failed).toContain(`bullmq_jobs_failed_total${sel}`);
        expect(failed).toContain(`bullmq_jobs_completed_total${sel}`);
      }
      const none = one(sets, "BullmqQueueNoConsumer", { queue: q.name });
      expect(none.expr).toBe(`(max by (queue) (bullmq_active_workers${sel}) == 0 and on (queue) max by (queue) (bullmq_queue_waiting${sel}) > 0) or absent(bullmq_active_workers${sel})`);
      expect(none).toMatchObject({ for: "5m", labels: { severity: "critical" } });
    }
  });

  it("fails a queue at the 1% job error-rate SLA (warning) and 5x that (critical)", () => {
    expect(one(sets, "BullmqQueueFailedJobs", { queue: "cleanup", severity: "warning" }).expr).toMatch(/ > 0\.01$/);
    expect(one(sets, "BullmqQueueFailedJobs", { queue: "cleanup", severity: "critical" }).expr).toMatch(/ > 0\.05$/);
  });

  it("starts age alerts at the job SLA's p95 / p99, later for queues with long jobs", () => {
    expect(one(sets, "BullmqQueueOldestJobWaiting", { queue: "cleanup", severity: "warning" }).expr).toMatch(/ > 180$/);
    expect(one(sets, "BullmqQueueOldestJobWaiting", { queue: "cleanup", severity: "critical" }).expr).toMatch(/ > 300$/);
    // enterprise jobs average 120 s: 2 and 4 average jobs.
    expect(one(sets, "BullmqQueueOldestJobWaiting", { queue: "enterprise", severity: "warning" }).expr).toMatch(/ > 240$/);
    expect(one(sets, "BullmqQueueOldestJobWaiting", { queue: "enterprise", severity: "critical" }).expr).toMatch(/ > 480$/);
  });

  it("scales depth thresholds with the tier's worker maximum (5 / 15 minutes of the full fleet)", () => {
    const cleanup = BULLMQ_QUEUES.find((q) => q.name === "cleanup")!;
    expect(queueDepthThreshold(500, 45, 300)).toBe(3333);
    const byTier = TIER_NAMES.map((tier) => queueThresholds(SLOS, cleanup, TIERS[tier].workers.replicas.max).depth);
    expect(byTier.map((d) => d.warning)).toEqual(TIER_NAMES.map((t) => Math.floor((TIERS[t].workers.replicas.max * 300) / 45)));
    expect(byTier.map((d) => d.critical)).toEqual(TIER_NAMES.map((t) => Math.floor((TIERS[t].workers.replicas.max * 900) / 45)));
    for (let i = 1; i < byTier.length; i++) expect(byTier[i].warning).toBeGreaterThan(byTier[i - 1].warning);
    const mvp = buildRuleSets(SLOS, targets(TIERS.mvp.workers.replicas.max));
    expect(one(mvp, "BullmqQueueBacklog", { queue: "cleanup", severity: "warning" }).expr).toMatch(/ > 53$/);
    expect(one(sets, "BullmqQueueBacklog", { queue: "cleanup", severity: "warning" }).expr).toMatch(/ > 3333$/);
  });

  it("warns when a worker's working set passes 90% of its memory limit", () => {
    expect(one(sets, "WorkerMemoryNearLimit").expr).toBe(
      'max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="workers",container!="",image!=""}) / max by (namespace, pod, container) (kube_pod_container_resource_limits{namespace="workers",resource="memory"}) > 0.9',
    );
  });

  it("adds PgBouncer and Ollama rules only for the services that are there", () => {
    expect(sets.map((s) => s.name)).toEqual(["api-slo", "jobs-slo", "surge", "queues", "workers"]);
    const full = buildRuleSets(SLOS, targets(undefined, { pgbouncer: { namespace: "pgbouncer" }, ollama: { namespace: "ollama" } }));
    expect(full.map((s) => s.name)).toEqual(["api-slo", "jobs-slo", "surge", "queues", "workers", "pgbouncer", "ollama"]);
    expect(one(full, "PgBouncerClientsWaiting").expr).toBe('max by (database) (pgbouncer_pools_client_maxwait_seconds{namespace="pgbouncer"}) >= 1');
    expect(one(full, "PgBouncerDown").expr).toContain('absent(pgbouncer_up{namespace="pgbouncer"})');
    expect(one(full, "OllamaDown").expr).toBe('kube_statefulset_status_replicas_ready{namespace="ollama"} == 0 and kube_statefulset_replicas{namespace="ollama"} > 0');
  });

  it("writes well-formed rules: balanced brackets, severities, summaries, unique recording names", () => {
    const full = buildRuleSets(SLOS, targets(undefined, { pgbouncer: { namespace: "pgbouncer" }, ollama: { namespace: "ollama" } }));
    for (const r of allRules(full)) {
      expect(Boolean(r.alert) !== Boolean(r.record), JSON.stringify(r)).toBe(true);
      for (const [open, close] of [["(", ")"], ["{", "}"], ["[", "]"]]) expect(r.expr.split(open).length, r.expr).toBe(r.expr.split(close).length);
      expect(r.expr).not.toMatch(/NaN|undefined|e[+-]\d/);
      if (r.alert) {
        expect(r.alert).toMatch(/^[A-Z][A-Za-z0-9]+$/);
        expect(["warning", "critical"]).toContain(r.labels?.severity);
        expect(r.annotations?.summary).toBeTruthy();
      }
    }
  });
});

describe("SLO table validation", () => {
  it("accepts the platform's table", () => {
    expect(sloTableProblems(SLOS)).toEqual([]);
  });

  it("names the field and the bad value", () => {
    const t = clone();
    t.api.availability = 99.95;
    t.api.latencySeconds.p95 = 0.01;
    t.burnRates[0].shortWindow = "2h";
    t.queues.drainSeconds = { warning: 900, critical: 300 };
    const problems = sloTableProblems(t);
    expect(problems).toContain("api.availability must be a fraction between 0 and 1 (0.9995 for 99.95%); got 99.95");
    expect(problems.some((p) => p.startsWith("api.latencySeconds must be positive seconds with p50 <= p95 <= p99"))).toBe(true);
    expect(problems).toContain("burnRates[0] short window 2h must be shorter than the long window 1h");
    expect(problems.some((p) => p.startsWith("queues.drainSeconds must satisfy 0 < warning < critical"))).toBe(true);
    expect(() => buildRuleSets(t, targets())).toThrow(/api\.availability must be a fraction/);
  });

  it("refuses a job SLA on a queue the workers do not serve", () => {
    const t = clone();
    t.jobs.queues = ["cleanups"];
    expect(() => buildRuleSets(t, targets())).toThrow(/jobs\.queues \["cleanups"\] are not served by the workers \(queues: cleanup, template, enterprise, priority\)/);
  });
});

describe("dashboards", () => {
  const workers = { namespace: "workers", queues: BULLMQ_QUEUES, maxReplicas: 500 };

  it("draws the API's SLO numbers as thresholds on the panels that plot them", () => {
    const d = apiDashboard(SLOS, { namespace: "api" });
    expect(d.uid).toBe(DASHBOARD_UIDS.api);
    const panel = (title: string) => d.panels.find((p) => p.title === title)!;
    expect(panel("Latency p95").targets[0].expr).toBe('histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="api"}[5m])))');
    expect((panel("Latency p95").fieldConfig.defaults as any).thresholds.steps[1].value).toBe(0.1);
    expect((panel("5xx ratio").fieldConfig.defaults as any).thresholds.steps[1].value).toBe(0.001);
    expect(panel("5xx ratio").targets.map((t) => t.expr)).toContain(apiErrorRatioRecord("5m"));
  });

  it("lists every queue and plots their depth, age, failures and consumers", () => {
    const d = queuesDashboard(SLOS, workers);
    const queue = d.templating.list.find((v) => v.name === "queue")!;
    expect(queue.query).toBe(BULLMQ_QUEUES.map((q) => q.name).join(","));
    const exprs = d.panels.flatMap((p) => p.targets.map((t) => t.expr)).join("\n");
    for (const m of ["bullmq_queue_waiting", "bullmq_queue_oldest_waiting_age_seconds", "bullmq_jobs_failed_total", "bullmq_active_workers", "bullmq_job_duration_seconds_bucket", "container_memory_working_set_bytes"]) {
      expect(exprs).toContain(m);
    }
    expect(exprs).toContain('queue=~"$queue"');
    expect(exprs).not.toContain('queue="$queue"');
  });

  it("lays panels out inside Grafana's 24 columns with unique ids, for all three dashboards", () => {
    for (const d of [apiDashboard(SLOS, { namespace: "api" }), queuesDashboard(SLOS, workers), databaseDashboard(SLOS, { namespace: "pgbouncer" })]) {
      expect(new Set(d.panels.map((p) => p.id)).size).toBe(d.panels.length);
      for (const p of d.panels) expect(p.gridPos.x + p.gridPos.w).toBeLessThanOrEqual(24);
      expect(d.panels.every((p) => p.targets.length > 0 && p.datasource.uid === "${datasource}")).toBe(true);
    }
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
