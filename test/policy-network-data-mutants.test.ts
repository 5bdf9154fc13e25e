/**
 * Network and data rules, case by case (issue 19: every mutation of policy/network-data.ts must fail a test): the
 * insecure variant each rule exists for, the near-miss it must pass, thresholds exactly at the boundary, and the
 * reason a rule gives the engine when it does not apply. Expectations are literal messages.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { afterEach, describe, expect, it, vi } from "vitest";
import * as N from "../policy/network-data";
import { T } from "../policy/security";
import { check, violations } from "./policy-args";

/** The reason a resource rule gives notApplicable for these props, or undefined when it judged them. */
function notApplicableReason(rule: ResourceValidationPolicy, type: string, props: Record<string, any>, config: Record<string, unknown> = {}): string | undefined {
  let reason: string | undefined;
  const args = { type, props, name: "subject", urn: "urn:x", opts: {}, getConfig: () => config, notApplicable: (r?: string) => { reason = r; } } as any;
  (rule.validateResource as (a: any, r: () => void) => void)(args, () => undefined);
  return reason;
}

describe("the rule list", () => {
  it("names each rule and says what it enforces", () => {
    expect(N.networkDataRules.map((r) => r.name)).toEqual([
      "vpc-default-sg-closed", "nacl-no-open-admin-ports", "eks-node-group-no-open-ssh", "ebs-encrypted", "rds-force-ssl", "rds-iam-auth",
      "elasticache-snapshots", "s3-access-logging", "cloudfront-access-logging", "cloudwatch-log-retention", "eks-supported-version", "rds-supported-version",
    ]);
    expect(N.networkDataRules.map((r) => r.description)).toEqual([
      expect.stringContaining("default security group"), expect.stringContaining("remote administration ports"), expect.stringContaining("source security groups"),
      expect.stringContaining("EBS volumes are encrypted"), expect.stringContaining("rds.force_ssl"), expect.stringContaining("IAM database authentication"),
      expect.stringContaining("automatic snapshots"), expect.stringContaining("server access logging"), expect.stringContaining("standard access logs"),
      expect.stringContaining("retention"), expect.stringContaining("Kubernetes version in standard support"), expect.stringContaining("major version in RDS standard support"),
    ]);
  });
});

describe("vpc-default-sg-closed", () => {
  it("counts ingress and egress rules separately; a group with only egress is still open", () => {
    expect(check(N.defaultSecurityGroupClosed, T.defaultSecurityGroup, { egress: [{ protocol: "-1", cidrBlocks: ["0.0.0.0/0"] }] }, { name: "d" })).toEqual([
      "d: the VPC's default security group has 0 ingress and 1 egress rules; manage it with no rules (ingress: [], egress: []) and give resources their own groups.",
    ]);
    expect(check(N.defaultSecurityGroupClosed, T.defaultSecurityGroup, { ingress: [{ self: true }, { self: true }] }, { name: "d" })[0]).toMatch(/has 2 ingress and 0 egress rules/);
    expect(check(N.defaultSecurityGroupClosed, T.defaultSecurityGroup, { vpcId: "vpc-1" })).toEqual([]);
    expect(check(N.defaultSecurityGroupClosed, T.defaultSecurityGroup, { vpcId: "vpc-1", ingress: null, egress: null })).toEqual([]);
  });
});

describe("nacl-no-open-admin-ports", () => {
  const rule = (props: Record<string, any>) => check(N.naclNoOpenAdminPorts, T.networkAclRule, { networkAclId: "acl-1", ruleNumber: 100, egress: false, ruleAction: "allow", protocol: "tcp", cidrBlock: "0.0.0.0/0", ...props }, { name: "r" });
  const OPEN_22 = "r: network ACL rule 100 allows ingress from the internet (0.0.0.0/0 covers all of IPv4) to port 22; deny it and reach nodes through SSM Session Manager.";

  it("catches a range that starts or ends exactly on an admin port, and a single port given as fromPort only", () => {
    expect(rule({ fromPort: 22, toPort: 80 })).toEqual([OPEN_22]);
    expect(rule({ fromPort: 1, toPort: 22 })).toEqual([OPEN_22]);
    expect(rule({ fromPort: 22 })).toEqual([OPEN_22]);
    expect(rule({ fromPort: 3389, toPort: 3389 })[0]).toMatch(/to port 3389;/);
  });

  it("passes ranges that stop just short of the admin ports", () => {
    expect(rule({ fromPort: 23, toPort: 3388 })).toEqual([]);
    expect(rule({ fromPort: 1, toPort: 21 })).toEqual([]);
    expect(rule({ fromPort: 3390, toPort: 65535 })).toEqual([]);
  });

  it("no port range on TCP means every port; UDP and upper case protocols count; ICMP does not", () => {
    expect(rule({ protocol: "6" })).toEqual(["r: network ACL rule 100 allows ingress from the internet (0.0.0.0/0 covers all of IPv4) to ports 22, 3389; deny it and reach nodes through SSM Session Manager."]);
    expect(rule({ protocol: "udp", fromPort: 3389, toPort: 3389 })).toHaveLength(1);
    expect(rule({ protocol: "17", fromPort: 3389, toPort: 3389 })).toHaveLength(1);
    expect(rule({ protocol: "TCP", fromPort: 22, toPort: 22 })).toEqual([OPEN_22]);
    expect(rule({ protocol: "all", fromPort: 0, toPort: 0 })[0]).toMatch(/to ports 22, 3389;/);
    expect(rule({ protocol: "1", fromPort: 22, toPort: 22 })).toEqual([]);
  });

  it("judges ingress allows only: ALLOW in capitals counts, egress and deny do not", () => {
    expect(rule({ ruleAction: "ALLOW", fromPort: 22, toPort: 22 })).toEqual([OPEN_22]);
    expect(rule({ egress: true, fromPort: 22, toPort: 22 })).toEqual([]);
    expect(rule({ egress: "true", fromPort: 22, toPort: 22 })).toEqual([]);
    expect(rule({ ruleAction: "deny", fromPort: 22, toPort: 22 })).toEqual([]);
    expect(rule({ cidrBlock: "10.0.0.0/8", fromPort: 22, toPort: 22 })).toEqual([]);
    expect(rule({ cidrBlock: undefined, ipv6CidrBlock: "::/0", fromPort: 22, toPort: 22 })[0]).toMatch(/\(::\/0 covers all of IPv6\)/);
  });

  it("reads inline egress as egress, names a rule without a number ?, and covers the default network ACL", () => {
    const open22 = { action: "allow", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlock: "0.0.0.0/0" };
    expect(check(N.naclNoOpenAdminPorts, T.networkAcl, { ingress: [null], egress: [open22] })).toEqual([]);
    expect(check(N.naclNoOpenAdminPorts, T.defaultNetworkAcl, { ingress: [open22] }, { name: "r" })).toEqual([OPEN_22.replace("rule 100", "rule ?")]);
  });

  it("takes adminPorts from config", () => {
    expect(rule({ fromPort: 5432, toPort: 5432 })).toEqual([]);
    expect(check(N.naclNoOpenAdminPorts, T.networkAclRule, { egress: false, ruleAction: "allow", protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlock: "0.0.0.0/0" }, { config: { adminPorts: ["5432"] } })[0]).toMatch(/to port 5432;/);
  });
});

describe("eks-node-group-no-open-ssh", () => {
  it("reads remoteAccess given as JSON text; remoteAccess with source groups only, or empty, passes", () => {
    expect(check(N.nodeGroupNoOpenSsh, T.nodeGroup, { remoteAccess: JSON.stringify({ ec2SshKey: "ops" }) })).toHaveLength(1);
    expect(check(N.nodeGroupNoOpenSsh, T.nodeGroup, { remoteAccess: { sourceSecurityGroupIds: ["sg-1"] } })).toEqual([]);
    expect(check(N.nodeGroupNoOpenSsh, T.nodeGroup, { remoteAccess: {} })).toEqual([]);
  });
});

describe("ebs-encrypted", () => {
  it("accepts encrypted as the string true, and a value still unknown in a preview", () => {
    expect(check(N.ebsEncrypted, T.ebsVolume, { encrypted: "true" })).toEqual([]);
    expect(check(N.ebsEncrypted, T.ebsVolume, { encrypted: "<computed>" })).toEqual([]);
    expect(check(N.ebsEncrypted, T.ebsVolume, {}, { name: "v" })).toEqual(["v: EBS volume is not encrypted; set encrypted: true (with a KMS key)."]);
  });

  it("launch templates: a disk restored from a snapshot, or without ebs, is not judged; a nameless device is ?", () => {
    expect(check(N.ebsEncrypted, T.launchTemplate, { blockDeviceMappings: [null, { deviceName: "/dev/sdb", ebs: { snapshotId: "snap-1" } }, { deviceName: "/dev/sdc", virtualName: "ephemeral0" }] })).toEqual([]);
    expect(check(N.ebsEncrypted, T.launchTemplate, { blockDeviceMappings: [{ ebs: { encrypted: "false" } }] }, { name: "lt" })).toEqual(['lt: block device ? is not encrypted; set ebs.encrypted: "true".']);
  });

  it("instances: each unencrypted data volume is named; an encrypted root and no root block pass", () => {
    expect(check(N.ebsEncrypted, T.instance, { rootBlockDevice: { encrypted: true }, ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: true }, { deviceName: "/dev/sdg" }, {}, null] }, { name: "vm" })).toEqual([
      "vm: volume /dev/sdg is not encrypted; set encrypted: true.",
      "vm: volume ? is not encrypted; set encrypted: true.",
      "vm: volume ? is not encrypted; set encrypted: true.",
    ]);
    expect(check(N.ebsEncrypted, T.instance, { instanceType: "t3.micro" })).toEqual([]);
  });
});

describe("rds-force-ssl", () => {
  const pg = (family: string | undefined, parameters: any[] = []) => check(N.rdsForceSsl, T.rdsParameterGroup, { family, parameters }, { name: "pg" });

  it("refuses 0, off and false (a number too)", () => {
    expect(pg("postgres16", [{ name: "rds.force_ssl", value: 0 }])).toEqual(["pg: rds.force_ssl is 0; clients could connect without TLS. Set it to 1."]);
    expect(pg("postgres16", [{ name: "rds.force_ssl", value: "off" }])).toEqual(["pg: rds.force_ssl is off; clients could connect without TLS. Set it to 1."]);
    expect(pg("postgres16", [{ name: "rds.force_ssl", value: "false" }])).toEqual(["pg: rds.force_ssl is false; clients could connect without TLS. Set it to 1."]);
  });

  it("needs the parameter set before postgres15 (14: caught, 15: default on); another parameter is not it", () => {
    expect(pg("postgres15")).toEqual([]);
    expect(pg("aurora-postgresql14", [null, { name: "log_connections", value: "0" }])).toEqual(["pg: family aurora-postgresql14 defaults rds.force_ssl to 0; set the parameter rds.force_ssl = 1."]);
    expect(pg("postgres14", [{ name: "rds.force_ssl", value: "1" }])).toEqual([]);
  });

  it("does not apply to other engines, or to a family that only contains the word", () => {
    expect(notApplicableReason(N.rdsForceSsl, T.rdsParameterGroup, { family: "mysql8.0" })).toBe("not a PostgreSQL parameter group");
    expect(notApplicableReason(N.rdsForceSsl, T.rdsParameterGroup, {})).toBe("not a PostgreSQL parameter group");
    expect(pg("xpostgres14")).toEqual([]);
    expect(pg("postgres")).toEqual([]);
  });
});

describe("rds-iam-auth", () => {
  it("judges an instance without an engine, accepts true as text and an unknown value", () => {
    expect(check(N.rdsIamAuth, T.rdsInstance, {}, { name: "db" })).toEqual(["db: iamDatabaseAuthenticationEnabled is not true; turn on IAM database authentication."]);
    expect(check(N.rdsIamAuth, T.rdsInstance, { engine: "mysql", iamDatabaseAuthenticationEnabled: "true" })).toEqual([]);
    expect(check(N.rdsIamAuth, T.rdsInstance, { engine: "mariadb", iamDatabaseAuthenticationEnabled: "<computed>" })).toEqual([]);
  });

  it("does not apply to engines without IAM authentication, named by the start of the engine", () => {
    expect(notApplicableReason(N.rdsIamAuth, T.rdsInstance, { engine: "oracle-ee" })).toBe("engine oracle-ee has no IAM authentication");
    expect(notApplicableReason(N.rdsIamAuth, T.rdsInstance, { engine: "custom-mysql" })).toBe("engine custom-mysql has no IAM authentication");
    expect(notApplicableReason(N.rdsIamAuth, T.rdsInstance, { engine: "postgres" })).toBeUndefined();
  });
});

describe("elasticache-snapshots", () => {
  it(`keeps snapshots for at least a day by default (1: passes), or the configured minimum`, () => {
    expect(check(N.elasticacheSnapshots, T.replicationGroup, { replicationGroupId: "redis", snapshotRetentionLimit: 1 })).toEqual([]);
    expect(check(N.elasticacheSnapshots, T.replicationGroup, { replicationGroupId: "redis" }, { name: "redis" })).toEqual(["redis: snapshotRetentionLimit is 0; keep automatic snapshots for at least 1 day(s)."]);
    expect(check(N.elasticacheSnapshots, T.replicationGroup, { snapshotRetentionLimit: "2" }, { name: "redis", config: { minSnapshotRetentionDays: 3 } })).toEqual(["redis: snapshotRetentionLimit is 2; keep automatic snapshots for at least 3 day(s)."]);
    expect(check(N.elasticacheSnapshots, T.replicationGroup, { snapshotRetentionLimit: 3 }, { config: { minSnapshotRetentionDays: 3 } })).toEqual([]);
  });

  it("does not apply to a cluster in a replication group, or to memcached", () => {
    expect(notApplicableReason(N.elasticacheSnapshots, T.cacheCluster, { replicationGroupId: "redis" })).toBe("member of a replication group, or memcached");
    expect(notApplicableReason(N.elasticacheSnapshots, T.cacheCluster, { engine: "memcached" })).toBe("member of a replication group, or memcached");
    expect(notApplicableReason(N.elasticacheSnapshots, T.cacheCluster, { engine: "redis" })).toBeUndefined();
  });
});

describe("s3-access-logging", () => {
  const bucket = (name: string, physical?: string, extra: Record<string, any> = {}) => ({ type: T.bucket, name, props: { ...(physical ? { bucket: physical } : {}), ...extra } });
  const UNLOGGED = "S3 bucket uploads has no access logging; add a BucketLogging to a log bucket, or a CloudTrail trail with S3 data events for it.";
  const cdn = (logBucket: string) => ({ type: T.distribution, name: "cdn", props: { loggingConfig: { bucket: logBucket } } });

  it("does not apply without buckets", () => {
    expect(violations(N.s3AccessLogging, [{ type: T.logGroup, name: "g", props: {} }])).toEqual([]);
  });

  it("accepts inline logging (loggings list, or logging with a target); an empty logging block is none", () => {
    expect(violations(N.s3AccessLogging, [bucket("uploads", "fti-uploads", { loggings: [{ targetBucket: "fti-logs" }] })])).toEqual([]);
    expect(violations(N.s3AccessLogging, [bucket("uploads", "fti-uploads", { logging: JSON.stringify({ targetBucket: "fti-logs" }) })])).toEqual([]);
    expect(violations(N.s3AccessLogging, [bucket("uploads", "fti-uploads", { logging: {} })])).toEqual([UNLOGGED]);
  });

  it("a bucket CloudFront (global or regional endpoint) or CloudTrail writes logs to is itself exempt", () => {
    expect(violations(N.s3AccessLogging, [bucket("uploads", "fti-uploads"), cdn("fti-uploads.s3.amazonaws.com")])).toEqual([]);
    expect(violations(N.s3AccessLogging, [bucket("uploads", "fti-uploads"), cdn("fti-uploads.s3.us-east-1.amazonaws.com")])).toEqual([]);
    expect(violations(N.s3AccessLogging, [bucket("uploads", "fti-uploads"), cdn("other.s3.amazonaws.com")])).toEqual([UNLOGGED]);
    expect(violations(N.s3AccessLogging, [bucket("uploads", "fti-uploads"), { type: T.distribution, name: "cdn", props: {} }])).toEqual([UNLOGGED]);
    // A log target not known yet does not exempt a bucket whose name is not known either.
    expect(violations(N.s3AccessLogging, [bucket("uploads"), { type: T.bucketLogging[0], name: "x-logging", props: { bucket: "fti-x" } }])).toEqual([UNLOGGED]);
    expect(violations(N.s3AccessLogging, [bucket("uploads", "fti-uploads"), { type: T.trail, name: "t", props: { s3BucketName: "fti-uploads" } }])).toEqual([]);
    expect(violations(N.s3AccessLogging, [bucket("uploads", "fti-uploads"), { type: T.bucketLogging[1], name: "x-logging", props: { bucket: "fti-other", targetBucket: "fti-uploads" } }, bucket("other", "fti-other")])).toEqual([]);
  });

  describe("CloudTrail data events", () => {
    const trail = (props: Record<string, any>) => ({ type: T.trail, name: "trail", props: { s3BucketName: "fti-trail", ...props } });
    const basic = (values: unknown[], type = "AWS::S3::Object") => trail({ eventSelectors: [{ dataResources: [{ type, values }] }] });
    const run = (t: any, b = bucket("uploads", "fti-uploads")) => violations(N.s3AccessLogging, [b, bucket("trail-bucket", "fti-trail"), t]);

    it("basic selectors: all buckets, this bucket's objects, or an unknown ARN cover it; another bucket or another type does not", () => {
      expect(run(basic(["arn:aws:s3:::"]))).toEqual([]);
      expect(run(basic(["arn:aws:s3:::fti-uploads/"]))).toEqual([]);
      expect(run(basic(["<computed>"]))).toEqual([]);
      expect(run(basic(["arn:aws:s3:::fti-uploads/"], "AWS::Lambda::Function"))).toEqual([UNLOGGED]);
      expect(run(basic([42, "arn:aws:s3:::fti-other/"]))).toEqual([UNLOGGED]);
      expect(run(trail({ eventSelectors: [null, { dataResources: [null] }] }))).toEqual([UNLOGGED]);
      // A bucket with no physical name yet is not "undefined".
      expect(run(basic(["arn:aws:s3:::undefined/"]), bucket("uploads"))).toEqual([UNLOGGED]);
    });

    it("advanced selectors: S3 objects with no ARN filter, or an ARN filter on this bucket, cover it", () => {
      const advanced = (fieldSelectors: any[]) => trail({ advancedEventSelectors: [{ name: "s3", fieldSelectors }] });
      const s3Objects = { field: "resources.type", equals: ["AWS::S3::Object"] };
      expect(run(advanced([{ field: "eventCategory", equals: ["Data"] }, s3Objects]))).toEqual([]);
      expect(run(advanced([s3Objects, { field: "resources.ARN", startsWith: ["arn:aws:s3:::fti-uploads/"] }]))).toEqual([]);
      expect(run(advanced([s3Objects, { field: "resources.ARN", equals: ["arn:aws:s3:::fti-uploads/report.csv"] }]))).toEqual([]);
      expect(run(advanced([s3Objects, { field: "resources.ARN", startsWith: ["arn:aws:s3:::fti-other/"] }]))).toEqual([UNLOGGED]);
      expect(run(advanced([{ field: "resources.type", equals: ["AWS::DynamoDB::Table"] }]))).toEqual([UNLOGGED]);
      expect(run(advanced([{ field: "eventName", equals: ["AWS::S3::Object"] }]))).toEqual([UNLOGGED]);
      expect(run(trail({ advancedEventSelectors: [null, { fieldSelectors: [null] }] }))).toEqual([UNLOGGED]);
    });
  });
});

describe("cloudfront-access-logging", () => {
  it("an empty log bucket is none; loggingConfig as JSON text is read", () => {
    expect(check(N.cloudfrontAccessLogging, T.distribution, { loggingConfig: { bucket: "" } })).toHaveLength(1);
    expect(check(N.cloudfrontAccessLogging, T.distribution, { loggingConfig: JSON.stringify({ bucket: "fti-logs.s3.amazonaws.com" }) })).toEqual([]);
  });
});

describe("cloudwatch-log-retention", () => {
  it("0 days means forever; the configured minimum itself passes, one day less does not", () => {
    expect(check(N.logGroupRetention, T.logGroup, { retentionInDays: 0 }, { name: "g" })).toEqual(["g: no retentionInDays, so logs are kept (and billed) forever; set a retention such as 30 or 90 days."]);
    expect(check(N.logGroupRetention, T.logGroup, { retentionInDays: 1 })).toEqual([]);
    expect(check(N.logGroupRetention, T.logGroup, { retentionInDays: 90 }, { config: { minRetentionDays: 90 } })).toEqual([]);
    expect(check(N.logGroupRetention, T.logGroup, { retentionInDays: "60" }, { name: "g", config: { minRetentionDays: 90 } })).toEqual(["g: retentionInDays 60 is below the required 90."]);
  });
});

describe("versions past standard support", () => {
  afterEach(() => vi.useRealTimers());
  const asOf = { asOf: "2026-11-30" };

  it("eks-supported-version: no version, or one unknown in a preview, is reported as unpinned", () => {
    const UNPINNED = "eks: no Kubernetes version set; pin one (EKS would pick its default, which moves).";
    expect(check(N.eksSupportedVersion, T.eksCluster, {}, { name: "eks", config: asOf })).toEqual([UNPINNED]);
    expect(check(N.eksSupportedVersion, T.eksCluster, { version: "<computed>" }, { name: "eks", config: asOf })).toEqual([UNPINNED]);
  });

  it("a patch above the newest row is newer; one between rows is missing from the table", () => {
    expect(check(N.eksSupportedVersion, T.eksCluster, { version: "1.35.1" }, { config: asOf })).toEqual([]);
    expect(check(N.eksSupportedVersion, T.eksCluster, { version: "2.0" }, { config: asOf })).toEqual([]);
    expect(check(N.eksSupportedVersion, T.eksCluster, { version: "1.30.1" }, { config: asOf })[0]).toMatch(/Kubernetes 1\.30\.1 is not in the support table/);
  });

  it("without asOf, judges on today's date (1.34 on its last day of standard support passes, the day after it does not)", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-02T18:00:00Z"));
    expect(check(N.eksSupportedVersion, T.eksCluster, { version: "1.34" })).toEqual([]);
    vi.setSystemTime(new Date("2026-12-03T00:30:00Z"));
    expect(check(N.eksSupportedVersion, T.eksCluster, { version: "1.34" }, { name: "eks" })).toEqual([
      "eks: Kubernetes 1.34 left standard support on 2026-12-02 (in paid extended support until 2027-12-02); upgrade one minor version at a time.",
    ]);
  });

  it("rds-supported-version: Aurora PostgreSQL is judged; other engines, replicas and unknown versions are not", () => {
    expect(check(N.rdsSupportedVersion, T.rdsCluster, { engine: "aurora-postgresql", engineVersion: "12.9" }, { name: "aurora", config: asOf })).toEqual([
      "aurora: PostgreSQL 12 left standard support on 2025-02-28 (in paid extended support until 2028-02-29); plan a major version upgrade.",
    ]);
    expect(check(N.rdsSupportedVersion, T.rdsInstance, { engine: "postgres", engineVersion: "<computed>" }, { config: asOf })).toEqual([]);
    expect(check(N.rdsSupportedVersion, T.rdsInstance, { engine: "postgres" }, { config: asOf })).toEqual([]);
    expect(notApplicableReason(N.rdsSupportedVersion, T.rdsInstance, { engine: "mysql", engineVersion: "5.7" })).toBe("not PostgreSQL");
    expect(notApplicableReason(N.rdsSupportedVersion, T.rdsInstance, { engineVersion: "13" })).toBe("not PostgreSQL");
    expect(notApplicableReason(N.rdsSupportedVersion, T.rdsInstance, { replicateSourceDb: "db", engine: "postgres", engineVersion: "11" })).toBe("read replicas follow their source's version");
  });

  it("rds-supported-version without asOf judges on today's date", () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2027-02-28T23:00:00Z"));
    expect(check(N.rdsSupportedVersion, T.rdsInstance, { engine: "postgres", engineVersion: "14.10" })).toEqual([]);
    vi.setSystemTime(new Date("2027-03-01T00:30:00Z"));
    expect(check(N.rdsSupportedVersion, T.rdsInstance, { engine: "postgres", engineVersion: "14.10" })).toHaveLength(1);
  });
});
