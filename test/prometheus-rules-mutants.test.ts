/**
 * components/observability/prometheus-rules.ts over a small hand-made SLO table with literal expected rules
 * (issue 19: every mutant of the module must fail a test). The numbers are chosen so a reader can check them:
 * availability 99.9% leaves a 0.001 budget, 10x of it is 0.01; 12 workers x 120 s / 40 s per job = 36 jobs.
 * Pure and fast: no Pulumi, no promtool.
 */
import { describe, expect, it } from "vitest";
import type { SloTable } from "../components/observability/slo";
import { SLOS as SHARED_SLOS } from "./slo-fixture";
import {
  buildRuleSets,
  burnRateThreshold,
  errorBudget,
  errorRatioWindows,
  num,
  pgbouncerMaxWaitThreshold,
  queueDepthThreshold,
  queueThresholds,
  ruleTargetProblems,
  selector,
  sloTableProblems,
  SURGE_RECORDS,
  type PromRule,
  type RuleTargets,
} from "../components/observability/prometheus-rules";

/** The shared table with websocket SLOs: their rules are rendered too. */
const SLOS: SloTable = { ...SHARED_SLOS, websocket: { availability: 0.995, latencySeconds: { p50: 0.02, p95: 0.04, p99: 0.09 } } };

const TARGETS: RuleTargets = {
  api: { namespace: "web" },
  workers: { namespace: "jobs", queues: [{ name: "clean", averageJobSeconds: 40 }, { name: "mail", averageJobSeconds: 7 }], maxReplicas: 12 },
  pgbouncer: { namespace: "pgb" },
  ollama: { namespace: "llm" },
};

const clone = (): SloTable => structuredClone(SLOS);
const WINDOWS = ["5m", "1h", "12h", "1d"];

describe("arithmetic helpers", () => {
  it("prints numbers without float noise", () => {
    expect(num(1 - 0.999)).toBe("0.001");
    expect(num(0.1 + 0.2)).toBe("0.3");
    expect(num(3600)).toBe("3600");
    expect(num(1.99305555555555)).toBe("1.99305555556");
  });

  it("turns availability into an error budget and a burn factor into a threshold", () => {
    expect(errorBudget(0.999)).toBe(0.001);
    expect(errorBudget(0.9995)).toBe(0.0005);
    expect(burnRateThreshold(14.4, 0.9995)).toBe(0.0072);
    expect(burnRateThreshold(10, 0.999)).toBe(0.01);
  });

  it("needs the fleet's drain time worth of jobs for a depth alert, at least 1", () => {
    expect(queueDepthThreshold(12, 40, 120)).toBe(36);
    expect(queueDepthThreshold(12, 7, 120)).toBe(205);
    expect(queueDepthThreshold(1, 2000, 120)).toBe(1);
  });

  it("alerts on PgBouncer's whole-second maxwait at the first second that reaches the target, at least 1", () => {
    expect([0.2, 1, 1.5, 2, 2.01].map(pgbouncerMaxWaitThreshold)).toEqual([1, 1, 2, 2, 3]);
  });

  it("writes label matchers, keeping =~, != and !~ operators (only at the start of the value)", () => {
    expect(selector({})).toBe("{}");
    expect(selector({ a: "x", b: "=~y|z", c: "!=", d: "!~v.*", e: "p!=q", f: "=x" })).toBe('{a="x",b=~"y|z",c!="",d!~"v.*",e="p!=q",f="=x"}');
  });

  it("derives a queue's thresholds from the table and the worker maximum", () => {
    expect(queueThresholds(SLOS, { name: "clean", averageJobSeconds: 40 }, 12)).toEqual({
      queue: "clean",
      depth: { warning: 36, critical: 180 },
      // max(p95 90 s, 3 x 40 s), max(p99 200 s, 5 x 40 s)
      oldestWaitingSeconds: { warning: 120, critical: 200 },
      failedRatio: { warning: 0.02, critical: 0.08 },
    });
    expect(queueThresholds(SLOS, { name: "mail", averageJobSeconds: 7 }, 12)).toEqual({
      queue: "mail",
      depth: { warning: 205, critical: 1028 },
      oldestWaitingSeconds: { warning: 90, critical: 200 },
      failedRatio: { warning: 0.02, critical: 0.08 },
    });
    const t = clone();
    t.jobs.errorRate = 0.07;
    t.queues.failedCriticalFactor = 3;
    expect(queueThresholds(t, { name: "slow", averageJobSeconds: 100 }, 12)).toMatchObject({ oldestWaitingSeconds: { warning: 300, critical: 500 }, failedRatio: { critical: 0.21 } });
  });

  it("records the error ratio over 5m and every burn window once, shortest first", () => {
    expect(errorRatioWindows(SLOS)).toEqual(["5m", "1h", "12h", "1d"]);
    const t = clone();
    t.burnRates = [{ factor: 1, longWindow: "2w", shortWindow: "90s", severity: "ticket", for: "1h" }, { factor: 1, longWindow: "1y", shortWindow: "500ms", severity: "ticket", for: "1h" }];
    expect(errorRatioWindows(t)).toEqual(["500ms", "90s", "5m", "2w", "1y"]);
    t.burnRates = [];
    expect(errorRatioWindows(t)).toEqual(["5m"]);
    for (const bad of ["1hour", "x5m", "5mx", "h"]) {
      t.burnRates = [{ factor: 1, longWindow: bad, shortWindow: "5m", severity: "ticket", for: "1h" }];
      expect(() => errorRatioWindows(t), bad).toThrow(`not a Prometheus duration: ${JSON.stringify(bad)}`);
    }
  });
});

// ----- the whole rule sets, literally --------------------------------------------------------------------------

/** The two burn-rate alerts of one SLO: 10x over 1h/5m pages at `fast`, 2x over 1d/12h tickets at `slow`. */
const burn = (o: { alert: string; slo: string; record: string; subject: string; ratio: string; budget: string; availability: string; fast: string; slow: string }) => [
  {
    alert: o.alert,
    expr: `${o.record}1h > ${o.fast} and ${o.record}5m > ${o.fast}`,
    for: "2m",
    labels: { severity: "critical", slo: o.slo, long_window: "1h", short_window: "5m" },
    annotations: {
      summary: `${o.subject} error budget burning 10x too fast over 1h and 5m`,
      description: `${o.ratio} is above ${o.fast} (10 x the ${o.budget} budget of the ${o.availability}% availability SLO over 28d) over both 1h and 5m. Value: {{ $value | humanizePercentage }}.`,
    },
  },
  {
    alert: o.alert,
    expr: `${o.record}1d > ${o.slow} and ${o.record}12h > ${o.slow}`,
    for: "1h",
    labels: { severity: "warning", slo: o.slo, long_window: "1d", short_window: "12h" },
    annotations: {
      summary: `${o.subject} error budget burning 2x too fast over 1d and 12h`,
      description: `${o.ratio} is above ${o.slow} (2 x the ${o.budget} budget of the ${o.availability}% availability SLO over 28d) over both 1d and 12h. Value: {{ $value | humanizePercentage }}.`,
    },
  },
];

const API_SET = {
  name: "api-slo",
  groups: [
    {
      name: "api-slo.recording",
      interval: "30s",
      rules: WINDOWS.map((w) => ({
        record: `slo:api_request_errors:ratio_rate${w}`,
        expr: `sum(rate(http_requests_total{namespace="web",code=~"5.."}[${w}])) / sum(rate(http_requests_total{namespace="web"}[${w}]))`,
        labels: { slo: "api-availability" },
      })),
    },
    {
      name: "api-slo.alerts",
      rules: [
        ...burn({ alert: "ApiErrorBudgetBurn", slo: "api-availability", record: "slo:api_request_errors:ratio_rate", subject: "API", ratio: "5xx ratio", budget: "0.001", availability: "99.9", fast: "0.01", slow: "0.002" }),
        {
          alert: "ApiErrorRateAboveSla",
          expr: "slo:api_request_errors:ratio_rate5m > 0.002",
          for: "10m",
          labels: { severity: "warning", slo: "api-error-rate" },
          annotations: { summary: "API 5xx ratio above the SLA", description: "5xx ratio over 5m is {{ $value | humanizePercentage }}; the SLA is under 0.2%." },
        },
        ...([["P50", "p50", "0.5", "0.1", "100", "warning"], ["P95", "p95", "0.95", "0.3", "300", "warning"], ["P99", "p99", "0.99", "0.8", "800", "critical"]] as const).map(([K, k, q, s, ms, severity]) => ({
          alert: `ApiLatency${K}AboveSlo`,
          expr: `histogram_quantile(${q}, sum by (le) (rate(http_request_duration_seconds_bucket{namespace="web"}[5m]))) > ${s}`,
          for: "10m",
          labels: { severity, slo: "api-latency", quantile: k },
          annotations: { summary: `API ${k} latency above ${ms} ms`, description: `API ${k} latency over 5m is {{ $value | humanizeDuration }}; the SLO is ${ms} ms.` },
        })),
        {
          alert: "ApiThroughputAboveSlo",
          expr: 'sum(rate(http_requests_total{namespace="web"}[5m])) > 100',
          for: "15m",
          labels: { severity: "warning", slo: "api-throughput" },
          annotations: {
            summary: "API above the 100 req/s the tier is sized for",
            description: "The API serves {{ $value | humanize }} req/s; the tier's SLOs hold up to 100 req/s. Plan the next tier (npm run plan).",
          },
        },
      ],
    },
  ],
};

const JOB_SEL = '{namespace="jobs",queue=~"clean|mail"}';
const JOBS_SET = {
  name: "jobs-slo",
  groups: [
    {
      name: "jobs-slo.recording",
      interval: "30s",
      rules: WINDOWS.map((w) => ({
        record: `slo:jobs_failed:ratio_rate${w}`,
        expr: `sum(rate(bullmq_jobs_failed_total${JOB_SEL}[${w}])) / (sum(rate(bullmq_jobs_completed_total${JOB_SEL}[${w}])) + sum(rate(bullmq_jobs_failed_total${JOB_SEL}[${w}])))`,
        labels: { slo: "job-availability" },
      })),
    },
    {
      name: "jobs-slo.alerts",
      rules: [
        ...burn({ alert: "JobErrorBudgetBurn", slo: "job-availability", record: "slo:jobs_failed:ratio_rate", subject: "Cleanup job", ratio: "Failed-job ratio", budget: "0.01", availability: "99", fast: "0.1", slow: "0.02" }),
        ...["clean", "mail"].flatMap((queue) =>
          ([["P50", "p50", "0.5", "30", "warning"], ["P95", "p95", "0.95", "90", "warning"], ["P99", "p99", "0.99", "200", "critical"]] as const).map(([K, k, q, s, severity]) => ({
            alert: `JobDuration${K}AboveSla`,
            expr: `histogram_quantile(${q}, sum by (le, queue) (rate(bullmq_job_duration_seconds_bucket{namespace="jobs",queue="${queue}"}[15m]))) > ${s}`,
            for: "15m",
            labels: { severity, slo: "job-duration", queue, quantile: k },
            annotations: { summary: `${queue} jobs ${k} duration above ${s} s`, description: `${k} duration of ${queue} jobs over 15m is {{ $value | humanizeDuration }}; the SLA is ${s} s.` },
          })),
        ),
        {
          alert: "JobThroughputBelowSlo",
          expr: `sum(rate(bullmq_jobs_completed_total${JOB_SEL}[30m])) * 3600 < 600 and on() max(bullmq_queue_oldest_waiting_age_seconds${JOB_SEL}) > 90`,
          for: "15m",
          labels: { severity: "warning", slo: "job-throughput" },
          annotations: {
            summary: "Cleanup jobs finish below the 600 per hour the tier is sized for while a backlog waits",
            description: "{{ $value | humanize }} jobs/h finished while the oldest job waits over 90 s; the tier promises 600 jobs/h.",
          },
        },
      ],
    },
  ],
};

const WEBSOCKET_SET = {
  name: "websocket-slo",
  groups: [
    {
      name: "websocket-slo.recording",
      interval: "30s",
      rules: WINDOWS.map((w) => ({
        record: `slo:websocket_errors:ratio_rate${w}`,
        expr: `sum(rate(websocket_connections_total{namespace="web",result="error"}[${w}])) / sum(rate(websocket_connections_total{namespace="web"}[${w}]))`,
        labels: { slo: "websocket-availability" },
      })),
    },
    {
      name: "websocket-slo.alerts",
      rules: [
        ...burn({ alert: "WebsocketErrorBudgetBurn", slo: "websocket-availability", record: "slo:websocket_errors:ratio_rate", subject: "Websocket", ratio: "Refused or dropped connection ratio", budget: "0.005", availability: "99.5", fast: "0.05", slow: "0.01" }),
        ...([["P50", "p50", "0.5", "0.02", "20", "warning"], ["P95", "p95", "0.95", "0.04", "40", "warning"], ["P99", "p99", "0.99", "0.09", "90", "critical"]] as const).map(([K, k, q, s, ms, severity]) => ({
          alert: `WebsocketLatency${K}AboveSlo`,
          expr: `histogram_quantile(${q}, sum by (le) (rate(websocket_message_duration_seconds_bucket{namespace="web"}[5m]))) > ${s}`,
          for: "10m",
          labels: { severity, slo: "websocket-latency", quantile: k },
          annotations: { summary: `Websocket ${k} message latency above ${ms} ms`, description: `Websocket ${k} latency over 5m is {{ $value | humanizeDuration }}; the SLO is ${ms} ms.` },
        })),
      ],
    },
  ],
};

const SURGE_SET = {
  name: "surge",
  groups: [
    {
      name: "surge.recording",
      interval: "1m",
      rules: [
        { record: "api:http_requests:rate5m", expr: 'sum(rate(http_requests_total{namespace="web"}[5m]))' },
        { record: "api:http_requests:rate5m:baseline", expr: "avg_over_time(api:http_requests:rate5m[1w])" },
      ],
    },
    {
      name: "surge.alerts",
      rules: [
        {
          alert: "TrafficSurge",
          expr: "api:http_requests:rate5m > 3 * api:http_requests:rate5m:baseline and api:http_requests:rate5m > 2",
          for: "10m",
          labels: { severity: "critical" },
          annotations: {
            summary: "API request rate above 3x its 1w baseline",
            description: "The API serves {{ $value | humanize }} req/s, over 3x its average of the last 1w. Consider surge mode (finishthisidea:surgeMode).",
            runbook_url: "https://example.com/runbooks/surge",
          },
        },
      ],
    },
  ],
};

/** The seven rules of one queue: [depth warning, critical], [drain minutes], [age], [failed ratio], [failed %]. */
function queueRules(q: string, depth: [string, string], minutes: [string, string], age: [string, string], failed: [string, string], pct: [string, string]): PromRule[] {
  const sel = `{namespace="jobs",queue="${q}"}`;
  const failedExpr = `sum by (queue) (rate(bullmq_jobs_failed_total${sel}[10m])) / (sum by (queue) (rate(bullmq_jobs_completed_total${sel}[10m])) + sum by (queue) (rate(bullmq_jobs_failed_total${sel}[10m])))`;
  const two = (alert: string, expr: (v: string) => string, values: [string, string], fors: [string, string], text: (i: number) => string): PromRule[] =>
    (["warning", "critical"] as const).map((severity, i) => ({
      alert,
      expr: expr(values[i]),
      for: fors[i],
      labels: { severity, queue: q },
      annotations: { summary: `Queue ${q}: ${text(i)}`, description: `Queue ${q}: ${text(i)}. Value: {{ $value }}.` },
    }));
  return [
    ...two("BullmqQueueBacklog", (v) => `max by (queue) (bullmq_queue_waiting${sel}) > ${v}`, depth, ["10m", "5m"], (i) => `more than ${depth[i]} jobs waiting (12 workers would need over ${minutes[i]} min)`),
    ...two("BullmqQueueOldestJobWaiting", (v) => `max by (queue) (bullmq_queue_oldest_waiting_age_seconds${sel}) > ${v}`, age, ["2m", "2m"], (i) => `oldest waiting job older than ${age[i]} s`),
    ...two("BullmqQueueFailedJobs", (v) => `${failedExpr} > ${v}`, failed, ["10m", "5m"], (i) => `failed jobs above ${pct[i]}% of finished jobs`),
    {
      alert: "BullmqQueueNoConsumer",
      expr: `(max by (queue) (bullmq_active_workers${sel}) == 0 and on (queue) max by (queue) (bullmq_queue_waiting${sel}) > 0) or absent(bullmq_active_workers${sel})`,
      for: "7m",
      labels: { severity: "critical", queue: q },
      annotations: { summary: `Queue ${q}: no worker consuming`, description: `Queue ${q} has waiting jobs and no connected worker, or no worker reports metrics at all, for 7m.` },
    },
  ];
}

const QUEUES_SET = {
  name: "queues",
  groups: [
    {
      name: "queues.alerts",
      rules: [
        ...queueRules("clean", ["36", "180"], ["2", "10"], ["120", "200"], ["0.02", "0.08"], ["2", "8"]),
        ...queueRules("mail", ["205", "1028"], ["1.99305555556", "9.99444444444"], ["90", "200"], ["0.02", "0.08"], ["2", "8"]),
      ],
    },
  ],
};

const WORKERS_SET = {
  name: "workers",
  groups: [
    {
      name: "workers.resources",
      rules: [
        {
          alert: "WorkerMemoryNearLimit",
          expr: 'max by (namespace, pod, container) (container_memory_working_set_bytes{namespace="jobs",container!="",image!=""}) / max by (namespace, pod, container) (kube_pod_container_resource_limits{namespace="jobs",resource="memory"}) > 0.85',
          for: "5m",
          labels: { severity: "warning" },
          annotations: {
            summary: "Worker container memory near its limit",
            description: "{{ $labels.pod }}/{{ $labels.container }} uses {{ $value | humanizePercentage }} of its memory limit (alert above 85%); the OOM killer is next.",
          },
        },
      ],
    },
  ],
};

const PGBOUNCER_SET = {
  name: "pgbouncer",
  groups: [
    {
      name: "pgbouncer.alerts",
      rules: [
        {
          alert: "PgBouncerDown",
          expr: 'pgbouncer_up{namespace="pgb"} == 0 or absent(pgbouncer_up{namespace="pgb"})',
          for: "2m",
          labels: { severity: "critical" },
          annotations: {
            summary: "PgBouncer unreachable",
            description: "The PgBouncer exporter reports PgBouncer down, or no exporter is scraped: API and workers reach the database only through it.",
          },
        },
        {
          alert: "PgBouncerClientsWaiting",
          expr: 'max by (database) (pgbouncer_pools_client_maxwait_seconds{namespace="pgb"}) >= 2',
          for: "2m",
          labels: { severity: "warning" },
          annotations: {
            summary: "PgBouncer clients waiting for a server connection",
            description: "A client of {{ $labels.database }} has waited {{ $value }} s (whole seconds; alert at 2 s): the pools are too small or the database is slow.",
          },
        },
      ],
    },
  ],
};

const OLLAMA_SET = {
  name: "ollama",
  groups: [
    {
      name: "ollama.alerts",
      rules: [
        {
          alert: "OllamaReplicasUnavailable",
          expr: 'kube_statefulset_status_replicas_ready{namespace="llm"} < kube_statefulset_replicas{namespace="llm"}',
          for: "10m",
          labels: { severity: "warning" },
          annotations: { summary: "Ollama replicas not ready", description: "{{ $labels.statefulset }} has fewer ready replicas than desired: LLM capacity is reduced." },
        },
        {
          alert: "OllamaDown",
          expr: 'kube_statefulset_status_replicas_ready{namespace="llm"} == 0 and kube_statefulset_replicas{namespace="llm"} > 0',
          for: "5m",
          labels: { severity: "critical" },
          annotations: { summary: "No Ollama replica ready", description: "{{ $labels.statefulset }} has no ready replica: jobs needing the LLM cannot finish." },
        },
      ],
    },
  ],
};

describe("buildRuleSets: every rule, literally", () => {
  // Built inside each test, not while the file is collected: Stryker activates a mutant for the tests that reach it.
  const sets = () => buildRuleSets(SLOS, TARGETS);

  it("has the sets in order", () => {
    expect(sets().map((s) => s.name)).toEqual(["api-slo", "jobs-slo", "websocket-slo", "surge", "queues", "workers", "pgbouncer", "ollama"]);
    expect(SURGE_RECORDS).toEqual({ rate: "api:http_requests:rate5m", baseline: "api:http_requests:rate5m:baseline" });
  });

  it("API: error ratio records, burn-rate alerts, the SLA, latency quantiles, throughput", () => expect(sets()[0]).toStrictEqual(API_SET));
  it("jobs: failed ratio records over the SLA queues, burn-rate alerts, durations per queue, throughput", () => expect(sets()[1]).toStrictEqual(JOBS_SET));
  it("websocket: refused/dropped ratio records, burn-rate alerts, message latency", () => expect(sets()[2]).toStrictEqual(WEBSOCKET_SET));
  it("surge: rate and baseline records, the surge alert with its runbook", () => expect(sets()[3]).toStrictEqual(SURGE_SET));
  it("queues: depth, age, failed ratio and no-consumer alerts per queue", () => expect(sets()[4]).toStrictEqual(QUEUES_SET));
  it("workers: memory near the limit", () => expect(sets()[5]).toStrictEqual(WORKERS_SET));
  it("pgbouncer: down, clients waiting", () => expect(sets()[6]).toStrictEqual(PGBOUNCER_SET));
  it("ollama: replicas unavailable, down", () => expect(sets()[7]).toStrictEqual(OLLAMA_SET));

  it("leaves out websocket, PgBouncer and Ollama rules when they are not there", () => {
    const t = clone();
    delete t.websocket;
    expect(buildRuleSets(t, { api: TARGETS.api, workers: TARGETS.workers }).map((s) => s.name)).toEqual(["api-slo", "jobs-slo", "surge", "queues", "workers"]);
  });

  it("throws naming every problem of the table and the targets", () => {
    const t = clone();
    t.api.errorRate = 2;
    expect(() => buildRuleSets(t, { ...TARGETS, workers: { ...TARGETS.workers, maxReplicas: 0 } })).toThrow(
      "Prometheus rules: api.errorRate must be a fraction between 0 and 1 (0.001 for 0.1%); got 2; workers.replicas.max must be an integer >= 1; got 0",
    );
    expect(() => buildRuleSets(SLOS, { ...TARGETS, workers: { ...TARGETS.workers, maxReplicas: 0 } })).toThrow(
      /^Prometheus rules: workers.replicas.max must be an integer >= 1; got 0$/,
    );
  });
});

// ----- validation ----------------------------------------------------------------------------------------------

describe("sloTableProblems", () => {
  it("accepts the table, and boundary values that are still valid", () => {
    expect(sloTableProblems(SLOS)).toEqual([]);
    const t = clone();
    t.api.latencySeconds = { p50: 0.2, p95: 0.2, p99: 0.2 };
    t.queues.oldestWaitingJobs = { warning: 4, critical: 4 };
    t.queues.failedCriticalFactor = 1;
    t.surge.factor = 1.01;
    t.burnRates[0].factor = 99.9; // x 0.01 (jobs) = 0.999 < 1
    t.api.period = "500ms";
    expect(sloTableProblems(t)).toEqual([]);
  });

  it("names every bad field with its value and what is allowed", () => {
    const t = clone();
    t.api.availability = 1;
    t.api.errorRate = 0;
    t.jobs.errorRate = Number.NaN;
    t.jobs.availability = -0.5;
    t.throughput = { apiPeakRequestsPerSecond: 0, jobsPeakPerHour: Number.NaN };
    t.websocket = { availability: 1.5, latencySeconds: { p50: 0.1, p95: 0.05, p99: 0.2 } };
    t.workers.memoryLimitRatio = Number.POSITIVE_INFINITY;
    t.api.latencySeconds = { p50: 0, p95: 0.1, p99: 0.2 };
    t.jobs.durationSeconds = { p50: 1, p95: 3, p99: 2 };
    t.api.period = "30 d";
    t.queues.noConsumerFor = "5";
    t.surge.baselineWindow = "week";
    t.surge.for = "m";
    t.surge.factor = 1;
    t.queues.drainSeconds = { warning: 300, critical: 300 };
    t.queues.oldestWaitingJobs = { warning: 0, critical: 4 };
    t.queues.failedCriticalFactor = 0.5;
    t.pgbouncer.clientMaxWaitSeconds = 0;
    expect(sloTableProblems(t)).toEqual([
      "api.availability must be a fraction between 0 and 1 (0.9995 for 99.95%); got 1",
      "api.errorRate must be a fraction between 0 and 1 (0.001 for 0.1%); got 0",
      "jobs.errorRate must be a fraction between 0 and 1 (0.01 for 1%); got NaN",
      "jobs.availability must be a fraction between 0 and 1 (0.999 for 99.9%); got -0.5",
      "throughput.apiPeakRequestsPerSecond must be positive; got 0",
      "throughput.jobsPeakPerHour must be positive; got NaN",
      "websocket.availability must be a fraction between 0 and 1 (0.999 for 99.9%); got 1.5",
      'websocket.latencySeconds must be positive seconds with p50 <= p95 <= p99; got {"p50":0.1,"p95":0.05,"p99":0.2}',
      "workers.memoryLimitRatio must be a fraction between 0 and 1 (0.9 for 90%); got Infinity",
      'api.latencySeconds must be positive seconds with p50 <= p95 <= p99; got {"p50":0,"p95":0.1,"p99":0.2}',
      'jobs.durationSeconds must be positive seconds with p50 <= p95 <= p99; got {"p50":1,"p95":3,"p99":2}',
      'api.period must be a Prometheus duration such as 5m or 1h; got "30 d"',
      'queues.noConsumerFor must be a Prometheus duration such as 5m or 1h; got "5"',
      'surge.baselineWindow must be a Prometheus duration such as 5m or 1h; got "week"',
      'surge.for must be a Prometheus duration such as 5m or 1h; got "m"',
      "surge.factor must be above 1 (2 for twice the baseline); got 1",
      'queues.drainSeconds must satisfy 0 < warning < critical; got {"warning":300,"critical":300}',
      'queues.oldestWaitingJobs must satisfy 0 < warning <= critical; got {"warning":0,"critical":4}',
      "queues.failedCriticalFactor must be >= 1 and keep jobs.errorRate x factor under 1; got 0.5",
      "pgbouncer.clientMaxWaitSeconds must be positive; got 0",
    ]);
  });

  it("takes only fractions strictly between 0 and 1", () => {
    for (const v of [0.5, 1e-9, 0.999999]) {
      const t = clone();
      t.workers.memoryLimitRatio = v;
      expect(sloTableProblems(t), String(v)).toEqual([]);
    }
    for (const v of [0, 1, -0.1, 1.1, Number.NaN, Number.NEGATIVE_INFINITY]) {
      const t = clone();
      t.workers.memoryLimitRatio = v;
      expect(sloTableProblems(t), String(v)).toEqual([`workers.memoryLimitRatio must be a fraction between 0 and 1 (0.9 for 90%); got ${v}`]);
    }
  });

  it("takes latency targets only positive, finite and ordered", () => {
    const bad = [
      { p50: 0.1, p95: 0.2, p99: 0 },
      { p50: 0.1, p95: -1, p99: 0.2 },
      { p50: 0.1, p95: 0.2, p99: Number.POSITIVE_INFINITY },
      { p50: Number.NaN, p95: 0.2, p99: 0.3 },
      { p50: 0.3, p95: 0.2, p99: 0.4 },
      { p50: 0.1, p95: 0.5, p99: 0.4 },
    ];
    for (const latencySeconds of bad) {
      const t = clone();
      t.api.latencySeconds = latencySeconds;
      expect(sloTableProblems(t), JSON.stringify(latencySeconds)).toEqual([`api.latencySeconds must be positive seconds with p50 <= p95 <= p99; got ${JSON.stringify(latencySeconds)}`]);
    }
  });

  it("takes durations as digits and one unit, nothing around them", () => {
    for (const v of ["1ms", "30s", "15m", "12h", "28d", "2w", "1y"]) {
      const t = clone();
      t.api.period = v;
      expect(sloTableProblems(t), v).toEqual([]);
    }
    for (const v of ["", "5", "h", "x5m", "5mx", "5 m", "5.5m", "5M"]) {
      const t = clone();
      t.queues.noConsumerFor = v;
      expect(sloTableProblems(t), v).toEqual([`queues.noConsumerFor must be a Prometheus duration such as 5m or 1h; got ${JSON.stringify(v)}`]);
    }
  });

  it("needs SLA queues and burn-rate pairs", () => {
    const t = clone();
    t.jobs.queues = [];
    t.burnRates = [];
    expect(sloTableProblems(t)).toEqual(["jobs.queues is empty; expected the queues of the cleanup jobs", "burnRates is empty; expected the multi-window pairs (14.4x 1h/5m ...)"]);
  });

  it("checks each burn-rate pair: durations, a positive factor, a threshold under 1, the short window shorter", () => {
    const t = clone();
    t.burnRates = [
      { factor: 1, longWindow: "1 h", shortWindow: "5m", severity: "page", for: "2m" },
      { factor: 1, longWindow: "1h", shortWindow: "5min", severity: "page", for: "2m" },
      { factor: 1, longWindow: "1h", shortWindow: "5m", severity: "page", for: "soon" },
      { factor: 0, longWindow: "1h", shortWindow: "5m", severity: "page", for: "2m" },
      { factor: 1, longWindow: "1h", shortWindow: "60m", severity: "page", for: "2m" },
      { factor: 1, longWindow: "1h", shortWindow: "2h", severity: "page", for: "2m" },
    ];
    expect(sloTableProblems(t)).toEqual([
      'burnRates[0].longWindow must be a Prometheus duration such as 5m or 1h; got "1 h"',
      'burnRates[1].shortWindow must be a Prometheus duration such as 5m or 1h; got "5min"',
      'burnRates[2].for must be a Prometheus duration such as 5m or 1h; got "soon"',
      "burnRates[3].factor must be positive; got 0",
      "burnRates[4] short window 60m must be shorter than the long window 1h",
      "burnRates[5] short window 2h must be shorter than the long window 1h",
    ]);
  });

  it("refuses a burn factor whose threshold reaches 1 for any availability SLO (it could never fire)", () => {
    const t = clone();
    t.burnRates[0].factor = 100; // x 0.01 (jobs) = 1, x 0.005 (websocket) = 0.5, x 0.001 (API) = 0.1
    expect(sloTableProblems(t)).toEqual(["burnRates[0].factor 100 times the error budget 0.01 of jobs.availability is >= 1: the alert could never fire"]);
    t.burnRates[0].factor = 1000;
    expect(sloTableProblems(t)).toEqual([
      "burnRates[0].factor 1000 times the error budget 0.001 of api.availability is >= 1: the alert could never fire",
      "burnRates[0].factor 1000 times the error budget 0.01 of jobs.availability is >= 1: the alert could never fire",
      "burnRates[0].factor 1000 times the error budget 0.005 of websocket.availability is >= 1: the alert could never fire",
    ]);
    t.burnRates[0].factor = 99.99;
    expect(sloTableProblems(t)).toEqual([]);
    // An availability that is not a fraction is reported once, as such.
    t.burnRates[0].factor = 1;
    t.api.availability = 0;
    expect(sloTableProblems(t)).toEqual(["api.availability must be a fraction between 0 and 1 (0.9995 for 99.95%); got 0"]);
    t.api.availability = -1;
    expect(sloTableProblems(t)).toEqual(["api.availability must be a fraction between 0 and 1 (0.9995 for 99.95%); got -1"]);
  });

  it("checks the queue and PgBouncer thresholds at their boundaries", () => {
    const problems = (f: (t: SloTable) => void) => {
      const t = clone();
      f(t);
      return sloTableProblems(t);
    };
    expect(problems((t) => (t.queues.drainSeconds = { warning: 0, critical: 10 }))).toEqual(['queues.drainSeconds must satisfy 0 < warning < critical; got {"warning":0,"critical":10}']);
    expect(problems((t) => (t.queues.drainSeconds = { warning: 11, critical: 10 }))).toHaveLength(1);
    expect(problems((t) => (t.queues.drainSeconds = { warning: 9, critical: 10 }))).toEqual([]);
    expect(problems((t) => (t.queues.oldestWaitingJobs = { warning: 5, critical: 4 }))).toEqual(['queues.oldestWaitingJobs must satisfy 0 < warning <= critical; got {"warning":5,"critical":4}']);
    expect(problems((t) => (t.queues.oldestWaitingJobs = { warning: 0.5, critical: 4 }))).toEqual([]);
    expect(problems((t) => (t.queues.failedCriticalFactor = 0.99))).toEqual(["queues.failedCriticalFactor must be >= 1 and keep jobs.errorRate x factor under 1; got 0.99"]);
    expect(problems((t) => ((t.jobs.errorRate = 0.25), (t.queues.failedCriticalFactor = 4)))).toEqual(["queues.failedCriticalFactor must be >= 1 and keep jobs.errorRate x factor under 1; got 4"]);
    expect(problems((t) => ((t.jobs.errorRate = 0.25), (t.queues.failedCriticalFactor = 3.99)))).toEqual([]);
    expect(problems((t) => (t.queues.failedCriticalFactor = Number.NaN))).toHaveLength(1);
    expect(problems((t) => (t.pgbouncer.clientMaxWaitSeconds = Number.NaN))).toEqual(["pgbouncer.clientMaxWaitSeconds must be positive; got NaN"]);
    expect(problems((t) => (t.pgbouncer.clientMaxWaitSeconds = 0.01))).toEqual([]);
    expect(problems((t) => (t.throughput.apiPeakRequestsPerSecond = 0.5))).toEqual([]);
  });

  it("leaves the websocket entry out when there is none", () => {
    const t = clone();
    delete t.websocket;
    t.burnRates[0].factor = 199; // 0.199 for the API, 1.99 for the jobs, and no websocket budget to exceed
    expect(sloTableProblems(t)).toEqual(["burnRates[0].factor 199 times the error budget 0.01 of jobs.availability is >= 1: the alert could never fire"]);
  });
});

describe("ruleTargetProblems", () => {
  it("accepts the targets", () => {
    expect(ruleTargetProblems(SLOS, TARGETS)).toEqual([]);
    expect(ruleTargetProblems(SLOS, { ...TARGETS, workers: { ...TARGETS.workers, queues: [...TARGETS.workers.queues, { name: "a.b:c_d-9", averageJobSeconds: 0.5 }], maxReplicas: 1 } })).toEqual([]);
  });

  it("names bad queues, a bad worker maximum and SLA queues the workers do not serve", () => {
    const problems = ruleTargetProblems(SLOS, {
      ...TARGETS,
      workers: { namespace: "jobs", queues: [{ name: "clean", averageJobSeconds: 0 }, { name: "a b", averageJobSeconds: Number.NaN }, { name: 'x"', averageJobSeconds: 1 }, { name: "", averageJobSeconds: 1 }], maxReplicas: 1.5 },
    });
    expect(problems).toEqual([
      "queue clean: averageJobSeconds must be positive; got 0",
      'queue name "a b" must match [A-Za-z0-9_.:-]+ (it is used in PromQL label matchers)',
      "queue a b: averageJobSeconds must be positive; got NaN",
      'queue name "x\\"" must match [A-Za-z0-9_.:-]+ (it is used in PromQL label matchers)',
      'queue name "" must match [A-Za-z0-9_.:-]+ (it is used in PromQL label matchers)',
      "workers.replicas.max must be an integer >= 1; got 1.5",
      'jobs.queues ["mail"] are not served by the workers (queues: clean, a b, x", )',
    ]);
  });

  it("needs at least one queue", () => {
    expect(ruleTargetProblems(SLOS, { ...TARGETS, workers: { namespace: "jobs", queues: [], maxReplicas: 0 } })).toEqual([
      "workers.queues is empty; expected the BullMQ queues the workers serve",
      "workers.replicas.max must be an integer >= 1; got 0",
      'jobs.queues ["clean","mail"] are not served by the workers (queues: )',
    ]);
  });
});
