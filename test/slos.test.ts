import { describe, expect, it } from "vitest";
import { buildRuleSets, sloTableProblems, type RuleTargets } from "../components/observability/prometheus-rules";
import { slosFor } from "../infra/slos";
import { TIERS, TIER_NAMES } from "../infra/tiers";

const targets: RuleTargets = { api: { namespace: "api" }, workers: { namespace: "workers", queues: [{ name: "cleanup", averageJobSeconds: 45 }], maxReplicas: 10 } };

/** The scaling plan's numbers per tier (MVP and Growth), Scale and Enterprise held at Growth's: [availability, API p95 s, job p95 s]. */
const PLAN: Record<string, [number, number, number]> = {
  mvp: [0.995, 0.2, 300], growth: [0.9995, 0.1, 180], scale: [0.9995, 0.1, 180], enterprise: [0.9995, 0.1, 180],
};

const alerts = (tier: keyof typeof PLAN, websockets = false) =>
  buildRuleSets(slosFor(tier as any, { websockets, peakJobsPerHour: TIERS[tier as "mvp"].load.peakJobsPerHour }), targets)
    .flatMap((s) => s.groups.flatMap((g) => g.rules));

describe.each(TIER_NAMES)("SLOs of tier %s", (tier) => {
  const slos = slosFor(tier, { websockets: false, peakJobsPerHour: TIERS[tier].load.peakJobsPerHour });

  it("take the plan's availability, API p95 and job p95", () => {
    expect([slos.api.availability, slos.api.latencySeconds.p95, slos.jobs.durationSeconds.p95]).toEqual(PLAN[tier]);
    expect(sloTableProblems(slos)).toEqual([]);
  });

  it("page on the fast burn of the tier's API budget", () => {
    const fast = alerts(tier).find((r) => r.alert === "ApiErrorBudgetBurn" && r.labels?.long_window === "1h")!;
    const threshold = Number((14.4 * (1 - PLAN[tier][0])).toPrecision(12));
    expect(fast.expr).toBe(`slo:api_request_errors:ratio_rate1h > ${threshold} and slo:api_request_errors:ratio_rate5m > ${threshold}`);
  });
});

describe("throughput and job SLOs", () => {
  it("alert when the API runs above the tier's peak, and when jobs finish below it while a backlog waits", () => {
    const rules = alerts("growth");
    expect(rules.find((r) => r.alert === "ApiThroughputAboveSlo")!.expr).toBe('sum(rate(http_requests_total{namespace="api"}[5m])) > 5000');
    expect(rules.find((r) => r.alert === "JobThroughputBelowSlo")!.expr)
      .toBe('sum(rate(bullmq_jobs_completed_total{namespace="workers",queue=~"cleanup"}[30m])) * 3600 < 10000 and on() max(bullmq_queue_oldest_waiting_age_seconds{namespace="workers",queue=~"cleanup"}) > 180');
    expect(alerts("mvp").find((r) => r.alert === "ApiThroughputAboveSlo")!.expr).toMatch(/ > 50$/);
  });

  it("burn the cleanup jobs' 99.9% budget like the API's (14.4 x 0.001 pages)", () => {
    const burn = alerts("growth").filter((r) => r.alert === "JobErrorBudgetBurn");
    expect(burn.map((r) => r.expr.split(" > ")[1].split(" ")[0])).toEqual(["0.0144", "0.006", "0.003", "0.001"]);
    expect(burn.map((r) => r.labels?.severity)).toEqual(["critical", "critical", "warning", "warning"]);
  });
});

describe("websocket SLOs behind the websockets flag", () => {
  it("are absent by default and add burn-rate and latency alerts when the API exposes websockets", () => {
    expect(alerts("growth").some((r) => r.alert?.startsWith("Websocket"))).toBe(false);
    const rules = alerts("growth", true);
    const burn = rules.filter((r) => r.alert === "WebsocketErrorBudgetBurn");
    expect(burn[0].expr).toBe("slo:websocket_errors:ratio_rate1h > 0.0144 and slo:websocket_errors:ratio_rate5m > 0.0144");
    expect(rules.find((r) => r.record === "slo:websocket_errors:ratio_rate5m")!.expr)
      .toBe('sum(rate(websocket_connections_total{namespace="api",result="error"}[5m])) / sum(rate(websocket_connections_total{namespace="api"}[5m]))');
    expect(rules.find((r) => r.alert === "WebsocketLatencyP95AboveSlo")!.expr).toMatch(/websocket_message_duration_seconds_bucket.* > 0\.05$/);
  });

  it("refuses a bad websocket or throughput entry, naming the field", () => {
    const t = slosFor("growth", { websockets: true, peakJobsPerHour: 0 });
    t.websocket!.availability = 99.9;
    expect(sloTableProblems(t)).toEqual([
      "throughput.jobsPeakPerHour must be positive; got 0",
      "websocket.availability must be a fraction between 0 and 1 (0.999 for 99.9%); got 99.9",
    ]);
  });
});
