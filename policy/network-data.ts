/**
 * Network and data rules beyond the basics in security.ts: the default security group, network ACLs, EKS node
 * group SSH, EBS encryption, TLS and IAM authentication on RDS, ElastiCache snapshots, access logging (S3,
 * CloudFront), log retention, and engine versions past standard support. Each judges the resource class by its
 * provider input shape (node_modules/@pulumi/aws/<module>/<resource>.d.ts), never by our resource names.
 */
import { internetExposure } from "./cidr";
import { asNumber, configOf, isTrue, isUnknown, ofTypes, parseMaybeJson, resourceRule, schemaFrom, stackRule, type PolicyResource, type Rule } from "./kit";
import { BUCKET_TYPES, T, companionsOf } from "./security";
import { EKS_VERSIONS, POSTGRES_VERSIONS, postgresMajor, supportStatus, type SupportWindow } from "./versions";

const list = (v: unknown): any[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

// ---------------------------------------------------------------------------------------------------------
// Network
// ---------------------------------------------------------------------------------------------------------

export const defaultSecurityGroupClosed = resourceRule({
  name: "vpc-default-sg-closed",
  description: "A managed VPC default security group has no ingress or egress rules (nothing should use it).",
  types: [T.defaultSecurityGroup],
  validate: (props, args, report) => {
    const ingress = list(props.ingress).length;
    const egress = list(props.egress).length;
    if (ingress + egress > 0) report(`${args.name}: the VPC's default security group has ${ingress} ingress and ${egress} egress rules; manage it with no rules (ingress: [], egress: []) and give resources their own groups.`);
  },
});

/** Remote administration ports (SSH, RDP) that network ACLs must not open to the internet. */
const naclDefaults = { adminPorts: ["22", "3389"] };

/** `cidrs` may hold an absent block (undefined): internetExposure skips whatever is not a CIDR. */
interface AclEntry { egress: boolean; action: string; protocol: string; from?: number; to?: number; cidrs: unknown[]; ruleNo?: number }

function aclEntries(type: string, props: Record<string, any>): AclEntry[] {
  if (type === T.networkAclRule) {
    return [{ egress: isTrue(props.egress), action: String(props.ruleAction), protocol: String(props.protocol), from: asNumber(props.fromPort), to: asNumber(props.toPort), cidrs: [props.cidrBlock, props.ipv6CidrBlock], ruleNo: asNumber(props.ruleNumber) }];
  }
  const entry = (e: any, egress: boolean): AclEntry => ({ egress, action: String(e?.action), protocol: String(e?.protocol), from: asNumber(e?.fromPort), to: asNumber(e?.toPort), cidrs: [e?.cidrBlock, e?.ipv6CidrBlock], ruleNo: asNumber(e?.ruleNo) });
  return [...list(props.ingress).map((e) => entry(e, false)), ...list(props.egress).map((e) => entry(e, true))];
}

export const naclNoOpenAdminPorts = resourceRule({
  name: "nacl-no-open-admin-ports",
  description: "Network ACLs do not allow ingress from the internet to remote administration ports (22, 3389).",
  types: [T.networkAcl, T.networkAclRule, T.defaultNetworkAcl],
  configSchema: schemaFrom(naclDefaults),
  validate: (props, args, report) => {
    const ports = configOf(args, naclDefaults).adminPorts.map(Number);
    for (const e of aclEntries(args.type, props)) {
      if (e.egress || e.action.toLowerCase() !== "allow") continue;
      const open = internetExposure(e.cidrs);
      if (!open) continue;
      const allProtocols = e.protocol === "-1" || e.protocol === "all";
      if (!allProtocols && !["6", "tcp", "17", "udp"].includes(e.protocol.toLowerCase())) continue;
      const exposed = ports.filter((p) => allProtocols || e.from === undefined || (e.from <= p && p <= (e.to ?? e.from)));
      if (exposed.length > 0) report(`${args.name}: network ACL rule ${e.ruleNo ?? "?"} allows ingress from the internet (${open}) to port${exposed.length > 1 ? "s" : ""} ${exposed.join(", ")}; deny it and reach nodes through SSM Session Manager.`);
    }
  },
});

export const nodeGroupNoOpenSsh = resourceRule({
  name: "eks-node-group-no-open-ssh",
  description: "EKS managed node groups with remote access (an SSH key) restrict it to source security groups; without them SSH is open to 0.0.0.0/0.",
  types: [T.nodeGroup],
  validate: (props, args, report) => {
    const ra = parseMaybeJson(props.remoteAccess);
    if (ra?.ec2SshKey && list(ra.sourceSecurityGroupIds).length === 0) report(`${args.name}: remoteAccess sets ec2SshKey without sourceSecurityGroupIds, so EKS opens port 22 to 0.0.0.0/0; drop remoteAccess (use SSM) or list sourceSecurityGroupIds.`);
  },
});

export const ebsEncrypted = resourceRule({
  name: "ebs-encrypted",
  description: "EBS volumes are encrypted: launch template block devices, standalone volumes, instance root and data volumes.",
  types: [T.launchTemplate, T.ebsVolume, T.instance],
  validate: (props, args, report) => {
    const bad = (v: unknown) => !isTrue(v) && !isUnknown(v);
    if (args.type === T.ebsVolume) {
      if (bad(props.encrypted)) report(`${args.name}: EBS volume is not encrypted; set encrypted: true (with a KMS key).`);
      return;
    }
    if (args.type === T.launchTemplate) {
      for (const m of list(props.blockDeviceMappings)) {
        if (m?.ebs && bad(m.ebs.encrypted) && !m.ebs.snapshotId) report(`${args.name}: block device ${m.deviceName ?? "?"} is not encrypted; set ebs.encrypted: "true".`);
      }
      return;
    }
    if (props.rootBlockDevice && bad(props.rootBlockDevice.encrypted)) report(`${args.name}: the root volume is not encrypted; set rootBlockDevice.encrypted: true.`);
    for (const d of list(props.ebsBlockDevices)) if (bad(d?.encrypted)) report(`${args.name}: volume ${d?.deviceName ?? "?"} is not encrypted; set encrypted: true.`);
  },
});

// ---------------------------------------------------------------------------------------------------------
// RDS and ElastiCache
// ---------------------------------------------------------------------------------------------------------

/** PostgreSQL majors whose RDS default is rds.force_ssl=1 (15 and later); older ones must set it. */
const FORCE_SSL_DEFAULT_FROM = 15;

export const rdsForceSsl = resourceRule({
  name: "rds-force-ssl",
  description: "PostgreSQL parameter groups require TLS: rds.force_ssl is not 0 (and is set to 1 on families before postgres15, whose default is 0).",
  types: [T.rdsParameterGroup, T.rdsClusterParameterGroup],
  validate: (props, args, report) => {
    const family = String(props.family ?? "");
    const m = /^(aurora-)?postgres(ql)?(\d+)/.exec(family);
    if (!m) return args.notApplicable("not a PostgreSQL parameter group");
    const param = list(props.parameters).find((p) => p?.name === "rds.force_ssl");
    const value = param === undefined ? undefined : String(param.value);
    if (value === "0" || value === "off" || value === "false") report(`${args.name}: rds.force_ssl is ${value}; clients could connect without TLS. Set it to 1.`);
    else if (value === undefined && Number(m[3]) < FORCE_SSL_DEFAULT_FROM) report(`${args.name}: family ${family} defaults rds.force_ssl to 0; set the parameter rds.force_ssl = 1.`);
  },
});

const IAM_AUTH_ENGINES = /^(postgres|mysql|mariadb|aurora)/;

export const rdsIamAuth = resourceRule({
  name: "rds-iam-auth",
  description: "RDS PostgreSQL/MySQL instances and clusters accept IAM database authentication (iamDatabaseAuthenticationEnabled), so people and jobs log in with short-lived tokens instead of shared passwords.",
  types: [T.rdsInstance, T.rdsCluster],
  validate: (props, args, report) => {
    const engine = props.engine;
    if (typeof engine === "string" && !IAM_AUTH_ENGINES.test(engine)) return args.notApplicable(`engine ${engine} has no IAM authentication`);
    if (!isTrue(props.iamDatabaseAuthenticationEnabled) && !isUnknown(props.iamDatabaseAuthenticationEnabled)) report(`${args.name}: iamDatabaseAuthenticationEnabled is not true; turn on IAM database authentication.`);
  },
});

const snapshotDefaults = { minSnapshotRetentionDays: 1 };
export const elasticacheSnapshots = resourceRule({
  name: "elasticache-snapshots",
  description: "Redis/Valkey replication groups (and standalone Redis clusters) keep automatic snapshots (snapshotRetentionLimit >= minSnapshotRetentionDays).",
  types: [T.replicationGroup, T.cacheCluster],
  configSchema: schemaFrom(snapshotDefaults),
  validate: (props, args, report) => {
    if (args.type === T.cacheCluster && (props.replicationGroupId || props.engine === "memcached")) return args.notApplicable("member of a replication group, or memcached");
    const { minSnapshotRetentionDays } = configOf(args, snapshotDefaults);
    const days = asNumber(props.snapshotRetentionLimit) ?? 0;
    if (days < minSnapshotRetentionDays) report(`${args.name}: snapshotRetentionLimit is ${days}; keep automatic snapshots for at least ${minSnapshotRetentionDays} day(s).`);
  },
});

// ---------------------------------------------------------------------------------------------------------
// Access logging and log retention
// ---------------------------------------------------------------------------------------------------------

/** Physical bucket names that receive logs (server access log targets, CloudFront standard logs, CloudTrail); looked up by name only. */
function logTargets(resources: PolicyResource[]): Set<unknown> {
  const out = new Set<unknown>();
  for (const r of resources) {
    if ((T.bucketLogging as readonly string[]).includes(r.type)) out.add(r.props.targetBucket);
    if (r.type === T.distribution) {
      const b = parseMaybeJson(r.props.loggingConfig)?.bucket;
      if (typeof b === "string") out.add(b.replace(/\.s3(\.[a-z0-9-]+)?\.amazonaws\.com$/, ""));
    }
    if (r.type === T.trail) out.add(r.props.s3BucketName);
  }
  return out;
}

/** True when a CloudTrail trail records S3 object-level (data) events for this bucket or for all buckets. */
function trailRecordsDataEvents(bucket: PolicyResource, trails: PolicyResource[]): boolean {
  const name = bucket.props.bucket;
  const covers = (values: unknown[]) => values.some((v) => typeof v === "string" && (v === "arn:aws:s3" || v === "arn:aws:s3:::" || (typeof name === "string" && v.startsWith(`arn:aws:s3:::${name}`)) || isUnknown(v)));
  return trails.some((t) => {
    const basic = list(t.props.eventSelectors).some((s) => list(s?.dataResources).some((d) => d?.type === "AWS::S3::Object" && covers(list(d?.values))));
    const advanced = list(t.props.advancedEventSelectors).some((s) => {
      const fields = list(s?.fieldSelectors);
      const s3 = fields.some((f) => f?.field === "resources.type" && list(f?.equals).includes("AWS::S3::Object"));
      const arn = fields.find((f) => f?.field === "resources.ARN");
      return s3 && (!arn || covers([...list(arn.startsWith), ...list(arn.equals)]));
    });
    return basic || advanced;
  });
}

export const s3AccessLogging = stackRule({
  name: "s3-access-logging",
  description: "Every S3 bucket that is not itself a log destination has server access logging, or a CloudTrail trail records its object-level (data) events.",
  validate: (args, report) => {
    const buckets = ofTypes(args.resources, BUCKET_TYPES);
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    const targets = logTargets(args.resources);
    const trails = ofTypes(args.resources, [T.trail]);
    for (const b of buckets) {
      if (typeof b.props.bucket === "string" && targets.has(b.props.bucket)) continue;
      const inline = list(parseMaybeJson(b.props.loggings)).length > 0 || parseMaybeJson(b.props.logging)?.targetBucket;
      if (inline || companionsOf(b, args.resources, T.bucketLogging).length > 0 || trailRecordsDataEvents(b, trails)) continue;
      report(`S3 bucket ${b.name} has no access logging; add a BucketLogging to a log bucket, or a CloudTrail trail with S3 data events for it.`, b.urn);
    }
  },
});

export const cloudfrontAccessLogging = resourceRule({
  name: "cloudfront-access-logging",
  description: "CloudFront distributions write standard access logs (loggingConfig.bucket).",
  types: [T.distribution],
  validate: (props, args, report) => {
    const bucket = parseMaybeJson(props.loggingConfig)?.bucket;
    if (typeof bucket !== "string" || bucket === "") report(`${args.name}: no loggingConfig.bucket; send standard logs to a log bucket (loggingConfig: { bucket: "<logs>.s3.amazonaws.com" }).`);
  },
});

const retentionDefaults = { minRetentionDays: 1 };
export const logGroupRetention = resourceRule({
  name: "cloudwatch-log-retention",
  description: "CloudWatch log groups set a retention (retentionInDays >= minRetentionDays); the default keeps and bills logs forever.",
  types: [T.logGroup],
  configSchema: schemaFrom(retentionDefaults),
  validate: (props, args, report) => {
    const { minRetentionDays } = configOf(args, retentionDefaults);
    const days = asNumber(props.retentionInDays);
    if (days === undefined || days === 0) report(`${args.name}: no retentionInDays, so logs are kept (and billed) forever; set a retention such as 30 or 90 days.`);
    else if (days < minRetentionDays) report(`${args.name}: retentionInDays ${days} is below the required ${minRetentionDays}.`);
  },
});

// ---------------------------------------------------------------------------------------------------------
// Versions past standard support
// ---------------------------------------------------------------------------------------------------------

const versionDefaults = { asOf: "" };
const today = () => new Date().toISOString().slice(0, 10);

function versionProblem(what: string, version: string, table: Record<string, SupportWindow>, asOf: string, compare: (a: string, b: string) => number): string | undefined {
  const { status, window } = supportStatus(table, version, asOf);
  if (status === "standard") return undefined;
  if (status === "unknown") {
    // Newer than every row: a release the table has not caught up with yet.
    if (Object.keys(table).every((known) => compare(version, known) > 0)) return undefined;
    return `${what} ${version} is not in the support table (policy/versions.ts); it is older than every supported version`;
  }
  const ext = status === "extended" ? `in paid extended support until ${window!.endOfExtendedSupport}` : `past extended support since ${window!.endOfExtendedSupport}, due for a forced upgrade`;
  return `${what} ${version} left standard support on ${window!.endOfStandardSupport} (${ext})`;
}

const compareDotted = (a: string, b: string) => {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  // Stryker disable next-line EqualityOperator: one more round compares the 0 padding of both sides, which are equal.
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
};

export const eksSupportedVersion = resourceRule({
  name: "eks-supported-version",
  description: "EKS clusters run a Kubernetes version in standard support (policy/versions.ts, on the date `asOf`, default today).",
  types: [T.eksCluster],
  configSchema: schemaFrom(versionDefaults),
  validate: (props, args, report) => {
    const asOf = configOf(args, versionDefaults).asOf || today();
    if (typeof props.version !== "string" || isUnknown(props.version)) return report(`${args.name}: no Kubernetes version set; pin one (EKS would pick its default, which moves).`);
    const problem = versionProblem("Kubernetes", props.version, EKS_VERSIONS, asOf, compareDotted);
    if (problem) report(`${args.name}: ${problem}; upgrade one minor version at a time.`);
  },
});

export const rdsSupportedVersion = resourceRule({
  name: "rds-supported-version",
  description: "RDS PostgreSQL primaries and Aurora PostgreSQL clusters run a major version in RDS standard support (policy/versions.ts, on the date `asOf`, default today).",
  types: [T.rdsInstance, T.rdsCluster],
  configSchema: schemaFrom(versionDefaults),
  validate: (props, args, report) => {
    if (props.replicateSourceDb) return args.notApplicable("read replicas follow their source's version");
    if (typeof props.engine !== "string" || !/postgres/.test(props.engine)) return args.notApplicable("not PostgreSQL");
    if (typeof props.engineVersion !== "string" || isUnknown(props.engineVersion)) return;
    const asOf = configOf(args, versionDefaults).asOf || today();
    const problem = versionProblem("PostgreSQL", postgresMajor(props.engineVersion), POSTGRES_VERSIONS, asOf, compareDotted);
    if (problem) report(`${args.name}: ${problem}; plan a major version upgrade.`);
  },
});

export const networkDataRules: Rule[] = [
  defaultSecurityGroupClosed,
  naclNoOpenAdminPorts,
  nodeGroupNoOpenSsh,
  ebsEncrypted,
  rdsForceSsl,
  rdsIamAuth,
  elasticacheSnapshots,
  s3AccessLogging,
  cloudfrontAccessLogging,
  logGroupRetention,
  eksSupportedVersion,
  rdsSupportedVersion,
];
