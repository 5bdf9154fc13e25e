/**
 * The rendered PrometheusRules run by the real Prometheus tooling: `promtool check rules` on every rule file the
 * program renders, and `promtool test rules` unit tests (synthetic series, the rendered rules) for every alert.
 * Runs when `promtool` is installed; skipped with the install command when it is not; required under CI=true
 * (test/real-programs.ts).
 * One `check rules` invocation, and one `test rules` invocation per tier rendered (growth: every alert; mvp: queue
 * depths), each scenario loading only the rule sets whose alerts it asserts.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { PromRuleGroup } from "../components/observability/prometheus-rules";
import { runTier } from "./harness";
import { INSTALL, requireProgram } from "./real-programs";
import { renderedObservability } from "./rendered-observability";

// ----- unit tests: synthetic series (1-minute samples) and the alerts expected at a time -----------------------

interface Alert { labels: Record<string, string> }
interface AlertCase { at: string; alert: string; firing: Alert[] }
interface Scenario { name: string; series: Record<string, string>; cases: AlertCase[] }

/** Requests per minute: `errors` of them 5xx out of 10000 (the budget of 99.95% is 5 per 10000). */
const api = (errorsPerMinute: number, minutes: number) => ({
  'http_requests_total{namespace="api",code="200"}': `0+${10000 - errorsPerMinute}x${minutes}`,
  'http_requests_total{namespace="api",code="500"}': `0+${errorsPerMinute}x${minutes}`,
});
const burn = (long: string, short: string, severity: string): Alert => ({
  labels: { severity, slo: "api-availability", long_window: long, short_window: short },
});
const PAGE_FAST = burn("1h", "5m", "critical");
const PAGE_SLOW = burn("6h", "30m", "critical");
const TICKET_3X = burn("1d", "2h", "warning");
const TICKET_1X = burn("3d", "6h", "warning");

/** A latency histogram whose requests all fall in one bucket (upper bound `le`), 100 a minute. */
function histogram(metric: string, labels: string, bounds: string[], le: string, minutes: number): Record<string, string> {
  const at = bounds.indexOf(le);
  return Object.fromEntries(bounds.map((b, i) => [`${metric}{${labels},le="${b}"}`, i >= at ? `0+100x${minutes}` : `0x${minutes}`]));
}
const API_BOUNDS = ["0.05", "0.2", "0.5", "1", "+Inf"];
const JOB_BOUNDS = ["30", "60", "180", "300", "600", "+Inf"];
const latency = (q: string, severity: string): Alert => ({ labels: { severity, slo: "api-latency", quantile: q } });
const jobLatency = (q: string, severity: string): Alert => ({ labels: { severity, slo: "job-duration", queue: "cleanup", quantile: q } });
const q = (queue: string, severity: string): Alert => ({ labels: { queue, severity } });
/** Cleanup jobs a minute: `failed` of them failed out of `finished` (the job budget of 99.9% is 1 per 1000). */
const jobs = (failedPerMinute: number, finishedPerMinute: number, minutes: number) => ({
  'bullmq_jobs_completed_total{namespace="workers",queue="cleanup"}': `0+${finishedPerMinute - failedPerMinute}x${minutes}`,
  'bullmq_jobs_failed_total{namespace="workers",queue="cleanup"}': `0+${failedPerMinute}x${minutes}`,
});
const jobBurn = (long: string, short: string, severity: string): Alert => ({
  labels: { severity, slo: "job-availability", long_window: long, short_window: short },
});
/** API requests at `before` req/s for `minutes`, then at `after` req/s for `surgeMinutes` (one 200 series, 1-minute samples). */
function traffic(before: number, minutes: number, after: number, surgeMinutes: number): Record<string, string> {
  const steady = before * 60;
  return { 'http_requests_total{namespace="api",code="200"}': `0+${steady}x${minutes} ${steady * minutes + after * 60}+${after * 60}x${surgeMinutes}` };
}
const SURGE: Alert = { labels: { severity: "critical" } };
const gauge = (metric: string, queue: string, v: number) => ({ [`${metric}{namespace="workers",queue="${queue}",pod="worker-1"}`]: `${v}x40` });

/**
 * Growth's thresholds, written out (SLO table x growth's 500 workers): cleanup (45 s jobs) backlog > 3333
 * warning / > 10000 critical, oldest job > 180 s / > 300 s; enterprise (120 s jobs) backlog > 1250 / > 3750.
 */
const SCENARIOS: Scenario[] = [
  {
    name: "fast burn (20x the budget): the 1h/5m page fires within minutes, the 6h/30m page by 30 min, and the SLA alert",
    series: api(100, 40),
    cases: [
      { at: "10m", alert: "ApiErrorBudgetBurn", firing: [PAGE_FAST] },
      { at: "30m", alert: "ApiErrorBudgetBurn", firing: [PAGE_FAST, PAGE_SLOW] },
      { at: "30m", alert: "ApiErrorRateAboveSla", firing: [{ labels: { severity: "warning", slo: "api-error-rate" } }] },
    ],
  },
  {
    name: "slow page burn (8x): the 6h/30m page fires, the 1h/5m page stays silent",
    series: api(40, 40),
    cases: [{ at: "30m", alert: "ApiErrorBudgetBurn", firing: [PAGE_SLOW] }],
  },
  {
    name: "slow burn (4x): the tickets fire (1d/2h after its hour, 3d/6h after three), both pages stay silent",
    series: api(20, 195),
    cases: [
      { at: "30m", alert: "ApiErrorBudgetBurn", firing: [] },
      { at: "2h", alert: "ApiErrorBudgetBurn", firing: [TICKET_3X] },
      { at: "3h10m", alert: "ApiErrorBudgetBurn", firing: [TICKET_3X, TICKET_1X] },
    ],
  },
  {
    name: "burning exactly the budget (1x), cleanup jobs half theirs (1 failed of 2000 a minute): every burn-rate and SLA alert stays silent",
    series: { ...api(5, 195), ...jobs(1, 2000, 195) },
    cases: [
      { at: "30m", alert: "ApiErrorRateAboveSla", firing: [] },
      // Past the 3h `for` of the slowest (1x) ticket.
      { at: "3h10m", alert: "ApiErrorBudgetBurn", firing: [] },
      { at: "3h10m", alert: "JobErrorBudgetBurn", firing: [] },
    ],
  },
  {
    // The oldest job at 180 s (not over the 180 s p95): the 5880 jobs/h finished (under 10000/h) are a quiet hour, not a breach.
    name: "cleanup jobs fast burn (2 failed of 100 a minute, 0.02 = 20x the 0.001 budget): the 1h/5m page (> 0.0144) fires, then the 6h/30m page (> 0.006)",
    series: { ...jobs(2, 100, 40), ...gauge("bullmq_queue_oldest_waiting_age_seconds", "cleanup", 180) },
    cases: [
      { at: "10m", alert: "JobErrorBudgetBurn", firing: [jobBurn("1h", "5m", "critical")] },
      { at: "30m", alert: "JobErrorBudgetBurn", firing: [jobBurn("1h", "5m", "critical"), jobBurn("6h", "30m", "critical")] },
      { at: "35m", alert: "JobThroughputBelowSlo", firing: [] },
    ],
  },
  {
    // The 30m rate of completed jobs reads low until 30 minutes of samples exist, so the cases look past that.
    name: "over growth's sizing: API at 5001 req/s (over 5000 req/s), cleanup jobs at 6000/h (100 a minute, under 10000/h) while the oldest waits 181 s (over the 180 s p95)",
    series: {
      'http_requests_total{namespace="api",code="200"}': "0+300060x40",
      'bullmq_jobs_completed_total{namespace="workers",queue="cleanup"}': "0+100x40",
      ...gauge("bullmq_queue_oldest_waiting_age_seconds", "cleanup", 181),
    },
    cases: [
      { at: "35m", alert: "ApiThroughputAboveSlo", firing: [{ labels: { severity: "warning", slo: "api-throughput" } }] },
      { at: "35m", alert: "JobThroughputBelowSlo", firing: [{ labels: { severity: "warning", slo: "job-throughput" } }] },
    ],
  },
  {
    name: "within growth's sizing: API at 4999 req/s, cleanup jobs at 10200/h (170 a minute, over 10000/h) while the oldest waits 181 s: silent",
    series: {
      'http_requests_total{namespace="api",code="200"}': "0+299940x40",
      'bullmq_jobs_completed_total{namespace="workers",queue="cleanup"}': "0+170x40",
      ...gauge("bullmq_queue_oldest_waiting_age_seconds", "cleanup", 181),
    },
    cases: [
      { at: "35m", alert: "ApiThroughputAboveSlo", firing: [] },
      { at: "35m", alert: "JobThroughputBelowSlo", firing: [] },
    ],
  },
  {
    // The baseline averages the recorded rate over the history there is (the 1w window holds 45 minutes here):
    // 15 minutes into the surge it is about (30 x 10 + 15 x 100) / 45 = 40 req/s, and 100 > 2 x 40; 100 > 1.
    name: "traffic surge: 10 req/s for 30 minutes, then 100 req/s (10x): fires once over 2x the baseline for 10 minutes",
    series: traffic(10, 30, 100, 15),
    cases: [
      { at: "31m", alert: "TrafficSurge", firing: [] },
      { at: "45m", alert: "TrafficSurge", firing: [SURGE] },
    ],
  },
  {
    // 15 req/s stays under 2 x a baseline of about 10 req/s.
    name: "traffic surge: 10 req/s for 30 minutes, then 15 req/s (1.5x): silent",
    series: traffic(10, 30, 15, 15),
    cases: [{ at: "45m", alert: "TrafficSurge", firing: [] }],
  },
  {
    // 0.9 req/s is over twice the baseline (about 0.1 req/s) but not over the 1 req/s floor.
    name: "traffic surge under the 1 req/s floor: 0.1 req/s for 30 minutes, then 0.9 req/s (9x): silent",
    series: traffic(0.1, 30, 0.9, 15),
    cases: [{ at: "45m", alert: "TrafficSurge", firing: [] }],
  },
  {
    name: "API latency: every request between 0.5 s and 1 s breaks p50, p95 and p99",
    series: histogram("http_request_duration_seconds_bucket", 'namespace="api"', API_BOUNDS, "1", 30),
    cases: [
      { at: "20m", alert: "ApiLatencyP50AboveSlo", firing: [latency("p50", "warning")] },
      { at: "20m", alert: "ApiLatencyP95AboveSlo", firing: [latency("p95", "warning")] },
      { at: "20m", alert: "ApiLatencyP99AboveSlo", firing: [latency("p99", "critical")] },
    ],
  },
  {
    name: "API latency: every request under 50 ms breaks nothing",
    series: histogram("http_request_duration_seconds_bucket", 'namespace="api"', API_BOUNDS, "0.05", 30),
    cases: ["P50", "P95", "P99"].map((k) => ({ at: "20m", alert: `ApiLatency${k}AboveSlo`, firing: [] })),
  },
  {
    name: "cleanup job duration: every job between 300 s and 600 s breaks p50, p95 and p99",
    series: histogram("bullmq_job_duration_seconds_bucket", 'namespace="workers",queue="cleanup"', JOB_BOUNDS, "600", 40),
    cases: [
      { at: "30m", alert: "JobDurationP50AboveSla", firing: [jobLatency("p50", "warning")] },
      { at: "30m", alert: "JobDurationP95AboveSla", firing: [jobLatency("p95", "warning")] },
      { at: "30m", alert: "JobDurationP99AboveSla", firing: [jobLatency("p99", "critical")] },
    ],
  },
  {
    name: "cleanup job duration: every job under 30 s breaks nothing",
    series: histogram("bullmq_job_duration_seconds_bucket", 'namespace="workers",queue="cleanup"', JOB_BOUNDS, "30", 40),
    cases: ["P50", "P95", "P99"].map((k) => ({ at: "30m", alert: `JobDuration${k}AboveSla`, firing: [] })),
  },
  {
    name: "backlog just over growth's warning depth for cleanup (3334) and enterprise (1251)",
    series: { ...gauge("bullmq_queue_waiting", "cleanup", 3334), ...gauge("bullmq_queue_waiting", "enterprise", 1251), ...gauge("bullmq_queue_waiting", "template", 100) },
    cases: [{ at: "15m", alert: "BullmqQueueBacklog", firing: [q("cleanup", "warning"), q("enterprise", "warning")] }],
  },
  {
    name: "backlog over the critical depth (cleanup 10001, enterprise 3751); at the warning depth itself (3333) nothing",
    series: { ...gauge("bullmq_queue_waiting", "cleanup", 10001), ...gauge("bullmq_queue_waiting", "enterprise", 3751), ...gauge("bullmq_queue_waiting", "priority", 3333) },
    cases: [{ at: "15m", alert: "BullmqQueueBacklog", firing: [q("cleanup", "warning"), q("cleanup", "critical"), q("enterprise", "warning"), q("enterprise", "critical")] }],
  },
  {
    name: "oldest waiting job: cleanup 181 s warns, enterprise 481 s pages, priority at 180 s is fine",
    series: {
      ...gauge("bullmq_queue_oldest_waiting_age_seconds", "cleanup", 181),
      ...gauge("bullmq_queue_oldest_waiting_age_seconds", "enterprise", 481),
      ...gauge("bullmq_queue_oldest_waiting_age_seconds", "priority", 180),
    },
    cases: [{ at: "5m", alert: "BullmqQueueOldestJobWaiting", firing: [q("cleanup", "warning"), q("enterprise", "warning"), q("enterprise", "critical")] }],
  },
  {
    name: "failed jobs: cleanup 2 in 102 (2%) warns, enterprise 10 in 110 (9%) pages, template with none is fine",
    series: {
      'bullmq_jobs_completed_total{namespace="workers",queue="cleanup"}': "0+100x40",
      'bullmq_jobs_failed_total{namespace="workers",queue="cleanup"}': "0+2x40",
      'bullmq_jobs_completed_total{namespace="workers",queue="enterprise"}': "0+100x40",
      'bullmq_jobs_failed_total{namespace="workers",queue="enterprise"}': "0+10x40",
      'bullmq_jobs_completed_total{namespace="workers",queue="template"}': "0+100x40",
      'bullmq_jobs_failed_total{namespace="workers",queue="template"}': "0x40",
    },
    cases: [{ at: "20m", alert: "BullmqQueueFailedJobs", firing: [q("cleanup", "warning"), q("enterprise", "warning"), q("enterprise", "critical")] }],
  },
  {
    name: "no consumer: cleanup has waiting jobs and no worker, enterprise no worker metrics at all, template is served",
    series: {
      ...gauge("bullmq_active_workers", "cleanup", 0), ...gauge("bullmq_queue_waiting", "cleanup", 5),
      ...gauge("bullmq_active_workers", "template", 3), ...gauge("bullmq_queue_waiting", "template", 5),
      ...gauge("bullmq_active_workers", "priority", 0), ...gauge("bullmq_queue_waiting", "priority", 0),
    },
    cases: [{
      at: "10m",
      alert: "BullmqQueueNoConsumer",
      // absent() carries the selector's equality labels, so the enterprise alert has the namespace too.
      firing: [q("cleanup", "critical"), { labels: { queue: "enterprise", namespace: "workers", severity: "critical" } }],
    }],
  },
  {
    name: "worker memory: 95% of the limit warns, 80% does not",
    series: {
      'container_memory_working_set_bytes{namespace="workers",pod="worker-1",container="worker",image="w:1"}': "950x20",
      'kube_pod_container_resource_limits{namespace="workers",pod="worker-1",container="worker",resource="memory"}': "1000x20",
      'container_memory_working_set_bytes{namespace="workers",pod="worker-2",container="worker",image="w:1"}': "800x20",
      'kube_pod_container_resource_limits{namespace="workers",pod="worker-2",container="worker",resource="memory"}': "1000x20",
    },
    cases: [{ at: "10m", alert: "WorkerMemoryNearLimit", firing: [{ labels: { namespace: "workers", pod: "worker-1", container: "worker", severity: "warning" } }] }],
  },
  {
    name: "PgBouncer down, and a client waiting 1 whole second (the exporter's resolution) fires the wait alert",
    series: {
      'pgbouncer_up{namespace="pgbouncer",pod="pgbouncer-1"}': "0x10",
      'pgbouncer_up{namespace="pgbouncer",pod="pgbouncer-2"}': "1x10",
      'pgbouncer_pools_client_maxwait_seconds{namespace="pgbouncer",pod="pgbouncer-1",database="finishthisidea",user="app"}': "1x10",
      'pgbouncer_pools_client_maxwait_seconds{namespace="pgbouncer",pod="pgbouncer-1",database="pgbouncer",user="pgbouncer"}': "0x10",
    },
    cases: [
      { at: "5m", alert: "PgBouncerDown", firing: [{ labels: { namespace: "pgbouncer", pod: "pgbouncer-1", severity: "critical" } }] },
      { at: "5m", alert: "PgBouncerClientsWaiting", firing: [{ labels: { database: "finishthisidea", severity: "warning" } }] },
    ],
  },
  {
    name: "PgBouncer healthy: up, no client waiting",
    series: {
      'pgbouncer_up{namespace="pgbouncer",pod="pgbouncer-1"}': "1x10",
      'pgbouncer_pools_client_maxwait_seconds{namespace="pgbouncer",pod="pgbouncer-1",database="finishthisidea",user="app"}': "0x10",
    },
    cases: [{ at: "5m", alert: "PgBouncerDown", firing: [] }, { at: "5m", alert: "PgBouncerClientsWaiting", firing: [] }],
  },
  {
    name: "PgBouncer exporter not scraped at all",
    series: { 'up{job="other"}': "1x10" },
    cases: [{ at: "5m", alert: "PgBouncerDown", firing: [{ labels: { namespace: "pgbouncer", severity: "critical" } }] }],
  },
  {
    name: "Ollama: 2 of 3 replicas ready reduces capacity; 0 of 3 is down",
    series: {
      'kube_statefulset_status_replicas_ready{namespace="ollama",statefulset="ollama"}': "2x15 0x30",
      'kube_statefulset_replicas{namespace="ollama",statefulset="ollama"}': "3x45",
    },
    cases: [
      { at: "12m", alert: "OllamaReplicasUnavailable", firing: [{ labels: { namespace: "ollama", statefulset: "ollama", severity: "warning" } }] },
      { at: "12m", alert: "OllamaDown", firing: [] },
      { at: "30m", alert: "OllamaDown", firing: [{ labels: { namespace: "ollama", statefulset: "ollama", severity: "critical" } }] },
    ],
  },
  {
    name: "Ollama: all replicas ready",
    series: {
      'kube_statefulset_status_replicas_ready{namespace="ollama",statefulset="ollama"}': "3x20",
      'kube_statefulset_replicas{namespace="ollama",statefulset="ollama"}': "3x20",
    },
    cases: [{ at: "15m", alert: "OllamaReplicasUnavailable", firing: [] }, { at: "15m", alert: "OllamaDown", firing: [] }],
  },
];

/** MVP's backlog thresholds (its 8 workers): cleanup > 53 / > 160, enterprise > 20 / > 60; the same depths growth ignores. */
const MVP_SCENARIOS: Scenario[] = [
  {
    name: "mvp backlog: cleanup 54 warns, enterprise 61 pages, priority at 53 is fine",
    series: { ...gauge("bullmq_queue_waiting", "cleanup", 54), ...gauge("bullmq_queue_waiting", "enterprise", 61), ...gauge("bullmq_queue_waiting", "priority", 53) },
    cases: [{ at: "15m", alert: "BullmqQueueBacklog", firing: [q("cleanup", "warning"), q("enterprise", "warning"), q("enterprise", "critical")] }],
  },
  {
    name: "mvp backlog: cleanup 161 pages",
    series: gauge("bullmq_queue_waiting", "cleanup", 161),
    cases: [{ at: "15m", alert: "BullmqQueueBacklog", firing: [q("cleanup", "warning"), q("cleanup", "critical")] }],
  },
];

/**
 * promtool's unit-test file for the scenarios against the given rule files. `groupOrder` names the groups in the
 * order they are rendered (recording groups before the alerts that read them): without it promtool evaluates the
 * groups of a step in random (Go map) order, and an alert that runs before its recording rule reads it a step late.
 */
export function promtoolTestFile(ruleFiles: string[], scenarios: Scenario[], groupOrder: string[] = []) {
  return {
    rule_files: ruleFiles,
    evaluation_interval: "1m",
    ...(groupOrder.length > 0 ? { group_eval_order: groupOrder } : {}),
    tests: scenarios.map((s) => ({
      name: s.name,
      interval: "1m",
      input_series: Object.entries(s.series).map(([series, values]) => ({ series, values })),
      alert_rule_test: s.cases.map((c) => ({ eval_time: c.at, alertname: c.alert, exp_alerts: c.firing.map((a) => ({ exp_labels: a.labels })) })),
    })),
  };
}

/**
 * The scenarios grouped into one unit-test file per set of rule files they need: a scenario loads only the rule
 * sets that define the alerts it asserts (with their recording rules, which live beside them). promtool evaluates
 * every loaded rule at every step, so the week-long burn scenarios cost a sixth of what loading all seven costs.
 */
export function promtoolTestFiles(rules: Record<string, PromRuleGroup[]>, scenarios: Scenario[]): Record<string, ReturnType<typeof promtoolTestFile>> {
  const definedIn = new Map<string, string>();
  for (const [name, groups] of Object.entries(rules)) for (const g of groups) for (const r of g.rules) if (r.alert) definedIn.set(r.alert, name);
  const bySet = new Map<string, Scenario[]>();
  for (const s of scenarios) {
    const sets = [...new Set(s.cases.map((c) => {
      const set = definedIn.get(c.alert);
      if (!set) throw new Error(`scenario "${s.name}" asserts ${c.alert}, which no rendered rule set defines`);
      return set;
    }))].sort();
    const key = sets.join("+");
    bySet.set(key, [...(bySet.get(key) ?? []), s]);
  }
  return Object.fromEntries([...bySet].map(([key, group]) => {
    const sets = key.split("+");
    return [`tests-${key}.yaml`, promtoolTestFile(sets.map((n) => `${n}.unit.yaml`), group, sets.flatMap((n) => rules[n].map((g) => g.name)))];
  }));
}

/**
 * The rendered groups without annotations, for the unit tests only: promtool compares annotations verbatim
 * and they are prose with `$value` in them. `check rules` runs on the files exactly as rendered.
 */
function withoutAnnotations(groups: PromRuleGroup[]): PromRuleGroup[] {
  return groups.map((g) => ({ ...g, rules: g.rules.map(({ annotations: _a, ...r }) => r) }));
}

const promtool = requireProgram("promtool", INSTALL.promtool);

promtool.describe("rendered PrometheusRules under promtool", () => {
  let dir: string;
  let rules: Record<string, PromRuleGroup[]>;
  let ruleFiles: string[];
  let mvpQueues: PromRuleGroup[];
  const run = (args: string[]) => {
    try {
      return { ok: true, out: execFileSync(promtool.path!, args, { cwd: dir, encoding: "utf8", stdio: "pipe" }) };
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      return { ok: false, out: `${err.stdout ?? ""}${err.stderr ?? ""}` };
    }
  };

  beforeAll(async () => {
    // Growth renders every rule set (PgBouncer and Ollama included) with growth's 500-worker thresholds.
    rules = renderedObservability(await runTier("growth", {}, { preview: false })).rules;
    // MVP's queue rules: the same alerts at its own (8-worker) depths.
    mvpQueues = renderedObservability(await runTier("mvp", {}, { preview: false })).rules["finishthisidea-queues"];
    dir = mkdtempSync(join(tmpdir(), "promtool-"));
    ruleFiles = Object.keys(rules).map((name) => `${name}.yaml`);
    for (const [name, groups] of Object.entries(rules)) {
      writeFileSync(join(dir, `${name}.yaml`), stringify({ groups }));
      writeFileSync(join(dir, `${name}.unit.yaml`), stringify({ groups: withoutAnnotations(groups) }));
    }
  });
  afterAll(() => {
    // KEEP_PROMTOOL_DIR=1 keeps the rendered files (path printed) to rerun promtool by hand.
    if (dir && !process.env.KEEP_PROMTOOL_DIR) rmSync(dir, { recursive: true, force: true });
    else if (dir) console.log(dir);
  });

  it("renders the seven rule sets", () => {
    expect(Object.keys(rules).sort()).toEqual([
      "finishthisidea-api-slo", "finishthisidea-jobs-slo", "finishthisidea-ollama", "finishthisidea-pgbouncer", "finishthisidea-queues", "finishthisidea-surge", "finishthisidea-workers",
    ]);
  });

  it("promtool check rules accepts every rendered rule file", () => {
    const r = run(["check", "rules", ...ruleFiles]);
    expect(r.out).not.toMatch(/FAILED/);
    expect(r.ok).toBe(true);
  });

  it("promtool check rules rejects a broken rule (the check can fail)", () => {
    writeFileSync(join(dir, "broken.yaml"), stringify({ groups: [{ name: "b", rules: [{ alert: "Broken", expr: "sum(rate(x[5m])" }] }] }));
    const r = run(["check", "rules", "broken.yaml"]);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/FAILED/);
  });

  it("has a unit test for every rendered alert, firing and silent", () => {
    const alerts = new Set(Object.values(rules).flat().flatMap((g) => g.rules).flatMap((x) => (x.alert ? [x.alert] : [])));
    const cases = SCENARIOS.flatMap((s) => s.cases);
    const fired = new Set(cases.filter((c) => c.firing.length > 0).map((c) => c.alert));
    const silent = new Set(cases.filter((c) => c.firing.length === 0).map((c) => c.alert));
    // Alerts whose silent case is another severity or queue staying out of the firing list.
    for (const a of ["BullmqQueueBacklog", "BullmqQueueOldestJobWaiting", "BullmqQueueFailedJobs", "BullmqQueueNoConsumer", "WorkerMemoryNearLimit"]) silent.add(a);
    expect([...alerts].filter((a) => !fired.has(a))).toEqual([]);
    expect([...alerts].filter((a) => !silent.has(a))).toEqual([]);
  });

  it("promtool test rules: every alert fires on its condition and stays silent otherwise", () => {
    const files = promtoolTestFiles(rules, SCENARIOS);
    for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), stringify(content));
    const r = run(["test", "rules", ...Object.keys(files)]);
    expect(r.out).not.toMatch(/FAILED/);
    expect(r.out.match(/SUCCESS/g)?.length).toBe(Object.keys(files).length);
    expect(r.ok).toBe(true);
  });

  it("promtool test rules: MVP's queue alerts fire at MVP's depths", () => {
    writeFileSync(join(dir, "mvp-queues.unit.yaml"), stringify({ groups: withoutAnnotations(mvpQueues) }));
    writeFileSync(join(dir, "mvp-tests.yaml"), stringify(promtoolTestFile(["mvp-queues.unit.yaml"], MVP_SCENARIOS, mvpQueues.map((g) => g.name))));
    const r = run(["test", "rules", "mvp-tests.yaml"]);
    expect(r.out).toMatch(/SUCCESS/);
    expect(r.ok).toBe(true);
  });

  it("promtool test rules catches a wrong expectation (the unit tests can fail)", () => {
    const wrong: Scenario = { name: "wrong", series: api(5, 30), cases: [{ at: "20m", alert: "ApiErrorBudgetBurn", firing: [PAGE_FAST] }] };
    writeFileSync(join(dir, "wrong.yaml"), stringify(promtoolTestFile(["finishthisidea-api-slo.unit.yaml"], [wrong], rules["finishthisidea-api-slo"].map((g) => g.name))));
    const r = run(["test", "rules", "wrong.yaml"]);
    expect(r.ok).toBe(false);
    expect(r.out).toMatch(/FAILED/);
  });
});

describe("unit-test files per rule set", () => {
  const group = (alert: string) => [{ name: alert, rules: [{ alert, expr: "vector(1)" }] }];
  const rules = { a: group("A"), b: group("B") };
  const scenario = (name: string, ...alerts: string[]): Scenario => ({ name, series: {}, cases: alerts.map((alert) => ({ at: "1m", alert, firing: [] })) });

  it("load only the rule sets a scenario asserts, one file per set of sets", () => {
    const files = promtoolTestFiles(rules, [scenario("s1", "A"), scenario("s2", "B", "A"), scenario("s3", "A")]);
    expect(Object.keys(files).sort()).toEqual(["tests-a+b.yaml", "tests-a.yaml"]);
    expect(files["tests-a.yaml"].rule_files).toEqual(["a.unit.yaml"]);
    expect(files["tests-a.yaml"].group_eval_order).toEqual(["A"]);
    expect(files["tests-a+b.yaml"].group_eval_order).toEqual(["A", "B"]);
    expect(files["tests-a.yaml"].tests.map((t) => t.name)).toEqual(["s1", "s3"]);
    expect(files["tests-a+b.yaml"].rule_files).toEqual(["a.unit.yaml", "b.unit.yaml"]);
  });

  it("refuse a scenario asserting an alert no rule set defines", () => {
    expect(() => promtoolTestFiles(rules, [scenario("typo", "C")])).toThrow(/scenario "typo" asserts C, which no rendered rule set defines/);
  });
});
