import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  bucketPolicyDocument,
  DEFAULT_STORAGE_LIFECYCLE,
  kmsKeyPolicyDocument,
  ObjectStorage,
  r2BucketResource,
  r2Endpoint,
  r2S3SecretAccessKey,
  REPLICATION_TIME_MINUTES,
  validateObjectStorageArgs,
  type ObjectStorageArgs,
} from "../components/storage/object-storage";
import { resolveConfig, type PlatformConfig } from "../infra/config";
import { AwsProviders } from "../infra/providers";
import { TIERS, TIER_NAMES, type TierName } from "../infra/tiers";
import { deniesInsecureTransport } from "../policy/security";
import { loadPolicyConfig, runPolicies } from "../tools/policy-run";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";
import { rawConfigWith } from "./harness";

const ACCOUNT = "0123456789abcdef0123456789abcdef";
const S3 = {
  bucket: "aws:s3/bucket:Bucket",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  sse: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  versioning: "aws:s3/bucketVersioning:BucketVersioning",
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  tiering: "aws:s3/bucketIntelligentTieringConfiguration:BucketIntelligentTieringConfiguration",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  replication: "aws:s3/bucketReplicationConfig:BucketReplicationConfig",
  kmsKey: "aws:kms/key:Key",
};
const R2 = {
  bucket: "cloudflare:index/r2Bucket:R2Bucket",
  lifecycle: "cloudflare:index/r2BucketLifecycle:R2BucketLifecycle",
  cors: "cloudflare:index/r2BucketCors:R2BucketCors",
};

function configFor(tier: TierName): PlatformConfig {
  return resolveConfig(rawConfigWith({ tier }), "finishthisidea", `test-${tier}`);
}

function argsFor(config: PlatformConfig, aws: AwsProviders, over: Partial<ObjectStorageArgs> = {}): ObjectStorageArgs {
  return {
    bucketPrefix: `${config.project}-${config.stack}`,
    primaryRegion: config.primaryRegion,
    replicaRegions: config.preset.storage.replicaRegions,
    providerFor: aws.forComponent("storage"),
    cloudflare: { accountId: config.cloudflareAccountId, apiToken: config.secrets.cloudflareApiToken, locationHint: config.r2LocationHint },
    corsAllowedOrigins: [`https://${config.domain}`],
    ...over,
  };
}

async function build(config: PlatformConfig, over: Partial<ObjectStorageArgs> = {}) {
  const run = await runComponent((parent) => new ObjectStorage("storage", argsFor(config, new AwsProviders(config, parent), over), { parent }));
  // Wait for every output, so the component's registerOutputs lands before the next test's setMocks.
  const { bucketNames, bucketArns, kmsKeyArns, ...rest } = run.result.endpoints;
  await new Promise((resolve) => pulumi.all([pulumi.all(bucketNames), pulumi.all(bucketArns), pulumi.all(kmsKeyArns), pulumi.all(rest), run.result.replicationRoleArn]).apply(resolve));
  return run;
}

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
const mandatory = (resources: RegisteredResource[]) =>
  runPolicies(resources, { config: loadPolicyConfig("prod").config }).violations.filter((v) => v.level === "mandatory").map((v) => `${v.policy} ${v.resource}: ${v.message}`);

/** The region of the AWS provider a resource was registered with. */
function providerRegion(resources: RegisteredResource[], r: RegisteredResource): string | undefined {
  return resources.find((p) => p.type === "pulumi:providers:aws" && p.name === r.options.provider)?.inputs.region;
}

describe.each(TIER_NAMES)("ObjectStorage, tier %s", (tier) => {
  const config = configFor(tier);
  const regions = [config.primaryRegion, ...TIERS[tier].storage.replicaRegions];
  let resources: RegisteredResource[];
  beforeAll(async () => {
    ({ resources } = await build(config));
  });

  it("has one bucket per tier region, each through that region's provider, protected, with its own protected rotating key", () => {
    const buckets = resources.filter((r) => r.type === S3.bucket);
    expect(buckets.map((b) => b.name)).toEqual(regions.map((r) => `storage-${r}`));
    for (const region of regions) {
      const bucket = find(resources, S3.bucket, `storage-${region}`);
      expect(bucket.inputs.bucket).toBe(`finishthisidea-test-${tier}-${region}`);
      expect(providerRegion(resources, bucket)).toBe(region);
      expect(bucket.options.protect).toBe(true);
      const key = find(resources, S3.kmsKey, `storage-${region}-key`);
      expect(key.options.protect).toBe(true);
      expect(key.inputs.enableKeyRotation).toBe(true);
      expect(providerRegion(resources, key)).toBe(region);
    }
    expect(resources.filter((r) => r.type === S3.kmsKey)).toHaveLength(regions.length);
  });

  it("hardens every bucket: public access block, owner-enforced, SSE-KMS with its key, versioning, TLS-only policy, tiering, lifecycle", () => {
    for (const region of regions) {
      const id = `storage-${region}`;
      const companions = [S3.publicAccess, S3.ownership, S3.sse, S3.versioning, S3.policy, S3.tiering, S3.lifecycle].map((t) => resources.find((r) => r.type === t && r.name.startsWith(`${id}-`))!);
      for (const c of companions) {
        expect(c.inputs.bucket).toBe(`${id}-id`);
        expect(providerRegion(resources, c)).toBe(region);
      }
      const [pab, ownership, sse, versioning, policy, tiering, lifecycle] = companions;
      expect(pab.inputs).toMatchObject({ blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
      expect(ownership.inputs.rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
      expect(sse.inputs.rules).toEqual([{
        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: `arn:aws:kms:us-east-1:123456789012:${id}-key` },
        bucketKeyEnabled: true,
      }]);
      expect(versioning.inputs.versioningConfiguration).toEqual({ status: "Enabled" });
      expect(deniesInsecureTransport(policy.inputs.policy)).toBe(true);
      expect(policy.options.dependsOn).toEqual([`${id}-public-access`]);
      expect(tiering.inputs).toMatchObject({ status: "Enabled", tierings: [{ accessTier: "ARCHIVE_ACCESS", days: 90 }, { accessTier: "DEEP_ARCHIVE_ACCESS", days: 180 }] });
      expect(lifecycle.inputs.rules).toEqual([{
        id: "archive-and-expire",
        status: "Enabled",
        filter: {},
        transitions: [{ days: 365, storageClass: "GLACIER" }],
        noncurrentVersionExpiration: { noncurrentDays: 90 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      }]);
      expect(lifecycle.options.dependsOn).toEqual([`${id}-versioning`]);
    }
  });

  it("replicates the primary to every replica region with KMS replica keys, delete markers and 15-minute RTC", () => {
    const replicas = TIERS[tier].storage.replicaRegions;
    const configs = resources.filter((r) => r.type === S3.replication);
    if (replicas.length === 0) {
      expect(configs).toEqual([]);
      expect(resources.filter((r) => r.type.startsWith("aws:iam/"))).toEqual([]);
      return;
    }
    expect(configs.map((c) => c.name)).toEqual([`storage-${config.primaryRegion}-replication`]);
    const rep = configs[0];
    expect(rep.inputs.bucket).toBe(`storage-${config.primaryRegion}-id`);
    expect(rep.inputs.role).toMatch(/storage-replication$/);
    expect(rep.inputs.rules).toEqual(replicas.map((region, i) => ({
      id: `to-${region}`,
      priority: i + 1,
      status: "Enabled",
      filter: {},
      deleteMarkerReplication: { status: "Enabled" },
      sourceSelectionCriteria: { sseKmsEncryptedObjects: { status: "Enabled" } },
      destination: {
        bucket: `arn:aws:s3:::finishthisidea-test-${tier}-${region}`,
        encryptionConfiguration: { replicaKmsKeyId: `arn:aws:kms:us-east-1:123456789012:storage-${region}-key` },
        replicationTime: { status: "Enabled", time: { minutes: 15 } },
        metrics: { status: "Enabled", eventThreshold: { minutes: 15 } },
      },
    })));
    // Versioning must be on at both ends before S3 accepts a replication configuration.
    expect(new Set(rep.options.dependsOn)).toEqual(new Set(["storage-replication", ...[config.primaryRegion, ...replicas].map((r) => `storage-${r}-versioning`)]));

    const trust = JSON.parse(find(resources, "aws:iam/role:Role", "storage-replication").inputs.assumeRolePolicy);
    expect(trust.Statement).toEqual([{ Effect: "Allow", Principal: { Service: "s3.amazonaws.com" }, Action: "sts:AssumeRole" }]);
    const policy = JSON.parse(find(resources, "aws:iam/rolePolicy:RolePolicy", "storage-replication").inputs.policy);
    const resourcesOf = (action: string) => policy.Statement.find((s: any) => s.Action.includes(action)).Resource;
    expect(resourcesOf("s3:ReplicateObject")).toEqual(replicas.map((r) => `arn:aws:s3:::finishthisidea-test-${tier}-${r}/*`));
    expect(resourcesOf("kms:Encrypt")).toEqual(replicas.map((r) => `arn:aws:kms:us-east-1:123456789012:storage-${r}-key`));
    expect(resourcesOf("kms:Decrypt")).toEqual([`arn:aws:kms:us-east-1:123456789012:storage-${config.primaryRegion}-key`]);
    expect(JSON.stringify(policy)).not.toContain('"*"');
  });

  it("passes every mandatory rule of the policy pack", () => {
    expect(mandatory(resources)).toEqual([]);
  });
});

const SHA_OF_MOCK_TOKEN = "687f4c623b45b9bc497d228e0da37a3f10d3b7997ec280168f55330ffab7be8b";

describe("ObjectStorage R2 and outputs (growth)", () => {
  const config = configFor("growth");
  let resources: RegisteredResource[];
  let storage: ObjectStorage;
  beforeAll(async () => {
    ({ resources, result: storage } = await build(config, {
      cloudflare: { accountId: config.cloudflareAccountId, apiToken: pulumi.secret("cf-token-123"), locationHint: config.r2LocationHint },
    }));
  });

  it("creates a protected R2 bucket at the location hint with a lifecycle and CORS, through a provider holding the token as a secret", () => {
    const provider = find(resources, "pulumi:providers:cloudflare", "storage-cloudflare");
    expect(provider.secretInputs).toEqual(["apiToken"]);
    expect(provider.inputs.apiToken).toBe("cf-token-123");
    const bucket = find(resources, R2.bucket, "storage-r2");
    expect(bucket.inputs).toEqual({ accountId: ACCOUNT, name: "finishthisidea-test-growth-uploads", location: "enam" });
    expect(bucket.options.protect).toBe(true);
    const lifecycle = find(resources, R2.lifecycle, "storage-r2-lifecycle");
    expect(lifecycle.inputs.bucketName).toBe("finishthisidea-test-growth-uploads");
    expect(lifecycle.inputs.rules).toEqual([{
      id: "infrequent-access-and-abort-uploads",
      enabled: true,
      conditions: { prefix: "" },
      storageClassTransitions: [{ storageClass: "InfrequentAccess", condition: { type: "Age", maxAge: 30 * 86_400 } }],
      abortMultipartUploadsTransition: { condition: { type: "Age", maxAge: 7 * 86_400 } },
    }]);
    const cors = find(resources, R2.cors, "storage-r2-cors").inputs.rules[0];
    expect(cors.allowed).toEqual({ origins: [`https://${config.domain}`], methods: ["GET", "PUT", "HEAD"], headers: ["Content-Type", "Content-MD5", "x-amz-checksum-sha256"] });
    for (const r of [bucket, lifecycle, find(resources, R2.cors, "storage-r2-cors")]) expect(r.options.provider).toBe("storage-cloudflare");
    // No Cloudflare token reaches any resource's plain inputs.
    expect(JSON.stringify(resources.filter((r) => r.type !== "pulumi:providers:cloudflare").map((r) => r.inputs))).not.toContain("cf-token-123");
  });

  it("hands over the StorageEndpoints contract", async () => {
    const e = storage.endpoints;
    const regions = ["us-east-1", "us-west-2", "eu-west-1"];
    expect(Object.keys(e.bucketNames)).toEqual(regions);
    expect(await value(pulumi.all(e.bucketNames))).toEqual(Object.fromEntries(regions.map((r) => [r, `finishthisidea-test-growth-${r}`])));
    expect(await value(pulumi.all(e.bucketArns))).toEqual(regions.map((r) => `arn:aws:s3:::finishthisidea-test-growth-${r}`));
    expect(await value(pulumi.all(e.kmsKeyArns))).toEqual(regions.map((r) => `arn:aws:kms:us-east-1:123456789012:storage-${r}-key`));
    expect(await value(e.primaryBucketName)).toBe("finishthisidea-test-growth-us-east-1");
    expect(await value(e.primaryBucketArn)).toBe("arn:aws:s3:::finishthisidea-test-growth-us-east-1");
    expect(await value(e.primaryBucketRegionalDomainName)).toBe("finishthisidea-test-growth-us-east-1.s3.us-east-1.amazonaws.com");
    expect(await value(e.r2BucketName)).toBe("finishthisidea-test-growth-uploads");
    expect(await value(e.r2Endpoint)).toBe(`https://${ACCOUNT}.r2.cloudflarestorage.com`);
  });

  it("creates an account token scoped to the R2 bucket's objects only, and hands its S3 keys over as secrets", async () => {
    const token = find(resources, "cloudflare:index/accountToken:AccountToken", "storage-r2-token");
    expect(token.options.provider).toBe("storage-cloudflare");
    expect(token.inputs.policies).toEqual([{
      effect: "allow",
      // "Workers R2 Storage Bucket Item Write" (object read, write, list), on this one bucket.
      permissionGroups: [{ id: "2efd5506f9c8494dacb1fa10a3e7d5b6" }],
      resources: JSON.stringify({ [`com.cloudflare.edge.r2.bucket.${ACCOUNT}_default_finishthisidea-test-growth-uploads`]: "*" }),
    }]);
    const e = storage.endpoints;
    expect(await pulumi.isSecret(e.r2AccessKeyId)).toBe(true);
    expect(await pulumi.isSecret(e.r2SecretAccessKey)).toBe(true);
    expect(await value(e.r2AccessKeyId)).toBe("storage-r2-token-id");
    // sha256("mock-token-value-for-storage-r2-token"), computed with `printf %s ... | sha256sum`.
    expect(await value(e.r2SecretAccessKey)).toBe(SHA_OF_MOCK_TOKEN);
  });

  it("is matched companion by companion by the policy pack (dropping one is caught)", () => {
    for (const [companion, rule] of [["versioning", "s3-versioning"], ["public-access", "s3-public-access-block"], ["tls-policy", "s3-deny-insecure-transport"], ["lifecycle", "s3-lifecycle"], ["encryption", "s3-encryption"]]) {
      const without = resources.filter((r) => r.name !== `storage-us-west-2-${companion}`);
      expect(mandatory(without)).toEqual([expect.stringMatching(new RegExp(`^${rule} storage-us-west-2: `))]);
    }
  });

  it("names every child after the component (a component alias carries them on a rename)", () => {
    const children = resources.filter((r) => r.parent === "storage");
    expect(children.length).toBeGreaterThan(20);
    expect(children.filter((r) => !r.name.startsWith("storage-")).map((r) => r.name)).toEqual([]);
  });

  it("in a preview (unknown ARNs, as `npm run plan` runs) still passes every mandatory rule", async () => {
    const { resources: previewed } = await runComponent((parent) => new ObjectStorage("storage", argsFor(config, new AwsProviders(config, parent)), { parent }), { preview: true });
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(previewed.filter((r) => r.type === S3.bucket)).toHaveLength(3);
    expect(mandatory(previewed)).toEqual([]);
  });

  it("grants no one but the account on the keys, and no CloudFront read, unless asked", () => {
    for (const key of resources.filter((r) => r.type === S3.kmsKey)) {
      expect(JSON.parse(key.inputs.policy).Statement).toEqual([{ Sid: "AccountAdministersThroughIam", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "kms:*", Resource: "*" }]);
    }
    for (const p of resources.filter((r) => r.type === S3.policy)) expect(JSON.parse(p.inputs.policy).Statement).toHaveLength(1);
  });
});

describe("ObjectStorage with a CloudFront read grant", () => {
  it("lets only that distribution read only the given keys of the primary bucket, and decrypt with its key", async () => {
    const dist = "arn:aws:cloudfront::123456789012:distribution/E123";
    const config = configFor("growth");
    const { resources } = await build(config, { cloudFrontRead: { distributionArn: dist, keyPatterns: ["static/*", "maintenance.html"] } });
    const primaryPolicy = JSON.parse(find(resources, S3.policy, "storage-us-east-1-tls-policy").inputs.policy);
    expect(primaryPolicy.Statement[1]).toEqual({
      Sid: "AllowCloudFrontOriginAccessControl",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: ["arn:aws:s3:::finishthisidea-test-growth-us-east-1/static/*", "arn:aws:s3:::finishthisidea-test-growth-us-east-1/maintenance.html"],
      Condition: { StringEquals: { "AWS:SourceArn": dist } },
    });
    expect(deniesInsecureTransport(JSON.stringify(primaryPolicy))).toBe(true);
    const keyPolicy = JSON.parse(find(resources, S3.kmsKey, "storage-us-east-1-key").inputs.policy);
    expect(keyPolicy.Statement[1]).toMatchObject({ Principal: { Service: "cloudfront.amazonaws.com" }, Action: "kms:Decrypt", Condition: { StringEquals: { "AWS:SourceArn": dist } } });
    // Replicas are not CDN origins.
    expect(JSON.parse(find(resources, S3.policy, "storage-us-west-2-tls-policy").inputs.policy).Statement).toHaveLength(1);
    expect(JSON.parse(find(resources, S3.kmsKey, "storage-eu-west-1-key").inputs.policy).Statement).toHaveLength(1);
    expect(mandatory(resources)).toEqual([]);
  });
});

describe("ObjectStorage pure parts", () => {
  it("names one bucket in a token policy, jurisdiction included, and derives the S3 secret as SHA-256 hex of the token", () => {
    expect(r2BucketResource("a".repeat(32), "b")).toBe(`com.cloudflare.edge.r2.bucket.${"a".repeat(32)}_default_b`);
    expect(r2BucketResource("a".repeat(32), "b", "eu")).toBe(`com.cloudflare.edge.r2.bucket.${"a".repeat(32)}_eu_b`);
    expect(r2S3SecretAccessKey("mock-token-value-for-storage-r2-token")).toBe(SHA_OF_MOCK_TOKEN);
  });

  it("builds the S3-compatible endpoint of an R2 account, jurisdiction included", () => {
    expect(r2Endpoint(ACCOUNT)).toBe(`https://${ACCOUNT}.r2.cloudflarestorage.com`);
    expect(r2Endpoint(ACCOUNT, "default")).toBe(`https://${ACCOUNT}.r2.cloudflarestorage.com`);
    expect(r2Endpoint(ACCOUNT, "eu")).toBe(`https://${ACCOUNT}.eu.r2.cloudflarestorage.com`);
  });

  it("policies deny non-TLS and name the distribution exactly", () => {
    expect(deniesInsecureTransport(bucketPolicyDocument("arn:aws:s3:::b"))).toBe(true);
    const doc = JSON.parse(kmsKeyPolicyDocument("111122223333", "arn:aws:cloudfront::111122223333:distribution/E1"));
    expect(doc.Statement[0].Principal).toEqual({ AWS: "arn:aws:iam::111122223333:root" });
    expect(doc.Statement[1].Condition.StringEquals["AWS:SourceArn"]).toBe("arn:aws:cloudfront::111122223333:distribution/E1");
    expect(REPLICATION_TIME_MINUTES).toBe(15);
    expect(DEFAULT_STORAGE_LIFECYCLE.abortIncompleteMultipartDays).toBe(7);
  });

  it("rejects bad args naming the arg, the value and what is allowed", async () => {
    const config = configFor("growth");
    const base = (over: Partial<ObjectStorageArgs>): ObjectStorageArgs => ({
      bucketPrefix: "fti-prod", primaryRegion: "us-east-1", replicaRegions: ["us-west-2"], providerFor: () => { throw new Error("unused"); },
      cloudflare: { accountId: ACCOUNT, apiToken: "t", locationHint: "enam" }, corsAllowedOrigins: ["https://example.com"], ...over,
    });
    expect(() => validateObjectStorageArgs("s", base({ replicaRegions: ["us-east-1"] }))).toThrow('ObjectStorage s: replicaRegions[0] is "us-east-1"; expected a region other than the primary region (us-east-1)');
    expect(() => validateObjectStorageArgs("s", base({ replicaRegions: ["us-west-2", "us-west-2"] }))).toThrow(/replicaRegions\[1\] is "us-west-2"; expected each region once/);
    expect(() => validateObjectStorageArgs("s", base({ bucketPrefix: "Bad_Prefix" }))).toThrow(/bucketPrefix is "Bad_Prefix"; expected lowercase letters/);
    expect(() => validateObjectStorageArgs("s", base({ cloudflare: { accountId: "nope", apiToken: "t", locationHint: "enam" } }))).toThrow(/cloudflare.accountId is "nope"; expected a 32-character hex/);
    expect(() => validateObjectStorageArgs("s", base({ cloudflare: { accountId: ACCOUNT, apiToken: "t", locationHint: "mars" } }))).toThrow(/cloudflare.locationHint is "mars"; expected one of wnam/);
    expect(() => validateObjectStorageArgs("s", base({ corsAllowedOrigins: ["http://example.com"] }))).toThrow(/corsAllowedOrigins\[0\] is "http:\/\/example.com"; expected an https:\/\/ origin/);
    expect(() => validateObjectStorageArgs("s", base({ lifecycle: { abortIncompleteMultipartDays: 0 } }))).toThrow(/lifecycle.abortIncompleteMultipartDays is 0; expected a whole number of days >= 1/);
    expect(() => validateObjectStorageArgs("s", base({ lifecycle: { archiveAccessDays: 30 } }))).toThrow(/lifecycle.archiveAccessDays is 30; expected 90 to 730 days/);
    // Nothing is registered for bad args.
    const run = runComponent((parent) => new ObjectStorage("storage", argsFor(config, new AwsProviders(config, parent), { replicaRegions: ["us-east-1"] }), { parent }));
    await expect(run).rejects.toThrow(/replicaRegions\[0\]/);
  });

  it("applies lifecycle overrides", async () => {
    const { resources } = await build(configFor("mvp"), { lifecycle: { glacierAfterDays: 180, noncurrentVersionExpirationDays: 30 } });
    expect(find(resources, S3.lifecycle, "storage-us-east-1-lifecycle").inputs.rules[0]).toMatchObject({
      transitions: [{ days: 180, storageClass: "GLACIER" }],
      noncurrentVersionExpiration: { noncurrentDays: 30 },
    });
  });
});
