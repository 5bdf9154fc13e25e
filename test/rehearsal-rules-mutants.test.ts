/**
 * The rehearsal's rules on hand-built plan models (issue 19: every mutant of rehearsal/rules/*.ts caught). Pure:
 * the PlanModel is written out here, not built from resources, so each rule is tested on exactly what it reads.
 * Node figures are worked out by hand from the instance table's published values:
 *   t3.medium (2 vCPU, 4 GiB, 17 pods): 2000m - 70m kube-reserved = 1930m; floor(4096 x 0.925) = 3788 - (11 x 17 + 255)
 *     - 100 eviction = 3246 MiB; less the node agents (180m, 120 MiB, 3 pods): 1750m / 3126Mi / 14 pods free.
 *   t3.large (2 vCPU, 8 GiB, 35 pods): 1750m / 6717Mi / 32 pods free. c5.xlarge (4 vCPU, 8 GiB, 58 pods): 3740m / 6464Mi / 55.
 *   g4dn.xlarge (4 vCPU, 16 GiB, 29 pods, 1 GPU): 3740m / 14361Mi / 26 pods / 1 GPU free.
 */
import { describe, expect, it } from "vitest";
import type { K8sObject, NodePool, PlanModel, PodGroup } from "../rehearsal/model";
import { checkCapacity, type CapacityAssumptions } from "../rehearsal/rules/capacity";
import { checkScheduling, freeOnNode, landsOn, packFirstFitDecreasing, tolerates } from "../rehearsal/rules/scheduling";
import { checkReferences } from "../rehearsal/rules/references";
import { checkStorage } from "../rehearsal/rules/storage";
import type { RegisteredResource } from "../tools/program";
import { model, obj, pod, pool, resource } from "./rehearsal-fixtures";

describe("tolerates", () => {
  const taint = { key: "gpu", value: "true", effect: "NoSchedule" };
  it("matches key, value and effect; Exists without a key tolerates everything", () => {
    expect(tolerates([], taint)).toBe(false);
    expect(tolerates([{ key: "gpu", value: "true" }], taint)).toBe(true);
    expect(tolerates([{ key: "gpu", operator: "Equal", value: "true", effect: "NoSchedule" }], taint)).toBe(true);
    expect(tolerates([{ key: "gpu", value: "false" }], taint)).toBe(false);
    expect(tolerates([{ key: "gpu" }], taint)).toBe(false);
    expect(tolerates([{ key: "gpu", value: "true", effect: "NoExecute" }], taint)).toBe(false);
    expect(tolerates([{ key: "other", value: "true" }], taint)).toBe(false);
    expect(tolerates([{ key: "gpu", operator: "Exists" }], taint)).toBe(true);
    expect(tolerates([{ key: "other", operator: "Exists" }], taint)).toBe(false);
    expect(tolerates([{ operator: "Exists" }], taint)).toBe(true);
    expect(tolerates([{ operator: "Exists", effect: "NoExecute" }], taint)).toBe(false);
    expect(tolerates([{ key: "other", operator: "Exists" }, { key: "gpu", value: "true" }], taint)).toBe(true);
  });

  it("a taint without a value is tolerated by a toleration without one (or an empty one), not by a valued one", () => {
    const bare = { key: "dedicated", effect: "NoSchedule" };
    expect(tolerates([{ key: "dedicated" }], bare)).toBe(true);
    expect(tolerates([{ key: "dedicated", value: "" }], bare)).toBe(true);
    expect(tolerates([{ key: "dedicated", value: "x" }], bare)).toBe(false);
    expect(tolerates([{ key: "dedicated" }], { ...bare, value: "" })).toBe(true);
  });
});

describe("landsOn", () => {
  const p = pool("workers", { labels: { "finishthisidea.io/pool": "workers", zone: "a" } });
  it("by nodeSelector over the pool's labels and the implicit os/arch labels", () => {
    expect(landsOn(pod("a"), p)).toBe(true);
    expect(landsOn(pod("a", { nodeSelector: { "finishthisidea.io/pool": "workers" } }), p)).toBe(true);
    expect(landsOn(pod("a", { nodeSelector: { "finishthisidea.io/pool": "workers", zone: "b" } }), p)).toBe(false);
    expect(landsOn(pod("a", { nodeSelector: { "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" } }), p)).toBe(true);
    expect(landsOn(pod("a", { nodeSelector: { "kubernetes.io/arch": "arm64" } }), p)).toBe(false);
    // The pool's own labels win over the implicit ones.
    expect(landsOn(pod("a", { nodeSelector: { "kubernetes.io/arch": "arm64" } }), pool("arm", { labels: { "kubernetes.io/arch": "arm64" } }))).toBe(true);
  });

  it("by required node affinity: terms ORed, expressions ANDed, each operator", () => {
    const term = (key: string, operator: string, values?: string[]) => ({ matchExpressions: [{ key, operator, values }] });
    const on = (...nodeTerms: PodGroup["nodeTerms"]) => landsOn(pod("a", { nodeTerms }), p);
    expect(on(term("zone", "In", ["a", "b"]))).toBe(true);
    expect(on(term("zone", "In", ["b"]))).toBe(false);
    expect(on(term("missing", "In", ["a"]))).toBe(false);
    expect(on(term("zone", "In"))).toBe(false);
    expect(on(term("zone", "NotIn", ["b"]))).toBe(true);
    expect(on(term("zone", "NotIn", ["a"]))).toBe(false);
    expect(on(term("zone", "NotIn"))).toBe(true);
    expect(on(term("missing", "NotIn", ["a"]))).toBe(true);
    expect(on(term("zone", "Exists"))).toBe(true);
    expect(on(term("missing", "Exists"))).toBe(false);
    expect(on(term("zone", "DoesNotExist"))).toBe(false);
    expect(on(term("missing", "DoesNotExist"))).toBe(true);
    expect(on(term("zone", "Gt", ["1"]))).toBe(false);
    expect(on({})).toBe(true);
    expect(on(term("zone", "In", ["b"]), term("zone", "In", ["a"]))).toBe(true);
    expect(on(term("zone", "In", ["b"]), term("missing", "Exists"))).toBe(false);
    expect(on({ matchExpressions: [{ key: "zone", operator: "In", values: ["a"] }, { key: "missing", operator: "Exists" }] })).toBe(false);
  });

  it("only through taints it tolerates; PreferNoSchedule never keeps a pod off", () => {
    const gpu = pool("gpu", { taints: [{ key: "nvidia.com/gpu", value: "true", effect: "NoSchedule" }] });
    expect(landsOn(pod("a"), gpu)).toBe(false);
    expect(landsOn(pod("a", { tolerations: [{ key: "nvidia.com/gpu", operator: "Exists" }] }), gpu)).toBe(true);
    expect(landsOn(pod("a"), pool("x", { taints: [{ key: "k", effect: "NoExecute" }] }))).toBe(false);
    expect(landsOn(pod("a"), pool("x", { taints: [{ key: "k", effect: "PreferNoSchedule" }] }))).toBe(true);
  });
});

describe("freeOnNode", () => {
  it("allocatable less the node agents and the pool's DaemonSets; undefined for an unknown type", () => {
    expect(freeOnNode("t3.medium", [])).toEqual({ cpuMilli: 1750, memoryMiB: 3126, pods: 14, gpus: 0 });
    expect(freeOnNode("g4dn.xlarge", [])).toEqual({ cpuMilli: 3740, memoryMiB: 14361, pods: 26, gpus: 1 });
    const ds = [pod("d1", { daemonSet: true, cpuMilli: 100, memoryMiB: 200 }), pod("d2", { daemonSet: true, cpuMilli: 50, memoryMiB: 26 })];
    expect(freeOnNode("t3.medium", ds)).toEqual({ cpuMilli: 1600, memoryMiB: 2900, pods: 12, gpus: 0 });
    expect(freeOnNode("x1.unknown", [])).toBeUndefined();
  });
});

describe("packFirstFitDecreasing", () => {
  const bin = { cpuMilli: 1000, memoryMiB: 1000, pods: 10, gpus: 1 };
  const item = (id: string, cpuMilli: number, memoryMiB = 1, gpus = 0) => ({ id, cpuMilli, memoryMiB, gpus });
  it("places GPU items first, then by CPU, then by memory, decreasing", () => {
    expect(packFirstFitDecreasing([item("cpu", 900), item("gpu", 200, 1, 1)], bin, 1)).toEqual({ nodesUsed: 1, unplaced: [item("cpu", 900)] });
    expect(packFirstFitDecreasing([item("small", 300), item("big", 800)], bin, 1)).toEqual({ nodesUsed: 1, unplaced: [item("small", 300)] });
    expect(packFirstFitDecreasing([item("light", 500, 300), item("heavy", 500, 800)], bin, 1)).toEqual({ nodesUsed: 1, unplaced: [item("light", 500, 300)] });
  });

  it("fits exactly at the bin's size and counts every dimension down", () => {
    expect(packFirstFitDecreasing([item("a", 1000, 1000, 1)], bin, 1)).toEqual({ nodesUsed: 1, unplaced: [] });
    expect(packFirstFitDecreasing([item("a", 1001)], bin, 1)).toEqual({ nodesUsed: 0, unplaced: [item("a", 1001)] });
    expect(packFirstFitDecreasing([item("a", 1, 1001)], bin, 3)).toEqual({ nodesUsed: 0, unplaced: [item("a", 1, 1001)] });
    expect(packFirstFitDecreasing([item("a", 1, 1, 2)], bin, 3)).toEqual({ nodesUsed: 0, unplaced: [item("a", 1, 1, 2)] });
    expect(packFirstFitDecreasing([item("a", 1)], { ...bin, pods: 0 }, 3)).toEqual({ nodesUsed: 0, unplaced: [item("a", 1)] });
    // Each dimension is used up: pods, memory, GPUs, CPU.
    expect(packFirstFitDecreasing([item("a", 1), item("b", 1)], { ...bin, pods: 1 }, 2).nodesUsed).toBe(2);
    expect(packFirstFitDecreasing([item("a", 1, 600), item("b", 1, 600)], bin, 2).nodesUsed).toBe(2);
    expect(packFirstFitDecreasing([item("a", 1, 1, 1), item("b", 1, 1, 1)], bin, 2).nodesUsed).toBe(2);
    expect(packFirstFitDecreasing([item("a", 600), item("b", 600)], bin, 2).nodesUsed).toBe(2);
    expect(packFirstFitDecreasing([item("a", 500), item("b", 500)], bin, 2).nodesUsed).toBe(1);
  });

  it("opens at most maxBins nodes and leaves the rest unplaced", () => {
    expect(packFirstFitDecreasing([item("a", 600), item("b", 600), item("c", 600)], bin, 2)).toEqual({ nodesUsed: 2, unplaced: [item("c", 600)] });
    expect(packFirstFitDecreasing([item("a", 600)], bin, 0)).toEqual({ nodesUsed: 0, unplaced: [item("a", 600)] });
    expect(packFirstFitDecreasing([], bin, 2)).toEqual({ nodesUsed: 0, unplaced: [] });
  });
});

describe("checkScheduling", () => {
  it("says so when the plan has no node groups", () => {
    expect(checkScheduling(model({ pods: [pod("a")] }))).toEqual({
      rule: "scheduling", title: "Scheduling", checks: 0, failures: [], notes: ["no node groups in the plan (existing cluster): scheduling not rehearsed"],
    });
  });

  it("notes how many nodes the pods use at max scale, counting every check", () => {
    const r = checkScheduling(model({
      pools: [pool("system", { instanceTypes: ["t3.large", "t3.medium"], max: 4 }), pool("idle", { labels: { x: "y" }, taints: [{ key: "k", effect: "NoSchedule" }] })],
      pods: [pod("web", { cpuMilli: 1000, replicas: 3 }), pod("ds", { daemonSet: true, cpuMilli: 0, memoryMiB: 0 }), pod("off", { replicas: 0, cpuMilli: 99_000 })],
    }));
    expect(r.failures).toEqual([]);
    // 2 pools + 1 pod + 1 packing (the idle pool has nothing to pack)
    expect(r.checks).toBe(4);
    // the smallest type of the pool, with the DaemonSet that lands on it (4 with the node agents)
    expect(r.notes).toEqual(["system: 3 pods at max scale use 3 of 4 nodes (1750m CPU / 3126Mi / 13 pods free per t3.medium node after kube-reserved, eviction and 4 DaemonSets)"]);
  });

  it("catches instance types missing from the table and DaemonSets that leave no room", () => {
    const r = checkScheduling(model({ pools: [pool("system", { instanceTypes: ["x1.a", "t3.medium", "x1.b"] })] }));
    expect(r.failures).toEqual([{ rule: "scheduling", resource: "NodeGroup system", problem: "instance types x1.a, x1.b are not in the instance table", fix: "add them to components/cluster/instance-types.ts with their source" }]);
    const over = (o: Partial<PodGroup>) => checkScheduling(model({ pools: [pool("system")], pods: [pod("ds", { daemonSet: true, cpuMilli: 0, memoryMiB: 0, ...o })] })).failures;
    expect(over({ cpuMilli: 2000 })).toEqual([{ rule: "scheduling", resource: "NodeGroup system", problem: "the DaemonSets alone exceed a t3.medium node (-250m CPU, 3126Mi left)", fix: "use a larger instance type than t3.medium" }]);
    expect(over({ memoryMiB: 3127 })[0].problem).toBe("the DaemonSets alone exceed a t3.medium node (1750m CPU, -1Mi left)");
    expect(over({ cpuMilli: 1750, memoryMiB: 3126 })).toEqual([]);
    const many = Array.from({ length: 15 }, (_, i) => pod(`ds${i}`, { daemonSet: true, cpuMilli: 0, memoryMiB: 0 }));
    expect(checkScheduling(model({ pools: [pool("system")], pods: many })).failures.map((f) => f.problem)).toEqual(["the DaemonSets alone exceed a t3.medium node (1750m CPU, 3126Mi left)"]);
    expect(checkScheduling(model({ pools: [pool("system")], pods: many.slice(1) })).failures).toEqual([]);
  });

  it("catches a pod that matches no node group, naming its selector and tolerations", () => {
    const pools = [pool("system", { pool: "system", labels: { role: "system" } }), pool("gpu-ng", { pool: "gpu", taints: [{ key: "gpu", effect: "NoSchedule" }] })];
    const r = checkScheduling(model({ pools, pods: [pod("lost", { nodeSelector: { role: "gpu" }, tolerations: [{ key: "a" }, { operator: "Exists", effect: "NoExecute" }] }), pod("bare", { nodeSelector: { role: "x" } })] }));
    expect(r.failures).toEqual([
      { rule: "scheduling", resource: "lost", problem: 'matches no node group (nodeSelector {"role":"gpu"}, tolerations a, *); it stays Pending', fix: "select a pool label (system, gpu) and tolerate that pool's taints" },
      { rule: "scheduling", resource: "bare", problem: 'matches no node group (nodeSelector {"role":"x"}, tolerations none); it stays Pending', fix: "select a pool label (system, gpu) and tolerate that pool's taints" },
    ]);
  });

  it("catches a pod too large for every type of its pool, measured on the largest type", () => {
    const fail = (p: Partial<PodGroup>, types = ["t3.medium", "c5.xlarge", "x1.unknown"], ds: PodGroup[] = []) =>
      checkScheduling(model({ pools: [pool("system", { instanceTypes: types })], pods: [pod("big", p), ...ds] })).failures.filter((f) => f.resource === "big");
    expect(fail({ cpuMilli: 5000 })).toEqual([{ rule: "scheduling", resource: "big", problem: "fits no system node: on c5.xlarge it requests 5 CPU, 3740m allocatable (short 1260m)", fix: "lower its requests to fit (3740m CPU / 6464Mi) or use larger system instance types" }]);
    expect(fail({ cpuMilli: 5000 }, ["c5.xlarge", "t3.medium"])[0].problem).toBe("fits no system node: on c5.xlarge it requests 5 CPU, 3740m allocatable (short 1260m)");
    expect(fail({ memoryMiB: 7488 }, ["t3.medium"])[0].problem).toBe("fits no system node: on t3.medium it requests 7488Mi memory, 3126Mi allocatable (short 4362Mi)");
    expect(fail({ memoryMiB: 8192 }, ["t3.medium"])[0].problem).toBe("fits no system node: on t3.medium it requests 8Gi memory, 3126Mi allocatable (short 5066Mi)");
    expect(fail({ gpus: 1, cpuMilli: 2000 }, ["t3.medium"])[0].problem).toBe("fits no system node: on t3.medium it requests 2 CPU, 1750m allocatable (short 250m); requests 1 GPU, the node has 0");
    // DaemonSets that leave less than nothing: shortfalls count from zero
    const hog = pod("hog", { daemonSet: true, cpuMilli: 2000, memoryMiB: 4000 });
    expect(fail({ cpuMilli: 100, memoryMiB: 100 }, ["t3.medium"], [hog])[0].problem).toBe("fits no system node: on t3.medium it requests 100m CPU, 0 allocatable (short 100m); requests 100Mi memory, 0Mi allocatable (short 100Mi)");
    const slots = Array.from({ length: 14 }, (_, i) => pod(`ds${i}`, { daemonSet: true, cpuMilli: 0, memoryMiB: 0 }));
    expect(fail({}, ["t3.medium"], slots)[0].problem).toBe("fits no system node: on t3.medium it no pod slot left after the DaemonSets");
    expect(fail({}, ["x1.unknown"])).toEqual([{ rule: "scheduling", resource: "big", problem: "fits no system node: on undefined it cannot be sized", fix: "lower its requests to fit (?) or use larger system instance types" }]);
    expect(fail({ cpuMilli: 3740, memoryMiB: 6464 }, ["c5.xlarge"])).toEqual([]);
    expect(fail({ cpuMilli: 3741 }, ["c5.xlarge"])).toHaveLength(1);
    expect(fail({ memoryMiB: 6465 }, ["c5.xlarge"])).toHaveLength(1);
    expect(fail({ gpus: 1 }, ["g4dn.xlarge"])).toEqual([]);
    expect(fail({ gpus: 2 }, ["g4dn.xlarge"])).toHaveLength(1);
  });

  it("takes the first pool the pod fits, and catches a type of a mixed pool the pod does not fit", () => {
    const small = pool("small", { instanceTypes: ["t3.medium"] });
    const big = pool("big", { instanceTypes: ["c5.xlarge"] });
    const r = checkScheduling(model({ pools: [small, big], pods: [pod("w", { cpuMilli: 2000 })] }));
    expect(r.failures).toEqual([]);
    expect(r.notes).toEqual(["big: 1 pods at max scale use 1 of 4 nodes (3740m CPU / 6464Mi / 55 pods free per c5.xlarge node after kube-reserved, eviction and 3 DaemonSets)"]);
    const mixed = checkScheduling(model({ pools: [pool("workers", { instanceTypes: ["c5.xlarge", "t3.medium", "t3.large", "x1.unknown"] })], pods: [pod("w", { cpuMilli: 2000 })] }));
    expect(mixed.failures.filter((f) => f.resource === "w")).toEqual([{
      rule: "scheduling", resource: "w", problem: "does not fit t3.medium, t3.large of the workers pool: requests 2 CPU, 1750m allocatable (short 250m)", fix: "lower its requests or drop t3.medium, t3.large from the pool",
    }]);
  });

  it("catches more pods at max scale than the pool's max nodes hold, and names the largest group", () => {
    const run = (pods: PodGroup[], p: Partial<NodePool> = {}) => checkScheduling(model({ pools: [pool("system", { max: 2, ...p })], pods })).failures;
    // pods of 900m or more, one per t3.medium node (1750m): 8 pods need 8 nodes; the first two nodes take two web pods
    const f = run([pod("web", { cpuMilli: 1000, replicas: 5 }), pod("cron", { cpuMilli: 1000, replicas: 1 }), pod("api", { cpuMilli: 900, replicas: 2 })]);
    expect(f).toEqual([{
      rule: "scheduling",
      resource: "NodeGroup system",
      problem: "at max scale 8 pods need 8 t3.medium nodes, the pool's max is 2: 6 stay Pending (3 x web, 1 x cron, 2 x api); 1750m CPU / 3126Mi / 14 pods free per t3.medium node after kube-reserved, eviction and 3 DaemonSets",
      fix: "raise api.nodes.max to 8, or lower web's max replicas (5)",
    }]);
    expect(run([pod("web", { cpuMilli: 1000 }), pod("cron", { cpuMilli: 1000 }), pod("job", { cpuMilli: 1000 })])[0].fix).toBe("raise api.nodes.max to 3");
    expect(run([pod("web", { cpuMilli: 1000, replicas: 3 })], { pool: "workers" })[0].fix).toBe("raise workers.nodes.max to 3, or lower web's max replicas (3)");
    expect(run([pod("web", { cpuMilli: 1000, replicas: 3 })], { pool: "gpu" })[0].fix).toBe("raise gpu.nodes.max to 3, or lower web's max replicas (3)");
    expect(run([pod("web", { cpuMilli: 1000, replicas: 3 })], { pool: "batch" })[0].fix).toBe("raise the pool's maxSize to 3, or lower web's max replicas (3)");
    // the group with the most CPU at max scale, not the most replicas
    expect(run([pod("many", { cpuMilli: 100, replicas: 4 }), pod("heavy", { cpuMilli: 1500, replicas: 2 }), pod("mid", { cpuMilli: 1000, replicas: 2 })])[0].fix).toBe("raise api.nodes.max to 4, or lower heavy's max replicas (2)");
    expect(run([pod("web", { cpuMilli: 1000, replicas: 2 })])).toEqual([]);
  });
});

describe("checkStorage", () => {
  const eks = resource("aws:eks/cluster:Cluster", "cluster-eks");
  const addon = (inputs: Record<string, any> = { addonName: "aws-ebs-csi-driver", serviceAccountRoleArn: "arn:role" }) => resource("aws:eks/addon:Addon", "ebs", inputs);
  const attach = (policyArn = "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy", type = "aws:iam/rolePolicyAttachment:RolePolicyAttachment") => resource(type, "ebs-policy", { policyArn });
  const ebsOk = [eks, addon(), attach()];
  const sc = (name: string, o: { isDefault?: string; provisioner?: string; binding?: string } = {}) =>
    obj("StorageClass", name, undefined, {}, o.isDefault === undefined ? {} : { annotations: { "storageclass.kubernetes.io/is-default-class": o.isDefault } },
      { provisioner: o.provisioner ?? "ebs.csi.aws.com", ...(o.binding === undefined ? { volumeBindingMode: "WaitForFirstConsumer" } : o.binding === "none" ? {} : { volumeBindingMode: o.binding }) });
  const claimPod = (storageClassName?: string | null, size: string | null = "10Gi") => pod("StatefulSet app/db", { claims: [{ name: "data", storageClassName: storageClassName as string | undefined, size: size ?? undefined }] });
  const run = (o: { resources?: RegisteredResource[]; classes?: K8sObject[]; pods?: PodGroup[]; pvcs?: K8sObject[]; pools?: NodePool[] }) =>
    checkStorage(model({ resources: o.resources ?? ebsOk, objectList: [...(o.classes ?? []), ...(o.pvcs ?? [])], pods: o.pods ?? [], pools: o.pools ?? [pool("system", { subnetCount: 1 })] }));

  it("passes claims that name a created class or fall to the one default, and notes the counts", () => {
    const pvc = obj("PersistentVolumeClaim", "cache", "app", { storageClassName: "fast", resources: { requests: { storage: "1Gi" } } });
    const r = run({ classes: [sc("gp3", { isDefault: "true" }), sc("fast", { isDefault: "false" })], pods: [claimPod(undefined), claimPod("fast")], pvcs: [pvc] });
    expect(r).toEqual({ rule: "storage", title: "Storage", checks: 5, failures: [], notes: ["3 claims, 2 StorageClasses (default: gp3)"] });
    expect(run({ classes: [], pods: [] }).notes).toEqual(["0 claims, 0 StorageClasses (default: none)"]);
  });

  it("catches more than one default class", () => {
    const r = run({ classes: [sc("a", { isDefault: "true" }), sc("b", { isDefault: "true" }), sc("c")] });
    expect(r.failures).toEqual([{ rule: "storage", resource: "StorageClass", problem: "2 classes are marked default (a, b); Kubernetes picks the newest, unpredictably", fix: "mark exactly one class default" }]);
    expect(r.notes).toEqual(["0 claims, 3 StorageClasses (default: a, b)"]);
  });

  it("catches a claim without a class when no class is default; on an existing cluster only notes it", () => {
    const problem = "claim data (10Gi) names no StorageClass and the plan marks none as default (EKS 1.30+ ships no default class): it stays Pending";
    const fix = 'create a default gp3 StorageClass (annotation storageclass.kubernetes.io/is-default-class: "true") or name one in the claim';
    expect(run({ classes: [sc("fast")], pods: [claimPod(undefined)] }).failures).toEqual([{ rule: "storage", resource: "StatefulSet app/db", problem, fix }]);
    expect(run({ classes: [sc("fast")], pods: [claimPod(null)] }).failures.map((f) => f.problem)).toEqual([problem]);
    expect(run({ classes: [], pods: [claimPod(undefined, null)] }).failures.map((f) => f.problem)).toEqual([problem.replace("(10Gi)", "(?)")]);
    const pvc = obj("PersistentVolumeClaim", "cache", "app", { resources: { requests: { storage: "1Gi" } } });
    expect(run({ classes: [], pvcs: [pvc] }).failures.map((f) => [f.resource, f.problem.slice(0, 18)])).toEqual([["PersistentVolumeClaim app/cache", "claim cache (1Gi) "]]);
    const existing = run({ resources: [], classes: [], pods: [claimPod(undefined)] });
    expect(existing.failures).toEqual([]);
    expect(existing.notes).toEqual(["StatefulSet app/db claim data names no StorageClass: the existing cluster must have a default class", "1 claims, 0 StorageClasses (default: none)"]);
  });

  it("catches a claim naming a class the plan does not create", () => {
    expect(run({ classes: [sc("gp3"), sc("slow")], pods: [claimPod("fast")] }).failures).toEqual([
      { rule: "storage", resource: "StatefulSet app/db", problem: "claim data names StorageClass fast, which the plan does not create", fix: "create StorageClass fast or name one of: gp3, slow" },
    ]);
    expect(run({ classes: [], pods: [claimPod("fast")] }).failures[0].fix).toBe("create StorageClass fast or name one of: (none)");
  });

  it("catches an EBS class without the CSI add-on, its IRSA role or the role's policy", () => {
    const classes = [sc("gp3", { isDefault: "true" })];
    const resource_ = "StorageClass gp3";
    expect(run({ resources: [eks], classes }).failures).toEqual([{ rule: "storage", resource: resource_, problem: "provisioner ebs.csi.aws.com but the plan installs no aws-ebs-csi-driver add-on: no volume is ever created", fix: "add the aws-ebs-csi-driver EKS add-on with an IRSA role" }]);
    expect(run({ resources: [eks, addon({ addonName: "coredns", serviceAccountRoleArn: "arn" }), attach()], classes }).failures.map((f) => f.problem.slice(0, 30))).toEqual(["provisioner ebs.csi.aws.com bu"]);
    expect(run({ resources: [eks, resource("aws:eks/podIdentityAssociation:PodIdentityAssociation", "x", { addonName: "aws-ebs-csi-driver", serviceAccountRoleArn: "arn" }), attach()], classes }).failures).toHaveLength(1);
    expect(run({ resources: [eks, addon({ addonName: "aws-ebs-csi-driver" }), attach()], classes }).failures).toEqual([{ rule: "storage", resource: resource_, problem: "the aws-ebs-csi-driver add-on has no serviceAccountRoleArn: the controller cannot call EC2 to create volumes", fix: "give the add-on an IRSA role with AmazonEBSCSIDriverPolicy" }]);
    const noPolicy = [{ rule: "storage", resource: resource_, problem: "the EBS CSI role has no AmazonEBSCSIDriverPolicy attached", fix: "attach arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy to the add-on's role" }];
    expect(run({ resources: [eks, addon()], classes }).failures).toEqual(noPolicy);
    expect(run({ resources: [eks, addon(), attach("arn:aws:iam::aws:policy/AmazonEBSCSIDriverPolicyV2")], classes }).failures).toEqual(noPolicy);
    expect(run({ resources: [eks, addon(), attach(undefined, "aws:iam/policyAttachment:PolicyAttachment")], classes }).failures).toEqual(noPolicy);
    // Another provisioner, or an existing cluster: nothing to check about the add-on.
    expect(run({ resources: [eks], classes: [sc("efs", { isDefault: "true", provisioner: "efs.csi.aws.com" })] }).failures).toEqual([]);
    expect(run({ resources: [], classes }).failures).toEqual([]);
  });

  it("catches a class that binds immediately when a node group spans zones", () => {
    const problem = "volumeBindingMode Immediate: EBS volumes are zonal and would be created before the pod is placed, in a zone its node group may have no node in";
    const multi = [pool("system", { subnetCount: 1 }), pool("workers", { subnetCount: 2 })];
    expect(run({ classes: [sc("gp3", { isDefault: "true", binding: "Immediate" })], pools: multi }).failures).toEqual([{ rule: "storage", resource: "StorageClass gp3", problem, fix: "set volumeBindingMode: WaitForFirstConsumer" }]);
    expect(run({ classes: [sc("gp3", { isDefault: "true", binding: "none" })], pools: multi }).failures.map((f) => f.problem)).toEqual([problem]);
    expect(run({ classes: [sc("gp3", { isDefault: "true", binding: "Immediate" })], pools: [pool("system", { subnetCount: 1 })] }).failures).toEqual([]);
    expect(run({ classes: [sc("gp3", { isDefault: "true" })], pools: multi }).failures).toEqual([]);
  });
});

describe("checkCapacity", () => {
  const a: CapacityAssumptions = { peakJobsPerHour: 100, peakRequestsPerSecond: 100, jobSeconds: 45, generationsPerJob: 2, generationSeconds: 36, cloudFallback: false };
  const so = (max?: number) => obj("ScaledObject", "workers", "workers", max === undefined ? {} : { maxReplicaCount: max });
  const ollama = (replicas: number | undefined, parallel?: string) => obj("StatefulSet", "ollama", "ollama", {
    replicas, template: { spec: { containers: [{ name: "sidecar" }, { name: "ollama", env: [{ name: "OTHER", value: "1" }, ...(parallel === undefined ? [] : [{ name: "OLLAMA_NUM_PARALLEL", value: parallel }])] }] } },
  });
  const other = obj("StatefulSet", "redis", "data", { replicas: 3, template: { spec: { containers: [{ name: "redis", env: [{ name: "OTHER", value: "1" }] }] } } });
  const hpa = (maxReplicas: number, metrics: any[] = [{ type: "Pods", pods: { metric: { name: "http_requests_per_second" }, target: { averageValue: "40" } } }]) =>
    obj("HorizontalPodAutoscaler", "api", "api", { maxReplicas, metrics });
  const run = (objects: K8sObject[], o: Partial<CapacityAssumptions> = {}) => checkCapacity(model({ objectList: objects }), { ...a, ...o });

  it("passes a plan that carries the peak exactly, with its arithmetic in the notes", () => {
    // 2 x 3600 / 72 = 100 jobs/h; 100 x 2 x 36 / 3600 = 2 in parallel = 1 x 2; 5 x 20 = 100 rps
    const r = run([so(2), other, ollama(1, "2"), hpa(5, [{ type: "Resource" }, { type: "Pods", pods: { metric: { name: "http_requests_per_second" }, target: { averageValue: "20" } } }])], { jobSeconds: 72 });
    expect(r).toEqual({
      rule: "capacity", title: "Capacity against the scaling plan", checks: 3, failures: [],
      notes: [
        "2 workers x 3600 s / 72 s per job = 100 jobs/hour against a peak of 100",
        "LLM: 100 jobs/hour x 2 generation(s) x 36 s = 2.0 in parallel; Ollama 1 x 2 = 2",
        "API: 5 pods x 20 requests/s per pod = 100 against a peak of 100",
      ],
    });
  });

  it("catches too few workers one job short of the peak", () => {
    // 1 x 3600 / 37 = 97.3 -> 97 jobs/h
    const r = run([so(1), ollama(1, "4")], { jobSeconds: 37 });
    expect(r.failures).toEqual([{ rule: "capacity", resource: "ScaledObject workers/workers", problem: "1 workers x 3600 s / 37 s per job = 97 jobs/hour against a peak of 100 (short 3)", fix: "raise workers.replicas.max to 2 (and workers.nodes.max with it)" }]);
    expect(r.checks).toBe(2);
    expect(run([so(), ollama(1, "4")]).failures[0].problem).toBe("0 workers x 3600 s / 45 s per job = 0 jobs/hour against a peak of 100 (short 100)");
    // 100 x 45 / 3600 = 1.25 -> 2
    expect(run([so(), ollama(1, "4")]).failures[0].fix).toBe("raise workers.replicas.max to 2 (and workers.nodes.max with it)");
    expect(run([ollama(1, "4")]).checks).toBe(1);
  });

  it("catches Ollama short of the peak's generations without a fallback, and sizes the fix", () => {
    // need 2 in parallel; 1 x 1 = 1
    expect(run([ollama(1, "1")]).failures).toEqual([{
      rule: "capacity", resource: "StatefulSet ollama/ollama",
      problem: "LLM: 100 jobs/hour x 2 generation(s) x 36 s = 2.0 in parallel; Ollama 1 x 1 = 1 (short 1.0) and the tier has no cloud-LLM fallback",
      fix: "raise gpu.ollamaReplicas to 2 (and gpu.nodes.max with it), or enable the cloud fallback",
    }]);
    // 500 x 2 x 36 / 3600 = 10 in parallel, 4 per replica -> 3
    expect(run([ollama(0, "4")], { peakJobsPerHour: 500 }).failures[0].fix).toBe("raise gpu.ollamaReplicas to 3 (and gpu.nodes.max with it), or enable the cloud fallback");
    // No OLLAMA_NUM_PARALLEL: parallel 0, the fix counts 1 per replica
    expect(run([ollama(2)]).failures.map((f) => [f.resource, f.fix])).toEqual([["Ollama", "raise gpu.ollamaReplicas to 2 (and gpu.nodes.max with it), or enable the cloud fallback"]]);
    expect(run([ollama(undefined, "4")]).failures[0].problem).toContain("Ollama 0 x 4 = 0 (short 2.0)");
    expect(run([]).failures.map((f) => f.resource)).toEqual(["Ollama"]);
  });

  it("looks for Ollama only among StatefulSets whose containers set OLLAMA_NUM_PARALLEL, skipping any without a pod spec", () => {
    const bare = [obj("StatefulSet", "a", "x", {}), obj("StatefulSet", "b", "x", { template: {} }), obj("StatefulSet", "c", "x", { template: { spec: {} } })];
    expect(run([...bare, ollama(1, "2")]).failures).toEqual([]);
    expect(run(bare).failures.map((f) => f.resource)).toEqual(["Ollama"]);
  });

  it("lets the cloud fallback carry the rest, saying how much", () => {
    const r = run([ollama(1, "1")], { cloudFallback: true });
    expect(r.failures).toEqual([]);
    expect(r.notes).toEqual(["LLM: 100 jobs/hour x 2 generation(s) x 36 s = 2.0 in parallel; Ollama 1 x 1 = 1; the cloud-LLM fallback carries 50% of generations at peak"]);
    // 1 - 1/3 = 66.7% -> 67
    expect(run([ollama(1, "1")], { cloudFallback: true, generationsPerJob: 3 }).notes[0]).toContain("carries 67% of generations");
  });

  it("catches too few API pods for the peak requests; an HPA without a requests-per-second metric is not checked", () => {
    expect(run([ollama(1, "4"), hpa(2)]).failures).toEqual([{ rule: "capacity", resource: "HorizontalPodAutoscaler api/api", problem: "API: 2 pods x 40 requests/s per pod = 80 against a peak of 100 (short 20)", fix: "raise api.replicas.max to 3 (and api.nodes.max with it)" }]);
    expect(run([ollama(1, "4"), hpa(2, [{ type: "Pods", pods: { metric: { name: "queue_depth" }, target: { averageValue: "5" } } }])])).toMatchObject({ checks: 1, failures: [] });
    expect(run([ollama(1, "4"), hpa(2, [{ type: "Object", pods: { metric: { name: "http_requests_per_second" }, target: { averageValue: "5" } } }])])).toMatchObject({ checks: 1, failures: [] });
    expect(run([ollama(1, "4"), hpa(2, [{ type: "Pods" }])])).toMatchObject({ checks: 1, failures: [] });
    expect(run([ollama(1, "4"), obj("HorizontalPodAutoscaler", "x", "api", { maxReplicas: 1 })])).toMatchObject({ checks: 1, failures: [] });
  });
});

describe("checkReferences", () => {
  const deploy = (name: string, ns = "app") => obj("Deployment", name, ns);
  const podOf = (name: string, o: Partial<PodGroup> = {}, ns = "app") => pod(`Deployment ${ns}/${name}`, { name, namespace: ns, resource: deploy(name, ns).resource, ...o });
  const run = (objects: K8sObject[], pods: PodGroup[], o: Partial<PlanModel> = {}) => checkReferences(model({ objectList: objects, pods, ...o }));

  it("passes a pod whose Secret, ConfigMap and ServiceAccount exist in its namespace; the default ServiceAccount needs none", () => {
    const objects = [obj("Secret", "env", "app"), obj("ConfigMap", "cfg", "app"), obj("ServiceAccount", "web", "app")];
    const refs = [{ kind: "Secret", name: "env" }, { kind: "ConfigMap", name: "cfg" }, { kind: "ServiceAccount", name: "web" }, { kind: "ServiceAccount", name: "default" }] as PodGroup["refs"];
    expect(run(objects, [podOf("web", { refs })])).toEqual({ rule: "references", title: "References", checks: 4, failures: [], notes: [] });
  });

  it("catches a reference missing from the pod's namespace; Helm and add-on pods are not checked", () => {
    const refs = [{ kind: "Secret", name: "env" }, { kind: "ServiceAccount", name: "web" }] as PodGroup["refs"];
    const r = run([obj("Secret", "env", "other"), obj("ConfigMap", "web", "app")], [
      podOf("web", { refs }),
      pod("Helm x y", { refs, resource: resource("kubernetes:helm.sh/v3:Release", "x") }),
      pod("EKS add-on coredns", { refs }),
    ]);
    expect(r.failures).toEqual([
      { rule: "references", resource: "Deployment app/web", problem: "names Secret env, which the plan does not create in namespace app: the pod fails to start", fix: "create Secret env in app or fix the name" },
      { rule: "references", resource: "Deployment app/web", problem: "names ServiceAccount web, which the plan does not create in namespace app: the pod fails to start", fix: "create ServiceAccount web in app or fix the name" },
    ]);
    expect(r.checks).toBe(2);
  });

  it("resolves a computed name through the resources that flow into the pod", () => {
    const secret = resource("kubernetes:core/v1:Secret", "env-secret", { metadata: { name: "env" } });
    const configMap = resource("kubernetes:core/v1:ConfigMap", "cfg", { metadata: { name: "cfg" } });
    const withDeps = (deps: RegisteredResource[]) => podOf("web", { refs: [{ kind: "Secret", name: "<computed>" }], resource: { ...deploy("web").resource, inputDependencies: deps.map((d) => d.urn) } });
    expect(run([], [withDeps([secret])], { resources: [secret], byUrn: new Map([[secret.urn, secret]]) }).failures).toEqual([]);
    expect(run([], [withDeps([configMap])], { resources: [configMap], byUrn: new Map([[configMap.urn, configMap]]) }).failures).toEqual([
      { rule: "references", resource: "Deployment app/web", problem: "names a Secret whose name is computed from no registered Secret", fix: "pass the Secret resource's metadata.name" },
    ]);
  });

  it("catches a Service that selects no pod or targets a port no selected pod exposes; one without a selector is skipped", () => {
    const svc = (selector: any, ports: any[], ns = "app") => obj("Service", "web", ns, { selector, ports });
    const web = podOf("web", { labels: { app: "web" }, ports: [{ name: "http", containerPort: 3000 }, { containerPort: 9090 }] });
    const ok = [{ name: "http", port: 80, targetPort: "http" }, { name: "metrics", port: 9090 }, { port: 81, targetPort: 3000 }, { port: 82, targetPort: "9090" }];
    expect(run([svc({ app: "web" }, ok)], [web])).toMatchObject({ checks: 1, failures: [] });
    expect(run([svc(undefined, [{ port: 1 }])], [web])).toMatchObject({ checks: 1, failures: [] });
    expect(run([svc({ app: "web" }, [{ name: "http", port: 80, targetPort: "metrics" }, { port: 8080 }])], [web]).failures).toEqual([
      { rule: "references", resource: "Service app/web", problem: "port http targets metrics, which no selected pod exposes (http, 9090)", fix: "set targetPort to a container port name or number" },
      { rule: "references", resource: "Service app/web", problem: "port 8080 targets 8080, which no selected pod exposes (http, 9090)", fix: "set targetPort to a container port name or number" },
    ]);
    const noEndpoints = { rule: "references", resource: "Service app/web", problem: 'selector {"app":"api"} matches no pod template in app: it has no endpoints', fix: "make the selector the pods' labels" };
    expect(run([svc({ app: "api" }, [{ port: 1 }])], [web]).failures).toEqual([noEndpoints]);
    // Pods of other namespaces and Helm pods are no endpoints of it.
    expect(run([svc({ app: "api" }, [{ port: 1 }])], [podOf("api", { labels: { app: "api" } }, "other"), pod("Helm a b", { namespace: "app", labels: { app: "api" }, resource: resource("kubernetes:helm.sh/v3:Release", "a") })]).failures).toEqual([noEndpoints]);
    expect(run([svc({ app: "api" }, [{ port: 1, targetPort: 1 }])], [pod("EKS add-on x", { namespace: "app", labels: { app: "api" }, ports: [{ containerPort: 1 }] })]).failures).toEqual([]);
  });

  it("checks every Ingress backend's Service and port, skipping ALB annotation actions", () => {
    const svc = obj("Service", "web", "app", { ports: [{ name: "http", port: 80 }] });
    const ing = (spec: any, deps: string[] = []) => ({ ...obj("Ingress", "web", "app", spec), resource: { ...obj("Ingress", "web", "app", spec).resource, inputDependencies: deps } });
    const backend = (name: string, port: any) => ({ service: { name, port } });
    const good = ing({ defaultBackend: backend("web", { number: 80 }), rules: [{ http: { paths: [{ backend: backend("web", { name: "http" }) }, { backend: backend("redirect", { name: "use-annotation" }) }] } }, {}] });
    expect(run([svc, good], [])).toMatchObject({ checks: 3, failures: [] }); // the Service and two backends
    const bad = ing({ rules: [{ http: { paths: [{ backend: backend("api", { name: "http" }) }, { backend: backend("web", { number: 8080 }) }, { backend: backend("web", { name: "grpc" }) }] } }] });
    expect(run([svc, bad], []).failures).toEqual([
      { rule: "references", resource: "Ingress app/web", problem: "backend Service api does not exist in app", fix: "name the Service the plan creates" },
      { rule: "references", resource: "Ingress app/web", problem: "backend port 8080 is not a port of Service web", fix: "use one of the Service's port names" },
      { rule: "references", resource: "Ingress app/web", problem: "backend port grpc is not a port of Service web", fix: "use one of the Service's port names" },
    ]);
    // A Service of another namespace does not count; a computed name is the Service that flows in.
    expect(run([obj("Service", "web", "other", { ports: [{ port: 80 }] }), ing({ defaultBackend: backend("web", { number: 80 }) })], []).failures.map((f) => f.problem)).toEqual(["backend Service web does not exist in app"]);
    const svcRes = resource("kubernetes:core/v1:Service", "web-svc", { metadata: { name: "web" } });
    expect(run([svc, ing({ defaultBackend: backend("<computed>", { number: 80 }) }, [svcRes.urn])], [], { byUrn: new Map([[svcRes.urn, svcRes]]) }).failures).toEqual([]);
  });

  it("catches an HPA or ScaledObject whose target does not exist (Deployment when no kind is given)", () => {
    const hpa = (ref: any) => obj("HorizontalPodAutoscaler", "web", "app", { scaleTargetRef: ref });
    expect(run([deploy("web"), obj("StatefulSet", "db", "app"), hpa({ name: "web" }), hpa({ kind: "StatefulSet", name: "db" })], [])).toMatchObject({ checks: 2, failures: [] });
    expect(run([deploy("web", "other"), obj("StatefulSet", "web", "app"), hpa({ name: "web" }), obj("ScaledObject", "workers", "app", { scaleTargetRef: { kind: "Deployment", name: "workers" } }), obj("ScaledObject", "none", "app")], []).failures).toEqual([
      { rule: "references", resource: "HorizontalPodAutoscaler app/web", problem: "scales Deployment web, which does not exist in app", fix: "point scaleTargetRef at the workload" },
      { rule: "references", resource: "ScaledObject app/workers", problem: "scales Deployment workers, which does not exist in app", fix: "point scaleTargetRef at the workload" },
      { rule: "references", resource: "ScaledObject app/none", problem: "scales Deployment undefined, which does not exist in app", fix: "point scaleTargetRef at the workload" },
    ]);
  });

  it("catches a PodDisruptionBudget that selects no pod of its namespace", () => {
    const pdb = (matchLabels: any) => obj("PodDisruptionBudget", "web", "app", { selector: { matchLabels } });
    const web = podOf("web", { labels: { app: "web" } });
    expect(run([pdb({ app: "web" })], [web])).toMatchObject({ checks: 1, failures: [] });
    expect(run([pdb({ app: "api" })], [web, podOf("api", { labels: { app: "api" } }, "other")]).failures).toEqual([
      { rule: "references", resource: "PodDisruptionBudget app/web", problem: "selector matches no pod in app: it protects nothing", fix: "use the workload's selector labels" },
    ]);
  });

  it("catches a PodMonitor that selects no pod or scrapes a port they do not expose", () => {
    const pm = (spec: any, ns = "monitoring") => obj("PodMonitor", "web", ns, spec);
    const web = podOf("web", { labels: { app: "web" }, ports: [{ name: "http", containerPort: 3000 }] });
    expect(run([pm({ namespaceSelector: { matchNames: ["app"] }, selector: { matchLabels: { app: "web" } }, podMetricsEndpoints: [{ port: "http" }, { portNumber: 3000 }] })], [web])).toMatchObject({ checks: 1, failures: [] });
    expect(run([pm({ selector: { matchLabels: { app: "web" } }, podMetricsEndpoints: [{ port: "http" }] }, "app")], [web])).toMatchObject({ failures: [] });
    expect(run([pm({ selector: { matchLabels: { app: "web" } } })], [web]).failures).toEqual([
      { rule: "references", resource: "PodMonitor monitoring/web", problem: "selects no pod in monitoring: nothing is scraped", fix: "use the pods' selector labels and namespace" },
    ]);
    expect(run([pm({ namespaceSelector: { matchNames: ["app", "api"] }, selector: { matchLabels: { app: "nope" } } })], [web]).failures[0].problem).toBe("selects no pod in app, api: nothing is scraped");
    expect(run([pm({ namespaceSelector: { matchNames: ["app"] }, selector: { matchLabels: { app: "web" } }, podMetricsEndpoints: [{ portNumber: 9999 }, { port: "metrics" }] })], [web]).failures).toEqual([
      { rule: "references", resource: "PodMonitor monitoring/web", problem: "scrapes port 9999, which the selected pods do not expose", fix: "scrape a container port name or number of those pods" },
      { rule: "references", resource: "PodMonitor monitoring/web", problem: "scrapes port metrics, which the selected pods do not expose", fix: "scrape a container port name or number of those pods" },
    ]);
  });

  it("catches a ServiceMonitor that selects no Service or names a port they lack", () => {
    const svc = obj("Service", "web", "app", { ports: [{ name: "http", port: 80 }] }, { labels: { team: "web" } });
    const sm = (spec: any, ns = "monitoring") => obj("ServiceMonitor", "web", ns, spec);
    expect(run([svc, sm({ namespaceSelector: { matchNames: ["app"] }, selector: { matchLabels: { team: "web" } }, endpoints: [{ port: "http" }, { path: "/metrics" }] })], [])).toMatchObject({ checks: 2, failures: [] });
    expect(run([svc, sm({ selector: { matchLabels: { team: "web" } } }, "app")], [])).toMatchObject({ failures: [] });
    expect(run([svc, sm({ selector: { matchLabels: { team: "web" } } })], []).failures).toEqual([
      { rule: "references", resource: "ServiceMonitor monitoring/web", problem: "selects no Service in monitoring", fix: "use the Service's labels" },
    ]);
    expect(run([obj("Service", "web", "app", { ports: [] }), sm({ namespaceSelector: { matchNames: ["app"] }, selector: { matchLabels: { team: "web" } } })], []).failures[0].problem).toBe("selects no Service in app");
    expect(run([svc, sm({ namespaceSelector: { matchNames: ["app"] }, selector: { matchLabels: { team: "web" } }, endpoints: [{ port: "metrics" }] })], []).failures).toEqual([
      { rule: "references", resource: "ServiceMonitor monitoring/web", problem: "endpoint port metrics is no port name of the selected Services", fix: "use the Service's port name" },
    ]);
  });

  it("matches a reference by kind, name and namespace; only the ServiceAccount named default is implicit", () => {
    const refs = [{ kind: "ServiceAccount", name: "web" }, { kind: "Secret", name: "default" }] as PodGroup["refs"];
    expect(run([obj("ServiceAccount", "other", "app")], [podOf("web", { refs })]).failures.map((f) => f.problem)).toEqual([
      "names ServiceAccount web, which the plan does not create in namespace app: the pod fails to start",
      "names Secret default, which the plan does not create in namespace app: the pod fails to start",
    ]);
  });

  it("is satisfied when some selected pod, Service port, pod of the namespace or selected Service matches, not only all", () => {
    const web = podOf("web", { labels: { app: "web" }, ports: [{ name: "http", containerPort: 3000 }] });
    const canary = podOf("canary", { labels: { app: "web" }, ports: [] });
    expect(run([obj("Service", "web", "app", { selector: { app: "web" }, ports: [{ port: 80, targetPort: "http" }] })], [web, canary]).failures).toEqual([]);
    const twoPorts = obj("Service", "web", "app", { ports: [{ name: "grpc", port: 81 }, { name: "http", port: 80 }] });
    const ingress = obj("Ingress", "web", "app", { defaultBackend: { service: { name: "web", port: { name: "http" } } } });
    expect(run([twoPorts, ingress], []).failures).toEqual([]);
    const pdb = obj("PodDisruptionBudget", "web", "app", { selector: { matchLabels: { app: "web" } } });
    expect(run([pdb], [web, podOf("api", { labels: { app: "api" } })]).failures).toEqual([]);
    const labelled = (name: string, ports: any[]) => obj("Service", name, "app", { ports }, { labels: { team: "web" } });
    const sm = obj("ServiceMonitor", "web", "monitoring", { namespaceSelector: { matchNames: ["app"] }, selector: { matchLabels: { team: "web" } }, endpoints: [{ port: "http" }] });
    expect(run([labelled("a", [{ name: "grpc", port: 81 }]), labelled("b", [{ name: "http", port: 80 }]), sm], []).failures).toEqual([]);
    const nowhere = obj("ServiceMonitor", "web", "monitoring", { namespaceSelector: { matchNames: ["app", "api"] }, selector: { matchLabels: { team: "none" } } });
    expect(run([nowhere], []).failures.map((f) => f.problem)).toEqual(["selects no Service in app, api"]);
  });

  it("catches a prometheus-adapter rule over a series no scraped target produces", () => {
    const adapter = (...queries: (string | undefined)[]) => resource("kubernetes:helm.sh/v3:Release", "adapter", { chart: "prometheus-adapter", name: "prometheus-adapter", values: { rules: { custom: queries.map((seriesQuery) => ({ seriesQuery })) } } });
    const otherChart = resource("kubernetes:helm.sh/v3:Release", "kps", { chart: "kube-prometheus-stack", name: "kps", values: { rules: { custom: [{ seriesQuery: "nope_total" }] } } });
    const api = podOf("api", { labels: { "app.kubernetes.io/name": "api" }, ports: [{ containerPort: 3000 }] }, "api");
    const workers = podOf("workers", { labels: { "app.kubernetes.io/name": "workers" } }, "workers");
    const pm = obj("PodMonitor", "api", "api", { selector: { matchLabels: { "app.kubernetes.io/name": "api" } }, podMetricsEndpoints: [{ portNumber: 3000 }] });
    const svc = obj("Service", "workers", "workers", { selector: { "app.kubernetes.io/name": "workers" } }, { labels: { app: "workers" } });
    const sm = obj("ServiceMonitor", "workers", "workers", { selector: { matchLabels: { app: "workers" } } });
    const queries = ['http_requests_total{namespace!=""}', "http_request_duration_seconds_bucket", "bullmq_jobs_completed_total", "bullmq_jobs_failed_total{}", undefined, "{__name__=~\"x\"}"];
    const ok = run([pm, svc, sm], [api, workers], { releases: [adapter(...queries), otherChart] });
    expect(ok).toMatchObject({ checks: 3 + queries.length, failures: [] });
    const unscraped = run([svc], [api, workers], { releases: [adapter("http_requests_total", "bullmq_jobs_failed_total", "custom:metric_total")] });
    expect(unscraped.failures).toEqual([
      { rule: "references", resource: "Helm prometheus-adapter rule http_requests_total", problem: "reads http_requests_total, which no scraped target produces (scraped: none): the HPA metric never exists", fix: "scrape the pods that expose http_requests_total (a PodMonitor) or fix the seriesQuery" },
      { rule: "references", resource: "Helm prometheus-adapter rule bullmq_jobs_failed_total", problem: "reads bullmq_jobs_failed_total, which no scraped target produces (scraped: none): the HPA metric never exists", fix: "scrape the pods that expose bullmq_jobs_failed_total (a PodMonitor) or fix the seriesQuery" },
      { rule: "references", resource: "Helm prometheus-adapter rule custom:metric_total", problem: "reads custom:metric_total, which no scraped target produces (scraped: none): the HPA metric never exists", fix: "scrape the pods that expose custom:metric_total (a PodMonitor) or fix the seriesQuery" },
    ]);
    expect(run([pm], [api], { releases: [adapter("bullmq_jobs_completed_total")] }).failures[0].problem).toBe("reads bullmq_jobs_completed_total, which no scraped target produces (scraped: http_requests_total, http_request_duration_seconds_bucket): the HPA metric never exists");
    // Scraped pods of another app produce nothing the adapter reads.
    const other = podOf("other", { labels: { "app.kubernetes.io/name": "other" }, ports: [{ containerPort: 3000 }] }, "api");
    const pmOther = obj("PodMonitor", "other", "api", { selector: { matchLabels: { "app.kubernetes.io/name": "other" } } });
    expect(run([pmOther], [other], { releases: [adapter("http_requests_total")] }).failures[0].problem).toContain("(scraped: none)");
  });
});
