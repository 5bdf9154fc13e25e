import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  Alerting,
  albTargetHealthQuery,
  cacheNodeIds,
  cacheNodeSuffixes,
  errorRateExpression,
  type AlertingArgs,
} from "../components/observability/alerting";
import { alarmThresholds } from "../infra/alarm-thresholds";
import { resolveConfig, type PlatformConfig } from "../infra/config";
import { AwsProviders } from "../infra/providers";
import { TIERS, TIER_NAMES, type TierName } from "../infra/tiers";
import { loadPolicyConfig, runPolicies } from "../tools/policy-run";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";
import { rawConfigWith } from "./harness";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";

function configFor(tier: TierName, values: Record<string, unknown> = {}): PlatformConfig {
  return resolveConfig(rawConfigWith({ tier, ...values }), "finishthisidea", `test-${tier}`);
}

/** Args as infra/observability.ts would build them from the data services (fake identifiers). */
function argsFor(config: PlatformConfig, over: Partial<AlertingArgs> = {}): (providers: AwsProviders) => AlertingArgs {
  const p = config.preset;
  const replicas = [
    ...Array.from({ length: p.database.inRegionReplicas }, (_, i) => ({ region: config.primaryRegion, instanceId: pulumi.output(`db-replica-${i + 1}`) })),
    ...p.database.replicaRegions.map((region) => ({ region, instanceId: pulumi.output(`db-replica-${region}`) })),
  ];
  return (providers) => ({
    namePrefix: `finishthisidea-${config.stack}`,
    primaryRegion: config.primaryRegion,
    providerFor: providers.forComponent("observability"),
    alertEmail: config.alertEmail,
    alertHttpsEndpoint: config.alertHttpsEndpoint,
    thresholds: alarmThresholds(p, 0.9995),
    database: { primaryInstanceId: pulumi.output("db-primary"), replicas },
    redis: { replicationGroupId: pulumi.output("fti-redis"), clusterMode: p.redis.clusterMode, shards: p.redis.shards, replicasPerShard: p.redis.replicasPerShard },
    cdn: { distributionId: pulumi.output("E2CDN123") },
    alb: { name: "fti-test-api", ready: pulumi.output("k8s-alb-123.us-east-1.elb.amazonaws.com") },
    ...over,
  });
}

function run(config: PlatformConfig, over: Partial<AlertingArgs> = {}) {
  const args = argsFor(config, over);
  return runComponent((parent) => new Alerting("alerting", args(new AwsProviders(config, parent)), { parent }));
}

const alarms = (resources: RegisteredResource[]) => resources.filter((r) => r.type === ALARM);
const alarm = (resources: RegisteredResource[], key: string) => find(resources, ALARM, `alerting-${key}`).inputs;
const regionOf = (r: RegisteredResource) => r.options.provider?.replace(/^aws-observability-/, "");

describe("cache node ids", () => {
  it("names cluster-mode nodes <rgid>-<shard>-<node> and single-shard nodes <rgid>-<node>", () => {
    expect(cacheNodeIds("fti", { clusterMode: true, shards: 2, replicasPerShard: 1 })).toEqual(["fti-0001-001", "fti-0001-002", "fti-0002-001", "fti-0002-002"]);
    expect(cacheNodeIds("fti", { clusterMode: false, shards: 1, replicasPerShard: 2 })).toEqual(["fti-001", "fti-002", "fti-003"]);
    expect(cacheNodeSuffixes({ clusterMode: false, shards: 1, replicasPerShard: 0 })).toEqual(["001"]);
    expect(cacheNodeSuffixes({ clusterMode: true, shards: 12, replicasPerShard: 2 }).at(-1)).toBe("0012-003");
  });

  it.each(TIER_NAMES)("gives tier %s one id per node of its replication group", (tier) => {
    const r = TIERS[tier].redis;
    const ids = cacheNodeSuffixes(r);
    expect(ids).toHaveLength(r.shards * (r.replicasPerShard + 1));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("alarm query builders", () => {
  it("filters ALB target health on the load balancer with the documented `=` operator", () => {
    expect(albTargetHealthQuery("MAX", "UnHealthyHostCount", "app/fti/abc")).toBe(`SELECT MAX(UnHealthyHostCount) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup) WHERE LoadBalancer = 'app/fti/abc'`);
    expect(errorRateExpression(60)).toBe("IF(requests >= 60, 100 * FILL(errors, 0) / requests, 0)");
  });
});

describe.each(TIER_NAMES)("Alerting on tier %s", (tier) => {
  let resources: RegisteredResource[];
  let config: PlatformConfig;
  beforeAll(async () => {
    config = configFor(tier);
    ({ resources } = await run(config));
  });

  it("notifies its own region's topic on ALARM and on OK from every alarm", () => {
    const all = alarms(resources);
    expect(all.length).toBeGreaterThan(0);
    for (const a of all) {
      const region = regionOf(a);
      expect(a.inputs.alarmActions, a.name).toEqual([expect.stringMatching(new RegExp(`:alerting-topic-${region}$`))]);
      expect(a.inputs.okActions, a.name).toEqual(a.inputs.alarmActions);
    }
  });

  it("alarms on every Redis node of the tier (memory, evictions, CPU, and replication lag when it has replicas)", () => {
    const r = TIERS[tier].redis;
    const nodes = r.shards * (r.replicasPerShard + 1);
    const perNode = r.replicasPerShard > 0 ? 4 : 3;
    const cache = alarms(resources).filter((a) => a.name.startsWith("alerting-cache-"));
    expect(cache).toHaveLength(nodes * perNode);
    const ids = cache.filter((a) => a.inputs.metricName === "Evictions").map((a) => a.inputs.dimensions.CacheClusterId);
    expect(ids).toEqual(cacheNodeIds("fti-redis", r));
  });

  it("alarms on the primary and on each replica in its own region, with lag on replicas only", () => {
    const d = TIERS[tier].database;
    const rds = alarms(resources).filter((a) => a.inputs.namespace === "AWS/RDS");
    const replicas = d.inRegionReplicas + d.replicaRegions.length;
    expect(rds).toHaveLength(3 + replicas * 4);
    const lag = rds.filter((a) => a.inputs.metricName === "ReplicaLag");
    expect(lag.map(regionOf).sort()).toEqual([...Array(d.inRegionReplicas).fill(config.primaryRegion), ...d.replicaRegions].sort());
    for (const region of d.replicaRegions) expect(regionOf(find(resources, ALARM, `alerting-rds-replica-${region}-1-lag`))).toBe(region);
  });

  it("registers only resources that pass every mandatory policy rule on prod", () => {
    const report = runPolicies(resources, { config: loadPolicyConfig("prod").config });
    expect(report.violations.filter((v) => v.level === "mandatory")).toEqual([]);
  });
});

describe("Alerting wiring (growth)", () => {
  let resources: RegisteredResource[];
  let result: Alerting;
  beforeAll(async () => {
    ({ resources, result } = await run(configFor("growth", { alertHttpsEndpoint: "https://events.pagerduty.com/integration/abc/enqueue" })));
  });

  it("carries the threshold table into the alarms", () => {
    expect(alarm(resources, "rds-primary-cpu")).toMatchObject({ namespace: "AWS/RDS", metricName: "CPUUtilization", threshold: 80, comparisonOperator: "GreaterThanThreshold", dimensions: { DBInstanceIdentifier: "db-primary" } });
    expect(alarm(resources, "rds-primary-connections").threshold).toBe(800); // 80 % of growth's max_connections 1000
    expect(alarm(resources, "rds-primary-free-storage")).toMatchObject({ threshold: 200 * 1024 ** 3 * 0.05, comparisonOperator: "LessThanThreshold", statistic: "Minimum" });
    expect(alarm(resources, "rds-replica-us-west-2-1-lag")).toMatchObject({ metricName: "ReplicaLag", threshold: 300, dimensions: { DBInstanceIdentifier: "db-replica-us-west-2" } });
    expect(alarm(resources, "cache-0002-001-memory")).toMatchObject({ metricName: "DatabaseMemoryUsagePercentage", threshold: 75, dimensions: { CacheClusterId: "fti-redis-0002-001" } });
    expect(alarm(resources, "cache-0001-002-cpu")).toMatchObject({ metricName: "EngineCPUUtilization", threshold: 80 });
    expect(alarm(resources, "cache-0003-002-replication-lag")).toMatchObject({ metricName: "ReplicationLag", threshold: 30, treatMissingData: "notBreaching" });
    expect(alarm(resources, "rds-primary-cpu")).toMatchObject({ period: 60, evaluationPeriods: 5, datapointsToAlarm: 3 });
  });

  it("alarms on the first eviction: threshold 0, one period", () => {
    for (const a of alarms(resources).filter((x) => x.inputs.metricName === "Evictions")) {
      expect(a.inputs).toMatchObject({ threshold: 0, comparisonOperator: "GreaterThanThreshold", statistic: "Sum", evaluationPeriods: 1, datapointsToAlarm: 1 });
    }
  });

  it("watches CloudFront's 5xx rate in us-east-1 with Region=Global", () => {
    const cdn = find(resources, ALARM, "alerting-cdn-5xx-rate");
    expect(regionOf(cdn)).toBe("us-east-1");
    expect(cdn.inputs).toMatchObject({ namespace: "AWS/CloudFront", metricName: "5xxErrorRate", threshold: 0.72, dimensions: { DistributionId: "E2CDN123", Region: "Global" } });
  });

  it("watches the ALB found by its fixed name: 5xx rates by metric math, target health by Metrics Insights", () => {
    const target = alarm(resources, "alb-target-5xx-rate");
    expect(target.metricQueries.find((q: any) => q.id === "errors").metric).toMatchObject({ metricName: "HTTPCode_Target_5XX_Count", stat: "Sum", dimensions: { LoadBalancer: "app/fti-test-api/50dc6c495c0c9188" } });
    expect(target.metricQueries.find((q: any) => q.returnData).expression).toBe("IF(requests >= 60, 100 * FILL(errors, 0) / requests, 0)");
    expect(target.threshold).toBe(0.72);
    expect(alarm(resources, "alb-elb-5xx-rate").metricQueries[0].metric.metricName).toBe("HTTPCode_ELB_5XX_Count");
    const healthy = alarm(resources, "alb-healthy-targets");
    expect(healthy.metricQueries).toEqual([{ id: "q1", expression: albTargetHealthQuery("MIN", "HealthyHostCount", "app/fti-test-api/50dc6c495c0c9188"), period: 60, returnData: true }]);
    expect(healthy).toMatchObject({ threshold: 10, comparisonOperator: "LessThanThreshold", treatMissingData: "breaching" });
    expect(alarm(resources, "alb-unhealthy-targets")).toMatchObject({ threshold: 0, comparisonOperator: "GreaterThanThreshold" });
  });

  it("creates one encrypted topic per alarm region, each with the email and https subscriptions", () => {
    const regions = ["us-east-1", "us-west-2", "eu-west-1"];
    expect(resources.filter((r) => r.type === "aws:sns/topic:Topic").map(regionOf).sort()).toEqual([...regions].sort());
    for (const region of regions) {
      const topic = find(resources, "aws:sns/topic:Topic", `alerting-topic-${region}`).inputs;
      expect(topic.kmsMasterKeyId).toMatch(new RegExp(`:alerting-key-${region}$`));
      expect(find(resources, "aws:kms/key:Key", `alerting-key-${region}`).options.protect, `alerting-key-${region}`).toBe(true);
      expect(topic.name).toBe("finishthisidea-test-growth-alerts");
      expect(find(resources, SUBSCRIPTION, `alerting-email-${region}`).inputs).toMatchObject({ protocol: "email", endpoint: configFor("growth").alertEmail });
      expect(find(resources, SUBSCRIPTION, `alerting-https-${region}`).inputs).toMatchObject({ protocol: "https", endpoint: "https://events.pagerduty.com/integration/abc/enqueue" });
    }
    expect(Object.keys(result.topicArns).sort()).toEqual([...regions].sort());
  });

  it("lets CloudWatch use the topic key and publish to the topic, for this account's alarms only", () => {
    const key = find(resources, "aws:kms/key:Key", "alerting-key-us-west-2").inputs;
    expect(key.enableKeyRotation).toBe(true);
    const grant = JSON.parse(key.policy).Statement.find((s: any) => s.Principal.Service === "cloudwatch.amazonaws.com");
    expect(grant.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
    expect(grant.Condition).toEqual({ ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:us-west-2:123456789012:alarm:*" }, StringEquals: { "aws:SourceAccount": "123456789012" } });
    const policy = JSON.parse(find(resources, "aws:sns/topicPolicy:TopicPolicy", "alerting-topic-policy-us-west-2").inputs.policy);
    const publish = policy.Statement.find((s: any) => s.Principal.Service === "cloudwatch.amazonaws.com");
    expect(publish).toMatchObject({ Effect: "Allow", Action: "sns:Publish", Resource: expect.stringMatching(/:alerting-topic-us-west-2$/) });
    expect(publish.Condition.StringEquals["aws:SourceAccount"]).toBe("123456789012");
  });

  it("exposes the primary topic, its key and every alarm name", () => {
    expect(result.alarmNames).toHaveLength(alarms(resources).length);
    expect(result.alarmNames).toContain("finishthisidea-test-growth-cache-0001-001-evictions");
    expect(alarms(resources).map((a) => a.inputs.name).sort()).toEqual([...result.alarmNames].sort());
  });
});

describe("Alerting options", () => {
  it("without https endpoint, CDN or ALB: only email subscriptions, no CDN or ALB alarms, no us-east-1 topic off us-east-1", async () => {
    const config = configFor("growth", { primaryRegion: "us-east-2" });
    const { resources } = await run(config, { cdn: undefined, alb: undefined, alertHttpsEndpoint: undefined });
    expect(resources.filter((r) => r.type === SUBSCRIPTION).every((s) => s.inputs.protocol === "email")).toBe(true);
    expect(alarms(resources).filter((a) => /cdn|alb/.test(a.name))).toEqual([]);
    expect(resources.filter((r) => r.type === "aws:sns/topic:Topic").map(regionOf).sort()).toEqual(["eu-west-1", "us-east-2", "us-west-2"]);
  });

  it("off us-east-1, adds a us-east-1 topic for the CloudFront alarm", async () => {
    const { resources } = await run(configFor("growth", { primaryRegion: "us-east-2" }));
    const cdn = find(resources, ALARM, "alerting-cdn-5xx-rate");
    expect(regionOf(cdn)).toBe("us-east-1");
    expect(cdn.inputs.alarmActions).toEqual([expect.stringMatching(/:alerting-topic-us-east-1$/)]);
  });

  it("rejects bad input naming the arg and value", async () => {
    const config = configFor("mvp");
    await expect(run(config, { alertEmail: "ops" })).rejects.toThrow(/alertEmail "ops" is not an email address/);
    await expect(run(config, { alertHttpsEndpoint: "http://x.example.com" })).rejects.toThrow(/alertHttpsEndpoint "http:\/\/x.example.com" must be an https:\/\/ URL/);
    await expect(run(config, { alb: { name: "this-name-is-far-too-long-for-an-alb" } })).rejects.toThrow(/alb.name "this-name-is-far-too-long-for-an-alb" must be 1-32/);
    await expect(run(config, { redis: { replicationGroupId: "r", clusterMode: false, shards: 2, replicasPerShard: 0 } })).rejects.toThrow(/redis.shards 2 must be an integer >= 1, and 1 when clusterMode is false/);
    const t = alarmThresholds(TIERS.mvp, 0.995);
    await expect(run(config, { thresholds: { ...t, cache: { ...t.cache, evictions: 5 } } })).rejects.toThrow(/thresholds.cache.evictions 5 must be 0/);
  });
});
