import * as pulumi from "@pulumi/pulumi";
import { allAliases, createUrn } from "@pulumi/pulumi/resource";
import { beforeAll, describe, expect, it } from "vitest";
import { REDIS, RedisCluster, redisFinalSnapshotId, redisParameters, redisTopology, type RedisClusterArgs } from "../components/data/redis";
import type { PlatformConfig } from "../infra/config";
import { AwsProviders } from "../infra/providers";
import { TIERS, TIER_NAMES, type TierName } from "../infra/tiers";
import { estimateCost } from "../cost/estimate";
import { MOCK_ACCOUNT_ID } from "../tools/mock-outputs";
import { loadPolicyConfig, runPolicies } from "../tools/policy-run";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";

const T = {
  group: "aws:elasticache/replicationGroup:ReplicationGroup",
  params: "aws:elasticache/parameterGroup:ParameterGroup",
  subnets: "aws:elasticache/subnetGroup:SubnetGroup",
  key: "aws:kms/key:Key",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
} as const;

const envOf = (tier: TierName) => (tier === "mvp" ? "staging" : "prod");

function build(tier: TierName, over: Partial<RedisClusterArgs> = {}, name = "redis", opts: pulumi.ComponentResourceOptions = {}) {
  return runComponent((parent) => {
    const config = { stack: envOf(tier), tier, costCenter: "platform", primaryRegion: "us-east-1" } as PlatformConfig;
    const providers = new AwsProviders(config, parent);
    return new RedisCluster(name, {
      vpcId: "vpc-123",
      subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      allowedSecurityGroupIds: ["sg-nodes"],
      preset: TIERS[tier].redis,
      ...over,
    }, { parent, providers: [providers.get("redis")], ...opts });
  });
}

const value = <T>(o: pulumi.Output<T>) => new Promise<T>((resolve) => o.apply(resolve));

/** Wait until the component registered its outputs, before the next build replaces the mock monitor. */
async function settled(redis: RedisCluster): Promise<void> {
  await value(pulumi.all([redis.host, redis.authToken, redis.replicationGroupId]));
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe("redisParameters", () => {
  it("names the final snapshot with letters, digits and single hyphens only", () => {
    expect(redisFinalSnapshotId("queues")).toBe("queues-redis-final");
    expect(redisFinalSnapshotId("my_cache..v2")).toBe("my-cache-v2-redis-final");
  });

  it("pins noeviction and sets cluster-enabled from the mode", () => {
    expect(redisParameters(true)).toEqual([{ name: "maxmemory-policy", value: "noeviction" }, { name: "cluster-enabled", value: "yes" }]);
    expect(redisParameters(false, { "notify-keyspace-events": "Ex" })).toEqual([
      { name: "maxmemory-policy", value: "noeviction" },
      { name: "cluster-enabled", value: "no" },
      { name: "notify-keyspace-events", value: "Ex" },
    ]);
    // Restating noeviction is harmless and does not duplicate the parameter.
    expect(redisParameters(true, { "maxmemory-policy": "noeviction" }).filter((p) => p.name === "maxmemory-policy")).toHaveLength(1);
  });

  it.each(["allkeys-lru", "volatile-lru", "allkeys-lfu", "volatile-ttl", "allkeys-random"])("refuses the evicting policy %s", (policy) => {
    expect(() => redisParameters(true, { "maxmemory-policy": policy })).toThrow(
      `Redis parameter maxmemory-policy "${policy}" is not allowed: it must stay "noeviction" because BullMQ loses queued jobs under any evicting policy`,
    );
  });

  it("refuses cluster-enabled, which follows the preset's mode", () => {
    expect(() => redisParameters(false, { "cluster-enabled": "yes" })).toThrow(/\["cluster-enabled"\] are set from the preset's clusterMode/);
  });
});

describe("redisTopology", () => {
  it("is one node without cluster mode, shards x (replicas + 1) with it", () => {
    expect(redisTopology({ clusterMode: false, shards: 1, replicasPerShard: 0 })).toEqual({
      clusterMode: "disabled", numCacheClusters: 1, automaticFailoverEnabled: false, multiAzEnabled: false, nodes: 1,
    });
    expect(redisTopology({ clusterMode: true, shards: 3, replicasPerShard: 1 })).toEqual({
      clusterMode: "enabled", numNodeGroups: 3, replicasPerNodeGroup: 1, automaticFailoverEnabled: true, multiAzEnabled: true, nodes: 6,
    });
  });
});

const EXPECTED_NODES: Record<TierName, number> = { mvp: 1, growth: 6, scale: 12, enterprise: 36 };

describe.each(TIER_NAMES)("RedisCluster, tier %s", (tier) => {
  const preset = TIERS[tier].redis;
  let resources: RegisteredResource[];
  let redis: RedisCluster;
  beforeAll(async () => {
    ({ resources, result: redis } = await build(tier));
    await settled(redis);
  });

  it("sizes the replication group from the tier", () => {
    const g = find(resources, T.group, "redis-redis");
    expect(g.inputs).toMatchObject({ engine: "redis", engineVersion: "7.1", nodeType: preset.nodeType, port: 6379 });
    if (preset.clusterMode) {
      expect(g.inputs).toMatchObject({ clusterMode: "enabled", numNodeGroups: preset.shards, replicasPerNodeGroup: preset.replicasPerShard, automaticFailoverEnabled: true, multiAzEnabled: true });
      expect(g.inputs.numCacheClusters).toBeUndefined();
    } else {
      expect(g.inputs).toMatchObject({ clusterMode: "disabled", numCacheClusters: 1, automaticFailoverEnabled: false, multiAzEnabled: false });
      expect(g.inputs.numNodeGroups).toBeUndefined();
    }
    expect(redisTopology(preset).nodes).toBe(EXPECTED_NODES[tier]);
    expect(g.inputs.snapshotRetentionLimit).toBe(preset.snapshotRetentionDays);
    expect(g.inputs.subnetGroupName).toBe("redis-subnets-mock");
    expect(find(resources, T.subnets, "redis-subnets").inputs.subnetIds).toEqual(["subnet-a", "subnet-b", "subnet-c"]);
  });

  it("encrypts in transit and at rest with its own rotating KMS key and requires an AUTH token", () => {
    const g = find(resources, T.group, "redis-redis").inputs;
    expect(g).toMatchObject({
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      atRestEncryptionEnabled: true,
      kmsKeyId: `arn:aws:kms:us-east-1:${MOCK_ACCOUNT_ID}:redis-kms`,
      authTokenUpdateStrategy: "ROTATE",
    });
    expect(find(resources, T.key, "redis-kms").inputs.enableKeyRotation).toBe(true);
    expect(g.authToken).toMatch(/^mock-password-for-redis-auth-token$/);
  });

  it("keeps the auth token secret", async () => {
    expect(find(resources, T.group, "redis-redis").secretInputs).toEqual(["authToken"]);
    expect(await pulumi.isSecret(redis.authToken)).toBe(true);
    expect(await pulumi.isSecret(redis.endpoints.authToken)).toBe(true);
    expect(JSON.stringify(resources.filter((r) => r.type !== T.group).map((r) => r.inputs))).not.toContain("mock-password-for");
  });

  it("pins maxmemory-policy noeviction in its redis7 parameter group", () => {
    const params = find(resources, T.params, "redis-params").inputs;
    expect(params.family).toBe("redis7");
    expect(params.parameters).toEqual(redisParameters(preset.clusterMode));
    expect(params.parameters.filter((p: { name: string }) => p.name === "maxmemory-policy")).toEqual([{ name: "maxmemory-policy", value: "noeviction" }]);
    expect(find(resources, T.group, "redis-redis").inputs.parameterGroupName).toBe("redis-params-mock");
  });

  it("admits 6379 only from the given security group", () => {
    expect(find(resources, T.sg, "redis-sg").inputs.ingress ?? []).toEqual([]);
    expect(resources.filter((r) => r.type === T.ingress).map((r) => r.inputs)).toEqual([{
      securityGroupId: "redis-sg-id", referencedSecurityGroupId: "sg-nodes", ipProtocol: "tcp", fromPort: 6379, toPort: 6379, description: "Redis from the cluster",
    }]);
    expect(find(resources, T.group, "redis-redis").inputs.securityGroupIds).toEqual(["redis-sg-id"]);
  });

  it("protects the replication group and its key", () => {
    const stateful = resources.filter((r) => r.type === T.group || r.type === T.key);
    expect(stateful.map((r) => [r.name, r.options.protect])).toEqual([["redis-kms", true], ["redis-redis", true]]);
  });

  it("takes a final snapshot when the group is deleted, and keeps the tier's daily snapshots", () => {
    const g = find(resources, T.group, "redis-redis").inputs;
    expect(g.finalSnapshotIdentifier).toBe("redis-redis-final");
    expect(g.snapshotRetentionLimit).toBeGreaterThan(0);
    expect(g.snapshotWindow).toBe("03:00-04:00");
  });

  it("exposes the RedisEndpoints contract: configuration endpoint in cluster mode, primary otherwise", async () => {
    const e = redis.endpoints;
    expect({ port: e.port, clusterMode: e.clusterMode, tls: e.tls }).toEqual({ port: REDIS.port, clusterMode: preset.clusterMode, tls: true });
    expect(await value(e.host)).toBe(`${preset.clusterMode ? "clustercfg" : "master"}.redis-redis.abc123.us-east-1.cache.amazonaws.com`);
    expect(await value(e.replicationGroupId)).toBe("redis-redis-mock");
  });

  it("passes every mandatory policy rule of its environment and is priced per node", () => {
    const report = runPolicies(resources, { config: loadPolicyConfig(envOf(tier)).config });
    expect(report.violations.filter((v) => v.level === "mandatory" || v.message.startsWith("rule failed")).map((v) => `${v.policy} ${v.resource}: ${v.message}`)).toEqual([]);
    const estimate = estimateCost(resources.map((r) => ({ type: r.type, name: r.name, component: r.component, inputs: r.inputs })));
    expect(estimate.lines.find((l) => l.type === T.group)?.basis).toMatch(new RegExp(`^${EXPECTED_NODES[tier]} x ${preset.nodeType.replace(/\./g, "\\.")} x 730 h`));
  });
});

describe("RedisCluster options", () => {
  it("is seen by the policy run: a group without TLS fails elasticache-encryption", async () => {
    const { resources, result } = await build("growth");
    await settled(result);
    const copy = structuredClone(resources);
    find(copy, T.group, "redis-redis").inputs.transitEncryptionEnabled = false;
    const found = runPolicies(copy, { config: loadPolicyConfig("prod").config }).violations.filter((v) => v.level === "mandatory");
    expect(found.map((v) => `${v.policy} ${v.resource}`)).toEqual(["elasticache-encryption redis-redis"]);
  });

  it("rejects an evicting policy before registering anything", async () => {
    await expect(build("growth", { extraParameters: { "maxmemory-policy": "allkeys-lru" } })).rejects.toThrow(/maxmemory-policy "allkeys-lru" is not allowed: it must stay "noeviction"/);
  });

  it("rejects bad presets naming the field and value", async () => {
    const mvp = TIERS.mvp.redis;
    await expect(build("mvp", { preset: { ...mvp, shards: 3 } })).rejects.toThrow(/RedisCluster redis: preset.shards is 3 but clusterMode is off/);
    await expect(build("mvp", { preset: { ...mvp, snapshotRetentionDays: 40 } })).rejects.toThrow(/preset.snapshotRetentionDays 40 must be an integer from 0 to 35/);
    await expect(build("mvp", { preset: { ...mvp, nodeType: "r6g.large" } })).rejects.toThrow(/preset.nodeType "r6g.large" is not an ElastiCache node type/);
  });

  it("keeps every child when the component is renamed with an alias", async () => {
    const before = await build("growth");
    await settled(before.result);
    const after = await build("growth", {}, "queues", { aliases: [{ name: "redis" }] });
    const oldUrns = new Set(await Promise.all(before.resources.filter((r) => r.parent === "redis").map((r) => value(createUrn(r.name, r.type, before.result)))));
    const children = after.resources.filter((r) => r.parent === "queues");
    expect(children).toHaveLength(oldUrns.size);
    const inherited = await Promise.all(children.map((c) => Promise.all(allAliases([], c.name, c.type, after.result, "queues").map(value))));
    expect(children.filter((_, i) => !inherited[i].some((u) => oldUrns.has(u))).map((c) => c.name)).toEqual([]);
    await settled(after.result);
  });
});
