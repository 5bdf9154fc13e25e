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
 * - node root volumes (launch template size, else the EKS default 20 GB) and PVCs / StatefulSet volume claim
 *   templates at the gp3 rate (the EBS CSI storage class is assumed gp3).
 * Usage-priced services (S3 storage, CloudFront, NAT data, log ingestion) cannot be priced before traffic:
 * they are listed as unpriced, with the reason, never counted as zero. Kubernetes objects run on the priced
 * nodes and cost nothing themselves; so do IAM, VPC plumbing and bucket settings (FREE_TYPES).
 */
import {
  ASSUMED_SPOT_DISCOUNT,
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
  "aws:s3/bucketLogging", "aws:s3/bucketNotification:", "aws:s3/bucketAcl",
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
  "aws:cloudwatch/logGroup:LogGroup": "CloudWatch Logs are billed per GB ingested and stored; volume unknown",
  "aws:sns/topic:Topic": "SNS is billed per request/notification; volume unknown",
  "cloudflare:index/r2Bucket:R2Bucket": "R2 is billed per GB stored and per operation; volume unknown",
  "aws:wafv2/webAcl:WebAcl": "WAF is billed per web ACL, per rule and per million requests; not in the price table",
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

/** Resources by type and component: what a node group's launch template or a replica's primary is looked up in. */
type Siblings = (type: string, component: string | undefined) => CostResource[];

function siblingsOf(resources: CostResource[]): Siblings {
  const index = new Map<string, CostResource[]>();
  const key = (type: string, component: string | undefined) => `${type}\u0000${component ?? ""}`;
  for (const r of resources) {
    const list = index.get(key(r.type, r.component));
    if (list) list.push(r);
    else index.set(key(r.type, r.component), [r]);
  }
  return (type, component) => index.get(key(type, component)) ?? [];
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
    case "aws:ebs/volume:Volume": {
      const gb = num(i.size);
      if ((i.type ?? "gp3") !== "gp3" || gb === undefined) return { unpriced: `EBS volume of type ${i.type ?? "gp3"} / size ${i.size} is not priced` };
      return { monthlyUsd: gb * STORAGE_GB_MONTH.gp3.usd, basis: `${gb} GB gp3 x ${fmt(STORAGE_GB_MONTH.gp3)}` };
    }
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

/** Root volume size of a node group's nodes: its diskSize, else its component's launch template, else 20 GB. */
function nodeRootGb(r: CostResource, all: Siblings): number {
  const disk = num(r.inputs.diskSize);
  if (disk !== undefined) return disk;
  if (r.inputs.launchTemplate) {
    const templates = all("aws:ec2/launchTemplate:LaunchTemplate", r.component);
    const size = templates.length === 1 ? num(templates[0].inputs.blockDeviceMappings?.[0]?.ebs?.volumeSize) : undefined;
    if (size !== undefined) return size;
  }
  return 20;
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
  const rootGb = nodeRootGb(r, all);
  const compute = nodes * hours * hourly;
  const disk = nodes * rootGb * STORAGE_GB_MONTH.gp3.usd;
  const spotText = saving ? ` x (1 - ${saving.usd} assumed spot saving)` : "";
  return {
    monthlyUsd: compute + disk,
    basis: `${nodes} x ${type}${spot ? " SPOT" : ""} x ${hours} h x ${fmt(price)}${spotText} + ${nodes} x ${rootGb} GB gp3 x ${fmt(STORAGE_GB_MONTH.gp3)}`,
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
