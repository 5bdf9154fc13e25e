/**
 * Paging: the escalation data, the routes rendered from it, and the rendered Alertmanager config run by the real
 * `amtool` (Debian prometheus-alertmanager): `check-config` accepts it, `config routes test` sends critical alerts
 * to the pager and warnings to chat. Runs when amtool is installed, says how to install it otherwise, and is
 * required under CI=true.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { INSTALL, requireProgram } from "./real-programs";
import { alertmanagerConfig } from "../components/observability/observability";
import { ESCALATION_LEVELS, escalationChain, firstHumanLevel, pagingReceivers, pagingRoutes } from "../components/observability/paging";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:finishthisidea-prod-alerts";
const BOTH = { slack: { channel: "#ops-alerts" }, pagerduty: true };

describe("escalation levels", () => {
  it("are the seed's matrix: automated, then DevOps < 15 min, architect < 30 min, management < 1 h", () => {
    expect(ESCALATION_LEVELS.map((l) => [l.level, l.responder, l.respondWithinMinutes])).toEqual([
      [1, "Automated systems", 0], [2, "DevOps on-call", 15], [3, "Platform architect", 30], [4, "Engineering management", 60],
    ]);
    expect(escalationChain()).toBe("L2 DevOps on-call (< 15 min) -> L3 Platform architect (< 30 min) -> L4 Engineering management (< 60 min)");
  });

  it("render into the routing: pages repeat at the first human level's response time", () => {
    expect(pagingRoutes(BOTH)[0]).toMatchObject({ receiver: "pagerduty", repeat_interval: "15m", continue: true });
    const faster = [{ level: 1, responder: "bot", respondWithinMinutes: 0, duty: "" }, { level: 2, responder: "sre", respondWithinMinutes: 5, duty: "" }];
    expect(pagingRoutes(BOTH, faster)[0]).toMatchObject({ repeat_interval: "5m" });
    const pd = pagingReceivers(BOTH, faster)[0] as { pagerduty_configs: { details: { escalation: string } }[] };
    expect(pd.pagerduty_configs[0].details.escalation).toBe("L2 sre (< 5 min)");
  });

  it("refuse a chain where a later level answers faster, or no human answers", () => {
    expect(() => firstHumanLevel([{ level: 1, responder: "a", respondWithinMinutes: 30, duty: "" }, { level: 2, responder: "b", respondWithinMinutes: 15, duty: "" }])).toThrow(/level 2 answers faster/);
    expect(() => firstHumanLevel([{ level: 1, responder: "bot", respondWithinMinutes: 0, duty: "" }])).toThrow(/no human/);
  });
});

describe("paging receivers in the Alertmanager config", () => {
  it("read credentials from the mounted Secret's files, never inline", () => {
    const text = JSON.stringify(alertmanagerConfig(TOPIC, BOTH));
    expect(text).toContain('"routing_key_file":"/etc/alertmanager/secrets/alertmanager-paging/pagerduty-routing-key"');
    expect(text).toContain('"api_url_file":"/etc/alertmanager/secrets/alertmanager-paging/slack-webhook-url"');
    expect(text).not.toMatch(/"(routing_key|api_url|service_key)":/);
  });

  it("without paging channels keep the SNS-only config", () => {
    const cfg = alertmanagerConfig(TOPIC);
    expect(cfg.receivers.map((r) => r.name)).toEqual(["null", "sns"]);
    expect(cfg.route.routes.map((r) => r.receiver)).toEqual(["null", "null", "sns", "sns"]);
  });

  it("refuse a channel Slack would not take", () => {
    expect(() => pagingRoutes({ slack: { channel: "ops alerts" } })).toThrow(/slack.channel "ops alerts" must be a channel name such as #ops-alerts/);
  });
});

const amtool = requireProgram("amtool", INSTALL.amtool);

amtool.describe("amtool", () => {
  const withConfig = <T>(config: unknown, fn: (file: string) => T): T => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "amtool-"));
    try {
      const file = path.join(dir, "alertmanager.yaml");
      fs.writeFileSync(file, stringify(config));
      return fn(file);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
  const check = (config: unknown) => withConfig(config, (file) => spawnSync(amtool.path!, ["check-config", file], { encoding: "utf8" }));
  const receiversFor = (config: unknown, labels: string[]) =>
    withConfig(config, (file) => execFileSync(amtool.path!, ["config", "routes", "test", `--config.file=${file}`, ...labels], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim().split(","));

  it("check-config accepts the rendered config, with and without paging channels", () => {
    for (const cfg of [alertmanagerConfig(TOPIC, BOTH), alertmanagerConfig(TOPIC)]) {
      const r = check(cfg);
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }
  });

  it("check-config refuses a key Alertmanager does not know (so the check is real)", () => {
    const cfg = alertmanagerConfig(TOPIC, BOTH) as { receivers: Record<string, unknown>[] };
    const broken = { ...cfg, receivers: cfg.receivers.map((r) => (r.name === "pagerduty" ? { name: "pagerduty", pagerduty_configs: [{ routing_key_path: "/x" }] } : r)) };
    const r = check(broken);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/routing_key_path/);
  });

  it("routes critical alerts to the pager (and chat and SNS), warnings to chat and SNS, never the pager", () => {
    const cfg = alertmanagerConfig(TOPIC, BOTH);
    expect(receiversFor(cfg, ["severity=critical", "alertname=ApiErrorBudgetBurnFast", "namespace=api"])).toEqual(["pagerduty", "slack", "sns"]);
    expect(receiversFor(cfg, ["severity=warning", "alertname=QueueDepthHigh", "namespace=workers"])).toEqual(["slack", "sns"]);
    expect(receiversFor(cfg, ["severity=info", "alertname=Something"])).toEqual(["sns"]);
    expect(receiversFor(cfg, ["alertname=Watchdog", "severity=none"])).toEqual(["null"]);
  });

  it("without paging channels critical alerts still reach SNS", () => {
    expect(receiversFor(alertmanagerConfig(TOPIC), ["severity=critical", "alertname=X"])).toEqual(["sns"]);
  });
});
