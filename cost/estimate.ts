/**
 * Monthly cost estimate from the resources a program registers: a pure function of their types and inputs
 * and the price table (cost/prices.ts). Used by the plan, the tests and the pack's budget rule.
 *
 * Baseline (what "monthly cost" means here):
 * - node groups at `scalingConfig.desiredSize`, the count each tier starts from (its expected load; the
 *   autoscaler moves between min and max); the first instance type of a group prices it; SPOT groups get
 *   that type's average spot saving (assumed);
 * - data stores as sized: each RDS instance (x2 for Multi-AZ, with its allocated storage), each ElastiCache
 *   node (shards x (replicas + 1)); replicas of storage without `allocatedStorage` take their source's size;
 * - one of everything else (EKS control plane, NAT gateways, load balancers, KMS keys, ...), 730 h/month;
 * - EBS volumes by type, size and provisioned IOPS / throughput (gp3, gp2, io1, io2 in its IOPS tiers, st1, sc1,
 *   standard): standalone volumes, instance and launch-template block devices (node root volumes; the EKS
 *   default is 20 GB gp3); PVCs / StatefulSet volume claim templates at gp3 (the EBS CSI class is assumed gp3);
 * - a LoadBalancer Service or an `alb` Ingress group as one load balancer each (the controller creates it);
 * - CloudWatch log groups at an ASSUMED ingestion (ASSUMED_LOG_GB_PER_GROUP_MONTH) plus what their retention
 *   keeps stored.
 * Usage-priced services (S3 storage, CloudFront, NAT data) cannot be priced before traffic: they are listed as
 * unpriced, with the reason, never counted as zero. An unpriced type of a costly family (COSTLY_FAMILIES) is an
 * advisory finding of the pack (cost-unpriced-resources). Kubernetes objects run on the priced
 * nodes and cost nothing themselves; so do IAM, VPC plumbing and bucket settings (FREE_TYPES).
 */
import {
  ASSUMED_LOG_GB_PER_GROUP_MONTH,
  ASSUMED_SPOT_DISCOUNT,
  CLOUDWATCH_LOGS,
  EBS,
  EC2_HOURLY,
  ELASTICACHE_HOURLY,
  FLAT,
  HOURS_PER_MONTH,
  RDS_HOURLY,
  RDS_MULTI_AZ_FACTOR,
  SPOT_SAVINGS,
  STORAGE_GB_MONTH,
  type Price,
} from "./prices";

export interface CostResource {
  type: string;
  name: string;
  /** Grouping (the nearest finishthisidea component); "(stack)" when absent. */
  component?: string;
  inputs: Record<string, any>;
}

export interface CostLine {
  resource: string;
  type: string;
  component: string;
  monthlyUsd: number;
  /** How the figure was computed, e.g. "7 x c5.xlarge x 730 h x $0.17". */
  basis: string;
  /** True when a figure in it is an unverified estimate. */
  unverified?: boolean;
}

export interface UnpricedLine {
  resource: string;
  type: string;
  component: string;
  reason: string;
}

export interface CostEstimate {
  hoursPerMonth: number;
  baseline: string;
  lines: CostLine[];
  unpriced: UnpricedLine[];
  byComponent: Record<string, number>;
  totalUsd: number;
}

export const BASELINE = "node groups at desiredSize (each tier's starting count), data stores as sized, one of everything else, 730 h/month, us-east-1 list prices, spot at the assumed average saving";

/** Types with no standing charge of their own. */
const FREE_PREFIXES = [
  "pulumi:providers:", "finishthisidea:", "random:", "aws:iam/", "kubernetes:",
  "aws:ec2/vpc:", "aws:ec2/subnet:", "aws:ec2/routeTable", "aws:ec2/route:", "aws:ec2/internetGateway:", "aws:ec2/securityGroup",
  "aws:vpc/securityGroup", "aws:ec2/launchTemplate:", "aws:ec2/defaultSecurityGroup:",
  "aws:eks/addon:", "aws:eks/accessEntry:", "aws:eks/accessPolicyAssociation:", "aws:eks/podIdentityAssociation:",
  "aws:s3/bucketPublicAccessBlock:", "aws:s3/bucketServerSideEncryptionConfiguration", "aws:s3/bucketVersioning",
  "aws:s3/bucketLifecycleConfiguration", "aws:s3/bucketPolicy:", "aws:s3/bucketOwnershipControls:", "aws:s3/bucketCorsConfiguration",
  "aws:s3/bucketLogging", "aws:s3/bucketNotification:", "aws:s3/bucketAcl", "aws:s3/bucketObjectLockConfiguration:",
  // EventBridge rules on AWS service events (GuardDuty findings, spot notices) and their targets are free.
  "aws:cloudwatch/eventRule:", "aws:cloudwatch/eventTarget:",
  "aws:rds/subnetGroup:", "aws:rds/parameterGroup:", "aws:rds/clusterParameterGroup:", "aws:elasticache/subnetGroup:", "aws:elasticache/parameterGroup:",
  "aws:kms/alias:", "aws:acm/certificate", "aws:sns/topicSubscription:", "aws:sns/topicPolicy:", "aws:cloudfront/originAccessControl:",
  "aws:cloudfront/cachePolicy:", "aws:cloudfront/originRequestPolicy:", "aws:cloudfront/responseHeadersPolicy:",
  "aws:route53/record:", "aws:secretsmanager/secretVersion:", "aws:lb/listener", "aws:lb/targetGroup", "aws:alb/listener", "aws:alb/targetGroup",
  "cloudflare:index/record:", "cloudflare:index/dnsRecord:",
];

/** Services billed by usage only: listed as unpriced with this reason. */
const USAGE_PRICED: Record<string, string> = {
  "aws:s3/bucket:Bucket": "S3 storage and requests are billed per GB stored ($0.023/GB-month Standard) and per request; volume unknown",
  "aws:s3/bucketV2:BucketV2": "S3 storage and requests are billed per GB stored ($0.023/GB-month Standard) and per request; volume unknown",
  "aws:s3/bucketReplicationConfig:BucketReplicationConfig": "replication is billed per GB transferred; volume unknown",
  "aws:cloudfront/distribution:Distribution": "CloudFront is billed per GB out ($0.085/GB, North America) and per 10k HTTPS requests ($0.01); traffic unknown",
  "aws:sns/topic:Topic": "SNS is billed per request/notification; volume unknown",
  "cloudflare:index/r2Bucket:R2Bucket": "R2 is billed per GB stored and per operation; volume unknown",
  "aws:wafv2/webAcl:WebAcl": "WAF is billed per web ACL, per rule and per million requests; not in the price table",
  // https://aws.amazon.com/cloudtrail/pricing/ (2026-01): the first copy of management events is free.
  "aws:cloudtrail/trail:Trail": "CloudTrail: the account's first trail of management events is free (assumed: this is it); data events $0.10 per 100k; log files billed as S3 storage",
  // https://aws.amazon.com/guardduty/pricing/ (2026-01): billed on the volume analysed, with a 30-day free trial.
  "aws:guardduty/detector:Detector": "GuardDuty is billed per million CloudTrail management events analysed (~$4 per million in us-east-1) after a 30-day trial; volume unknown",
  "aws:guardduty/detectorFeature:DetectorFeature": "GuardDuty EKS audit-log and RDS login protection are billed per million events analysed; volume unknown",
  // https://aws.amazon.com/rds/pricing/ (backup storage, cross-region copies), 2026-01.
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication": "backup copies in the second region: snapshot storage (~$0.095/GB-month) plus cross-region transfer ($0.02/GB); size unknown",
};

function money(n: number): number {
  return Math.round(n * 100) / 100;
}

function fmt(price: Price): string {
  return `$${price.usd}`;
}

/** GiB in a Kubernetes quantity such as "100Gi", "1Ti", "500G"; undefined if unparseable. */
export function quantityGb(q: unknown): number | undefined {
  if (typeof q === "number") return q / 2 ** 30;
  if (typeof q !== "string") return undefined;
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|Pi|K|M|G|T|P)?$/.exec(q.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const unit = m[2] ?? "";
  const factor: Record<string, number> = { "": 2 ** -30, Ki: 2 ** -20, Mi: 2 ** -10, Gi: 1, Ti: 2 ** 10, Pi: 2 ** 20, K: 1e3 / 2 ** 30, M: 1e6 / 2 ** 30, G: 1e9 / 2 ** 30, T: 1e12 / 2 ** 30, P: 1e15 / 2 ** 30 };
  return n * factor[unit];
}

const num = (v: unknown): number | undefined => (typeof v === "number" ? v : typeof v === "string" && /^\d+(\.\d+)?$/.test(v) ? Number(v) : undefined);
const isTrue = (v: unknown) => v === true || v === "true";

type Priced = { monthlyUsd: number; basis: string; unverified?: boolean } | { unpriced: string } | "free";

/** Types whose unpriced instances are likely to cost real money (the pack reports them, advisory). */
export const COSTLY_FAMILIES = [
  "aws:ec2/instance:", "aws:ebs/", "aws:ec2/natGateway:", "aws:eks/", "aws:rds/instance:", "aws:rds/cluster",
  "aws:elasticache/", "aws:memorydb/", "aws:lb/loadBalancer:", "aws:alb/loadBalancer:", "aws:elb/", "aws:opensearch/", "aws:elasticsearch/",
  "aws:redshift/", "aws:msk/", "aws:docdb/", "aws:neptune/", "aws:sagemaker/", "aws:emr/", "aws:kinesis/", "aws:fsx/", "aws:efs/",
  "aws:globalaccelerator/", "aws:ec2transitgateway/", "aws:ec2/vpcEndpoint:", "aws:ec2/eip:", "aws:autoscaling/group:", "aws:dynamodb/",
  "aws:networkfirewall/", "aws:directoryservice/", "aws:workspaces/",
];

export function isCostlyFamily(type: string): boolean {
  return COSTLY_FAMILIES.some((f) => type.startsWith(f));
}

export interface EbsSpec {
  type?: string;
  sizeGb?: number;
  iops?: number;
  throughputMBps?: number;
}

/** Monthly price of one EBS volume, with its arithmetic; unpriced for a type or size the table cannot price. */
export function priceEbs(v: EbsSpec): { monthlyUsd: number; basis: string } | { unpriced: string } {
  const type = v.type ?? "gp3";
  if (v.sizeGb === undefined) return { unpriced: `EBS ${type} volume without a size` };
  const gb = v.sizeGb;
  const parts: string[] = [];
  let usd = 0;
  const add = (amount: number, text: string) => {
    usd += amount;
    parts.push(text);
  };
  switch (type) {
    case "gp3": {
      const t = EBS.gp3;
      add(gb * t.gbMonth.usd, `${gb} GB gp3 x ${fmt(t.gbMonth)}`);
      const extraIops = Math.max(0, (v.iops ?? t.includedIops) - t.includedIops);
      if (extraIops > 0) add(extraIops * t.iopsMonth.usd, `${extraIops} IOPS over ${t.includedIops} x ${fmt(t.iopsMonth)}`);
      const extraTp = Math.max(0, (v.throughputMBps ?? t.includedThroughputMBps) - t.includedThroughputMBps);
      if (extraTp > 0) add(extraTp * t.throughputMBpsMonth.usd, `${extraTp} MB/s over ${t.includedThroughputMBps} x ${fmt(t.throughputMBpsMonth)}`);
      break;
    }
    case "io1":
      add(gb * EBS.io1.gbMonth.usd, `${gb} GB io1 x ${fmt(EBS.io1.gbMonth)}`);
      add((v.iops ?? 0) * EBS.io1.iopsMonth.usd, `${v.iops ?? 0} IOPS x ${fmt(EBS.io1.iopsMonth)}`);
      break;
    case "io2": {
      add(gb * EBS.io2.gbMonth.usd, `${gb} GB io2 x ${fmt(EBS.io2.gbMonth)}`);
      let from = 0;
      for (const tier of EBS.io2.iopsTiers) {
        const n = Math.max(0, Math.min(v.iops ?? 0, tier.upTo) - from);
        if (n > 0) add(n * tier.price.usd, `${n} IOPS x ${fmt(tier.price)}`);
        from = tier.upTo;
      }
      break;
    }
    case "gp2":
    case "st1":
    case "sc1":
    case "standard":
      add(gb * EBS[type].gbMonth.usd, `${gb} GB ${type} x ${fmt(EBS[type].gbMonth)}${type === "standard" ? " (I/O requests not included)" : ""}`);
      break;
    default:
      return { unpriced: `EBS volume type ${type} is not in the price table` };
  }
  return { monthlyUsd: usd, basis: parts.join(" + ") };
}

/** A launch template's or instance's block device as an EbsSpec. */
function ebsOf(ebs: Record<string, any> | undefined): EbsSpec {
  return { type: ebs?.volumeType, sizeGb: num(ebs?.volumeSize), iops: num(ebs?.iops), throughputMBps: num(ebs?.throughput) };
}

/** Resources by type and component (any component when it is null): a node group's launch template, a replica's primary, an ingress group. */
type Siblings = (type: string, component: string | undefined | null) => CostResource[];

function siblingsOf(resources: CostResource[]): Siblings {
  const index = new Map<string, CostResource[]>();
  const add = (key: string, r: CostResource) => {
    const list = index.get(key);
    if (list) list.push(r);
    else index.set(key, [r]);
  };
  const key = (type: string, component: string | undefined) => `${type}\u0000${component ?? ""}`;
  for (const r of resources) {
    add(key(r.type, r.component), r);
    add(`${r.type}\u0000*`, r);
  }
  return (type, component) => index.get(component === null ? `${type}\u0000*` : key(type, component)) ?? [];
}

function priceResource(r: CostResource, all: Siblings, hours: number): Priced {
  const i = r.inputs;
  switch (r.type) {
    case "aws:eks/cluster:Cluster":
      return { monthlyUsd: hours * FLAT.eksControlPlaneHour.usd, basis: `EKS control plane ${hours} h x ${fmt(FLAT.eksControlPlaneHour)}` };
    case "aws:ec2/natGateway:NatGateway":
      return { monthlyUsd: hours * FLAT.natGatewayHour.usd, basis: `NAT gateway ${hours} h x ${fmt(FLAT.natGatewayHour)} (data processed $0.045/GB not included)` };
    case "aws:ec2/eip:Eip":
      return { monthlyUsd: hours * FLAT.publicIpv4Hour.usd, basis: `public IPv4 ${hours} h x ${fmt(FLAT.publicIpv4Hour)}` };
    case "aws:lb/loadBalancer:LoadBalancer":
    case "aws:alb/loadBalancer:LoadBalancer":
      return { monthlyUsd: hours * FLAT.loadBalancerHour.usd, basis: `load balancer ${hours} h x ${fmt(FLAT.loadBalancerHour)} (LCUs not included)` };
    case "aws:elb/loadBalancer:LoadBalancer":
      return { monthlyUsd: hours * FLAT.classicLoadBalancerHour.usd, basis: `classic load balancer ${hours} h x ${fmt(FLAT.classicLoadBalancerHour)} (data processed not included)` };
    case "kubernetes:core/v1:Service":
      if (i.spec?.type !== "LoadBalancer") return "free";
      return { monthlyUsd: hours * FLAT.loadBalancerHour.usd, basis: `LoadBalancer Service: one NLB ${hours} h x ${fmt(FLAT.loadBalancerHour)} (LCUs not included)` };
    case "kubernetes:networking.k8s.io/v1:Ingress":
      return priceIngress(r, all, hours);
    case "aws:cloudwatch/logGroup:LogGroup": {
      const gb = ASSUMED_LOG_GB_PER_GROUP_MONTH;
      const days = num(i.retentionInDays);
      // Steady state: what the retention keeps; without retention, a year's worth as a floor (it grows forever).
      const storedGb = gb * Math.min(days ?? 365, 3653) / 30;
      const ingest = gb * CLOUDWATCH_LOGS.ingestPerGb.usd;
      const stored = storedGb * CLOUDWATCH_LOGS.storedGbMonth.usd;
      return {
        monthlyUsd: ingest + stored,
        basis: `ASSUMED ${gb} GB/month ingested x ${fmt(CLOUDWATCH_LOGS.ingestPerGb)} + ${storedGb.toFixed(1)} GB kept (${days ?? "no retention: >= 365"} days) x ${fmt(CLOUDWATCH_LOGS.storedGbMonth)}`,
      };
    }
    case "aws:ec2/instance:Instance":
      return priceInstance(r, hours);
    case "aws:kms/key:Key":
      return { monthlyUsd: FLAT.kmsKeyMonth.usd, basis: `KMS key ${fmt(FLAT.kmsKeyMonth)}/month` };
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return { monthlyUsd: FLAT.cloudwatchAlarmMonth.usd, basis: `alarm ${fmt(FLAT.cloudwatchAlarmMonth)}/month` };
    case "aws:secretsmanager/secret:Secret":
      return { monthlyUsd: FLAT.secretsManagerSecretMonth.usd, basis: `secret ${fmt(FLAT.secretsManagerSecretMonth)}/month` };
    case "aws:eks/nodeGroup:NodeGroup":
      return priceNodeGroup(r, all, hours);
    case "aws:rds/instance:Instance":
      return priceRds(r, all, hours);
    case "aws:elasticache/replicationGroup:ReplicationGroup": {
      const price = ELASTICACHE_HOURLY[i.nodeType];
      if (!price) return { unpriced: `cache node type ${i.nodeType} is not in the price table` };
      const nodes = num(i.numCacheClusters) ?? (num(i.numNodeGroups) ?? 1) * ((num(i.replicasPerNodeGroup) ?? 0) + 1);
      return { monthlyUsd: nodes * hours * price.usd, basis: `${nodes} x ${i.nodeType} x ${hours} h x ${fmt(price)}` };
    }
    case "aws:elasticache/cluster:Cluster": {
      if (i.replicationGroupId) return "free"; // a member of a replication group, priced there
      const price = ELASTICACHE_HOURLY[i.nodeType];
      if (!price) return { unpriced: `cache node type ${i.nodeType} is not in the price table` };
      const nodes = num(i.numCacheNodes) ?? 1;
      return { monthlyUsd: nodes * hours * price.usd, basis: `${nodes} x ${i.nodeType} x ${hours} h x ${fmt(price)}` };
    }
    case "aws:ebs/volume:Volume":
      return priceEbs({ type: i.type, sizeGb: num(i.size), iops: num(i.iops), throughputMBps: num(i.throughput) });
    case "kubernetes:core/v1:PersistentVolumeClaim": {
      const gb = quantityGb(i.spec?.resources?.requests?.storage);
      if (gb === undefined) return { unpriced: "PVC without a storage request" };
      return { monthlyUsd: gb * STORAGE_GB_MONTH.gp3.usd, basis: `${gb} GiB PVC at gp3 ${fmt(STORAGE_GB_MONTH.gp3)}/GB-month` };
    }
    case "kubernetes:apps/v1:StatefulSet": {
      const claims: any[] = i.spec?.volumeClaimTemplates ?? [];
      if (claims.length === 0) return "free";
      const replicas = num(i.spec?.replicas) ?? 1;
      const gb = claims.reduce((s, c) => s + (quantityGb(c?.spec?.resources?.requests?.storage) ?? 0), 0);
      return { monthlyUsd: replicas * gb * STORAGE_GB_MONTH.gp3.usd, basis: `${replicas} replicas x ${gb} GiB volume claims at gp3 ${fmt(STORAGE_GB_MONTH.gp3)}/GB-month` };
    }
  }
  if (r.type in USAGE_PRICED) return { unpriced: USAGE_PRICED[r.type] };
  if (FREE_PREFIXES.some((p) => r.type.startsWith(p))) return "free";
  return { unpriced: "not in the price model (may carry a charge)" };
}

/** Root volume of a node group's nodes: its diskSize, else its component's launch template, else the EKS default 20 GB (priced as gp3, an assumption). */
function nodeRootVolume(r: CostResource, all: Siblings): EbsSpec {
  const disk = num(r.inputs.diskSize);
  if (disk !== undefined) return { type: "gp3", sizeGb: disk };
  if (r.inputs.launchTemplate) {
    const templates = all("aws:ec2/launchTemplate:LaunchTemplate", r.component);
    const ebs = templates.length === 1 ? templates[0].inputs.blockDeviceMappings?.[0]?.ebs : undefined;
    if (num(ebs?.volumeSize) !== undefined) return { ...ebsOf(ebs), type: ebs.volumeType ?? "gp3" };
  }
  return { type: "gp3", sizeGb: 20 };
}

function priceInstance(r: CostResource, hours: number): Priced {
  const i = r.inputs;
  const price = EC2_HOURLY[i.instanceType];
  if (!price) return { unpriced: `instance type ${i.instanceType} is not in the price table` };
  const volumes = [i.rootBlockDevice ? ebsOf(i.rootBlockDevice) : { type: "gp3", sizeGb: 8 }, ...(i.ebsBlockDevices ?? []).map(ebsOf)];
  const priced = volumes.map((v) => priceEbs({ ...v, type: v.type ?? "gp3", sizeGb: v.sizeGb ?? 8 }));
  const bad = priced.find((p): p is { unpriced: string } => "unpriced" in p);
  if (bad) return { unpriced: bad.unpriced };
  const disks = priced as { monthlyUsd: number; basis: string }[];
  return {
    monthlyUsd: hours * price.usd + disks.reduce((n, d) => n + d.monthlyUsd, 0),
    basis: [`${i.instanceType} x ${hours} h x ${fmt(price)}`, ...disks.map((d) => d.basis)].join(" + "),
  };
}

/** An `alb` Ingress: one ALB per ingress group (alb.ingress.kubernetes.io/group.name), priced on the group's first Ingress. */
function priceIngress(r: CostResource, all: Siblings, hours: number): Priced {
  const className = r.inputs.spec?.ingressClassName ?? r.inputs.metadata?.annotations?.["kubernetes.io/ingress.class"];
  if (className !== "alb") return "free";
  const group = (x: CostResource) => x.inputs.metadata?.annotations?.["alb.ingress.kubernetes.io/group.name"];
  const g = group(r);
  if (g !== undefined) {
    const first = all(r.type, null).find((x) => group(x) === g);
    if (first !== r) return "free";
  }
  return { monthlyUsd: hours * FLAT.loadBalancerHour.usd, basis: `ALB for ${g ? `ingress group ${g}` : "this Ingress"} ${hours} h x ${fmt(FLAT.loadBalancerHour)} (LCUs not included)` };
}

function priceNodeGroup(r: CostResource, all: Siblings, hours: number): Priced {
  const type: string | undefined = r.inputs.instanceTypes?.[0];
  const nodes = num(r.inputs.scalingConfig?.desiredSize);
  if (!type) return { unpriced: "node group without instanceTypes" };
  if (nodes === undefined) return { unpriced: "node group without a known desiredSize" };
  const price = EC2_HOURLY[type];
  if (!price) return { unpriced: `instance type ${type} is not in the price table` };
  const spot = r.inputs.capacityType === "SPOT";
  const saving = spot ? SPOT_SAVINGS[type] ?? ASSUMED_SPOT_DISCOUNT : undefined;
  const hourly = price.usd * (saving ? 1 - saving.usd : 1);
  const root = nodeRootVolume(r, all);
  const disk = priceEbs(root);
  if ("unpriced" in disk) return { unpriced: `node root volume: ${disk.unpriced}` };
  const compute = nodes * hours * hourly;
  const spotText = saving ? ` x (1 - ${saving.usd} assumed spot saving)` : "";
  return {
    monthlyUsd: compute + nodes * disk.monthlyUsd,
    basis: `${nodes} x ${type}${spot ? " SPOT" : ""} x ${hours} h x ${fmt(price)}${spotText} + ${nodes} x (${disk.basis})`,
  };
}

function priceRds(r: CostResource, all: Siblings, hours: number): Priced {
  const i = r.inputs;
  const price = RDS_HOURLY[i.instanceClass];
  if (!price) return { unpriced: `DB instance class ${i.instanceClass} is not in the price table` };
  const factor = isTrue(i.multiAz) ? RDS_MULTI_AZ_FACTOR.usd : 1;
  let gb = num(i.allocatedStorage);
  let storageNote = "";
  if (gb === undefined && i.replicateSourceDb) {
    const primaries = all(r.type, r.component).filter((x) => !x.inputs.replicateSourceDb);
    gb = Math.max(0, ...primaries.map((x) => num(x.inputs.allocatedStorage) ?? 0));
    storageNote = " (source's size)";
  }
  gb = gb ?? 20;
  const instance = hours * price.usd * factor;
  const storage = gb * STORAGE_GB_MONTH.rdsGp3.usd * factor;
  return {
    monthlyUsd: instance + storage,
    basis: `${i.instanceClass}${factor > 1 ? " Multi-AZ x2" : ""} x ${hours} h x ${fmt(price)} + ${gb} GB${storageNote} x ${fmt(STORAGE_GB_MONTH.rdsGp3)}${factor > 1 ? " x2" : ""}`,
    unverified: price.confidence === "unverified-linear",
  };
}

/** Monthly cost per resource, component and stack at the baseline described above. */
export function estimateCost(resources: CostResource[], options: { hoursPerMonth?: number } = {}): CostEstimate {
  const hours = options.hoursPerMonth ?? HOURS_PER_MONTH;
  const lines: CostLine[] = [];
  const unpriced: UnpricedLine[] = [];
  const siblings = siblingsOf(resources);
  for (const r of resources) {
    const component = r.component ?? "(stack)";
    const priced = priceResource(r, siblings, hours);
    if (priced === "free") continue;
    if ("unpriced" in priced) unpriced.push({ resource: r.name, type: r.type, component, reason: priced.unpriced });
    else lines.push({ resource: r.name, type: r.type, component, monthlyUsd: money(priced.monthlyUsd), basis: priced.basis, ...(priced.unverified ? { unverified: true } : {}) });
  }
  const byComponent: Record<string, number> = {};
  for (const l of lines) byComponent[l.component] = money((byComponent[l.component] ?? 0) + l.monthlyUsd);
  return {
    hoursPerMonth: hours,
    baseline: BASELINE,
    lines,
    unpriced,
    byComponent,
    totalUsd: money(lines.reduce((s, l) => s + l.monthlyUsd, 0)),
  };
}

/** The cost table as text lines (the plan prints it). */
export function renderCostTable(estimate: CostEstimate, budgetUsd?: number): string[] {
  const usd = (n: number) => `$${n.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const out: string[] = [`Estimated monthly cost (${estimate.baseline}):`];
  const width = Math.max(10, ...estimate.lines.map((l) => l.resource.length));
  const byComp = new Map<string, CostLine[]>();
  for (const l of estimate.lines) {
    const lines = byComp.get(l.component);
    if (lines) lines.push(l);
    else byComp.set(l.component, [l]);
  }
  for (const [component, lines] of byComp) {
    out.push(`  ${component}: ${usd(estimate.byComponent[component])}`);
    for (const l of lines) out.push(`    ${l.resource.padEnd(width)}  ${usd(l.monthlyUsd).padStart(12)}  ${l.basis}${l.unverified ? "  [unverified price]" : ""}`);
  }
  out.push(`  total: ${usd(estimate.totalUsd)}${budgetUsd !== undefined ? ` of a ${usd(budgetUsd)} budget (${Math.round((estimate.totalUsd / budgetUsd) * 100)}%)` : ""}`);
  if (estimate.unpriced.length > 0) {
    out.push(`  unpriced (${estimate.unpriced.length}; not in the total):`);
    for (const u of estimate.unpriced) out.push(`    ${u.resource} (${u.type}): ${u.reason}`);
  }
  return out;
}
