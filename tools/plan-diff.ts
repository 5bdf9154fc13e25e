/**
 * `npm run plan -- --diff <stackA> <stackB>`: what differs between the offline plans of two stacks. Resources
 * are matched by type + name; for matched resources only size-like inputs are compared (instance types and
 * classes, node group scaling, replica counts and ranges, storage, shards), so the diff reads as "what is
 * bigger or smaller", not as every tag and name that carries the stack's name. Used by the promotion tool and
 * the PR comment.
 */
import { readStackFile } from "../infra/stack-file";
import { buildPlanReport, type PlanReport } from "./plan-report";
import { COMPUTED, runStack } from "./program";

/**
 * The offline plan of a stack (name or path of its stack file, relative to `from`), in preview mode. `values`
 * replaces config values (keys without the namespace) first: the promotion tool plans prod with staging's
 * versions this way.
 */
export async function offlinePlan(stackOrPath: string, values: Record<string, unknown> = {}, from?: string): Promise<PlanReport> {
  const file = readStackFile(stackOrPath, { from });
  const raw = { ...file.raw, values: { ...file.raw.values, ...values } };
  return buildPlanReport(await runStack(raw, file.project, file.stack, { preview: true }));
}

export interface DiffSide {
  stack: string;
  tier: string;
  resourceCount: number;
  monthlyUsd?: number;
}

export interface ResourceRef {
  type: string;
  name: string;
  component?: string;
}

export interface ValueChange {
  path: string;
  from: unknown;
  to: unknown;
}

export interface PlanDiff {
  from: DiffSide;
  to: DiffSide;
  tier?: { from: string; to: string };
  /** Key sizes (the tier's sizing as the plan reports it) that differ. */
  sizes: { key: string; from: string | number | undefined; to: string | number | undefined }[];
  /** Resources only in `to` (added by moving from `from` to `to`) and only in `from` (removed). */
  added: ResourceRef[];
  removed: ResourceRef[];
  /** Resource counts by type that differ. */
  counts: { type: string; from: number; to: number }[];
  /** Resources in both whose size-like inputs differ. */
  resized: (ResourceRef & { changes: ValueChange[] })[];
  cost?: { fromUsd: number; toUsd: number; deltaUsd: number; byComponent: { component: string; fromUsd: number; toUsd: number; deltaUsd: number }[] };
}

/** Input keys that are sizes or counts; everything below such a key is compared too. */
export const SIZE_KEYS = new Set([
  "instanceType", "instanceTypes", "instanceClass", "nodeType", "capacityType", "amiType",
  "scalingConfig", "desiredSize", "minSize", "maxSize",
  "replicas", "minReplicas", "maxReplicas", "minReplicaCount", "maxReplicaCount",
  "numNodeGroups", "replicasPerNodeGroup", "numCacheClusters", "multiAz", "multiAzEnabled", "automaticFailoverEnabled",
  "allocatedStorage", "maxAllocatedStorage", "iops", "storageType", "volumeSize", "diskSize",
  "requests", "limits", "storage", "backupRetentionPeriod", "snapshotRetentionLimit",
]);

const keyOf = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
const ref = (r: { type: string; name: string; component?: string }): ResourceRef => ({ type: r.type, name: r.name, component: r.component });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => v === null || typeof v !== "object";

/** Size-like leaves of a resource's inputs, by path (`scalingConfig.desiredSize`, `spec.template.spec.containers[0].resources.requests.cpu`). */
export function sizeLeaves(inputs: unknown, path = "", underSize = false, out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(inputs)) {
    if (underSize && inputs.every(isScalar)) out.set(path, inputs);
    else inputs.forEach((v, i) => sizeLeaves(v, `${path}[${i}]`, underSize, out));
    return out;
  }
  if (isObject(inputs)) {
    for (const [k, v] of Object.entries(inputs)) sizeLeaves(v, path ? `${path}.${k}` : k, underSize || SIZE_KEYS.has(k), out);
    return out;
  }
  if (underSize && inputs !== undefined) out.set(path, inputs);
  return out;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function diffPlans(a: PlanReport, b: PlanReport): PlanDiff {
  const custom = (p: PlanReport) => p.resources.filter((r) => !r.type.startsWith("finishthisidea:"));
  const aRes = new Map(custom(a).map((r) => [keyOf(r), r]));
  const bRes = new Map(custom(b).map((r) => [keyOf(r), r]));
  const byTypeName = (x: ResourceRef, y: ResourceRef) => x.type.localeCompare(y.type) || x.name.localeCompare(y.name);

  const added = [...bRes.values()].filter((r) => !aRes.has(keyOf(r))).map(ref).sort(byTypeName);
  const removed = [...aRes.values()].filter((r) => !bRes.has(keyOf(r))).map(ref).sort(byTypeName);

  const count = (m: Map<string, { type: string }>) => {
    const c: Record<string, number> = {};
    for (const r of m.values()) c[r.type] = (c[r.type] ?? 0) + 1;
    return c;
  };
  const ca = count(aRes);
  const cb = count(bRes);
  const counts = [...new Set([...Object.keys(ca), ...Object.keys(cb)])]
    .map((type) => ({ type, from: ca[type] ?? 0, to: cb[type] ?? 0 }))
    .filter((c) => c.from !== c.to)
    .sort((x, y) => x.type.localeCompare(y.type));

  const resized: PlanDiff["resized"] = [];
  for (const [key, ra] of aRes) {
    const rb = bRes.get(key);
    if (!rb) continue;
    const la = sizeLeaves(ra.inputs);
    const lb = sizeLeaves(rb.inputs);
    const changes: ValueChange[] = [];
    for (const path of [...new Set([...la.keys(), ...lb.keys()])].sort()) {
      const from = la.get(path);
      const to = lb.get(path);
      if (from === COMPUTED || to === COMPUTED || same(from, to)) continue;
      changes.push({ path, from, to });
    }
    if (changes.length > 0) resized.push({ ...ref(rb), changes });
  }
  resized.sort(byTypeName);

  const sizes = [...new Set([...Object.keys(a.sizes), ...Object.keys(b.sizes)])]
    .filter((k) => !same(a.sizes[k], b.sizes[k]))
    .map((key) => ({ key, from: a.sizes[key], to: b.sizes[key] }));

  let cost: PlanDiff["cost"];
  if (a.cost && b.cost) {
    const components = [...new Set([...Object.keys(a.cost.byComponent), ...Object.keys(b.cost.byComponent)])];
    cost = {
      fromUsd: a.cost.totalUsd,
      toUsd: b.cost.totalUsd,
      deltaUsd: b.cost.totalUsd - a.cost.totalUsd,
      byComponent: components
        .map((component) => {
          const fromUsd = a.cost.byComponent[component] ?? 0;
          const toUsd = b.cost.byComponent[component] ?? 0;
          return { component, fromUsd, toUsd, deltaUsd: toUsd - fromUsd };
        })
        .filter((c) => Math.abs(c.deltaUsd) >= 0.005)
        .sort((x, y) => Math.abs(y.deltaUsd) - Math.abs(x.deltaUsd)),
    };
  }

  const side = (p: PlanReport): DiffSide => ({ stack: p.stack, tier: p.tier, resourceCount: p.resourceCount, monthlyUsd: p.cost?.totalUsd });
  return {
    from: side(a),
    to: side(b),
    tier: a.tier !== b.tier ? { from: a.tier, to: b.tier } : undefined,
    sizes,
    added,
    removed,
    counts,
    resized,
    cost,
  };
}

const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
const signedUsd = (n: number) => `${n >= 0 ? "+" : "-"}${usd(Math.abs(n))}`;
const show = (v: unknown) => (v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));
const cell = (v: unknown) => show(v).replace(/\|/g, "\\|").replace(/\n/g, " ");

export function isEmptyDiff(d: PlanDiff): boolean {
  return !d.tier && d.sizes.length + d.added.length + d.removed.length + d.counts.length + d.resized.length === 0 && (!d.cost || d.cost.deltaUsd === 0);
}

export function renderDiffText(d: PlanDiff): string {
  const lines = [`Diff ${d.from.stack} (tier ${d.from.tier}, ${d.from.resourceCount} resources) -> ${d.to.stack} (tier ${d.to.tier}, ${d.to.resourceCount} resources)`];
  if (isEmptyDiff(d)) return [...lines, "", "No differences."].join("\n");
  if (d.tier) lines.push("", `Tier: ${d.tier.from} -> ${d.tier.to}`);
  if (d.sizes.length > 0) {
    lines.push("", "Key sizes:");
    const w = Math.max(...d.sizes.map((s) => s.key.length));
    for (const s of d.sizes) lines.push(`  ${s.key.padEnd(w)}  ${show(s.from)} -> ${show(s.to)}`);
  }
  if (d.counts.length > 0) {
    lines.push("", "Resource counts by type:");
    const w = Math.max(...d.counts.map((c) => c.type.length));
    for (const c of d.counts) lines.push(`  ${c.type.padEnd(w)}  ${String(c.from).padStart(3)} -> ${String(c.to).padStart(3)}  (${c.to - c.from >= 0 ? "+" : ""}${c.to - c.from})`);
  }
  if (d.resized.length > 0) {
    lines.push("", "Changed sizes:");
    for (const r of d.resized) {
      lines.push(`  ${r.type} ${r.name}`);
      for (const c of r.changes) lines.push(`      ${c.path}: ${show(c.from)} -> ${show(c.to)}`);
    }
  }
  if (d.added.length > 0) {
    lines.push("", `Only in ${d.to.stack} (${d.added.length}):`);
    for (const r of d.added) lines.push(`  + ${r.type} ${r.name}${r.component ? ` (${r.component})` : ""}`);
  }
  if (d.removed.length > 0) {
    lines.push("", `Only in ${d.from.stack} (${d.removed.length}):`);
    for (const r of d.removed) lines.push(`  - ${r.type} ${r.name}${r.component ? ` (${r.component})` : ""}`);
  }
  if (d.cost) {
    lines.push("", `Monthly cost: ${usd(d.cost.fromUsd)} -> ${usd(d.cost.toUsd)} (${signedUsd(d.cost.deltaUsd)})`);
    for (const c of d.cost.byComponent) lines.push(`  ${c.component}: ${usd(c.fromUsd)} -> ${usd(c.toUsd)} (${signedUsd(c.deltaUsd)})`);
  }
  return lines.join("\n");
}

export function renderDiffMarkdown(d: PlanDiff, options: { heading?: number } = {}): string {
  const h = (n: number) => "#".repeat(Math.min(6, (options.heading ?? 2) + n));
  const out = [`${h(0)} Diff: \`${d.from.stack}\` → \`${d.to.stack}\``, ""];
  out.push(`Tier \`${d.from.tier}\` → \`${d.to.tier}\`; resources ${d.from.resourceCount} → ${d.to.resourceCount} (${d.added.length} only in \`${d.to.stack}\`, ${d.removed.length} only in \`${d.from.stack}\`)${d.cost ? `; monthly cost ${usd(d.cost.fromUsd)} → ${usd(d.cost.toUsd)} (**${signedUsd(d.cost.deltaUsd)}**)` : ""}.`);
  if (isEmptyDiff(d)) return [...out, "", "No differences."].join("\n") + "\n";
  if (d.sizes.length > 0) {
    out.push("", "| Key size | " + `\`${d.from.stack}\` | \`${d.to.stack}\` |`, "| --- | --- | --- |");
    for (const s of d.sizes) out.push(`| ${cell(s.key)} | ${cell(s.from)} | ${cell(s.to)} |`);
  }
  if (d.counts.length > 0) {
    out.push("", `| Resource type | \`${d.from.stack}\` | \`${d.to.stack}\` | Δ |`, "| --- | ---: | ---: | ---: |");
    for (const c of d.counts) out.push(`| \`${c.type}\` | ${c.from} | ${c.to} | ${c.to - c.from >= 0 ? "+" : ""}${c.to - c.from} |`);
  }
  if (d.resized.length > 0) {
    out.push("", `<details><summary>Changed sizes (${d.resized.length} resources)</summary>`, "", "| Resource | Input | " + `\`${d.from.stack}\` | \`${d.to.stack}\` |`, "| --- | --- | --- | --- |");
    for (const r of d.resized) for (const c of r.changes) out.push(`| ${cell(r.name)} (${r.type.split(":").pop()}) | \`${c.path}\` | ${cell(c.from)} | ${cell(c.to)} |`);
    out.push("", "</details>");
  }
  const list = (title: string, refs: ResourceRef[], sign: string) => {
    if (refs.length === 0) return;
    out.push("", `<details><summary>${title} (${refs.length})</summary>`, "", "```diff");
    for (const r of refs) out.push(`${sign} ${r.type} ${r.name}${r.component ? ` (${r.component})` : ""}`);
    out.push("```", "", "</details>");
  };
  list(`Only in ${d.to.stack}`, d.added, "+");
  list(`Only in ${d.from.stack}`, d.removed, "-");
  if (d.cost && d.cost.byComponent.length > 0) {
    out.push("", `| Component | \`${d.from.stack}\` USD/month | \`${d.to.stack}\` USD/month | Δ |`, "| --- | ---: | ---: | ---: |");
    for (const c of d.cost.byComponent) out.push(`| ${cell(c.component)} | ${usd(c.fromUsd)} | ${usd(c.toUsd)} | ${signedUsd(c.deltaUsd)} |`);
  }
  return out.join("\n") + "\n";
}
