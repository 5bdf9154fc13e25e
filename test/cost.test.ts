import { beforeAll, describe, expect, it } from "vitest";
import { estimateCost, quantityGb, renderCostTable, type CostResource } from "../cost/estimate";
import { EC2_HOURLY, ELASTICACHE_HOURLY, HOURS_PER_MONTH, RDS_HOURLY, SPOT_SAVINGS } from "../cost/prices";
import { TIERS } from "../infra/tiers";
import { ofType, runTier, type ProgramRun } from "./harness";

describe("price table", () => {
  it("prices every instance type, DB class and cache node type a tier starts on, each with a source and date", () => {
    for (const p of Object.values(TIERS)) {
      for (const t of [p.api.instanceType, p.workers.instanceType, p.gpu.instanceType]) expect(EC2_HOURLY[t], t).toBeDefined();
      expect(SPOT_SAVINGS[p.workers.instanceType], p.workers.instanceType).toBeDefined();
      expect(RDS_HOURLY[p.database.instanceClass], p.database.instanceClass).toBeDefined();
      expect(ELASTICACHE_HOURLY[p.redis.nodeType], p.redis.nodeType).toBeDefined();
    }
    for (const table of [EC2_HOURLY, SPOT_SAVINGS, RDS_HOURLY, ELASTICACHE_HOURLY]) {
      for (const price of Object.values(table)) {
        expect(price.source.length).toBeGreaterThan(10);
        expect(price.date).toMatch(/^\d{4}-\d{2}/);
      }
    }
    // Figures not found published are marked, never passed off as list prices.
    expect(RDS_HOURLY["db.r5.xlarge"].confidence).toBe("unverified-linear");
    expect(HOURS_PER_MONTH).toBe(730);
  });
});

describe("estimator on hand-built resources", () => {
  const r = (type: string, name: string, inputs: Record<string, any>, component = "data"): CostResource => ({ type, name, inputs, component });

  it("prices RDS Multi-AZ x2 with storage, a replica at its source's size, and Redis shards x (replicas + 1)", () => {
    const est = estimateCost([
      r("aws:rds/instance:Instance", "db", { instanceClass: "db.t3.medium", multiAz: true, allocatedStorage: 50 }),
      r("aws:rds/instance:Instance", "db-replica", { instanceClass: "db.t3.medium", replicateSourceDb: "<computed>" }),
      r("aws:elasticache/replicationGroup:ReplicationGroup", "redis", { nodeType: "cache.r6g.large", numNodeGroups: 3, replicasPerNodeGroup: 1 }),
    ]);
    expect(est.lines.map((l) => [l.resource, l.monthlyUsd])).toEqual([
      ["db", 116.62], //          730 x 0.072 x 2 = 105.12, + 50 GB x 0.115 x 2 = 11.50
      ["db-replica", 58.31], //   730 x 0.072 = 52.56, + 50 GB (source's) x 0.115 = 5.75
      ["redis", 902.28], //       3 x (1 + 1) = 6 nodes x 730 x 0.206 = 6 x 150.38
    ]);
    expect(est.totalUsd).toBe(1077.21); // 116.62 + 58.31 + 902.28
    expect(est.byComponent).toEqual({ data: 1077.21 });
  });

  it("prices PVCs and StatefulSet volume claims at gp3, and lists usage-priced and unknown types as unpriced", () => {
    const est = estimateCost([
      r("kubernetes:core/v1:PersistentVolumeClaim", "prometheus", { spec: { resources: { requests: { storage: "50Gi" } } } }, "observability"),
      r("kubernetes:apps/v1:StatefulSet", "ollama", { spec: { replicas: 3, volumeClaimTemplates: [{ spec: { resources: { requests: { storage: "100Gi" } } } }] } }, "ollama"),
      r("kubernetes:apps/v1:Deployment", "api", { spec: { replicas: 20 } }, "api"),
      r("aws:s3/bucket:Bucket", "bucket", {}, "storage"),
      r("aws:cloudfront/distribution:Distribution", "cdn", {}, "cdn"),
      r("aws:lb/loadBalancer:LoadBalancer", "alb", {}, "api"),
      r("aws:fsx/lustreFileSystem:LustreFileSystem", "fsx", {}, "data"),
    ]);
    expect(est.lines.map((l) => [l.resource, l.monthlyUsd])).toEqual([
      ["prometheus", 4], //  50 x 0.08
      ["ollama", 24], //     3 x 100 x 0.08
      ["alb", 16.43], //     730 x 0.0225 = 16.425
    ]);
    expect(est.unpriced.map((u) => u.resource)).toEqual(["bucket", "cdn", "fsx"]);
    expect(est.unpriced[2].reason).toBe("not in the price model (may carry a charge)");
    expect(quantityGb("1Ti")).toBe(1024);
    expect(quantityGb("500M")).toBeCloseTo(0.4657, 3);
  });
});

describe("MVP estimate (the staging tier)", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runTier("mvp");
  });

  it("matches the hand-computed figures for the network and the cluster", () => {
    const est = estimateCost(run.resources);
    const line = (name: string, type: string) => est.lines.find((l) => l.resource === name && l.type === type)?.monthlyUsd;
    expect(line("network-nat-us-east-1a", "aws:ec2/natGateway:NatGateway")).toBe(32.85); // 730 x 0.045
    expect(line("network-nat-us-east-1a", "aws:ec2/eip:Eip")).toBe(3.65); //                 730 x 0.005
    expect(line("cluster-eks", "aws:eks/cluster:Cluster")).toBe(73); //                       730 x 0.10
    expect(line("cluster-secrets", "aws:kms/key:Key")).toBe(1);
    // 2 x t3.medium x 730 x 0.0416 = 60.736, + 2 nodes x 100 GB gp3 (launch template) x 0.08 = 16 -> 76.74
    expect(line("cluster-system", "aws:eks/nodeGroup:NodeGroup")).toBe(76.74);
    // 4 x t3.large SPOT x 730 x 0.0832 x (1 - 0.62) = 92.316, + 4 x 100 x 0.08 = 32 -> 124.32
    expect(line("cluster-workers", "aws:eks/nodeGroup:NodeGroup")).toBe(124.32);
    // 1 x g4dn.2xlarge x 730 x 0.752 = 548.96, + 1 x 100 x 0.08 = 8 -> 556.96
    expect(line("cluster-gpu", "aws:eks/nodeGroup:NodeGroup")).toBe(556.96);
    // control-plane log group, 90 days retention, assumed 5 GB/month: 5 x 0.50 = 2.50 + (5 x 90 / 30 = 15 GB kept) x 0.03 = 0.45 -> 2.95
    expect(line("cluster-control-plane-logs", "aws:cloudwatch/logGroup:LogGroup")).toBe(2.95);
    // cluster = 73 + 1 + 76.74 + 124.32 + 556.96 + 2.95 = 834.97; network 36.50.
    expect(est.byComponent.network).toBe(36.5);
    expect(est.byComponent.cluster).toBe(834.97);
  });

  it("prices the tier's data stores as sized once they are registered", () => {
    const est = estimateCost(run.resources);
    const p = TIERS.mvp;
    for (const db of ofType(run, "aws:rds/instance:Instance")) {
      const gb = db.inputs.allocatedStorage ?? p.database.allocatedStorageGb;
      // single-AZ db.t3.medium: 730 x 0.072 = 52.56, + storage x 0.115
      expect(est.lines.find((l) => l.resource === db.name)?.monthlyUsd).toBeCloseTo(730 * 0.072 + gb * 0.115, 2);
    }
    for (const rg of ofType(run, "aws:elasticache/replicationGroup:ReplicationGroup")) {
      // one cache.t3.medium node: 730 x 0.068 = 49.64
      expect(est.lines.find((l) => l.resource === rg.name)?.monthlyUsd).toBe(49.64);
    }
  });

  it("accounts for every resource: priced, listed as unpriced, or a type with no charge of its own", () => {
    const est = estimateCost(run.resources);
    for (const l of est.lines) expect(l.monthlyUsd, l.resource).toBeGreaterThan(0);
    const text = renderCostTable(est, TIERS.mvp.monthlyBudgetUsd).join("\n");
    expect(text).toContain(`total: $${est.totalUsd.toLocaleString("en-US", { minimumFractionDigits: 2 })} of a $1,500.00 budget`);
    for (const u of est.unpriced) expect(text).toContain(`${u.resource} (${u.type}): ${u.reason}`);
    expect(est.totalUsd).toBeLessThanOrEqual(TIERS.mvp.monthlyBudgetUsd);
  });
});
