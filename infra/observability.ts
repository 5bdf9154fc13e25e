/**
 * Wires observability: the stack's alert topics and CloudWatch alarms on the data stores and the edge
 * (Alerting), and kube-prometheus-stack with the SLO rules, scrapes and dashboards (Observability), with
 * Alertmanager publishing to the same topic the alarms use.
 */
import { DEFAULT_STORAGE_CLASS } from "../components/cluster";
import { Alerting, Audit, LogShipping, Observability, RestoreCheck } from "../components/observability";
import { alarmThresholds } from "./alarm-thresholds";
import { apiLoadBalancerName, type DataServices, type PlatformContext, type StackOutputs, type WorkloadServices } from "./contracts";
import { STACK_NAMESPACES } from "./output-names";
import { slosFor } from "./slos";

export function createObservability(ctx: PlatformContext, data: DataServices, workloads: WorkloadServices): { outputs: StackOutputs } {
  const { config } = ctx;
  const p = config.preset;
  const db = data.database;
  const slos = slosFor(config.tier, { websockets: config.websockets, peakJobsPerHour: p.load.peakJobsPerHour });

  const alerting = new Alerting("alerting", {
    namePrefix: `${config.project}-${config.stack}`,
    primaryRegion: config.primaryRegion,
    providerFor: ctx.aws.forComponent("alerting"),
    alertEmail: config.alertEmail,
    alertHttpsEndpoint: config.alertHttpsEndpoint,
    thresholds: alarmThresholds(p, slos.api.availability),
    database: {
      primaryInstanceId: db.primaryInstanceId,
      replicas: Object.entries(db.replicaInstanceIdsByRegion).flatMap(([region, ids]) => ids.map((instanceId) => ({ region, instanceId }))),
    },
    redis: { replicationGroupId: data.redis.replicationGroupId, clusterMode: p.redis.clusterMode, shards: p.redis.shards, replicasPerShard: p.redis.replicasPerShard },
    cdn: { distributionId: data.cdn.distributionId },
    alb: { name: apiLoadBalancerName(config), ready: workloads.api.loadBalancerHostname },
  }, { parent: ctx.parent });

  new Observability("observability", {
    services: workloads,
    slos,
    alertTopicArn: alerting.topicArn,
    alertTopicKmsKeyArn: alerting.kmsKeyArn,
    oidc: ctx.cluster.oidc,
    prometheus: { storageGi: p.prometheus.storageGi, resources: { requests: p.prometheus.requests, limits: p.prometheus.limits } },
    // The cluster's gp3 default class when this stack creates the cluster; an existing cluster's own default otherwise.
    storageClassName: ctx.cluster.name ? DEFAULT_STORAGE_CLASS : undefined,
    paging: { slackWebhookUrl: config.secrets.slackWebhookUrl, slackChannel: config.secrets.slackWebhookUrl ? config.slackChannel : undefined, pagerdutyRoutingKey: config.secrets.pagerdutyRoutingKey },
  }, { parent: ctx.parent, providers: [ctx.aws.get("observability"), ctx.cluster.provider] });

  new LogShipping("logging", {
    clusterName: `${config.project}-${config.stack}`,
    region: config.primaryRegion,
    namespaces: [...new Set([...Object.keys(STACK_NAMESPACES), ...Object.values(workloads.addonNamespaces)])],
    retentionDays: p.logs.retentionDays,
    provider: ctx.aws.get("logging"),
    oidc: ctx.cluster.oidc,
  }, { parent: ctx.parent, providers: [ctx.cluster.provider] });

  new RestoreCheck("restore-check", {
    namePrefix: `${config.project}-${config.stack}`,
    region: config.primaryRegion,
    provider: ctx.aws.get("restore-check"),
    oidc: ctx.cluster.oidc,
    database: {
      instanceId: db.primaryInstanceId,
      ...db.restoreTarget,
      databaseName: db.databaseName,
      username: db.username,
      password: db.password,
    },
    alertTopicArn: alerting.topicArn,
  }, { parent: ctx.parent, providers: [ctx.cluster.provider] });

  new Audit("audit", {
    namePrefix: `${config.project}-${config.stack}`,
    region: config.primaryRegion,
    provider: ctx.aws.get("audit"),
    alertTopicArn: alerting.topicArn,
  }, { parent: ctx.parent });

  return { outputs: { alertTopicArn: alerting.topicArn } };
}
