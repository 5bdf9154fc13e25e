/**
 * policy/cost.ts: every branch of each cost rule (each resource kind, config overrides, boundaries, unknown tier)
 * with the exact text it reports, beside test/policy-cost.test.ts (issue 19: every mutant must fail a test).
 * Caps are the mvp and growth presets of infra/tiers.ts.
 */
import { describe, expect, it } from "vitest";
import * as C from "../policy/cost";
import type { PolicyResource } from "../policy/kit";
import { K } from "../policy/kubernetes";
import { T } from "../policy/security";
import { runPolicies } from "../tools/policy-run";
import { MVP_TAGS, check, fakeRegistered, violations, type FakeResource } from "./policy-args";
import { resourceReason, stackReason } from "./policy-reasons";

const NG = "aws:eks/nodeGroup:NodeGroup";
const NO_TIER = "cannot tell the stack's tier: set the AWS provider default tag `tier` (infra/providers.ts does) or this policy's config `tier`";
const tags = (tier: string) => ({ ...MVP_TAGS, tier });
const ng = (name: string, props: Record<string, any>, providerTags: Record<string, string> | null = MVP_TAGS): FakeResource => ({ type: NG, name, component: "cluster", props, providerTags });
const gpuNg = (name: string, maxSize: number | undefined, instanceTypes: string[] | undefined = ["g4dn.2xlarge"]) =>
  ng(name, { instanceTypes, scalingConfig: maxSize === undefined ? {} : { maxSize } });

describe("the cost rules", () => {
  it("are these eight, each described, all mandatory but the unpriced report", () => {
    expect(C.costRules.map((r) => r.name)).toEqual([
      "cost-allowed-instance-types", "cost-worker-capacity-spot", "cost-gpu-cap", "cost-autoscaler-caps",
      "cost-allocation-tags", "s3-lifecycle", "cost-monthly-budget", "cost-unpriced-resources",
    ]);
    for (const r of C.costRules) expect(r.description.length, r.name).toBeGreaterThan(40);
    expect(C.costRules.map((r) => r.enforcementLevel)).toEqual(["mandatory", "mandatory", "mandatory", "mandatory", "mandatory", "mandatory", "mandatory", "advisory"]);
  });
  it("take these config fields", () => {
    expect(C.allowedInstanceTypes.configSchema).toEqual({
      properties: {
        extraInstanceTypes: { type: "array", items: { type: "string" }, default: [] },
        extraDbInstanceClasses: { type: "array", items: { type: "string" }, default: [] },
        extraCacheNodeTypes: { type: "array", items: { type: "string" }, default: [] },
        tier: { type: "string" },
      },
    });
    expect(C.gpuCap.configSchema).toEqual({ properties: { tier: { type: "string" }, maxGpus: { type: "integer" } } });
    expect(C.autoscalerCaps.configSchema).toEqual({
      properties: {
        tier: { type: "string" }, maxSystemNodes: { type: "integer" }, maxWorkerNodes: { type: "integer" }, maxGpuNodes: { type: "integer" },
        maxApiReplicas: { type: "integer" }, maxWorkerReplicas: { type: "integer" },
      },
    });
    expect(C.costAllocationTags.configSchema).toEqual({ properties: { requiredTags: { type: "array", items: { type: "string" }, default: ["stack", "tier", "component", "cost-center"] } } });
    expect(C.monthlyBudget.configSchema).toEqual({ properties: { tier: { type: "string" }, monthlyBudgetUsd: { type: "number" } } });
  });
});

describe("cost-allowed-instance-types, per resource kind", () => {
  it("EC2 instances and launch templates: instanceType", () => {
    expect(check(C.allowedInstanceTypes, T.instance, { instanceType: "c5.4xlarge" }, { name: "vm" })).toEqual([
      "vm: instance type c5.4xlarge is not allowed on tier mvp; allowed: t3.medium, t3.large, t3a.large, m5.large, m5a.large, g4dn.2xlarge.",
    ]);
    expect(check(C.allowedInstanceTypes, T.launchTemplate, { instanceType: "c5.4xlarge" }, { name: "lt" })[0]).toMatch(/^lt: instance type c5\.4xlarge is not allowed on tier mvp/);
    expect(check(C.allowedInstanceTypes, T.launchTemplate, { instanceType: "t3.medium" })).toEqual([]);
    // A launch template that leaves the type to its node group names none.
    expect(check(C.allowedInstanceTypes, T.launchTemplate, {})).toEqual([]);
    expect(check(C.allowedInstanceTypes, T.instance, { instanceType: "c5.4xlarge" }, { config: { extraInstanceTypes: ["c5.4xlarge"] } })).toEqual([]);
  });
  it("node groups: every listed type, and none listed is nothing to check", () => {
    expect(check(C.allowedInstanceTypes, NG, { instanceTypes: ["t3.large", "c5.9xlarge", "p3.2xlarge"] }, { name: "ng" })).toEqual([
      "ng: instance type c5.9xlarge is not allowed on tier mvp; allowed: t3.medium, t3.large, t3a.large, m5.large, m5a.large, g4dn.2xlarge.",
      "ng: instance type p3.2xlarge is not allowed on tier mvp; allowed: t3.medium, t3.large, t3a.large, m5.large, m5a.large, g4dn.2xlarge.",
    ]);
    expect(check(C.allowedInstanceTypes, NG, {})).toEqual([]);
    expect(check(C.allowedInstanceTypes, NG, { instanceTypes: ["c5.9xlarge"] }, { config: { extraInstanceTypes: ["c5.9xlarge"] } })).toEqual([]);
  });
  it("ElastiCache clusters and Aurora instances; extra cache types from config", () => {
    expect(check(C.allowedInstanceTypes, T.cacheCluster, { nodeType: "cache.r6g.large" }, { name: "cc" })).toEqual([
      "cc: cache node type cache.r6g.large is not allowed on tier mvp; allowed: cache.t3.medium.",
    ]);
    expect(check(C.allowedInstanceTypes, T.cacheCluster, { nodeType: "cache.r6g.large" }, { config: { extraCacheNodeTypes: ["cache.r6g.large"] } })).toEqual([]);
    expect(check(C.allowedInstanceTypes, "aws:rds/clusterInstance:ClusterInstance", { instanceClass: "db.r5.xlarge" }, { name: "aurora" })).toEqual([
      "aurora: DB instance class db.r5.xlarge is not allowed on tier mvp; allowed: db.t3.medium.",
    ]);
    expect(check(C.allowedInstanceTypes, "aws:rds/clusterInstance:ClusterInstance", { instanceClass: "db.r5.xlarge" }, { providerTags: tags("growth") })).toEqual([]);
  });
  it("takes the tier from config over the provider tag", () => {
    expect(check(C.allowedInstanceTypes, T.rdsInstance, { instanceClass: "db.r5.xlarge" }, { config: { tier: "growth" } })).toEqual([]);
    expect(check(C.allowedInstanceTypes, T.rdsInstance, { instanceClass: "db.r5.xlarge" }, { providerTags: null, name: "db" })).toEqual([`db: ${NO_TIER}.`]);
  });
});

describe("poolOf", () => {
  const pool = (name: string, labels?: unknown) => C.poolOf({ name, props: { labels } });
  it("reads the pool label, as an object or JSON text", () => {
    expect(pool("a", { "finishthisidea.io/pool": "system" })).toBe("system");
    expect(pool("a", { "finishthisidea.io/pool": "workers" })).toBe("workers");
    expect(pool("a", JSON.stringify({ "finishthisidea.io/pool": "gpu" }))).toBe("gpu");
  });
  it("falls back to the name (worker or workers), and to nothing", () => {
    expect(pool("cluster-system")).toBe("system");
    expect(pool("cluster-worker")).toBe("workers");
    expect(pool("cluster-workers")).toBe("workers");
    expect(pool("cluster-gpu")).toBe("gpu");
    expect(pool("gpu", { "finishthisidea.io/pool": "batch" })).toBe("gpu");
    expect(pool("cluster-batch")).toBeUndefined();
  });
});

describe("cost-worker-capacity-spot edges", () => {
  it("a worker group that names no capacity type runs ON_DEMAND; other pools are not applicable", () => {
    expect(violations(C.workerCapacitySpot, [ng("cluster-workers", {})])).toEqual([
      'cluster-workers: worker node group runs ON_DEMAND capacity; worker capacity must be SPOT (capacityType: "SPOT") over a diversified instance list.',
    ]);
    expect(resourceReason(C.workerCapacitySpot, NG, { labels: { "finishthisidea.io/pool": "gpu" } })).toBe("not the worker pool");
    expect(resourceReason(C.workerCapacitySpot, NG, { labels: { "finishthisidea.io/pool": "workers" } })).toBeUndefined();
  });
});

describe("cost-gpu-cap edges", () => {
  it("counts only GPU node groups in the total and the message", () => {
    expect(violations(C.gpuCap, [gpuNg("gpu-a", 3), ng("cluster-workers", { instanceTypes: ["t3.large"], scalingConfig: { maxSize: 8 } })])).toEqual([
      "the node groups can scale to 3 GPUs (gpu-a 3 x 1); tier mvp allows 2.",
    ]);
  });
  it("adds up several GPU groups; a group without maxSize or instance types adds nothing", () => {
    expect(violations(C.gpuCap, [gpuNg("gpu-a", undefined), gpuNg("gpu-b", 3), ng("gpu-c", { scalingConfig: { maxSize: 5 } })])).toEqual([
      "the node groups can scale to 3 GPUs (gpu-a 0 x 1, gpu-b 3 x 1); tier mvp allows 2.",
    ]);
    expect(violations(C.gpuCap, [gpuNg("gpu-a", 1), gpuNg("gpu-b", 1)])).toEqual([]);
    expect(violations(C.gpuCap, [ng("gpu-x", { instanceTypes: ["g4dn.2xlarge"] }), gpuNg("gpu-b", 3)])[0]).toMatch(/^the node groups can scale to 3 GPUs \(gpu-x 0 x 1, gpu-b 3 x 1\)/);
    expect(violations(C.gpuCap, [gpuNg("gpu-a", 2), gpuNg("gpu-b", 1)])[0]).toMatch(/^the node groups can scale to 3 GPUs \(gpu-a 2 x 1, gpu-b 1 x 1\)/);
  });
  it("multiplies by the GPUs of the group's largest type", () => {
    expect(violations(C.gpuCap, [gpuNg("gpu-a", 1, ["g4dn.2xlarge", "g4dn.12xlarge"])])).toEqual([
      "the node groups can scale to 4 GPUs (gpu-a 1 x 4); tier mvp allows 2.",
    ]);
  });
  it("takes the tier and the cap from config; reports when the tier is unknown", () => {
    expect(violations(C.gpuCap, [gpuNg("gpu-a", 6)], { "cost-gpu-cap": { tier: "growth" } })).toEqual([]);
    expect(violations(C.gpuCap, [gpuNg("gpu-a", 2)], { "cost-gpu-cap": { maxGpus: 1 } })).toEqual(["the node groups can scale to 2 GPUs (gpu-a 2 x 1); tier mvp allows 1."]);
    expect(violations(C.gpuCap, [ng("gpu", { instanceTypes: ["g4dn.2xlarge"] }, null)])).toEqual([NO_TIER]);
  });
});

describe("cost-autoscaler-caps edges", () => {
  const pooled = (pool: string, maxSize: number) => ng(`ng-${pool}`, { labels: { "finishthisidea.io/pool": pool }, scalingConfig: { maxSize } });
  const scaler = (type: string, name: string, spec: Record<string, any>): FakeResource => ({ type, name, component: "apps", props: { spec } });
  // Scalers carry no AWS provider: the stack's tier (mvp) comes from a node group's provider.
  const mvp = ng("ng-any", {});
  it("system and gpu pools at their mvp caps (6, 2) pass; one more fails", () => {
    expect(violations(C.autoscalerCaps, [pooled("system", 6), pooled("gpu", 2)])).toEqual([]);
    expect(violations(C.autoscalerCaps, [pooled("system", 7), pooled("gpu", 3)])).toEqual([
      "ng-system: maxSize 7 exceeds tier mvp's system node cap 6.",
      "ng-gpu: maxSize 3 exceeds tier mvp's gpu node cap 2.",
    ]);
  });
  it("a group of no known pool is held to the largest node cap (workers, 8)", () => {
    expect(violations(C.autoscalerCaps, [ng("ng-batch", { scalingConfig: { maxSize: 8 } })])).toEqual([]);
    expect(violations(C.autoscalerCaps, [ng("ng-batch", { scalingConfig: { maxSize: 9 } })])).toEqual(["ng-batch: maxSize 9 exceeds tier mvp's largest node cap 8."]);
    expect(violations(C.autoscalerCaps, [ng("ng-batch", { scalingConfig: {} })])).toEqual([]);
  });
  it("takes each node cap from config", () => {
    const cfg = { "cost-autoscaler-caps": { maxSystemNodes: 3, maxWorkerNodes: 4, maxGpuNodes: 1 } };
    expect(violations(C.autoscalerCaps, [pooled("system", 4), pooled("workers", 5), pooled("gpu", 2)], cfg)).toEqual([
      "ng-system: maxSize 4 exceeds tier mvp's system node cap 3.",
      "ng-workers: maxSize 5 exceeds tier mvp's workers node cap 4.",
      "ng-gpu: maxSize 2 exceeds tier mvp's gpu node cap 1.",
    ]);
    expect(violations(C.autoscalerCaps, [pooled("workers", 100)], { "cost-autoscaler-caps": { tier: "growth" } })).toEqual([]);
  });
  it("holds a scaler to the API cap (6) or the worker cap (8) by its name or its target's, else the larger", () => {
    const hpa = (name: string, target: string | undefined, max: number) => scaler(K.hpa, name, { scaleTargetRef: target === undefined ? undefined : { name: target }, maxReplicas: max });
    expect(violations(C.autoscalerCaps, [mvp, hpa("ApiHpa", "frontend", 7), hpa("hpa-1", "api", 7), hpa("hpa-2", "Worker", 8), hpa("hpa-3", "worker", 9)])).toEqual([
      "ApiHpa: maxReplicas 7 exceeds tier mvp's cap 6.",
      "hpa-1: maxReplicas 7 exceeds tier mvp's cap 6.",
      "hpa-3: maxReplicas 9 exceeds tier mvp's cap 8.",
    ]);
    expect(violations(C.autoscalerCaps, [mvp, hpa("frontend", "frontend", 8), hpa("misc", undefined, 9), hpa("none", "x", undefined as any)])).toEqual([
      "misc: maxReplicas 9 exceeds tier mvp's cap 8.",
    ]);
  });
  it("a KEDA scaler without maxReplicaCount scales to KEDA's default 100", () => {
    expect(violations(C.autoscalerCaps, [mvp, scaler(K.scaledObject, "worker-scaler", { scaleTargetRef: { name: "worker" } })])).toEqual([
      "worker-scaler: maxReplicaCount 100 exceeds tier mvp's cap 8.",
    ]);
  });
  it("takes the replica caps from config", () => {
    const cfg = { "cost-autoscaler-caps": { maxApiReplicas: 2, maxWorkerReplicas: 3 } };
    expect(violations(C.autoscalerCaps, [mvp, scaler(K.hpa, "api", { maxReplicas: 3 }), scaler(K.scaledObject, "worker", { maxReplicaCount: 4 })], cfg)).toEqual([
      "api: maxReplicas 3 exceeds tier mvp's cap 2.",
      "worker: maxReplicaCount 4 exceeds tier mvp's cap 3.",
    ]);
    // With the worker cap below the API cap, a target named "Worker" (any case) still gets the worker cap.
    const lowWorkers = { "cost-autoscaler-caps": { maxApiReplicas: 10, maxWorkerReplicas: 3 } };
    expect(violations(C.autoscalerCaps, [mvp, scaler(K.hpa, "hpa", { scaleTargetRef: { name: "Worker" }, maxReplicas: 5 })], lowWorkers)).toEqual([
      "hpa: maxReplicas 5 exceeds tier mvp's cap 3.",
    ]);
  });
  it("scalers without a spec: an HPA has no maximum to judge, a KEDA scaler has KEDA's 100", () => {
    expect(violations(C.autoscalerCaps, [mvp, { type: K.hpa, name: "h", component: "apps", props: {} }, { type: K.scaledObject, name: "so", component: "apps", props: {} }])).toEqual([
      "so: maxReplicaCount 100 exceeds tier mvp's cap 8.",
    ]);
  });
  it("reports when the tier is unknown", () => {
    expect(violations(C.autoscalerCaps, [ng("ng", {}, null)])).toEqual([NO_TIER]);
  });
});

describe("cost-allocation-tags edges", () => {
  it("names the default provider when there is none, and counts an empty tag as missing", () => {
    expect(check(C.costAllocationTags, "aws:ec2/vpc:Vpc", { tags: { stack: "s", tier: "", component: "c" } }, { providerTags: null, name: "vpc" })).toEqual([
      "vpc: missing cost-allocation tags tier, cost-center; set them as defaultTags on the default provider (infra/providers.ts), not by hand.",
      "vpc: sets cost-allocation tags stack, tier, component by hand; they come from the provider's default tags only.",
    ]);
  });
  it("a resource tag equal to its provider's default tag is not set by hand; tags as JSON text are read", () => {
    expect(check(C.costAllocationTags, "aws:ec2/vpc:Vpc", { tags: { tier: "mvp", Name: "x" } })).toEqual([]);
    expect(check(C.costAllocationTags, "aws:ec2/vpc:Vpc", { tags: JSON.stringify({ tier: "growth" }) }, { name: "vpc" })).toEqual([
      "vpc: sets cost-allocation tags tier by hand; they come from the provider's default tags only.",
    ]);
  });
  it("takes the required tags from config", () => {
    expect(check(C.costAllocationTags, "aws:ec2/vpc:Vpc", {}, { providerTags: { stack: "s" }, config: { requiredTags: ["stack"] } })).toEqual([]);
  });
});

describe("s3-lifecycle edges", () => {
  const bucket = (props: Record<string, any> = {}): FakeResource => ({ type: T.bucketV2, name: "data", props });
  it("inline lifecycle rules count unless disabled, as objects or JSON text", () => {
    expect(violations(C.s3Lifecycle, [bucket({ lifecycleRules: [{ enabled: true }] })])).toEqual([]);
    expect(violations(C.s3Lifecycle, [bucket({ lifecycleRules: JSON.stringify([{ id: "x" }]) })])).toEqual([]);
    expect(violations(C.s3Lifecycle, [bucket({ lifecycleRules: [{ enabled: false }] })])).toEqual([
      "S3 bucket data has no enabled lifecycle rule; add a BucketLifecycleConfiguration (expire noncurrent versions, transition cold objects).",
    ]);
  });
  it("a lifecycle configuration without rules is none; a stack without buckets is not applicable", () => {
    expect(violations(C.s3Lifecycle, [bucket(), { type: T.lifecycle[1], name: "lc", props: { bucket: "<computed>" } }])).toHaveLength(1);
    expect(violations(C.s3Lifecycle, [bucket(), { type: T.lifecycle[1], name: "lc", props: { bucket: "<computed>", rules: [{ id: "x" }] } }])).toEqual([]);
    expect(stackReason(C.s3Lifecycle)).toBe("no S3 buckets");
    // An inline rule and a configuration's rule together are two rules, not none.
    expect(violations(C.s3Lifecycle, [bucket({ lifecycleRules: [{ enabled: true }] }), { type: T.lifecycle[1], name: "lc", props: { bucket: "<computed>", rules: [{ id: "x" }] } }])).toEqual([]);
  });
});

describe("costResourcesOf", () => {
  it("groups a resource by its nearest finishthisidea component, and none outside one", () => {
    const outer = { type: "finishthisidea:x:Outer", name: "outer", props: {} } as unknown as PolicyResource;
    const inner = { type: "finishthisidea:x:Inner", name: "inner", props: {}, parent: outer } as unknown as PolicyResource;
    const mid = { type: "aws:ec2/vpc:Vpc", name: "vpc", props: { a: 1 }, parent: inner } as unknown as PolicyResource;
    const leaf = { type: "aws:ec2/subnet:Subnet", name: "sn", props: {}, parent: mid } as unknown as PolicyResource;
    const loose = { type: "aws:s3/bucket:Bucket", name: "b", props: {} } as unknown as PolicyResource;
    expect(C.costResourcesOf([leaf, mid, outer, loose])).toEqual([
      { type: "aws:ec2/subnet:Subnet", name: "sn", component: "inner", inputs: {} },
      { type: "aws:ec2/vpc:Vpc", name: "vpc", component: "inner", inputs: { a: 1 } },
      { type: "finishthisidea:x:Outer", name: "outer", component: "outer", inputs: {} },
      { type: "aws:s3/bucket:Bucket", name: "b", component: undefined, inputs: {} },
    ]);
  });
});

describe("cost-monthly-budget edges", () => {
  const vol = (name: string, component: string, sizeGb: number): FakeResource => ({ type: "aws:ebs/volume:Volume", name, component, props: { availabilityZone: "us-east-1a", type: "gp2", size: sizeGb } });
  it("a stack exactly at its budget passes (gp2 at $0.10 per GB-month)", () => {
    expect(violations(C.monthlyBudget, [vol("v", "data", 100)], { "cost-monthly-budget": { monthlyBudgetUsd: 10 } })).toEqual([]);
    expect(violations(C.monthlyBudget, [vol("v", "data", 101)], { "cost-monthly-budget": { monthlyBudgetUsd: 10 } })).toEqual([
      "estimated monthly cost $10.10 exceeds tier mvp's budget $10 (largest: data $10); shrink the stack or raise monthlyBudgetUsd in infra/tiers.ts.",
    ]);
  });
  it("names the three largest components, largest first", () => {
    const stack = [vol("a", "small", 100), vol("b", "big", 4000), vol("c", "mid", 2000), vol("d", "tiny", 10), vol("e", "large", 3000)];
    expect(violations(C.monthlyBudget, stack, { "cost-monthly-budget": { monthlyBudgetUsd: 100 } })).toEqual([
      "estimated monthly cost $911.00 exceeds tier mvp's budget $100 (largest: big $400, large $300, mid $200); shrink the stack or raise monthlyBudgetUsd in infra/tiers.ts.",
    ]);
  });
  it("takes the tier from config; reports when the tier is unknown", () => {
    expect(violations(C.monthlyBudget, [vol("v", "data", 10000)], { "cost-monthly-budget": { tier: "growth" } })).toEqual([]);
    expect(violations(C.monthlyBudget, [{ ...vol("v", "data", 1), providerTags: null }])).toEqual([NO_TIER]);
  });
});

describe("cost-unpriced-resources attribution", () => {
  it("attributes the report to the unpriced resource, not to another of the same name", () => {
    const resources = fakeRegistered([
      { type: "aws:iam/role:Role", name: "search", props: {} },
      { type: "aws:opensearch/domain:Domain", name: "search", props: { clusterConfig: { instanceType: "r6g.large.search" } } },
    ]);
    expect(runPolicies(resources, { rules: [C.unpricedResources] }).violations.map(({ resource, type }) => ({ resource, type }))).toEqual([
      { resource: "search", type: "aws:opensearch/domain:Domain" },
    ]);
  });
});
