/**
 * Stack promotion without the Pulumi CLI: the config change computed from (staging's values, prod's config),
 * every refusal, and the flow (show, preview, confirm, up, restore) over fake stack operations; and the real
 * command failing at once, with what to install, when `pulumi` is not on PATH.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
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
  renderPromotion,
  runPromotion,
  type ConfigMap,
  type LastUpdate,
  type PromoteArgs,
  type PromotionInput,
  type PromotionOps,
} from "../tools/promotion";
import { configOfStackFile, stackFileStore, withConfig, writeFileAtomic, type StackFileStore } from "../tools/stack-files";

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
  [MODELS]: ["codellama:7b", "deepseek-coder:6.7b"],
};
const prodValues = {
  "finishthisidea:tier": "growth",
  "finishthisidea:domain": "finishthisidea.com",
  "aws:region": "us-east-1",
  [TAGS]: { api: "1.4.1", worker: "1.4.1", ollama: "0.6.5" },
  [MODELS]: ["codellama:7b"],
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
      { key: MODELS, from: ["codellama:7b"], to: ["codellama:7b", "deepseek-coder:6.7b"] },
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
    const unpinned = config({ ...stagingValues, [MODELS]: ["codellama", "llama3.1:latest", "qwen2.5-coder:7b"] });
    expect(refusal(input({ last: succeeded(unpinned) }))).toEqual([`staging's ${MODELS} has models without a pinned tag (codellama, llama3.1:latest): only pinned tags such as codellama:7b are promoted`]);
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
    const moreModels = config({ ...prodValues, [MODELS]: ["codellama:7b", "llama3:8b"] });
    expect(refusal(input({ prod: moreModels }))).toEqual([expect.stringContaining("prod serves models staging does not (llama3:8b)")]);
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

const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "promotion-test-"));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));
const PROD_FILE = `# Prod: the Growth tier. (This comment must survive a promotion.)\n${stringify({ config: prodValues })}`;

type FailPoint = "write-promoted" | "write-marker" | "preview" | "confirm-signal" | "up" | "up-signal" | "restore";

/**
 * A stand-in for the Pulumi CLI and the Automation API: staging's config in memory, prod's stack file in a real
 * directory (so atomic writes and the marker are the real ones), and a failure injectable at every step.
 */
function fakeOps(options: { last?: LastUpdate; confirm?: boolean; fail?: FailPoint; dir?: string } = {}) {
  const dir = options.dir ?? fs.mkdtempSync(path.join(tmpRoot, "stack-"));
  if (!options.dir) fs.writeFileSync(path.join(dir, "Pulumi.prod.yaml"), PROD_FILE);
  const real = stackFileStore(dir);
  const calls: string[] = [];
  const log: string[] = [];
  let interrupt: (() => void) | undefined;
  const signal = () => {
    interrupt?.();
    throw new Error("killed by SIGINT"); // the real handler exits the process here
  };
  let writes = 0;
  const files: StackFileStore = {
    ...real,
    write(stack, content) {
      writes++;
      calls.push(`write ${stack}`);
      if (options.fail === "write-promoted" && writes === 1) throw new Error("ENOSPC: no space left on device");
      if (options.fail === "restore" && writes === 2) throw new Error("EIO: restore failed");
      real.write(stack, content);
    },
    writeMarker(stack, marker) {
      calls.push(`marker ${marker.phase}`);
      if (options.fail === "write-marker") throw new Error("EACCES: permission denied");
      real.writeMarker(stack, marker);
    },
  };
  const tagsOnDisk = () => JSON.stringify(configOfStackFile(real.read("prod")!)[TAGS]?.objectValue);
  const ops: PromotionOps = {
    async lastUpdate(stack) {
      return stack === "staging" ? (options.last ?? succeeded()) : succeeded(configOfStackFile(real.read("prod")!));
    },
    async getConfig(stack) {
      return stack === "staging" ? config(stagingValues) : configOfStackFile(real.read(stack)!);
    },
    files,
    async offlineDiff(from, to) {
      calls.push(`offlineDiff ${from} ${to}`);
      return "OFFLINE DIFF";
    },
    async preview(stack) {
      calls.push(`preview ${stack} ${tagsOnDisk()}`);
      if (options.fail === "preview") throw new Error("preview failed: policy violation");
      return "PREVIEW OK";
    },
    async up(stack) {
      calls.push(`up ${stack}`);
      if (options.fail === "up") throw new Error("update failed");
      if (options.fail === "up-signal") signal();
      return "UP OK";
    },
    async confirm() {
      calls.push("confirm");
      if (options.fail === "confirm-signal") signal();
      return options.confirm ?? false;
    },
    onInterrupt(restore) {
      interrupt = restore;
      return () => (interrupt = undefined);
    },
    log: (text) => log.push(text),
  };
  return { ops, dir, calls, log, prodFile: () => real.read("prod")!, marker: () => real.readMarker("prod") };
}

const args = (over: Partial<PromoteArgs> = {}): PromoteArgs => ({ from: "staging", to: "prod", yes: false, dryRun: false, force: false, ...over });
const promotedTags = JSON.stringify(stagingValues[TAGS]);
const prodTags = JSON.stringify(prodValues[TAGS]);

describe("runPromotion", () => {
  it("--yes: shows the change and the offline diff, previews prod with the new stack file, then updates it", async () => {
    const f = fakeOps();
    expect(await runPromotion(args({ yes: true }), f.ops, NOW)).toBe(0);
    expect(f.calls).toEqual(["offlineDiff staging prod", "marker written", "write prod", `preview prod ${promotedTags}`, "marker updating", "up prod"]);
    const after = configOfStackFile(f.prodFile());
    expect(decodeConfigValue(after[TAGS])).toEqual(stagingValues[TAGS]);
    expect(decodeConfigValue(after[MODELS])).toEqual(stagingValues[MODELS]);
    expect(decodeConfigValue(after[RECORD_KEY])).toMatchObject({ from: "staging", values: { [TAGS]: stagingValues[TAGS] } });
    expect(after["finishthisidea:tier"].value).toBe("growth");
    expect(f.prodFile()).toContain("This comment must survive a promotion.");
    expect(f.marker()).toBeUndefined();
    const out = f.log.join("\n");
    expect(out).toContain("Promotion staging -> prod");
    expect(out.indexOf("OFFLINE DIFF")).toBeLessThan(out.indexOf("PREVIEW OK"));
    expect(out).toContain("Commit Pulumi.prod.yaml");
    // A second promotion finds nothing to do, and the record means no drift is reported.
    const again = fakeOps({ dir: f.dir });
    expect(await runPromotion(args({ yes: true }), again.ops, NOW)).toBe(0);
    expect(again.calls).toEqual([]);
    expect(again.log.join()).toContain("nothing to change");
  });

  it("--dry-run stops after the preview and puts prod's stack file back byte for byte", async () => {
    const f = fakeOps();
    expect(await runPromotion(args({ dryRun: true, yes: true }), f.ops, NOW)).toBe(0);
    expect(f.calls).toContain(`preview prod ${promotedTags}`);
    expect(f.calls).not.toContain("up prod");
    expect(f.prodFile()).toBe(PROD_FILE);
    expect(f.marker()).toBeUndefined();
  });

  it("without --yes, asks; a no puts the stack file back", async () => {
    const f = fakeOps({ confirm: false });
    expect(await runPromotion(args(), f.ops, NOW)).toBe(1);
    expect(f.calls).toContain("confirm");
    expect(f.calls).not.toContain("up prod");
    expect(f.prodFile()).toBe(PROD_FILE);
    const yes = fakeOps({ confirm: true });
    expect(await runPromotion(args(), yes.ops, NOW)).toBe(0);
    expect(yes.calls.slice(-3)).toEqual(["confirm", "marker updating", "up prod"]);
  });

  it("a refusal touches nothing and says why", async () => {
    const f = fakeOps({ last: succeeded(undefined, { result: "failed" }) });
    expect(await runPromotion(args({ yes: true }), f.ops, NOW)).toBe(1);
    expect(f.calls).toEqual([]);
    expect(f.prodFile()).toBe(PROD_FILE);
    expect(f.log.join()).toMatch(/Promotion refused:\n {2}- staging's last update .* did not succeed \(failed\)/);
  });

  // Each point the transaction can fail at: the stack file ends as it was, and no marker is left behind.
  it.each([
    ["the marker cannot be written", "write-marker", "EACCES: permission denied", ["offlineDiff staging prod", "marker written"]],
    ["the promoted file cannot be written", "write-promoted", "ENOSPC: no space left on device", ["marker written", "write prod", "write prod"]],
    ["the preview fails", "preview", "preview failed: policy violation", [`preview prod ${promotedTags}`, "write prod"]],
    ["the update fails", "up", "update failed", ["marker updating", "up prod", "write prod"]],
    ["a signal arrives at the confirmation", "confirm-signal", "killed by SIGINT", ["confirm", "write prod"]],
    ["a signal arrives during the update", "up-signal", "killed by SIGINT", ["up prod", "write prod"]],
  ] as const)("%s: prod's stack file is put back", async (_name, fail, message, tail) => {
    const f = fakeOps({ fail });
    await expect(runPromotion(args({ yes: fail !== "confirm-signal" }), f.ops, NOW)).rejects.toThrow(message);
    expect(f.calls.slice(-tail.length)).toEqual(tail);
    expect(f.prodFile()).toBe(PROD_FILE);
    expect(f.marker()).toBeUndefined();
    if (fail !== "write-marker") expect(f.log.join("\n")).toMatch(/stack file is (put )?back as it was before the promotion/);
  });

  it("a restore that fails keeps the marker, and the next run rolls back and shows the whole change again", async () => {
    const f = fakeOps({ fail: "restore" });
    await expect(runPromotion(args({ yes: true, dryRun: true }), f.ops, NOW)).rejects.toThrow("EIO: restore failed");
    expect(JSON.stringify(configOfStackFile(f.prodFile())[TAGS].objectValue)).toBe(promotedTags);
    expect(f.marker()).toMatchObject({ state: "in-progress", from: "staging", to: "prod", phase: "written", previous: PROD_FILE });

    const next = fakeOps({ dir: f.dir });
    expect(await runPromotion(args({ yes: true }), next.ops, NOW)).toBe(0);
    const out = next.log.join("\n");
    expect(out).toContain("An earlier promotion staging -> prod (started 2025-06-01T12:00:00.000Z) did not finish: prod's stack file is back as it was before it.");
    expect(out).not.toContain("nothing to change");
    expect(out).toContain(`${TAGS}: ${prodTags} -> ${promotedTags}`);
    expect(next.calls).toContain("up prod");
    expect(next.marker()).toBeUndefined();
  });

  it("a run killed outright during the update (marker says updating) is rolled back and resumed, never 'nothing to change'", async () => {
    const f = fakeOps();
    const promoted = withConfig(PROD_FILE, { [TAGS]: stagingValues[TAGS], [MODELS]: stagingValues[MODELS] });
    fs.writeFileSync(path.join(f.dir, "Pulumi.prod.yaml"), promoted);
    stackFileStore(f.dir).writeMarker("prod", { state: "in-progress", from: "staging", to: "prod", startedAt: NOW, phase: "updating", previous: PROD_FILE, promoted });
    expect(await runPromotion(args({ yes: true }), f.ops, NOW)).toBe(0);
    const out = f.log.join("\n");
    expect(out).toContain("Its update had started, so prod may run part of it");
    expect(out).not.toContain("nothing to change");
    expect(f.calls.slice(-2)).toEqual(["marker updating", "up prod"]);
    expect(f.marker()).toBeUndefined();
  });

  it("a marker whose stack file was edited since is refused with what to do", async () => {
    const f = fakeOps();
    stackFileStore(f.dir).writeMarker("prod", { state: "in-progress", from: "staging", to: "prod", startedAt: NOW, phase: "written", previous: "config: {}\n", promoted: "config: {a: 1}\n" });
    expect(await runPromotion(args({ yes: true }), f.ops, NOW)).toBe(1);
    expect(f.log.join()).toContain(`was changed since: compare it with "previous" in ${path.join(f.dir, ".promotion-prod.json")}`);
    expect(f.calls).toEqual([]);
    expect(f.prodFile()).toBe(PROD_FILE);
  });

  it("writes files atomically: a failed rename leaves the old content and no temp file", () => {
    const dir = fs.mkdtempSync(path.join(tmpRoot, "atomic-"));
    const file = path.join(dir, "Pulumi.prod.yaml");
    fs.writeFileSync(file, "old\n");
    writeFileAtomic(file, "new\n");
    expect(fs.readFileSync(file, "utf8")).toBe("new\n");
    fs.mkdirSync(path.join(dir, "Pulumi.dir.yaml"));
    fs.writeFileSync(path.join(dir, "Pulumi.dir.yaml", "x"), "");
    expect(() => writeFileAtomic(path.join(dir, "Pulumi.dir.yaml"), "new\n")).toThrow();
    expect(fs.readdirSync(dir).sort()).toEqual(["Pulumi.dir.yaml", "Pulumi.prod.yaml"]);
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
