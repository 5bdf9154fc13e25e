import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RUNBOOKS } from "../components/observability/alerting";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { CONFIG_NAMESPACE } from "../infra/config";
import { SECRET_STACK_OUTPUTS, STACK_NAMESPACES, STACK_OUTPUT_NAMES } from "../infra/output-names";
import { recoveryObjectives } from "../infra/recovery";
import { TIERS, TIER_NAMES, type TierName } from "../infra/tiers";
import { loadPolicyConfig, mergePolicyConfig, runPolicies } from "../tools/policy-run";
import { runStack } from "../tools/program";
import { INSTALL, requireProgram } from "./real-programs";
import { applyConfigSet, extractCommands, replayRunbook, RUNBOOK_PROGRAMS, toRawValues, type PlanPoint, type ReplayStart, type StoredConfig } from "./runbook-commands";

const ROOT = path.join(__dirname, "..");
const DIR = path.join(ROOT, "docs", "runbooks");
const runbooks = fs.readdirSync(DIR).filter((f) => f.endsWith(".md") && f !== "README.md").sort();
const read = (f: string) => fs.readFileSync(path.join(DIR, f), "utf8");

/** Every `pulumi [-s stack] stack output [flags] <name>` in a text: the name and whether --show-secrets was given. */
export function stackOutputRefs(text: string): { name: string; showSecrets: boolean }[] {
  const re = /pulumi(?:\s+-s\s+\S+)?\s+stack\s+output((?:\s+--?[\w-]+)*)\s+([A-Za-z]\w*)/g;
  return [...text.matchAll(re)].map((m) => ({ name: m[2], showSecrets: /--show-secrets/.test(m[1]) }));
}

describe("stackOutputRefs", () => {
  it("finds names after flags and a stack selector", () => {
    expect(stackOutputRefs("x $(pulumi stack output --json bucketNames) y `pulumi -s prod stack output tier` z pulumi stack output --show-secrets kubeconfig"))
      .toEqual([{ name: "bucketNames", showSecrets: false }, { name: "tier", showSecrets: false }, { name: "kubeconfig", showSecrets: true }]);
  });
});

describe("runbooks", () => {
  it("cover the issue's procedures", () => {
    expect(runbooks).toEqual(["database-overload.md", "region-failover.md", "restore-database.md", "rollback-bad-deploy.md", "spot-interruption-storm.md", "traffic-surge.md"]);
  });

  it.each(["README.md", ...runbooks])("%s reads only stack outputs the program exports, secrets with --show-secrets", (f) => {
    const refs = stackOutputRefs(read(f));
    for (const r of refs) {
      expect(STACK_OUTPUT_NAMES, `${f}: pulumi stack output ${r.name}`).toContain(r.name);
      if (SECRET_STACK_OUTPUTS.includes(r.name as never)) expect(r.showSecrets, `${f}: ${r.name} is a secret`).toBe(true);
    }
  });

  it("use stack outputs in every runbook", () => {
    for (const f of runbooks) expect(stackOutputRefs(read(f)).length, f).toBeGreaterThan(0);
  });

  it.each(runbooks)("%s uses only namespaces the program creates", (f) => {
    const namespaces = [...read(f).matchAll(/kubectl\s+-n\s+([a-z0-9-]+)/g)].map((m) => m[1]);
    for (const ns of namespaces) expect(Object.keys(STACK_NAMESPACES), `${f}: kubectl -n ${ns}`).toContain(ns);
  });

  it("are all linked from the index, and every link in the runbooks resolves", () => {
    const index = read("README.md");
    for (const f of runbooks) expect(index, f).toContain(`](${f})`);
    for (const f of ["README.md", ...runbooks]) {
      for (const [, target] of read(f).matchAll(/\]\(([^)#:]+\.md)\)/g)) expect(fs.existsSync(path.join(DIR, target)), `${f} -> ${target}`).toBe(true);
    }
  });

  it("exist for every runbook an alarm points to", () => {
    for (const p of Object.values(RUNBOOKS)) expect(fs.existsSync(path.join(ROOT, p)), p).toBe(true);
  });
});

describe("runbook commands as code", () => {
  it("extracts block commands with continuations joined and comments dropped, and inline commands", () => {
    const md = [
      "Run `pulumi stack output tier` first.",
      "```sh",
      "aws rds describe-db-instances --region \"$REGION\" \\",
      "  --query 'x#y'   # a comment",
      "kubectl -n api get hpa api",
      "```",
      "```json",
      "{\"not\": \"a command\"}",
      "```",
    ].join("\n");
    expect(extractCommands(md)).toEqual([
      { line: 1, text: "pulumi stack output tier", source: "inline" },
      { line: 3, text: "aws rds describe-db-instances --region \"$REGION\" --query 'x#y'", source: "block" },
      { line: 5, text: "kubectl -n api get hpa api", source: "block" },
    ]);
  });

  it("stores config values the way the Pulumi CLI does", () => {
    const base = { "finishthisidea:tier": "growth" };
    // Top level: always a string (the program JSON-parses the text); --path: booleans and integers typed.
    expect(applyConfigSet(base, ["finishthisidea:surgeMode", "true"])["finishthisidea:surgeMode"]).toBe("true");
    const nested = applyConfigSet(base, ["--path", "finishthisidea:overrides.api.replicas.max", "60"]);
    expect(nested["finishthisidea:overrides"]).toEqual({ api: { replicas: { max: 60 } } });
    // A JSON list through --path is a string, not a list: the program would refuse it.
    const list = applyConfigSet(base, ["--path", "finishthisidea:overrides.workers.spotInstanceTypes", '["a","b"]']);
    expect(toRawValues(list, "finishthisidea").overrides).toEqual({ workers: { spotInstanceTypes: '["a","b"]' } });
    const items = applyConfigSet(applyConfigSet(base, ["--path", "finishthisidea:overrides.x[0]", "a"]), ["--path", "finishthisidea:overrides.x[1]", "b"]);
    expect(toRawValues(items, "finishthisidea")).toEqual({ tier: "growth", overrides: { x: ["a", "b"] } });
    expect(() => applyConfigSet(base, ["--path", "finishthisidea:x[1]", "a"])).toThrow(/index 1 is past the end/);
    expect(() => applyConfigSet(base, ["--secret", "finishthisidea:x", "a"])).toThrow(/not replayed/);
  });

  it("resolves literal variables and the tier output, and refuses what it cannot know", () => {
    const start = { stack: "prod", stacks: { prod: { "finishthisidea:tier": "growth" } }, policyConfigs: {}, namespace: "finishthisidea" };
    const points = replayRunbook(extractCommands([
      "```sh", "DR=us-west-2", "pulumi stack init prod-dr", "pulumi config set finishthisidea:primaryRegion \"$DR\"",
      "pulumi config set finishthisidea:tier \"$(pulumi -s prod stack output tier)\"", "pulumi up", "```",
    ].join("\n")), start);
    expect(points.map((p) => [p.stack, p.config])).toEqual([["prod-dr", { "finishthisidea:tier": "growth", "finishthisidea:primaryRegion": "us-west-2" }]]);
    const unknown = extractCommands(["```sh", "DB=$(pulumi stack output databasePrimaryIdentifier)", "pulumi config set finishthisidea:x \"$DB\"", "```"].join("\n"));
    expect(() => replayRunbook(unknown, start)).toThrow(/\$DB has no literal value/);
  });

  it.each(["README.md", ...runbooks])("%s: every command starts with a known program", (f) => {
    for (const c of extractCommands(read(f))) {
      // VAR=$(program ...) runs that program; VAR=literal runs nothing.
      const assigned = /^[A-Za-z_]\w*="?\$\((\S+)/.exec(c.text)?.[1];
      if (assigned === undefined && /^[A-Za-z_]\w*=\S*$/.test(c.text)) continue;
      const program = assigned ?? c.text.split(/\s/)[0];
      expect(RUNBOOK_PROGRAMS as readonly string[], `${f}:${c.line}: ${c.text}`).toContain(program);
    }
  });

  it.each(runbooks)("%s: every config change is followed by a pulumi up", (f) => {
    const commands = extractCommands(read(f));
    const lastSet = Math.max(-1, ...commands.filter((c) => /^pulumi(\s+-s\s+\S+)?\s+config\s+set\s/.test(c.text)).map((c) => c.line));
    if (lastSet < 0) return;
    expect(commands.some((c) => c.line > lastSet && /^pulumi(\s+-s\s+\S+)?\s+up\b/.test(c.text)), f).toBe(true);
  });
});

/** The stored config and pack config files the runbooks start from (the reader has `prod` selected). */
function replayStart(): ReplayStart {
  const stacks: Record<string, StoredConfig> = {};
  for (const f of fs.readdirSync(ROOT).filter((n) => /^Pulumi\.[^.]+\.yaml$/.test(n))) {
    stacks[f.split(".")[1]] = (parse(fs.readFileSync(path.join(ROOT, f), "utf8")) as { config: StoredConfig }).config;
  }
  const dir = path.join(ROOT, "policy", "config");
  const overrides = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && fs.statSync(path.join(dir, f)).isFile());
  const policyConfigs = Object.fromEntries(overrides.map((f) => [`policy/config/${f}`, fs.readFileSync(path.join(dir, f), "utf8")]));
  return { stack: "prod", stacks, policyConfigs, namespace: CONFIG_NAMESPACE };
}

/** Plan a replayed point: config resolved by the program's own rules, the program run, the pack applied. */
async function planPoint(p: PlanPoint): Promise<string[]> {
  const secrets = { cloudflareApiToken: pulumi.secret("[secret]") };
  const run = await runStack({ values: toRawValues(p.config, CONFIG_NAMESPACE), secrets }, "finishthisidea", p.stack);
  const { config: levels } = loadPolicyConfig(`${p.stack}-replayed`, { environment: run.config.environment, wafEnabled: run.config.waf.enabled });
  const report = runPolicies(run.resources, { config: mergePolicyConfig(levels, JSON.parse(p.policyConfig)) });
  return report.violations.filter((v) => v.level === "mandatory" || v.level === "remediate").map((v) => `${v.policy}: ${v.message}`);
}

// The replay runs the runbooks' jq edits of the pack config for real.
requireProgram("jq", INSTALL.jq).describe("runbooks applied to a copy of the stack and planned", () => {
  // A point that changes nothing is the stack as committed, which the policy suites already plan.
  const start = replayStart();
  const unchanged = (p: PlanPoint) => p.stack in start.stacks && JSON.stringify(p.config) === JSON.stringify(start.stacks[p.stack]) && p.policyConfig === (start.policyConfigs[p.policyConfigPath] ?? "{}");

  it.each(runbooks)("%s: every pulumi up after a config change passes config validation and every mandatory policy", async (f) => {
    const points = replayRunbook(extractCommands(read(f)), replayStart());
    const seen = new Set<string>();
    for (const p of points.filter((q) => !unchanged(q))) {
      const key = JSON.stringify([p.stack, p.config, p.policyConfig]);
      if (seen.has(key)) continue;
      seen.add(key);
      await expect(planPoint(p), `${f}:${p.line} ${p.command}`).resolves.toEqual([]);
    }
  }, 180_000);

  it("replay the config changes the runbooks describe", () => {
    const changed = (f: string) => replayRunbook(extractCommands(read(f)), replayStart()).filter((p) => !unchanged(p));
    const last = (f: string) => changed(f).at(-1)!;
    expect(toRawValues(last("traffic-surge.md").config, CONFIG_NAMESPACE).surgeMode).toBe(false);
    const surge = changed("traffic-surge.md").find((p) => p.policyConfig.includes("maxApiReplicas"))!;
    expect(JSON.parse(surge.policyConfig)).toEqual({ "cost-autoscaler-caps": { maxApiReplicas: 60, maxSystemNodes: 20 } });
    expect(toRawValues(surge.config, CONFIG_NAMESPACE).overrides).toEqual({ api: { replicas: { max: 60 }, nodes: { max: 20 } } });
    expect(toRawValues(last("spot-interruption-storm.md").config, CONFIG_NAMESPACE).overrides).toEqual({
      workers: { spotInstanceTypes: ["c5a.2xlarge", "c5d.2xlarge", "c6i.2xlarge", "c6a.2xlarge"] },
    });
    const dr = last("region-failover.md");
    expect(dr.stack).toBe("prod-dr");
    expect(toRawValues(dr.config, CONFIG_NAMESPACE)).toMatchObject({ tier: "growth", primaryRegion: "us-west-2" });
  });

  it("catches a runbook that raises the API maximum past the tier's cap without the pack's say-so", async () => {
    const broken = ["```sh", "pulumi config set --path 'finishthisidea:overrides.api.replicas.max' 60", "pulumi up", "```"].join("\n");
    const [p] = replayRunbook(extractCommands(broken), replayStart());
    expect(await planPoint(p)).toEqual([expect.stringMatching(/cost-autoscaler-caps: .*maxReplicas 60 exceeds tier growth's cap 50/)]);
  }, 60_000);
});

describe("facts the runbooks state about tiers", () => {
  const table = read("README.md").split("\n").filter((l) => /^\| (mvp|growth|scale|enterprise) \|/.test(l)).map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));
  const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

  it("lists every tier once", () => {
    expect(table.map((r) => r[0])).toEqual([...TIER_NAMES]);
  });

  it.each(TIER_NAMES)("%s: copies outside the region match infra/tiers.ts, objectives match infra/recovery.ts", (tier) => {
    const [, dbCopies, bucketCopies, region, cache] = table.find((r) => r[0] === tier)!;
    const db = TIERS[tier].database;
    const parts = Object.fromEntries(dbCopies.split(";").map((p) => p.split(":").map((x) => x.trim())));
    expect(list(parts.replicas ?? ""), `${tier} replicas`).toEqual(db.replicaRegions);
    expect(list(parts.backups ?? ""), `${tier} backups`).toEqual(db.crossRegionBackups ? [db.backupRegion ?? db.replicaRegions[0]] : []);
    expect(list(bucketCopies), `${tier} buckets`).toEqual(TIERS[tier].storage.replicaRegions);
    const objectives = Object.fromEntries(recoveryObjectives(TIERS[tier]).map((e) => [e.scenario, `${e.rpoMinutes} / ${e.rtoMinutes}`]));
    expect(region, `${tier} region loss`).toBe(objectives["region-loss"]);
    expect(cache, `${tier} Redis node loss`).toBe(objectives["cache-node-loss"]);
  });

  it("no runbook says a tier keeps no copy outside its region when it does", () => {
    for (const f of ["README.md", ...runbooks]) {
      for (const m of read(f).matchAll(/\b(MVP|Growth|Scale|Enterprise)\b[^.]*\bno copy outside\b/gi)) {
        const db = TIERS[m[1].toLowerCase() as TierName].database;
        expect(db.replicaRegions.length === 0 && !db.crossRegionBackups, `${f}: "${m[0]}"`).toBe(true);
      }
    }
  });
});
