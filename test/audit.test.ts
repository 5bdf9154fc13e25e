import * as aws from "@pulumi/aws";
import { beforeAll, describe, expect, it } from "vitest";
import { Audit, AUDIT_DEFAULTS, findingsPattern, GUARDDUTY_SEVERITY, resolveAuditArgs, trailBucketPolicy, trailKeyPolicy, type AuditArgs } from "../components/observability/audit";
import { keyPolicyDocument, topicPolicyDocument } from "../components/observability/alerting";
import { loadPolicyConfig, runPolicies } from "../tools/policy-run";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";

const TOPIC = "arn:aws:sns:us-east-1:123456789012:finishthisidea-prod-alerts";
const ACCOUNT = "123456789012";

function build(over: Partial<AuditArgs> = {}) {
  return runComponent((parent) => {
    const provider = new aws.Provider("aws-audit-us-east-1", { region: "us-east-1", defaultTags: { tags: { stack: "prod", tier: "growth", component: "audit", "cost-center": "platform" } } }, { parent });
    return new Audit("audit", { namePrefix: "finishthisidea-prod", region: "us-east-1", provider, alertTopicArn: TOPIC, ...over }, { parent });
  });
}

describe("audit policies", () => {
  it("let CloudTrail encrypt and write for this trail only, and nothing in without TLS", () => {
    const trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/finishthisidea-prod-trail";
    const key = JSON.parse(trailKeyPolicy(ACCOUNT, "us-east-1", "finishthisidea-prod-trail")).Statement[1];
    expect(key).toMatchObject({ Principal: { Service: "cloudtrail.amazonaws.com" }, Action: ["kms:GenerateDataKey*", "kms:DescribeKey"], Condition: { StringEquals: { "aws:SourceArn": trail } } });
    const bucket = JSON.parse(trailBucketPolicy("arn:aws:s3:::b", ACCOUNT, "us-east-1", "finishthisidea-prod-trail")).Statement;
    expect(bucket.map((s: any) => s.Sid)).toEqual(["CloudTrailAclCheck", "CloudTrailWrite", "DenyInsecureTransport"]);
    expect(bucket[1]).toMatchObject({ Action: "s3:PutObject", Resource: "arn:aws:s3:::b/AWSLogs/123456789012/*", Condition: { StringEquals: { "aws:SourceArn": trail } } });
  });

  it("send GuardDuty findings of High (7) and up", () => {
    expect(GUARDDUTY_SEVERITY.high).toBe(7);
    expect(JSON.parse(findingsPattern(7))).toEqual({ source: ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], detail: { severity: [{ numeric: [">=", 7] }] } });
  });

  it("the alert topic and its key admit this account's EventBridge rules", () => {
    const topic = JSON.parse(topicPolicyDocument(TOPIC, ACCOUNT, "us-east-1")).Statement.find((s: any) => s.Principal.Service === "events.amazonaws.com");
    expect(topic).toMatchObject({ Action: "sns:Publish", Resource: TOPIC, Condition: { ArnLike: { "aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/*" } } });
    const key = JSON.parse(keyPolicyDocument(ACCOUNT, "us-east-1")).Statement.find((s: any) => s.Principal.Service === "events.amazonaws.com");
    expect(key.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
  });

  it("resolve defaults and report every bad arg at once", () => {
    expect(resolveAuditArgs("a", { namePrefix: "p", region: "us-east-1", provider: undefined as never, alertTopicArn: TOPIC })).toMatchObject({ lockDays: 365, retentionDays: 400, findingsMinSeverity: 7 });
    expect(() => resolveAuditArgs("a", { namePrefix: "Bad_Name", region: "us-east-1", provider: undefined as never, alertTopicArn: TOPIC, lockDays: 30, retentionDays: 10, findingsMinSeverity: 11 }))
      .toThrow(/Audit a: namePrefix "Bad_Name" must be .*; retentionDays 10 must be an integer >= lockDays \(30\).*; findingsMinSeverity 11 must be a GuardDuty severity from 1 to 10/);
  });
});

describe("Audit", () => {
  let resources: RegisteredResource[];
  beforeAll(async () => {
    ({ resources } = await build());
  });

  it("runs a multi-region trail with log file validation into its KMS-encrypted bucket", () => {
    const trail = find(resources, "aws:cloudtrail/trail:Trail", "audit-trail");
    expect(trail.inputs).toMatchObject({ name: "finishthisidea-prod-trail", isMultiRegionTrail: true, includeGlobalServiceEvents: true, enableLogFileValidation: true, enableLogging: true, s3BucketName: "audit-bucket-id" });
    expect(trail.inputs.kmsKeyId).toMatch(/:audit-key$/);
    expect(trail.options.dependsOn).toContain("audit-bucket-policy");
  });

  it("locks the bucket: Object Lock for a year, versioned, KMS by default, private, protected with its key", () => {
    const bucket = find(resources, "aws:s3/bucket:Bucket", "audit-bucket");
    expect(bucket.inputs).toMatchObject({ bucket: "finishthisidea-prod-audit-trail", objectLockEnabled: true, forceDestroy: false });
    expect(bucket.options.protect).toBe(true);
    expect(find(resources, "aws:kms/key:Key", "audit-key").options.protect).toBe(true);
    expect(find(resources, "aws:kms/key:Key", "audit-key").inputs.enableKeyRotation).toBe(true);
    expect(find(resources, "aws:s3/bucketObjectLockConfiguration:BucketObjectLockConfiguration", "audit-bucket-lock").inputs.rule).toEqual({ defaultRetention: { mode: "GOVERNANCE", days: 365 } });
    expect(find(resources, "aws:s3/bucketVersioning:BucketVersioning", "audit-bucket-versioning").inputs.versioningConfiguration).toEqual({ status: "Enabled" });
    expect(find(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "audit-bucket-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe("aws:kms");
    const lifecycle = find(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "audit-bucket-lifecycle").inputs.rules[0];
    expect(lifecycle.expiration.days).toBeGreaterThanOrEqual(365);
    expect(AUDIT_DEFAULTS.retentionDays).toBeGreaterThanOrEqual(AUDIT_DEFAULTS.lockDays);
  });

  it("turns on GuardDuty with EKS audit-log and RDS login protection, and routes High findings to the alert topic", () => {
    expect(find(resources, "aws:guardduty/detector:Detector", "audit-guardduty").inputs.enable).toBe(true);
    expect(resources.filter((r) => r.type === "aws:guardduty/detectorFeature:DetectorFeature").map((r) => [r.inputs.name, r.inputs.status])).toEqual([["EKS_AUDIT_LOGS", "ENABLED"], ["RDS_LOGIN_EVENTS", "ENABLED"]]);
    expect(JSON.parse(find(resources, "aws:cloudwatch/eventRule:EventRule", "audit-findings").inputs.eventPattern).detail.severity).toEqual([{ numeric: [">=", 7] }]);
    expect(find(resources, "aws:cloudwatch/eventTarget:EventTarget", "audit-findings-to-alerts").inputs.arn).toBe(TOPIC);
  });

  it("passes every mandatory policy rule on prod", () => {
    const { config, source } = loadPolicyConfig("prod");
    const report = runPolicies(resources, { config, configSource: source });
    // The cost rules read the tier from a whole stack (the program tests run them); here only the resource rules apply.
    expect(report.violations.filter((v) => v.level === "mandatory").filter((v) => !v.policy.startsWith("cost-"))).toEqual([]);
  });

  it("is caught by the pack when the bucket is left unversioned", async () => {
    const bad = resources.map((r) => (r.name === "audit-bucket-versioning" ? { ...r, inputs: { ...r.inputs, versioningConfiguration: { status: "Suspended" } } } : r));
    expect(runPolicies(bad, { config: { all: "mandatory" } }).violations.map((v) => v.policy)).toContain("s3-versioning");
  });
});
