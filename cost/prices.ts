/**
 * The price table of the cost estimate: USD list prices in us-east-1, on-demand, Linux, each with its public
 * source and the date of that source. Every region is priced at these us-east-1 rates (an assumption: other
 * regions are typically 0-25% higher). Figures are either public data (`confidence: "public"`), secondary
 * (a public price table or pricing page not cross-checked against a second source here), or an unverified
 * linear estimate from a smaller size of the same family (`"unverified-linear"`), which the report marks.
 */

export type Confidence = "public" | "secondary" | "unverified-linear";

export interface Price {
  usd: number;
  source: string;
  date: string;
  confidence: Confidence;
}

/** Hours in a month: the 730-hour convention (8760 h / 12) AWS's calculator uses. */
export const HOURS_PER_MONTH = 730;

const KARPENTER = { source: "aws/karpenter-provider-aws pkg/providers/pricing/zz_generated.pricing_aws.go (Infracost goldens agree for t3.medium, t3.large, m5.8xlarge)", date: "2026-01-19", confidence: "public" as const };
const SPOT_ADVISOR = { source: "AWS Spot Advisor data as copied in alexei-led/spotinfo internal/spot/data/spot-advisor-data.json", date: "2025-07-28", confidence: "public" as const };
const INFRACOST = { source: "Infracost golden tests, internal/providers/terraform/aws/testdata/", date: "2026-01", confidence: "public" as const };
const RDS_LINEAR = { source: "UNVERIFIED linear estimate: db.r5.large $0.25/h (Infracost) x size factor (xlarge 2, 4xlarge 8, 16xlarge 32); RDS prices scale linearly within a family, but this figure was not found published", date: "2026-01", confidence: "unverified-linear" as const };
const ELASTICACHE_TABLE = { source: "public price table stating it was read from the AWS Price List API (AmazonElastiCache, cacheEngine Redis, NodeUsage:<type>, us-east-1); its cache.m4.large 0.156 and cache.r5.4xlarge 1.724 match the Infracost goldens; https://aws.amazon.com/elasticache/pricing/", date: "2026-10-02", confidence: "secondary" as const };
const AWS_PAGE = (page: string) => ({ source: `AWS public pricing page ${page} (list price, not cross-checked offline)`, date: "2026-01", confidence: "secondary" as const });

const p = (usd: number, src: Omit<Price, "usd">): Price => ({ usd, ...src });

/** EC2 on-demand, USD per instance-hour. */
export const EC2_HOURLY: Record<string, Price> = {
  "t3.medium": p(0.0416, KARPENTER),
  "t3.large": p(0.0832, KARPENTER),
  "c5.large": p(0.085, KARPENTER),
  "c5.xlarge": p(0.17, KARPENTER),
  "c5.2xlarge": p(0.34, KARPENTER),
  "c5.4xlarge": p(0.68, KARPENTER),
  "c5a.xlarge": p(0.154, KARPENTER),
  "m5.8xlarge": p(1.536, KARPENTER),
  "g4dn.xlarge": p(0.526, KARPENTER),
  "g4dn.2xlarge": p(0.752, AWS_PAGE("https://aws.amazon.com/ec2/pricing/on-demand/ (g4dn.2xlarge, Linux, us-east-1)")),
  "g5.xlarge": p(1.006, KARPENTER),
  "g5.2xlarge": p(1.212, KARPENTER),
  "p3.2xlarge": p(3.06, KARPENTER),
};

/** Spot savings versus on-demand (fraction), per instance type. ASSUMED: spot prices move; these are averages. */
export const SPOT_SAVINGS: Record<string, Price> = {
  "t3.medium": p(0.56, SPOT_ADVISOR),
  "t3.large": p(0.62, SPOT_ADVISOR),
  "c5.large": p(0.59, SPOT_ADVISOR),
  "c5.xlarge": p(0.56, SPOT_ADVISOR),
  "c5.2xlarge": p(0.56, SPOT_ADVISOR),
  "c5.4xlarge": p(0.66, SPOT_ADVISOR),
  "c5a.xlarge": p(0.5, SPOT_ADVISOR),
  "m5.8xlarge": p(0.69, SPOT_ADVISOR),
  "g5.xlarge": p(0.59, SPOT_ADVISOR),
  "g5.2xlarge": p(0.58, SPOT_ADVISOR),
  "g4dn.xlarge": p(0.64, SPOT_ADVISOR),
  "p3.2xlarge": p(0.8, SPOT_ADVISOR),
};

/** ASSUMED spot discount for a type without its own figure: the median over all types in the same data. */
export const ASSUMED_SPOT_DISCOUNT: Price = p(0.66, { ...SPOT_ADVISOR, source: `ASSUMED: median spot saving over all types, ${SPOT_ADVISOR.source}` });

/** RDS for PostgreSQL, single-AZ on-demand, USD per instance-hour. Multi-AZ doubles it. */
export const RDS_HOURLY: Record<string, Price> = {
  "db.t3.medium": p(0.072, INFRACOST),
  "db.t3.large": p(0.145, INFRACOST),
  "db.r5.large": p(0.25, INFRACOST),
  "db.r5.xlarge": p(0.5, RDS_LINEAR),
  "db.r5.4xlarge": p(2.0, RDS_LINEAR),
  "db.r5.16xlarge": p(8.0, RDS_LINEAR),
};

/** Multi-AZ instance and storage price factor (Infracost golden, MySQL). */
export const RDS_MULTI_AZ_FACTOR: Price = p(2, INFRACOST);

/** ElastiCache (Redis OSS) on-demand, USD per node-hour. */
export const ELASTICACHE_HOURLY: Record<string, Price> = {
  "cache.t3.medium": p(0.068, ELASTICACHE_TABLE),
  "cache.m4.large": p(0.156, INFRACOST),
  "cache.r5.4xlarge": p(1.724, INFRACOST),
  "cache.r6g.large": p(0.206, ELASTICACHE_TABLE),
  "cache.r6g.xlarge": p(0.411, ELASTICACHE_TABLE),
  "cache.r6g.2xlarge": p(0.821, ELASTICACHE_TABLE),
};

/** Flat hourly or monthly charges. */
export const FLAT = {
  eksControlPlaneHour: p(0.1, INFRACOST),
  natGatewayHour: p(0.045, INFRACOST),
  /** Application / Network Load Balancer hour (LCUs are usage, not priced). */
  loadBalancerHour: p(0.0225, AWS_PAGE("https://aws.amazon.com/elasticloadbalancing/pricing/")),
  /** Classic Load Balancer hour (data processed $0.008/GB is usage, not priced). */
  classicLoadBalancerHour: p(0.025, AWS_PAGE("https://aws.amazon.com/elasticloadbalancing/pricing/ (Classic Load Balancer)")),
  /** In-use public IPv4 address (Elastic IP), charged since 2024-02. */
  publicIpv4Hour: p(0.005, AWS_PAGE("https://aws.amazon.com/vpc/pricing/")),
  kmsKeyMonth: p(1, AWS_PAGE("https://aws.amazon.com/kms/pricing/")),
  cloudwatchAlarmMonth: p(0.1, AWS_PAGE("https://aws.amazon.com/cloudwatch/pricing/")),
  secretsManagerSecretMonth: p(0.4, AWS_PAGE("https://aws.amazon.com/secrets-manager/pricing/")),
};

const EBS_PAGE = AWS_PAGE("https://aws.amazon.com/ebs/pricing/ (us-east-1; a third-party summary agrees on the io2 tiers)");

/**
 * EBS volumes by type, USD per GB-month of provisioned size, with the included and extra performance each
 * type bills: gp3 includes 3,000 IOPS and 125 MB/s; io1/io2 bill every provisioned IOPS (io2 in tiers);
 * magnetic `standard` also bills I/O requests, which are usage and not priced here.
 */
export const EBS = {
  gp3: { gbMonth: p(0.08, INFRACOST), includedIops: 3000, iopsMonth: p(0.005, EBS_PAGE), includedThroughputMBps: 125, throughputMBpsMonth: p(0.04, INFRACOST) },
  gp2: { gbMonth: p(0.1, EBS_PAGE) },
  io1: { gbMonth: p(0.125, EBS_PAGE), iopsMonth: p(0.065, EBS_PAGE) },
  /** io2 provisioned IOPS in tiers: up to 32,000; 32,001-64,000; above 64,000. */
  io2: { gbMonth: p(0.125, EBS_PAGE), iopsTiers: [{ upTo: 32_000, price: p(0.065, EBS_PAGE) }, { upTo: 64_000, price: p(0.0455, EBS_PAGE) }, { upTo: Infinity, price: p(0.032, EBS_PAGE) }] },
  st1: { gbMonth: p(0.045, EBS_PAGE) },
  sc1: { gbMonth: p(0.015, EBS_PAGE) },
  standard: { gbMonth: p(0.05, EBS_PAGE) },
};

/** CloudWatch Logs (standard class): ingestion per GB and archived storage per GB-month. */
export const CLOUDWATCH_LOGS = {
  ingestPerGb: p(0.5, AWS_PAGE("https://aws.amazon.com/cloudwatch/pricing/ (Logs, Standard, collect)")),
  storedGbMonth: p(0.03, AWS_PAGE("https://aws.amazon.com/cloudwatch/pricing/ (Logs, store/archive)")),
};

/**
 * ASSUMED log volume per CloudWatch log group and month, to price log groups before traffic exists: EKS
 * control-plane logs with audit on run a few GB a month on a quiet cluster. Change it here; the basis of each
 * log-group line states it.
 */
export const ASSUMED_LOG_GB_PER_GROUP_MONTH = 5;

/** Storage, USD per GB-month. */
export const STORAGE_GB_MONTH = {
  gp3: EBS.gp3.gbMonth,
  rdsGp3: p(0.115, AWS_PAGE("https://aws.amazon.com/rds/postgresql/pricing/ (General Purpose gp2/gp3 storage, single-AZ)")),
  s3Standard: p(0.023, INFRACOST),
  s3StandardIa: p(0.0125, AWS_PAGE("https://aws.amazon.com/s3/pricing/")),
  s3GlacierInstantRetrieval: p(0.004, AWS_PAGE("https://aws.amazon.com/s3/pricing/")),
};

/** Usage-priced rates shown beside the estimate (not in the total: the volume is unknown before traffic). */
export const USAGE = {
  natGatewayPerGb: p(0.045, INFRACOST),
  cloudfrontPerGbNorthAmerica: p(0.085, INFRACOST),
  cloudfrontPer10kHttpsRequests: p(0.01, INFRACOST),
};
