/**
 * The cost estimator, priced by hand (issue 19: every mutant of cost/estimate.ts caught). Pure: hand-built
 * resources, no program run. Every expected figure is arithmetic on the list prices a reviewer can check
 * (us-east-1, 730 h/month): c5.xlarge $0.17/h, t3.medium $0.0416/h, gp3 $0.08/GB-month, ...
 */
import { describe, expect, it } from "vitest";
import { BASELINE, estimateCost, isCostlyFamily, priceEbs, quantityGb, renderCostTable, type CostEstimate, type CostResource } from "../cost/estimate";

const r = (type: string, name: string, inputs: Record<string, any> = {}, component?: string): CostResource => ({ type, name, inputs, component });
/** The one line (or unpriced reason) of a single resource. */
const one = (res: CostResource, hoursPerMonth?: number) => {
  const est = estimateCost([res], hoursPerMonth === undefined ? {} : { hoursPerMonth });
  return { line: est.lines[0], unpriced: est.unpriced[0], est };
};
const line = (res: CostResource) => {
  const l = one(res).line;
  expect(l, res.name).toBeDefined();
  return [l.monthlyUsd, l.basis];
};
const reason = (res: CostResource) => one(res).unpriced?.reason;
const isFree = (res: CostResource) => {
  const { est } = one(res);
  return est.lines.length === 0 && est.unpriced.length === 0;
};

describe("quantityGb", () => {
  it("reads every binary and decimal suffix, bytes without one, numbers as bytes", () => {
    expect(quantityGb(2 ** 30)).toBe(1);
    expect(quantityGb(String(2 ** 31))).toBe(2);
    expect(quantityGb("1048576Ki")).toBe(1);
    expect(quantityGb("2048Mi")).toBe(2);
    expect(quantityGb("3Gi")).toBe(3);
    expect(quantityGb("1.5Gi")).toBe(1.5);
    expect(quantityGb("2Ti")).toBe(2048);
    expect(quantityGb("1Pi")).toBe(1048576);
    expect(quantityGb("1073741824K")).toBeCloseTo(1000, 9);
    expect(quantityGb("1073741824M")).toBeCloseTo(1_000_000, 6);
    expect(quantityGb("1073741824G")).toBeCloseTo(1_000_000_000, 3);
    expect(quantityGb("1073741824T")).toBeCloseTo(1e12, 0);
    expect(quantityGb("1073741824P")).toBeCloseTo(1e15, -3);
    expect(quantityGb(" 4Gi ")).toBe(4);
  });

  it("refuses what is not a quantity", () => {
    for (const q of ["", "Gi", "4 Gi", "4Gb", "x4Gi", "4Gix", "-4Gi", "4.Gi", ".5Gi", "4.5.1Gi"]) expect(quantityGb(q), q).toBeUndefined();
    expect(quantityGb(undefined)).toBeUndefined();
    expect(quantityGb(null)).toBeUndefined();
    expect(quantityGb({ storage: "4Gi" })).toBeUndefined();
  });
});

describe("isCostlyFamily", () => {
  it("names every family with a standing charge", () => {
    for (const t of [
      "aws:ec2/instance:Instance", "aws:ebs/volume:Volume", "aws:ec2/natGateway:NatGateway", "aws:eks/fargateProfile:FargateProfile", "aws:rds/instance:Instance",
      "aws:rds/cluster:Cluster", "aws:rds/clusterInstance:ClusterInstance", "aws:elasticache/serverlessCache:ServerlessCache", "aws:memorydb/cluster:Cluster",
      "aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer", "aws:elb/loadBalancer:LoadBalancer", "aws:opensearch/domain:Domain",
      "aws:elasticsearch/domain:Domain", "aws:redshift/cluster:Cluster", "aws:msk/cluster:Cluster", "aws:docdb/cluster:Cluster", "aws:neptune/cluster:Cluster",
      "aws:sagemaker/endpoint:Endpoint", "aws:emr/cluster:Cluster", "aws:kinesis/stream:Stream", "aws:fsx/lustreFileSystem:LustreFileSystem",
      "aws:efs/fileSystem:FileSystem", "aws:globalaccelerator/accelerator:Accelerator", "aws:ec2transitgateway/transitGateway:TransitGateway",
      "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:ec2/eip:Eip", "aws:autoscaling/group:Group", "aws:dynamodb/table:Table",
      "aws:networkfirewall/firewall:Firewall", "aws:directoryservice/directory:Directory", "aws:workspaces/workspace:Workspace",
    ]) expect(isCostlyFamily(t), t).toBe(true);
  });

  it("leaves out families without a standing charge", () => {
    for (const t of ["aws:s3/bucket:Bucket", "aws:iam/role:Role", "aws:ec2/vpc:Vpc", "aws:ec2/instanceState:InstanceState", "kubernetes:apps/v1:Deployment", "aws:rds/subnetGroup:SubnetGroup"])
      expect(isCostlyFamily(t), t).toBe(false);
  });
});

describe("priceEbs", () => {
  it("gp3: size, then only the IOPS and throughput above the included 3000 IOPS and 125 MB/s", () => {
    expect(priceEbs({ sizeGb: 100 })).toEqual({ monthlyUsd: 8, basis: "100 GB gp3 x $0.08" });
    expect(priceEbs({ type: "gp3", sizeGb: 100, iops: 3000, throughputMBps: 125 })).toEqual({ monthlyUsd: 8, basis: "100 GB gp3 x $0.08" });
    expect(priceEbs({ type: "gp3", sizeGb: 100, iops: 2000, throughputMBps: 100 })).toEqual({ monthlyUsd: 8, basis: "100 GB gp3 x $0.08" });
    // 8 + 1000 x 0.005 = 5 + 75 x 0.04 = 3
    const p = priceEbs({ type: "gp3", sizeGb: 100, iops: 4000, throughputMBps: 200 }) as { monthlyUsd: number; basis: string };
    expect(p.monthlyUsd).toBeCloseTo(16, 9);
    expect(p.basis).toBe("100 GB gp3 x $0.08 + 1000 IOPS over 3000 x $0.005 + 75 MB/s over 125 x $0.04");
    const edge = priceEbs({ type: "gp3", sizeGb: 10, iops: 3001, throughputMBps: 126 }) as { monthlyUsd: number; basis: string };
    expect(edge.monthlyUsd).toBeCloseTo(0.8 + 0.005 + 0.04, 9);
    expect(edge.basis).toBe("10 GB gp3 x $0.08 + 1 IOPS over 3000 x $0.005 + 1 MB/s over 125 x $0.04");
  });

  it("io1 bills every provisioned IOPS", () => {
    expect(priceEbs({ type: "io1", sizeGb: 100, iops: 1000 })).toEqual({ monthlyUsd: 77.5, basis: "100 GB io1 x $0.125 + 1000 IOPS x $0.065" });
    expect(priceEbs({ type: "io1", sizeGb: 100 })).toEqual({ monthlyUsd: 12.5, basis: "100 GB io1 x $0.125 + 0 IOPS x $0.065" });
  });

  it("io2 bills IOPS in tiers: up to 32,000 at $0.065, to 64,000 at $0.0455, above at $0.032", () => {
    expect(priceEbs({ type: "io2", sizeGb: 100 })).toEqual({ monthlyUsd: 12.5, basis: "100 GB io2 x $0.125" });
    const low = priceEbs({ type: "io2", sizeGb: 100, iops: 32_000 }) as { monthlyUsd: number; basis: string };
    expect(low.monthlyUsd).toBeCloseTo(12.5 + 2080, 6);
    expect(low.basis).toBe("100 GB io2 x $0.125 + 32000 IOPS x $0.065");
    const high = priceEbs({ type: "io2", sizeGb: 100, iops: 70_000 }) as { monthlyUsd: number; basis: string };
    // 12.5 + 32000 x 0.065 = 2080 + 32000 x 0.0455 = 1456 + 6000 x 0.032 = 192
    expect(high.monthlyUsd).toBeCloseTo(3740.5, 6);
    expect(high.basis).toBe("100 GB io2 x $0.125 + 32000 IOPS x $0.065 + 32000 IOPS x $0.0455 + 6000 IOPS x $0.032");
  });

  it("gp2, st1, sc1 and magnetic by size only", () => {
    expect(priceEbs({ type: "gp2", sizeGb: 100 })).toEqual({ monthlyUsd: 10, basis: "100 GB gp2 x $0.1" });
    expect(priceEbs({ type: "st1", sizeGb: 1000 })).toEqual({ monthlyUsd: 45, basis: "1000 GB st1 x $0.045" });
    expect(priceEbs({ type: "sc1", sizeGb: 1000 })).toEqual({ monthlyUsd: 15, basis: "1000 GB sc1 x $0.015" });
    expect(priceEbs({ type: "standard", sizeGb: 100 })).toEqual({ monthlyUsd: 5, basis: "100 GB standard x $0.05 (I/O requests not included)" });
  });

  it("leaves a volume without a size or of an unknown type unpriced", () => {
    expect(priceEbs({})).toEqual({ unpriced: "EBS gp3 volume without a size" });
    expect(priceEbs({ type: "io1" })).toEqual({ unpriced: "EBS io1 volume without a size" });
    expect(priceEbs({ type: "io9", sizeGb: 10 })).toEqual({ unpriced: "EBS volume type io9 is not in the price table" });
  });
});

describe("flat hourly and monthly charges", () => {
  it("prices the control plane, NAT, public IPs, load balancers, keys, alarms and secrets", () => {
    expect(line(r("aws:eks/cluster:Cluster", "eks"))).toEqual([73, "EKS control plane 730 h x $0.1"]);
    expect(line(r("aws:ec2/natGateway:NatGateway", "nat"))).toEqual([32.85, "NAT gateway 730 h x $0.045 (data processed $0.045/GB not included)"]);
    expect(line(r("aws:ec2/eip:Eip", "ip"))).toEqual([3.65, "public IPv4 730 h x $0.005"]);
    // 730 x 0.0225 = 16.425, rounded to the cent
    expect(line(r("aws:lb/loadBalancer:LoadBalancer", "nlb"))).toEqual([16.43, "load balancer 730 h x $0.0225 (LCUs not included)"]);
    expect(line(r("aws:alb/loadBalancer:LoadBalancer", "alb"))).toEqual([16.43, "load balancer 730 h x $0.0225 (LCUs not included)"]);
    expect(line(r("aws:elb/loadBalancer:LoadBalancer", "clb"))).toEqual([18.25, "classic load balancer 730 h x $0.025 (data processed not included)"]);
    expect(line(r("aws:kms/key:Key", "key"))).toEqual([1, "KMS key $1/month"]);
    expect(line(r("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm"))).toEqual([0.1, "alarm $0.1/month"]);
    expect(line(r("aws:secretsmanager/secret:Secret", "secret"))).toEqual([0.4, "secret $0.4/month"]);
  });

  it("uses the hours it is given", () => {
    const { line: l, est } = one(r("aws:eks/cluster:Cluster", "eks"), 100);
    expect([l.monthlyUsd, l.basis, est.hoursPerMonth]).toEqual([10, "EKS control plane 100 h x $0.1", 100]);
    expect(one(r("aws:eks/cluster:Cluster", "eks")).est.hoursPerMonth).toBe(730);
  });
});

describe("Kubernetes objects that create load balancers", () => {
  it("a LoadBalancer Service is one NLB; other Services are free", () => {
    expect(line(r("kubernetes:core/v1:Service", "lb", { spec: { type: "LoadBalancer" } }))).toEqual([16.43, "LoadBalancer Service: one NLB 730 h x $0.0225 (LCUs not included)"]);
    expect(isFree(r("kubernetes:core/v1:Service", "svc", { spec: { type: "ClusterIP" } }))).toBe(true);
    expect(isFree(r("kubernetes:core/v1:Service", "bare", {}))).toBe(true);
  });

  it("an alb Ingress is one ALB, named by class or by the legacy annotation; other classes are free", () => {
    expect(line(r("kubernetes:networking.k8s.io/v1:Ingress", "ing", { spec: { ingressClassName: "alb" } }))).toEqual([16.43, "ALB for this Ingress 730 h x $0.0225 (LCUs not included)"]);
    expect(line(r("kubernetes:networking.k8s.io/v1:Ingress", "legacy", { metadata: { annotations: { "kubernetes.io/ingress.class": "alb" } } }))[0]).toBe(16.43);
    expect(isFree(r("kubernetes:networking.k8s.io/v1:Ingress", "nginx", { spec: { ingressClassName: "nginx" } }))).toBe(true);
    expect(isFree(r("kubernetes:networking.k8s.io/v1:Ingress", "none", {}))).toBe(true);
  });

  it("an ingress group shares one ALB (priced on its first Ingress, in any component); another group gets its own", () => {
    const ing = (name: string, group: string, component: string) =>
      r("kubernetes:networking.k8s.io/v1:Ingress", name, { spec: { ingressClassName: "alb" }, metadata: { annotations: { "alb.ingress.kubernetes.io/group.name": group } } }, component);
    const est = estimateCost([ing("api", "public", "api"), ing("ws", "public", "websockets"), ing("admin", "internal", "websockets")]);
    expect(est.lines.map((l) => [l.resource, l.monthlyUsd, l.basis])).toEqual([
      ["api", 16.43, "ALB for ingress group public 730 h x $0.0225 (LCUs not included)"],
      ["admin", 16.43, "ALB for ingress group internal 730 h x $0.0225 (LCUs not included)"],
    ]);
    expect(est.unpriced).toEqual([]);
  });
});

describe("CloudWatch log groups", () => {
  it("an assumed 5 GB/month ingested at $0.5 plus what the retention keeps at $0.03/GB-month", () => {
    // 2.5 + 5 GB x 30 / 30 = 5 GB x 0.03 = 0.15
    expect(line(r("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: 30 }))).toEqual([2.65, "ASSUMED 5 GB/month ingested x $0.5 + 5.0 GB kept (30 days) x $0.03"]);
    // 2.5 + 5 x 90 / 30 = 15 GB x 0.03 = 0.45 (retention read from a string)
    expect(line(r("aws:cloudwatch/logGroup:LogGroup", "logs", { retentionInDays: "90" }))).toEqual([2.95, "ASSUMED 5 GB/month ingested x $0.5 + 15.0 GB kept (90 days) x $0.03"]);
  });

  it("without retention, a year's worth as a floor; retention beyond ten years counts as ten", () => {
    // 5 x 365 / 30 = 60.83 GB x 0.03 = 1.825; + 2.5 = 4.325
    const [usd, basis] = line(r("aws:cloudwatch/logGroup:LogGroup", "forever", {}));
    expect(usd).toBeCloseTo(4.33, 1);
    expect(basis).toBe("ASSUMED 5 GB/month ingested x $0.5 + 60.8 GB kept (no retention: >= 365 days) x $0.03");
    // 5 x 3653 / 30 = 608.83 GB x 0.03 = 18.265; + 2.5 = 20.765
    const [capped, cappedBasis] = line(r("aws:cloudwatch/logGroup:LogGroup", "decade", { retentionInDays: 5000 }));
    expect(capped).toBeCloseTo(20.77, 1);
    expect(cappedBasis).toBe("ASSUMED 5 GB/month ingested x $0.5 + 608.8 GB kept (5000 days) x $0.03");
  });
});

describe("EC2 instances", () => {
  it("hourly price plus an 8 GB gp3 root volume by default", () => {
    // 730 x 0.0416 = 30.368 + 8 x 0.08 = 0.64
    expect(line(r("aws:ec2/instance:Instance", "bastion", { instanceType: "t3.medium" }))).toEqual([31.01, "t3.medium x 730 h x $0.0416 + 8 GB gp3 x $0.08"]);
  });

  it("prices the root device and every extra EBS device by type and size (8 GB, gp3 when absent)", () => {
    const i = r("aws:ec2/instance:Instance", "box", {
      instanceType: "t3.medium",
      rootBlockDevice: { volumeType: "gp2", volumeSize: 50 },
      ebsBlockDevices: [{ volumeSize: 100 }, { volumeType: "st1" }],
    });
    // 30.368 + 50 x 0.1 = 5 + 100 x 0.08 = 8 + 8 x 0.045 = 0.36
    expect(line(i)).toEqual([43.73, "t3.medium x 730 h x $0.0416 + 50 GB gp2 x $0.1 + 100 GB gp3 x $0.08 + 8 GB st1 x $0.045"]);
    expect(line(r("aws:ec2/instance:Instance", "box", { instanceType: "t3.medium", rootBlockDevice: {} }))).toEqual([31.01, "t3.medium x 730 h x $0.0416 + 8 GB gp3 x $0.08"]);
  });

  it("leaves an unknown type or an unknown volume type unpriced", () => {
    expect(reason(r("aws:ec2/instance:Instance", "x", { instanceType: "x1.huge" }))).toBe("instance type x1.huge is not in the price table");
    expect(reason(r("aws:ec2/instance:Instance", "x", { instanceType: "t3.medium", ebsBlockDevices: [{ volumeType: "io9", volumeSize: 10 }] }))).toBe("EBS volume type io9 is not in the price table");
  });
});

describe("EKS node groups", () => {
  const ng = (inputs: Record<string, any>, component = "workers") => r("aws:eks/nodeGroup:NodeGroup", "ng", inputs, component);
  const lt = (ebs: Record<string, any>, component = "workers", name = "lt") => r("aws:ec2/launchTemplate:LaunchTemplate", name, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs }] }, component);

  it("on-demand: desiredSize x hours x the first type's price, plus each node's root volume (diskSize)", () => {
    // 3 x 730 x 0.17 = 372.3 + 3 x 50 x 0.08 = 12
    expect(line(ng({ instanceTypes: ["c5.xlarge", "c5.2xlarge"], scalingConfig: { desiredSize: 3 }, diskSize: 50 }))).toEqual([384.3, "3 x c5.xlarge x 730 h x $0.17 + 3 x (50 GB gp3 x $0.08)"]);
    // desiredSize as a string; the EKS default root volume of 20 GB gp3: 2 x 730 x 0.17 = 248.2 + 2 x 1.6
    expect(line(ng({ instanceTypes: ["c5.xlarge"], scalingConfig: { desiredSize: "2" }, capacityType: "ON_DEMAND" }))).toEqual([251.4, "2 x c5.xlarge x 730 h x $0.17 + 2 x (20 GB gp3 x $0.08)"]);
  });

  it("spot: the type's own average saving, else the assumed median saving of 0.66", () => {
    // 3 x 730 x 0.17 x 0.44 = 163.812 + 3 x 1.6 = 4.8
    expect(line(ng({ instanceTypes: ["c5.xlarge"], scalingConfig: { desiredSize: 3 }, capacityType: "SPOT" }))).toEqual([
      168.61, "3 x c5.xlarge SPOT x 730 h x $0.17 x (1 - 0.56 assumed spot saving) + 3 x (20 GB gp3 x $0.08)",
    ]);
    // g4dn.2xlarge has no figure of its own: 730 x 0.752 x 0.34 = 186.6464 + 1.6
    expect(line(ng({ instanceTypes: ["g4dn.2xlarge"], scalingConfig: { desiredSize: 1 }, capacityType: "SPOT" }))).toEqual([
      188.25, "1 x g4dn.2xlarge SPOT x 730 h x $0.752 x (1 - 0.66 assumed spot saving) + 1 x (20 GB gp3 x $0.08)",
    ]);
  });

  it("a node group with a launch template takes its root volume from the one template of its component", () => {
    const group = ng({ instanceTypes: ["c5.large"], scalingConfig: { desiredSize: 2 }, launchTemplate: { id: "lt-id", version: "1" } });
    // 2 x 730 x 0.085 = 124.1 + 2 x (8 + 1000 x 0.005 + 75 x 0.04) = 2 x 16
    const est = estimateCost([lt({ volumeSize: 100, iops: 4000, throughput: 200 }), group]);
    expect(est.lines.map((l) => [l.monthlyUsd, l.basis])).toEqual([[156.1, "2 x c5.large x 730 h x $0.085 + 2 x (100 GB gp3 x $0.08 + 1000 IOPS over 3000 x $0.005 + 75 MB/s over 125 x $0.04)"]]);
    // The template's volume type counts: 2 x 500 x 0.045 = 45
    expect(estimateCost([lt({ volumeSize: 500, volumeType: "st1" }), group]).lines[0].basis).toBe("2 x c5.large x 730 h x $0.085 + 2 x (500 GB st1 x $0.045)");
    // A template of another component, two templates, or a template without a size: the 20 GB default.
    const dflt = "2 x c5.large x 730 h x $0.085 + 2 x (20 GB gp3 x $0.08)";
    expect(estimateCost([lt({ volumeSize: 100 }, "api"), group]).lines[0].basis).toBe(dflt);
    expect(estimateCost([lt({ volumeSize: 100 }), lt({ volumeSize: 100 }, "workers", "lt2"), group]).lines[0].basis).toBe(dflt);
    expect(estimateCost([lt({ volumeType: "gp2" }), group]).lines[0].basis).toBe(dflt);
    // diskSize wins over the template; without launchTemplate the template is not read.
    expect(estimateCost([lt({ volumeSize: 100 }), ng({ instanceTypes: ["c5.large"], scalingConfig: { desiredSize: 2 }, launchTemplate: { id: "x" }, diskSize: 30 })]).lines[0].basis)
      .toBe("2 x c5.large x 730 h x $0.085 + 2 x (30 GB gp3 x $0.08)");
    expect(estimateCost([lt({ volumeSize: 100 }), ng({ instanceTypes: ["c5.large"], scalingConfig: { desiredSize: 2 } })]).lines[0].basis).toBe(dflt);
    // A template volume the table cannot price leaves the group unpriced.
    expect(estimateCost([lt({ volumeSize: 100, volumeType: "io9" }), group]).unpriced.map((u) => u.reason)).toEqual(["node root volume: EBS volume type io9 is not in the price table"]);
  });

  it("a resource without a component and one with an empty component are in the same group", () => {
    const group = r("aws:eks/nodeGroup:NodeGroup", "ng", { instanceTypes: ["c5.large"], scalingConfig: { desiredSize: 1 }, launchTemplate: { id: "x" } }, "");
    expect(estimateCost([r("aws:ec2/launchTemplate:LaunchTemplate", "lt", { blockDeviceMappings: [{ ebs: { volumeSize: 100 } }] }), group]).lines[0].basis).toBe("1 x c5.large x 730 h x $0.085 + 1 x (100 GB gp3 x $0.08)");
  });

  it("leaves a group without types, without a known desiredSize or of an unknown type unpriced", () => {
    expect(reason(ng({ scalingConfig: { desiredSize: 1 } }))).toBe("node group without instanceTypes");
    expect(reason(ng({ instanceTypes: [], scalingConfig: { desiredSize: 1 } }))).toBe("node group without instanceTypes");
    expect(reason(ng({ instanceTypes: ["c5.xlarge"] }))).toBe("node group without a known desiredSize");
    for (const bad of ["3a", "a3", "", "-1", "1e3"]) expect(reason(ng({ instanceTypes: ["c5.xlarge"], scalingConfig: { desiredSize: bad } })), bad).toBe("node group without a known desiredSize");
    expect(reason(ng({ instanceTypes: ["x1.huge"], scalingConfig: { desiredSize: 1 } }))).toBe("instance type x1.huge is not in the price table");
    expect(one(ng({ instanceTypes: ["c5.xlarge"], scalingConfig: { desiredSize: "1.5" }, diskSize: 20 })).line.monthlyUsd).toBe(188.55); // 1.5 x 124.1 + 1.5 x 1.6
  });
});

describe("RDS", () => {
  const db = (name: string, inputs: Record<string, any>, component = "database") => r("aws:rds/instance:Instance", name, inputs, component);

  it("single-AZ with its storage at $0.115/GB-month; 20 GB when no size is given", () => {
    // 730 x 0.072 = 52.56 + 100 x 0.115 = 11.5
    expect(line(db("db", { instanceClass: "db.t3.medium", allocatedStorage: 100 }))).toEqual([64.06, "db.t3.medium x 730 h x $0.072 + 100 GB x $0.115"]);
    expect(line(db("db", { instanceClass: "db.t3.medium", multiAz: false }))).toEqual([54.86, "db.t3.medium x 730 h x $0.072 + 20 GB x $0.115"]);
    expect(line(db("db", { instanceClass: "db.t3.medium", multiAz: "false", allocatedStorage: "100" }))[0]).toBe(64.06);
  });

  it("Multi-AZ doubles instance and storage (true or \"true\")", () => {
    expect(line(db("db", { instanceClass: "db.t3.medium", multiAz: true, allocatedStorage: 100 }))).toEqual([128.12, "db.t3.medium Multi-AZ x2 x 730 h x $0.072 + 100 GB x $0.115 x2"]);
    expect(line(db("db", { instanceClass: "db.t3.medium", multiAz: "true", allocatedStorage: 100 }))[0]).toBe(128.12);
  });

  it("a replica without its own size takes the largest primary's of its component", () => {
    const est = estimateCost([
      db("small", { instanceClass: "db.t3.medium", allocatedStorage: 50 }),
      db("big", { instanceClass: "db.t3.medium", allocatedStorage: 80 }),
      db("other", { instanceClass: "db.t3.medium", allocatedStorage: 1000 }, "analytics"),
      db("replica", { instanceClass: "db.t3.medium", replicateSourceDb: "big" }),
      db("sized-replica", { instanceClass: "db.t3.medium", replicateSourceDb: "big", allocatedStorage: 30 }),
      db("orphan", { instanceClass: "db.t3.medium", replicateSourceDb: "x" }, "dr"),
    ]);
    const byName = Object.fromEntries(est.lines.map((l) => [l.resource, [l.monthlyUsd, l.basis]]));
    // 52.56 + 80 x 0.115 = 9.2
    expect(byName.replica).toEqual([61.76, "db.t3.medium x 730 h x $0.072 + 80 GB (source's size) x $0.115"]);
    // 52.56 + 30 x 0.115 = 3.45
    expect(byName["sized-replica"]).toEqual([56.01, "db.t3.medium x 730 h x $0.072 + 30 GB x $0.115"]);
    expect(byName.orphan).toEqual([52.56, "db.t3.medium x 730 h x $0.072 + 0 GB (source's size) x $0.115"]);
  });

  it("marks an unverified price and leaves an unknown class unpriced", () => {
    const unverified = one(db("db", { instanceClass: "db.r5.xlarge", allocatedStorage: 100 })).line;
    expect(unverified).toEqual({ resource: "db", type: "aws:rds/instance:Instance", component: "database", monthlyUsd: 376.5, basis: "db.r5.xlarge x 730 h x $0.5 + 100 GB x $0.115", unverified: true });
    const verified = one(db("db", { instanceClass: "db.t3.medium", allocatedStorage: 100 })).line;
    expect("unverified" in verified).toBe(false);
    expect(reason(db("db", { instanceClass: "db.x9.huge" }))).toBe("DB instance class db.x9.huge is not in the price table");
  });
});

describe("ElastiCache", () => {
  it("a replication group: numCacheClusters, else shards x (replicas + 1), else one node", () => {
    // 2 x 730 x 0.068 = 99.28
    expect(line(r("aws:elasticache/replicationGroup:ReplicationGroup", "rg", { nodeType: "cache.t3.medium", numCacheClusters: 2 }))).toEqual([99.28, "2 x cache.t3.medium x 730 h x $0.068"]);
    // 2 shards x (2 + 1) = 6 x 49.64
    expect(line(r("aws:elasticache/replicationGroup:ReplicationGroup", "rg", { nodeType: "cache.t3.medium", numNodeGroups: 2, replicasPerNodeGroup: 2 }))).toEqual([297.84, "6 x cache.t3.medium x 730 h x $0.068"]);
    expect(line(r("aws:elasticache/replicationGroup:ReplicationGroup", "rg", { nodeType: "cache.t3.medium", replicasPerNodeGroup: 1 }))).toEqual([99.28, "2 x cache.t3.medium x 730 h x $0.068"]);
    expect(line(r("aws:elasticache/replicationGroup:ReplicationGroup", "rg", { nodeType: "cache.t3.medium" }))).toEqual([49.64, "1 x cache.t3.medium x 730 h x $0.068"]);
    expect(reason(r("aws:elasticache/replicationGroup:ReplicationGroup", "rg", { nodeType: "cache.x9.huge" }))).toBe("cache node type cache.x9.huge is not in the price table");
  });

  it("a standalone cluster by numCacheNodes (1 when absent); a replication group's member is priced there", () => {
    expect(line(r("aws:elasticache/cluster:Cluster", "c", { nodeType: "cache.t3.medium", numCacheNodes: 3 }))).toEqual([148.92, "3 x cache.t3.medium x 730 h x $0.068"]);
    expect(line(r("aws:elasticache/cluster:Cluster", "c", { nodeType: "cache.t3.medium" }))).toEqual([49.64, "1 x cache.t3.medium x 730 h x $0.068"]);
    expect(isFree(r("aws:elasticache/cluster:Cluster", "member", { nodeType: "cache.t3.medium", replicationGroupId: "rg" }))).toBe(true);
    expect(reason(r("aws:elasticache/cluster:Cluster", "c", { nodeType: "cache.x9.huge" }))).toBe("cache node type cache.x9.huge is not in the price table");
  });
});

describe("volumes", () => {
  it("an EBS volume by its type, size, IOPS and throughput (strings read as numbers)", () => {
    expect(line(r("aws:ebs/volume:Volume", "v", { type: "gp3", size: "100", iops: "4000", throughput: "200" }))).toEqual([16, "100 GB gp3 x $0.08 + 1000 IOPS over 3000 x $0.005 + 75 MB/s over 125 x $0.04"]);
    expect(line(r("aws:ebs/volume:Volume", "v", { size: 100 }))).toEqual([8, "100 GB gp3 x $0.08"]);
    expect(reason(r("aws:ebs/volume:Volume", "v", { type: "gp2" }))).toBe("EBS gp2 volume without a size");
  });

  it("a PVC at gp3; one without a storage request unpriced", () => {
    expect(line(r("kubernetes:core/v1:PersistentVolumeClaim", "pvc", { spec: { resources: { requests: { storage: "50Gi" } } } }))).toEqual([4, "50 GiB PVC at gp3 $0.08/GB-month"]);
    expect(reason(r("kubernetes:core/v1:PersistentVolumeClaim", "pvc", { spec: {} }))).toBe("PVC without a storage request");
    expect(reason(r("kubernetes:core/v1:PersistentVolumeClaim", "pvc", {}))).toBe("PVC without a storage request");
  });

  it("a StatefulSet's claim templates x replicas (1 when absent); one without templates is free", () => {
    const claim = (storage?: string) => ({ spec: { resources: { requests: storage === undefined ? {} : { storage } } } });
    expect(line(r("kubernetes:apps/v1:StatefulSet", "s", { spec: { replicas: 3, volumeClaimTemplates: [claim("100Gi"), claim("20Gi"), claim()] } }))).toEqual([28.8, "3 replicas x 120 GiB volume claims at gp3 $0.08/GB-month"]);
    expect(line(r("kubernetes:apps/v1:StatefulSet", "s", { spec: { volumeClaimTemplates: [claim("10Gi")] } }))).toEqual([0.8, "1 replicas x 10 GiB volume claims at gp3 $0.08/GB-month"]);
    expect(isFree(r("kubernetes:apps/v1:StatefulSet", "s", { spec: { replicas: 3 } }))).toBe(true);
    expect(isFree(r("kubernetes:apps/v1:StatefulSet", "s", { spec: { replicas: 3, volumeClaimTemplates: [] } }))).toBe(true);
    expect(isFree(r("kubernetes:apps/v1:StatefulSet", "s", {}))).toBe(true);
  });
});

describe("usage-priced, free and unknown types", () => {
  it("lists usage-priced services as unpriced with the reason", () => {
    const reasons: [string, string][] = [
      ["aws:s3/bucket:Bucket", "S3 storage and requests are billed per GB stored ($0.023/GB-month Standard) and per request; volume unknown"],
      ["aws:s3/bucketV2:BucketV2", "S3 storage and requests are billed per GB stored ($0.023/GB-month Standard) and per request; volume unknown"],
      ["aws:s3/bucketReplicationConfig:BucketReplicationConfig", "replication is billed per GB transferred; volume unknown"],
      ["aws:cloudfront/distribution:Distribution", "CloudFront is billed per GB out ($0.085/GB, North America) and per 10k HTTPS requests ($0.01); traffic unknown"],
      ["aws:sns/topic:Topic", "SNS is billed per request/notification; volume unknown"],
      ["cloudflare:index/r2Bucket:R2Bucket", "R2 is billed per GB stored and per operation; volume unknown"],
      ["aws:wafv2/webAcl:WebAcl", "WAF is billed per web ACL, per rule and per million requests; not in the price table"],
      ["aws:cloudtrail/trail:Trail", "CloudTrail: the account's first trail of management events is free (assumed: this is it); data events $0.10 per 100k; log files billed as S3 storage"],
      ["aws:guardduty/detector:Detector", "GuardDuty is billed per million CloudTrail management events analysed (~$4 per million in us-east-1) after a 30-day trial; volume unknown"],
      ["aws:guardduty/detectorFeature:DetectorFeature", "GuardDuty EKS audit-log and RDS login protection are billed per million events analysed; volume unknown"],
      ["aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication", "backup copies in the second region: snapshot storage (~$0.095/GB-month) plus cross-region transfer ($0.02/GB); size unknown"],
    ];
    for (const [type, why] of reasons) expect(reason(r(type, "x")), type).toBe(why);
  });

  it("charges nothing for types with no standing charge of their own", () => {
    for (const type of [
      "pulumi:providers:aws", "finishthisidea:data:Database", "random:index/randomPassword:RandomPassword", "aws:iam/role:Role", "kubernetes:apps/v1:Deployment",
      "aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/routeTable:RouteTable", "aws:ec2/routeTableAssociation:RouteTableAssociation", "aws:ec2/route:Route",
      "aws:ec2/internetGateway:InternetGateway", "aws:ec2/securityGroup:SecurityGroup", "aws:ec2/securityGroupRule:SecurityGroupRule",
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "aws:ec2/launchTemplate:LaunchTemplate", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
      "aws:eks/addon:Addon", "aws:eks/accessEntry:AccessEntry", "aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "aws:eks/podIdentityAssociation:PodIdentityAssociation",
      "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
      "aws:s3/bucketVersioningV2:BucketVersioningV2", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2", "aws:s3/bucketPolicy:BucketPolicy",
      "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "aws:s3/bucketCorsConfigurationV2:BucketCorsConfigurationV2", "aws:s3/bucketLoggingV2:BucketLoggingV2",
      "aws:s3/bucketNotification:BucketNotification", "aws:s3/bucketAclV2:BucketAclV2", "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration",
      "aws:cloudwatch/eventRule:EventRule", "aws:cloudwatch/eventTarget:EventTarget", "aws:rds/subnetGroup:SubnetGroup", "aws:rds/parameterGroup:ParameterGroup",
      "aws:rds/clusterParameterGroup:ClusterParameterGroup", "aws:elasticache/subnetGroup:SubnetGroup", "aws:elasticache/parameterGroup:ParameterGroup",
      "aws:kms/alias:Alias", "aws:acm/certificate:Certificate", "aws:acm/certificateValidation:CertificateValidation", "aws:sns/topicSubscription:TopicSubscription",
      "aws:sns/topicPolicy:TopicPolicy", "aws:cloudfront/originAccessControl:OriginAccessControl", "aws:cloudfront/cachePolicy:CachePolicy",
      "aws:cloudfront/originRequestPolicy:OriginRequestPolicy", "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "aws:route53/record:Record",
      "aws:secretsmanager/secretVersion:SecretVersion", "aws:lb/listener:Listener", "aws:lb/listenerRule:ListenerRule", "aws:lb/targetGroup:TargetGroup",
      "aws:lb/targetGroupAttachment:TargetGroupAttachment", "aws:alb/listener:Listener", "aws:alb/targetGroup:TargetGroup", "cloudflare:index/record:Record",
      "cloudflare:index/dnsRecord:DnsRecord",
    ]) expect(isFree(r(type, "x")), type).toBe(true);
  });

  it("lists a type outside the model as unpriced, never as free", () => {
    for (const type of ["aws:fsx/lustreFileSystem:LustreFileSystem", "aws:ec2/vpcEndpoint:VpcEndpoint", "aws:s3/bucketObject:BucketObject", "aws:lambda/function:Function", "cloudflare:index/zone:Zone"])
      expect(reason(r(type, "x")), type).toBe("not in the price model (may carry a charge)");
  });
});

describe("estimateCost", () => {
  it("groups by component ((stack) when none), rounds each line, component and the total to the cent", () => {
    const est = estimateCost([
      r("aws:lb/loadBalancer:LoadBalancer", "a", {}, "edge"),
      r("aws:lb/loadBalancer:LoadBalancer", "b", {}, "edge"),
      r("aws:cloudwatch/metricAlarm:MetricAlarm", "alarm"),
      r("aws:kms/key:Key", "key"),
      r("aws:s3/bucket:Bucket", "bucket"),
      r("aws:iam/role:Role", "role"),
    ]);
    expect(est.lines.map((l) => [l.resource, l.component, l.monthlyUsd])).toEqual([["a", "edge", 16.43], ["b", "edge", 16.43], ["alarm", "(stack)", 0.1], ["key", "(stack)", 1]]);
    expect(est.byComponent).toEqual({ edge: 32.86, "(stack)": 1.1 });
    expect(est.totalUsd).toBe(33.96);
    expect(est.unpriced).toEqual([{ resource: "bucket", type: "aws:s3/bucket:Bucket", component: "(stack)", reason: expect.stringContaining("S3 storage") }]);
    expect(est.baseline).toBe(BASELINE);
    expect(BASELINE).toContain("node groups at desiredSize");
    expect(BASELINE).toContain("730 h/month");
  });

  it("rounds sums of tenths to the cent (0.1 + 0.2 = 0.3)", () => {
    const est = estimateCost([r("aws:cloudwatch/metricAlarm:MetricAlarm", "a1", {}, "x"), r("aws:cloudwatch/metricAlarm:MetricAlarm", "a2", {}, "x"), r("aws:cloudwatch/metricAlarm:MetricAlarm", "a3", {}, "x")]);
    expect(est.byComponent).toEqual({ x: 0.3 });
    expect(est.totalUsd).toBe(0.3);
    expect(estimateCost([]).totalUsd).toBe(0);
  });
});

describe("renderCostTable", () => {
  const est: CostEstimate = {
    hoursPerMonth: 730,
    baseline: "the baseline",
    lines: [
      { resource: "cluster-eks", type: "aws:eks/cluster:Cluster", component: "cluster", monthlyUsd: 73, basis: "b1" },
      { resource: "db", type: "aws:rds/instance:Instance", component: "data", monthlyUsd: 1234.5, basis: "b2", unverified: true },
      { resource: "nat", type: "aws:ec2/natGateway:NatGateway", component: "cluster", monthlyUsd: 32.85, basis: "b3" },
    ],
    unpriced: [{ resource: "bucket", type: "aws:s3/bucket:Bucket", component: "storage", reason: "usage" }],
    byComponent: { cluster: 105.85, data: 1234.5 },
    totalUsd: 1340.35,
  };

  it("prints components with their lines, the total against the budget and the unpriced resources", () => {
    expect(renderCostTable(est, 2000)).toEqual([
      "Estimated monthly cost (the baseline):",
      "  cluster: $105.85",
      "    cluster-eks        $73.00  b1",
      "    nat                $32.85  b3",
      "  data: $1,234.50",
      "    db              $1,234.50  b2  [unverified price]",
      "  total: $1,340.35 of a $2,000.00 budget (67%)",
      "  unpriced (1; not in the total):",
      "    bucket (aws:s3/bucket:Bucket): usage",
    ]);
  });

  it("without a budget or unpriced resources, just the total; names pad to at least 10", () => {
    expect(renderCostTable({ ...est, lines: [{ ...est.lines[0], resource: "eks" }], byComponent: { cluster: 73 }, totalUsd: 73, unpriced: [] })).toEqual([
      "Estimated monthly cost (the baseline):",
      "  cluster: $73.00",
      "    eks               $73.00  b1",
      "  total: $73.00",
    ]);
  });

  it("rounds the budget share to a whole percent", () => {
    expect(renderCostTable({ ...est, totalUsd: 1009.9 }, 1000).at(-3)).toBe("  total: $1,009.90 of a $1,000.00 budget (101%)");
    expect(renderCostTable({ ...est, totalUsd: 0.005 }, 1).at(-3)).toBe("  total: $0.01 of a $1.00 budget (1%)");
  });
});
