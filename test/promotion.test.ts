/**
 * Stack promotion without the Pulumi CLI: the config change computed from (staging's values, prod's config),
 * every refusal, and the flow (show, preview, confirm, up, restore) over fake stack operations; and the real
 * command failing at once, with what to install, when `pulumi` is not on PATH.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { diffPlans, offlinePlan, renderDiffText } from "../tools/plan-diff";
import {
  MISSING_CLI,
  NEVER_PROMOTED,
  PROMOTED_KEYS,
  RECORD_KEY,
  PromotionRefused,
  compareVersions,
  computePromotion,
  decodeConfigValue,
  findOnPath,
  parsePromoteArgs,
  pathEntries,
  renderPromotion,
  runPromotion,
  type ConfigMap,
  type LastUpdate,
  type PromoteArgs,
  type PromotionInput,
  type PromotionOps,
} from "../tools/promotion";

const ROOT = path.join(__dirname, "..");
const NOW = "2025-06-01T12:00:00.000Z";
const TAGS = "finishthisidea:imageTags";
const MODELS = "finishthisidea:ollamaModels";

/** Config as `pulumi config --json` / getAllConfig returns it: structured values as JSON text. */
function config(values: Record<string, unknown>, secrets: string[] = []): ConfigMap {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: typeof v === "string" ? v : JSON.stringify(v), secret: secrets.includes(k) }]));
}

const stagingValues = {
  "finishthisidea:tier": "mvp",
  "finishthisidea:domain": "staging.finishthisidea.com",
  "aws:region": "us-east-1",
  [TAGS]: { api: "1.4.2", worker: "1.4.2", ollama: "0.6.5" },
  [MODELS]: ["codellama", "deepseek-coder"],
};
const prodValues = {
  "finishthisidea:tier": "growth",
  "finishthisidea:domain": "finishthisidea.com",
  "aws:region": "us-east-1",
  [TAGS]: { api: "1.4.1", worker: "1.4.1", ollama: "0.6.5" },
  [MODELS]: ["codellama"],
};
const succeeded = (cfg: ConfigMap = config(stagingValues), extra: Partial<LastUpdate> = {}): LastUpdate => ({ kind: "update", result: "succeeded", version: 42, endTime: NOW, config: cfg, ...extra });

function input(over: { last?: LastUpdate | null; staging?: ConfigMap; prod?: ConfigMap; force?: boolean } = {}): PromotionInput {
  return {
    from: { stack: "staging", lastUpdate: over.last === null ? undefined : (over.last ?? succeeded()), config: over.staging ?? config(stagingValues) },
    to: { stack: "prod", config: over.prod ?? config(prodValues) },
    force: over.force,
    now: NOW,
  };
}

function refusal(i: PromotionInput): string[] {
  try {
    computePromotion(i);
  } catch (err) {
    expect(err).toBeInstanceOf(PromotionRefused);
    return (err as PromotionRefused).reasons;
  }
  throw new Error("expected the promotion to be refused");
}

describe("computePromotion", () => {
  it("promotes image tags and the model list, nothing environment-specific", () => {
    const p = computePromotion(input());
    expect(p.changes).toEqual([
      { key: TAGS, from: prodValues[TAGS], to: stagingValues[TAGS] },
      { key: MODELS, from: ["codellama"], to: ["codellama", "deepseek-coder"] },
    ]);
    expect(Object.keys(p.set).sort()).toEqual([TAGS, MODELS, RECORD_KEY].sort());
    for (const key of NEVER_PROMOTED) expect(p.set).not.toHaveProperty([key]);
    expect(JSON.parse(p.set[RECORD_KEY] as string)).toEqual({ from: "staging", fromVersion: 42, at: NOW, values: { [TAGS]: stagingValues[TAGS], [MODELS]: stagingValues[MODELS] } });
    const text = renderPromotion(p);
    expect(text).toContain(`${TAGS}: {"api":"1.4.1","worker":"1.4.1","ollama":"0.6.5"} -> {"api":"1.4.2","worker":"1.4.2","ollama":"0.6.5"}`);
    expect(text).toMatch(/never promoted: tier, .*domain.*cloudflareApiToken/);
  });

  it("the promoted and the never-promoted keys do not overlap, and cover tier, domain and the secrets", () => {
    const promoted = PROMOTED_KEYS.map((k) => k.key);
    expect(promoted.filter((k) => NEVER_PROMOTED.includes(k))).toEqual([]);
    for (const k of ["tier", "primaryRegion", "domain", "cloudflareAccountId", "cloudflareApiToken", "kubeconfig", "overrides"]) {
      expect(NEVER_PROMOTED).toContain(`finishthisidea:${k}`);
    }
  });

  it("reads what staging runs (its last update's config), not a newer value not yet deployed", () => {
    const current = config({ ...stagingValues, [TAGS]: { api: "1.5.0", worker: "1.5.0", ollama: "0.6.5" } });
    const p = computePromotion(input({ staging: current }));
    expect(p.changes[0].to).toEqual(stagingValues[TAGS]);
    expect(p.source).toBe("staging's last update (version 42)");
    // With no config in the update record, the current config is used and said so.
    const q = computePromotion(input({ staging: current, last: succeeded({}) }));
    expect(q.changes[0].to).toEqual({ api: "1.5.0", worker: "1.5.0", ollama: "0.6.5" });
    expect(q.notes.join()).toContain("current config");
  });

  it("nothing to change when prod already runs staging's versions", () => {
    const p = computePromotion(input({ prod: config({ ...prodValues, [TAGS]: stagingValues[TAGS], [MODELS]: stagingValues[MODELS] }) }));
    expect(p.changes).toEqual([]);
    expect(p.unchanged).toEqual([TAGS, MODELS]);
    expect(p.set).toEqual({});
    expect(renderPromotion(p)).toContain("nothing to change");
  });

  it("refuses when staging's last update did not succeed, is running, never happened, or was a destroy", () => {
    expect(refusal(input({ last: succeeded(undefined, { result: "failed" }) }))[0]).toMatch(/staging's last update \(version 42, .*\) did not succeed \(failed\)/);
    expect(refusal(input({ last: succeeded(undefined, { result: "in-progress" }) }))[0]).toContain("is still in progress");
    expect(refusal(input({ last: null }))[0]).toContain("staging has never been updated");
    expect(refusal(input({ last: succeeded(undefined, { kind: "destroy" }) }))[0]).toContain("destroyed it");
  });

  it("refuses when a promoted value is missing or not promotable, naming it", () => {
    const { [TAGS]: _tags, ...noTags } = stagingValues;
    expect(refusal(input({ last: succeeded(config(noTags)) }))).toEqual([expect.stringContaining(`staging does not set ${TAGS}`)]);
    const noWorker = config({ ...stagingValues, [TAGS]: { api: "1.4.2", ollama: "0.6.5" } });
    expect(refusal(input({ last: succeeded(noWorker) }))).toEqual([`staging has no ${TAGS}.worker: nothing to promote for the worker image`]);
    const latest = config({ ...stagingValues, [TAGS]: { api: "latest", worker: "1.4.2", ollama: "0.6.5" } });
    expect(refusal(input({ last: succeeded(latest) }))[0]).toContain('.api is "latest"');
    const noModels = config({ ...stagingValues, [MODELS]: [] });
    expect(refusal(input({ last: succeeded(noModels) }))[0]).toContain(`staging's ${MODELS} is []`);
  });

  it("never promotes a secret", () => {
    const secretTags = config(stagingValues, [TAGS]);
    expect(refusal(input({ last: succeeded(secretTags) }))[0]).toContain("secrets are never promoted");
  });

  it("lists every reason at once", () => {
    const { [MODELS]: _m, ...noModels } = stagingValues;
    const reasons = refusal(input({ last: succeeded(config(noModels), { result: "failed" }) }));
    expect(reasons).toHaveLength(2);
    expect(reasons[0]).toContain("did not succeed");
    expect(reasons[1]).toContain(`does not set ${MODELS}`);
  });

  it("refuses to overwrite a value changed on prod since the last promotion, unless --force", () => {
    const first = computePromotion(input());
    // Prod after that promotion, then someone sets the API tag on prod by hand.
    const afterPromotion = { ...prodValues, ...first.set };
    const hotfixed = config({ ...afterPromotion, [TAGS]: { api: "1.4.2-hotfix1", worker: "1.4.2", ollama: "0.6.5" } });
    const stagingNext = config({ ...stagingValues, [TAGS]: { api: "1.4.3", worker: "1.4.3", ollama: "0.6.5" } });
    const reasons = refusal(input({ last: succeeded(stagingNext), prod: hotfixed }));
    expect(reasons).toEqual([expect.stringMatching(/^prod's finishthisidea:imageTags is .*1\.4\.2-hotfix1.*, but the last promotion \(from staging at 2025-06-01T12:00:00.000Z\) set .*: it was changed on prod since \(pass --force to overwrite it\)$/)]);
    const forced = computePromotion({ ...input({ last: succeeded(stagingNext), prod: hotfixed }), force: true });
    expect(forced.changes.find((c) => c.key === TAGS)).toMatchObject({ to: { api: "1.4.3", worker: "1.4.3", ollama: "0.6.5" }, drift: expect.stringContaining("changed on prod since") });
    expect(renderPromotion(forced)).toContain("overriding drift (--force)");
    // Unchanged since the recorded promotion: a normal promotion, no drift.
    const clean = computePromotion(input({ last: succeeded(stagingNext), prod: config(afterPromotion) }));
    expect(clean.changes.map((c) => c.drift)).toEqual([undefined]);
  });

  it("without a record, refuses to roll prod back to older images or drop models prod serves", () => {
    const ahead = config({ ...prodValues, [TAGS]: { api: "1.10.0", worker: "1.4.1", ollama: "0.6.5" } });
    expect(refusal(input({ prod: ahead }))).toEqual([expect.stringContaining("prod runs newer images than staging (api 1.10.0 > 1.4.2): promoting would roll them back")]);
    const moreModels = config({ ...prodValues, [MODELS]: ["codellama", "llama3"] });
    expect(refusal(input({ prod: moreModels }))).toEqual([expect.stringContaining("prod serves models staging does not (llama3)")]);
  });

  it("refuses a promotion onto the same stack", () => {
    expect(() => computePromotion({ ...input(), to: { stack: "staging", config: {} } })).toThrow(/both staging/);
  });

  it("decodes config values and compares versions", () => {
    expect(decodeConfigValue({ value: '{"a":1}' })).toEqual({ a: 1 });
    expect(decodeConfigValue({ value: "x", objectValue: ["y"] })).toEqual(["y"]);
    expect(decodeConfigValue({ value: "1.4.2" })).toBe("1.4.2");
    expect(decodeConfigValue({ value: "{not json" })).toBe("{not json");
    expect(decodeConfigValue(undefined)).toBeUndefined();
    expect(compareVersions("1.10.0", "1.9.3")).toBeGreaterThan(0);
    expect(compareVersions("v1.4.2", "1.4.2")).toBe(0);
    expect(compareVersions("1.4.1", "1.4.2-rc1")).toBeLessThan(0);
    expect(compareVersions("sha-abc", "1.4.2")).toBe(0);
  });

  it("structured values become --path config keys", () => {
    expect(pathEntries(TAGS, { api: "1.4.2", worker: "1.4.2" })).toEqual([[`${TAGS}.api`, "1.4.2"], [`${TAGS}.worker`, "1.4.2"]]);
    expect(pathEntries(MODELS, ["a", "b"])).toEqual([[`${MODELS}[0]`, "a"], [`${MODELS}[1]`, "b"]]);
    expect(pathEntries("finishthisidea:imageTags", { "api-v2": "1.5.0" })).toEqual([['finishthisidea:imageTags["api-v2"]', "1.5.0"]]);
  });
});

describe("command line", () => {
  it("parses the flags", () => {
    expect(parsePromoteArgs(["--from", "staging", "--to", "prod"])).toEqual({ from: "staging", to: "prod", yes: false, dryRun: false, force: false });
    expect(parsePromoteArgs(["--from=staging", "--to=org/prod", "--yes", "--dry-run", "--force"])).toEqual({ from: "staging", to: "org/prod", yes: true, dryRun: true, force: true });
    expect(() => parsePromoteArgs(["--from", "staging"])).toThrow(/--from and --to are required/);
    expect(() => parsePromoteArgs(["--from", "--to", "prod"])).toThrow(/--from needs a stack name/);
    expect(() => parsePromoteArgs(["--from", "staging", "--to", "prod", "--approve"])).toThrow(/unknown argument --approve/);
  });

  it("finds the CLI on PATH, and nothing on an empty PATH", () => {
    const exists = (f: string) => f === path.join("/opt/pulumi/bin", "pulumi");
    expect(findOnPath("pulumi", ["/usr/bin", "/opt/pulumi/bin"].join(path.delimiter), exists)).toBe("/opt/pulumi/bin/pulumi");
    expect(findOnPath("pulumi", "", exists)).toBeUndefined();
    expect(findOnPath("pulumi", undefined, exists)).toBeUndefined();
  });

  it("`npm run promote` with no pulumi on PATH fails at once, saying what to install", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "tools/promote.ts", "--from", "staging", "--to", "prod", "--yes"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, PATH: "" },
      timeout: 60_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(MISSING_CLI);
    expect(r.stderr).toContain("Install it");
    expect(r.stdout).toBe("");
  });
});

/** A fake backend: configs per stack, a last update per stack, and a record of what the flow did. */
function fakeOps(options: { last?: LastUpdate; confirm?: boolean; previewFails?: boolean; upFails?: boolean } = {}) {
  const configs: Record<string, ConfigMap> = { staging: config(stagingValues), prod: config(prodValues) };
  const calls: string[] = [];
  const log: string[] = [];
  const ops: PromotionOps = {
    async lastUpdate(stack) {
      return stack === "staging" ? (options.last ?? succeeded()) : succeeded(configs.prod);
    },
    async getConfig(stack) {
      return structuredClone(configs[stack]);
    },
    async setConfig(stack, values) {
      calls.push(`setConfig ${stack} ${Object.keys(values).sort().join(",")}`);
      for (const [k, v] of Object.entries(values)) {
        if (v === undefined) delete configs[stack][k];
        else configs[stack][k] = { value: typeof v === "string" ? v : JSON.stringify(v), secret: false };
      }
    },
    async offlineDiff(from, to) {
      calls.push(`offlineDiff ${from} ${to}`);
      return "OFFLINE DIFF";
    },
    async preview(stack) {
      calls.push(`preview ${stack} ${decodeConfigValue(configs[stack][TAGS]) && JSON.stringify(decodeConfigValue(configs[stack][TAGS]))}`);
      if (options.previewFails) throw new Error("preview failed: policy violation");
      return "PREVIEW OK";
    },
    async up(stack) {
      calls.push(`up ${stack}`);
      if (options.upFails) throw new Error("update failed");
      return "UP OK";
    },
    async confirm() {
      calls.push("confirm");
      return options.confirm ?? false;
    },
    log: (text) => log.push(text),
  };
  return { ops, configs, calls, log };
}

const args = (over: Partial<PromoteArgs> = {}): PromoteArgs => ({ from: "staging", to: "prod", yes: false, dryRun: false, force: false, ...over });
const promotedTags = JSON.stringify(stagingValues[TAGS]);

describe("runPromotion", () => {
  it("--yes: shows the change and the offline diff, previews prod with the new config, then updates it", async () => {
    const f = fakeOps();
    expect(await runPromotion(args({ yes: true }), f.ops, NOW)).toBe(0);
    expect(f.calls).toEqual(["offlineDiff staging prod", `setConfig prod ${[MODELS, TAGS, RECORD_KEY].sort().join(",")}`, `preview prod ${promotedTags}`, "up prod"]);
    expect(decodeConfigValue(f.configs.prod[TAGS])).toEqual(stagingValues[TAGS]);
    expect(decodeConfigValue(f.configs.prod[RECORD_KEY])).toMatchObject({ from: "staging", values: { [TAGS]: stagingValues[TAGS] } });
    expect(f.configs.prod["finishthisidea:tier"].value).toBe("growth");
    const out = f.log.join("\n");
    expect(out).toContain("Promotion staging -> prod");
    expect(out.indexOf("OFFLINE DIFF")).toBeLessThan(out.indexOf("PREVIEW OK"));
    expect(out).toContain("Commit Pulumi.prod.yaml");
    // A second promotion finds nothing to do, and the record means no drift is reported.
    const again = fakeOps();
    again.configs.prod = f.configs.prod;
    expect(await runPromotion(args({ yes: true }), again.ops, NOW)).toBe(0);
    expect(again.calls).toEqual([]);
    expect(again.log.join()).toContain("nothing to change");
  });

  it("--dry-run stops after the preview and leaves prod's config as it was", async () => {
    const f = fakeOps();
    const before = structuredClone(f.configs.prod);
    expect(await runPromotion(args({ dryRun: true, yes: true }), f.ops, NOW)).toBe(0);
    expect(f.calls).toContain(`preview prod ${promotedTags}`);
    expect(f.calls).not.toContain("up prod");
    expect(f.calls.filter((c) => c.startsWith("setConfig"))).toHaveLength(2);
    expect(f.configs.prod).toEqual(before);
  });

  it("without --yes, asks; a no leaves prod untouched", async () => {
    const f = fakeOps({ confirm: false });
    const before = structuredClone(f.configs.prod);
    expect(await runPromotion(args(), f.ops, NOW)).toBe(1);
    expect(f.calls).toContain("confirm");
    expect(f.calls).not.toContain("up prod");
    expect(f.configs.prod).toEqual(before);
    const yes = fakeOps({ confirm: true });
    expect(await runPromotion(args(), yes.ops, NOW)).toBe(0);
    expect(yes.calls.slice(-2)).toEqual(["confirm", "up prod"]);
  });

  it("a refusal touches nothing and says why", async () => {
    const f = fakeOps({ last: succeeded(undefined, { result: "failed" }) });
    const before = structuredClone(f.configs.prod);
    expect(await runPromotion(args({ yes: true }), f.ops, NOW)).toBe(1);
    expect(f.calls).toEqual([]);
    expect(f.configs.prod).toEqual(before);
    expect(f.log.join()).toMatch(/Promotion refused:\n {2}- staging's last update .* did not succeed \(failed\)/);
  });

  it("a failed preview puts prod's config back; a failed update keeps it (it describes what was applied)", async () => {
    const p = fakeOps({ previewFails: true });
    const before = structuredClone(p.configs.prod);
    await expect(runPromotion(args({ yes: true }), p.ops, NOW)).rejects.toThrow("policy violation");
    expect(p.configs.prod).toEqual(before);
    const u = fakeOps({ upFails: true });
    await expect(runPromotion(args({ yes: true }), u.ops, NOW)).rejects.toThrow("update failed");
    expect(decodeConfigValue(u.configs.prod[TAGS])).toEqual(stagingValues[TAGS]);
  });

  it("with the real offline plans, the diff it shows is the environment difference, not the versions", async () => {
    const f = fakeOps();
    f.ops.offlineDiff = async (from, to, values) => renderDiffText(diffPlans(await offlinePlan(from), await offlinePlan(to, values)));
    expect(await runPromotion(args({ dryRun: true }), f.ops, NOW)).toBe(0);
    const out = f.log.join("\n");
    expect(out).toContain("Tier: mvp -> growth");
    expect(out).toMatch(/aws:ec2\/natGateway:NatGateway\s+1 ->\s+3/);
  });
});
