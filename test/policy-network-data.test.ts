/**
 * Network and data rules: each class has the insecure resource a user would write (from FSBP / CIS) and the
 * secure variant, judged by semantics rather than literals.
 */
import { describe, expect, it } from "vitest";
import { coveredFamilies, internetExposure, parseCidr } from "../policy/cidr";
import * as N from "../policy/network-data";
import * as S from "../policy/security";
import { check, violations } from "./policy-args";

const { T } = S;

describe("CIDR semantics", () => {
  it("finds the internet however it is written", () => {
    expect(coveredFamilies(["0.0.0.0/1", "128.0.0.0/1"])).toEqual(["IPv4"]);
    expect(coveredFamilies(["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/1"])).toEqual(["IPv4"]);
    for (const v6 of ["::/0", "0::0/0", "::0/0", "0:0:0:0:0:0:0:0/0"]) expect(coveredFamilies([v6]), v6).toEqual(["IPv6"]);
    expect(coveredFamilies(["0.0.0.0/1", "128.0.0.0/2"])).toEqual([]); // a quarter is missing
    expect(internetExposure(["2000::/3"])).toBe("2000::/3 is wider than any private range (a large part of the internet)");
    expect(internetExposure(["10.0.0.0/8", "fc00::/7", "203.0.113.0/24"])).toBeUndefined();
    expect(parseCidr("10.1.2.3/8")).toEqual({ family: "IPv4", first: 10n << 24n, last: (11n << 24n) - 1n, prefix: 8 });
    expect(parseCidr("300.0.0.0/8")).toBeUndefined();
  });

  it("sg-no-open-ingress catches two /1 halves and ::0/0, passes an office range", () => {
    expect(check(S.noOpenIngress, T.securityGroup, { ingress: [{ fromPort: 5432, toPort: 5432, protocol: "tcp", cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] }] }, { name: "db" })).toEqual([
      "db: ingress open to the internet (0.0.0.0/1, 128.0.0.0/1 together cover all of IPv4) on port 5432; only load balancers may open 80/443 to the internet.",
    ]);
    expect(check(S.noOpenIngress, T.ingressRule, { cidrIpv6: "0:0:0:0:0:0:0:0/0", fromPort: 22, toPort: 22, ipProtocol: "tcp" }, { name: "ssh" })).toEqual([
      "ssh: ingress open to the internet (0:0:0:0:0:0:0:0/0 covers all of IPv6) on port 22; only load balancers may open 80/443 to the internet.",
    ]);
    // One half in each of two separate rules: each half alone is wider than any private range.
    expect(check(S.noOpenIngress, T.ingressRule, { cidrIpv4: "128.0.0.0/1", fromPort: 22, toPort: 22, ipProtocol: "tcp" }, { name: "half" })[0]).toMatch(/128\.0\.0\.0\/1 is wider than any private range/);
    expect(check(S.noOpenIngress, T.ingressRule, { cidrIpv4: "198.51.100.0/24", fromPort: 22, toPort: 22, ipProtocol: "tcp" }, { name: "office" })).toEqual([]);
  });

  it("eks-restricted-endpoint sees ::/0 spelled differently", () => {
    expect(check(S.eksRestrictedEndpoint, T.eksCluster, { vpcConfig: { publicAccessCidrs: ["0.0.0.0/1", "128.0.0.0/1"] } })[0]).toMatch(/open to the internet \(0\.0\.0\.0\/1, 128\.0\.0\.0\/1 together cover all of IPv4\)/);
    expect(check(S.eksRestrictedEndpoint, T.eksCluster, { vpcConfig: { publicAccessCidrs: ["203.0.113.0/24"] } })).toEqual([]);
  });
});

describe("network", () => {
  it("vpc-default-sg-closed: the default group with its allow-all rules is caught, an emptied one passes", () => {
    const allowAll = { ingress: [{ protocol: "-1", self: true, fromPort: 0, toPort: 0 }], egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }] };
    expect(check(N.defaultSecurityGroupClosed, T.defaultSecurityGroup, { vpcId: "vpc-1", ...allowAll }, { name: "default" })).toEqual([
      "default: the VPC's default security group has 1 ingress and 1 egress rules; manage it with no rules (ingress: [], egress: []) and give resources their own groups.",
    ]);
    expect(check(N.defaultSecurityGroupClosed, T.defaultSecurityGroup, { vpcId: "vpc-1", ingress: [], egress: [] })).toEqual([]);
  });

  it("nacl-no-open-admin-ports: SSH from anywhere (inline and as a rule, all protocols too) is caught; HTTPS and VPC-only SSH pass", () => {
    const acl = (ingress: any[]) => ({ vpcId: "vpc-1", ingress, egress: [] });
    expect(check(N.naclNoOpenAdminPorts, T.networkAcl, acl([{ ruleNo: 100, action: "allow", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/0" }]), { name: "public" })).toEqual([
      "public: network ACL rule 100 allows ingress from the internet (0.0.0.0/0 covers all of IPv4) to port 22; deny it and reach nodes through SSM Session Manager.",
    ]);
    expect(check(N.naclNoOpenAdminPorts, T.networkAclRule, { networkAclId: "acl-1", ruleNumber: 90, egress: false, ruleAction: "allow", protocol: "-1", ipv6CidrBlock: "::/0" }, { name: "all" })[0]).toMatch(/rule 90 .* to ports 22, 3389/);
    expect(check(N.naclNoOpenAdminPorts, T.networkAclRule, { networkAclId: "acl-1", ruleNumber: 80, egress: false, ruleAction: "allow", protocol: "6", fromPort: 1024, toPort: 3400, cidrBlock: "0.0.0.0/0" }, { name: "range" })[0]).toMatch(/to port 3389/);
    expect(check(N.naclNoOpenAdminPorts, T.networkAcl, acl([
      { ruleNo: 100, action: "allow", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlock: "0.0.0.0/0" },
      { ruleNo: 110, action: "allow", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "10.0.0.0/16" },
      { ruleNo: 120, action: "deny", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/0" },
    ]))).toEqual([]);
  });

  it("eks-node-group-no-open-ssh: an SSH key without source groups is caught; SSM-only and restricted SSH pass", () => {
    const ng = (remoteAccess?: any) => ({ clusterName: "c", nodeRoleArn: "arn", subnetIds: ["s"], scalingConfig: { minSize: 1, maxSize: 2, desiredSize: 1 }, ...(remoteAccess ? { remoteAccess } : {}) });
    expect(check(N.nodeGroupNoOpenSsh, T.nodeGroup, ng({ ec2SshKey: "ops" }), { name: "ng" })).toEqual([
      "ng: remoteAccess sets ec2SshKey without sourceSecurityGroupIds, so EKS opens port 22 to 0.0.0.0/0; drop remoteAccess (use SSM) or list sourceSecurityGroupIds.",
    ]);
    expect(check(N.nodeGroupNoOpenSsh, T.nodeGroup, ng())).toEqual([]);
    expect(check(N.nodeGroupNoOpenSsh, T.nodeGroup, ng({ ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-bastion"] }))).toEqual([]);
  });

  it("ebs-encrypted: an unencrypted launch template disk, volume or instance root is caught; encrypted ones pass", () => {
    expect(check(N.ebsEncrypted, T.launchTemplate, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3" } }] }, { name: "lt" })).toEqual([
      'lt: block device /dev/xvda is not encrypted; set ebs.encrypted: "true".',
    ]);
    expect(check(N.ebsEncrypted, T.launchTemplate, { blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true" } }] })).toEqual([]);
    expect(check(N.ebsEncrypted, T.ebsVolume, { availabilityZone: "us-east-1a", size: 100, encrypted: false }, { name: "vol" })).toEqual(["vol: EBS volume is not encrypted; set encrypted: true (with a KMS key)."]);
    expect(check(N.ebsEncrypted, T.ebsVolume, { availabilityZone: "us-east-1a", size: 100, encrypted: true })).toEqual([]);
    expect(check(N.ebsEncrypted, T.instance, { instanceType: "t3.medium", rootBlockDevice: { volumeSize: 20 } }, { name: "vm" })).toEqual(["vm: the root volume is not encrypted; set rootBlockDevice.encrypted: true."]);
  });
});

describe("RDS and ElastiCache", () => {
  const pg = { engine: "postgres", engineVersion: "16", instanceClass: "db.t3.medium", storageEncrypted: true, iamDatabaseAuthenticationEnabled: true };

  it("rds-not-public covers Aurora cluster instances", () => {
    expect(check(S.rdsNotPublic, T.rdsClusterInstance, { clusterIdentifier: "c", instanceClass: "db.r6g.large", engine: "aurora-postgresql", publiclyAccessible: true }, { name: "aurora-1" })).toEqual([
      "aurora-1: publiclyAccessible is true; databases stay in private subnets (publiclyAccessible: false).",
    ]);
    expect(check(S.rdsNotPublic, T.rdsClusterInstance, { clusterIdentifier: "c", instanceClass: "db.r6g.large", engine: "aurora-postgresql", publiclyAccessible: false })).toEqual([]);
  });

  it("rds-force-ssl: force_ssl 0 on any family, or unset on postgres14, is caught; postgres16 defaults and explicit 1 pass", () => {
    expect(check(N.rdsForceSsl, T.rdsParameterGroup, { family: "postgres16", parameters: [{ name: "rds.force_ssl", value: "0" }] }, { name: "pg" })).toEqual(["pg: rds.force_ssl is 0; clients could connect without TLS. Set it to 1."]);
    expect(check(N.rdsForceSsl, T.rdsParameterGroup, { family: "postgres14", parameters: [] }, { name: "old" })).toEqual(["old: family postgres14 defaults rds.force_ssl to 0; set the parameter rds.force_ssl = 1."]);
    expect(check(N.rdsForceSsl, T.rdsClusterParameterGroup, { family: "aurora-postgresql13", parameters: [{ name: "rds.force_ssl", value: "1" }] })).toEqual([]);
    expect(check(N.rdsForceSsl, T.rdsParameterGroup, { family: "postgres16", parameters: [] })).toEqual([]);
    expect(check(N.rdsForceSsl, T.rdsParameterGroup, { family: "mysql8.0", parameters: [] })).toEqual([]); // not applicable
  });

  it("rds-iam-auth: a PostgreSQL instance or cluster without IAM authentication is caught", () => {
    expect(check(N.rdsIamAuth, T.rdsInstance, { ...pg, iamDatabaseAuthenticationEnabled: undefined }, { name: "db" })).toEqual(["db: iamDatabaseAuthenticationEnabled is not true; turn on IAM database authentication."]);
    expect(check(N.rdsIamAuth, T.rdsInstance, pg)).toEqual([]);
    expect(check(N.rdsIamAuth, T.rdsCluster, { engine: "aurora-postgresql" }, { name: "aurora" })).toHaveLength(1);
    expect(check(N.rdsIamAuth, T.rdsInstance, { engine: "sqlserver-ex", instanceClass: "db.t3.medium" })).toEqual([]);
  });

  it("elasticache-encryption refuses transitEncryptionMode preferred; required passes", () => {
    const rg = { transitEncryptionEnabled: true, atRestEncryptionEnabled: true, authToken: "x".repeat(32) };
    expect(check(S.elasticacheEncryption, T.replicationGroup, { ...rg, transitEncryptionMode: "preferred" }, { name: "redis" })).toEqual([
      'redis: transitEncryptionMode is "preferred", which still accepts plaintext connections; set "required".',
    ]);
    expect(check(S.elasticacheEncryption, T.replicationGroup, { ...rg, transitEncryptionMode: "required" })).toEqual([]);
  });

  it("elasticache-snapshots: no snapshot retention is caught; a day or more passes", () => {
    expect(check(N.elasticacheSnapshots, T.replicationGroup, { engine: "redis", snapshotRetentionLimit: 0 }, { name: "redis" })).toEqual(["redis: snapshotRetentionLimit is 0; keep automatic snapshots for at least 1 day(s)."]);
    expect(check(N.elasticacheSnapshots, T.cacheCluster, { engine: "redis", numCacheNodes: 1 }, { name: "solo" })).toHaveLength(1);
    expect(check(N.elasticacheSnapshots, T.replicationGroup, { engine: "redis", snapshotRetentionLimit: 7 })).toEqual([]);
    expect(check(N.elasticacheSnapshots, T.cacheCluster, { engine: "memcached", numCacheNodes: 1 })).toEqual([]);
  });
});

describe("access logging and retention", () => {
  const bucket = (name: string, physical: string) => ({ type: T.bucket, name, props: { bucket: physical } });

  it("s3-access-logging: an unlogged bucket is caught; server access logging, a data-event trail, or being the log target pass", () => {
    expect(violations(N.s3AccessLogging, [bucket("uploads", "fti-uploads")])).toEqual([
      "S3 bucket uploads has no access logging; add a BucketLogging to a log bucket, or a CloudTrail trail with S3 data events for it.",
    ]);
    expect(violations(N.s3AccessLogging, [
      bucket("uploads", "fti-uploads"),
      bucket("logs", "fti-logs"),
      { type: T.bucketLogging[0], name: "uploads-logging", props: { bucket: "fti-uploads", targetBucket: "fti-logs", targetPrefix: "s3/" } },
    ])).toEqual([]);
    const trail = (values: string[]) => ({ type: T.trail, name: "trail", props: { s3BucketName: "fti-trail", eventSelectors: [{ readWriteType: "All", dataResources: [{ type: "AWS::S3::Object", values }] }] } });
    expect(violations(N.s3AccessLogging, [bucket("uploads", "fti-uploads"), bucket("trail-bucket", "fti-trail"), trail(["arn:aws:s3"])])).toEqual([]);
    expect(violations(N.s3AccessLogging, [bucket("uploads", "fti-uploads"), bucket("trail-bucket", "fti-trail"), trail(["arn:aws:s3:::other-bucket/"])])).toHaveLength(1);
  });

  it("cloudfront-access-logging: no loggingConfig is caught", () => {
    expect(check(N.cloudfrontAccessLogging, T.distribution, { enabled: true }, { name: "cdn" })).toEqual(['cdn: no loggingConfig.bucket; send standard logs to a log bucket (loggingConfig: { bucket: "<logs>.s3.amazonaws.com" }).']);
    expect(check(N.cloudfrontAccessLogging, T.distribution, { enabled: true, loggingConfig: { bucket: "fti-logs.s3.amazonaws.com", prefix: "cf/" } })).toEqual([]);
  });

  it("cloudwatch-log-retention: a log group kept forever is caught", () => {
    expect(check(N.logGroupRetention, T.logGroup, { name: "/app" }, { name: "app-logs" })).toEqual(["app-logs: no retentionInDays, so logs are kept (and billed) forever; set a retention such as 30 or 90 days."]);
    expect(check(N.logGroupRetention, T.logGroup, { name: "/app", retentionInDays: 30 })).toEqual([]);
    expect(check(N.logGroupRetention, T.logGroup, { name: "/app", retentionInDays: 30 }, { config: { minRetentionDays: 365 } })).toEqual(["subject: retentionInDays 30 is below the required 365."]);
  });
});

describe("versions past standard support (dates from policy/versions.ts, judged on a fixed asOf)", () => {
  const asOf = { asOf: "2026-11-30" };
  it("eks-supported-version: 1.32 is in extended support, 1.31 past it, 1.35 in standard support, a newer minor than the table passes", () => {
    expect(check(N.eksSupportedVersion, T.eksCluster, { version: "1.32" }, { name: "eks", config: asOf })).toEqual([
      "eks: Kubernetes 1.32 left standard support on 2026-03-23 (in paid extended support until 2027-03-23); upgrade one minor version at a time.",
    ]);
    expect(check(N.eksSupportedVersion, T.eksCluster, { version: "1.31" }, { name: "eks", config: asOf })).toEqual([
      "eks: Kubernetes 1.31 left standard support on 2025-11-26 (past extended support since 2026-11-26, due for a forced upgrade); upgrade one minor version at a time.",
    ]);
    expect(check(N.eksSupportedVersion, T.eksCluster, { version: "1.27" }, { name: "eks", config: asOf })[0]).toMatch(/1\.27 is not in the support table .* older than every supported version/);
    expect(check(N.eksSupportedVersion, T.eksCluster, { version: "1.35" }, { config: asOf })).toEqual([]);
    expect(check(N.eksSupportedVersion, T.eksCluster, { version: "1.36" }, { config: asOf })).toEqual([]);
    expect(check(N.eksSupportedVersion, T.eksCluster, { version: "1.34" }, { config: { asOf: "2026-12-03" } })[0]).toMatch(/left standard support on 2026-12-02/);
  });

  it("rds-supported-version: PostgreSQL 13.x is past standard support; 16 passes; replicas follow their source", () => {
    expect(check(N.rdsSupportedVersion, T.rdsInstance, { engine: "postgres", engineVersion: "13.15" }, { name: "db", config: asOf })).toEqual([
      "db: PostgreSQL 13 left standard support on 2026-02-28 (in paid extended support until 2029-02-28); plan a major version upgrade.",
    ]);
    expect(check(N.rdsSupportedVersion, T.rdsInstance, { engine: "postgres", engineVersion: "16" }, { config: asOf })).toEqual([]);
    expect(check(N.rdsSupportedVersion, T.rdsInstance, { replicateSourceDb: "db", engineVersion: "13" }, { config: asOf })).toEqual([]);
  });
});
