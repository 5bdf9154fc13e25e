/**
 * Object storage: one hardened, KMS-encrypted, versioned S3 bucket per region (the primary takes writes and
 * replicates to every other region with replication time control), plus a zero-egress Cloudflare R2 bucket
 * for user uploads and results.
 *
 * The primary bucket's policy and KMS key policy are the only place CloudFront's read grant can live (S3 takes
 * one policy per bucket and this component writes the deny-non-TLS one), so the CDN's grant is an input here
 * (`cloudFrontRead`) rather than a second BucketPolicy in the Cdn component. The distribution ARN it needs is
 * created later; pass it through `pulumi.deferredOutput()` (see the Cdn component's doc).
 */
import * as crypto from "node:crypto";
import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";

/** Lifecycle and tiering days, as data. */
export interface StorageLifecycle {
  /** Current versions move to S3 Glacier Flexible Retrieval after this many days. */
  glacierAfterDays: number;
  /** Noncurrent (overwritten or deleted) versions expire after this many days. */
  noncurrentVersionExpirationDays: number;
  /** Incomplete multipart uploads are aborted after this many days (S3 and R2). */
  abortIncompleteMultipartDays: number;
  /** Intelligent-Tiering archive tiers for objects stored as INTELLIGENT_TIERING. */
  archiveAccessDays: number;
  deepArchiveAccessDays: number;
  /** R2 objects move to Infrequent Access after this many days. */
  r2InfrequentAccessAfterDays: number;
}

export const DEFAULT_STORAGE_LIFECYCLE: StorageLifecycle = {
  glacierAfterDays: 365,
  noncurrentVersionExpirationDays: 90,
  abortIncompleteMultipartDays: 7,
  archiveAccessDays: 90,
  deepArchiveAccessDays: 180,
  r2InfrequentAccessAfterDays: 30,
};

/** S3 replication time control: the 15-minute SLA and the matching metrics threshold (the only value AWS accepts). */
export const REPLICATION_TIME_MINUTES = 15;

/** Methods and headers browsers may use on the R2 bucket (presigned GET/PUT from the web app). */
export const R2_CORS = {
  methods: ["GET", "PUT", "HEAD"],
  headers: ["Content-Type", "Content-MD5", "x-amz-checksum-sha256"],
  exposeHeaders: ["ETag"],
  maxAgeSeconds: 3600,
} as const;

export interface StorageEndpoints {
  /** Bucket names by region; the primary region's bucket takes writes. */
  bucketNames: Record<string, pulumi.Output<string>>;
  bucketArns: pulumi.Output<string>[];
  /** KMS keys encrypting the buckets (IRSA roles need kms:Decrypt / GenerateDataKey on them). */
  kmsKeyArns: pulumi.Output<string>[];
  primaryBucketName: pulumi.Output<string>;
  primaryBucketArn: pulumi.Output<string>;
  primaryBucketRegionalDomainName: pulumi.Output<string>;
  r2BucketName: pulumi.Output<string>;
  /** S3-compatible endpoint of the R2 bucket's account. */
  r2Endpoint: pulumi.Output<string>;
  /** Secret: S3 access key id of the bucket-scoped token (the token's id). */
  r2AccessKeyId: pulumi.Output<string>;
  /** Secret: S3 secret access key of the bucket-scoped token (SHA-256 hex of the token's value). */
  r2SecretAccessKey: pulumi.Output<string>;
}

export interface ObjectStorageArgs {
  /** Prefix of every bucket name, e.g. `${project}-${stack}`; S3 buckets are `<prefix>-<region>`, R2 `<prefix>-uploads`. */
  bucketPrefix: string;
  /** Region of the bucket that takes writes and replicates to the others. */
  primaryRegion: string;
  /** Regions receiving a replica (the tier's storage.replicaRegions; never the primary region). */
  replicaRegions: string[];
  /** The AWS provider (with the cost-allocation default tags) for a region. */
  providerFor: (region: string) => aws.Provider;
  cloudflare: {
    /** 32-character hex Cloudflare account id. */
    accountId: string;
    /** Secret API token; the component's Cloudflare provider is configured from it. */
    apiToken: pulumi.Input<string>;
    /** R2 location hint: wnam, enam, weur, eeur, apac or oc. */
    locationHint: string;
    /** Optional R2 jurisdiction (eu, fedramp); changes the S3-compatible endpoint. */
    jurisdiction?: string;
  };
  /** Origins (https://...) allowed by the R2 bucket's CORS rule, e.g. [`https://${domain}`]. */
  corsAllowedOrigins: string[];
  /** Overrides of DEFAULT_STORAGE_LIFECYCLE. */
  lifecycle?: Partial<StorageLifecycle>;
  /**
   * Let one CloudFront distribution read these keys of the primary bucket through Origin Access Control: an
   * Allow statement in the primary bucket's policy and kms:Decrypt in its key policy, both conditioned on
   * AWS:SourceArn = the distribution ARN.
   */
  cloudFrontRead?: { distributionArn: pulumi.Input<string>; keyPatterns: string[] };
}

const R2_LOCATIONS = ["wnam", "enam", "weur", "eeur", "apac", "oc"];
const R2_JURISDICTIONS = ["default", "eu", "fedramp"];

/** S3 bucket name of a region. */
export function bucketName(prefix: string, region: string): string {
  return `${prefix}-${region}`;
}

/**
 * Cloudflare API permission group the pods' R2 token holds: object read, write and list on the buckets named
 * in its resources, nothing else (no bucket settings, no other product). Source: Cloudflare API
 * `GET /accounts/{account_id}/tokens/permission_groups` (name "Workers R2 Storage Bucket Item Write", scope
 * com.cloudflare.edge.r2.bucket); R2 docs, "Authentication" (developers.cloudflare.com/r2/api/tokens/).
 */
export const R2_OBJECT_WRITE_PERMISSION_GROUP = { id: "2efd5506f9c8494dacb1fa10a3e7d5b6", name: "Workers R2 Storage Bucket Item Write" } as const;

/** A token policy resource naming exactly one R2 bucket (`default` is the jurisdiction of an ordinary bucket). */
export function r2BucketResource(accountId: string, bucketName: string, jurisdiction?: string): string {
  return `com.cloudflare.edge.r2.bucket.${accountId}_${jurisdiction ?? "default"}_${bucketName}`;
}

/** R2's S3 credentials from an API token: the token's id is the access key id, SHA-256 (hex) of its value the secret. */
export function r2S3SecretAccessKey(tokenValue: string): string {
  return crypto.createHash("sha256").update(tokenValue).digest("hex");
}

/** The R2 bucket's S3-compatible endpoint (jurisdictional buckets have their own host). */
export function r2Endpoint(accountId: string, jurisdiction?: string): string {
  const j = jurisdiction && jurisdiction !== "default" ? `.${jurisdiction}` : "";
  return `https://${accountId}${j}.r2.cloudflarestorage.com`;
}

const BUCKET_NAME = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

/** Throw a clear error for bad ObjectStorage args (called before anything is registered). */
export function validateObjectStorageArgs(name: string, args: ObjectStorageArgs): StorageLifecycle {
  const fail = (arg: string, value: unknown, allowed: string) => {
    throw new Error(`ObjectStorage ${name}: ${arg} is ${JSON.stringify(value)}; expected ${allowed}`);
  };
  for (const region of [args.primaryRegion, ...args.replicaRegions]) {
    const bucket = bucketName(args.bucketPrefix, region);
    if (!BUCKET_NAME.test(bucket) || bucket.includes("--")) fail("bucketPrefix", args.bucketPrefix, `lowercase letters, digits and single hyphens, so that "${bucket}" is a valid S3 bucket name of at most 63 characters`);
  }
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(args.primaryRegion)) fail("primaryRegion", args.primaryRegion, "an AWS region such as us-east-1");
  args.replicaRegions.forEach((r, i) => {
    if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(r)) fail(`replicaRegions[${i}]`, r, "an AWS region such as us-west-2");
    if (r === args.primaryRegion) fail(`replicaRegions[${i}]`, r, `a region other than the primary region (${args.primaryRegion})`);
    if (args.replicaRegions.indexOf(r) !== i) fail(`replicaRegions[${i}]`, r, "each region once");
  });
  const cf = args.cloudflare;
  if (!/^[0-9a-f]{32}$/.test(cf.accountId)) fail("cloudflare.accountId", cf.accountId, "a 32-character hex Cloudflare account id");
  if (!R2_LOCATIONS.includes(cf.locationHint)) fail("cloudflare.locationHint", cf.locationHint, `one of ${R2_LOCATIONS.join(", ")}`);
  if (cf.jurisdiction !== undefined && !R2_JURISDICTIONS.includes(cf.jurisdiction)) fail("cloudflare.jurisdiction", cf.jurisdiction, `one of ${R2_JURISDICTIONS.join(", ")}`);
  if (args.corsAllowedOrigins.length === 0) fail("corsAllowedOrigins", args.corsAllowedOrigins, "at least one https:// origin");
  args.corsAllowedOrigins.forEach((o, i) => {
    if (!/^https:\/\/[a-z0-9.-]+(:\d+)?$/.test(o)) fail(`corsAllowedOrigins[${i}]`, o, "an https:// origin without a path, such as https://example.com");
  });
  const lifecycle = { ...DEFAULT_STORAGE_LIFECYCLE, ...args.lifecycle };
  for (const [k, v] of Object.entries(lifecycle)) {
    if (!Number.isInteger(v) || v < 1) fail(`lifecycle.${k}`, v, "a whole number of days >= 1");
  }
  // AWS minimums: archive tiers 90..730 and 180..730 days, deep after archive.
  if (lifecycle.archiveAccessDays < 90 || lifecycle.archiveAccessDays > 730) fail("lifecycle.archiveAccessDays", lifecycle.archiveAccessDays, "90 to 730 days (S3 Intelligent-Tiering limits)");
  if (lifecycle.deepArchiveAccessDays < 180 || lifecycle.deepArchiveAccessDays > 730 || lifecycle.deepArchiveAccessDays <= lifecycle.archiveAccessDays) {
    fail("lifecycle.deepArchiveAccessDays", lifecycle.deepArchiveAccessDays, `180 to 730 days and more than archiveAccessDays (${lifecycle.archiveAccessDays})`);
  }
  if (args.cloudFrontRead && args.cloudFrontRead.keyPatterns.length === 0) fail("cloudFrontRead.keyPatterns", [], "at least one object key pattern such as static/*");
  return lifecycle;
}

type Statement = Record<string, unknown>;

/** The bucket policy: deny any request without TLS; on the CDN origin bucket, let CloudFront (OAC) read the given keys. */
export function bucketPolicyDocument(bucketArn: string, cloudFront?: { distributionArn: string; keyPatterns: string[] }): string {
  const statements: Statement[] = [{
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucketArn, `${bucketArn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  }];
  if (cloudFront) {
    statements.push({
      Sid: "AllowCloudFrontOriginAccessControl",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: cloudFront.keyPatterns.map((k) => `${bucketArn}/${k}`),
      Condition: { StringEquals: { "AWS:SourceArn": cloudFront.distributionArn } },
    });
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** A bucket key's policy: the account administers it through IAM; the CDN's distribution may decrypt. */
export function kmsKeyPolicyDocument(accountId: string, cloudFrontDistributionArn?: string): string {
  const statements: Statement[] = [{
    Sid: "AccountAdministersThroughIam",
    Effect: "Allow",
    Principal: { AWS: `arn:aws:iam::${accountId}:root` },
    Action: "kms:*",
    Resource: "*",
  }];
  if (cloudFrontDistributionArn) {
    statements.push({
      Sid: "AllowCloudFrontToDecryptOriginObjects",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "kms:Decrypt",
      Resource: "*",
      Condition: { StringEquals: { "AWS:SourceArn": cloudFrontDistributionArn } },
    });
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** What S3 replication needs: read the source's versions, write replicas, decrypt with the source key, encrypt with each replica key. */
export function replicationPolicyDocument(source: { bucketArn: string; keyArn: string }, destinations: { bucketArn: string; keyArn: string }[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["s3:GetReplicationConfiguration", "s3:ListBucket"], Resource: [source.bucketArn] },
      { Effect: "Allow", Action: ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"], Resource: [`${source.bucketArn}/*`] },
      { Effect: "Allow", Action: ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"], Resource: destinations.map((d) => `${d.bucketArn}/*`) },
      { Effect: "Allow", Action: ["kms:Decrypt"], Resource: [source.keyArn] },
      { Effect: "Allow", Action: ["kms:Encrypt", "kms:GenerateDataKey"], Resource: destinations.map((d) => d.keyArn) },
    ],
  });
}

/** The S3 lifecycle rules every bucket gets. */
export function s3LifecycleRules(l: StorageLifecycle): aws.types.input.s3.BucketLifecycleConfigurationRule[] {
  return [{
    id: "archive-and-expire",
    status: "Enabled",
    filter: {},
    transitions: [{ days: l.glacierAfterDays, storageClass: "GLACIER" }],
    noncurrentVersionExpiration: { noncurrentDays: l.noncurrentVersionExpirationDays },
    abortIncompleteMultipartUpload: { daysAfterInitiation: l.abortIncompleteMultipartDays },
  }];
}

/** The R2 lifecycle rule: Infrequent Access for cold objects, abandoned multipart uploads aborted. */
export function r2LifecycleRules(l: StorageLifecycle): cloudflare.types.input.R2BucketLifecycleRule[] {
  const day = 86_400;
  return [{
    id: "infrequent-access-and-abort-uploads",
    enabled: true,
    conditions: { prefix: "" },
    storageClassTransitions: [{ storageClass: "InfrequentAccess", condition: { type: "Age", maxAge: l.r2InfrequentAccessAfterDays * day } }],
    abortMultipartUploadsTransition: { condition: { type: "Age", maxAge: l.abortIncompleteMultipartDays * day } },
  }];
}

interface RegionalBucket {
  region: string;
  bucket: aws.s3.Bucket;
  key: aws.kms.Key;
  versioning: aws.s3.BucketVersioning;
}

/**
 * S3 buckets in the primary and replica regions, each with its own KMS key and every hardening piece, replicated
 * from the primary, plus the R2 bucket.
 */
export class ObjectStorage extends pulumi.ComponentResource {
  readonly endpoints: StorageEndpoints;
  /** Role S3 assumes to replicate (absent without replica regions). */
  readonly replicationRoleArn?: pulumi.Output<string>;

  constructor(name: string, args: ObjectStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    const lifecycle = validateObjectStorageArgs(name, args);
    super("finishthisidea:storage:ObjectStorage", name, {}, opts);

    const primaryProvider = args.providerFor(args.primaryRegion);
    const accountId = aws.getCallerIdentityOutput({}, { parent: this, provider: primaryProvider }).accountId;
    const cloudFront = args.cloudFrontRead;

    const regional: RegionalBucket[] = [args.primaryRegion, ...args.replicaRegions].map((region) => {
      const isPrimary = region === args.primaryRegion;
      const provider = args.providerFor(region);
      const child = { parent: this, provider };
      const id = `${name}-${region}`;

      const key = new aws.kms.Key(`${id}-key`, {
        description: `Encrypts the ${bucketName(args.bucketPrefix, region)} bucket`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.all([accountId, isPrimary ? cloudFront?.distributionArn : undefined]).apply(([account, dist]) => kmsKeyPolicyDocument(account, dist)),
      }, { ...child, protect: true });

      const bucket = new aws.s3.Bucket(id, {
        bucket: bucketName(args.bucketPrefix, region),
        forceDestroy: false,
      }, { ...child, protect: true });

      // Companions are named `<bucket resource name>-...`: the policy pack matches them to their bucket by prefix.
      const publicAccess = new aws.s3.BucketPublicAccessBlock(`${id}-public-access`, {
        bucket: bucket.id,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      }, child);
      new aws.s3.BucketOwnershipControls(`${id}-ownership`, {
        bucket: bucket.id,
        rule: { objectOwnership: "BucketOwnerEnforced" },
      }, child);
      new aws.s3.BucketServerSideEncryptionConfiguration(`${id}-encryption`, {
        bucket: bucket.id,
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: key.arn }, bucketKeyEnabled: true }],
      }, child);
      const versioning = new aws.s3.BucketVersioning(`${id}-versioning`, {
        bucket: bucket.id,
        versioningConfiguration: { status: "Enabled" },
      }, child);
      new aws.s3.BucketPolicy(`${id}-tls-policy`, {
        bucket: bucket.id,
        policy: pulumi.all([bucket.arn, isPrimary ? cloudFront?.distributionArn : undefined]).apply(([arn, dist]) =>
          bucketPolicyDocument(arn, dist && cloudFront ? { distributionArn: dist, keyPatterns: cloudFront.keyPatterns } : undefined)),
      }, { ...child, dependsOn: [publicAccess] });
      new aws.s3.BucketIntelligentTieringConfiguration(`${id}-tiering`, {
        bucket: bucket.id,
        name: "archive",
        status: "Enabled",
        tierings: [
          { accessTier: "ARCHIVE_ACCESS", days: lifecycle.archiveAccessDays },
          { accessTier: "DEEP_ARCHIVE_ACCESS", days: lifecycle.deepArchiveAccessDays },
        ],
      }, child);
      // A lifecycle on a versioned bucket must wait for versioning, or noncurrent rules race it.
      new aws.s3.BucketLifecycleConfiguration(`${id}-lifecycle`, {
        bucket: bucket.id,
        rules: s3LifecycleRules(lifecycle),
      }, { ...child, dependsOn: [versioning] });

      return { region, bucket, key, versioning };
    });

    const [primary, ...replicas] = regional;
    if (replicas.length > 0) {
      const child = { parent: this, provider: primaryProvider };
      const role = new aws.iam.Role(`${name}-replication`, {
        description: `S3 replication from ${bucketName(args.bucketPrefix, args.primaryRegion)} to its replicas`,
        assumeRolePolicy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }],
        }),
      }, child);
      const rolePolicy = new aws.iam.RolePolicy(`${name}-replication`, {
        role: role.id,
        policy: pulumi.all([
          primary.bucket.arn, primary.key.arn,
          pulumi.all(replicas.map((r) => pulumi.all([r.bucket.arn, r.key.arn]))),
        ]).apply(([bucketArn, keyArn, dests]) => replicationPolicyDocument({ bucketArn, keyArn }, dests.map(([b, k]) => ({ bucketArn: b, keyArn: k })))),
      }, child);
      new aws.s3.BucketReplicationConfig(`${name}-${args.primaryRegion}-replication`, {
        bucket: primary.bucket.id,
        role: role.arn,
        rules: replicas.map((r, i) => ({
          id: `to-${r.region}`,
          priority: i + 1,
          status: "Enabled",
          filter: {},
          deleteMarkerReplication: { status: "Enabled" },
          sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
          destination: {
            bucket: r.bucket.arn,
            encryptionConfiguration: { replicaKmsKeyId: r.key.arn },
            replicationTime: { status: "Enabled", time: { minutes: REPLICATION_TIME_MINUTES } },
            metrics: { status: "Enabled", eventThreshold: { minutes: REPLICATION_TIME_MINUTES } },
          },
        })),
      }, { ...child, dependsOn: [rolePolicy, ...regional.map((r) => r.versioning)] });
      this.replicationRoleArn = role.arn;
    }

    const cf = args.cloudflare;
    const cloudflareProvider = new cloudflare.Provider(`${name}-cloudflare`, { apiToken: pulumi.secret(args.cloudflare.apiToken) }, { parent: this });
    const r2Child = { parent: this, provider: cloudflareProvider };
    const jurisdiction = cf.jurisdiction;
    const r2 = new cloudflare.R2Bucket(`${name}-r2`, {
      accountId: cf.accountId,
      name: `${args.bucketPrefix}-uploads`,
      location: cf.locationHint,
      ...(jurisdiction ? { jurisdiction } : {}),
    }, { ...r2Child, protect: true });
    new cloudflare.R2BucketLifecycle(`${name}-r2-lifecycle`, {
      accountId: cf.accountId,
      bucketName: r2.name,
      ...(jurisdiction ? { jurisdiction } : {}),
      rules: r2LifecycleRules(lifecycle),
    }, r2Child);
    new cloudflare.R2BucketCors(`${name}-r2-cors`, {
      accountId: cf.accountId,
      bucketName: r2.name,
      ...(jurisdiction ? { jurisdiction } : {}),
      rules: [{
        id: "web-app",
        allowed: { origins: args.corsAllowedOrigins, methods: [...R2_CORS.methods], headers: [...R2_CORS.headers] },
        exposeHeaders: [...R2_CORS.exposeHeaders],
        maxAgeSeconds: R2_CORS.maxAgeSeconds,
      }],
    }, r2Child);

    // The pods' own credentials: an account-owned token (it outlives the user who ran `pulumi up`) scoped to
    // this bucket's objects. Both halves are secrets; they reach pods only through their env Secret.
    const token = new cloudflare.AccountToken(`${name}-r2-token`, {
      accountId: cf.accountId,
      name: `${args.bucketPrefix}-uploads-objects`,
      policies: [{
        effect: "allow",
        permissionGroups: [{ id: R2_OBJECT_WRITE_PERMISSION_GROUP.id }],
        resources: r2.name.apply((bucket) => JSON.stringify({ [r2BucketResource(cf.accountId, bucket, jurisdiction)]: "*" })),
      }],
    }, { ...r2Child, additionalSecretOutputs: ["value"] });

    this.endpoints = {
      bucketNames: Object.fromEntries(regional.map((r) => [r.region, r.bucket.bucket])),
      bucketArns: regional.map((r) => r.bucket.arn),
      kmsKeyArns: regional.map((r) => r.key.arn),
      primaryBucketName: primary.bucket.bucket,
      primaryBucketArn: primary.bucket.arn,
      primaryBucketRegionalDomainName: primary.bucket.bucketRegionalDomainName,
      r2BucketName: r2.name,
      r2Endpoint: pulumi.output(r2Endpoint(cf.accountId, jurisdiction)),
      r2AccessKeyId: pulumi.secret(token.id),
      r2SecretAccessKey: pulumi.secret(pulumi.secret(token.value).apply(r2S3SecretAccessKey)),
    };
    this.registerOutputs({ ...this.endpoints, replicationRoleArn: this.replicationRoleArn });
  }
}
