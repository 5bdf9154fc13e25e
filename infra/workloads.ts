/**
 * Wires the Kubernetes workloads: cluster add-ons, PgBouncer, Ollama, the API tier, the worker fleet, their
 * Secrets and the NetworkPolicies between them. Sized from the tier preset; nothing here reads config beyond
 * the resolved PlatformConfig in ctx.
 */
import * as pulumi from "@pulumi/pulumi";
import {
  Addons,
  ApiTier,
  NetworkAccess,
  OLLAMA_IMAGE_REPOSITORY,
  OllamaCluster,
  PgBouncer,
  queueKey,
  WAITING_KEYS,
  WorkerFleet,
  type AccessRule,
  type QueueSpec,
} from "../components/k8s";
import type { PlatformConfig } from "./config";
import { renderLlmRouter } from "./llm";
import { featureFlags, featureFlagsConfigData, surgeReplicas, type SurgeReplicas } from "./surge";
import { apiHostname, apiLoadBalancerName, type DataServices, type PlatformContext, type StackOutputs, type WorkloadServices } from "./contracts";

/**
 * The BullMQ queues the workers serve and their average job time in seconds: the one table the worker
 * autoscaling target (KEDA listLength = 60 / averageJobSeconds, see components/k8s/worker-fleet.ts) comes from.
 * Estimates from the scaling plan's SLAs (cleanup p50 60 s); replace them with measured means of BullMQ's
 * `finishedOn - processedOn` per queue.
 */
export const BULLMQ_QUEUES: QueueSpec[] = [
  { name: "cleanup", averageJobSeconds: 45 },
  { name: "template", averageJobSeconds: 20 },
  { name: "enterprise", averageJobSeconds: 120 },
  { name: "priority", averageJobSeconds: 45 },
];

/** BullMQ's key prefix (the application's `prefix` option). */
export const BULLMQ_KEY_PREFIX = "bull";

/** Namespace Prometheus runs in (observability installs it); scrapes from it are admitted. */
export const MONITORING_NAMESPACE = "monitoring";
/** Where prometheus-adapter queries Prometheus (kube-prometheus-stack's service in MONITORING_NAMESPACE). */
export const PROMETHEUS_URL = `http://kube-prometheus-stack-prometheus.${MONITORING_NAMESPACE}.svc`;

/** Fixed names and ports of the in-cluster services the application reaches. */
export const SERVICES = {
  api: { namespace: "api", app: "api", port: 3000 },
  workers: { namespace: "workers", app: "workers", metricsPort: 9090 },
  pgbouncer: { namespace: "pgbouncer", port: 6432, metricsPort: 9127 },
  ollama: { namespace: "ollama", port: 11434 },
} as const;

/**
 * Replica bounds of the autoscaled workloads: the single place their minimums come from, so a mode that
 * raises them (surge) changes only this function.
 */
export function workloadReplicas(config: PlatformConfig): SurgeReplicas {
  return surgeReplicas(config.preset, config.surgeMode);
}

/** `postgresql://` URL through PgBouncer, password percent-encoded. */
export function databaseUrl(user: string, password: string, host: string, port: number, database: string): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${port}/${encodeURIComponent(database)}`;
}

/**
 * Which PgBouncer pool DATABASE_READ_URL names: the in-region replicas' read pool when routing is on (the
 * overload playbook's step), else the writer's, so the application always reads DATABASE_READ_URL and
 * read-after-write stays consistent until an operator chooses otherwise. Config refuses routing without a reader.
 */
export function readRouting(routeToReplicas: boolean, writerDatabase: string, readPool: string | undefined): { database: string; replicas: boolean } {
  if (routeToReplicas && readPool === undefined) throw new Error("readReplicaRouting is on but PgBouncer has no read pool (no in-region replica)");
  return routeToReplicas && readPool ? { database: readPool, replicas: true } : { database: writerDatabase, replicas: false };
}

const clusterLocal = (service: string, namespace: string) => `${service}.${namespace}.svc.cluster.local`;

export function createWorkloads(ctx: PlatformContext, data: DataServices): { services: WorkloadServices; outputs: StackOutputs } {
  const { config, cluster } = ctx;
  const opts = (component: string): pulumi.ComponentResourceOptions => ({
    parent: ctx.parent,
    providers: [ctx.aws.get(component), cluster.provider],
  });
  const replicas = workloadReplicas(config);
  const eks = cluster.oidc && cluster.name ? { oidc: cluster.oidc, name: cluster.name } : undefined;

  const addons = new Addons("addons", {
    prometheusUrl: PROMETHEUS_URL,
    aws: eks ? { clusterName: eks.name, region: config.primaryRegion, vpcId: ctx.network.vpcId, oidc: eks.oidc } : undefined,
  }, opts("addons"));

  const db = data.database;
  const redis = data.redis;
  const storage = data.storage;

  // PgBouncer in front of the database; every application connection goes through it.
  const pgbouncer = new PgBouncer("pgbouncer", {
    namespace: SERVICES.pgbouncer.namespace,
    replicas: config.preset.pgbouncer.replicas,
    port: SERVICES.pgbouncer.port,
    metricsPort: SERVICES.pgbouncer.metricsPort,
    // Only the in-region replicas: the cross-region ones are disaster-recovery copies (components/data/database.ts).
    database: { host: db.writerHost, port: db.port, name: db.databaseName, username: db.username, password: db.password, maxConnections: db.maxConnections, readerHosts: db.localReaderHosts },
  }, opts("pgbouncer"));

  // A tier without Ollama replicas gets no Ollama objects at all (and the workers no Ollama URL).
  const ollama = config.preset.gpu.ollamaReplicas > 0
    ? new OllamaCluster("ollama", {
      namespace: SERVICES.ollama.namespace,
      image: `${OLLAMA_IMAGE_REPOSITORY}:${config.imageTags.ollama}`,
      replicas: config.preset.gpu.ollamaReplicas,
      models: config.ollamaModels,
      gpuInstanceType: config.preset.gpu.instanceType,
      port: SERVICES.ollama.port,
    }, opts("ollama"))
    : undefined;

  const pool = (database: string) => pulumi.secret(pulumi.output(db.password).apply((password) =>
    databaseUrl(db.username, password, clusterLocal(pgbouncer.appName, pgbouncer.namespace), pgbouncer.port, database)));
  const reads = readRouting(config.readReplicaRouting, db.databaseName, pgbouncer.readDatabaseName);
  // Everything that names or unlocks a data store reaches the pods through a Secret (envFrom), never env literals.
  const secretEnv: Record<string, pulumi.Input<string>> = {
    DATABASE_URL: pool(db.databaseName),
    DATABASE_READ_URL: pool(reads.database),
    REDIS_HOST: redis.host,
    REDIS_PASSWORD: redis.authToken,
    S3_BUCKET: storage.primaryBucketName,
    R2_BUCKET: storage.r2BucketName,
    R2_ENDPOINT: storage.r2Endpoint,
    R2_ACCESS_KEY_ID: storage.r2AccessKeyId,
    R2_SECRET_ACCESS_KEY: storage.r2SecretAccessKey,
  };
  const plainEnv = {
    NODE_ENV: "production",
    REDIS_PORT: String(redis.port),
    REDIS_TLS: String(redis.tls),
    REDIS_CLUSTER_MODE: String(redis.clusterMode),
    S3_REGION: config.primaryRegion,
    // Plain env on purpose: it sits in the pod template, so flipping the read routing rolls the pods onto the
    // new DATABASE_READ_URL (the Secret's envFrom is read at start only).
    READ_REPLICA_ENABLED: String(reads.replicas),
  };
  const llmKeys: Record<string, pulumi.Output<string>> = {
    ...(config.secrets.openaiApiKey ? { OPENAI_API_KEY: pulumi.secret(config.secrets.openaiApiKey) } : {}),
    ...(config.secrets.anthropicApiKey ? { ANTHROPIC_API_KEY: pulumi.secret(config.secrets.anthropicApiKey) } : {}),
  };
  const bucketAccess = eks ? { oidc: eks.oidc, bucketArns: storage.bucketArns, kmsKeyArns: storage.kmsKeyArns } : undefined;
  const image = (name: "api" | "worker") => `${config.imageRegistry}/${name}:${config.imageTags[name]}`;

  const api = new ApiTier("api", {
    namespace: SERVICES.api.namespace,
    appName: SERVICES.api.app,
    image: image("api"),
    replicas: replicas.api,
    port: SERVICES.api.port,
    env: plainEnv,
    secretEnv,
    bucketAccess,
    featureFlags: featureFlagsConfigData(config.surgeMode),
    ingress: { host: apiHostname(config), loadBalancerName: apiLoadBalancerName(config), wafAclArn: data.cdn.apiWebAclArn, dependsOn: addons.loadBalancerController ? [addons.loadBalancerController] : [] },
  }, opts("api"));

  const workers = new WorkerFleet("workers", {
    namespace: SERVICES.workers.namespace,
    appName: SERVICES.workers.app,
    image: image("worker"),
    replicas: replicas.workers,
    resources: config.preset.workers.resources,
    queues: BULLMQ_QUEUES,
    keyPrefix: BULLMQ_KEY_PREFIX,
    redis: { host: redis.host, port: redis.port, clusterMode: redis.clusterMode, tls: redis.tls },
    // The workers make the LLM calls, so they follow the surge's model quality too.
    env: { ...plainEnv, LLM_QUALITY: featureFlags(config.surgeMode).llmQuality, ...(ollama ? { OLLAMA_HOST: ollama.url, OLLAMA_URL: ollama.url } : {}) },
    config: { LLM_ROUTER: renderLlmRouter(config.preset.llm, { openai: llmKeys.OPENAI_API_KEY !== undefined, anthropic: llmKeys.ANTHROPIC_API_KEY !== undefined }, ollama?.url) },
    // Only the workers call the LLM providers: only their Secret holds the keys.
    secretEnv: { ...secretEnv, ...llmKeys },
    metricsPort: SERVICES.workers.metricsPort,
    bucketAccess,
    kedaDependsOn: [addons.keda],
  }, opts("workers"));

  const apiPeer = { namespace: api.namespace, podLabels: api.podLabels };
  const workerPeer = { namespace: workers.namespace, podLabels: workers.podLabels };
  const monitoring = { namespace: MONITORING_NAMESPACE };
  const rules: AccessRule[] = [
    {
      name: "pgbouncer-clients",
      target: { namespace: pgbouncer.namespace, podLabels: pgbouncer.podLabels },
      allow: [{ ports: [pgbouncer.port], from: [apiPeer, workerPeer] }, { ports: [pgbouncer.metricsPort], from: [monitoring] }],
    },
    ...(ollama ? [{
      name: "ollama-clients",
      target: { namespace: ollama.namespace, podLabels: ollama.podLabels },
      allow: [{ ports: [ollama.port], from: [workerPeer] }],
    }] : []),
  ];
  // The policies go into the namespaces the components create.
  new NetworkAccess("network-access", { rules }, { parent: ctx.parent, providers: [cluster.provider], dependsOn: [pgbouncer, ...(ollama ? [ollama] : [])] });

  const services: WorkloadServices = {
    addonNamespaces: { ...addons.namespaces },
    api: {
      namespace: api.namespace,
      name: api.serviceName,
      port: api.servicePort,
      podLabels: api.podLabels,
      deploymentName: api.appName,
      hpaName: api.appName,
      metricsPort: api.containerPort,
      metricsPath: "/metrics",
      hostname: apiHostname(config),
      ingressName: api.ingressName,
      loadBalancerHostname: api.loadBalancerHostname,
      replicas: replicas.api,
    },
    workers: {
      namespace: workers.namespace,
      name: workers.serviceName,
      port: workers.metricsPort,
      podLabels: workers.podLabels,
      deploymentName: workers.appName,
      scaledObjectName: workers.scaledObjectName,
      hpaName: `${workers.appName}-keda`,
      metricsPort: workers.metricsPort,
      metricsPath: "/metrics",
      queues: BULLMQ_QUEUES.map((q) => ({ ...q, keys: WAITING_KEYS.map((k) => queueKey(BULLMQ_KEY_PREFIX, q.name, k)) })),
      replicas: replicas.workers,
    },
    pgbouncer: {
      namespace: pgbouncer.namespace,
      name: pgbouncer.serviceName,
      port: pgbouncer.port,
      podLabels: pgbouncer.podLabels,
      metricsPort: pgbouncer.metricsPort,
      replicas: pgbouncer.replicas,
    },
    ...(ollama ? {
      ollama: { namespace: ollama.namespace, name: ollama.serviceName, port: ollama.port, podLabels: ollama.podLabels, url: ollama.url, replicas: ollama.replicas },
    } : {}),
    monitoringNamespace: MONITORING_NAMESPACE,
    prometheusUrl: PROMETHEUS_URL,
    interruptionQueueArn: addons.interruptionQueueArn,
  };

  const outputs: StackOutputs = {
    apiUrl: `https://${apiHostname(config)}`,
    apiLoadBalancerHostname: api.loadBalancerHostname,
    ...(api.certificateValidation ? { apiCertificateValidationRecords: api.certificateValidation } : {}),
  };
  return { services, outputs };
}
