/**
 * Stack promotion (staging -> prod) as pure logic: which config keys are promoted, the config change computed
 * from (staging's values, prod's config), the refusals, and the promotion flow over an injected set of stack
 * operations. `tools/promote.ts` supplies those operations from Pulumi's Automation API; the tests supply fakes,
 * so everything here runs without the Pulumi CLI.
 *
 * Promoted: the versions staging runs, read from the config of staging's last successful update —
 *   finishthisidea:imageTags (api, worker, ollama) and finishthisidea:ollamaModels. Helm chart versions are pinned
 *   in code, not config, so they are promoted with the commit itself: prod is deployed from the same commit.
 * Never promoted: everything else — tier, regions, AZs, CIDRs, domain, alert targets, account ids, WAF, surge
 * mode, cost centre, overrides and every secret.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { CONFIG_NAMESPACE } from "../infra/config-namespace";
import { withConfig, type PromotionMarker, type StackFileStore } from "./stack-files";

/** A config value as `pulumi config --json` and the Automation API return it. */
export interface ConfigEntry {
  value?: unknown;
  objectValue?: unknown;
  secret?: boolean;
}
export type ConfigMap = Record<string, ConfigEntry>;

export interface PromotedKey {
  key: string;
  /** Refuse when staging does not set it. */
  required: boolean;
  description: string;
}

export const PROMOTED_KEYS: readonly PromotedKey[] = [
  { key: `${CONFIG_NAMESPACE}:imageTags`, required: true, description: "image tags of the API, worker and Ollama images" },
  { key: `${CONFIG_NAMESPACE}:ollamaModels`, required: true, description: "the models Ollama pulls and serves" },
];

/** Keys that are per environment and never copied between stacks (documentation and a guard in the tests). */
export const NEVER_PROMOTED = [
  "tier", "environment", "primaryRegion", "availabilityZones", "vpcCidr", "domain", "alertEmail", "alertHttpsEndpoint", "imageRegistry",
  "clusterPublicAccessCidrs", "cloudflareAccountId", "r2LocationHint", "waf", "surgeMode", "costCenter", "overrides",
  "cloudflareApiToken", "kubeconfig", "slackChannel", "slackWebhookUrl", "pagerdutyRoutingKey",
].map((k) => `${CONFIG_NAMESPACE}:${k}`);

/** Where prod keeps what the last promotion set (outside the program's namespace, so the program ignores it). */
export const RECORD_KEY = "promotion:lastPromoted";

export const IMAGE_NAMES = ["api", "worker", "ollama"] as const;

export interface PromotionRecord {
  from: string;
  /** Version (update number) of the source stack whose config was promoted. */
  fromVersion?: number;
  at: string;
  values: Record<string, unknown>;
}

/** The last update (or destroy) of a stack, as its history reports it. */
export interface LastUpdate {
  kind: string;
  result: string;
  version?: number;
  endTime?: string;
  /** The config the update ran with, when the backend records it. */
  config?: ConfigMap;
}

export interface PromotionInput {
  from: { stack: string; lastUpdate?: LastUpdate; config: ConfigMap };
  to: { stack: string; config: ConfigMap };
  force?: boolean;
  /** ISO time of the promotion (a parameter, so this stays pure). */
  now: string;
}

export interface ConfigChange {
  key: string;
  /** Prod's value before (undefined when prod does not set the key). */
  from: unknown;
  to: unknown;
  /** Why prod's value counts as drifted; present only when `--force` overrides it. */
  drift?: string;
}

export interface Promotion {
  from: string;
  to: string;
  /** Where staging's values were read from. */
  source: string;
  changes: ConfigChange[];
  unchanged: string[];
  /** Config values (full keys) prod gets: the promoted keys and the promotion record (JSON text); empty when nothing changes. */
  set: Record<string, unknown>;
  record: PromotionRecord;
  notes: string[];
}

export class PromotionRefused extends Error {
  constructor(readonly reasons: string[]) {
    super(`Promotion refused:\n  - ${reasons.join("\n  - ")}`);
    this.name = "PromotionRefused";
  }
}

/** A config entry's value: structured values arrive as `objectValue` or as JSON text. */
export function decodeConfigValue(entry: ConfigEntry | undefined): unknown {
  if (!entry) return undefined;
  if (entry.objectValue !== undefined) return entry.objectValue;
  const v = entry.value;
  if (typeof v === "string" && /^\s*[[{]/.test(v)) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}

const same = (a: unknown, b: unknown) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
  return v;
}
const show = (v: unknown) => (v === undefined ? "(unset)" : JSON.stringify(v));

/** Numeric parts of a version-like tag (`1.4.2`, `v1.4.2-rc1` -> [1, 4, 2]); undefined if it has none. */
function versionParts(tag: string): number[] | undefined {
  const m = /^v?(\d+(?:\.\d+)*)/.exec(tag);
  return m ? m[1].split(".").map(Number) : undefined;
}

/** >0 when a is a newer version than b, <0 when older, 0 when equal or not comparable. */
export function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  if (!pa || !pb) return 0;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Problems with a promoted value staging has (missing images, `latest`, empty model list). */
function valueProblems(key: string, value: unknown, stack: string): string[] {
  const problems: string[] = [];
  if (key.endsWith(":imageTags")) {
    const tags = (value && typeof value === "object" && !Array.isArray(value) ? value : {}) as Record<string, unknown>;
    for (const image of IMAGE_NAMES) {
      const tag = tags[image];
      if (typeof tag !== "string" || tag === "") problems.push(`${stack} has no ${key}.${image}: nothing to promote for the ${image} image`);
      else if (tag === "latest") problems.push(`${stack}'s ${key}.${image} is "latest": only pinned tags are promoted`);
    }
  } else if (key.endsWith(":ollamaModels")) {
    if (!Array.isArray(value) || value.length === 0 || !value.every((m) => typeof m === "string" && m !== "")) {
      problems.push(`${stack}'s ${key} is ${show(value)}: expected a non-empty list of model names`);
    } else {
      // Models are versions like images: only pinned tags (`name:tag`, not latest) are promoted.
      const unpinned = value.filter((m) => !/:[^:/]+$/.test(m) || m.endsWith(":latest"));
      if (unpinned.length > 0) problems.push(`${stack}'s ${key} has models without a pinned tag (${unpinned.join(", ")}): only pinned tags such as codellama:7b are promoted`);
    }
  }
  return problems;
}

/** Why prod's value of a key counts as drifted (changed outside promotion), or undefined. */
function driftOf(key: string, prodValue: unknown, stagingValue: unknown, record: PromotionRecord | undefined, from: string, to: string): string | undefined {
  if (prodValue === undefined) return undefined;
  if (record && key in record.values) {
    if (!same(prodValue, record.values[key])) {
      return `${to}'s ${key} is ${show(prodValue)}, but the last promotion (from ${record.from} at ${record.at}) set ${show(record.values[key])}: it was changed on ${to} since`;
    }
    return undefined;
  }
  // No record of a promotion of this key: flag what would be lost.
  if (key.endsWith(":imageTags") && prodValue && typeof prodValue === "object" && stagingValue && typeof stagingValue === "object") {
    const p = prodValue as Record<string, unknown>;
    const s = stagingValue as Record<string, unknown>;
    const newer = IMAGE_NAMES.filter((i) => typeof p[i] === "string" && typeof s[i] === "string" && compareVersions(p[i] as string, s[i] as string) > 0);
    if (newer.length > 0) {
      return `${to} runs newer images than ${from} (${newer.map((i) => `${i} ${p[i]} > ${s[i]}`).join(", ")}): promoting would roll them back`;
    }
  }
  if (key.endsWith(":ollamaModels") && Array.isArray(prodValue) && Array.isArray(stagingValue)) {
    const lost = prodValue.filter((m) => !stagingValue.includes(m));
    if (lost.length > 0) return `${to} serves models ${from} does not (${lost.join(", ")}): promoting would remove them`;
  }
  return undefined;
}

/**
 * The config change promoting `from` into `to`. Throws PromotionRefused (every reason at once) when the source's
 * last update did not succeed, a promoted value is missing or invalid, or prod has drifted values the change would
 * overwrite and `force` is not set.
 */
export function computePromotion(input: PromotionInput): Promotion {
  const { from, to } = input;
  const reasons: string[] = [];
  const notes: string[] = [];
  if (from.stack === to.stack) throw new PromotionRefused([`--from and --to are both ${from.stack}: promote between two stacks`]);

  const last = from.lastUpdate;
  if (!last) reasons.push(`${from.stack} has never been updated: deploy it (and check it) before promoting it`);
  else if (last.kind === "destroy") reasons.push(`${from.stack}'s last operation destroyed it (version ${last.version ?? "?"}): there is nothing running to promote`);
  else if (last.result !== "succeeded") {
    reasons.push(`${from.stack}'s last update (version ${last.version ?? "?"}${last.endTime ? `, ${last.endTime}` : ""}) ${last.result === "in-progress" ? "is still in progress" : `did not succeed (${last.result})`}: promote only what ${from.stack} runs successfully`);
  }

  // What staging runs: the config of its last successful update; its current config only if the update has none.
  const recorded = last?.config && Object.keys(last.config).length > 0 ? last.config : undefined;
  const source = recorded ? `${from.stack}'s last update (version ${last?.version ?? "?"})` : `${from.stack}'s current config (its last update recorded no config)`;
  if (!recorded && last) notes.push(`read ${from.stack}'s values from its current config: its update history has no config`);
  const sourceConfig = recorded ?? from.config;

  let record: PromotionRecord | undefined;
  const rawRecord = decodeConfigValue(to.config[RECORD_KEY]);
  if (rawRecord && typeof rawRecord === "object" && "values" in (rawRecord as object)) record = rawRecord as PromotionRecord;

  const changes: ConfigChange[] = [];
  const unchanged: string[] = [];
  const drifted: string[] = [];
  const set: Record<string, unknown> = {};
  for (const { key, required } of PROMOTED_KEYS) {
    const entry = sourceConfig[key];
    if (entry?.secret || to.config[key]?.secret) {
      reasons.push(`${key} is a secret on ${entry?.secret ? from.stack : to.stack}: secrets are never promoted`);
      continue;
    }
    const value = decodeConfigValue(entry);
    if (value === undefined) {
      if (required) reasons.push(`${from.stack} does not set ${key}: set it explicitly (pulumi config set) so ${to.stack} gets exactly what ${from.stack} runs`);
      continue;
    }
    const problems = valueProblems(key, value, from.stack);
    if (problems.length > 0) {
      reasons.push(...problems);
      continue;
    }
    set[key] = value;
    const current = decodeConfigValue(to.config[key]);
    if (same(current, value)) {
      unchanged.push(key);
      continue;
    }
    const drift = driftOf(key, current, value, record, from.stack, to.stack);
    if (drift && !input.force) drifted.push(drift);
    changes.push({ key, from: current, to: value, ...(drift ? { drift } : {}) });
  }
  if (drifted.length > 0) {
    reasons.push(...drifted.map((d) => `${d} (pass --force to overwrite it)`));
  }
  if (reasons.length > 0) throw new PromotionRefused(reasons);

  const newRecord: PromotionRecord = { from: from.stack, fromVersion: last?.version, at: input.now, values: set };
  return {
    from: from.stack,
    to: to.stack,
    source,
    changes,
    unchanged,
    // The record is stored as JSON text (one plain value), not as structured config.
    set: changes.length > 0 ? { ...set, [RECORD_KEY]: JSON.stringify(newRecord) } : {},
    record: newRecord,
    notes,
  };
}

export function renderPromotion(p: Promotion): string {
  const lines = [`Promotion ${p.from} -> ${p.to} (values from ${p.source}):`];
  if (p.changes.length === 0) lines.push(`  nothing to change: ${p.to} already runs ${p.from}'s versions`);
  for (const c of p.changes) {
    lines.push(`  ${c.key}: ${show(c.from)} -> ${show(c.to)}`);
    if (c.drift) lines.push(`      overriding drift (--force): ${c.drift}`);
  }
  for (const k of p.unchanged) lines.push(`  ${k}: unchanged`);
  for (const n of p.notes) lines.push(`  note: ${n}`);
  lines.push(`  never promoted: ${NEVER_PROMOTED.map((k) => k.split(":")[1]).join(", ")}`);
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------------------
// The command line and the flow.

export interface PromoteArgs {
  from: string;
  to: string;
  yes: boolean;
  dryRun: boolean;
  force: boolean;
}

export const PROMOTE_USAGE = "usage: npm run promote -- --from <stack> --to <stack> [--yes] [--dry-run] [--force]";

export const PROMOTE_HELP = `${PROMOTE_USAGE}

Promote the versions <from> runs (image tags, Ollama models, read from its last successful update) to <to>,
through the Pulumi CLI: show the change and the offline plan diff, write <to>'s stack file, preview, and update
when confirmed. The stack file is changed as a transaction: its previous content is kept until the update
succeeds and put back on any failure or interrupt; a run that was killed outright is rolled back by the next.

  --from <stack>  the stack whose versions are promoted (e.g. staging)
  --to <stack>    the stack that gets them (e.g. prod)
  --yes, -y       update without asking (CI)
  --dry-run       stop after the preview; the stack file is put back
  --force         overwrite values changed on <to> since the last promotion
  --help, -h      this text

Exit codes: 0 promoted (or nothing to promote); 1 refused, failed or not confirmed; 2 a usage mistake;
130 interrupted (the stack file is put back).`;

export function parsePromoteArgs(argv: string[]): PromoteArgs | { help: true } {
  if (argv.includes("--help") || argv.includes("-h")) return { help: true };
  const args: Partial<PromoteArgs> = { yes: false, dryRun: false, force: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    if (flag === "--from" || flag === "--to") {
      const v = inline ?? argv[++i];
      if (!v || v.startsWith("--")) throw new Error(`${flag} needs a stack name\n${PROMOTE_USAGE}`);
      args[flag === "--from" ? "from" : "to"] = v;
    } else if (flag === "--yes" || flag === "-y") args.yes = true;
    else if (flag === "--dry-run") args.dryRun = true;
    else if (flag === "--force") args.force = true;
    else throw new Error(`unknown argument ${a}\n${PROMOTE_USAGE}`);
  }
  if (!args.from || !args.to) throw new Error(`--from and --to are required\n${PROMOTE_USAGE}`);
  return args as PromoteArgs;
}

/** The first executable named `name` in a PATH string (the Automation API runs `pulumi` from PATH). */
export function findOnPath(name: string, pathEnv: string | undefined, isExecutable = defaultIsExecutable): string | undefined {
  const exts = process.platform === "win32" ? ["", ".exe", ".cmd"] : [""];
  for (const dir of (pathEnv ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const candidate = path.join(dir, name + ext);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function defaultIsExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export const MISSING_CLI = [
  "promote needs the Pulumi CLI (`pulumi`) on PATH, and none was found.",
  "Install it: `curl -fsSL https://get.pulumi.com | sh` (then add ~/.pulumi/bin to PATH), or `brew install pulumi/tap/pulumi`;",
  "in GitHub Actions, `pulumi/actions` installs it. Then log in to the state backend (`pulumi login`, or PULUMI_ACCESS_TOKEN).",
  "The offline plan (`npm run plan`) needs no CLI.",
].join("\n");

/** What the flow needs from the stacks; Automation API in tools/promote.ts, fakes in the tests. */
export interface PromotionOps {
  lastUpdate(stack: string): Promise<LastUpdate | undefined>;
  getConfig(stack: string): Promise<ConfigMap>;
  /** The stack files: the target's is changed as a transaction (tools/stack-files.ts). */
  files: StackFileStore;
  /** The offline plan diff between the two stacks, `values` applied to `to`'s config first (text). */
  offlineDiff(from: string, to: string, values: Record<string, unknown>): Promise<string>;
  preview(stack: string): Promise<string>;
  up(stack: string): Promise<string>;
  confirm(question: string): Promise<boolean>;
  /** Call `restore` (synchronously) if the process is interrupted (SIGINT, SIGTERM); returns the unhook. */
  onInterrupt(restore: () => void): () => void;
  log(text: string): void;
}

/**
 * A marker left by a promotion that was killed outright (no chance to restore): put the stack file back as it
 * was before it, so this run starts from what the stack ran and shows the whole change again. Returns the
 * marker it rolled back, or a refusal when the file was changed by hand since.
 */
function rollBackInterrupted(to: string, ops: PromotionOps): { marker?: PromotionMarker; refusal?: string } {
  const marker = ops.files.readMarker(to);
  if (!marker) return {};
  const current = ops.files.read(to);
  if (current !== marker.promoted && current !== marker.previous) {
    return {
      refusal: `A promotion ${marker.from} -> ${marker.to} started ${marker.startedAt} did not finish, and ${ops.files.filePath(to)} was changed since: ` +
        `compare it with "previous" in ${ops.files.markerPath(to)}, keep what is right, then delete the marker and promote again.`,
    };
  }
  if (current !== marker.previous) ops.files.write(to, marker.previous);
  ops.files.clearMarker(to);
  ops.log(
    `An earlier promotion ${marker.from} -> ${marker.to} (started ${marker.startedAt}) did not finish: ${to}'s stack file is back as it was before it.` +
      (marker.phase === "updating" ? ` Its update had started, so ${to} may run part of it: the preview below shows what this run changes.` : ""),
  );
  return { marker };
}

/**
 * The promotion: compute and show the change and the offline plan diff, write prod's stack file, preview
 * prod, and update it only when confirmed (`--yes`); `--dry-run` stops after the preview. The stack file is
 * a transaction: written atomically, its previous content kept (in the marker) until `up` succeeds and put
 * back on any failure, refusal or interrupt. Returns the exit code.
 */
export async function runPromotion(args: PromoteArgs, ops: PromotionOps, now = new Date().toISOString()): Promise<number> {
  const recovered = rollBackInterrupted(args.to, ops);
  if (recovered.refusal) {
    ops.log(recovered.refusal);
    return 1;
  }
  const [lastUpdate, fromConfig, toConfig] = await Promise.all([ops.lastUpdate(args.from), ops.getConfig(args.from), ops.getConfig(args.to)]);
  let promotion: Promotion;
  try {
    promotion = computePromotion({ from: { stack: args.from, lastUpdate, config: fromConfig }, to: { stack: args.to, config: toConfig }, force: args.force, now });
  } catch (err) {
    if (err instanceof PromotionRefused) {
      ops.log(err.message);
      return 1;
    }
    throw err;
  }
  ops.log(renderPromotion(promotion));
  // Nothing to change is only true of a stack no promotion left half-done: after a rollback, preview and update.
  if (promotion.changes.length === 0 && !recovered.marker) return 0;

  const promotedValues = Object.fromEntries(promotion.changes.map((c) => [c.key.slice(CONFIG_NAMESPACE.length + 1), c.to]));
  try {
    ops.log("\n" + (await ops.offlineDiff(args.from, args.to, promotedValues)));
  } catch (err) {
    ops.log(`\n(offline plan diff unavailable: ${err instanceof Error ? err.message : String(err)})`);
  }

  const previous = ops.files.read(args.to);
  if (previous === undefined) throw new Error(`${ops.files.filePath(args.to)} does not exist: promote into a stack whose stack file is in this directory`);
  const promoted = withConfig(previous, promotion.set);
  const marker: PromotionMarker = { state: "in-progress", from: args.from, to: args.to, startedAt: now, phase: "written", previous, promoted };
  // The marker first: a process killed after the write below leaves what the next run needs to roll back.
  ops.files.writeMarker(args.to, marker);
  let settled = false;
  const restore = () => {
    if (settled) return;
    settled = true;
    ops.files.write(args.to, previous);
    ops.files.clearMarker(args.to); // only once the file is back: a failed restore keeps the marker for the next run
  };
  const unhook = ops.onInterrupt(() => {
    restore();
    ops.log(`\nInterrupted: ${args.to}'s stack file is back as it was before the promotion.`);
  });
  try {
    ops.files.write(args.to, promoted);
    ops.log(`\nPreview of ${args.to} with the promoted config:`);
    ops.log(await ops.preview(args.to));
    if (args.dryRun) {
      ops.log(`\n--dry-run: stopping after the preview; ${args.to}'s stack file is put back as it was.`);
      return 0;
    }
    if (!args.yes && !(await ops.confirm(`Update ${args.to} with these changes?`))) {
      ops.log(`Not confirmed: ${args.to} is unchanged (pass --yes to update without asking).`);
      return 1;
    }
    ops.files.writeMarker(args.to, { ...marker, phase: "updating" });
    ops.log(await ops.up(args.to));
    settled = true;
    ops.files.clearMarker(args.to);
    ops.log(`\n${args.to} updated. Commit Pulumi.${args.to.split("/").pop()}.yaml so the repository records what ${args.to} runs.`);
    return 0;
  } catch (err) {
    ops.log(`\nPromotion failed: ${err instanceof Error ? err.message : String(err)}\n${args.to}'s stack file is put back as it was before the promotion; run the promotion again once the cause is fixed.`);
    throw err;
  } finally {
    unhook();
    restore();
  }
}
