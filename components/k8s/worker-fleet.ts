import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NODE_POOLS, tolerationsFor } from "../cluster/cluster";
import {
  appLabels,
  assertEnvNames,
  assertPinnedImage,
  bucketAccessRole,
  envSecret,
  HARDENED_CONTAINER,
  namespaceLabels,
  RESTRICTED_POD_SECURITY,
  sha256Hex,
  type BucketAccess,
  type Resources,
} from "../shared/pod";

/** The plan's target: a queue is drained within this many seconds. */
export const TARGET_DRAIN_SECONDS = 60;

/**
 * BullMQ keys holding jobs that wait for a worker: the FIFO list and the sorted set of prioritized jobs. KEDA's
 * redis scalers count a key by its type (LLEN for a list, ZCARD for a sorted set), so one trigger per key works.
 */
export const WAITING_KEYS = ["wait", "prioritized"] as const;
export type WaitingKey = (typeof WAITING_KEYS)[number];

export interface QueueSpec {
  /** BullMQ queue name (also its Redis Cluster hash tag). */
  name: string;
  /** Average seconds one worker spends on one job of this queue. */
  averageJobSeconds: number;
}

/**
 * KEDA's per-replica target for a queue: how many waiting jobs one worker absorbs so the queue drains within
 * `drainSeconds`. The plan's rule desired = ceil(depth / 60 x averageJobTime) is ceil(depth / (60 / averageJobTime)),
 * and the HPA computes ceil(depth / target) for an AverageValue target, so target = 60 / averageJobTime.
 *
 * Rounding: KEDA's redis scalers take `listLength` as an integer, so the exact quotient is rounded DOWN
 * (more workers, never fewer than the plan asks, so the 60 s promise holds) and clamped to at least 1: a job is
 * indivisible, so for jobs longer than 60 s one worker per waiting job is the most parallelism that helps.
 */
export function listLengthTarget(averageJobSeconds: number, drainSeconds: number = TARGET_DRAIN_SECONDS): number {
  if (!Number.isFinite(averageJobSeconds) || averageJobSeconds <= 0) {
    throw new Error(`listLengthTarget: averageJobSeconds must be a positive number of seconds; got ${averageJobSeconds}`);
  }
  if (!Number.isFinite(drainSeconds) || drainSeconds <= 0) {
    throw new Error(`listLengthTarget: drainSeconds must be a positive number of seconds; got ${drainSeconds}`);
  }
  return Math.max(1, Math.floor(drainSeconds / averageJobSeconds));
}

/** Redis key of a BullMQ list, hash-tagged per queue so all of a queue's keys share one cluster slot. */
export function queueKey(prefix: string, queue: string, key: WaitingKey): string {
  return `${prefix}:{${queue}}:${key}`;
}

/** KEDA trigger name (an expression identifier) for one queue key. */
export function triggerName(queue: string, key: WaitingKey): string {
  return `${queue.replace(/[^A-Za-z0-9]/g, "_")}_${key}`;
}

/**
 * KEDA scaling-modifier formula: worker-equivalents needed over all queues, each queue's waiting jobs (both
 * keys) divided by its per-replica target. With target 1 the HPA asks for ceil(formula) workers, i.e. the
 * plan's rule summed over queues (separate triggers alone would take the maximum, not the sum).
 */
export function scalingFormula(queues: QueueSpec[]): string {
  return queues
    .map((q) => `(${WAITING_KEYS.map((k) => triggerName(q.name, k)).join(" + ")}) / ${listLengthTarget(q.averageJobSeconds)}`)
    .join(" + ");
}

/** What KEDA + HPA settle on for the given waiting jobs per queue key (the formula, ceil'd and clamped). */
export function desiredWorkers(
  waiting: Record<string, Partial<Record<WaitingKey, number>>>,
  queues: QueueSpec[],
  replicas: { min: number; max: number },
): number {
  const needed = queues.reduce((sum, q) => {
    const depth = WAITING_KEYS.reduce((d, k) => d + (waiting[q.name]?.[k] ?? 0), 0);
    return sum + depth / listLengthTarget(q.averageJobSeconds);
  }, 0);
  return Math.max(replicas.min, Math.min(replicas.max, Math.ceil(needed)));
}

/** HPA behavior KEDA hands to the worker HPA: up by doubling per minute, down by 10% per minute after 5 minutes. */
export const WORKER_HPA_BEHAVIOR = {
  scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: "Max", policies: [{ type: "Percent", value: 100, periodSeconds: 60 }] },
  scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: "Max", policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] },
};

export interface WorkerRedis {
  /** Configuration endpoint (cluster mode) or primary endpoint. */
  host: pulumi.Input<string>;
  port: number;
  clusterMode: boolean;
  tls: boolean;
}

export interface WorkerFleetArgs {
  /** Namespace the component creates (Pod Security `restricted` enforced). Default "workers". */
  namespace?: string;
  /** Name of the Deployment and labels. Default "workers". */
  appName?: string;
  /** Full image reference with a pinned tag (never `latest`). */
  image: string;
  /** KEDA bounds (the tier's workers.replicas). */
  replicas: { min: number; max: number };
  /** BullMQ queues the fleet serves, with their average job times. At least one. */
  queues: QueueSpec[];
  /** BullMQ key prefix. Default "bull". */
  keyPrefix?: string;
  redis: WorkerRedis;
  /** Secret environment; must hold `redisPasswordKey` (the TriggerAuthentication reads it too). */
  secretEnv: Record<string, pulumi.Input<string>>;
  /** Key of the Redis AUTH token in secretEnv. Default REDIS_PASSWORD. */
  redisPasswordKey?: string;
  /** Non-secret environment (e.g. OLLAMA_HOST). */
  env?: Record<string, pulumi.Input<string>>;
  /**
   * Non-secret configuration (e.g. the LLM router) published in a ConfigMap `<app>-config` the workers read
   * through envFrom; a change rolls the pods (checksum annotation). Never secrets.
   */
  config?: Record<string, string>;
  /** Default requests 2 cpu / 4Gi, limits 4 cpu / 4Gi. */
  resources?: Resources;
  /** Port of the worker's /health and /metrics endpoints. Default 9090. */
  metricsPort?: number;
  /** Seconds an in-flight job gets after SIGTERM (spot reclaim, scale-down). Default 600 (2 x the plan's p99 job). */
  terminationGracePeriodSeconds?: number;
  /** KEDA polling interval in seconds. Default 15. */
  pollingIntervalSeconds?: number;
  /** KEDA cooldown in seconds. Default 300. */
  cooldownPeriodSeconds?: number;
  /** Replicas kept while KEDA cannot read Redis (never fewer than the current count). Default replicas.min. */
  fallbackReplicas?: number;
  /** IRSA role scoped to these buckets and keys; omitted for a cluster without OIDC. */
  bucketAccess?: BucketAccess;
  /** What the KEDA objects wait for: the KEDA release that installs their CRDs. */
  kedaDependsOn?: pulumi.Resource[];
}

/** Throw a clear error for bad WorkerFleet args (called before anything is registered). */
export function validateWorkerFleetArgs(name: string, args: WorkerFleetArgs): void {
  const where = `WorkerFleet ${name}`;
  const { min, max } = args.replicas;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || min > max) {
    throw new Error(`${where}: replicas must be integers with 1 <= min <= max; got ${JSON.stringify(args.replicas)}`);
  }
  if (args.queues.length === 0) throw new Error(`${where}: queues is empty; expected at least one BullMQ queue`);
  const names = args.queues.map((q) => q.name);
  const badName = names.find((n, i) => !/^[a-z][a-z0-9-]*$/.test(n) || names.indexOf(n) !== i);
  if (badName !== undefined) throw new Error(`${where}: queue name ${JSON.stringify(badName)} must be unique and match [a-z][a-z0-9-]*`);
  for (const q of args.queues) {
    if (!(q.averageJobSeconds > 0)) throw new Error(`${where}: queues[${q.name}].averageJobSeconds must be > 0; got ${q.averageJobSeconds}`);
  }
  assertPinnedImage(where, "image", args.image);
  assertEnvNames(where, "secretEnv", Object.keys(args.secretEnv));
  assertEnvNames(where, "env", Object.keys(args.env ?? {}));
  assertEnvNames(where, "config", Object.keys(args.config ?? {}));
  const passwordKey = args.redisPasswordKey ?? "REDIS_PASSWORD";
  if (!(passwordKey in args.secretEnv)) {
    throw new Error(`${where}: secretEnv has no ${passwordKey} (the Redis AUTH token KEDA authenticates with); keys given: ${Object.keys(args.secretEnv).join(", ") || "(none)"}`);
  }
  const fallback = args.fallbackReplicas ?? min;
  if (!Number.isInteger(fallback) || fallback < min || fallback > max) {
    throw new Error(`${where}: fallbackReplicas must be an integer between replicas.min (${min}) and replicas.max (${max}); got ${fallback}`);
  }
}

/**
 * The worker fleet: a Deployment on the SPOT node pool (node selector + toleration, long termination grace so
 * in-flight jobs finish when a node is reclaimed), hardened like the API, scaled by KEDA on BullMQ queue depth
 * (the `wait` list and `prioritized` set of every queue) with Redis credentials through a TriggerAuthentication
 * backed by a Secret, plus a PodDisruptionBudget and a headless metrics Service.
 */
export class WorkerFleet extends pulumi.ComponentResource {
  readonly appName: string;
  readonly namespace: string;
  readonly serviceName: pulumi.Output<string>;
  readonly metricsPort: number;
  readonly scaledObjectName: string;
  readonly podLabels: Record<string, string>;
  readonly roleArn?: pulumi.Output<string>;

  constructor(name: string, args: WorkerFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    validateWorkerFleetArgs(name, args);
    super("finishthisidea:k8s:WorkerFleet", name, {}, opts);
    const child = { parent: this };
    const app = args.appName ?? "workers";
    const { min, max } = args.replicas;
    const names = args.queues.map((q) => q.name);
    const passwordKey = args.redisPasswordKey ?? "REDIS_PASSWORD";
    const fallback = args.fallbackReplicas ?? min;
    const metricsPort = args.metricsPort ?? 9090;
    const grace = args.terminationGracePeriodSeconds ?? 600;
    const prefix = args.keyPrefix ?? "bull";
    const resources = args.resources ?? { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "4Gi" } };
    const labels = appLabels(app, "worker", args.image.split(":").pop());
    const namespaceName = args.namespace ?? app;
    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: namespaceName, labels: namespaceLabels(namespaceName) } }, child);
    const meta = { namespace: ns.metadata.name, labels: labels.all };

    let roleArn: pulumi.Output<string> | undefined;
    if (args.bucketAccess) roleArn = bucketAccessRole(`${name}-irsa`, args.bucketAccess, namespaceName, app, child).arn;
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
      metadata: { ...meta, name: app, annotations: roleArn ? { "eks.amazonaws.com/role-arn": roleArn } : {} },
      automountServiceAccountToken: false,
    }, child);

    const secret = envSecret(`${name}-env`, { name: `${app}-env`, namespace: ns.metadata.name, labels: labels.all }, args.secretEnv, child);
    const config = args.config
      ? new k8s.core.v1.ConfigMap(`${name}-config`, { metadata: { ...meta, name: `${app}-config` }, data: args.config }, child)
      : undefined;
    // envFrom is read at start only: the checksum in the pod template makes a config change a rollout.
    const configChecksum: Record<string, string> = args.config ? { "checksum/config": sha256Hex(JSON.stringify(Object.entries(args.config).sort())) } : {};

    const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata: { ...meta, name: app },
      spec: {
        // KEDA's HPA owns the count after creation (ignoreChanges below).
        replicas: min,
        selector: { matchLabels: labels.selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "10%" } },
        template: {
          metadata: { labels: labels.all, annotations: configChecksum },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            automountServiceAccountToken: false,
            nodeSelector: { ...NODE_POOLS.workers.labels },
            tolerations: tolerationsFor(NODE_POOLS.workers.taints),
            securityContext: RESTRICTED_POD_SECURITY,
            terminationGracePeriodSeconds: grace,
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels.selector } },
            ],
            containers: [{
              name: app,
              image: args.image,
              ports: [{ name: "metrics", containerPort: metricsPort, protocol: "TCP" }],
              env: [
                { name: "QUEUES", value: names.join(",") },
                { name: "QUEUE_PREFIX", value: prefix },
                { name: "METRICS_PORT", value: String(metricsPort) },
                ...Object.entries(args.env ?? {}).map(([k, v]) => ({ name: k, value: v })),
              ],
              envFrom: [{ secretRef: { name: secret.metadata.name } }, ...(config ? [{ configMapRef: { name: config.metadata.name } }] : [])],
              resources,
              securityContext: HARDENED_CONTAINER,
              readinessProbe: { httpGet: { path: "/health", port: "metrics" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
              livenessProbe: { httpGet: { path: "/health", port: "metrics" }, initialDelaySeconds: 10, periodSeconds: 20, timeoutSeconds: 3, failureThreshold: 3 },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            }],
            // Repositories being cleaned up are unpacked here.
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "10Gi" } }],
          },
        },
      },
    }, { ...child, ignoreChanges: ["spec.replicas"] });

    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
      metadata: { ...meta, name: app },
      spec: { maxUnavailable: "10%", selector: { matchLabels: labels.selector } },
    }, child);

    const service = new k8s.core.v1.Service(`${name}-metrics`, {
      metadata: { ...meta, name: app },
      spec: { clusterIP: "None", selector: labels.selector, ports: [{ name: "metrics", port: metricsPort, targetPort: "metrics", protocol: "TCP" }] },
    }, child);

    const authName = `${app}-redis`;
    const auth = new k8s.apiextensions.CustomResource(`${name}-redis-auth`, {
      apiVersion: "keda.sh/v1alpha1",
      kind: "TriggerAuthentication",
      metadata: { ...meta, name: authName },
      spec: { secretTargetRef: [{ parameter: "password", name: secret.metadata.name, key: passwordKey }] },
    }, { ...child, dependsOn: args.kedaDependsOn ?? [] });

    const address = pulumi.interpolate`${args.redis.host}:${args.redis.port}`;
    const triggers = args.queues.flatMap((q) => WAITING_KEYS.map((key) => ({
      type: args.redis.clusterMode ? "redis-cluster" : "redis",
      name: triggerName(q.name, key),
      metricType: "AverageValue",
      authenticationRef: { name: authName },
      metadata: {
        ...(args.redis.clusterMode ? { addresses: address } : { address }),
        listName: queueKey(prefix, q.name, key),
        listLength: String(listLengthTarget(q.averageJobSeconds)),
        enableTLS: String(args.redis.tls),
      },
    })));

    const scaledObjectName = app;
    new k8s.apiextensions.CustomResource(`${name}-scaler`, {
      apiVersion: "keda.sh/v1alpha1",
      kind: "ScaledObject",
      metadata: { ...meta, name: scaledObjectName },
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: app },
        minReplicaCount: min,
        maxReplicaCount: max,
        pollingInterval: args.pollingIntervalSeconds ?? 15,
        cooldownPeriod: args.cooldownPeriodSeconds ?? 300,
        fallback: { failureThreshold: 3, replicas: fallback, behavior: "currentReplicasIfHigher" },
        advanced: {
          horizontalPodAutoscalerConfig: { name: `${app}-keda`, behavior: WORKER_HPA_BEHAVIOR },
          scalingModifiers: { formula: scalingFormula(args.queues), target: "1", metricType: "AverageValue" },
        },
        triggers,
      },
    }, { ...child, dependsOn: [deployment, auth, ...(args.kedaDependsOn ?? [])] });

    this.appName = app;
    this.namespace = namespaceName;
    this.serviceName = service.metadata.name;
    this.metricsPort = metricsPort;
    this.scaledObjectName = scaledObjectName;
    this.podLabels = labels.selector;
    this.roleArn = roleArn;
    this.registerOutputs({ serviceName: this.serviceName, roleArn });
  }
}
