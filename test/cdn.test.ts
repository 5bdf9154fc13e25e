import * as fs from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { Cdn, CDN_ORIGIN_KEY_PATTERNS, CDN_SETTINGS, MAINTENANCE_PAGE_PATH, validateCdnArgs, validationRecords, type CdnArgs } from "../components/edge/cdn";
import { ObjectStorage } from "../components/storage/object-storage";
import { resolveConfig, type PlatformConfig } from "../infra/config";
import { AwsProviders } from "../infra/providers";
import { CURRENT_CLOUDFRONT_TLS } from "../policy/thresholds";
import { deniesInsecureTransport } from "../policy/security";
import { loadPolicyConfig, runPolicies } from "../tools/policy-run";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";
import { rawConfigWith } from "./harness";

const CF = {
  distribution: "aws:cloudfront/distribution:Distribution",
  cachePolicy: "aws:cloudfront/cachePolicy:CachePolicy",
  oac: "aws:cloudfront/originAccessControl:OriginAccessControl",
  certificate: "aws:acm/certificate:Certificate",
  validation: "aws:acm/certificateValidation:CertificateValidation",
  webAcl: "aws:wafv2/webAcl:WebAcl",
  object: "aws:s3/bucketObjectv2:BucketObjectv2",
  bucket: "aws:s3/bucket:Bucket",
};

const config: PlatformConfig = resolveConfig(rawConfigWith({ tier: "growth" }), "finishthisidea", "test-growth");

const baseArgs = (aws: AwsProviders, over: Partial<CdnArgs> = {}): CdnArgs => ({
  domain: "example.com",
  apiOriginHost: "api.example.com",
  originBucket: { name: "fti-prod-eu-west-1", regionalDomainName: "fti-prod-eu-west-1.s3.eu-west-1.amazonaws.com", region: "eu-west-1" },
  providerFor: aws.forComponent("cdn"),
  namePrefix: "fti-prod",
  waf: { enabled: true, requestsPer5Minutes: 2000 },
  ...over,
});

/** Wait for every output, so the component's registerOutputs lands before the next test's setMocks. */
async function settle(cdn: Cdn) {
  await new Promise((resolve) => pulumi.all([cdn.distributionId, cdn.distributionArn, cdn.domainName, cdn.hostedZoneId, cdn.certificateValidationRecords, cdn.webAclArn, cdn.logsBucketName]).apply(resolve));
  // registerOutputs serializes them a few turns later; let it reach this run's mock monitor.
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function build(over: Partial<CdnArgs> = {}) {
  const run = await runComponent((parent) => new Cdn("cdn", baseArgs(new AwsProviders(config, parent), over), { parent }));
  await settle(run.result);
  return run;
}

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));
// Production levels; whether the WAF is required is the stack's setting (prod enables it), not the component's.
const mandatory = (resources: RegisteredResource[]) =>
  runPolicies(resources, { config: loadPolicyConfig("prod", { environment: "production" }).config }).violations.filter((v) => v.level === "mandatory").map((v) => `${v.policy} ${v.resource}: ${v.message}`);
const providerRegion = (resources: RegisteredResource[], r: RegisteredResource) =>
  resources.find((p) => p.type === "pulumi:providers:aws" && p.name === r.options.provider)?.inputs.region;

describe("Cdn", () => {
  let resources: RegisteredResource[];
  let cdn: Cdn;
  let dist: Record<string, any>;
  const policy = (name: string) => find(resources, CF.cachePolicy, name).inputs;
  beforeAll(async () => {
    ({ resources, result: cdn } = await build());
    dist = find(resources, CF.distribution, "cdn-distribution").inputs;
  });

  it("reaches the API origin over HTTPS only, TLS 1.2, read timeout 30 s, keepalive 5 s", () => {
    expect(dist.origins[0]).toEqual({
      originId: "api",
      domainName: "api.example.com",
      customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"], originReadTimeout: 30, originKeepaliveTimeout: 5 },
    });
  });

  it("default behavior: redirect to HTTPS, compressed, all methods, GET/HEAD/OPTIONS cached, keyed on the API headers and query strings, TTL 0/0/1 year", () => {
    expect(dist.defaultCacheBehavior).toEqual({
      targetOriginId: "api",
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
      cachedMethods: ["GET", "HEAD", "OPTIONS"],
      compress: true,
      cachePolicyId: "cdn-api-id",
    });
    const api = policy("cdn-api");
    expect([api.minTtl, api.defaultTtl, api.maxTtl]).toEqual([0, 0, 31_536_000]);
    expect(api.parametersInCacheKeyAndForwardedToOrigin).toEqual({
      cookiesConfig: { cookieBehavior: "none" },
      headersConfig: { headerBehavior: "whitelist", headers: { items: ["Authorization", "Accept", "Content-Type"] } },
      queryStringsConfig: { queryStringBehavior: "all" },
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    // Authorization may only be forwarded through the cache key: no origin request policy carries it.
    expect(resources.filter((r) => r.type === "aws:cloudfront/originRequestPolicy:OriginRequestPolicy")).toEqual([]);
  });

  it("serves /static/* from the primary bucket through Origin Access Control, 1 day / 1 week / 1 year, compressed", () => {
    const oac = find(resources, CF.oac, "cdn-s3").inputs;
    expect(oac).toMatchObject({ originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" });
    expect(dist.origins[1]).toEqual({ originId: "s3-static", domainName: "fti-prod-eu-west-1.s3.eu-west-1.amazonaws.com", originAccessControlId: "cdn-s3-id" });
    expect(dist.orderedCacheBehaviors[0]).toEqual({
      pathPattern: "/static/*",
      targetOriginId: "s3-static",
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS"],
      cachedMethods: ["GET", "HEAD"],
      compress: true,
      cachePolicyId: "cdn-static-id",
    });
    const s = policy("cdn-static");
    expect([s.minTtl, s.defaultTtl, s.maxTtl]).toEqual([86_400, 604_800, 31_536_000]);
    expect(s.parametersInCacheKeyAndForwardedToOrigin).toMatchObject({ cookiesConfig: { cookieBehavior: "none" }, headersConfig: { headerBehavior: "none" }, queryStringsConfig: { queryStringBehavior: "none" } });
  });

  it("answers an origin 503 with /maintenance.html (not cached), served from the bucket where the page is uploaded", () => {
    expect(dist.customErrorResponses).toEqual([{ errorCode: 503, responseCode: 503, responsePagePath: "/maintenance.html", errorCachingMinTtl: 0 }]);
    expect(dist.orderedCacheBehaviors[1]).toMatchObject({ pathPattern: "/maintenance.html", targetOriginId: "s3-static", cachePolicyId: "cdn-maintenance-id" });
    const page = find(resources, CF.object, "cdn-maintenance-page");
    expect(page.inputs).toMatchObject({ bucket: "fti-prod-eu-west-1", key: "maintenance.html", contentType: "text/html; charset=utf-8" });
    expect(page.inputs.content).toBe(fs.readFileSync(MAINTENANCE_PAGE_PATH, "utf8"));
    expect(page.inputs.content).toMatch(/^<!doctype html>/);
    expect(providerRegion(resources, page)).toBe("eu-west-1");
    // The keys ObjectStorage must let CloudFront read are exactly the S3 behaviors' paths.
    expect(CDN_ORIGIN_KEY_PATTERNS).toEqual(dist.orderedCacheBehaviors.filter((b: any) => b.targetOriginId === "s3-static").map((b: any) => b.pathPattern.slice(1)));
  });

  it("caches /api/public/* for 5 minutes without Authorization in the key and adds the plan's caching headers", () => {
    expect(dist.orderedCacheBehaviors[2]).toEqual({
      pathPattern: "/api/public/*", targetOriginId: "api", viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD", "OPTIONS"], cachedMethods: ["GET", "HEAD"], compress: true,
      cachePolicyId: "cdn-api-public-id", responseHeadersPolicyId: "cdn-api-public-headers-id",
    });
    const policy = find(resources, "aws:cloudfront/cachePolicy:CachePolicy", "cdn-api-public").inputs;
    expect([policy.minTtl, policy.defaultTtl, policy.maxTtl]).toEqual([0, 300, 300]);
    expect(policy.parametersInCacheKeyAndForwardedToOrigin.headersConfig.headers.items).toEqual(["Accept"]);
    expect(find(resources, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy", "cdn-api-public-headers").inputs.customHeadersConfig).toEqual({ items: [
      { header: "Cache-Control", value: "public, max-age=300", override: false },
      { header: "Vary", value: "Accept-Encoding", override: false },
    ] });
  });

  it("is global, HTTP/2 and 3, IPv6, on cdn.<domain> with a DNS-validated us-east-1 certificate, SNI and a current TLS policy", () => {
    expect(dist).toMatchObject({ enabled: true, priceClass: "PriceClass_All", httpVersion: "http2and3", isIpv6Enabled: true, aliases: ["cdn.example.com"] });
    const cert = find(resources, CF.certificate, "cdn-certificate");
    expect(cert.inputs).toMatchObject({ domainName: "cdn.example.com", validationMethod: "DNS" });
    expect(providerRegion(resources, cert)).toBe("us-east-1");
    expect(find(resources, CF.validation, "cdn-certificate").inputs.certificateArn).toBe("arn:aws:acm:us-east-1:123456789012:cdn-certificate");
    expect(dist.viewerCertificate).toEqual({ acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:cdn-certificate", sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" });
    expect(CURRENT_CLOUDFRONT_TLS).toContain(CDN_SETTINGS.minimumProtocolVersion);
    for (const r of resources.filter((x) => x.type.startsWith("aws:") && x.type !== CF.object)) expect([r.name, providerRegion(resources, r)]).toEqual([r.name, "us-east-1"]);
  });

  it("writes access logs to a hardened, ACL-enabled SSE-S3 bucket that expires them", () => {
    const logs = find(resources, CF.bucket, "cdn-logs");
    expect(logs.inputs.bucket).toBe("fti-prod-cdn-logs");
    expect(logs.options.protect).toBe(true);
    expect(dist.loggingConfig).toEqual({ bucket: "fti-prod-cdn-logs.s3.amazonaws.com", prefix: "cloudfront/", includeCookies: false });
    expect(find(resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls", "cdn-logs-ownership").inputs.rule).toEqual({ objectOwnership: "BucketOwnerPreferred" });
    expect(find(resources, CF.distribution, "cdn-distribution").options.dependsOn).toEqual(["cdn-logs-ownership"]);
    expect(find(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "cdn-logs-encryption").inputs.rules)
      .toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    expect(deniesInsecureTransport(find(resources, "aws:s3/bucketPolicy:BucketPolicy", "cdn-logs-tls-policy").inputs.policy)).toBe(true);
    expect(find(resources, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "cdn-logs-lifecycle").inputs.rules[0]).toMatchObject({ status: "Enabled", expiration: { days: 90 } });
  });

  it("puts a CLOUDFRONT-scope WAF with the configured per-IP rate limit and AWS's managed rule groups in front", () => {
    const acl = find(resources, CF.webAcl, "cdn-waf");
    expect(acl.inputs.scope).toBe("CLOUDFRONT");
    expect(acl.inputs.defaultAction).toEqual({ allow: {} });
    expect(acl.inputs.rules[0]).toMatchObject({
      action: { block: {} },
      statement: { rateBasedStatement: { limit: 2000, aggregateKeyType: "IP", evaluationWindowSec: 300 } },
    });
    expect(acl.inputs.rules.slice(1).map((r: any) => r.statement.managedRuleGroupStatement.name))
      .toEqual(["AWSManagedRulesAmazonIpReputationList", "AWSManagedRulesKnownBadInputsRuleSet", "AWSManagedRulesCommonRuleSet"]);
    expect(providerRegion(resources, acl)).toBe("us-east-1");
    expect(dist.webAclId).toBe("arn:aws:wafv2:us-east-1:123456789012:cdn-waf");
  });

  it("names every child after the component (a component alias carries them on a rename)", () => {
    const children = resources.filter((r) => r.parent === "cdn");
    expect(children.length).toBeGreaterThan(15);
    expect(children.filter((r) => !r.name.startsWith("cdn-")).map((r) => r.name)).toEqual([]);
  });

  it("exposes typed outputs and passes every mandatory policy rule", async () => {
    expect(await value(cdn.domainName)).toBe("cdn-distribution.cloudfront.net");
    expect(await value(cdn.distributionArn)).toBe("arn:aws:cloudfront:us-east-1:123456789012:cdn-distribution");
    expect(await value(cdn.distributionId)).toBe("cdn-distribution-id");
    expect(await value(cdn.webAclArn!)).toBe("arn:aws:wafv2:us-east-1:123456789012:cdn-waf");
    expect(await value(cdn.certificateValidationRecords)).toEqual([]);
    expect(cdn.aliases).toEqual(["cdn.example.com"]);
    expect(mandatory(resources)).toEqual([]);
  });
});

describe("Cdn options", () => {
  it("has no WAF when disabled", async () => {
    const { resources, result } = await build({ waf: { enabled: false, requestsPer5Minutes: 2000 } });
    expect(resources.filter((r) => r.type === CF.webAcl)).toEqual([]);
    expect(find(resources, CF.distribution, "cdn-distribution").inputs.webAclId).toBeUndefined();
    expect(result.webAclArn).toBeUndefined();
  });

  it("takes a given certificate and aliases instead of requesting one", async () => {
    const arn = "arn:aws:acm:us-east-1:123456789012:certificate/given";
    const { resources } = await build({ certificateArn: arn, aliases: ["example.com", "www.example.com"], waf: { enabled: true, requestsPer5Minutes: 500 } });
    expect(resources.filter((r) => r.type === CF.certificate || r.type === CF.validation)).toEqual([]);
    const dist = find(resources, CF.distribution, "cdn-distribution").inputs;
    expect(dist.aliases).toEqual(["example.com", "www.example.com"]);
    expect(dist.viewerCertificate.acmCertificateArn).toBe(arn);
    expect(find(resources, CF.webAcl, "cdn-waf").inputs.rules[0].statement.rateBasedStatement.limit).toBe(500);
  });

  it("lists the certificate's validation records once per DNS record", () => {
    const rec = { resourceRecordName: "_x.cdn.example.com.", resourceRecordType: "CNAME", resourceRecordValue: "_y.acm-validations.aws." };
    expect(validationRecords([
      { domainName: "cdn.example.com", ...rec },
      { domainName: "static.example.com", resourceRecordName: "_z.static.example.com.", resourceRecordType: "CNAME", resourceRecordValue: "_w.acm-validations.aws." },
      { domainName: "*.cdn.example.com", ...rec },
      { domainName: "pending.example.com" },
    ] as any)).toEqual([
      { name: "_x.cdn.example.com.", type: "CNAME", value: "_y.acm-validations.aws." },
      { name: "_z.static.example.com.", type: "CNAME", value: "_w.acm-validations.aws." },
    ]);
    expect(validationRecords(undefined)).toEqual([]);
  });

  it("rejects bad args naming the arg, the value and what is allowed", () => {
    const args = (over: Partial<CdnArgs>): CdnArgs => ({
      domain: "example.com", apiOriginHost: "api.example.com", originBucket: { name: "b", regionalDomainName: "b.s3.us-east-1.amazonaws.com", region: "us-east-1" },
      providerFor: () => { throw new Error("unused"); }, namePrefix: "fti-prod", waf: { enabled: false, requestsPer5Minutes: 2000 }, ...over,
    });
    expect(() => validateCdnArgs("cdn", args({ aliases: ["api.example.com"] }))).toThrow('Cdn cdn: aliases[0] is "api.example.com"; expected a name other than the API origin (api.example.com)');
    expect(() => validateCdnArgs("cdn", args({ waf: { enabled: true, requestsPer5Minutes: 5 } }))).toThrow(/waf.requestsPer5Minutes is 5; expected an integer from 10/);
    expect(() => validateCdnArgs("cdn", args({ domain: "Example" }))).toThrow(/domain is "Example"; expected a DNS name/);
    expect(() => validateCdnArgs("cdn", args({ cacheableApiPaths: ["api/public/*"] }))).toThrow('Cdn cdn: cacheableApiPaths[0] is "api/public/*"; expected a CloudFront path pattern starting with /');
    expect(() => validateCdnArgs("cdn", args({ cacheableApiPaths: ["/static/*"] }))).toThrow(/cacheableApiPaths\[0\] is "\/static\/\*"; expected a pattern other than the bucket's paths/);
    expect(() => validateCdnArgs("cdn", args({ namePrefix: "FTI" }))).toThrow(/namePrefix is "FTI"/);
    expect(() => validateCdnArgs("cdn", args({ logRetentionDays: 0 }))).toThrow(/logRetentionDays is 0/);
  });
});

/** The lead's wiring: the distribution ARN reaches ObjectStorage through a deferred output. */
const wired = (parent: pulumi.ComponentResource) => {
  const aws = new AwsProviders(config, parent);
  const [distributionArn, setDistributionArn] = pulumi.deferredOutput<string>();
  const storage = new ObjectStorage("storage", {
    bucketPrefix: "fti-prod",
    primaryRegion: config.primaryRegion,
    replicaRegions: config.preset.storage.replicaRegions,
    providerFor: aws.forComponent("storage"),
    cloudflare: { accountId: config.cloudflareAccountId, apiToken: config.secrets.cloudflareApiToken, locationHint: config.r2LocationHint },
    corsAllowedOrigins: [`https://${config.domain}`],
    cloudFrontRead: { distributionArn, keyPatterns: CDN_ORIGIN_KEY_PATTERNS },
  }, { parent });
  const e = storage.endpoints;
  const cdn = new Cdn("cdn", {
    domain: config.domain,
    apiOriginHost: `api.${config.domain}`,
    originBucket: { name: e.primaryBucketName, regionalDomainName: e.primaryBucketRegionalDomainName, region: config.primaryRegion },
    providerFor: aws.forComponent("cdn"),
    namePrefix: "fti-prod",
    waf: config.waf,
  }, { parent });
  setDistributionArn(cdn.distributionArn);
  return cdn;
};

describe("Cdn wired to ObjectStorage (the lead's wiring)", () => {
  let resources: RegisteredResource[];
  let result: Cdn;
  beforeAll(async () => {
    ({ resources, result } = await runComponent(wired));
    await settle(result);
  });

  it("grants the distribution (by ARN) read of the S3 behaviors' keys and decrypt on the primary bucket's key", () => {
    const distArn = "arn:aws:cloudfront:us-east-1:123456789012:cdn-distribution";
    const statement = JSON.parse(find(resources, "aws:s3/bucketPolicy:BucketPolicy", "storage-us-east-1-tls-policy").inputs.policy).Statement[1];
    expect(statement.Resource).toEqual(["arn:aws:s3:::fti-prod-us-east-1/static/*", "arn:aws:s3:::fti-prod-us-east-1/maintenance.html"]);
    expect(statement.Condition).toEqual({ StringEquals: { "AWS:SourceArn": distArn } });
    const key = JSON.parse(find(resources, "aws:kms/key:Key", "storage-us-east-1-key").inputs.policy).Statement[1];
    expect(key).toMatchObject({ Action: "kms:Decrypt", Condition: { StringEquals: { "AWS:SourceArn": distArn } } });
    const dist = find(resources, CF.distribution, "cdn-distribution").inputs;
    expect(dist.origins[1].domainName).toBe("fti-prod-us-east-1.s3.us-east-1.amazonaws.com");
    expect(find(resources, CF.object, "cdn-maintenance-page").inputs.bucket).toBe("fti-prod-us-east-1");
  });

  it("passes every mandatory policy rule together, also in a preview (as `npm run plan` runs)", async () => {
    expect(mandatory(resources)).toEqual([]);
    const { resources: previewed } = await runComponent(wired, { preview: true });
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(previewed.filter((r) => r.type === CF.distribution)).toHaveLength(1);
    expect(mandatory(previewed)).toEqual([]);
  });
});
