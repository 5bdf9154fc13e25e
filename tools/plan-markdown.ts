/**
 * `npm run plan -- <stack> --markdown`: the offline plan as a GitHub-flavoured Markdown report (the PR comment):
 * key sizes, resource counts by component, the monthly cost table, the policy results, and the architecture as a
 * Mermaid flowchart drawn from what the program registered: one node per component inside a subgraph per layer,
 * and the wiring between them (a resource of one takes an output of the other as an input, or its provider).
 */
import type { ComponentSummary, PlanReport } from "./plan-report";
import type { RegisteredResource } from "./program";

export interface ArchitectureEdge {
  from: string;
  to: string;
  /** Short type names of the resources whose outputs (or provider) flow along the edge, sorted. */
  via: string[];
}

export interface Architecture {
  /** The root component (the Platform), drawn as the frame, not as a node. */
  root?: string;
  components: ComponentSummary[];
  edges: ArchitectureEdge[];
}

/** `aws:ec2/subnet:Subnet` -> `Subnet`; `pulumi:providers:kubernetes` -> `kubernetes provider`. */
export function shortType(type: string): string {
  if (type.startsWith("pulumi:providers:")) return `${type.slice("pulumi:providers:".length)} provider`;
  return type.split(":").pop() ?? type;
}

/**
 * Components and the wiring between them. An edge A -> B exists when a resource in component B has an input
 * computed from a resource in component A, or is managed by a provider registered in A. Wiring inside a
 * component, or between a component and one of its ancestors (the root holds the shared AWS providers), is
 * not drawn.
 */
export function architecture(plan: Pick<PlanReport, "components" | "resources">): Architecture {
  const root = plan.components.find((c) => c.parent === undefined)?.name;
  const byName = new Map(plan.components.map((c) => [c.name, c]));
  const ancestors = (name: string | undefined): Set<string> => {
    const out = new Set<string>();
    for (let c = name ? byName.get(name) : undefined; c; c = c.parent ? byName.get(c.parent) : undefined) out.add(c.name);
    return out;
  };
  const byUrn = new Map(plan.resources.map((r) => [r.urn, r]));
  const providers = new Map(plan.resources.filter((r) => r.type.startsWith("pulumi:providers:")).map((r) => [r.name, r]));
  const edges = new Map<string, ArchitectureEdge>();
  const link = (source: RegisteredResource | undefined, target: RegisteredResource) => {
    const from = source?.component;
    const to = target.component;
    if (!source || !from || !to || from === to || from === root || to === root) return;
    if (ancestors(to).has(from) || ancestors(from).has(to)) return;
    const key = `${from}\u0000${to}`;
    const edge = edges.get(key) ?? { from, to, via: [] };
    const kind = shortType(source.type);
    if (!edge.via.includes(kind)) edge.via.push(kind);
    edges.set(key, edge);
  };
  for (const r of plan.resources) {
    for (const urn of r.inputDependencies ?? []) link(byUrn.get(urn), r);
    if (r.options.provider) link(providers.get(r.options.provider), r);
  }
  const list = [...edges.values()].map((e) => ({ ...e, via: e.via.sort() }));
  list.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  return { root, components: plan.components, edges: list };
}

const nodeId = (name: string) => `c_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;
/** Text inside a quoted Mermaid label: quotes and angle brackets as entity codes (the caller adds `<br/>`). */
const label = (text: string) => text.replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");

/** The diagram's layers, in reading order, by type-token module (`finishthisidea:<module>:<Name>`). */
export const LAYERS: { id: string; title: string; modules: string[] }[] = [
  { id: "network_cluster", title: "Network and cluster", modules: ["network", "cluster"] },
  { id: "data", title: "Data", modules: ["data", "storage"] },
  { id: "workloads", title: "Workloads", modules: ["k8s"] },
  { id: "edge", title: "Edge", modules: ["edge"] },
  { id: "observability", title: "Observability", modules: ["observability"] },
];
const OTHER_LAYER = { id: "other", title: "Other", modules: [] as string[] };

/** The layer a top-level component belongs to, from the module of its type token. */
export function layerOf(type: string): (typeof LAYERS)[number] {
  const module = type.split(":")[1];
  return LAYERS.find((l) => l.modules.includes(module)) ?? OTHER_LAYER;
}

/**
 * The Mermaid flowchart (without the fence). Top-level components are grouped into one subgraph per layer
 * (nested components inside their parent). Wiring inside a layer is drawn between components, unlabelled;
 * wiring between layers is drawn once per pair of layers, labelled with what flows, so the chart stays readable
 * at a PR comment's width.
 */
export function renderMermaid(arch: Architecture, title?: string): string {
  const lines = ["flowchart TB"];
  const children = (parent: string | undefined) => arch.components.filter((c) => c.parent === parent);
  const typeName = (c: ComponentSummary) => c.type.split(":").pop();
  const walk = (c: ComponentSummary, depth: number) => {
    const indent = "  ".repeat(depth + 1);
    const nested = children(c.name);
    const text = `${label(c.name)}<br/>${label(`${typeName(c)} · ${c.total} resources`)}`;
    if (nested.length === 0) {
      lines.push(`${indent}${nodeId(c.name)}["${text}"]`);
      return;
    }
    lines.push(`${indent}subgraph ${nodeId(c.name)}["${text}"]`);
    for (const child of nested) walk(child, depth + 1);
    lines.push(`${indent}end`);
  };
  // Layer of every component: its top-level ancestor's (the root's direct child, or itself when parentless).
  const byName = new Map(arch.components.map((c) => [c.name, c]));
  const topOf = (name: string): ComponentSummary => {
    let c = byName.get(name)!;
    while (c.parent !== undefined && c.parent !== arch.root && byName.has(c.parent)) c = byName.get(c.parent)!;
    return c;
  };
  const layerId = (name: string) => `l_${layerOf(topOf(name).type).id}`;

  const top = arch.components.filter((c) => c.name !== arch.root && (c.parent === undefined || c.parent === arch.root));
  const rootTitle = arch.root === undefined ? undefined : title ?? arch.root;
  if (rootTitle !== undefined) lines.push(`  %% ${label(rootTitle)}`);
  if (top.length === 0) lines.push(`  ${nodeId(arch.root ?? "plan")}_empty["no components"]`);
  for (const layer of [...LAYERS, OTHER_LAYER]) {
    const members = top.filter((c) => layerOf(c.type).id === layer.id);
    if (members.length === 0) continue;
    lines.push(`  subgraph l_${layer.id}["${label(layer.title)}"]`);
    lines.push("    direction LR");
    for (const c of members) walk(c, 1);
    lines.push("  end");
  }
  const between = new Map<string, Set<string>>();
  for (const e of arch.edges) {
    const [from, to] = [layerId(e.from), layerId(e.to)];
    if (from === to) {
      lines.push(`  ${nodeId(e.from)} --> ${nodeId(e.to)}`);
      continue;
    }
    const key = `${from} ${to}`;
    const via = between.get(key) ?? new Set<string>();
    for (const v of e.via) via.add(v);
    between.set(key, via);
  }
  for (const [key, via] of between) {
    const [from, to] = key.split(" ");
    const kinds = [...via].sort();
    const shown = kinds.length > 3 ? [...kinds.slice(0, 3), `+${kinds.length - 3} more`] : kinds;
    lines.push(`  ${from} -->|"${label(shown.join(", "))}"| ${to}`);
  }
  return lines.join("\n");
}

const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
const cell = (v: unknown) => String(v).replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The whole report. `heading` sets the top heading level (2 by default; the PR comment nests stacks under one). */
export function renderPlanMarkdown(plan: PlanReport, options: { heading?: number } = {}): string {
  const h = (n: number) => "#".repeat(Math.min(6, (options.heading ?? 2) + n));
  const out: string[] = [];
  out.push(`${h(0)} Offline plan: \`${plan.project}/${plan.stack}\` (tier \`${plan.tier}\`, ${plan.primaryRegion})`);
  out.push("", `**${plan.resourceCount} resources** in ${plan.components.length} components.`);

  out.push("", "| Key size | Value |", "| --- | --- |");
  for (const [k, v] of Object.entries(plan.sizes)) out.push(`| ${cell(k)} | ${cell(v)} |`);

  out.push("", `${h(1)} Resources by component`, "", "| Component | Type | Resources | By type |", "| --- | --- | ---: | --- |");
  const depthOf = (c: ComponentSummary): number => {
    let d = 0;
    for (let p = c.parent; p; p = plan.components.find((x) => x.name === p)?.parent) d++;
    return d;
  };
  for (const c of plan.components) {
    const byType = Object.entries(c.counts).sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `${n} × ${shortType(t)}`).join(", ");
    const indent = "&nbsp;&nbsp;".repeat(depthOf(c));
    out.push(`| ${indent}${cell(c.name)} | \`${c.type}\` | ${c.total} | ${cell(byType || "—")} |`);
  }
  out.push(`| **total** | | **${plan.resourceCount}** | |`);

  out.push("", `${h(1)} Architecture`, "", "```mermaid", renderMermaid(architecture(plan), `${plan.project}/${plan.stack} · tier ${plan.tier}`), "```");

  if (plan.cost) out.push("", ...renderCostMarkdown(plan, h(1)));
  if (plan.policy) out.push("", ...renderPolicyMarkdown(plan, h(1)));
  if (plan.rehearsal) out.push("", ...renderRehearsalMarkdown(plan, h(1)));
  return out.join("\n") + "\n";
}

function renderCostMarkdown(plan: PlanReport, heading: string): string[] {
  const cost = plan.cost;
  const budget = cost.budgetUsd;
  const within = budget === undefined || cost.totalUsd <= budget;
  const out = [`${heading} Monthly cost estimate`, ""];
  out.push(`**${usd(cost.totalUsd)}/month**${budget !== undefined ? ` against the tier budget of ${usd(budget)} ${within ? "(within budget)" : "(**over budget**)"}` : ""}.`);
  out.push("", "| Component | USD / month |", "| --- | ---: |");
  for (const [component, n] of Object.entries(cost.byComponent).sort(([, a], [, b]) => b - a)) out.push(`| ${cell(component)} | ${usd(n)} |`);
  out.push(`| **total** | **${usd(cost.totalUsd)}** |`);
  if (cost.lines.length > 0) {
    out.push("", "<details><summary>Priced resources</summary>", "", "| Resource | Type | USD / month | Basis |", "| --- | --- | ---: | --- |");
    for (const l of [...cost.lines].sort((a, b) => b.monthlyUsd - a.monthlyUsd)) {
      out.push(`| ${cell(l.resource)} | ${shortType(l.type)} | ${usd(l.monthlyUsd)} | ${cell(l.basis)}${l.unverified ? " (unverified)" : ""} |`);
    }
    out.push("", "</details>");
  }
  if (cost.unpriced.length > 0) {
    out.push("", `<details><summary>Not priced before traffic (${cost.unpriced.length})</summary>`, "");
    for (const u of cost.unpriced) out.push(`- ${cell(u.resource)} (${shortType(u.type)}): ${cell(u.reason)}`);
    out.push("", "</details>");
  }
  out.push("", `<sub>Baseline: ${cell(cost.baseline)}.</sub>`);
  return out;
}

function renderPolicyMarkdown(plan: PlanReport, heading: string): string[] {
  const p = plan.policy;
  const status = p.mandatoryViolations > 0 ? `❌ ${p.mandatoryViolations} mandatory violation${p.mandatoryViolations === 1 ? "" : "s"}` : "✅ no mandatory violations";
  const out = [`${heading} Policy: \`${p.pack}\``, "", `${status}, ${p.advisoryViolations} advisory (${p.rules.length} rules; levels from \`${p.configSource}\`).`];
  if (p.violations.length > 0) {
    out.push("", "| Level | Rule | Resource | Message |", "| --- | --- | --- | --- |");
    for (const v of p.violations) out.push(`| ${v.level} | \`${v.policy}\` | ${cell(v.resource ?? "(stack)")} | ${cell(v.message)} |`);
  }
  return out;
}

export function renderRehearsalMarkdown(plan: Pick<PlanReport, "rehearsal">, heading: string): string[] {
  const r = plan.rehearsal;
  const status = r.failures.length > 0 ? `❌ ${r.failures.length} failure${r.failures.length === 1 ? "" : "s"}` : "✅ would run";
  const out = [`${heading} Rehearsal`, "", `${status} (${r.checks} checks).`, "", "| Rule | Checks | Failures |", "| --- | ---: | ---: |"];
  for (const rule of r.rules) out.push(`| ${rule.title} | ${rule.checks} | ${rule.failures.length} |`);
  if (r.failures.length > 0) {
    out.push("", "| Rule | Resource | Problem | Fix |", "| --- | --- | --- | --- |");
    for (const f of r.failures) out.push(`| ${f.rule} | ${cell(f.resource)} | ${cell(f.problem)} | ${cell(f.fix)} |`);
  }
  const notes = r.rules.flatMap((rule) => rule.notes.map((n) => `- ${rule.rule}: ${cell(n)}`));
  out.push("", "<details><summary>Notes and assumptions</summary>", "", ...notes, `- assumptions: ${cell(Object.entries(r.assumptions).map(([k, v]) => `${k}=${v}`).join(", "))}`, "", "</details>");
  return out;
}
