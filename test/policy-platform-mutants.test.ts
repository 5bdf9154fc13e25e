/**
 * policy/platform.ts: each rule's edges (boundaries, config overrides, unknown tiers, odd inputs) and the text
 * it shows, beside test/policy-platform.test.ts (issue 19: every mutant must fail a test).
 */
import { describe, expect, it } from "vitest";
import * as P from "../policy/platform";
import { T } from "../policy/security";
import { MVP_TAGS, check, violations } from "./policy-args";
import { resourceReason, stackReason } from "./policy-reasons";

const tags = (tier: string) => ({ ...MVP_TAGS, tier });
const EC_PG = "aws:elasticache/parameterGroup:ParameterGroup";
const NAT = "aws:ec2/natGateway:NatGateway";
const NO_TIER = "cannot tell the stack's tier: set the AWS provider default tag `tier` or this policy's config `tier`";

describe("the platform rules", () => {
  it("are these five, each described", () => {
    expect(P.platformRules.map((r) => r.name)).toEqual(["redis-noeviction", "rds-multi-az-per-tier", "spot-instance-diversity", "nat-gateway-cap", "cloudfront-waf"]);
    for (const r of P.platformRules) expect(r.description.length, r.name).toBeGreaterThan(40);
    for (const r of P.platformRules) expect(r.enforcementLevel, r.name).toBe("mandatory");
  });
  it("take a tier (and the NAT cap) from their config", () => {
    expect(P.rdsMultiAzPerTier.configSchema).toEqual({ properties: { tier: { type: "string" } } });
    expect(P.natGatewayCap.configSchema).toEqual({ properties: { tier: { type: "string" }, maxNatGateways: { type: "integer" } } });
    expect(P.cloudfrontWaf.configSchema).toEqual({ properties: { requireWaf: { type: "boolean", default: false } } });
  });
});

describe("redis-noeviction edges", () => {
  const pg = (parameters: unknown, family = "redis7") => ({ family, parameters });
  it("a parameter group without parameters, or without maxmemory-policy among them, is unset", () => {
    const unset = 'pg: maxmemory-policy is unset (volatile-lru); set "noeviction" so Redis refuses writes instead of evicting queued jobs.';
    expect(check(P.redisNoEviction, EC_PG, { family: "redis7" }, { name: "pg" })).toEqual([unset]);
    expect(check(P.redisNoEviction, EC_PG, pg([null, { name: "timeout", value: "0" }]), { name: "pg" })).toEqual([unset]);
    expect(check(P.redisNoEviction, EC_PG, pg([null, { name: "maxmemory-policy", value: "noeviction" }]))).toEqual([]);
  });
  it("declines memcached and unnamed families, and a family that only mentions redis further in", () => {
    expect(resourceReason(P.redisNoEviction, EC_PG, pg([], "memcached1.6"))).toBe("not a Redis/Valkey parameter group");
    expect(resourceReason(P.redisNoEviction, EC_PG, { parameters: [] })).toBe("not a Redis/Valkey parameter group");
    expect(resourceReason(P.redisNoEviction, EC_PG, pg([], "memcached-redis-compat"))).toBe("not a Redis/Valkey parameter group");
    expect(resourceReason(P.redisNoEviction, T.replicationGroup, { engine: "memcached" })).toBe("memcached");
    expect(resourceReason(P.redisNoEviction, T.replicationGroup, { engine: "redis" })).toBeUndefined();
    expect(resourceReason(P.redisNoEviction, EC_PG, pg([], "redis7"))).toBeUndefined();
    expect(resourceReason(P.redisNoEviction, "aws:s3/bucket:Bucket", {})).toBe(`applies to ${EC_PG}, aws:elasticache/replicationGroup:ReplicationGroup`);
  });
  it("a replication group without a parameter group runs the engine's default; memcached and a non-text group name are not judged", () => {
    expect(check(P.redisNoEviction, T.replicationGroup, { engine: "redis" }, { name: "rg" })).toEqual([
      "rg: uses the engine's default parameter group (maxmemory-policy volatile-lru); attach a parameter group with maxmemory-policy noeviction.",
    ]);
    expect(check(P.redisNoEviction, T.replicationGroup, { engine: "memcached" })).toEqual([]);
    expect(check(P.redisNoEviction, T.replicationGroup, { engine: "redis", parameterGroupName: 42 })).toEqual([]);
    expect(check(P.redisNoEviction, T.replicationGroup, { engine: "valkey", parameterGroupName: "my-default.valkey8" })).toEqual([]);
  });
});

describe("rds-multi-az-per-tier edges", () => {
  it("takes the tier from config when no provider tags it; reports when neither does", () => {
    expect(check(P.rdsMultiAzPerTier, T.rdsInstance, { multiAz: false }, { providerTags: null, name: "db", config: { tier: "growth" } })).toEqual([
      "db: a single-AZ primary on tier growth, which requires Multi-AZ; set multiAz: true.",
    ]);
    expect(check(P.rdsMultiAzPerTier, T.rdsInstance, { multiAz: false }, { providerTags: null, name: "db" })).toEqual([`db: ${NO_TIER}.`]);
  });
  it("accepts multiAz as the string true, and an unknown multiAz in a preview", () => {
    expect(check(P.rdsMultiAzPerTier, T.rdsInstance, { multiAz: "true" }, { providerTags: tags("growth") })).toEqual([]);
    expect(check(P.rdsMultiAzPerTier, T.rdsInstance, { multiAz: "<computed>" }, { providerTags: tags("growth") })).toEqual([]);
    expect(check(P.rdsMultiAzPerTier, T.rdsInstance, {}, { providerTags: tags("growth") })).toHaveLength(1);
  });
  it("declines read replicas with its reason", () => {
    expect(resourceReason(P.rdsMultiAzPerTier, T.rdsInstance, { replicateSourceDb: "db" })).toBe("read replicas are single-AZ by design");
  });
});

describe("spot-instance-diversity edges", () => {
  const ng = (instanceTypes: unknown) => ({ capacityType: "SPOT", instanceTypes });
  it("names the count in the plural and lists the types", () => {
    expect(check(P.spotDiversity, T.nodeGroup, ng(["c5.xlarge", "c5a.xlarge", "c6i.xlarge"]), { name: "w" })).toEqual([
      "w: a SPOT node group with 3 instance types (c5.xlarge, c5a.xlarge, c6i.xlarge); list at least 4 interchangeable types so an interruption wave in one pool leaves capacity.",
    ]);
  });
  it("reads a JSON-text list and counts a missing list as none", () => {
    expect(check(P.spotDiversity, T.nodeGroup, ng('["c5.xlarge","c5a.xlarge"]'))[0]).toMatch(/^subject: a SPOT node group with 2 instance types \(c5\.xlarge, c5a\.xlarge\)/);
    expect(check(P.spotDiversity, T.nodeGroup, { capacityType: "SPOT" })[0]).toMatch(/^subject: a SPOT node group with 0 instance types \(\); list at least 4 /);
  });
  it("takes its floor from config, at the boundary", () => {
    expect(check(P.spotDiversity, T.nodeGroup, ng(["c5.xlarge", "c5a.xlarge"]), { config: { minInstanceTypes: 2 } })).toEqual([]);
    expect(check(P.spotDiversity, T.nodeGroup, ng(["c5.xlarge", "c5a.xlarge"]), { config: { minInstanceTypes: 3 } })[0]).toMatch(/list at least 3 interchangeable/);
  });
  it("declines ON_DEMAND groups with its reason", () => {
    expect(resourceReason(P.spotDiversity, T.nodeGroup, { capacityType: "ON_DEMAND" })).toBe("not a SPOT node group");
    expect(resourceReason(P.spotDiversity, T.nodeGroup, ng([]))).toBeUndefined();
  });
});

describe("nat-gateway-cap edges", () => {
  const nats = (n: number, providerTags: Record<string, string> | null = tags("mvp")) =>
    Array.from({ length: n }, (_, i) => ({ type: NAT, name: `nat-${i}`, component: "network", props: {}, providerTags }));
  it("a stack without NAT gateways is not applicable, even with no tier", () => {
    expect(violations(P.natGatewayCap, [{ type: T.bucket, name: "b", props: {}, providerTags: null }])).toEqual([]);
    expect(stackReason(P.natGatewayCap)).toBe("no NAT gateways");
  });
  it("reports NAT gateways on a stack whose tier cannot be told", () => {
    expect(violations(P.natGatewayCap, nats(1, null))).toEqual([NO_TIER]);
  });
  it("takes the tier and the cap from config", () => {
    expect(violations(P.natGatewayCap, nats(3, null), { "nat-gateway-cap": { tier: "growth" } })).toEqual([]);
    expect(violations(P.natGatewayCap, nats(2, null), { "nat-gateway-cap": { tier: "growth", maxNatGateways: 1 } })).toEqual([
      "2 NAT gateways (nat-0, nat-1); tier growth allows 1. Share one per AZ at most, or raise network.natGateways in infra/tiers.ts.",
    ]);
    expect(violations(P.natGatewayCap, nats(2), { "nat-gateway-cap": { maxNatGateways: 2 } })).toEqual([]);
  });
});

describe("cloudfront-waf edges", () => {
  it("an empty or non-text webAclId is no web ACL", () => {
    const msg = "cdn: the stack enables the WAF but the distribution has no webAclId; attach the WAFv2 web ACL (scope CLOUDFRONT, us-east-1).";
    expect(check(P.cloudfrontWaf, T.distribution, { webAclId: "" }, { name: "cdn", config: { requireWaf: true } })).toEqual([msg]);
    expect(check(P.cloudfrontWaf, T.distribution, { webAclId: 42 }, { name: "cdn", config: { requireWaf: true } })).toEqual([msg]);
    expect(check(P.cloudfrontWaf, T.distribution, { webAclId: "" }, { name: "cdn", config: { requireWaf: false } })).toEqual([]);
  });
});
