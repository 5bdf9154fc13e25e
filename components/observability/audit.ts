import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * Audit and threat detection for the account the stack runs in: a multi-region CloudTrail with log file
 * validation into a locked (Object Lock, public access blocked, TLS only), KMS-encrypted, versioned bucket; a
 * GuardDuty detector with EKS audit-log and RDS login protection; and an EventBridge rule sending findings of
 * high severity or worse to the stack's alert topic.
 */

/** GuardDuty severity bands (docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html): High is 7.0-8.9, Critical 9.0-10.0. */
export const GUARDDUTY_SEVERITY = { high: 7, critical: 9 } as const;

/** GuardDuty protection plans turned on (DetectorFeature names, GuardDuty API `DetectorFeature`). */
export const GUARDDUTY_FEATURES = ["EKS_AUDIT_LOGS", "RDS_LOGIN_EVENTS"] as const;

export const AUDIT_DEFAULTS = {
  /** Days a log file can be neither deleted nor overwritten (Object Lock, governance mode). */
  lockDays: 365,
  /** Days a log file is kept; at least lockDays. */
  retentionDays: 400,
  /** Days after which log files move to Glacier Instant Retrieval (rarely read, sometimes urgently). */
  coldAfterDays: 90,
  findingsMinSeverity: GUARDDUTY_SEVERITY.high,
  kmsDeletionWindowDays: 30,
} as const;

export interface AuditArgs {
  /** Prefix of the trail, bucket and rule names (e.g. `finishthisidea-prod`): lowercase letters, digits, hyphens. */
  namePrefix: string;
  /** Region of the trail's home, the bucket, the detector and the rule (the alert topic's region). */
  region: string;
  /** AWS provider of that region. */
  provider: aws.Provider;
  /** The alert topic (its policy must let EventBridge publish: Alerting's does). */
  alertTopicArn: pulumi.Input<string>;
  /** @default AUDIT_DEFAULTS.lockDays (365) */
  lockDays?: number;
  /** @default AUDIT_DEFAULTS.retentionDays (400) */
  retentionDays?: number;
  /** @default AUDIT_DEFAULTS.findingsMinSeverity (7, High) */
  findingsMinSeverity?: number;
}

type ResolvedAudit = Required<Omit<AuditArgs, "provider" | "alertTopicArn">>;

/** Defaults resolved once; every problem reported together, naming the arg, the value and what is allowed. */
export function resolveAuditArgs(name: string, args: AuditArgs): ResolvedAudit {
  const r = {
    namePrefix: args.namePrefix,
    region: args.region,
    lockDays: args.lockDays ?? AUDIT_DEFAULTS.lockDays,
    retentionDays: args.retentionDays ?? AUDIT_DEFAULTS.retentionDays,
    findingsMinSeverity: args.findingsMinSeverity ?? AUDIT_DEFAULTS.findingsMinSeverity,
  };
  const errors: string[] = [];
  if (!/^[a-z0-9][a-z0-9-]{0,40}$/.test(r.namePrefix)) errors.push(`namePrefix ${JSON.stringify(r.namePrefix)} must be 1-41 lowercase letters, digits or hyphens (it names an S3 bucket)`);
  if (!Number.isInteger(r.lockDays) || r.lockDays < 1) errors.push(`lockDays ${r.lockDays} must be an integer >= 1`);
  if (!Number.isInteger(r.retentionDays) || r.retentionDays < r.lockDays) errors.push(`retentionDays ${r.retentionDays} must be an integer >= lockDays (${r.lockDays}): a locked file cannot expire`);
  if (r.retentionDays <= AUDIT_DEFAULTS.coldAfterDays) errors.push(`retentionDays ${r.retentionDays} must exceed ${AUDIT_DEFAULTS.coldAfterDays} (files move to Glacier Instant Retrieval then)`);
  if (!(r.findingsMinSeverity >= 1 && r.findingsMinSeverity <= 10)) errors.push(`findingsMinSeverity ${r.findingsMinSeverity} must be a GuardDuty severity from 1 to 10`);
  if (errors.length > 0) throw new Error(`Audit ${name}: ${errors.join("; ")}`);
  return r;
}

/** The trail's key: the account administers it; CloudTrail encrypts for this trail only; readers decrypt through IAM. */
export function trailKeyPolicy(accountId: string, region: string, trailName: string): string {
  const trailArn = `arn:aws:cloudtrail:${region}:${accountId}:trail/${trailName}`;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "CloudTrailEncrypts",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: ["kms:GenerateDataKey*", "kms:DescribeKey"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceArn": trailArn },
          StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": `arn:aws:cloudtrail:*:${accountId}:trail/*` },
        },
      },
    ],
  });
}

/** The bucket's policy: CloudTrail of this trail may check the ACL and write under AWSLogs/<account>/; nothing without TLS. */
export function trailBucketPolicy(bucketArn: string, accountId: string, region: string, trailName: string): string {
  const trailArn = `arn:aws:cloudtrail:${region}:${accountId}:trail/${trailName}`;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "CloudTrailAclCheck", Effect: "Allow", Principal: { Service: "cloudtrail.amazonaws.com" }, Action: "s3:GetBucketAcl", Resource: bucketArn, Condition: { StringEquals: { "aws:SourceArn": trailArn } } },
      {
        Sid: "CloudTrailWrite",
        Effect: "Allow",
        Principal: { Service: "cloudtrail.amazonaws.com" },
        Action: "s3:PutObject",
        Resource: `${bucketArn}/AWSLogs/${accountId}/*`,
        Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trailArn } },
      },
      { Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [bucketArn, `${bucketArn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } },
    ],
  });
}

/** EventBridge pattern for GuardDuty findings at or above a severity. */
export function findingsPattern(minSeverity: number): string {
  return JSON.stringify({ source: ["aws.guardduty"], "detail-type": ["GuardDuty Finding"], detail: { severity: [{ numeric: [">=", minSeverity] }] } });
}

export class Audit extends pulumi.ComponentResource {
  readonly trailName: string;
  readonly bucketName: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly detectorId: pulumi.Output<string>;
  readonly findingsRuleName: pulumi.Output<string>;

  constructor(name: string, args: AuditArgs, opts?: pulumi.ComponentResourceOptions) {
    const r = resolveAuditArgs(name, args);
    super("finishthisidea:observability:Audit", name, {}, opts);
    const child = { parent: this, provider: args.provider };
    const accountId = aws.getCallerIdentityOutput({}, child).accountId;
    const trailName = `${r.namePrefix}-trail`;

    const key = new aws.kms.Key(`${name}-key`, {
      description: `CloudTrail ${trailName} log files`,
      enableKeyRotation: true,
      deletionWindowInDays: AUDIT_DEFAULTS.kmsDeletionWindowDays,
      policy: accountId.apply((id) => trailKeyPolicy(id, r.region, trailName)),
    }, { ...child, protect: true });

    // Object Lock can only be turned on when the bucket is created.
    const bucket = new aws.s3.Bucket(`${name}-bucket`, { bucket: `${r.namePrefix}-audit-trail`, objectLockEnabled: true, forceDestroy: false }, { ...child, protect: true });
    const publicAccess = new aws.s3.BucketPublicAccessBlock(`${name}-bucket-public-access`, {
      bucket: bucket.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, child);
    new aws.s3.BucketOwnershipControls(`${name}-bucket-ownership`, { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } }, child);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${name}-bucket-encryption`, {
      bucket: bucket.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
    }, child);
    const versioning = new aws.s3.BucketVersioning(`${name}-bucket-versioning`, { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } }, child);
    new aws.s3.BucketObjectLockConfiguration(`${name}-bucket-lock`, {
      bucket: bucket.id,
      // Governance: nobody deletes a log file early unless granted s3:BypassGovernanceRetention explicitly.
      rule: { defaultRetention: { mode: "GOVERNANCE", days: r.lockDays } },
    }, { ...child, dependsOn: [versioning] });
    new aws.s3.BucketLifecycleConfiguration(`${name}-bucket-lifecycle`, {
      bucket: bucket.id,
      rules: [{
        id: "age-out-log-files",
        status: "Enabled",
        filter: {},
        transitions: [{ days: AUDIT_DEFAULTS.coldAfterDays, storageClass: "GLACIER_IR" }],
        expiration: { days: r.retentionDays },
        noncurrentVersionExpiration: { noncurrentDays: 30 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      }],
    }, { ...child, dependsOn: [versioning] });
    const bucketPolicy = new aws.s3.BucketPolicy(`${name}-bucket-policy`, {
      bucket: bucket.id,
      policy: pulumi.all([bucket.arn, accountId]).apply(([arn, id]) => trailBucketPolicy(arn, id, r.region, trailName)),
    }, { ...child, dependsOn: [publicAccess] });

    new aws.cloudtrail.Trail(`${name}-trail`, {
      name: trailName,
      s3BucketName: bucket.id,
      kmsKeyId: key.arn,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      enableLogging: true,
    }, { ...child, dependsOn: [bucketPolicy] });

    // One detector per account and region: an account that already has one imports it instead (see the README).
    const detector = new aws.guardduty.Detector(`${name}-guardduty`, { enable: true, findingPublishingFrequency: "FIFTEEN_MINUTES" }, child);
    for (const feature of GUARDDUTY_FEATURES) {
      new aws.guardduty.DetectorFeature(`${name}-guardduty-${feature.toLowerCase().replace(/_/g, "-")}`, { detectorId: detector.id, name: feature, status: "ENABLED" }, child);
    }

    const rule = new aws.cloudwatch.EventRule(`${name}-findings`, {
      name: `${r.namePrefix}-guardduty-findings`,
      description: `GuardDuty findings of severity ${r.findingsMinSeverity} or more to the alert topic`,
      eventPattern: findingsPattern(r.findingsMinSeverity),
    }, child);
    new aws.cloudwatch.EventTarget(`${name}-findings-to-alerts`, { rule: rule.name, arn: args.alertTopicArn }, child);

    this.trailName = trailName;
    this.bucketName = bucket.bucket;
    this.kmsKeyArn = key.arn;
    this.detectorId = detector.id;
    this.findingsRuleName = rule.name;
    this.registerOutputs({ trailName, bucketName: this.bucketName, kmsKeyArn: this.kmsKeyArn, detectorId: this.detectorId, findingsRuleName: this.findingsRuleName });
  }
}
