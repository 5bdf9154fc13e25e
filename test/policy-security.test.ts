import { describe, expect, it } from "vitest";
import * as S from "../policy/security";
import { check, violations, type FakeResource } from "./policy-args";

const { T } = S;

/** A bucket with every companion the rules want; `drop`/`patch` make it bad in one way. */
function bucketSet(patch: Partial<Record<string, Record<string, any> | null>> = {}): FakeResource[] {
  const parts: Record<string, FakeResource> = {
    bucket: { type: T.bucket, name: "data", props: { bucket: "fti-data" } },
    pab: { type: T.publicAccessBlock, name: "data-public-access", props: { bucket: "<computed>", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true } },
    sse: { type: T.sse[0], name: "data-encryption", props: { bucket: "<computed>", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: "<computed>" } }] } },
    versioning: { type: T.versioning[0], name: "data-versioning", props: { bucket: "<computed>", versioningConfiguration: { status: "Enabled" } } },
    policy: { type: T.bucketPolicy, name: "data-policy", props: { bucket: "<computed>", policy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Principal: "*", Action: "s3:*", Resource: ["arn:aws:s3:::fti-data/*"], Condition: { Bool: { "aws:SecureTransport": "false" } } }] }) } },
    lifecycle: { type: T.lifecycle[0], name: "data-lifecycle", props: { bucket: "<computed>", rules: [{ id: "expire-noncurrent", status: "Enabled" }] } },
  };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete parts[k];
    else parts[k] = { ...parts[k], props: { ...parts[k].props, ...v } };
  }
  return Object.values(parts);
}

describe("S3 rules", () => {
  it("a fully guarded bucket passes all four S3 security rules", () => {
    for (const rule of [S.s3PublicAccessBlock, S.s3Encryption, S.s3Versioning, S.s3DenyInsecureTransport]) expect(violations(rule, bucketSet())).toEqual([]);
  });

  it("s3-public-access-block catches a flag turned off, a missing block and a public ACL", () => {
    expect(violations(S.s3PublicAccessBlock, bucketSet({ pab: { blockPublicPolicy: false, restrictPublicBuckets: false } }))).toEqual([
      "S3 bucket data is publicly accessible: its public access block data-public-access does not set blockPublicPolicy, restrictPublicBuckets to true (all four must be true).",
    ]);
    expect(violations(S.s3PublicAccessBlock, bucketSet({ pab: null }))[0]).toMatch(/data has no BucketPublicAccessBlock/);
    expect(violations(S.s3PublicAccessBlock, bucketSet({ bucket: { acl: "public-read" } }))[0]).toMatch(/public ACL "public-read"/);
  });

  it("matches companions to their bucket by the bucket id once it is known", () => {
    const two: FakeResource[] = [
      ...bucketSet(),
      { type: T.bucket, name: "logs", props: {} },
      { type: T.publicAccessBlock, name: "logs-public-access", props: { bucket: "logs-id", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: false } },
    ];
    expect(violations(S.s3PublicAccessBlock, two)).toEqual([expect.stringMatching(/^S3 bucket logs is publicly accessible/)]);
    // A physical name (resource name + random suffix, as the engine assigns it) belongs to the longest matching bucket.
    const b = (name: string): any => ({ name, props: {}, urn: name });
    expect(S.ownerOf({ ...b("pab"), props: { bucket: "data-logs-4f2a1c" } } as any, [b("data"), b("data-logs")])?.name).toBe("data-logs");
  });

  it("s3-encryption catches a bucket without default encryption", () => {
    expect(violations(S.s3Encryption, bucketSet({ sse: null }))).toEqual([expect.stringMatching(/data has no default encryption/)]);
  });

  it("s3-versioning catches suspended versioning", () => {
    expect(violations(S.s3Versioning, bucketSet({ versioning: { versioningConfiguration: { status: "Suspended" } } }))).toEqual([
      'S3 bucket data is not versioned (status Suspended); add a BucketVersioning with status "Enabled".',
    ]);
  });

  it("s3-deny-insecure-transport catches a missing policy and a policy without the TLS deny", () => {
    expect(violations(S.s3DenyInsecureTransport, bucketSet({ policy: null }))[0]).toMatch(/has no bucket policy/);
    const allowOnly = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:role/x" }, Action: "s3:GetObject" }] });
    expect(violations(S.s3DenyInsecureTransport, bucketSet({ policy: { policy: allowOnly } }))[0]).toMatch(/does not deny non-TLS requests/);
    // A policy document still unknown in a preview is checked at `up`.
    expect(violations(S.s3DenyInsecureTransport, bucketSet({ policy: { policy: "<computed>" } }))).toEqual([]);
  });
});

describe("RDS rules", () => {
  const good = { instanceClass: "db.t3.medium", storageEncrypted: true, publiclyAccessible: false, backupRetentionPeriod: 7, deletionProtection: true };
  it("a hardened primary passes; a replica needs no backups or deletion protection of its own", () => {
    for (const rule of [S.rdsEncrypted, S.rdsNotPublic, S.rdsBackupRetention, S.rdsDeletionProtection]) {
      expect(check(rule, T.rdsInstance, good)).toEqual([]);
      expect(check(rule, T.rdsInstance, { instanceClass: "db.t3.medium", replicateSourceDb: "<computed>" })).toEqual([]);
    }
  });
  it("catches unencrypted, public, short backups and no deletion protection", () => {
    expect(check(S.rdsEncrypted, T.rdsInstance, { ...good, storageEncrypted: false })).toEqual(["subject: storageEncrypted is false; set storageEncrypted: true (with a KMS key)."]);
    expect(check(S.rdsNotPublic, T.rdsInstance, { ...good, publiclyAccessible: true })[0]).toMatch(/publiclyAccessible is true/);
    expect(check(S.rdsBackupRetention, T.rdsInstance, { ...good, backupRetentionPeriod: 3 })).toEqual(["subject: backupRetentionPeriod is 3 days; at least 7 days are required."]);
    expect(check(S.rdsBackupRetention, T.rdsInstance, { ...good, backupRetentionPeriod: 10 }, { config: { minBackupRetentionDays: 14 } })[0]).toMatch(/at least 14 days/);
    expect(check(S.rdsDeletionProtection, T.rdsInstance, { ...good, deletionProtection: false })[0]).toMatch(/deletionProtection is false/);
  });
});

describe("ElastiCache rule", () => {
  const good = { nodeType: "cache.t3.medium", transitEncryptionEnabled: true, atRestEncryptionEnabled: true, authToken: "s3cret-token-value" };
  it("passes TLS + at-rest + AUTH", () => {
    expect(check(S.elasticacheEncryption, T.replicationGroup, good)).toEqual([]);
  });
  it("catches each missing protection", () => {
    expect(check(S.elasticacheEncryption, T.replicationGroup, { nodeType: "cache.t3.medium" })).toEqual([
      "subject: transitEncryptionEnabled is not true; clients must connect over TLS.",
      "subject: atRestEncryptionEnabled is not true; encrypt the cache's data at rest.",
      "subject: no authToken (or userGroupIds); Redis must require AUTH.",
    ]);
  });
});

describe("CloudFront rule", () => {
  const good = {
    defaultCacheBehavior: { viewerProtocolPolicy: "redirect-to-https" },
    orderedCacheBehaviors: [{ pathPattern: "/api/*", viewerProtocolPolicy: "https-only" }],
    viewerCertificate: { acmCertificateArn: "<computed>", minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" },
    origins: [{ originId: "api", domainName: "api.example.com", customOriginConfig: { originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"], httpPort: 80, httpsPort: 443 } }],
  };
  it("passes HTTPS viewers, TLSv1.2_2021 and an HTTPS-only origin", () => {
    expect(check(S.cloudfrontHttps, T.distribution, good)).toEqual([]);
  });
  it("catches allow-all viewers, old TLS, the default certificate and an HTTP origin", () => {
    const bad = {
      ...good,
      defaultCacheBehavior: { viewerProtocolPolicy: "allow-all" },
      viewerCertificate: { minimumProtocolVersion: "TLSv1" },
      origins: [{ originId: "api", customOriginConfig: { originProtocolPolicy: "match-viewer", originSslProtocols: ["TLSv1", "TLSv1.2"] } }],
    };
    expect(check(S.cloudfrontHttps, T.distribution, bad)).toEqual([
      'subject: default cache behavior allows viewerProtocolPolicy "allow-all"; use "redirect-to-https" or "https-only".',
      'subject: viewerCertificate.minimumProtocolVersion is "TLSv1"; use one of TLSv1.2_2021, TLSv1.2_2025, TLSv1.3_2025.',
      'subject: origin api uses originProtocolPolicy "match-viewer"; use "https-only".',
      "subject: origin api allows TLSv1; allow only TLSv1.2.",
    ]);
    expect(check(S.cloudfrontHttps, T.distribution, { ...good, viewerCertificate: { cloudfrontDefaultCertificate: true } })[0]).toMatch(/default \*\.cloudfront\.net certificate/);
  });
});

describe("security group rule", () => {
  it("lets a load balancer open 443 to the world and a node group talk inside the VPC", () => {
    expect(check(S.noOpenIngress, T.securityGroup, { description: "public ALB", ingress: [{ fromPort: 443, toPort: 443, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"], ipv6CidrBlocks: ["::/0"] }] }, { name: "api-alb" })).toEqual([]);
    expect(check(S.noOpenIngress, T.ingressRule, { cidrIpv4: "10.0.0.0/16", fromPort: 5432, toPort: 5432, ipProtocol: "tcp" }, { name: "db-from-vpc" })).toEqual([]);
  });
  it("catches SSH from 0.0.0.0/0, all ports from ::/0, and 443 open on a non-LB group", () => {
    expect(check(S.noOpenIngress, T.securityGroup, { ingress: [{ fromPort: 22, toPort: 22, protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }] }, { name: "bastion" })).toEqual([
      "bastion: ingress open to the internet (0.0.0.0/0 covers all of IPv4) on port 22; only load balancers may open 80/443 to the internet.",
    ]);
    expect(check(S.noOpenIngress, T.securityGroupRule, { type: "ingress", fromPort: 0, toPort: 0, protocol: "-1", ipv6CidrBlocks: ["::/0"] }, { name: "alb-all" })[0]).toMatch(/::\/0 covers all of IPv6\) on all ports/);
    expect(check(S.noOpenIngress, T.ingressRule, { cidrIpv4: "0.0.0.0/0", fromPort: 443, toPort: 443, ipProtocol: "tcp" }, { name: "db-https" })[0]).toMatch(/not a load balancer's/);
  });
});

describe("EKS rules", () => {
  const good = {
    encryptionConfig: { provider: { keyArn: "<computed>" }, resources: ["secrets"] },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager", "scheduler"],
    vpcConfig: { endpointPrivateAccess: true, endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] },
  };
  it("passes an encrypted, logged cluster with a CIDR-restricted endpoint (and a private one)", () => {
    for (const rule of [S.eksSecretsEncryption, S.eksControlPlaneLogging, S.eksRestrictedEndpoint]) expect(check(rule, T.eksCluster, good)).toEqual([]);
    expect(check(S.eksRestrictedEndpoint, T.eksCluster, { vpcConfig: { endpointPublicAccess: false } })).toEqual([]);
  });
  it("catches no secrets encryption, missing audit logs and an endpoint open to the world", () => {
    expect(check(S.eksSecretsEncryption, T.eksCluster, { ...good, encryptionConfig: undefined })[0]).toMatch(/no encryptionConfig for "secrets"/);
    expect(check(S.eksControlPlaneLogging, T.eksCluster, { ...good, enabledClusterLogTypes: ["api"] })).toEqual(["subject: control-plane log types audit, authenticator are not enabled (enabledClusterLogTypes)."]);
    expect(check(S.eksRestrictedEndpoint, T.eksCluster, { vpcConfig: {} })[0]).toMatch(/public to 0\.0\.0\.0\/0/);
    expect(check(S.eksRestrictedEndpoint, T.eksCluster, { vpcConfig: { publicAccessCidrs: ["0.0.0.0/0"] } })[0]).toMatch(/publicAccessCidrs are open to the internet \(0\.0\.0\.0\/0 covers all of IPv4\)/);
  });
});

describe("IMDSv2 and KMS rules", () => {
  it("passes httpTokens required and a rotating key", () => {
    expect(check(S.imdsv2Required, T.launchTemplate, { metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 } })).toEqual([]);
    expect(check(S.kmsKeyRotation, T.kmsKey, { enableKeyRotation: true })).toEqual([]);
    // Asymmetric keys cannot rotate: not applicable.
    expect(check(S.kmsKeyRotation, T.kmsKey, { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" })).toEqual([]);
  });
  it("catches IMDSv1 and a key without rotation", () => {
    expect(check(S.imdsv2Required, T.launchTemplate, { metadataOptions: { httpTokens: "optional" } })[0]).toMatch(/httpTokens is "optional"/);
    expect(check(S.imdsv2Required, T.instance, {})[0]).toMatch(/httpTokens is "optional"/);
    expect(check(S.kmsKeyRotation, T.kmsKey, {})).toEqual(["subject: enableKeyRotation is not true; turn on automatic rotation."]);
  });
});
