/**
 * The offline plan as data: what the program registers for a stack, grouped by component, plus the tier's key
 * sizes. The text report and `--json` both come from this one object; keep its shape stable.
 */
import type { PlatformConfig } from "../infra/config";
import { estimateCost, renderCostTable, type CostEstimate } from "../cost/estimate";
import { rehearse, renderRehearsalText, type RehearsalReport } from "../rehearsal";
import { runPoliciesForStack, type PolicyReport } from "./policy-run";
import type { RegisteredPlan, RegisteredResource } from "./registered";

export interface ComponentSummary {
  name: string;
  type: string;
  parent?: string;
  /** Resources directly in this component (not in nested components), by type. */
  counts: Record<string, number>;
  total: number;
}

export interface PlanReport {
  project: string;
  stack: string;
  tier: string;
  primaryRegion: string;
  sizes: Record<string, string | number>;
  resourceCount: number;
  components: ComponentSummary[];
  resources: RegisteredResource[];
  /** Monthly cost estimate (cost/estimate.ts) against the tier's budget. */
  cost: CostEstimate & { budgetUsd: number };
  /** The guardrails pack applied in-process with the stack's pack config (tools/policy-run.ts). */
  policy: PolicyReport;
  /** Would it run? Pods schedule, claims bind, references resolve, clients reach servers, capacity (rehearsal/). */
  rehearsal: RehearsalReport;
}

/** The tier's key sizes, as a platform engineer reads them before `pulumi up`. */
export function keySizes(config: PlatformConfig): Record<string, string | number> {
  const p = config.preset;
  const range = (r: { min: number; max: number }) => `${r.min}-${r.max}`;
  return {
    "api instance type": p.api.instanceType,
    "api replicas (HPA)": range(p.api.replicas),
    "api nodes": range(p.api.nodes),
    "worker instance types (SPOT)": p.workers.spotInstanceTypes.join(", "),
    "worker replicas (KEDA)": range(p.workers.replicas),
    "worker nodes": range(p.workers.nodes),
    "gpu instance type": `${p.gpu.instanceType} (${p.gpu.gpuType})`,
    "ollama replicas": p.gpu.ollamaReplicas,
    "database class": `${p.database.instanceClass}${p.database.multiAz ? " Multi-AZ" : ""}`,
    "database replicas": [
      ...Array(p.database.inRegionReplicas).fill(config.primaryRegion),
      ...p.database.replicaRegions,
    ].join(", ") || "none",
    "redis": `${p.redis.nodeType} ${p.redis.clusterMode ? `cluster mode ${p.redis.shards} shards x ${p.redis.replicasPerShard} replicas` : "single node"}`,
    "bucket regions": [config.primaryRegion, ...p.storage.replicaRegions].join(", "),
    "nat gateways": p.network.natGateways,
    "monthly budget (USD)": p.monthlyBudgetUsd,
  };
}

export const SECRET_MASK = "[secret]";

/** A copy of a resource with every secret input replaced by a mask, so no report can leak one. */
export function maskSecrets(resource: RegisteredResource): RegisteredResource {
  if (resource.secretInputs.length === 0) return resource;
  const inputs = structuredClone(resource.inputs);
  for (const path of resource.secretInputs) {
    const keys = path.split(".");
    const last = keys.pop()!;
    const holder = keys.reduce<any>((o, k) => (o == null ? o : o[k]), inputs);
    if (holder != null && last in holder) holder[last] = SECRET_MASK;
  }
  return { ...resource, inputs };
}

/** Whether the plan fails CI: a mandatory guardrail violation or a rehearsal failure. */
export function planFails(plan: Pick<PlanReport, "policy" | "rehearsal">): boolean {
  return plan.policy.mandatoryViolations > 0 || plan.rehearsal.failures.length > 0;
}

export function buildPlanReport(run: RegisteredPlan): PlanReport {
  // Resources directly in each component, grouped in one pass over the list.
  const counts = new Map<string | undefined, Record<string, number>>();
  for (const r of run.resources) {
    if (r.type.startsWith("finishthisidea:")) continue;
    const own = counts.get(r.component) ?? {};
    own[r.type] = (own[r.type] ?? 0) + 1;
    counts.set(r.component, own);
  }
  const components = run.resources
    .filter((r) => r.type.startsWith("finishthisidea:"))
    .map((c): ComponentSummary => {
      const own = counts.get(c.name) ?? {};
      return { name: c.name, type: c.type, parent: c.parent, counts: own, total: Object.values(own).reduce((a, b) => a + b, 0) };
    });
  return {
    project: run.config.project,
    stack: run.config.stack,
    tier: run.config.tier,
    primaryRegion: run.config.primaryRegion,
    sizes: keySizes(run.config),
    resourceCount: run.resources.filter((r) => !r.type.startsWith("finishthisidea:")).length,
    components,
    resources: run.resources.map(maskSecrets),
    cost: { ...estimateCost(run.resources), budgetUsd: run.config.preset.monthlyBudgetUsd },
    policy: runPoliciesForStack(run.resources, run.config.stack, { environment: run.config.environment, wafEnabled: run.config.waf.enabled }),
    rehearsal: rehearse(run.resources, run.config),
  };
}

/** Human-readable plan: key sizes, then the component tree with resource counts per type. */
export function renderPlanText(plan: PlanReport): string {
  const lines: string[] = [];
  lines.push(`Plan for ${plan.project}/${plan.stack} (tier ${plan.tier}, ${plan.primaryRegion}): ${plan.resourceCount} resources`);
  lines.push("", "Key sizes:");
  const width = Math.max(...Object.keys(plan.sizes).map((k) => k.length));
  for (const [k, v] of Object.entries(plan.sizes)) lines.push(`  ${k.padEnd(width)}  ${v}`);
  lines.push("", "Resources by component:");
  const children = (parent: string | undefined) => plan.components.filter((c) => c.parent === parent);
  const walk = (c: ComponentSummary, depth: number) => {
    const indent = "  ".repeat(depth + 1);
    lines.push(`${indent}${c.name} (${c.type}): ${c.total} resources`);
    for (const [type, n] of Object.entries(c.counts).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`${indent}  ${String(n).padStart(3)} x ${type}`);
    }
    for (const child of children(c.name)) walk(child, depth + 1);
  };
  for (const root of children(undefined)) walk(root, 0);
  lines.push("", ...renderCostTable(plan.cost, plan.cost.budgetUsd));
  lines.push("", ...renderPolicyResults(plan.policy));
  lines.push("", ...renderRehearsalText(plan.rehearsal));
  return lines.join("\n");
}

/** Policy results: one line per violation (level, rule, resource, message), then the mandatory count. */
export function renderPolicyResults(policy: PolicyReport): string[] {
  const lines = [`Policy pack ${policy.pack} (${policy.rules.length} rules, levels from ${policy.configSource}):`];
  for (const v of policy.violations) lines.push(`  [${v.level}] ${v.policy} ${v.resource ?? "(stack)"}: ${v.message}`);
  if (policy.violations.length === 0) lines.push("  no violations");
  lines.push(`${policy.mandatoryViolations} mandatory violations, ${policy.advisoryViolations} advisory`);
  return lines;
}
