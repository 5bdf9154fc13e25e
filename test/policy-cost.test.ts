import { describe, expect, it } from "vitest";
import { NODE_POOLS } from "../components/cluster/cluster";
import * as C from "../policy/cost";
import { K } from "../policy/kubernetes";
import { T } from "../policy/security";
import { POOL_LABEL, allowedTypesFor, maxGpusFor } from "../policy/thresholds";
import { taggableAwsTypes } from "../tools/gen-taggable-types";
import { MVP_TAGS, check, violations, type FakeResource } from "./policy-args";

const NG = "aws:eks/nodeGroup:NodeGroup";
const tags = (tier: string) => ({ ...MVP_TAGS, tier });
const nodeGroup = (pool: "system" | "workers" | "gpu", over: Record<string, any> = {}): FakeResource => ({
  type: NG,
  name: `cluster-${pool}`,
  component: "cluster",
  props: {
    instanceTypes: pool === "gpu" ? ["g4dn.2xlarge"] : pool === "workers" ? ["t3.large", "t3a.large", "m5.large", "m5a.large"] : ["t3.medium"],
    capacityType: pool === "workers" ? "SPOT" : "ON_DEMAND",
    labels: { [POOL_LABEL]: pool },
    scalingConfig: { minSize: 1, maxSize: pool === "gpu" ? 2 : pool === "workers" ? 8 : 4, desiredSize: 1 },
    ...over,
  },
});

describe("thresholds derive from infra/tiers.ts", () => {
  it("allows a tier its own types and smaller tiers' types, nothing above", () => {
    expect(allowedTypesFor("mvp").instanceTypes).toEqual(["t3.medium", "t3.large", "t3a.large", "m5.large", "m5a.large", "g4dn.2xlarge"]);
    expect(allowedTypesFor("growth").dbInstanceClasses).toEqual(["db.t3.medium", "db.r5.xlarge"]);
    expect(maxGpusFor("mvp")).toBe(2);
  });
  it("uses the same pool label as the cluster's node pools", () => {
    expect(NODE_POOLS.workers.labels).toMatchObject({ [POOL_LABEL]: "workers" });
  });
  it("lists exactly the taggable types of the installed @pulumi/aws (regenerate with tools/gen-taggable-types.ts)", () => {
    expect([...C.TAGGABLE_AWS_TYPES]).toEqual(taggableAwsTypes());
  });
});

describe("cost-allowed-instance-types", () => {
  it("passes the tier's own types and a smaller tier's", () => {
    expect(violations(C.allowedInstanceTypes, [nodeGroup("workers")])).toEqual([]);
    expect(check(C.allowedInstanceTypes, T.rdsInstance, { instanceClass: "db.t3.medium" }, { providerTags: tags("growth") })).toEqual([]);
  });
  it("catches a type above the tier, and a resource whose tier cannot be told", () => {
    expect(violations(C.allowedInstanceTypes, [nodeGroup("system", { instanceTypes: ["c5.4xlarge"] })])).toEqual([
      "cluster-system: instance type c5.4xlarge is not allowed on tier mvp; allowed: t3.medium, t3.large, t3a.large, m5.large, m5a.large, g4dn.2xlarge.",
    ]);
    expect(check(C.allowedInstanceTypes, T.replicationGroup, { nodeType: "cache.r6g.2xlarge" }, { providerTags: tags("growth"), name: "redis" })).toEqual([
      "redis: cache node type cache.r6g.2xlarge is not allowed on tier growth; allowed: cache.t3.medium, cache.r6g.large.",
    ]);
    expect(check(C.allowedInstanceTypes, T.rdsInstance, { instanceClass: "db.t3.medium" }, { providerTags: null, name: "db" })[0]).toMatch(/^db: cannot tell the stack's tier/);
    // An extra type granted through config passes.
    expect(check(C.allowedInstanceTypes, T.rdsInstance, { instanceClass: "db.r5.large" }, { config: { extraDbInstanceClasses: ["db.r5.large"] } })).toEqual([]);
  });
});

describe("cost-worker-capacity-spot", () => {
  it("passes a SPOT worker group and ignores the on-demand system group", () => {
    expect(violations(C.workerCapacitySpot, [nodeGroup("workers"), nodeGroup("system")])).toEqual([]);
  });
  it("catches an ON_DEMAND worker group", () => {
    expect(violations(C.workerCapacitySpot, [nodeGroup("workers", { capacityType: "ON_DEMAND" })])).toEqual([
      'cluster-workers: worker node group runs ON_DEMAND capacity; worker capacity must be SPOT (capacityType: "SPOT") over a diversified instance list.',
    ]);
  });
});

describe("cost-gpu-cap", () => {
  it("passes the tier's GPU maximum", () => {
    expect(violations(C.gpuCap, [nodeGroup("gpu"), nodeGroup("workers")])).toEqual([]);
  });
  it("catches node groups that can scale past it", () => {
    expect(violations(C.gpuCap, [nodeGroup("gpu", { scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 1 } })])).toEqual([
      "the node groups can scale to 3 GPUs (cluster-gpu 3 x 1); tier mvp allows 2.",
    ]);
    expect(violations(C.gpuCap, [nodeGroup("gpu", { instanceTypes: ["g5.12xlarge"] })])[0]).toMatch(/scale to 8 GPUs/);
  });
});

describe("cost-autoscaler-caps", () => {
  const hpa = (max: number): FakeResource => ({ type: K.hpa, name: "api-hpa", component: "api", props: { spec: { scaleTargetRef: { kind: "Deployment", name: "api" }, minReplicas: 2, maxReplicas: max } } });
  const keda = (max: number): FakeResource => ({ type: K.scaledObject, name: "workers-scaler", component: "workers", props: { spec: { scaleTargetRef: { name: "worker" }, minReplicaCount: 2, maxReplicaCount: max } } });
  it("passes maxima at the tier's caps", () => {
    expect(violations(C.autoscalerCaps, [nodeGroup("system"), nodeGroup("workers"), nodeGroup("gpu"), hpa(6), keda(8)])).toEqual([]);
  });
  it("catches a node group, an HPA and a KEDA scaler above them", () => {
    expect(violations(C.autoscalerCaps, [nodeGroup("workers", { scalingConfig: { minSize: 2, maxSize: 50, desiredSize: 4 } }), hpa(7), keda(100)])).toEqual([
      "cluster-workers: maxSize 50 exceeds tier mvp's workers node cap 8.",
      "api-hpa: maxReplicas 7 exceeds tier mvp's cap 6.",
      "workers-scaler: maxReplicaCount 100 exceeds tier mvp's cap 8.",
    ]);
  });
});

describe("cost-allocation-tags", () => {
  it("passes a taggable resource whose provider stamps all four tags, and skips untaggable types", () => {
    expect(check(C.costAllocationTags, "aws:ec2/vpc:Vpc", { cidrBlock: "10.0.0.0/16", tags: { Name: "vpc" } })).toEqual([]);
    expect(check(C.costAllocationTags, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", {}, { providerTags: null })).toEqual([]);
    // Under the real engine the merged tags also show as tagsAll.
    expect(check(C.costAllocationTags, "aws:ec2/vpc:Vpc", { tagsAll: MVP_TAGS }, { providerTags: null })).toEqual([]);
  });
  it("catches missing tags and cost tags set by hand", () => {
    expect(check(C.costAllocationTags, "aws:ec2/vpc:Vpc", {}, { providerTags: { stack: "staging", component: "network" }, name: "vpc" })).toEqual([
      "vpc: missing cost-allocation tags tier, cost-center; set them as defaultTags on provider aws-fake-0 (infra/providers.ts), not by hand.",
    ]);
    expect(check(C.costAllocationTags, "aws:s3/bucket:Bucket", { tags: { "cost-center": "marketing" } }, { name: "b" })).toEqual([
      "b: sets cost-allocation tags cost-center by hand; they come from the provider's default tags only.",
    ]);
  });
});

describe("s3-lifecycle", () => {
  const bucket: FakeResource = { type: T.bucket, name: "data", props: {} };
  it("passes a bucket with an enabled lifecycle rule", () => {
    expect(violations(C.s3Lifecycle, [bucket, { type: T.lifecycle[0], name: "data-lifecycle", props: { bucket: "<computed>", rules: [{ id: "x", status: "Enabled" }] } }])).toEqual([]);
  });
  it("catches a bucket without one (or with only disabled rules)", () => {
    expect(violations(C.s3Lifecycle, [bucket])).toEqual([expect.stringMatching(/^S3 bucket data has no enabled lifecycle rule/)]);
    expect(violations(C.s3Lifecycle, [bucket, { type: T.lifecycle[0], name: "data-lifecycle", props: { rules: [{ id: "x", status: "Disabled" }] } }])).toHaveLength(1);
  });
});

describe("cost-monthly-budget", () => {
  it("passes a stack under the tier's budget", () => {
    expect(violations(C.monthlyBudget, [nodeGroup("system"), nodeGroup("workers")])).toEqual([]);
  });
  it("catches a stack over it, naming the estimate, the budget and the largest components", () => {
    // 10 x g4dn.2xlarge x 730 h x $0.752 = $5,489.60 + 10 x 20 GB x $0.08 = $16 -> $5,505.60 > $1,500.
    const big = nodeGroup("gpu", { scalingConfig: { minSize: 1, maxSize: 10, desiredSize: 10 } });
    expect(violations(C.monthlyBudget, [big])).toEqual([
      "estimated monthly cost $5505.60 exceeds tier mvp's budget $1500 (largest: cluster $5506); shrink the stack or raise monthlyBudgetUsd in infra/tiers.ts.",
    ]);
    expect(violations(C.monthlyBudget, [big], { "cost-monthly-budget": { monthlyBudgetUsd: 6000 } })).toEqual([]);
  });
});

describe("pricing what a plausible change adds", () => {
  it("prices EBS volume types with their provisioned IOPS and throughput (arithmetic written out)", async () => {
    const { priceEbs } = await import("../cost/estimate");
    const usd = (v: Parameters<typeof priceEbs>[0]) => {
      const p = priceEbs(v);
      return "monthlyUsd" in p ? Math.round(p.monthlyUsd * 100) / 100 : p.unpriced;
    };
    // 16,384 GB x 0.125 = 2048 + 32,000 x 0.065 = 2080 + 32,000 x 0.0455 = 1456 -> 5584
    expect(usd({ type: "io2", sizeGb: 16384, iops: 64000 })).toBe(5584);
    // beyond 64k: 100,000 IOPS adds 36,000 x 0.032 = 1152 on top of the two lower tiers (3536) -> 4688 + 100 GB x 0.125
    expect(usd({ type: "io2", sizeGb: 100, iops: 100000 })).toBe(4700.5);
    // 500 GB x 0.125 = 62.5 + 10,000 x 0.065 = 650
    expect(usd({ type: "io1", sizeGb: 500, iops: 10000 })).toBe(712.5);
    // 1000 GB x 0.08 = 80 + (16,000 - 3,000) x 0.005 = 65 + (1000 - 125) MB/s x 0.04 = 35
    expect(usd({ type: "gp3", sizeGb: 1000, iops: 16000, throughputMBps: 1000 })).toBe(180);
    expect(usd({ type: "gp2", sizeGb: 100 })).toBe(10);
    expect(usd({ type: "st1", sizeGb: 1000 })).toBe(45);
    expect(usd({ type: "sc1", sizeGb: 1000 })).toBe(15);
    expect(usd({ type: "io3", sizeGb: 10 })).toBe("EBS volume type io3 is not in the price table");
  });

  it("the budget rule sees a 16 TiB io2 volume with 64k IOPS", () => {
    const vol: FakeResource = { type: "aws:ebs/volume:Volume", name: "scratch", component: "data", props: { availabilityZone: "us-east-1a", type: "io2", size: 16384, iops: 64000, encrypted: true } };
    expect(violations(C.monthlyBudget, [vol])).toEqual([
      "estimated monthly cost $5584.00 exceeds tier mvp's budget $1500 (largest: data $5584); shrink the stack or raise monthlyBudgetUsd in infra/tiers.ts.",
    ]);
  });

  it("prices load balancers a Service or an alb Ingress group creates, once per group", async () => {
    const { estimateCost } = await import("../cost/estimate");
    const ing = (name: string, group?: string) => ({ type: "kubernetes:networking.k8s.io/v1:Ingress", name, inputs: { metadata: { annotations: group ? { "alb.ingress.kubernetes.io/group.name": group } : {} }, spec: { ingressClassName: "alb" } } });
    const est = estimateCost([
      ing("api", "public"), ing("admin", "public"), ing("solo"),
      { type: "kubernetes:core/v1:Service", name: "nlb", inputs: { spec: { type: "LoadBalancer" } } },
      { type: "kubernetes:core/v1:Service", name: "internal", inputs: { spec: { type: "ClusterIP" } } },
    ]);
    // three load balancers (group "public", "solo", the NLB) x 730 h x 0.0225 = 16.425 each
    expect(est.lines.map((l) => [l.resource, l.monthlyUsd])).toEqual([["api", 16.43], ["solo", 16.43], ["nlb", 16.43]]);
  });

  it("cost-unpriced-resources reports an unpriced type of a costly family (advisory), not usage-billed or free types", () => {
    const resources: FakeResource[] = [
      { type: "aws:opensearch/domain:Domain", name: "search", props: { clusterConfig: { instanceType: "r6g.large.search" } } },
      { type: "aws:rds/clusterInstance:ClusterInstance", name: "aurora-1", props: { instanceClass: "db.r6g.large", clusterIdentifier: "c" } },
      { type: "aws:sns/topic:Topic", name: "alerts", props: {} },
      { type: "aws:iam/role:Role", name: "role", props: {} },
    ];
    expect(violations(C.unpricedResources, resources)).toEqual([
      "search (aws:opensearch/domain:Domain) is not in the cost estimate: not in the price model (may carry a charge); add its price to cost/prices.ts so the budget rule counts it.",
      "aurora-1 (aws:rds/clusterInstance:ClusterInstance) is not in the cost estimate: not in the price model (may carry a charge); add its price to cost/prices.ts so the budget rule counts it.",
    ]);
    expect(C.unpricedResources.enforcementLevel).toBe("advisory");
  });
});
