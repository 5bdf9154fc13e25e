/**
 * Security rules for the AWS resources the platform registers: S3, RDS, ElastiCache, CloudFront, security
 * groups, EKS, launch templates, KMS. Written against the providers' type tokens and input shapes
 * (node_modules/@pulumi/aws/<module>/<resource>.d.ts).
 */
import {
  configOf,
  isTrue,
  isUnknown,
  asNumber,
  ofTypes,
  parseMaybeJson,
  resourceRule,
  schemaFrom,
  stackRule,
  type PolicyResource,
  type Rule,
} from "./kit";
import { internetExposure } from "./cidr";
import { CURRENT_CLOUDFRONT_TLS, LOAD_BALANCER_PATTERN, PUBLIC_LB_PORTS, REQUIRED_EKS_LOGS } from "./thresholds";

export const T = {
  bucket: "aws:s3/bucket:Bucket",
  bucketV2: "aws:s3/bucketV2:BucketV2",
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  bucketAcl: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
  sse: ["aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2"],
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
  lifecycle: ["aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2"],
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  rdsInstance: "aws:rds/instance:Instance",
  rdsCluster: "aws:rds/cluster:Cluster",
  rdsClusterInstance: "aws:rds/clusterInstance:ClusterInstance",
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  cacheCluster: "aws:elasticache/cluster:Cluster",
  distribution: "aws:cloudfront/distribution:Distribution",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  ingressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  eksCluster: "aws:eks/cluster:Cluster",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  instance: "aws:ec2/instance:Instance",
  kmsKey: "aws:kms/key:Key",
  defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  networkAcl: "aws:ec2/networkAcl:NetworkAcl",
  networkAclRule: "aws:ec2/networkAclRule:NetworkAclRule",
  defaultNetworkAcl: "aws:ec2/defaultNetworkAcl:DefaultNetworkAcl",
  nodeGroup: "aws:eks/nodeGroup:NodeGroup",
  ebsVolume: "aws:ebs/volume:Volume",
  rdsParameterGroup: "aws:rds/parameterGroup:ParameterGroup",
  rdsClusterParameterGroup: "aws:rds/clusterParameterGroup:ClusterParameterGroup",
  bucketLogging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
  trail: "aws:cloudtrail/trail:Trail",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;

export const BUCKET_TYPES = [T.bucket, T.bucketV2] as const;

// ---------------------------------------------------------------------------------------------------------
// S3: every bucket's companions (public access block, encryption, versioning, policy, lifecycle) are
// separate resources in provider v7. A companion belongs to a bucket when the engine says its `bucket`
// property depends on it, or its `bucket` value is the bucket's id/name, or (in a preview, where the id is
// unknown) it sits under the same parent and its name starts with the bucket's name.
// ---------------------------------------------------------------------------------------------------------

function sameParent(a: PolicyResource, b: PolicyResource): boolean {
  return (a.parent?.urn ?? a.opts?.parent) === (b.parent?.urn ?? b.opts?.parent);
}

/** The longest bucket name that prefixes `text` (physical names are the resource name plus a suffix). */
function longestPrefix(text: string, buckets: PolicyResource[]): PolicyResource | undefined {
  return buckets.filter((b) => text.startsWith(b.name)).sort((a, b) => b.name.length - a.name.length)[0];
}

/** The bucket a companion resource (public access block, policy, ...) configures, if it can be told. */
export function ownerOf(companion: PolicyResource, buckets: PolicyResource[]): PolicyResource | undefined {
  const deps = companion.propertyDependencies?.bucket;
  if (deps && deps.length > 0) return buckets.find((b) => deps.some((d) => d.urn === b.urn));
  const ref = companion.props.bucket;
  if (typeof ref === "string" && ref !== "" && !isUnknown(ref)) {
    return buckets.find((b) => [b.props.id, b.props.bucket, b.props.arn].includes(ref)) ?? longestPrefix(ref, buckets);
  }
  const siblings = buckets.filter((b) => sameParent(b, companion));
  return longestPrefix(companion.name, siblings) ?? (siblings.length === 1 ? siblings[0] : undefined);
}

export function attachedTo(bucket: PolicyResource, companion: PolicyResource, buckets: PolicyResource[]): boolean {
  return ownerOf(companion, buckets) === bucket;
}

export function companionsOf(bucket: PolicyResource, resources: PolicyResource[], types: readonly string[]): PolicyResource[] {
  const buckets = ofTypes(resources, BUCKET_TYPES);
  return ofTypes(resources, types).filter((c) => attachedTo(bucket, c, buckets));
}

const PUBLIC_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PAB_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;

export const s3PublicAccessBlock = stackRule({
  name: "s3-public-access-block",
  description: "Every S3 bucket has a public access block with all four flags on, and no public ACL.",
  validate: (args, report) => {
    const buckets = ofTypes(args.resources, BUCKET_TYPES);
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    for (const b of buckets) {
      if (PUBLIC_ACLS.includes(b.props.acl)) report(`S3 bucket ${b.name} has the public ACL "${b.props.acl}"; use "private" (or no ACL) and serve objects through CloudFront.`, b.urn);
      for (const acl of companionsOf(b, args.resources, T.bucketAcl)) {
        if (PUBLIC_ACLS.includes(acl.props.acl)) report(`S3 bucket ${b.name} gets the public ACL "${acl.props.acl}" from ${acl.name}; buckets stay private.`, acl.urn);
      }
      const blocks = companionsOf(b, args.resources, [T.publicAccessBlock]);
      if (blocks.length === 0) {
        report(`S3 bucket ${b.name} has no BucketPublicAccessBlock; add one with ${PAB_FLAGS.join(", ")} all true.`, b.urn);
        continue;
      }
      for (const pab of blocks) {
        const off = PAB_FLAGS.filter((f) => !isTrue(pab.props[f]));
        if (off.length > 0) report(`S3 bucket ${b.name} is publicly accessible: its public access block ${pab.name} does not set ${off.join(", ")} to true (all four must be true).`, pab.urn);
      }
    }
  },
});

function inlineSse(bucket: PolicyResource): any[] {
  const sse = parseMaybeJson(bucket.props.serverSideEncryptionConfiguration);
  const rules = sse?.rule ? [sse.rule] : sse?.rules ?? [];
  return Array.isArray(rules) ? rules : [rules];
}

export const s3Encryption = stackRule({
  name: "s3-encryption",
  description: "Every S3 bucket has default server-side encryption (aws:kms, aws:kms:dsse or AES256).",
  validate: (args, report) => {
    const buckets = ofTypes(args.resources, BUCKET_TYPES);
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    const ok = (rule: any) => ["aws:kms", "aws:kms:dsse", "AES256"].includes(rule?.applyServerSideEncryptionByDefault?.sseAlgorithm);
    for (const b of buckets) {
      const rules = [...inlineSse(b), ...companionsOf(b, args.resources, T.sse).flatMap((c) => c.props.rules ?? [])];
      if (rules.length === 0) report(`S3 bucket ${b.name} has no default encryption; add a BucketServerSideEncryptionConfiguration (sseAlgorithm aws:kms).`, b.urn);
      else if (!rules.some(ok)) report(`S3 bucket ${b.name}'s default encryption names no known algorithm; use aws:kms or AES256.`, b.urn);
    }
  },
});

export const s3Versioning = stackRule({
  name: "s3-versioning",
  description: "Every S3 bucket has versioning enabled.",
  validate: (args, report) => {
    const buckets = ofTypes(args.resources, BUCKET_TYPES);
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    for (const b of buckets) {
      const inline = isTrue(parseMaybeJson(b.props.versioning)?.enabled);
      const companions = companionsOf(b, args.resources, T.versioning);
      const enabled = inline || companions.some((c) => c.props.versioningConfiguration?.status === "Enabled");
      if (!enabled) {
        const status = companions[0]?.props.versioningConfiguration?.status;
        report(`S3 bucket ${b.name} is not versioned${status ? ` (status ${status})` : ""}; add a BucketVersioning with status "Enabled".`, b.urn);
      }
    }
  },
});

/** True when a bucket policy document denies requests made without TLS. */
export function deniesInsecureTransport(policy: unknown): boolean | undefined {
  const doc = parseMaybeJson(policy);
  if (doc === undefined || isUnknown(doc)) return undefined;
  // One statement or a list of them (no Statement: one undefined, which denies nothing).
  const statements = [doc?.Statement].flat();
  return statements.some((s: any) => {
    const cond = s?.Condition?.Bool?.["aws:SecureTransport"];
    return s?.Effect === "Deny" && [false, "false"].includes(Array.isArray(cond) ? cond[0] : cond);
  });
}

export const s3DenyInsecureTransport = stackRule({
  name: "s3-deny-insecure-transport",
  description: "Every S3 bucket has a bucket policy that denies requests without TLS (aws:SecureTransport false).",
  validate: (args, report) => {
    const buckets = ofTypes(args.resources, BUCKET_TYPES);
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    for (const b of buckets) {
      const docs = [b.props.policy, ...companionsOf(b, args.resources, [T.bucketPolicy]).map((p) => p.props.policy)].filter((d) => d !== undefined && d !== "");
      if (docs.length === 0) {
        report(`S3 bucket ${b.name} has no bucket policy; add one that denies s3:* when aws:SecureTransport is false.`, b.urn);
        continue;
      }
      const verdicts = docs.map(deniesInsecureTransport);
      // A policy document computed from unknown ARNs is checked at `up`, not in a preview.
      if (verdicts.some((v) => v === true) || verdicts.some((v) => v === undefined)) continue;
      report(`S3 bucket ${b.name}'s policy does not deny non-TLS requests; add a Deny statement with Condition Bool aws:SecureTransport "false".`, b.urn);
    }
  },
});

// ---------------------------------------------------------------------------------------------------------
// RDS
// ---------------------------------------------------------------------------------------------------------

const isReplica = (props: Record<string, any>) => props.replicateSourceDb !== undefined && props.replicateSourceDb !== "";

export const rdsEncrypted = resourceRule({
  name: "rds-encrypted",
  description: "RDS instances and clusters encrypt storage at rest (read replicas inherit or set a KMS key).",
  types: [T.rdsInstance, T.rdsCluster],
  validate: (props, args, report) => {
    // A replica that says nothing inherits its source's encryption; one that turns it off (false, or "false") does not.
    if (isReplica(props) && ![false, "false"].includes(props.storageEncrypted)) return;
    if (!isTrue(props.storageEncrypted)) report(`${args.name}: storageEncrypted is ${JSON.stringify(props.storageEncrypted)}; set storageEncrypted: true (with a KMS key).`);
  },
});

export const rdsNotPublic = resourceRule({
  name: "rds-not-public",
  description: "RDS instances and Aurora cluster instances are not publicly accessible.",
  types: [T.rdsInstance, T.rdsClusterInstance],
  validate: (props, args, report) => {
    if (isTrue(props.publiclyAccessible)) report(`${args.name}: publiclyAccessible is true; databases stay in private subnets (publiclyAccessible: false).`);
  },
});

const backupDefaults = { minBackupRetentionDays: 7 };
export const rdsBackupRetention = resourceRule({
  name: "rds-backup-retention",
  description: "RDS primaries (and clusters) keep automated backups for at least minBackupRetentionDays (default 7).",
  types: [T.rdsInstance, T.rdsCluster],
  configSchema: schemaFrom(backupDefaults),
  validate: (props, args, report) => {
    if (isReplica(props)) return;
    const { minBackupRetentionDays } = configOf(args, backupDefaults);
    const days = asNumber(props.backupRetentionPeriod) ?? (args.type === T.rdsCluster ? 1 : 0);
    if (days < minBackupRetentionDays) report(`${args.name}: backupRetentionPeriod is ${days} days; at least ${minBackupRetentionDays} days are required.`);
  },
});

export const rdsDeletionProtection = resourceRule({
  name: "rds-deletion-protection",
  description: "RDS primaries and clusters have deletion protection (mandatory on prod, advisory on staging).",
  types: [T.rdsInstance, T.rdsCluster],
  validate: (props, args, report) => {
    if (isReplica(props)) return;
    if (!isTrue(props.deletionProtection)) report(`${args.name}: deletionProtection is ${JSON.stringify(props.deletionProtection ?? false)}; set deletionProtection: true.`);
  },
});

// ---------------------------------------------------------------------------------------------------------
// ElastiCache
// ---------------------------------------------------------------------------------------------------------

export const elasticacheEncryption = resourceRule({
  name: "elasticache-encryption",
  description: "ElastiCache replication groups encrypt in transit and at rest and require an AUTH token (or RBAC user groups).",
  types: [T.replicationGroup, T.cacheCluster],
  validate: (props, args, report) => {
    if (args.type === T.cacheCluster) {
      if (!props.replicationGroupId) report(`${args.name}: a standalone ElastiCache cluster cannot enforce TLS and AUTH; use a ReplicationGroup.`);
      return;
    }
    if (!isTrue(props.transitEncryptionEnabled)) report(`${args.name}: transitEncryptionEnabled is not true; clients must connect over TLS.`);
    // "preferred" is the migration mode: the server accepts TLS and plaintext connections alike.
    else if (props.transitEncryptionMode === "preferred") report(`${args.name}: transitEncryptionMode is "preferred", which still accepts plaintext connections; set "required".`);
    if (!isTrue(props.atRestEncryptionEnabled)) report(`${args.name}: atRestEncryptionEnabled is not true; encrypt the cache's data at rest.`);
    const hasToken = (typeof props.authToken === "string" && props.authToken !== "") || props.authTokenWo !== undefined;
    const hasRbac = Array.isArray(props.userGroupIds) && props.userGroupIds.length > 0;
    if (!hasToken && !hasRbac) report(`${args.name}: no authToken (or userGroupIds); Redis must require AUTH.`);
  },
});

// ---------------------------------------------------------------------------------------------------------
// CloudFront
// ---------------------------------------------------------------------------------------------------------

const cloudfrontDefaults = { allowedMinimumProtocolVersions: CURRENT_CLOUDFRONT_TLS };
export const cloudfrontHttps = resourceRule({
  name: "cloudfront-https",
  description: "CloudFront: viewers HTTPS only (redirect-to-https or https-only), a current minimum TLS policy, origins over HTTPS only.",
  types: [T.distribution],
  configSchema: schemaFrom(cloudfrontDefaults),
  validate: (props, args, report) => {
    const { allowedMinimumProtocolVersions } = configOf(args, cloudfrontDefaults);
    const behaviors = [["default cache behavior", props.defaultCacheBehavior], ...(props.orderedCacheBehaviors ?? []).map((b: any) => [`cache behavior ${b?.pathPattern}`, b])];
    for (const [label, b] of behaviors) {
      const policy = b?.viewerProtocolPolicy;
      if (!["redirect-to-https", "https-only"].includes(policy)) report(`${args.name}: ${label} allows viewerProtocolPolicy "${policy}"; use "redirect-to-https" or "https-only".`);
    }
    const cert = props.viewerCertificate ?? {};
    if (isTrue(cert.cloudfrontDefaultCertificate)) {
      report(`${args.name}: uses the default *.cloudfront.net certificate, whose minimum TLS is TLSv1; use an ACM certificate with minimumProtocolVersion ${allowedMinimumProtocolVersions[0]}.`);
    } else if (!allowedMinimumProtocolVersions.includes(cert.minimumProtocolVersion)) {
      report(`${args.name}: viewerCertificate.minimumProtocolVersion is ${JSON.stringify(cert.minimumProtocolVersion)}; use one of ${allowedMinimumProtocolVersions.join(", ")}.`);
    }
    // Stryker disable next-line ArrayDeclaration: a stand-in origin that is not an object is skipped like no origin.
    for (const o of props.origins ?? []) {
      const custom = o?.customOriginConfig;
      if (!custom) continue; // S3 origins are fetched over HTTPS (origin access control).
      if (custom.originProtocolPolicy !== "https-only") report(`${args.name}: origin ${o.originId} uses originProtocolPolicy "${custom.originProtocolPolicy}"; use "https-only".`);
      const weak = (custom.originSslProtocols ?? []).filter((p: string) => p !== "TLSv1.2" && p !== "TLSv1.3");
      if (weak.length > 0) report(`${args.name}: origin ${o.originId} allows ${weak.join(", ")}; allow only TLSv1.2.`);
    }
  },
});

// ---------------------------------------------------------------------------------------------------------
// Security groups
// ---------------------------------------------------------------------------------------------------------

const sgDefaults = { publicLoadBalancerPorts: PUBLIC_LB_PORTS.map(String), loadBalancerPattern: LOAD_BALANCER_PATTERN };

/** `cidrs` may hold an absent block (undefined): internetExposure skips whatever is not a CIDR. */
interface Ingress { from?: number; to?: number; protocol?: string; cidrs: unknown[] }


export const noOpenIngress = resourceRule({
  name: "sg-no-open-ingress",
  description: "No security group ingress open to the internet (any CIDRs that together cover IPv4 or IPv6, or one wider than a private range), except ports 80/443 on load balancer security groups.",
  types: [T.securityGroup, T.securityGroupRule, T.ingressRule],
  configSchema: schemaFrom(sgDefaults),
  validate: (props, args, report) => {
    const cfg = configOf(args, sgDefaults);
    const ports = cfg.publicLoadBalancerPorts.map(Number);
    const label = [args.name, props.name, props.namePrefix, props.description, props.tags?.Name].filter((x) => typeof x === "string").join(" ");
    const isLb = new RegExp(cfg.loadBalancerPattern, "i").test(label);
    const rules: Ingress[] = [];
    if (args.type === T.securityGroup) {
      // Stryker disable next-line ArrayDeclaration: a stand-in rule that is not an object has no CIDR, which opens nothing.
      for (const i of props.ingress ?? []) rules.push({ from: asNumber(i.fromPort), to: asNumber(i.toPort), protocol: String(i.protocol), cidrs: [i.cidrBlocks, i.ipv6CidrBlocks].flat() });
    } else if (args.type === T.securityGroupRule) {
      if (props.type !== "ingress") return;
      rules.push({ from: asNumber(props.fromPort), to: asNumber(props.toPort), protocol: String(props.protocol), cidrs: [props.cidrBlocks, props.ipv6CidrBlocks].flat() });
    } else {
      rules.push({ from: asNumber(props.fromPort), to: asNumber(props.toPort), protocol: String(props.ipProtocol), cidrs: [props.cidrIpv4, props.cidrIpv6] });
    }
    for (const r of rules) {
      const open = internetExposure(r.cidrs);
      if (open === undefined) continue;
      const allPorts = r.protocol === "-1" || r.protocol === "all" || r.from === undefined;
      const portText = allPorts ? "all ports" : r.from === r.to ? `port ${r.from}` : `ports ${r.from}-${r.to}`;
      const webOnly = !allPorts && r.from === r.to && ports.includes(r.from!);
      if (webOnly && isLb) continue;
      report(`${args.name}: ingress open to the internet (${open}) on ${portText}${webOnly ? " on a security group that is not a load balancer's" : ""}; only load balancers may open ${ports.join("/")} to the internet.`);
    }
  },
});

// ---------------------------------------------------------------------------------------------------------
// EKS, launch templates, KMS
// ---------------------------------------------------------------------------------------------------------

export const eksSecretsEncryption = resourceRule({
  name: "eks-secrets-encryption",
  description: "EKS clusters envelope-encrypt Kubernetes secrets with a KMS key.",
  types: [T.eksCluster],
  validate: (props, args, report) => {
    const configs = [props.encryptionConfig].flat();
    const ok = configs.some((c: any) => c?.resources?.includes("secrets") && c.provider?.keyArn);
    if (!ok) report(`${args.name}: no encryptionConfig for "secrets" with a KMS keyArn; Kubernetes secrets would be stored unencrypted in etcd.`);
  },
});

const logDefaults = { requiredLogTypes: REQUIRED_EKS_LOGS };
export const eksControlPlaneLogging = resourceRule({
  name: "eks-control-plane-logging",
  description: "EKS clusters send the api, audit and authenticator control-plane logs to CloudWatch.",
  types: [T.eksCluster],
  configSchema: schemaFrom(logDefaults),
  validate: (props, args, report) => {
    const { requiredLogTypes } = configOf(args, logDefaults);
    const missing = requiredLogTypes.filter((t) => !props.enabledClusterLogTypes?.includes(t));
    if (missing.length > 0) report(`${args.name}: control-plane log types ${missing.join(", ")} are not enabled (enabledClusterLogTypes).`);
  },
});

export const eksRestrictedEndpoint = resourceRule({
  name: "eks-restricted-endpoint",
  description: "The EKS API endpoint is private, or public only to listed CIDRs (never 0.0.0.0/0).",
  types: [T.eksCluster],
  validate: (props, args, report) => {
    const vpc = props.vpcConfig ?? {};
    // The provider's default for endpointPublicAccess is true.
    if (vpc.endpointPublicAccess === false || vpc.endpointPublicAccess === "false") return;
    const cidrs: unknown[] = vpc.publicAccessCidrs ?? [];
    if (cidrs.length === 0) report(`${args.name}: the API endpoint is public to 0.0.0.0/0 (no publicAccessCidrs); list the CIDRs allowed or set endpointPublicAccess: false.`);
    else if (internetExposure(cidrs)) report(`${args.name}: publicAccessCidrs are open to the internet (${internetExposure(cidrs)}); restrict the API endpoint to known CIDRs.`);
  },
});

export const imdsv2Required = resourceRule({
  name: "imdsv2-required",
  description: "Launch templates and instances require IMDSv2 (metadataOptions.httpTokens = required).",
  types: [T.launchTemplate, T.instance],
  validate: (props, args, report) => {
    const md = props.metadataOptions ?? {};
    if (md.httpEndpoint === "disabled") return;
    if (md.httpTokens !== "required") report(`${args.name}: metadataOptions.httpTokens is ${JSON.stringify(md.httpTokens ?? "optional")}; set "required" so only IMDSv2 answers (pods cannot steal node credentials).`);
  },
});

export const kmsKeyRotation = resourceRule({
  name: "kms-key-rotation",
  description: "Symmetric KMS keys rotate their key material (enableKeyRotation).",
  types: [T.kmsKey],
  validate: (props, args, report) => {
    const spec = props.customerMasterKeySpec ?? props.keySpec ?? "SYMMETRIC_DEFAULT";
    if (spec !== "SYMMETRIC_DEFAULT" || props.keyUsage === "GENERATE_VERIFY_MAC") return args.notApplicable("rotation applies to symmetric encryption keys");
    if (!isTrue(props.enableKeyRotation)) report(`${args.name}: enableKeyRotation is not true; turn on automatic rotation.`);
  },
});


export const securityRules: Rule[] = [
  s3PublicAccessBlock,
  s3Encryption,
  s3Versioning,
  s3DenyInsecureTransport,
  rdsEncrypted,
  rdsNotPublic,
  rdsBackupRetention,
  rdsDeletionProtection,
  elasticacheEncryption,
  cloudfrontHttps,
  noOpenIngress,
  eksSecretsEncryption,
  eksControlPlaneLogging,
  eksRestrictedEndpoint,
  imdsv2Required,
  kmsKeyRotation,
];
