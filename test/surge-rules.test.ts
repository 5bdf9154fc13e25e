/**
 * Surge detection run by the real Prometheus rule engine (`promtool test rules`, Debian `prometheus`): a week of
 * steady traffic, then five times as much. Skipped with the install command when promtool is absent; required
 * under CI=true (test/real-programs.ts).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { expect, it } from "vitest";
import { stringify } from "yaml";
import { buildRuleSets, type RuleTargets } from "../components/observability/prometheus-rules";
import { slosFor } from "../infra/slos";
import { INSTALL, requireProgram } from "./real-programs";

const promtool = requireProgram("promtool", INSTALL.promtool);

const targets: RuleTargets = { api: { namespace: "api" }, workers: { namespace: "workers", queues: [{ name: "cleanup", averageJobSeconds: 45 }], maxReplicas: 10 } };
const surge = buildRuleSets(slosFor("growth", { websockets: false, peakJobsPerHour: 10_000 }), targets).find((s) => s.name === "surge")!;

promtool.describe("surge detection on promtool", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "surge-rules-"));
  fs.writeFileSync(path.join(dir, "rules.yaml"), stringify({ groups: surge.groups }));
  // 8 days at 10 req/s (3000 requests per 5 minutes), then 50 req/s for an hour.
  const steadySteps = 8 * 288;
  const series = `0+3000x${steadySteps} ${3000 * steadySteps}+15000x12`;
  const at = (minutesAfterSurge: number) => `${steadySteps * 5 + minutesAfterSurge}m`;
  const alert = (time: string, firing: boolean) => ({
    eval_time: time,
    alertname: "TrafficSurge",
    exp_alerts: firing ? [{ exp_labels: { severity: "critical" }, exp_annotations: surge.groups[1].rules[0].annotations }] : [],
  });

  function promtoolTest(alertRuleTests: unknown[], values = series): string {
    // Recording rules before the alert at each step: without an order promtool picks one at random (Go map order),
    // and an alert evaluated first reads the rate one 5-minute step late (it failed 1 run in 20).
    const tests = { rule_files: ["rules.yaml"], evaluation_interval: "5m", group_eval_order: surge.groups.map((g) => g.name), tests: [{ interval: "5m", input_series: [{ series: 'http_requests_total{namespace="api"}', values }], alert_rule_test: alertRuleTests }] };
    fs.writeFileSync(path.join(dir, "tests.yaml"), stringify(tests));
    return execFileSync(promtool.path!, ["test", "rules", "tests.yaml"], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }

  it("passes promtool's rule check", () => {
    expect(execFileSync(promtool.path!, ["check", "rules", "rules.yaml"], { cwd: dir, encoding: "utf8" })).toMatch(/SUCCESS: 3 rules found/);
  });

  it("stays quiet through the steady week and fires once 5x the baseline has lasted 10 minutes", () => {
    // Rendered annotations are compared literally: {{ $value | humanize }} of 50 req/s is "50".
    const fired = { ...surge.groups[1].rules[0].annotations!, description: surge.groups[1].rules[0].annotations!.description.replace("{{ $value | humanize }}", "50") };
    const tests = [
      alert("7d", false),
      alert(at(0), false),
      { ...alert(at(20), true), exp_alerts: [{ exp_labels: { severity: "critical" }, exp_annotations: fired }] },
    ];
    expect(promtoolTest(tests)).toMatch(/SUCCESS/);
  }, 60_000);

  it("is caught failing when the expectation is wrong (the test can fail)", () => {
    // A firing alert expected after an hour of steady traffic (quiet, as the steady week above shows): promtool
    // must fail. An hour, not the week: the recording rules evaluate every minute, so a week costs seconds.
    expect(() => promtoolTest([alert("60m", true)], "0+3000x12")).toThrow(/FAILED/);
  }, 60_000);
});
