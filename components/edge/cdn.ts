/**
 * The CloudFront distribution in front of the API and the primary bucket's static files, as the scaling plan
 * specifies it: API origin over TLS 1.2 (read 30 s, keepalive 5 s), uncached-by-default API behavior keyed on
 * Authorization/Accept/Content-Type and the query string, `/static/*` from S3 through Origin Access Control
 * cached 1 day..1 year, an origin 503 answered with `/maintenance.html`, an ACM certificate in us-east-1, access
 * logs and an optional WAF rate limit.
 *
 * Wiring with ObjectStorage (S3 allows one bucket policy, and ObjectStorage writes it): ObjectStorage grants
 * CloudFront read on CDN_ORIGIN_KEY_PATTERNS in the primary bucket's policy and kms:Decrypt in its key policy,
 * conditioned on this distribution's ARN, which exists only after the bucket does. Break the cycle with a
 * deferred output:
 *   const [distributionArn, setDistributionArn] = pulumi.deferredOutput<string>();
 *   const storage = new ObjectStorage("storage", { ..., cloudFrontRead: { distributionArn, keyPatterns: CDN_ORIGIN_KEY_PATTERNS } });
 *   const cdn = new Cdn("cdn", { ..., originBucket: { name: storage.endpoints.primaryBucketName, ... } });
 *   setDistributionArn(cdn.distributionArn);
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { edgeWafRules, WAF_RATE_LIMIT } from "./waf";

const YEAR = 31_536_000;
const DAY = 86_400;

/** Every number and name of the distribution, as data. */
export const CDN_SETTINGS = {
  api: {
    originId: "api",
    originProtocolPolicy: "https-only",
    originSslProtocols: ["TLSv1.2"],
    originReadTimeout: 30,
    originKeepaliveTimeout: 5,
    allowedMethods: ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
    cachedMethods: ["GET", "HEAD", "OPTIONS"],
    // In the cache key, hence forwarded: CloudFront refuses Authorization in an origin request policy.
    cacheKeyHeaders: ["Authorization", "Accept", "Content-Type"],
    ttl: { min: 0, default: 0, max: YEAR },
  },
  /**
   * API paths whose responses are the same for every caller (the application contract: it serves them under
   * /api/public/). The plan's surge caching headers are added to them (unless the API sets its own) and CloudFront
   * keeps them 5 minutes, keyed without Authorization.
   */
  cacheableApi: {
    pathPatterns: ["/api/public/*"],
    allowedMethods: ["GET", "HEAD", "OPTIONS"],
    cachedMethods: ["GET", "HEAD"],
    headers: { "Cache-Control": "public, max-age=300", Vary: "Accept-Encoding" },
    ttl: { min: 0, default: 300, max: 300 },
  },
  static: {
    originId: "s3-static",
    pathPattern: "/static/*",
    allowedMethods: ["GET", "HEAD", "OPTIONS"],
    cachedMethods: ["GET", "HEAD"],
    ttl: { min: DAY, default: 7 * DAY, max: YEAR },
  },
  maintenance: {
    /** Served from the bucket (its own behavior) so the page still loads while the API origin answers 503. */
    pathPattern: "/maintenance.html",
    objectKey: "maintenance.html",
    ttl: { min: 0, default: 60, max: 300 },
  },
  errorResponses: [{ errorCode: 503, responseCode: 503, responsePagePath: "/maintenance.html", errorCachingMinTtl: 0 }],
  viewerProtocolPolicy: "redirect-to-https",
  priceClass: "PriceClass_All",
  httpVersion: "http2and3",
  sslSupportMethod: "sni-only",
  minimumProtocolVersion: "TLSv1.2_2021",
  logPrefix: "cloudfront/",
} as const;

/** Object keys of the origin bucket CloudFront reads (ObjectStorage's `cloudFrontRead.keyPatterns`). */
export const CDN_ORIGIN_KEY_PATTERNS = [CDN_SETTINGS.static.pathPattern.slice(1), CDN_SETTINGS.maintenance.objectKey];

/** The maintenance page shipped beside this file. */
export const MAINTENANCE_PAGE_PATH = path.join(__dirname, "assets", "maintenance.html");

export interface CdnArgs {
  /** The platform's domain, e.g. finishthisidea.com. */
  domain: string;
  /**
   * Host names the distribution answers (the certificate covers them). Default [`cdn.<domain>`]: `api.<domain>`
   * is the origin (pointing it at CloudFront would loop) and the apex is left to the web front end.
   */
  aliases?: string[];
  /** Host of the API origin (the ALB), `api.<domain>`. */
  apiOriginHost: string;
  /** The primary bucket: `/static/*` and the maintenance page come from it. */
  originBucket: { name: pulumi.Input<string>; regionalDomainName: pulumi.Input<string>; region: string };
  /** The AWS provider for a region (CloudFront, ACM and WAF resources use us-east-1). */
  providerFor: (region: string) => aws.Provider;
  /** Prefix of the access-log bucket's name (`<prefix>-cdn-logs`), e.g. `${project}-${stack}`. */
  namePrefix: string;
  /** WAF web ACL: a per-IP rate limit over 5 minutes and AWS's managed rule groups (edgeWafRules). */
  waf: { enabled: boolean; requestsPer5Minutes: number };
  /** API path patterns cached at the edge with the plan's caching headers. Default CDN_SETTINGS.cacheableApi.pathPatterns. */
  cacheableApiPaths?: string[];
  /** An issued ACM certificate in us-east-1 covering the aliases; when omitted one is requested (DNS validation). */
  certificateArn?: pulumi.Input<string>;
  /** Days access logs are kept. Default 90. */
  logRetentionDays?: number;
}

export interface ValidationRecord {
  name: string;
  type: string;
  value: string;
}

const HOST = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/;

/** Throw a clear error for bad Cdn args (called before anything is registered). */
export function validateCdnArgs(name: string, args: CdnArgs): { aliases: string[]; logRetentionDays: number; cacheableApiPaths: string[] } {
  const fail = (arg: string, value: unknown, allowed: string) => {
    throw new Error(`Cdn ${name}: ${arg} is ${JSON.stringify(value)}; expected ${allowed}`);
  };
  if (!HOST.test(args.domain)) fail("domain", args.domain, "a DNS name such as example.com");
  if (!HOST.test(args.apiOriginHost)) fail("apiOriginHost", args.apiOriginHost, "a DNS name such as api.example.com");
  const aliases = args.aliases ?? [`cdn.${args.domain}`];
  if (aliases.length === 0) fail("aliases", aliases, "at least one host name");
  aliases.forEach((a, i) => {
    if (!HOST.test(a)) fail(`aliases[${i}]`, a, "a DNS name");
    if (a === args.apiOriginHost) fail(`aliases[${i}]`, a, `a name other than the API origin (${args.apiOriginHost}): CloudFront would loop back to itself`);
  });
  const logs = `${args.namePrefix}-cdn-logs`;
  if (!/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(logs) || logs.includes("--")) fail("namePrefix", args.namePrefix, `lowercase letters, digits and single hyphens, so that "${logs}" is a valid S3 bucket name`);
  const limit = args.waf.requestsPer5Minutes;
  if (!Number.isInteger(limit) || limit < WAF_RATE_LIMIT.min || limit > WAF_RATE_LIMIT.max) fail("waf.requestsPer5Minutes", limit, `an integer from ${WAF_RATE_LIMIT.min} to ${WAF_RATE_LIMIT.max} (WAF rate-based rule limits)`);
  const logRetentionDays = args.logRetentionDays ?? 90;
  if (!Number.isInteger(logRetentionDays) || logRetentionDays < 1) fail("logRetentionDays", logRetentionDays, "a whole number of days >= 1");
  const cacheableApiPaths = args.cacheableApiPaths ?? [...CDN_SETTINGS.cacheableApi.pathPatterns];
  const taken: string[] = [CDN_SETTINGS.static.pathPattern, CDN_SETTINGS.maintenance.pathPattern];
  cacheableApiPaths.forEach((p, i) => {
    if (!/^\/[A-Za-z0-9_\-.*$/~@:+&]{1,254}$/.test(p)) fail(`cacheableApiPaths[${i}]`, p, "a CloudFront path pattern starting with / (letters, digits, _-.*$/~@:+&)");
    if (taken.includes(p)) fail(`cacheableApiPaths[${i}]`, p, "a pattern other than the bucket's paths (/static/*, /maintenance.html)");
  });
  return { aliases, logRetentionDays, cacheableApiPaths };
}

/** The DNS records ACM asks for, one per distinct record (names covered by one record share it). */
export function validationRecords(options: { resourceRecordName?: string; resourceRecordType?: string; resourceRecordValue?: string }[] | undefined): ValidationRecord[] {
  const out = new Map<string, ValidationRecord>();
  for (const o of options ?? []) {
    if (o.resourceRecordName && o.resourceRecordType && o.resourceRecordValue) {
      out.set(o.resourceRecordName, { name: o.resourceRecordName, type: o.resourceRecordType, value: o.resourceRecordValue });
    }
  }
  return [...out.values()];
}

/** A cache policy's cache key: nothing, or the API's headers plus every query string; never cookies. */
function cacheKey(headers: readonly string[], queryStrings: "all" | "none"): aws.types.input.cloudfront.CachePolicyParametersInCacheKeyAndForwardedToOrigin {
  return {
    cookiesConfig: { cookieBehavior: "none" },
    headersConfig: headers.length > 0 ? { headerBehavior: "whitelist", headers: { items: [...headers] } } : { headerBehavior: "none" },
    queryStringsConfig: { queryStringBehavior: queryStrings },
    enableAcceptEncodingGzip: true,
    enableAcceptEncodingBrotli: true,
  };
}

/** CloudFront distribution, its policies, certificate, access-log bucket, maintenance page and optional WAF. */
export class Cdn extends pulumi.ComponentResource {
  readonly distributionId: pulumi.Output<string>;
  readonly distributionArn: pulumi.Output<string>;
  /** `<id>.cloudfront.net`: point the aliases at it (CNAME, or an alias record in zone `hostedZoneId`). */
  readonly domainName: pulumi.Output<string>;
  readonly hostedZoneId: pulumi.Output<string>;
  readonly aliases: string[];
  /** DNS records validating the requested certificate (DNS is outside this stack); empty when one was given. */
  readonly certificateValidationRecords: pulumi.Output<ValidationRecord[]>;
  readonly webAclArn?: pulumi.Output<string>;
  readonly logsBucketName: pulumi.Output<string>;

  constructor(name: string, args: CdnArgs, opts?: pulumi.ComponentResourceOptions) {
    const { aliases, logRetentionDays, cacheableApiPaths } = validateCdnArgs(name, args);
    super("finishthisidea:edge:Cdn", name, {}, opts);
    this.aliases = aliases;
    const s = CDN_SETTINGS;
    // CloudFront, its ACM certificate and its WAF scope live in us-east-1 whatever the primary region.
    const global = { parent: this, provider: args.providerFor("us-east-1") };

    // Access logs (standard logging): an ACL-enabled bucket, because CloudFront grants its log-delivery account
    // through the bucket ACL; SSE-S3 because standard logs cannot be written to an SSE-KMS bucket.
    const logsId = `${name}-logs`;
    const logs = new aws.s3.Bucket(logsId, { bucket: `${args.namePrefix}-cdn-logs`, forceDestroy: false }, { ...global, protect: true });
    const logsPublicAccess = new aws.s3.BucketPublicAccessBlock(`${logsId}-public-access`, {
      bucket: logs.id, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true,
    }, global);
    const logsOwnership = new aws.s3.BucketOwnershipControls(`${logsId}-ownership`, {
      bucket: logs.id, rule: { objectOwnership: "BucketOwnerPreferred" },
    }, global);
    new aws.s3.BucketServerSideEncryptionConfiguration(`${logsId}-encryption`, {
      bucket: logs.id, rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
    }, global);
    const logsVersioning = new aws.s3.BucketVersioning(`${logsId}-versioning`, {
      bucket: logs.id, versioningConfiguration: { status: "Enabled" },
    }, global);
    new aws.s3.BucketPolicy(`${logsId}-tls-policy`, {
      bucket: logs.id,
      policy: logs.arn.apply((arn) => JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "s3:*", Resource: [arn, `${arn}/*`], Condition: { Bool: { "aws:SecureTransport": "false" } } }],
      })),
    }, { ...global, dependsOn: [logsPublicAccess] });
    new aws.s3.BucketLifecycleConfiguration(`${logsId}-lifecycle`, {
      bucket: logs.id,
      rules: [{
        id: "expire-logs",
        status: "Enabled",
        filter: {},
        expiration: { days: logRetentionDays },
        noncurrentVersionExpiration: { noncurrentDays: 1 },
        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
      }],
    }, { ...global, dependsOn: [logsVersioning] });

    new aws.s3.BucketObjectv2(`${name}-maintenance-page`, {
      bucket: args.originBucket.name,
      key: s.maintenance.objectKey,
      content: fs.readFileSync(MAINTENANCE_PAGE_PATH, "utf8"),
      contentType: "text/html; charset=utf-8",
      cacheControl: `max-age=${s.maintenance.ttl.default}`,
    }, { parent: this, provider: args.providerFor(args.originBucket.region) });

    let certificateArn = args.certificateArn;
    if (certificateArn === undefined) {
      const certificate = new aws.acm.Certificate(`${name}-certificate`, {
        domainName: aliases[0],
        subjectAlternativeNames: aliases.slice(1),
        validationMethod: "DNS",
        keyAlgorithm: "RSA_2048",
      }, global);
      // Waits until the records below exist in DNS; CloudFront refuses a certificate that is not issued yet.
      certificateArn = new aws.acm.CertificateValidation(`${name}-certificate`, { certificateArn: certificate.arn }, global).certificateArn;
      this.certificateValidationRecords = certificate.domainValidationOptions.apply(validationRecords);
    } else {
      this.certificateValidationRecords = pulumi.output([]);
    }

    let webAcl: aws.wafv2.WebAcl | undefined;
    if (args.waf.enabled) {
      webAcl = new aws.wafv2.WebAcl(`${name}-waf`, {
        description: `Rate limit and AWS managed rules for ${aliases.join(", ")}`,
        scope: "CLOUDFRONT",
        defaultAction: { allow: {} },
        // The same rules as the API's ALB (EdgeWebAcl): one edge policy for every entry.
        rules: edgeWafRules(args.waf.requestsPer5Minutes, name),
        visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${name}-waf` },
      }, global);
      this.webAclArn = webAcl.arn;
    }

    const apiCache = new aws.cloudfront.CachePolicy(`${name}-api`, {
      comment: "API: cached only when the origin says so; keyed on Authorization, Accept, Content-Type and the query string",
      minTtl: s.api.ttl.min, defaultTtl: s.api.ttl.default, maxTtl: s.api.ttl.max,
      parametersInCacheKeyAndForwardedToOrigin: cacheKey(s.api.cacheKeyHeaders, "all"),
    }, global);
    const staticCache = new aws.cloudfront.CachePolicy(`${name}-static`, {
      comment: "Static files from S3: 1 day to 1 year",
      minTtl: s.static.ttl.min, defaultTtl: s.static.ttl.default, maxTtl: s.static.ttl.max,
      parametersInCacheKeyAndForwardedToOrigin: cacheKey([], "none"),
    }, global);
    const maintenanceCache = new aws.cloudfront.CachePolicy(`${name}-maintenance`, {
      comment: "Maintenance page: short-lived so an edited page shows within minutes",
      minTtl: s.maintenance.ttl.min, defaultTtl: s.maintenance.ttl.default, maxTtl: s.maintenance.ttl.max,
      parametersInCacheKeyAndForwardedToOrigin: cacheKey([], "none"),
    }, global);
    const c = s.cacheableApi;
    const publicApiCache = new aws.cloudfront.CachePolicy(`${name}-api-public`, {
      comment: "Public API responses: 5 minutes, the same for every caller (no Authorization in the key)",
      minTtl: c.ttl.min, defaultTtl: c.ttl.default, maxTtl: c.ttl.max,
      parametersInCacheKeyAndForwardedToOrigin: cacheKey(["Accept"], "all"),
    }, global);
    // The plan's surge caching headers; override false: a response that sets its own Cache-Control keeps it.
    const cachingHeaders = new aws.cloudfront.ResponseHeadersPolicy(`${name}-api-public-headers`, {
      comment: "Cache-Control public, max-age=300 and Vary: Accept-Encoding on public API responses",
      customHeadersConfig: { items: Object.entries(c.headers).map(([header, value]) => ({ header, value, override: false })) },
    }, global);
    const oac = new aws.cloudfront.OriginAccessControl(`${name}-s3`, {
      description: "CloudFront signs its requests to the primary bucket (SigV4)",
      originAccessControlOriginType: "s3",
      signingBehavior: "always",
      signingProtocol: "sigv4",
    }, global);

    const s3Behavior = (pathPattern: string, cachePolicyId: pulumi.Input<string>) => ({
      pathPattern,
      targetOriginId: s.static.originId,
      viewerProtocolPolicy: s.viewerProtocolPolicy,
      allowedMethods: [...s.static.allowedMethods],
      cachedMethods: [...s.static.cachedMethods],
      compress: true,
      cachePolicyId,
    });

    const distribution = new aws.cloudfront.Distribution(`${name}-distribution`, {
      enabled: true,
      comment: `FinishThisIdea edge: ${aliases.join(", ")}`,
      aliases,
      priceClass: s.priceClass,
      httpVersion: s.httpVersion,
      isIpv6Enabled: true,
      origins: [
        {
          originId: s.api.originId,
          domainName: args.apiOriginHost,
          customOriginConfig: {
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: s.api.originProtocolPolicy,
            originSslProtocols: [...s.api.originSslProtocols],
            originReadTimeout: s.api.originReadTimeout,
            originKeepaliveTimeout: s.api.originKeepaliveTimeout,
          },
        },
        { originId: s.static.originId, domainName: args.originBucket.regionalDomainName, originAccessControlId: oac.id },
      ],
      defaultCacheBehavior: {
        targetOriginId: s.api.originId,
        viewerProtocolPolicy: s.viewerProtocolPolicy,
        allowedMethods: [...s.api.allowedMethods],
        cachedMethods: [...s.api.cachedMethods],
        compress: true,
        cachePolicyId: apiCache.id,
      },
      orderedCacheBehaviors: [
        s3Behavior(s.static.pathPattern, staticCache.id),
        s3Behavior(s.maintenance.pathPattern, maintenanceCache.id),
        ...cacheableApiPaths.map((pathPattern) => ({
          pathPattern,
          targetOriginId: s.api.originId,
          viewerProtocolPolicy: s.viewerProtocolPolicy,
          allowedMethods: [...c.allowedMethods],
          cachedMethods: [...c.cachedMethods],
          compress: true,
          cachePolicyId: publicApiCache.id,
          responseHeadersPolicyId: cachingHeaders.id,
        })),
      ],
      customErrorResponses: s.errorResponses.map((e) => ({ ...e })),
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: { acmCertificateArn: certificateArn, sslSupportMethod: s.sslSupportMethod, minimumProtocolVersion: s.minimumProtocolVersion },
      loggingConfig: { bucket: logs.bucketDomainName, prefix: s.logPrefix, includeCookies: false },
      ...(webAcl ? { webAclId: webAcl.arn } : {}),
    }, { ...global, dependsOn: [logsOwnership] });

    this.distributionId = distribution.id;
    this.distributionArn = distribution.arn;
    this.domainName = distribution.domainName;
    this.hostedZoneId = distribution.hostedZoneId;
    this.logsBucketName = logs.bucket;
    this.registerOutputs({
      distributionId: this.distributionId,
      distributionArn: this.distributionArn,
      domainName: this.domainName,
      hostedZoneId: this.hostedZoneId,
      aliases,
      certificateValidationRecords: this.certificateValidationRecords,
      webAclArn: this.webAclArn,
      logsBucketName: this.logsBucketName,
    });
  }
}
