/**
 * Levels come from the stack's declared environment (finishthisidea:environment), with policy/config/<stack>.json
 * as overrides; docs/guardrails.md lists every rule with its level per environment.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ENVIRONMENTS, resolveConfig } from "../infra/config";
import { ALL_RULES } from "../policy/rules";
import { levelOf, loadPolicyConfig, mergePolicyConfig, stackPolicySettings } from "../tools/policy-run";
import { rawConfigWith } from "./harness";

const levels = (config: Parameters<typeof levelOf>[1]) => Object.fromEntries(ALL_RULES.map((r) => [r.name, levelOf(r, config)]));

describe("the declared environment", () => {
  it("is in both stack files and read from them", () => {
    expect(stackPolicySettings("prod")).toEqual({ environment: "production", wafEnabled: true });
    expect(stackPolicySettings("staging")).toEqual({ environment: "staging", wafEnabled: true });
    expect(stackPolicySettings("no-such-stack")).toEqual({});
  });

  it("is refused with the key, the value and what is allowed when misspelled", () => {
    expect(() => resolveConfig(rawConfigWith({ environment: "prod" }), "finishthisidea", "t")).toThrow(
      'finishthisidea:environment: got "prod"; expected one of production, staging, development (selects the policy levels; see docs/guardrails.md)',
    );
    for (const environment of ENVIRONMENTS) expect(resolveConfig(rawConfigWith({ environment }), "finishthisidea", "t").environment).toBe(environment);
  });

  it("picks the levels: a copy of staging under another stack name gets staging's levels", () => {
    const copy = loadPolicyConfig("staging-copy", { environment: "staging" });
    expect(copy.source).toBe("policy/config/environments/staging.json");
    expect(levels(copy.config)["cost-monthly-budget"]).toBe("advisory");
    expect(levels(copy.config)["rds-deletion-protection"]).toBe("advisory");
    const prod = loadPolicyConfig("prod");
    expect(levels(prod.config)["cost-monthly-budget"]).toBe("mandatory");
    const dev = loadPolicyConfig("sandbox", { environment: "development" });
    expect(levels(dev.config)["rds-backup-retention"]).toBe("advisory");
    expect(levels(dev.config)["rds-encrypted"]).toBe("mandatory");
    // Nothing declared: every rule at its own level (mandatory except the advisory-by-design ones).
    const none = loadPolicyConfig("sandbox", {});
    expect(none.source).toBe("pack defaults (no environment declared, no policy/config/sandbox.json)");
    expect(levels(none.config)["cost-monthly-budget"]).toBe("mandatory");
    expect(() => loadPolicyConfig("x", { environment: "qa" })).toThrow(/environment "qa" has no policy levels .* known: development, production, staging/);
  });

  it("takes a stack-name file as overrides over its environment, merging a level with the environment's settings", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policy-config-"));
    fs.mkdirSync(path.join(dir, "environments"));
    fs.writeFileSync(path.join(dir, "environments", "staging.json"), JSON.stringify({ all: "mandatory", "cost-monthly-budget": { enforcementLevel: "advisory", monthlyBudgetUsd: 2000 } }));
    fs.writeFileSync(path.join(dir, "demo.json"), JSON.stringify({ "cost-monthly-budget": "mandatory", "k8s-readiness-probe": "disabled" }));
    const { config, source } = loadPolicyConfig("demo", { environment: "staging", wafEnabled: true }, dir);
    expect(config["cost-monthly-budget"]).toEqual({ enforcementLevel: "mandatory", monthlyBudgetUsd: 2000 });
    expect(config["k8s-readiness-probe"]).toBe("disabled");
    expect(config["cloudfront-waf"]).toEqual({ requireWaf: true });
    expect(source).toMatch(/environments\/staging\.json \+ .*demo\.json \+ finishthisidea:waf\.enabled \(true\)$/);
    expect(mergePolicyConfig({ a: { enforcementLevel: "advisory", x: 1 } }, { a: { x: 2 } })).toEqual({ a: { enforcementLevel: "advisory", x: 2 } });
  });

  it("every environment file names only rules the pack has", () => {
    const names = new Set(ALL_RULES.map((r) => r.name));
    for (const env of ENVIRONMENTS) {
      const file = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "policy", "config", "environments", `${env}.json`), "utf8"));
      for (const k of Object.keys(file)) if (k !== "all") expect(names.has(k), `${env}.json: ${k}`).toBe(true);
    }
  });
});

describe("docs/guardrails.md", () => {
  const doc = fs.readFileSync(path.join(__dirname, "..", "docs", "guardrails.md"), "utf8");
  /** Rows of the rule table: | `name` | anchor | production | staging | development | remediation | */
  const rows = new Map(
    [...doc.matchAll(/^\| `([a-z0-9-]+)` \| ([^|]+) \| (\w+) \| (\w+) \| (\w+) \| ([^|]+) \|$/gm)].map((m) => [m[1], { anchor: m[2].trim(), levels: [m[3], m[4], m[5]], remediation: m[6].trim() }]),
  );

  it("lists every rule once, with an anchor and a remediation", () => {
    expect([...rows.keys()].sort()).toEqual(ALL_RULES.map((r) => r.name).sort());
    for (const [name, row] of rows) {
      expect(row.anchor, name).toMatch(/FSBP|CIS|PSS|NSA|platform|Pulumi|kube-linter|Polaris|AWS/);
      expect(row.remediation.length, name).toBeGreaterThan(10);
    }
  });

  it("states the level each environment really applies", () => {
    const byEnv = ENVIRONMENTS.map((environment) => levels(loadPolicyConfig("docs-check", { environment }).config));
    for (const [name, row] of rows) expect(row.levels, name).toEqual(byEnv.map((l) => l[name]));
  });
});
