/**
 * Scheduling: every pod lands on a node group it may use (nodeSelector, required node affinity, taints), one
 * pod fits a node of that group after kube-reserved, eviction and the DaemonSets there, and at maximum scale
 * (HPA / KEDA max) everything that lands on a group fits its maximum nodes (first-fit decreasing).
 */
import { allocatable, NODE_AGENTS, type Capacity } from "../node-reserve";
import type { NodePool, PlanModel, PodGroup, Taint, Toleration } from "../model";
import { formatCpu, formatMemory } from "../quantity";
import type { Finding, RuleResult } from "../types";

/** Tier preset key that sets each pool's maximum nodes (infra/tiers.ts). */
export const POOL_CONFIG_KEY: Record<string, string> = { system: "api.nodes.max", workers: "workers.nodes.max", gpu: "gpu.nodes.max" };

/** Labels every EKS node carries beside the node group's own (AL2023 x86_64 AMIs). */
const IMPLICIT_NODE_LABELS = { "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" };

export function tolerates(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === "Exists") return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? "") === (taint.value ?? "");
  });
}

/** Whether a pod may be scheduled onto the pool's nodes. */
export function landsOn(pod: PodGroup, pool: NodePool): boolean {
  const labels: Record<string, string> = { ...IMPLICIT_NODE_LABELS, ...pool.labels };
  if (!Object.entries(pod.nodeSelector).every(([k, v]) => labels[k] === v)) return false;
  const termOk = (term: PodGroup["nodeTerms"][number]) => (term.matchExpressions ?? []).every((e) => {
    const v = labels[e.key];
    switch (e.operator) {
      case "In": return v !== undefined && (e.values ?? []).includes(v);
      case "NotIn": return v === undefined || !(e.values ?? []).includes(v);
      case "Exists": return v !== undefined;
      case "DoesNotExist": return v === undefined;
      default: return false;
    }
  });
  if (pod.nodeTerms.length > 0 && !pod.nodeTerms.some(termOk)) return false;
  return pool.taints.filter((t) => t.effect !== "PreferNoSchedule").every((t) => tolerates(pod.tolerations, t));
}

/** One node of the type, less the node agents and the pool's DaemonSets. */
export function freeOnNode(instanceType: string, daemonSets: PodGroup[]): Capacity | undefined {
  const a = allocatable(instanceType);
  if (!a) return undefined;
  const agents = NODE_AGENTS.reduce((s, n) => ({ cpu: s.cpu + n.cpuMilli, mem: s.mem + n.memoryMiB }), { cpu: 0, mem: 0 });
  return {
    cpuMilli: a.cpuMilli - agents.cpu - daemonSets.reduce((s, d) => s + d.cpuMilli, 0),
    memoryMiB: a.memoryMiB - agents.mem - daemonSets.reduce((s, d) => s + d.memoryMiB, 0),
    pods: a.pods - NODE_AGENTS.length - daemonSets.length,
    gpus: a.gpus,
  };
}

export interface PackItem { id: string; cpuMilli: number; memoryMiB: number; gpus: number }

/**
 * First-fit decreasing (by CPU, then memory) into at most `maxBins` nodes of capacity `bin`; returns how many
 * nodes were used and the items that found none.
 */
export function packFirstFitDecreasing(items: PackItem[], bin: Capacity, maxBins: number): { nodesUsed: number; unplaced: PackItem[] } {
  const sorted = [...items].sort((a, b) => b.gpus - a.gpus || b.cpuMilli - a.cpuMilli || b.memoryMiB - a.memoryMiB);
  const bins: Capacity[] = [];
  const unplaced: PackItem[] = [];
  for (const it of sorted) {
    const fits = (b: Capacity) => b.cpuMilli >= it.cpuMilli && b.memoryMiB >= it.memoryMiB && b.pods >= 1 && b.gpus >= it.gpus;
    let target = bins.find(fits);
    if (!target && bins.length < maxBins) {
      const fresh = { ...bin };
      if (fits(fresh)) { bins.push(fresh); target = fresh; }
    }
    if (!target) { unplaced.push(it); continue; }
    target.cpuMilli -= it.cpuMilli;
    target.memoryMiB -= it.memoryMiB;
    target.pods -= 1;
    target.gpus -= it.gpus;
  }
  return { nodesUsed: bins.length, unplaced };
}

const fitsOne = (pod: PodGroup, free: Capacity) => pod.cpuMilli <= free.cpuMilli && pod.memoryMiB <= free.memoryMiB && pod.gpus <= free.gpus && free.pods >= 1;

function shortBy(pod: PodGroup, free: Capacity): string {
  const parts: string[] = [];
  if (pod.cpuMilli > free.cpuMilli) parts.push(`requests ${formatCpu(pod.cpuMilli)} CPU, ${formatCpu(Math.max(0, free.cpuMilli))} allocatable (short ${formatCpu(pod.cpuMilli - Math.max(0, free.cpuMilli))})`);
  if (pod.memoryMiB > free.memoryMiB) parts.push(`requests ${formatMemory(pod.memoryMiB)} memory, ${formatMemory(Math.max(0, free.memoryMiB))} allocatable (short ${formatMemory(pod.memoryMiB - Math.max(0, free.memoryMiB))})`);
  if (pod.gpus > free.gpus) parts.push(`requests ${pod.gpus} GPU, the node has ${free.gpus}`);
  if (free.pods < 1) parts.push("no pod slot left after the DaemonSets");
  return parts.join("; ");
}

export function checkScheduling(model: PlanModel): RuleResult {
  const failures: Finding[] = [];
  const notes: string[] = [];
  let checks = 0;
  const fail = (resource: string, problem: string, fix: string) => failures.push({ rule: "scheduling", resource, problem, fix });
  if (model.pools.length === 0) {
    return { rule: "scheduling", title: "Scheduling", checks: 0, failures, notes: ["no node groups in the plan (existing cluster): scheduling not rehearsed"] };
  }

  const daemonSetsOn = new Map(model.pools.map((p) => [p.resource, model.pods.filter((d) => d.daemonSet && landsOn(d, p))]));
  const smallest = new Map<string, { type: string; free: Capacity } | undefined>();
  for (const pool of model.pools) {
    checks++;
    const frees = pool.instanceTypes.map((t) => ({ type: t, free: freeOnNode(t, daemonSetsOn.get(pool.resource)!) }));
    const unknown = frees.filter((f) => !f.free).map((f) => f.type);
    if (unknown.length > 0) fail(`NodeGroup ${pool.resource}`, `instance types ${unknown.join(", ")} are not in the instance table`, "add them to components/cluster/instance-types.ts with their source");
    const knownFrees = frees.filter((f): f is { type: string; free: Capacity } => f.free !== undefined);
    knownFrees.sort((a, b) => a.free.cpuMilli - b.free.cpuMilli || a.free.memoryMiB - b.free.memoryMiB || a.free.pods - b.free.pods);
    smallest.set(pool.resource, knownFrees[0]);
    for (const f of knownFrees) {
      if (f.free.cpuMilli < 0 || f.free.memoryMiB < 0 || f.free.pods < 0) {
        fail(`NodeGroup ${pool.resource}`, `the DaemonSets alone exceed a ${f.type} node (${formatCpu(f.free.cpuMilli)} CPU, ${formatMemory(f.free.memoryMiB)} left)`, `use a larger instance type than ${f.type}`);
      }
    }
  }

  const assigned = new Map<string, PodGroup[]>(model.pools.map((p) => [p.resource, []]));
  for (const pod of model.pods.filter((p) => !p.daemonSet && p.replicas > 0)) {
    checks++;
    const candidates = model.pools.filter((p) => landsOn(pod, p));
    if (candidates.length === 0) {
      fail(pod.id, `matches no node group (nodeSelector ${JSON.stringify(pod.nodeSelector)}, tolerations ${pod.tolerations.map((t) => t.key ?? "*").join(", ") || "none"}); it stays Pending`, `select a pool label (${model.pools.map((p) => p.pool).join(", ")}) and tolerate that pool's taints`);
      continue;
    }
    const fitting = candidates.filter((p) => (model.pools.find((x) => x === p)!.instanceTypes).some((t) => {
      const free = freeOnNode(t, daemonSetsOn.get(p.resource)!);
      return free !== undefined && fitsOne(pod, free);
    }));
    if (fitting.length === 0) {
      const p = candidates[0];
      const s = smallest.get(p.resource);
      const largest = p.instanceTypes.map((t) => ({ t, f: freeOnNode(t, daemonSetsOn.get(p.resource)!) })).filter((x) => x.f).sort((a, b) => b.f!.cpuMilli - a.f!.cpuMilli)[0];
      fail(pod.id, `fits no ${p.pool} node: on ${largest?.t ?? s?.type} it ${largest ? shortBy(pod, largest.f!) : "cannot be sized"}`, `lower its requests to fit (${largest ? `${formatCpu(largest.f!.cpuMilli)} CPU / ${formatMemory(largest.f!.memoryMiB)}` : "?"}) or use larger ${p.pool} instance types`);
      continue;
    }
    // Every type of a mixed (spot) pool must take the pod: the autoscaler may launch any of them.
    const pool = fitting[0];
    const misfits = pool.instanceTypes.filter((t) => { const f = freeOnNode(t, daemonSetsOn.get(pool.resource)!); return f !== undefined && !fitsOne(pod, f); });
    if (misfits.length > 0) {
      const f = freeOnNode(misfits[0], daemonSetsOn.get(pool.resource)!)!;
      fail(pod.id, `does not fit ${misfits.join(", ")} of the ${pool.pool} pool: ${shortBy(pod, f)}`, `lower its requests or drop ${misfits.join(", ")} from the pool`);
    }
    assigned.get(pool.resource)!.push(pod);
  }

  for (const pool of model.pools) {
    const node = smallest.get(pool.resource);
    const pods = assigned.get(pool.resource)!;
    if (!node || pods.length === 0) continue;
    checks++;
    const items: PackItem[] = pods.flatMap((p) => Array.from({ length: p.replicas }, () => ({ id: p.id, cpuMilli: p.cpuMilli, memoryMiB: p.memoryMiB, gpus: p.gpus })));
    const packed = packFirstFitDecreasing(items, node.free, pool.max);
    const dsCount = daemonSetsOn.get(pool.resource)!.length + NODE_AGENTS.length;
    const perNode = `${formatCpu(node.free.cpuMilli)} CPU / ${formatMemory(node.free.memoryMiB)} / ${node.free.pods} pods free per ${node.type} node after kube-reserved, eviction and ${dsCount} DaemonSets`;
    if (packed.unplaced.length === 0) {
      notes.push(`${pool.pool}: ${items.length} pods at max scale use ${packed.nodesUsed} of ${pool.max} nodes (${perNode})`);
      continue;
    }
    const needed = packFirstFitDecreasing(items, node.free, items.length).nodesUsed;
    const byGroup = new Map<string, number>();
    for (const u of packed.unplaced) byGroup.set(u.id, (byGroup.get(u.id) ?? 0) + 1);
    const top = pods.filter((p) => p.replicas > 1).sort((a, b) => b.replicas * b.cpuMilli - a.replicas * a.cpuMilli)[0];
    fail(
      `NodeGroup ${pool.resource}`,
      `at max scale ${items.length} pods need ${needed} ${node.type} nodes, the pool's max is ${pool.max}: ${packed.unplaced.length} stay Pending (${[...byGroup].map(([id, n]) => `${n} x ${id}`).join(", ")}); ${perNode}`,
      `raise ${POOL_CONFIG_KEY[pool.pool] ?? "the pool's maxSize"} to ${needed}${top ? `, or lower ${top.id}'s max replicas (${top.replicas})` : ""}`,
    );
  }
  return { rule: "scheduling", title: "Scheduling", checks, failures, notes };
}
