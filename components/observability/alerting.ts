import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmThresholds } from "./alarms";

/**
 * CloudWatch alarms deliver only to an SNS topic in their own region, and a KMS key encrypts topics only in its
 * own region: every region that holds an alarm (primary, replica regions, us-east-1 for CloudFront) gets its
 * own key + topic with the same subscriptions. CloudFront publishes its metrics in us-east-1 only.
 */
export const CLOUDFRONT_METRICS_REGION = "us-east-1";

/** Where each alarm sends the reader (docs/runbooks/). */
export const RUNBOOKS = {
  database: "docs/runbooks/database-overload.md",
  replicaLag: "docs/runbooks/region-failover.md",
  cache: "docs/runbooks/traffic-surge.md",
  edge: "docs/runbooks/rollback-bad-deploy.md",
  surge: "docs/runbooks/traffic-surge.md",
} as const;

export interface CacheTopology {
  clusterMode: boolean;
  shards: number;
  replicasPerShard: number;
}

/**
 * The CacheClusterId suffix of every node of a replication group: `<rgid>-<shard 4 digits>-<node 3 digits>` in
 * cluster mode (`-0001-001` ... ), `<rgid>-<node 3 digits>` otherwise (`-001`, `-002` ...). ElastiCache names
 * nodes this way and reports every Redis metric per node under CacheClusterId.
 */
export function cacheNodeSuffixes(t: CacheTopology): string[] {
  const nodes = Array.from({ length: t.replicasPerShard + 1 }, (_, n) => String(n + 1).padStart(3, "0"));
  if (!t.clusterMode) return nodes;
  return Array.from({ length: t.shards }, (_, s) => String(s + 1).padStart(4, "0")).flatMap((shard) => nodes.map((n) => `${shard}-${n}`));
}

export function cacheNodeIds(replicationGroupId: string, t: CacheTopology): string[] {
  return cacheNodeSuffixes(t).map((s) => `${replicationGroupId}-${s}`);
}

/** Metrics Insights query over the ALB's target groups (their names are the controller's, not known here). */
export function albTargetHealthQuery(fn: "MAX" | "MIN", metric: "UnHealthyHostCount" | "HealthyHostCount", loadBalancerArnSuffix: string): string {
  return `SELECT ${fn}(${metric}) FROM SCHEMA("AWS/ApplicationELB", LoadBalancer, TargetGroup) WHERE LoadBalancer = '${loadBalancerArnSuffix}'`;
}

/** Metric math: percent of requests answered 5xx, 0 under `minRequests` a minute (5xx counts are absent when 0). */
export function errorRateExpression(minRequests: number): string {
  return `IF(requests >= ${minRequests}, 100 * FILL(errors, 0) / requests, 0)`;
}

/** The topic's access policy: CloudWatch alarms of this account and region may publish; the account manages it. */
export function topicPolicyDocument(topicArn: string, accountId: string, region: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountManagesTopic",
        Effect: "Allow",
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"],
        Resource: topicArn,
      },
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: {
          ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${accountId}:alarm:*` },
          StringEquals: { "aws:SourceAccount": accountId },
        },
      },
      eventBridgeStatement("EventBridgeRulesPublish", "sns:Publish", topicArn, accountId, region),
    ],
  });
}

/** EventBridge rules of this account and region (GuardDuty findings, the restore check) may publish alerts. */
function eventBridgeStatement(sid: string, action: string | string[], resource: string, accountId: string, region: string) {
  return {
    Sid: sid,
    Effect: "Allow",
    Principal: { Service: "events.amazonaws.com" },
    Action: action,
    Resource: resource,
    Condition: { ArnLike: { "aws:SourceArn": `arn:aws:events:${region}:${accountId}:rule/*` }, StringEquals: { "aws:SourceAccount": accountId } },
  };
}

/**
 * The topic key's policy. The AWS managed key alias/aws/sns cannot be used: its policy cannot be changed to let
 * CloudWatch generate data keys, so alarm notifications to a topic encrypted with it are dropped. This customer
 * managed key grants CloudWatch (for this account's alarms in this region) exactly what publishing needs; the
 * account statement lets IAM policies (the Alertmanager role) use it too.
 */
export function keyPolicyDocument(accountId: string, region: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "CloudWatchAlarmsEncrypt",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: {
          ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${accountId}:alarm:*` },
          StringEquals: { "aws:SourceAccount": accountId },
        },
      },
      eventBridgeStatement("EventBridgeRulesEncrypt", ["kms:Decrypt", "kms:GenerateDataKey*"], "*", accountId, region),
    ],
  });
}

export interface AlertingArgs {
  /** Prefix of the topic and alarm names (e.g. `finishthisidea-prod`): letters, digits, hyphens. */
  namePrefix: string;
  primaryRegion: string;
  /** AWS provider per region (`ctx.aws.forComponent("observability")`): default tags come from it. */
  providerFor: (region: string) => aws.Provider;
  /** Email subscribed to every topic (AWS sends one confirmation per region). */
  alertEmail: string;
  /** Optional https:// endpoint (a paging service) subscribed to every topic. */
  alertHttpsEndpoint?: string;
  /** From infra/alarm-thresholds.ts `alarmThresholds(config.preset, availability)`. */
  thresholds: AlarmThresholds;
  database: {
    primaryInstanceId: pulumi.Input<string>;
    /** Every read replica with its region (in-region replicas carry the primary region). */
    replicas: { region: string; instanceId: pulumi.Input<string> }[];
  };
  redis: CacheTopology & { replicationGroupId: pulumi.Input<string> };
  /** CloudFront distribution; omitted: no CDN alarm. */
  cdn?: { distributionId: pulumi.Input<string> };
  /**
   * The API's ALB, created by the AWS Load Balancer Controller under the fixed name its Ingress sets with
   * `alb.ingress.kubernetes.io/load-balancer-name`. `ready` (the Ingress's load balancer hostname) delays the
   * lookup until the controller has created it. Omitted: no ALB alarms.
   */
  alb?: { name: string; ready?: pulumi.Input<unknown> };
}

const NAME_PREFIX = /^[A-Za-z0-9][A-Za-z0-9-]{0,99}$/;
const ALB_NAME = /^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

/** Throws on args AWS would reject or that would silently alarm on nothing, naming the arg and what is allowed. */
export function validateAlertingArgs(name: string, args: AlertingArgs): void {
  const fail = (msg: string) => {
    throw new Error(`Alerting ${name}: ${msg}`);
  };
  if (!NAME_PREFIX.test(args.namePrefix)) fail(`namePrefix ${JSON.stringify(args.namePrefix)} must be 1-100 letters, digits or hyphens, starting with a letter or digit`);
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(args.alertEmail)) fail(`alertEmail ${JSON.stringify(args.alertEmail)} is not an email address`);
  if (args.alertHttpsEndpoint !== undefined && !/^https:\/\/[^\s/]+/.test(args.alertHttpsEndpoint)) fail(`alertHttpsEndpoint ${JSON.stringify(args.alertHttpsEndpoint)} must be an https:// URL`);
  for (const r of args.database.replicas) {
    if (!/^[a-z]{2}-[a-z]+-\d$/.test(r.region)) fail(`database.replicas region ${JSON.stringify(r.region)} is not an AWS region (in-region replicas carry the primary region)`);
  }
  const { clusterMode, shards, replicasPerShard } = args.redis;
  if (!Number.isInteger(shards) || shards < 1 || (!clusterMode && shards !== 1)) fail(`redis.shards ${shards} must be an integer >= 1, and 1 when clusterMode is false`);
  if (!Number.isInteger(replicasPerShard) || replicasPerShard < 0 || replicasPerShard > 5) fail(`redis.replicasPerShard ${replicasPerShard} must be an integer from 0 to 5`);
  if (args.alb && !ALB_NAME.test(args.alb.name)) fail(`alb.name ${JSON.stringify(args.alb.name)} must be 1-32 letters, digits or hyphens, not starting or ending with a hyphen nor with "internal-"`);
  const t = args.thresholds;
  const numbers: [string, number][] = [
    ["rds.cpuPercent", t.rds.cpuPercent], ["rds.freeStorageBytes", t.rds.freeStorageBytes], ["rds.replicaLagSeconds", t.rds.replicaLagSeconds], ["rds.connections", t.rds.connections],
    ["cache.memoryPercent", t.cache.memoryPercent], ["cache.engineCpuPercent", t.cache.engineCpuPercent], ["cache.replicationLagSeconds", t.cache.replicationLagSeconds],
    ["cdn.error5xxPercent", t.cdn.error5xxPercent], ["alb.error5xxPercent", t.alb.error5xxPercent], ["alb.minHealthyHosts", t.alb.minHealthyHosts],
  ];
  for (const [key, v] of numbers) if (!Number.isFinite(v) || v <= 0) fail(`thresholds.${key} ${v} must be a positive number`);
  if (t.cache.evictions !== 0) fail(`thresholds.cache.evictions ${t.cache.evictions} must be 0: any eviction drops queued jobs`);
}

type Comparison = "GreaterThanThreshold" | "LessThanThreshold";
type Missing = "missing" | "notBreaching" | "breaching";

interface AlarmSpec {
  key: string;
  region: string;
  description: string;
  threshold: number;
  comparison: Comparison;
  treatMissingData: Missing;
  /** Overrides the default 3-of-5 minutes. */
  evaluation?: { evaluationPeriods: number; datapointsToAlarm: number };
  metric?: { namespace: string; metricName: string; statistic: string; dimensions: Record<string, pulumi.Input<string>> };
  metricQueries?: pulumi.Input<aws.types.input.cloudwatch.MetricAlarmMetricQuery[]>;
}

/**
 * The stack's alerting on AWS: one KMS-encrypted SNS topic per alarm region (email and optional HTTPS
 * subscriptions), and CloudWatch alarms (ALARM and OK both notify) on the RDS primary and replicas, every Redis
 * node, the CloudFront distribution and the API's ALB.
 */
export class Alerting extends pulumi.ComponentResource {
  /** The primary region's topic: the stack output `alertTopicArn`, and where Alertmanager publishes. */
  readonly topicArn: pulumi.Output<string>;
  readonly topicArns: Record<string, pulumi.Output<string>>;
  /** Key of the primary region's topic (Alertmanager's role needs kms:GenerateDataKey* and kms:Decrypt on it). */
  readonly kmsKeyArn: pulumi.Output<string>;
  /** Every alarm's name. */
  readonly alarmNames: string[];

  constructor(name: string, args: AlertingArgs, opts?: pulumi.ComponentResourceOptions) {
    validateAlertingArgs(name, args);
    super("finishthisidea:observability:Alerting", name, {}, opts);
    const t = args.thresholds;
    const prefix = args.namePrefix;
    const inRegion = (region: string): pulumi.CustomResourceOptions => ({ parent: this, provider: args.providerFor(region) });
    const accountId = aws.getCallerIdentityOutput({}, inRegion(args.primaryRegion)).accountId;

    const specs: AlarmSpec[] = [];
    const rds = (key: string, region: string, instanceId: pulumi.Input<string>, role: string, replica: boolean) => {
      const dims = { DBInstanceIdentifier: instanceId };
      const metric = (metricName: string, statistic: string) => ({ namespace: "AWS/RDS", metricName, statistic, dimensions: dims });
      specs.push(
        { key: `${key}-cpu`, region, description: `${role}: CPU above ${t.rds.cpuPercent}%`, threshold: t.rds.cpuPercent, comparison: "GreaterThanThreshold", treatMissingData: "missing", metric: metric("CPUUtilization", "Average") },
        { key: `${key}-free-storage`, region, description: `${role}: free storage below ${t.rds.freeStorageBytes} bytes (storage autoscaling did not keep up)`, threshold: t.rds.freeStorageBytes, comparison: "LessThanThreshold", treatMissingData: "missing", metric: metric("FreeStorageSpace", "Minimum") },
        { key: `${key}-connections`, region, description: `${role}: more than ${t.rds.connections} connections (near max_connections)`, threshold: t.rds.connections, comparison: "GreaterThanThreshold", treatMissingData: "missing", metric: metric("DatabaseConnections", "Maximum") },
      );
      if (replica) {
        specs.push({ key: `${key}-lag`, region, description: `${role}: replica lag above ${t.rds.replicaLagSeconds} s (a failover to it would lose that much)`, threshold: t.rds.replicaLagSeconds, comparison: "GreaterThanThreshold", treatMissingData: "missing", metric: metric("ReplicaLag", "Maximum") });
      }
    };
    rds("rds-primary", args.primaryRegion, args.database.primaryInstanceId, "RDS primary", false);
    const replicaIndex = new Map<string, number>();
    for (const r of args.database.replicas) {
      const i = (replicaIndex.get(r.region) ?? 0) + 1;
      replicaIndex.set(r.region, i);
      rds(`rds-replica-${r.region}-${i}`, r.region, r.instanceId, `RDS replica ${i} in ${r.region}`, true);
    }

    const rgid = pulumi.output(args.redis.replicationGroupId);
    for (const suffix of cacheNodeSuffixes(args.redis)) {
      const dims = { CacheClusterId: rgid.apply((id) => `${id}-${suffix}`) };
      const metric = (metricName: string, statistic: string) => ({ namespace: "AWS/ElastiCache", metricName, statistic, dimensions: dims });
      const region = args.primaryRegion;
      const node = `Redis node ${suffix}`;
      specs.push(
        { key: `cache-${suffix}-memory`, region, description: `${node}: memory above ${t.cache.memoryPercent}% (noeviction: at 100% enqueues fail)`, threshold: t.cache.memoryPercent, comparison: "GreaterThanThreshold", treatMissingData: "missing", metric: metric("DatabaseMemoryUsagePercentage", "Maximum") },
        // One eviction is already a dropped job: alarm on the first minute.
        { key: `cache-${suffix}-evictions`, region, description: `${node}: keys evicted (must stay 0; queued jobs are being dropped)`, threshold: t.cache.evictions, comparison: "GreaterThanThreshold", treatMissingData: "notBreaching", evaluation: { evaluationPeriods: 1, datapointsToAlarm: 1 }, metric: metric("Evictions", "Sum") },
        { key: `cache-${suffix}-cpu`, region, description: `${node}: Redis engine CPU above ${t.cache.engineCpuPercent}%`, threshold: t.cache.engineCpuPercent, comparison: "GreaterThanThreshold", treatMissingData: "missing", metric: metric("EngineCPUUtilization", "Average") },
      );
      // Only replicas report ReplicationLag, and which node is a replica changes with failovers: alarm on every
      // node and treat the primary's missing data as fine.
      if (args.redis.replicasPerShard > 0) {
        specs.push({ key: `cache-${suffix}-replication-lag`, region, description: `${node}: replication lag above ${t.cache.replicationLagSeconds} s`, threshold: t.cache.replicationLagSeconds, comparison: "GreaterThanThreshold", treatMissingData: "notBreaching", metric: metric("ReplicationLag", "Maximum") });
      }
    }

    if (args.cdn) {
      specs.push({
        key: "cdn-5xx-rate", region: CLOUDFRONT_METRICS_REGION, description: `CloudFront: more than ${t.cdn.error5xxPercent}% of requests answered 5xx`,
        threshold: t.cdn.error5xxPercent, comparison: "GreaterThanThreshold", treatMissingData: "notBreaching",
        metric: { namespace: "AWS/CloudFront", metricName: "5xxErrorRate", statistic: "Average", dimensions: { DistributionId: args.cdn.distributionId, Region: "Global" } },
      });
    }

    if (args.alb) {
      const albName = args.alb.name;
      const lookupName = pulumi.all([args.alb.ready]).apply(() => albName);
      const lb = aws.lb.getLoadBalancerOutput({ name: lookupName }, inRegion(args.primaryRegion));
      const suffix = lb.arnSuffix;
      const rate = (metricName: string) => [
        { id: "errors", metric: { namespace: "AWS/ApplicationELB", metricName, stat: "Sum", period: t.evaluation.periodSeconds, dimensions: { LoadBalancer: suffix } }, returnData: false },
        { id: "requests", metric: { namespace: "AWS/ApplicationELB", metricName: "RequestCount", stat: "Sum", period: t.evaluation.periodSeconds, dimensions: { LoadBalancer: suffix } }, returnData: false },
        { id: "rate", expression: errorRateExpression(t.alb.minRequestsPerMinute), label: `${metricName} % of requests`, returnData: true },
      ];
      const insights = (fn: "MAX" | "MIN", metric: "UnHealthyHostCount" | "HealthyHostCount") =>
        suffix.apply((s) => [{ id: "q1", expression: albTargetHealthQuery(fn, metric, s), period: t.evaluation.periodSeconds, returnData: true }]);
      const region = args.primaryRegion;
      specs.push(
        { key: "alb-target-5xx-rate", region, description: `API ALB: more than ${t.alb.error5xxPercent}% of requests answered 5xx by the API`, threshold: t.alb.error5xxPercent, comparison: "GreaterThanThreshold", treatMissingData: "notBreaching", metricQueries: rate("HTTPCode_Target_5XX_Count") },
        { key: "alb-elb-5xx-rate", region, description: `API ALB: more than ${t.alb.error5xxPercent}% of requests answered 5xx by the load balancer (no healthy target, timeouts)`, threshold: t.alb.error5xxPercent, comparison: "GreaterThanThreshold", treatMissingData: "notBreaching", metricQueries: rate("HTTPCode_ELB_5XX_Count") },
        { key: "alb-unhealthy-targets", region, description: "API ALB: targets failing the health check", threshold: t.alb.unhealthyHosts, comparison: "GreaterThanThreshold", treatMissingData: "notBreaching", metricQueries: insights("MAX", "UnHealthyHostCount") },
        // No HealthyHostCount at all means no ALB or no target group: as bad as zero healthy targets.
        { key: "alb-healthy-targets", region, description: `API ALB: fewer than ${t.alb.minHealthyHosts} healthy targets`, threshold: t.alb.minHealthyHosts, comparison: "LessThanThreshold", treatMissingData: "breaching", metricQueries: insights("MIN", "HealthyHostCount") },
      );
    }

    // One key + topic + subscriptions per region holding an alarm, the primary region first.
    const regions = [...new Set([args.primaryRegion, ...specs.map((s) => s.region)])];
    const topicArns: Record<string, pulumi.Output<string>> = {};
    const keyArns: Record<string, pulumi.Output<string>> = {};
    for (const region of regions) {
      const o = inRegion(region);
      const key = new aws.kms.Key(`${name}-key-${region}`, {
        description: `${prefix} alert topic (${region}): SNS encryption CloudWatch alarms may use`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: accountId.apply((id) => keyPolicyDocument(id, region)),
      // Deleting the key makes every message still encrypted with it (undelivered alerts) unreadable.
      }, { ...o, protect: true });
      const topic = new aws.sns.Topic(`${name}-topic-${region}`, { name: `${prefix}-alerts`, kmsMasterKeyId: key.arn }, o);
      new aws.sns.TopicPolicy(`${name}-topic-policy-${region}`, {
        arn: topic.arn,
        policy: pulumi.all([topic.arn, accountId]).apply(([arn, id]) => topicPolicyDocument(arn, id, region)),
      }, o);
      new aws.sns.TopicSubscription(`${name}-email-${region}`, { topic: topic.arn, protocol: "email", endpoint: args.alertEmail }, o);
      if (args.alertHttpsEndpoint) {
        new aws.sns.TopicSubscription(`${name}-https-${region}`, { topic: topic.arn, protocol: "https", endpoint: args.alertHttpsEndpoint }, o);
      }
      topicArns[region] = topic.arn;
      keyArns[region] = key.arn;
    }

    for (const s of specs) {
      const actions = [topicArns[s.region]];
      const evaluation = s.evaluation ?? t.evaluation;
      new aws.cloudwatch.MetricAlarm(`${name}-${s.key}`, {
        name: `${prefix}-${s.key}`,
        alarmDescription: `${s.description}. Runbook: ${runbookFor(s.key)}`,
        comparisonOperator: s.comparison,
        threshold: s.threshold,
        evaluationPeriods: evaluation.evaluationPeriods,
        datapointsToAlarm: evaluation.datapointsToAlarm,
        treatMissingData: s.treatMissingData,
        alarmActions: actions,
        okActions: actions,
        ...(s.metric
          ? { namespace: s.metric.namespace, metricName: s.metric.metricName, statistic: s.metric.statistic, dimensions: s.metric.dimensions, period: t.evaluation.periodSeconds }
          : { metricQueries: s.metricQueries }),
      }, inRegion(s.region));
    }

    this.topicArn = topicArns[args.primaryRegion];
    this.topicArns = topicArns;
    this.kmsKeyArn = keyArns[args.primaryRegion];
    this.alarmNames = specs.map((s) => `${prefix}-${s.key}`);
    this.registerOutputs({ topicArn: this.topicArn, topicArns, kmsKeyArn: this.kmsKeyArn, alarmNames: this.alarmNames });
  }
}

function runbookFor(key: string): string {
  if (key.startsWith("rds-")) return key.endsWith("-lag") ? RUNBOOKS.replicaLag : RUNBOOKS.database;
  if (key.startsWith("cache-")) return RUNBOOKS.cache;
  return RUNBOOKS.edge;
}
