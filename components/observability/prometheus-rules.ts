/**
 * Prometheus recording and alerting rules built from the SLO table (infra/slos.ts): the API's availability SLO
 * as multi-window, multi-burn-rate alerts (Google SRE workbook, "Alerting on SLOs"), its latency and error-rate
 * SLA, the cleanup jobs' duration SLA, per-queue alerts (depth, oldest waiting job, failed jobs, no consumer),
 * worker memory near its limit, PgBouncer and Ollama health. Pure: data in, rule groups out. The PromQL
 * helpers are exported so the dashboards (components/observability/dashboards.ts) plot exactly what the rules alert on.
 */
import { METRICS, type QuantileTargets, type SloTable } from "./slo";

export interface PromRule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PromRuleGroup {
  name: string;
  interval?: string;
  rules: PromRule[];
}

/** The rule groups of one PrometheusRule object. */
export interface RuleSet {
  name: string;
  groups: PromRuleGroup[];
}

export interface QueueTarget {
  name: string;
  averageJobSeconds: number;
}

/** Where the rules look: namespaces of the scraped workloads, the queues, the tier's worker maximum. */
export interface RuleTargets {
  api: { namespace: string };
  workers: { namespace: string; queues: QueueTarget[]; maxReplicas: number };
  /** Absent when PgBouncer (or its exporter) is not deployed. */
  pgbouncer?: { namespace: string };
  /** Absent when Ollama is not deployed. */
  ollama?: { namespace: string };
}

export interface QueueThresholds {
  queue: string;
  depth: { warning: number; critical: number };
  oldestWaitingSeconds: { warning: number; critical: number };
  failedRatio: { warning: number; critical: number };
}

/** A number as PromQL reads it, without float noise (1 - 0.9995 is 0.0005, not 0.00049999999999994493). */
export function num(v: number): string {
  return String(Number(v.toPrecision(12)));
}

/** The availability SLO's error budget: the fraction of requests allowed to fail. */
export function errorBudget(availability: number): number {
  return Number((1 - availability).toPrecision(12));
}

/** Error ratio above which the budget burns `factor` times too fast. */
export function burnRateThreshold(factor: number, availability: number): number {
  return Number((factor * errorBudget(availability)).toPrecision(12));
}

const SEVERITY = { page: "critical", ticket: "warning" } as const;

const QUANTILES: [keyof QuantileTargets, number][] = [["p50", 0.5], ["p95", 0.95], ["p99", 0.99]];

/** Label matchers `{a="x",b=~"y"}` from pairs; a value starting with `=~` / `!=` / `!~` keeps its operator. */
export function selector(matchers: Record<string, string>): string {
  const parts = Object.entries(matchers).map(([k, v]) => (/^(=~|!=|!~)/.test(v) ? `${k}${v.slice(0, 2)}"${v.slice(2)}"` : `${k}="${v}"`));
  return `{${parts.join(",")}}`;
}

const durationSeconds = (d: string): number => {
  const m = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(d);
  if (!m) throw new Error(`not a Prometheus duration: ${JSON.stringify(d)}`);
  const unit = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 }[m[2] as "s"];
  return Number(m[1]) * unit;
};

// ----- PromQL shared with the dashboards ---------------------------------------------------------------------

/** Name of the recording rule holding the API's 5xx ratio over `window`. */
export function apiErrorRatioRecord(window: string): string {
  return `slo:api_request_errors:ratio_rate${window}`;
}

/** The API's 5xx ratio over `window`, from the request counter. */
export function apiErrorRatioExpr(namespace: string, window: string): string {
  const all = selector({ namespace });
  const errors = selector({ namespace, code: '=~5..' });
  return `sum(rate(${METRICS.httpRequests}${errors}[${window}])) / sum(rate(${METRICS.httpRequests}${all}[${window}]))`;
}

/** Name of the recording rule holding the SLO queues' failed-job ratio over `window`. */
export function jobErrorRatioRecord(window: string): string {
  return `slo:jobs_failed:ratio_rate${window}`;
}

/** Name of the recording rule holding the websocket connection error ratio over `window`. */
export function websocketErrorRatioRecord(window: string): string {
  return `slo:websocket_errors:ratio_rate${window}`;
}

/** Websocket connections refused or dropped by the server over all connections, over `window`. */
export function websocketErrorRatioExpr(namespace: string, window: string): string {
  const all = selector({ namespace });
  const errors = selector({ namespace, result: "error" });
  return `sum(rate(${METRICS.websocketConnections}${errors}[${window}])) / sum(rate(${METRICS.websocketConnections}${all}[${window}]))`;
}

/** Recording rules of surge detection: the API's request rate and its baseline. */
export const SURGE_RECORDS = { rate: "api:http_requests:rate5m", baseline: "api:http_requests:rate5m:baseline" } as const;

/** The API's latency quantile over `window`, from the duration histogram. */
export function apiLatencyExpr(namespace: string, quantile: number, window = "5m"): string {
  return `histogram_quantile(${num(quantile)}, sum by (le) (rate(${METRICS.httpDuration}_bucket${selector({ namespace })}[${window}])))`;
}

/** A queue's job duration quantile over `window`. */
export function jobDurationExpr(namespace: string, queue: string, quantile: number, window = "15m"): string {
  return `histogram_quantile(${num(quantile)}, sum by (le, queue) (rate(${METRICS.jobDuration}_bucket${selector({ namespace, queue })}[${window}])))`;
}

/** Failed / finished jobs of a queue over `window` (NaN, so never alerting, when nothing finished). `queue` may be a matcher such as `=~a|b`. */
export function failedRatioExpr(namespace: string, queue: string, window = "10m"): string {
  const s = selector({ namespace, queue });
  const failed = `sum by (queue) (rate(${METRICS.jobsFailed}${s}[${window}]))`;
  return `${failed} / (sum by (queue) (rate(${METRICS.jobsCompleted}${s}[${window}])) + ${failed})`;
}

/** A queue-wide gauge (every worker pod reports the same value, so the max). */
export function queueGaugeExpr(metric: string, namespace: string, queue: string): string {
  return `max by (queue) (${metric}${selector({ namespace, queue })})`;
}

/** Working set over memory limit, per container of a namespace. */
export function memoryLimitRatioExpr(namespace: string): string {
  const by = "max by (namespace, pod, container)";
  return `${by} (${METRICS.memoryWorkingSet}${selector({ namespace, container: "!=", image: "!=" })}) / ${by} (${METRICS.memoryLimit}${selector({ namespace, resource: "memory" })})`;
}

// ----- thresholds and validation ------------------------------------------------------------------------------

/** Depth at which even `maxWorkers` workers need more than `drainSeconds` to empty the queue (one job each at a time). */
export function queueDepthThreshold(maxWorkers: number, averageJobSeconds: number, drainSeconds: number): number {
  return Math.max(1, Math.floor((maxWorkers * drainSeconds) / averageJobSeconds));
}

/** A queue's alert thresholds, from the table and the tier's worker maximum. */
export function queueThresholds(slos: SloTable, queue: QueueTarget, maxWorkers: number): QueueThresholds {
  const q = slos.queues;
  return {
    queue: queue.name,
    depth: {
      warning: queueDepthThreshold(maxWorkers, queue.averageJobSeconds, q.drainSeconds.warning),
      critical: queueDepthThreshold(maxWorkers, queue.averageJobSeconds, q.drainSeconds.critical),
    },
    oldestWaitingSeconds: {
      warning: Math.max(slos.jobs.durationSeconds.p95, q.oldestWaitingJobs.warning * queue.averageJobSeconds),
      critical: Math.max(slos.jobs.durationSeconds.p99, q.oldestWaitingJobs.critical * queue.averageJobSeconds),
    },
    failedRatio: { warning: slos.jobs.errorRate, critical: Number((slos.jobs.errorRate * q.failedCriticalFactor).toPrecision(12)) },
  };
}

const DURATION = /^\d+(ms|s|m|h|d|w|y)$/;
// NaN and the infinities fail one of the comparisons.
const isFraction = (v: number) => v > 0 && v < 1;

/** Every problem with an SLO table, each naming the field, the bad value and what is allowed; empty when valid. */
export function sloTableProblems(slos: SloTable): string[] {
  const problems: string[] = [];
  const fraction = (arg: string, v: number, example: string) => {
    if (!isFraction(v)) problems.push(`${arg} must be a fraction between 0 and 1 (${example}); got ${v}`);
  };
  const quantiles = (arg: string, t: QuantileTargets) => {
    if (![t.p50, t.p95, t.p99].every((v) => Number.isFinite(v) && v > 0) || !(t.p50 <= t.p95 && t.p95 <= t.p99)) {
      problems.push(`${arg} must be positive seconds with p50 <= p95 <= p99; got ${JSON.stringify(t)}`);
    }
  };
  const duration = (arg: string, v: string) => {
    if (!DURATION.test(v)) problems.push(`${arg} must be a Prometheus duration such as 5m or 1h; got ${JSON.stringify(v)}`);
  };
  fraction("api.availability", slos.api.availability, "0.9995 for 99.95%");
  fraction("api.errorRate", slos.api.errorRate, "0.001 for 0.1%");
  fraction("jobs.errorRate", slos.jobs.errorRate, "0.01 for 1%");
  fraction("jobs.availability", slos.jobs.availability, "0.999 for 99.9%");
  for (const k of ["apiPeakRequestsPerSecond", "jobsPeakPerHour"] as const) {
    if (!(slos.throughput[k] > 0)) problems.push(`throughput.${k} must be positive; got ${slos.throughput[k]}`);
  }
  if (slos.websocket) {
    fraction("websocket.availability", slos.websocket.availability, "0.999 for 99.9%");
    quantiles("websocket.latencySeconds", slos.websocket.latencySeconds);
  }
  fraction("workers.memoryLimitRatio", slos.workers.memoryLimitRatio, "0.9 for 90%");
  quantiles("api.latencySeconds", slos.api.latencySeconds);
  quantiles("jobs.durationSeconds", slos.jobs.durationSeconds);
  duration("api.period", slos.api.period);
  duration("queues.noConsumerFor", slos.queues.noConsumerFor);
  duration("surge.baselineWindow", slos.surge.baselineWindow);
  duration("surge.for", slos.surge.for);
  if (!(slos.surge.factor > 1)) problems.push(`surge.factor must be above 1 (2 for twice the baseline); got ${slos.surge.factor}`);
  if (slos.jobs.queues.length === 0) problems.push("jobs.queues is empty; expected the queues of the cleanup jobs");
  if (slos.burnRates.length === 0) problems.push("burnRates is empty; expected the multi-window pairs (14.4x 1h/5m ...)");
  slos.burnRates.forEach((b, i) => {
    for (const k of ["longWindow", "shortWindow", "for"] as const) duration(`burnRates[${i}].${k}`, b[k]);
    if (!(b.factor > 0)) problems.push(`burnRates[${i}].factor must be positive; got ${b.factor}`);
    else {
      for (const [arg, availability] of [["api.availability", slos.api.availability], ["jobs.availability", slos.jobs.availability], ["websocket.availability", slos.websocket?.availability]] as const) {
        if (availability !== undefined && isFraction(availability) && burnRateThreshold(b.factor, availability) >= 1) {
          problems.push(`burnRates[${i}].factor ${b.factor} times the error budget ${errorBudget(availability)} of ${arg} is >= 1: the alert could never fire`);
        }
      }
    }
    if (DURATION.test(b.longWindow) && DURATION.test(b.shortWindow) && durationSeconds(b.shortWindow) >= durationSeconds(b.longWindow)) {
      problems.push(`burnRates[${i}] short window ${b.shortWindow} must be shorter than the long window ${b.longWindow}`);
    }
  });
  const { drainSeconds: d, oldestWaitingJobs: o } = slos.queues;
  if (!(d.warning > 0 && d.warning < d.critical)) problems.push(`queues.drainSeconds must satisfy 0 < warning < critical; got ${JSON.stringify(d)}`);
  if (!(o.warning > 0 && o.warning <= o.critical)) problems.push(`queues.oldestWaitingJobs must satisfy 0 < warning <= critical; got ${JSON.stringify(o)}`);
  if (!(slos.queues.failedCriticalFactor >= 1) || slos.jobs.errorRate * slos.queues.failedCriticalFactor >= 1) {
    problems.push(`queues.failedCriticalFactor must be >= 1 and keep jobs.errorRate x factor under 1; got ${slos.queues.failedCriticalFactor}`);
  }
  if (!(slos.pgbouncer.clientMaxWaitSeconds > 0)) problems.push(`pgbouncer.clientMaxWaitSeconds must be positive; got ${slos.pgbouncer.clientMaxWaitSeconds}`);
  return problems;
}

/** Problems with the targets the rules are built for (queues, worker maximum, SLA queues present). */
export function ruleTargetProblems(slos: SloTable, targets: RuleTargets): string[] {
  const problems: string[] = [];
  const { queues, maxReplicas } = targets.workers;
  if (queues.length === 0) problems.push("workers.queues is empty; expected the BullMQ queues the workers serve");
  for (const q of queues) {
    if (!/^[A-Za-z0-9_.:-]+$/.test(q.name)) problems.push(`queue name ${JSON.stringify(q.name)} must match [A-Za-z0-9_.:-]+ (it is used in PromQL label matchers)`);
    if (!(q.averageJobSeconds > 0)) problems.push(`queue ${q.name}: averageJobSeconds must be positive; got ${q.averageJobSeconds}`);
  }
  if (!Number.isInteger(maxReplicas) || maxReplicas < 1) problems.push(`workers.replicas.max must be an integer >= 1; got ${maxReplicas}`);
  const missing = slos.jobs.queues.filter((name) => !queues.some((q) => q.name === name));
  if (missing.length > 0) problems.push(`jobs.queues ${JSON.stringify(missing)} are not served by the workers (queues: ${queues.map((q) => q.name).join(", ")})`);
  return problems;
}

// ----- rule groups --------------------------------------------------------------------------------------------

/** Every window the API's error ratio is recorded over: the burn-rate windows plus the SLA alert's 5m. */
export function errorRatioWindows(slos: SloTable): string[] {
  const windows = new Set<string>(["5m"]);
  for (const b of slos.burnRates) windows.add(b.longWindow).add(b.shortWindow);
  return [...windows].sort((a, b) => durationSeconds(a) - durationSeconds(b));
}

/** One availability SLO as rules: its error ratio recorded over every window, and the multi-window burn-rate alerts. */
interface BurnRateSlo {
  slo: string;
  alert: string;
  /** "API", "Cleanup job", ... */
  subject: string;
  /** "5xx ratio", "failed-job ratio", ... */
  ratio: string;
  availability: number;
  record: (window: string) => string;
  expr: (window: string) => string;
}

function burnRateRules(slos: SloTable, o: BurnRateSlo): { records: PromRule[]; alerts: PromRule[] } {
  const budget = errorBudget(o.availability);
  const records: PromRule[] = errorRatioWindows(slos).map((w) => ({ record: o.record(w), expr: o.expr(w), labels: { slo: o.slo } }));
  const alerts: PromRule[] = slos.burnRates.map((b) => {
    const threshold = num(burnRateThreshold(b.factor, o.availability));
    return {
      alert: o.alert,
      expr: `${o.record(b.longWindow)} > ${threshold} and ${o.record(b.shortWindow)} > ${threshold}`,
      for: b.for,
      labels: { severity: SEVERITY[b.severity], slo: o.slo, long_window: b.longWindow, short_window: b.shortWindow },
      annotations: {
        summary: `${o.subject} error budget burning ${num(b.factor)}x too fast over ${b.longWindow} and ${b.shortWindow}`,
        description: `${o.ratio} is above ${threshold} (${num(b.factor)} x the ${num(budget)} budget of the ${num(o.availability * 100)}% availability SLO over ${slos.api.period}) over both ${b.longWindow} and ${b.shortWindow}. Value: {{ $value | humanizePercentage }}.`,
      },
    };
  });
  return { records, alerts };
}

function apiRuleSet(slos: SloTable, ns: string): RuleSet {
  const a = slos.api;
  const { records, alerts: burn } = burnRateRules(slos, {
    slo: "api-availability", alert: "ApiErrorBudgetBurn", subject: "API", ratio: "5xx ratio", availability: a.availability,
    record: apiErrorRatioRecord, expr: (w) => apiErrorRatioExpr(ns, w),
  });
  const peak = slos.throughput.apiPeakRequestsPerSecond;
  const throughput: PromRule = {
    alert: "ApiThroughputAboveSlo",
    expr: `sum(rate(${METRICS.httpRequests}${selector({ namespace: ns })}[5m])) > ${num(peak)}`,
    for: "15m",
    labels: { severity: "warning", slo: "api-throughput" },
    annotations: {
      summary: `API above the ${num(peak)} req/s the tier is sized for`,
      description: `The API serves {{ $value | humanize }} req/s; the tier's SLOs hold up to ${num(peak)} req/s. Plan the next tier (npm run plan).`,
    },
  };
  const errorRate: PromRule = {
    alert: "ApiErrorRateAboveSla",
    expr: `${apiErrorRatioRecord("5m")} > ${num(a.errorRate)}`,
    for: "10m",
    labels: { severity: "warning", slo: "api-error-rate" },
    annotations: {
      summary: "API 5xx ratio above the SLA",
      description: `5xx ratio over 5m is {{ $value | humanizePercentage }}; the SLA is under ${num(a.errorRate * 100)}%.`,
    },
  };
  const latency: PromRule[] = QUANTILES.map(([key, q]) => ({
    alert: `ApiLatency${key.toUpperCase()}AboveSlo`,
    expr: `${apiLatencyExpr(ns, q)} > ${num(a.latencySeconds[key])}`,
    for: "10m",
    labels: { severity: key === "p99" ? "critical" : "warning", slo: "api-latency", quantile: key },
    annotations: {
      summary: `API ${key} latency above ${num(a.latencySeconds[key] * 1000)} ms`,
      description: `API ${key} latency over 5m is {{ $value | humanizeDuration }}; the SLO is ${num(a.latencySeconds[key] * 1000)} ms.`,
    },
  }));
  return {
    name: "api-slo",
    groups: [
      { name: "api-slo.recording", interval: "30s", rules: records },
      { name: "api-slo.alerts", rules: [...burn, errorRate, ...latency, throughput] },
    ],
  };
}

/**
 * Surge detection: the request rate recorded every 5 minutes, its average over the baseline window recorded
 * beside it, and an alert when the rate exceeds `factor` x the baseline, linking the surge runbook.
 */
function surgeRuleSet(slos: SloTable, ns: string): RuleSet {
  const s = slos.surge;
  return {
    name: "surge",
    groups: [
      {
        name: "surge.recording",
        interval: "1m",
        rules: [
          { record: SURGE_RECORDS.rate, expr: `sum(rate(${METRICS.httpRequests}${selector({ namespace: ns })}[5m]))` },
          { record: SURGE_RECORDS.baseline, expr: `avg_over_time(${SURGE_RECORDS.rate}[${s.baselineWindow}])` },
        ],
      },
      {
        name: "surge.alerts",
        rules: [{
          alert: "TrafficSurge",
          expr: `${SURGE_RECORDS.rate} > ${num(s.factor)} * ${SURGE_RECORDS.baseline} and ${SURGE_RECORDS.rate} > ${num(s.minRequestsPerSecond)}`,
          for: s.for,
          labels: { severity: "critical" },
          annotations: {
            summary: `API request rate above ${num(s.factor)}x its ${s.baselineWindow} baseline`,
            description: `The API serves {{ $value | humanize }} req/s, over ${num(s.factor)}x its average of the last ${s.baselineWindow}. Consider surge mode (finishthisidea:surgeMode).`,
            runbook_url: s.runbook,
          },
        }],
      },
    ],
  };
}

function jobsRuleSet(slos: SloTable, ns: string): RuleSet {
  const d = slos.jobs.durationSeconds;
  const queues = `=~${slos.jobs.queues.join("|")}`;
  const { records, alerts: burn } = burnRateRules(slos, {
    slo: "job-availability", alert: "JobErrorBudgetBurn", subject: "Cleanup job", ratio: "Failed-job ratio", availability: slos.jobs.availability,
    record: jobErrorRatioRecord,
    expr: (w) => {
      const sel = selector({ namespace: ns, queue: queues });
      const failed = `sum(rate(${METRICS.jobsFailed}${sel}[${w}]))`;
      return `${failed} / (sum(rate(${METRICS.jobsCompleted}${sel}[${w}])) + ${failed})`;
    },
  });
  const peak = slos.throughput.jobsPeakPerHour;
  const throughput: PromRule = {
    alert: "JobThroughputBelowSlo",
    // Only while jobs wait longer than the p95 target: a quiet hour finishing few jobs is not a breach.
    expr: `sum(rate(${METRICS.jobsCompleted}${selector({ namespace: ns, queue: queues })}[30m])) * 3600 < ${num(peak)} and on() max(${METRICS.queueOldestAge}${selector({ namespace: ns, queue: queues })}) > ${num(d.p95)}`,
    for: "15m",
    labels: { severity: "warning", slo: "job-throughput" },
    annotations: {
      summary: `Cleanup jobs finish below the ${num(peak)} per hour the tier is sized for while a backlog waits`,
      description: `{{ $value | humanize }} jobs/h finished while the oldest job waits over ${num(d.p95)} s; the tier promises ${num(peak)} jobs/h.`,
    },
  };
  const rules = slos.jobs.queues.flatMap((queue) => QUANTILES.map(([key, q]): PromRule => ({
    alert: `JobDuration${key.toUpperCase()}AboveSla`,
    expr: `${jobDurationExpr(ns, queue, q)} > ${num(d[key])}`,
    for: "15m",
    labels: { severity: key === "p99" ? "critical" : "warning", slo: "job-duration", queue, quantile: key },
    annotations: {
      summary: `${queue} jobs ${key} duration above ${num(d[key])} s`,
      description: `${key} duration of ${queue} jobs over 15m is {{ $value | humanizeDuration }}; the SLA is ${num(d[key])} s.`,
    },
  })));
  return {
    name: "jobs-slo",
    groups: [
      { name: "jobs-slo.recording", interval: "30s", rules: records },
      { name: "jobs-slo.alerts", rules: [...burn, ...rules, throughput] },
    ],
  };
}

function websocketRuleSet(slos: SloTable, ns: string, ws: NonNullable<SloTable["websocket"]>): RuleSet {
  const { records, alerts: burn } = burnRateRules(slos, {
    slo: "websocket-availability", alert: "WebsocketErrorBudgetBurn", subject: "Websocket", ratio: "Refused or dropped connection ratio", availability: ws.availability,
    record: websocketErrorRatioRecord, expr: (w) => websocketErrorRatioExpr(ns, w),
  });
  const latency: PromRule[] = QUANTILES.map(([key, q]) => ({
    alert: `WebsocketLatency${key.toUpperCase()}AboveSlo`,
    expr: `histogram_quantile(${num(q)}, sum by (le) (rate(${METRICS.websocketMessageDuration}_bucket${selector({ namespace: ns })}[5m]))) > ${num(ws.latencySeconds[key])}`,
    for: "10m",
    labels: { severity: key === "p99" ? "critical" : "warning", slo: "websocket-latency", quantile: key },
    annotations: {
      summary: `Websocket ${key} message latency above ${num(ws.latencySeconds[key] * 1000)} ms`,
      description: `Websocket ${key} latency over 5m is {{ $value | humanizeDuration }}; the SLO is ${num(ws.latencySeconds[key] * 1000)} ms.`,
    },
  }));
  return {
    name: "websocket-slo",
    groups: [
      { name: "websocket-slo.recording", interval: "30s", rules: records },
      { name: "websocket-slo.alerts", rules: [...burn, ...latency] },
    ],
  };
}

function queueRules(slos: SloTable, ns: string, queue: QueueTarget, maxWorkers: number): PromRule[] {
  const t = queueThresholds(slos, queue, maxWorkers);
  const q = queue.name;
  const labels = (severity: string) => ({ severity, queue: q });
  const depth = queueGaugeExpr(METRICS.queueWaiting, ns, q);
  const age = queueGaugeExpr(METRICS.queueOldestAge, ns, q);
  const workers = queueGaugeExpr(METRICS.activeWorkers, ns, q);
  const twoLevels = (alert: string, expr: (v: number) => string, levels: { warning: number; critical: number }, fors: [string, string], text: (v: number) => string): PromRule[] =>
    (["warning", "critical"] as const).map((severity, i) => ({
      alert,
      expr: expr(levels[severity]),
      for: fors[i],
      labels: labels(severity),
      annotations: { summary: `Queue ${q}: ${text(levels[severity])}`, description: `Queue ${q}: ${text(levels[severity])}. Value: {{ $value }}.` },
    }));
  return [
    ...twoLevels("BullmqQueueBacklog", (v) => `${depth} > ${num(v)}`, t.depth, ["10m", "5m"],
      (v) => `more than ${num(v)} jobs waiting (${maxWorkers} workers would need over ${num(v * queue.averageJobSeconds / maxWorkers / 60)} min)`),
    ...twoLevels("BullmqQueueOldestJobWaiting", (v) => `${age} > ${num(v)}`, t.oldestWaitingSeconds, ["2m", "2m"],
      (v) => `oldest waiting job older than ${num(v)} s`),
    ...twoLevels("BullmqQueueFailedJobs", (v) => `${failedRatioExpr(ns, q)} > ${num(v)}`, t.failedRatio, ["10m", "5m"],
      (v) => `failed jobs above ${num(v * 100)}% of finished jobs`),
    {
      alert: "BullmqQueueNoConsumer",
      expr: `(${workers} == 0 and on (queue) ${depth} > 0) or absent(${METRICS.activeWorkers}${selector({ namespace: ns, queue: q })})`,
      for: slos.queues.noConsumerFor,
      labels: labels("critical"),
      annotations: {
        summary: `Queue ${q}: no worker consuming`,
        description: `Queue ${q} has waiting jobs and no connected worker, or no worker reports metrics at all, for ${slos.queues.noConsumerFor}.`,
      },
    },
  ];
}

function workerResourceRules(slos: SloTable, ns: string): PromRule[] {
  const r = slos.workers.memoryLimitRatio;
  return [{
    alert: "WorkerMemoryNearLimit",
    expr: `${memoryLimitRatioExpr(ns)} > ${num(r)}`,
    for: "5m",
    labels: { severity: "warning" },
    annotations: {
      summary: "Worker container memory near its limit",
      description: `{{ $labels.pod }}/{{ $labels.container }} uses {{ $value | humanizePercentage }} of its memory limit (alert above ${num(r * 100)}%); the OOM killer is next.`,
    },
  }];
}

/** The whole-second maxwait at which a client has waited at least `seconds` (the exporter truncates to seconds). */
export function pgbouncerMaxWaitThreshold(seconds: number): number {
  return Math.max(1, Math.ceil(seconds));
}

function pgbouncerRules(slos: SloTable, ns: string): PromRule[] {
  const s = selector({ namespace: ns });
  // The exporter reports maxwait in whole seconds (SHOW POOLS `maxwait`; v0.12.0 does not export `maxwait_us`),
  // so "waited at least N s" is `>= ceil(N)`: `> 1` would only fire once a client had waited 2 s.
  const wait = pgbouncerMaxWaitThreshold(slos.pgbouncer.clientMaxWaitSeconds);
  return [
    {
      alert: "PgBouncerDown",
      expr: `pgbouncer_up${s} == 0 or absent(pgbouncer_up${s})`,
      for: "2m",
      labels: { severity: "critical" },
      annotations: { summary: "PgBouncer unreachable", description: "The PgBouncer exporter reports PgBouncer down, or no exporter is scraped: API and workers reach the database only through it." },
    },
    {
      alert: "PgBouncerClientsWaiting",
      expr: `max by (database) (pgbouncer_pools_client_maxwait_seconds${s}) >= ${num(wait)}`,
      for: "2m",
      labels: { severity: "warning" },
      annotations: { summary: "PgBouncer clients waiting for a server connection", description: `A client of {{ $labels.database }} has waited {{ $value }} s (whole seconds; alert at ${num(wait)} s): the pools are too small or the database is slow.` },
    },
  ];
}

function ollamaRules(ns: string): PromRule[] {
  const s = selector({ namespace: ns });
  return [
    {
      alert: "OllamaReplicasUnavailable",
      expr: `kube_statefulset_status_replicas_ready${s} < kube_statefulset_replicas${s}`,
      for: "10m",
      labels: { severity: "warning" },
      annotations: { summary: "Ollama replicas not ready", description: "{{ $labels.statefulset }} has fewer ready replicas than desired: LLM capacity is reduced." },
    },
    {
      alert: "OllamaDown",
      expr: `kube_statefulset_status_replicas_ready${s} == 0 and kube_statefulset_replicas${s} > 0`,
      for: "5m",
      labels: { severity: "critical" },
      annotations: { summary: "No Ollama replica ready", description: "{{ $labels.statefulset }} has no ready replica: jobs needing the LLM cannot finish." },
    },
  ];
}

/** Every PrometheusRule object's groups. Throws (naming the field and value) on a bad table or targets. */
export function buildRuleSets(slos: SloTable, targets: RuleTargets): RuleSet[] {
  const problems = [...sloTableProblems(slos), ...ruleTargetProblems(slos, targets)];
  if (problems.length > 0) throw new Error(`Prometheus rules: ${problems.join("; ")}`);
  const w = targets.workers;
  const sets: RuleSet[] = [
    apiRuleSet(slos, targets.api.namespace),
    jobsRuleSet(slos, w.namespace),
    ...(slos.websocket ? [websocketRuleSet(slos, targets.api.namespace, slos.websocket)] : []),
    surgeRuleSet(slos, targets.api.namespace),
    { name: "queues", groups: [{ name: "queues.alerts", rules: w.queues.flatMap((q) => queueRules(slos, w.namespace, q, w.maxReplicas)) }] },
    { name: "workers", groups: [{ name: "workers.resources", rules: workerResourceRules(slos, w.namespace) }] },
  ];
  if (targets.pgbouncer) sets.push({ name: "pgbouncer", groups: [{ name: "pgbouncer.alerts", rules: pgbouncerRules(slos, targets.pgbouncer.namespace) }] });
  if (targets.ollama) sets.push({ name: "ollama", groups: [{ name: "ollama.alerts", rules: ollamaRules(targets.ollama.namespace) }] });
  return sets;
}
