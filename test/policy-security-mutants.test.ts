/**
 * Security rules, case by case (issue 19: every mutation of policy/security.ts must fail a test): the type tokens
 * as literals, how a companion finds its bucket, each accepted and refused value of each rule, and the reason a
 * rule gives when it does not apply. Expectations are literal messages.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import * as S from "../policy/security";
import { check, violations, type FakeResource } from "./policy-args";

const { T } = S;

function notApplicableReason(rule: ResourceValidationPolicy, type: string, props: Record<string, any>): string | undefined {
  let reason: string | undefined;
  (rule.validateResource as (a: any, r: () => void) => void)({ type, props, name: "subject", urn: "urn:x", opts: {}, getConfig: () => ({}), notApplicable: (r?: string) => { reason = r; } } as any, () => undefined);
  return reason;
}

function stackNotApplicableReason(rule: StackValidationPolicy, resources: any[]): string | undefined {
  let reason: string | undefined;
  rule.validateStack({ resources, getConfig: () => ({}), notApplicable: (r?: string) => { reason = r; } } as any, () => undefined);
  return reason;
}

describe("type tokens (the provider's, node_modules/@pulumi/aws/<module>/<resource>.d.ts)", () => {
  it("names every resource the rules judge by its exact token", () => {
    expect(T).toEqual({
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
    });
    expect(S.BUCKET_TYPES).toEqual(["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"]);
    expect(S.securityRules.map((r) => r.description)).toEqual([
      expect.stringContaining("public access block"), expect.stringContaining("server-side encryption"), expect.stringContaining("versioning enabled"),
      expect.stringContaining("aws:SecureTransport false"), expect.stringContaining("encrypt storage at rest"), expect.stringContaining("not publicly accessible"),
      expect.stringContaining("minBackupRetentionDays"), expect.stringContaining("deletion protection"), expect.stringContaining("AUTH token"),
      expect.stringContaining("HTTPS only"), expect.stringContaining("open to the internet"), expect.stringContaining("envelope-encrypt"),
      expect.stringContaining("control-plane logs"), expect.stringContaining("never 0.0.0.0/0"), expect.stringContaining("IMDSv2"), expect.stringContaining("rotate"),
    ]);
    expect(S.securityRules.map((r) => r.name)).toEqual([
      "s3-public-access-block", "s3-encryption", "s3-versioning", "s3-deny-insecure-transport", "rds-encrypted", "rds-not-public",
      "rds-backup-retention", "rds-deletion-protection", "elasticache-encryption", "cloudfront-https", "sg-no-open-ingress",
      "eks-secrets-encryption", "eks-control-plane-logging", "eks-restricted-endpoint", "imdsv2-required", "kms-key-rotation",
    ]);
  });
});

describe("which bucket a companion configures", () => {
  const res = (name: string, props: Record<string, any> = {}, extra: Partial<PolicyResource> = {}): PolicyResource => ({ name, urn: `urn:${name}`, props, type: T.bucket, opts: {}, ...extra }) as any;

  it("the engine's property dependencies decide first", () => {
    const a = res("a");
    const b = res("b");
    expect(S.ownerOf(res("a-pab", { bucket: "a" }, { propertyDependencies: { bucket: [b] } } as any), [a, b])).toBe(b);
    expect(S.ownerOf(res("a-pab", { bucket: "a" }, { propertyDependencies: { bucket: [] } } as any), [a, b])).toBe(a);
    expect(S.ownerOf(res("a-pab", { bucket: "a" }, { propertyDependencies: { bucket: [res("kms"), b] } } as any), [a, b])).toBe(b);
  });

  it("a known bucket value matches a bucket's id, physical name or ARN", () => {
    const a = res("a", { id: "a-id", bucket: "fti-a", arn: "arn:aws:s3:::fti-a" });
    const b = res("b", { id: "b-id", bucket: "fti-b", arn: "arn:aws:s3:::fti-b" });
    expect(S.ownerOf(res("x", { bucket: "b-id" }), [a, b])).toBe(b);
    expect(S.ownerOf(res("x", { bucket: "fti-b" }), [a, b])).toBe(b);
    expect(S.ownerOf(res("x", { bucket: "arn:aws:s3:::fti-b" }), [a, b])).toBe(b);
    expect(S.ownerOf(res("x", { bucket: "fti-c" }), [a, b])).toBeUndefined();
  });

  it("an unknown bucket value falls back to siblings: the longest name that prefixes the companion's, else the only sibling", () => {
    const parent = { parent: { urn: "urn:component" } } as any;
    const data = res("data", {}, parent);
    const dataLogs = res("data-logs", {}, parent);
    const elsewhere = res("data-logs-archive", {}, { parent: { urn: "urn:other" } } as any);
    expect(S.ownerOf(res("data-logs-pab", { bucket: "<computed>" }, parent), [data, dataLogs, elsewhere])).toBe(dataLogs);
    expect(S.ownerOf(res("data-logs-archive-pab", { bucket: "" }, parent), [data, dataLogs, elsewhere])).toBe(dataLogs);
    expect(S.ownerOf(res("pab", {}, parent), [data, elsewhere])).toBe(data);
    expect(S.ownerOf(res("pab", {}, parent), [data, dataLogs])).toBeUndefined();
    expect(S.ownerOf(res("pab", {}, { opts: { parent: "urn:other" } } as any), [data, elsewhere])).toBe(elsewhere);
  });

  it("top-level resources (no parent, no options) are siblings of each other", () => {
    const bucket = res("data", {}, { opts: undefined } as any);
    expect(S.ownerOf(res("pab", {}, { opts: undefined } as any), [bucket])).toBe(bucket);
  });

  it("a companion in another component does not guard a bucket of the same name", () => {
    const set: FakeResource[] = [
      { type: T.bucket, name: "data", props: {}, component: "storage" },
      { type: T.publicAccessBlock, name: "data-public-access", component: "other", props: { bucket: "<computed>", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true } },
    ];
    expect(violations(S.s3PublicAccessBlock, set)).toEqual([
      "S3 bucket data has no BucketPublicAccessBlock; add one with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true.",
    ]);
  });
});

describe("S3 rules", () => {
  const bucket = (props: Record<string, any> = {}, type: string = T.bucket): FakeResource => ({ type, name: "data", props: { bucket: "fti-data", ...props } });
  const companion = (type: string, props: Record<string, any>): FakeResource => ({ type, name: "data-companion", props: { bucket: "fti-data", ...props } });
  const pab = (props: Record<string, any> = {}) => companion(T.publicAccessBlock, { blockPublicAcls: "true", blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true, ...props });

  it("none applies to a stack without buckets", () => {
    for (const rule of [S.s3PublicAccessBlock, S.s3Encryption, S.s3Versioning, S.s3DenyInsecureTransport]) {
      expect(stackNotApplicableReason(rule as StackValidationPolicy, [{ type: T.kmsKey, name: "k", urn: "urn:k", props: {} }]), rule.name).toBe("no S3 buckets");
    }
  });

  it("s3-public-access-block: each public ACL, on the bucket or from a BucketAcl; flags as text count", () => {
    expect(violations(S.s3PublicAccessBlock, [bucket({ acl: "authenticated-read" }, T.bucketV2), pab()])).toEqual([
      'S3 bucket data has the public ACL "authenticated-read"; use "private" (or no ACL) and serve objects through CloudFront.',
    ]);
    expect(violations(S.s3PublicAccessBlock, [bucket(), pab(), companion(T.bucketAcl[1], { acl: "public-read-write" })])).toEqual([
      'S3 bucket data gets the public ACL "public-read-write" from data-companion; buckets stay private.',
    ]);
    expect(violations(S.s3PublicAccessBlock, [bucket({ acl: "private" }), pab(), companion(T.bucketAcl[0], { acl: "private" })])).toEqual([]);
    expect(violations(S.s3PublicAccessBlock, [bucket(), pab({ ignorePublicAcls: "false" })])).toEqual([
      "S3 bucket data is publicly accessible: its public access block data-companion does not set ignorePublicAcls to true (all four must be true).",
    ]);
  });

  it("s3-public-access-block: a missing block is reported once, and the other checks go on to the next bucket", () => {
    const other: FakeResource = { type: T.bucket, name: "logs", props: { bucket: "fti-logs", acl: "public-read" } };
    expect(violations(S.s3PublicAccessBlock, [bucket(), other])).toEqual([
      "S3 bucket data has no BucketPublicAccessBlock; add one with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true.",
      'S3 bucket logs has the public ACL "public-read"; use "private" (or no ACL) and serve objects through CloudFront.',
      "S3 bucket logs has no BucketPublicAccessBlock; add one with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true.",
    ]);
  });

  it("s3-encryption: inline configuration (object or JSON text, rule or rules) and each known algorithm pass", () => {
    const inline = (sseAlgorithm: string) => ({ rule: { applyServerSideEncryptionByDefault: { sseAlgorithm } } });
    expect(violations(S.s3Encryption, [bucket({ serverSideEncryptionConfiguration: inline("AES256") })])).toEqual([]);
    expect(violations(S.s3Encryption, [bucket({ serverSideEncryptionConfiguration: JSON.stringify(inline("aws:kms:dsse")) })])).toEqual([]);
    expect(violations(S.s3Encryption, [bucket({ serverSideEncryptionConfiguration: { rules: [inline("aws:kms").rule] } })])).toEqual([]);
    expect(violations(S.s3Encryption, [bucket({ serverSideEncryptionConfiguration: { rules: inline("aws:kms").rule } })])).toEqual([]);
    expect(violations(S.s3Encryption, [bucket(), companion(T.sse[1], { rules: [inline("aws:kms").rule] })])).toEqual([]);
    // One known algorithm among the rules is enough.
    expect(violations(S.s3Encryption, [bucket({ serverSideEncryptionConfiguration: inline("AES256") }), companion(T.sse[0], { rules: [{ bucketKeyEnabled: true }] })])).toEqual([]);
  });

  it("s3-encryption: an unknown algorithm is named as such; no rules at all is no encryption", () => {
    expect(violations(S.s3Encryption, [bucket({ serverSideEncryptionConfiguration: { rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:fsx" } } } })])).toEqual([
      "S3 bucket data's default encryption names no known algorithm; use aws:kms or AES256.",
    ]);
    expect(violations(S.s3Encryption, [bucket(), companion(T.sse[0], {})])).toEqual([
      "S3 bucket data has no default encryption; add a BucketServerSideEncryptionConfiguration (sseAlgorithm aws:kms).",
    ]);
    for (const rules of [[null], [{ bucketKeyEnabled: true }]]) {
      expect(violations(S.s3Encryption, [bucket(), companion(T.sse[0], { rules })]), JSON.stringify(rules)).toEqual(["S3 bucket data's default encryption names no known algorithm; use aws:kms or AES256."]);
    }
  });

  it("s3-versioning: inline versioning (object or JSON text) passes; no versioning at all gives no status", () => {
    expect(violations(S.s3Versioning, [bucket({ versioning: { enabled: true } })])).toEqual([]);
    expect(violations(S.s3Versioning, [bucket({ versioning: JSON.stringify({ enabled: "true" }) })])).toEqual([]);
    expect(violations(S.s3Versioning, [bucket({ versioning: { enabled: false } })])).toEqual([
      'S3 bucket data is not versioned; add a BucketVersioning with status "Enabled".',
    ]);
    expect(violations(S.s3Versioning, [bucket(), companion(T.versioning[1], { versioningConfiguration: { status: "Enabled" } })])).toEqual([]);
    expect(violations(S.s3Versioning, [bucket(), companion(T.versioning[0], {})])).toEqual(['S3 bucket data is not versioned; add a BucketVersioning with status "Enabled".']);
  });

  it("s3-deny-insecure-transport: an inline policy counts; an empty policy is none; one denying document among several is enough", () => {
    const deny = JSON.stringify({ Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": "false" } } }] });
    const allow = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject" }] });
    expect(violations(S.s3DenyInsecureTransport, [bucket({ policy: deny })])).toEqual([]);
    expect(violations(S.s3DenyInsecureTransport, [bucket({ policy: "" }), companion(T.bucketPolicy, { policy: "" })])).toEqual([
      "S3 bucket data has no bucket policy; add one that denies s3:* when aws:SecureTransport is false.",
    ]);
    expect(violations(S.s3DenyInsecureTransport, [bucket({ policy: allow }), companion(T.bucketPolicy, { policy: deny })])).toEqual([]);
    // A document still unknown in a preview is judged at `up`, whatever the others say.
    expect(violations(S.s3DenyInsecureTransport, [bucket({ policy: allow }), companion(T.bucketPolicy, { policy: "<computed>" })])).toEqual([]);
    expect(violations(S.s3DenyInsecureTransport, [bucket({ policy: allow })])).toEqual([
      "S3 bucket data's policy does not deny non-TLS requests; add a Deny statement with Condition Bool aws:SecureTransport \"false\".",
    ]);
  });
});

describe("deniesInsecureTransport", () => {
  const deny = (SecureTransport: unknown, Effect = "Deny") => ({ Effect, Principal: "*", Action: "s3:*", Condition: { Bool: { "aws:SecureTransport": SecureTransport } } });
  it("accepts false as a boolean, as text and as a one-element list, in a Statement list or a single Statement", () => {
    expect(S.deniesInsecureTransport({ Statement: [deny(false)] })).toBe(true);
    expect(S.deniesInsecureTransport({ Statement: deny("false") })).toBe(true);
    expect(S.deniesInsecureTransport(JSON.stringify({ Statement: [{ Effect: "Allow" }, deny(["false"])] }))).toBe(true);
  });

  it("refuses an Allow, a true condition and a document without statements; unknown documents are undecided", () => {
    expect(S.deniesInsecureTransport({ Statement: [deny("false", "Allow")] })).toBe(false);
    expect(S.deniesInsecureTransport({ Statement: [deny("true")] })).toBe(false);
    expect(S.deniesInsecureTransport({ Statement: [{ Effect: "Deny", Action: "s3:*" }] })).toBe(false);
    expect(S.deniesInsecureTransport({ Version: "2012-10-17" })).toBe(false);
    expect(S.deniesInsecureTransport(null)).toBe(false);
    expect(S.deniesInsecureTransport({ Statement: [null, { Effect: "Deny", Condition: { StringEquals: { "aws:SecureTransport": "false" } } }] })).toBe(false);
    expect(S.deniesInsecureTransport({ Statement: [null, deny(false)] })).toBe(true);
    expect(S.deniesInsecureTransport(undefined)).toBeUndefined();
    expect(S.deniesInsecureTransport("<computed>")).toBeUndefined();
  });
});

describe("RDS rules", () => {
  it("rds-encrypted: storageEncrypted as text passes; a cluster is judged; a replica inherits unless it turns encryption off", () => {
    expect(check(S.rdsEncrypted, T.rdsInstance, { storageEncrypted: "true" })).toEqual([]);
    expect(check(S.rdsEncrypted, T.rdsCluster, {}, { name: "c" })).toEqual(["c: storageEncrypted is undefined; set storageEncrypted: true (with a KMS key)."]);
    expect(check(S.rdsEncrypted, T.rdsInstance, { replicateSourceDb: "db", storageEncrypted: "false" }, { name: "r" })).toEqual(['r: storageEncrypted is "false"; set storageEncrypted: true (with a KMS key).']);
    expect(check(S.rdsEncrypted, T.rdsInstance, { replicateSourceDb: "db", storageEncrypted: "<computed>" })).toEqual([]);
  });

  it("rds-not-public: publiclyAccessible as text is public", () => {
    expect(check(S.rdsNotPublic, T.rdsInstance, { publiclyAccessible: "true" })).toHaveLength(1);
    expect(check(S.rdsNotPublic, T.rdsInstance, {})).toEqual([]);
  });

  it("rds-backup-retention: a cluster without a period has AWS's 1 day; exactly the minimum passes", () => {
    expect(check(S.rdsBackupRetention, T.rdsCluster, { deletionProtection: true }, { name: "c" })).toEqual(["c: backupRetentionPeriod is 1 days; at least 7 days are required."]);
    expect(check(S.rdsBackupRetention, T.rdsInstance, { backupRetentionPeriod: "7" })).toEqual([]);
    expect(check(S.rdsBackupRetention, T.rdsInstance, { backupRetentionPeriod: 6 }, { name: "db" })).toEqual(["db: backupRetentionPeriod is 6 days; at least 7 days are required."]);
  });

  it("rds-deletion-protection: text true passes", () => {
    expect(check(S.rdsDeletionProtection, T.rdsCluster, { deletionProtection: "true" })).toEqual([]);
  });
});

describe("elasticache-encryption", () => {
  const good = { transitEncryptionEnabled: "true", atRestEncryptionEnabled: "true", authToken: "s3cret-token-value" };
  it("a standalone cluster is refused; a member of a replication group is judged on the group", () => {
    expect(check(S.elasticacheEncryption, T.cacheCluster, { engine: "redis" }, { name: "c" })).toEqual(["c: a standalone ElastiCache cluster cannot enforce TLS and AUTH; use a ReplicationGroup."]);
    expect(check(S.elasticacheEncryption, T.cacheCluster, { replicationGroupId: "rg" })).toEqual([]);
  });

  it("AUTH: a write-only token or RBAC user groups count; an empty token or empty group list do not", () => {
    expect(check(S.elasticacheEncryption, T.replicationGroup, good)).toEqual([]);
    expect(check(S.elasticacheEncryption, T.replicationGroup, { ...good, authToken: undefined, authTokenWo: "<computed>" })).toEqual([]);
    expect(check(S.elasticacheEncryption, T.replicationGroup, { ...good, authToken: undefined, userGroupIds: ["app"] })).toEqual([]);
    expect(check(S.elasticacheEncryption, T.replicationGroup, { ...good, authToken: "", userGroupIds: [] }, { name: "r" })).toEqual(["r: no authToken (or userGroupIds); Redis must require AUTH."]);
  });

  it("transit encryption on in preferred mode still accepts plaintext", () => {
    expect(check(S.elasticacheEncryption, T.replicationGroup, { ...good, transitEncryptionMode: "preferred" }, { name: "r" })).toEqual([
      'r: transitEncryptionMode is "preferred", which still accepts plaintext connections; set "required".',
    ]);
  });

  it("preferred is reported only when transit encryption is on at all", () => {
    expect(check(S.elasticacheEncryption, T.replicationGroup, { ...good, transitEncryptionEnabled: false, transitEncryptionMode: "preferred" }, { name: "r" })).toEqual([
      "r: transitEncryptionEnabled is not true; clients must connect over TLS.",
    ]);
  });
});

describe("cloudfront-https", () => {
  const base = {
    defaultCacheBehavior: { viewerProtocolPolicy: "https-only" },
    viewerCertificate: { minimumProtocolVersion: "TLSv1.2_2021" },
  };
  it("names an ordered cache behavior by its path; redirect-to-https passes there", () => {
    expect(check(S.cloudfrontHttps, T.distribution, { ...base, orderedCacheBehaviors: [{ pathPattern: "/a/*", viewerProtocolPolicy: "redirect-to-https" }, { pathPattern: "/b/*", viewerProtocolPolicy: "allow-all" }] }, { name: "cdn" })).toEqual([
      'cdn: cache behavior /b/* allows viewerProtocolPolicy "allow-all"; use "redirect-to-https" or "https-only".',
    ]);
  });

  it("the default certificate message names the first allowed version; config replaces the allowed list", () => {
    expect(check(S.cloudfrontHttps, T.distribution, { ...base, viewerCertificate: { cloudfrontDefaultCertificate: "true" } }, { name: "cdn" })).toEqual([
      "cdn: uses the default *.cloudfront.net certificate, whose minimum TLS is TLSv1; use an ACM certificate with minimumProtocolVersion TLSv1.2_2021.",
    ]);
    expect(check(S.cloudfrontHttps, T.distribution, { ...base, viewerCertificate: { minimumProtocolVersion: "TLSv1.3_2025" } })).toEqual([]);
    expect(check(S.cloudfrontHttps, T.distribution, base, { name: "cdn", config: { allowedMinimumProtocolVersions: ["TLSv1.3_2025"] } })).toEqual([
      'cdn: viewerCertificate.minimumProtocolVersion is "TLSv1.2_2021"; use one of TLSv1.3_2025.',
    ]);
    expect(check(S.cloudfrontHttps, T.distribution, { defaultCacheBehavior: { viewerProtocolPolicy: "https-only" } }, { name: "cdn" })).toEqual([
      "cdn: viewerCertificate.minimumProtocolVersion is undefined; use one of TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025.",
    ]);
  });

  it("a distribution without behaviors is reported, not a crash", () => {
    expect(check(S.cloudfrontHttps, T.distribution, { viewerCertificate: base.viewerCertificate, orderedCacheBehaviors: [null] }, { name: "cdn" })).toEqual([
      'cdn: default cache behavior allows viewerProtocolPolicy "undefined"; use "redirect-to-https" or "https-only".',
      'cdn: cache behavior undefined allows viewerProtocolPolicy "undefined"; use "redirect-to-https" or "https-only".',
    ]);
  });

  it("origins: S3 origins are skipped, TLSv1.3 is fine, every weak protocol is listed", () => {
    expect(check(S.cloudfrontHttps, T.distribution, { ...base, origins: [null, { originId: "s3", s3OriginConfig: {} }, { originId: "api", customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.3", "TLSv1.2"] } }] })).toEqual([]);
    expect(check(S.cloudfrontHttps, T.distribution, { ...base, origins: [{ originId: "api", customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["SSLv3", "TLSv1.1", "TLSv1.2"] } }] }, { name: "cdn" })).toEqual([
      "cdn: origin api allows SSLv3, TLSv1.1; allow only TLSv1.2.",
    ]);
    expect(check(S.cloudfrontHttps, T.distribution, { ...base, origins: [{ originId: "api", customOriginConfig: { originProtocolPolicy: "https-only" } }] })).toEqual([]);
  });
});

describe("sg-no-open-ingress", () => {
  const OPEN = (name: string, what: string) => `${name}: ingress open to the internet (0.0.0.0/0 covers all of IPv4) on ${what}; only load balancers may open 80/443 to the internet.`;
  const sg = (props: Record<string, any>, name = "sg") => check(S.noOpenIngress, T.securityGroup, props, { name });
  const https = { ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] };

  it("recognises a load balancer's group by its name, namePrefix, description or Name tag, as a word", () => {
    expect(sg(https, "web-alb")).toEqual([]);
    expect(sg({ ...https, name: "public-nlb" })).toEqual([]);
    expect(sg({ ...https, namePrefix: "elb-" })).toEqual([]);
    expect(sg({ ...https, tags: { Name: "api Load Balancer" } })).toEqual([]);
    expect(sg({ ...https, description: "albatross" })).toEqual([OPEN("sg", "port 443 on a security group that is not a load balancer's")]);
    expect(sg({ ...https, description: "lb for the web tier" }, "web")).toEqual([]); // the parts are words apart
    expect(sg({ ...https, description: ["public", "alb"] })).toHaveLength(1); // only text labels count
    // Protocol -1 opens every port whatever fromPort/toPort say: not the web ports alone, even on a load balancer.
    expect(sg({ ingress: [{ fromPort: 443, toPort: 443, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] }, "lb")).toEqual([OPEN("lb", "all ports")]);
  });

  it("reports a port range with both ends, and all ports for protocol all or no ports", () => {
    expect(sg({ ingress: [{ fromPort: 8000, toPort: 8080, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] })).toEqual([OPEN("sg", "ports 8000-8080")]);
    expect(sg({ ingress: [{ fromPort: 0, toPort: 0, protocol: "all", cidrBlocks: ["0.0.0.0/0"] }] }, "lb")).toEqual([OPEN("lb", "all ports")]);
    expect(sg({ ingress: [{ protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] }, "lb")).toEqual([OPEN("lb", "all ports")]);
    expect(sg({ ingress: [{ fromPort: 80, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] }, "lb")).toEqual([OPEN("lb", "ports 80-443")]);
  });

  it("a group without ingress rules opens nothing", () => {
    expect(sg({ egress: [{ fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] })).toEqual([]);
  });

  it("a security group rule: egress is not judged, IPv6 blocks are; an ingress rule resource with no CIDR is closed", () => {
    expect(check(S.noOpenIngress, T.securityGroupRule, { type: "egress", fromPort: 0, toPort: 0, protocol: "-1", cidrBlocks: ["0.0.0.0/0"] })).toEqual([]);
    expect(check(S.noOpenIngress, T.securityGroupRule, { type: "ingress", fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }, { name: "r" })).toEqual([OPEN("r", "port 22")]);
    expect(check(S.noOpenIngress, T.ingressRule, { referencedSecurityGroupId: "sg-1", fromPort: 22, toPort: 22, ipProtocol: "tcp" })).toEqual([]);
    expect(sg({ ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", ipv6CidrBlocks: ["::/0"] }] })[0]).toMatch(/\(::\/0 covers all of IPv6\) on port 22;/);
  });

  it("takes the public ports and the load balancer pattern from config", () => {
    const cfg = { config: { publicLoadBalancerPorts: ["8443"], loadBalancerPattern: "gateway" } };
    expect(check(S.noOpenIngress, T.securityGroup, { ingress: [{ fromPort: 8443, toPort: 8443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] }, { name: "api-gateway", ...cfg })).toEqual([]);
    expect(check(S.noOpenIngress, T.securityGroup, https, { name: "api-gateway", ...cfg })).toEqual([
      "api-gateway: ingress open to the internet (0.0.0.0/0 covers all of IPv4) on port 443; only load balancers may open 8443 to the internet.",
    ]);
  });
});

describe("EKS rules", () => {
  it("eks-secrets-encryption: a list of configs is read; another resource or no key is not enough", () => {
    expect(check(S.eksSecretsEncryption, T.eksCluster, { encryptionConfig: [{ resources: ["secrets"], provider: { keyArn: "arn:k" } }] })).toEqual([]);
    expect(check(S.eksSecretsEncryption, T.eksCluster, { encryptionConfig: { resources: ["configmaps"], provider: { keyArn: "arn:k" } } }, { name: "eks" })).toEqual([
      'eks: no encryptionConfig for "secrets" with a KMS keyArn; Kubernetes secrets would be stored unencrypted in etcd.',
    ]);
    expect(check(S.eksSecretsEncryption, T.eksCluster, { encryptionConfig: { resources: ["secrets"], provider: {} } })).toHaveLength(1);
    expect(check(S.eksSecretsEncryption, T.eksCluster, { encryptionConfig: { resources: ["secrets"] } })).toHaveLength(1);
    expect(check(S.eksSecretsEncryption, T.eksCluster, { encryptionConfig: [null, { provider: { keyArn: "arn:k" } }] })).toHaveLength(1);
  });

  it("eks-control-plane-logging: nothing enabled misses all three; config changes the list", () => {
    expect(check(S.eksControlPlaneLogging, T.eksCluster, {}, { name: "eks" })).toEqual(["eks: control-plane log types api, audit, authenticator are not enabled (enabledClusterLogTypes)."]);
    expect(check(S.eksControlPlaneLogging, T.eksCluster, { enabledClusterLogTypes: ["api"] }, { config: { requiredLogTypes: ["api"] } })).toEqual([]);
  });

  it("eks-restricted-endpoint: false as text is private; no vpcConfig is public to everyone", () => {
    expect(check(S.eksRestrictedEndpoint, T.eksCluster, { vpcConfig: { endpointPublicAccess: "false" } })).toEqual([]);
    expect(check(S.eksRestrictedEndpoint, T.eksCluster, {}, { name: "eks" })).toEqual([
      "eks: the API endpoint is public to 0.0.0.0/0 (no publicAccessCidrs); list the CIDRs allowed or set endpointPublicAccess: false.",
    ]);
    expect(check(S.eksRestrictedEndpoint, T.eksCluster, { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] } }, { name: "eks" })).toEqual([
      "eks: publicAccessCidrs are open to the internet (0.0.0.0/0 covers all of IPv4); restrict the API endpoint to known CIDRs.",
    ]);
  });
});

describe("IMDSv2 and KMS", () => {
  it("imdsv2-required: a disabled metadata endpoint passes; the message names what is set", () => {
    expect(check(S.imdsv2Required, T.instance, { metadataOptions: { httpEndpoint: "disabled" } })).toEqual([]);
    expect(check(S.imdsv2Required, T.instance, {}, { name: "vm" })).toEqual([
      'vm: metadataOptions.httpTokens is "optional"; set "required" so only IMDSv2 answers (pods cannot steal node credentials).',
    ]);
  });

  it("kms-key-rotation: keySpec counts too; HMAC keys do not rotate; text true passes", () => {
    expect(notApplicableReason(S.kmsKeyRotation, T.kmsKey, { keySpec: "ECC_NIST_P256" })).toBe("rotation applies to symmetric encryption keys");
    expect(notApplicableReason(S.kmsKeyRotation, T.kmsKey, { keyUsage: "GENERATE_VERIFY_MAC" })).toBe("rotation applies to symmetric encryption keys");
    expect(check(S.kmsKeyRotation, T.kmsKey, { keySpec: "SYMMETRIC_DEFAULT" }, { name: "k" })).toEqual(["k: enableKeyRotation is not true; turn on automatic rotation."]);
    expect(check(S.kmsKeyRotation, T.kmsKey, { enableKeyRotation: "true" })).toEqual([]);
  });
});
