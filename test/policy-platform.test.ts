/** The platform's own rules: what our design depends on, whoever writes the resource. */
import { describe, expect, it } from "vitest";
import { rawConfigWith } from "./harness";
import { resolveConfig } from "../infra/config";
import * as P from "../policy/platform";
import { T } from "../policy/security";
import { MVP_TAGS, check, violations } from "./policy-args";

const tags = (tier: string) => ({ ...MVP_TAGS, tier });
const EC_PG = "aws:elasticache/parameterGroup:ParameterGroup";
const NAT = "aws:ec2/natGateway:NatGateway";

describe("redis-noeviction", () => {
  it("catches an evicting maxmemory-policy and a replication group on a default parameter group", () => {
    expect(check(P.redisNoEviction, EC_PG, { family: "redis7", parameters: [{ name: "maxmemory-policy", value: "allkeys-lru" }] }, { name: "pg" })).toEqual([
      'pg: maxmemory-policy is allkeys-lru; set "noeviction" so Redis refuses writes instead of evicting queued jobs.',
    ]);
    expect(check(P.redisNoEviction, EC_PG, { family: "valkey8", parameters: [] }, { name: "pg" })[0]).toMatch(/maxmemory-policy is unset \(volatile-lru\)/);
    expect(check(P.redisNoEviction, T.replicationGroup, { engine: "redis", parameterGroupName: "default.redis7" }, { name: "rg" })).toEqual([
      "rg: uses default.redis7 (maxmemory-policy volatile-lru); attach a parameter group with maxmemory-policy noeviction.",
    ]);
  });
  it("passes noeviction and a replication group on its own group", () => {
    expect(check(P.redisNoEviction, EC_PG, { family: "redis7", parameters: [{ name: "maxmemory-policy", value: "noeviction" }] })).toEqual([]);
    expect(check(P.redisNoEviction, T.replicationGroup, { engine: "redis", parameterGroupName: "redis-params-abc" })).toEqual([]);
    expect(check(P.redisNoEviction, EC_PG, { family: "memcached1.6", parameters: [] })).toEqual([]);
  });
});

describe("rds-multi-az-per-tier", () => {
  it("catches a single-AZ primary on growth (Multi-AZ tier); passes Multi-AZ there, single-AZ on mvp, and replicas", () => {
    expect(check(P.rdsMultiAzPerTier, T.rdsInstance, { instanceClass: "db.r5.xlarge", multiAz: false }, { providerTags: tags("growth"), name: "db" })).toEqual([
      "db: a single-AZ primary on tier growth, which requires Multi-AZ; set multiAz: true.",
    ]);
    expect(check(P.rdsMultiAzPerTier, T.rdsInstance, { instanceClass: "db.r5.xlarge", multiAz: true }, { providerTags: tags("growth") })).toEqual([]);
    expect(check(P.rdsMultiAzPerTier, T.rdsInstance, { instanceClass: "db.t3.medium", multiAz: false }, { providerTags: tags("mvp") })).toEqual([]);
    expect(check(P.rdsMultiAzPerTier, T.rdsInstance, { replicateSourceDb: "db", multiAz: false }, { providerTags: tags("growth") })).toEqual([]);
  });
});

describe("spot-instance-diversity", () => {
  const ng = (instanceTypes: string[], capacityType = "SPOT") => ({ capacityType, instanceTypes, scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 1 } });
  it("catches a SPOT pool of one or three types; four, and ON_DEMAND pools, pass", () => {
    expect(check(P.spotDiversity, T.nodeGroup, ng(["c5.xlarge"]), { name: "workers" })).toEqual([
      "workers: a SPOT node group with 1 instance type (c5.xlarge); list at least 4 interchangeable types so an interruption wave in one pool leaves capacity.",
    ]);
    expect(check(P.spotDiversity, T.nodeGroup, ng(["c5.xlarge", "c5a.xlarge", "c6i.xlarge"]))).toHaveLength(1);
    expect(check(P.spotDiversity, T.nodeGroup, ng(["c5.xlarge", "c5a.xlarge", "c6i.xlarge", "m5.xlarge"]))).toEqual([]);
    expect(check(P.spotDiversity, T.nodeGroup, ng(["t3.medium"], "ON_DEMAND"))).toEqual([]);
  });

  it("holds any node group to the floor the config schema sets for our own pools (4)", () => {
    const three = { workers: { spotInstanceTypes: ["c5.xlarge", "c5a.xlarge", "c6i.xlarge"] } };
    expect(() => resolveConfig(rawConfigWith({ overrides: three }), "finishthisidea", "t")).toThrow(/at least 4 instance types/);
    expect(P.spotDiversity.configSchema?.properties?.minInstanceTypes).toMatchObject({ default: 4 });
  });
});

describe("nat-gateway-cap", () => {
  const nats = (n: number, tier: string) => Array.from({ length: n }, (_, i) => ({ type: NAT, name: `nat-${i}`, component: "network", props: { subnetId: `s-${i}` }, providerTags: tags(tier) }));
  it("catches a second NAT gateway on mvp (1 allowed); three pass on growth", () => {
    expect(violations(P.natGatewayCap, nats(2, "mvp"))).toEqual([
      "2 NAT gateways (nat-0, nat-1); tier mvp allows 1. Share one per AZ at most, or raise network.natGateways in infra/tiers.ts.",
    ]);
    expect(violations(P.natGatewayCap, nats(1, "mvp"))).toEqual([]);
    expect(violations(P.natGatewayCap, nats(3, "growth"))).toEqual([]);
  });
});

describe("cloudfront-waf", () => {
  it("requires a web ACL only when the stack enables the WAF", () => {
    expect(check(P.cloudfrontWaf, T.distribution, { enabled: true }, { name: "cdn", config: { requireWaf: true } })).toEqual([
      "cdn: the stack enables the WAF but the distribution has no webAclId; attach the WAFv2 web ACL (scope CLOUDFRONT, us-east-1).",
    ]);
    expect(check(P.cloudfrontWaf, T.distribution, { enabled: true, webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/x/1" }, { config: { requireWaf: true } })).toEqual([]);
    expect(check(P.cloudfrontWaf, T.distribution, { enabled: true })).toEqual([]);
  });
});
