import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NODE_POOLS, tolerationsFor } from "../cluster/cluster";
import { GPU_INSTANCE_SPECS } from "../cluster/instance-types";
import { appLabels, assertEnvNames, assertPinnedImage, HARDENED_CONTAINER, namespaceLabels } from "../shared/pod";

/** Ollama's official image repository; the tag comes from config (imageTags.ollama). */
export const OLLAMA_IMAGE_REPOSITORY = "docker.io/ollama/ollama";

/** Where the model volume is mounted (the image's default OLLAMA_MODELS lives under it). */
export const OLLAMA_HOME = "/root";
export const OLLAMA_DATA_PATH = "/root/.ollama";

/** The scaling plan's Ollama pod: per-replica resources (one GPU each) and the server's settings. */
/**
 * What happens to the model volumes. Pulling the models again takes tens of minutes per replica and hits the
 * registry's rate limits, so a volume outlives its claim and its replica: scale-down keeps the claim (a later
 * scale-up reattaches it with the models on it), and a deleted claim or StatefulSet leaves the EBS volume in
 * place. Removing volumes is a deliberate step (docs/runbooks/README.md, "Ollama volumes").
 */
export const OLLAMA_VOLUME_RETENTION = {
  reclaimPolicy: "Retain",
  claims: { whenDeleted: "Retain", whenScaled: "Retain" },
} as const;

export const OLLAMA_PLAN = {
  requests: { cpu: 4, memoryGi: 16 },
  limits: { cpu: 8, memoryGi: 32 },
  gpus: 1,
  volumeGi: 100,
  terminationGracePeriodSeconds: 120,
  keepAlive: "24h",
  numParallel: 4,
  maxLoadedModels: 1,
} as const;

export { GPU_INSTANCE_SPECS };

/** What a GPU node keeps for itself: kubelet/system reservations, the eviction threshold and the DaemonSets. */
const NODE_OVERHEAD = { cpu: 0.5, memoryGi: 3 };

export interface OllamaResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string; "nvidia.com/gpu": string };
}

const cpu = (n: number) => (Number.isInteger(n) ? String(n) : `${Math.round(n * 1000)}m`);

/**
 * The plan's resources (requests 4 cpu / 16Gi, limits 8 cpu / 32Gi, one GPU) capped to what one node of the GPU
 * instance type can give a pod: on 4 vCPU / 16 GiB types (g4dn.xlarge, g5.xlarge) the plan's requests alone
 * would never schedule. Throws for a GPU instance type missing from the instance table.
 */
export function ollamaResources(instanceType: string): OllamaResources {
  const spec = GPU_INSTANCE_SPECS[instanceType];
  if (!spec) throw new Error(`ollamaResources: GPU instance type ${JSON.stringify(instanceType)} is unknown; add it, with its source, to components/cluster/instance-types.ts (known: ${Object.keys(GPU_INSTANCE_SPECS).join(", ")})`);
  const usableCpu = spec.vcpu - NODE_OVERHEAD.cpu;
  const usableMemory = spec.memoryGi - NODE_OVERHEAD.memoryGi;
  const p = OLLAMA_PLAN;
  return {
    requests: { cpu: cpu(Math.min(p.requests.cpu, usableCpu)), memory: `${Math.min(p.requests.memoryGi, usableMemory)}Gi` },
    limits: { cpu: cpu(Math.min(p.limits.cpu, spec.vcpu)), memory: `${Math.min(p.limits.memoryGi, usableMemory)}Gi`, "nvidia.com/gpu": String(p.gpus) },
  };
}

/** gp3 volume performance of the `fast-ssd` StorageClass. */
export interface Gp3Performance {
  /** 3000 to 16000, at most 500 per GiB. */
  iops: number;
  /** MiB/s, 125 to 1000, at most iops / 4. */
  throughputMiBps: number;
}

export const FAST_SSD: Gp3Performance = { iops: 6000, throughputMiBps: 500 };

/** StorageClass parameters of the EBS CSI driver for encrypted gp3 volumes with provisioned IOPS and throughput. */
export function gp3Parameters(perf: Gp3Performance, volumeGi: number): Record<string, string> {
  const where = "gp3Parameters";
  if (!Number.isInteger(perf.iops) || perf.iops < 3000 || perf.iops > 16000) throw new Error(`${where}: iops must be an integer from 3000 to 16000; got ${perf.iops}`);
  if (perf.iops > 500 * volumeGi) throw new Error(`${where}: iops ${perf.iops} exceeds 500 per GiB of a ${volumeGi}Gi volume (${500 * volumeGi})`);
  if (!Number.isInteger(perf.throughputMiBps) || perf.throughputMiBps < 125 || perf.throughputMiBps > 1000) {
    throw new Error(`${where}: throughputMiBps must be an integer from 125 to 1000; got ${perf.throughputMiBps}`);
  }
  if (perf.throughputMiBps > perf.iops / 4) throw new Error(`${where}: throughputMiBps ${perf.throughputMiBps} exceeds iops / 4 (${perf.iops / 4}), the gp3 ratio limit`);
  return { type: "gp3", iops: String(perf.iops), throughput: String(perf.throughputMiBps), encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" };
}

/**
 * Init container script: start a private `ollama serve`, pull each model in $OLLAMA_PULL_MODELS that the volume
 * does not hold yet, stop the server. Models come through the environment, never spliced into the script.
 */
export const MODEL_PULL_SCRIPT = [
  "set -eu",
  // TMPDIR is unset in the pod; the tests point it at their own directory.
  'log="${TMPDIR:-/tmp}/ollama-pull.log"',
  'ollama serve >"$log" 2>&1 &',
  "server=$!",
  'trap \'kill "$server" 2>/dev/null || true\' EXIT',
  "tries=0",
  "until ollama list >/dev/null 2>&1; do",
  "  tries=$((tries + 1))",
  '  if [ "$tries" -gt 120 ]; then echo "ollama serve did not start" >&2; cat "$log" >&2; exit 1; fi',
  "  sleep 1",
  "done",
  "for model in $OLLAMA_PULL_MODELS; do",
  '  if ollama show "$model" >/dev/null 2>&1; then echo "model $model present"; else echo "pulling $model"; ollama pull "$model"; fi',
  "done",
].join("\n");

const MODEL = /^[a-z0-9][a-z0-9._:/-]*$/;

export interface OllamaClusterArgs {
  /** Namespace the component creates (Pod Security `restricted` enforced). Default "ollama". */
  namespace?: string;
  /** Name of the StatefulSet, client Service and labels. Default "ollama". */
  appName?: string;
  /** Full image reference with a pinned tag, e.g. docker.io/ollama/ollama:0.6.5. */
  image: string;
  /** StatefulSet replicas (the tier's gpu.ollamaReplicas), at least 1: wire nothing for 0. */
  replicas: number;
  /** Models pulled onto every replica's volume before it starts serving. Default ["codellama"]. */
  models?: string[];
  /** Per-replica resources; default the plan's, capped for `gpuInstanceType`. */
  resources?: OllamaResources;
  /** Instance type of the GPU node group, to keep the default resources schedulable. Required unless `resources` is given. */
  gpuInstanceType?: string;
  /** Default 11434. */
  port?: number;
  /** Model volume per replica in GiB. Default 100. */
  volumeGi?: number;
  /** Name of the StorageClass the component creates. Default "fast-ssd". */
  storageClassName?: string;
  /** Default FAST_SSD. */
  storagePerformance?: Gp3Performance;
  /** OLLAMA_KEEP_ALIVE: how long a loaded model stays in GPU memory. Default "24h". */
  keepAlive?: string;
  /** OLLAMA_NUM_PARALLEL. Default 4. */
  numParallel?: number;
  /** OLLAMA_MAX_LOADED_MODELS. Default 1 (one GPU per replica). */
  maxLoadedModels?: number;
  /** Extra non-secret environment. */
  env?: Record<string, string>;
  /** Default 120. */
  terminationGracePeriodSeconds?: number;
}

/** Throw a clear error for bad OllamaCluster args (called before anything is registered). */
export function validateOllamaArgs(name: string, args: OllamaClusterArgs): void {
  const where = `OllamaCluster ${name}`;
  if (!Number.isInteger(args.replicas) || args.replicas < 1) {
    throw new Error(`${where}: replicas must be an integer >= 1; got ${args.replicas} (for 0 replicas do not create the component)`);
  }
  assertPinnedImage(where, "image", args.image);
  const models = args.models ?? ["codellama"];
  if (models.length === 0) throw new Error(`${where}: models is empty; expected at least one model such as codellama`);
  const bad = models.filter((m) => !MODEL.test(m));
  if (bad.length > 0) throw new Error(`${where}: models ${JSON.stringify(bad)} are not model names such as codellama or codellama:13b`);
  if (!args.resources && !args.gpuInstanceType) throw new Error(`${where}: set gpuInstanceType (to size the default resources) or resources`);
  for (const [arg, v] of [["numParallel", args.numParallel], ["maxLoadedModels", args.maxLoadedModels], ["volumeGi", args.volumeGi]] as const) {
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new Error(`${where}: ${arg} must be an integer >= 1; got ${v}`);
  }
  assertEnvNames(where, "env", Object.keys(args.env ?? {}));
}

/**
 * Ollama on the GPU node pool: a StatefulSet (one GPU per replica, tolerating the GPU taint) whose replicas each
 * own a gp3 volume from the `fast-ssd` StorageClass the component creates, with the models pulled onto it by an
 * init container before the server starts; HTTP probes, a 120 s grace period, a headless Service for the
 * StatefulSet's pod identities, a client Service and a PodDisruptionBudget. Runs as uid 1000 (not the image's
 * root) with a read-only root filesystem: only the model volume and /tmp are writable.
 */
export class OllamaCluster extends pulumi.ComponentResource {
  readonly appName: string;
  readonly namespace: string;
  readonly serviceName: pulumi.Output<string>;
  readonly headlessServiceName: pulumi.Output<string>;
  readonly port: number;
  readonly replicas: number;
  /** In-cluster URL of the client Service. */
  readonly url: string;
  readonly storageClassName: pulumi.Output<string>;
  readonly podLabels: Record<string, string>;

  constructor(name: string, args: OllamaClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    validateOllamaArgs(name, args);
    const resources = args.resources ?? ollamaResources(args.gpuInstanceType!);
    const volumeGi = args.volumeGi ?? OLLAMA_PLAN.volumeGi;
    const storageParameters = gp3Parameters(args.storagePerformance ?? FAST_SSD, volumeGi);
    super("finishthisidea:k8s:OllamaCluster", name, {}, opts);
    const child = { parent: this };
    const app = args.appName ?? "ollama";
    const port = args.port ?? 11434;
    const models = args.models ?? ["codellama"];
    const grace = args.terminationGracePeriodSeconds ?? OLLAMA_PLAN.terminationGracePeriodSeconds;
    const labels = appLabels(app, "llm", args.image.split(":").pop());
    const namespaceName = args.namespace ?? app;
    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: namespaceName, labels: namespaceLabels(namespaceName) } }, child);
    const meta = { namespace: ns.metadata.name, labels: labels.all };

    const storageClass = new k8s.storage.v1.StorageClass(`${name}-storage-class`, {
      metadata: { name: args.storageClassName ?? "fast-ssd", labels: labels.all },
      provisioner: "ebs.csi.aws.com",
      parameters: storageParameters,
      // Volumes are created in the zone the pod lands in, so a replica is never stranded away from its volume.
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: OLLAMA_VOLUME_RETENTION.reclaimPolicy,
    // A StorageClass is immutable and keeps its name: a changed field replaces it, deleting the old one first.
    }, { ...child, deleteBeforeReplace: true });

    const headless = new k8s.core.v1.Service(`${name}-headless`, {
      metadata: { ...meta, name: `${app}-headless` },
      spec: { clusterIP: "None", selector: labels.selector, ports: [{ name: "http", port, targetPort: "http", protocol: "TCP" }] },
    }, child);
    const service = new k8s.core.v1.Service(`${name}-service`, {
      metadata: { ...meta, name: app },
      spec: { type: "ClusterIP", selector: labels.selector, ports: [{ name: "http", port, targetPort: "http", protocol: "TCP" }] },
    }, child);

    const modelsPath = `${OLLAMA_DATA_PATH}/models`;
    const mounts = [
      // An emptyDir over /root makes HOME traversable for uid 1000 (the image's /root is 0700 root); the model
      // volume is mounted inside it at the image's default /root/.ollama.
      { name: "home", mountPath: OLLAMA_HOME },
      { name: "models", mountPath: OLLAMA_DATA_PATH },
      { name: "tmp", mountPath: "/tmp" },
    ];
    const baseEnv = [
      { name: "HOME", value: OLLAMA_HOME },
      { name: "OLLAMA_MODELS", value: modelsPath },
    ];

    new k8s.apps.v1.StatefulSet(`${name}-statefulset`, {
      metadata: { ...meta, name: app },
      spec: {
        replicas: args.replicas,
        serviceName: headless.metadata.name,
        // Replicas are independent (no quorum): start and replace them all at once.
        podManagementPolicy: "Parallel",
        updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
        persistentVolumeClaimRetentionPolicy: { ...OLLAMA_VOLUME_RETENTION.claims },
        selector: { matchLabels: labels.selector },
        template: {
          metadata: { labels: labels.all },
          spec: {
            automountServiceAccountToken: false,
            nodeSelector: { ...NODE_POOLS.gpu.labels },
            tolerations: tolerationsFor(NODE_POOLS.gpu.taints),
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 1000,
              runAsGroup: 1000,
              fsGroup: 1000,
              // Skip the recursive chown of a 100Gi volume on every start once its root has the right group.
              fsGroupChangePolicy: "OnRootMismatch",
              seccompProfile: { type: "RuntimeDefault" },
            },
            terminationGracePeriodSeconds: grace,
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels.selector } },
            ],
            initContainers: [{
              name: "pull-models",
              image: args.image,
              command: ["/bin/sh", "-c", MODEL_PULL_SCRIPT],
              env: [...baseEnv, { name: "OLLAMA_HOST", value: `127.0.0.1:${port}` }, { name: "OLLAMA_PULL_MODELS", value: models.join(" ") }],
              resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
              securityContext: HARDENED_CONTAINER,
              volumeMounts: mounts,
            }],
            containers: [{
              name: "ollama",
              image: args.image,
              args: ["serve"],
              ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
              env: [
                ...baseEnv,
                { name: "OLLAMA_HOST", value: `0.0.0.0:${port}` },
                { name: "OLLAMA_KEEP_ALIVE", value: args.keepAlive ?? OLLAMA_PLAN.keepAlive },
                { name: "OLLAMA_NUM_PARALLEL", value: String(args.numParallel ?? OLLAMA_PLAN.numParallel) },
                { name: "OLLAMA_MAX_LOADED_MODELS", value: String(args.maxLoadedModels ?? OLLAMA_PLAN.maxLoadedModels) },
                ...Object.entries(args.env ?? {}).map(([k, v]) => ({ name: k, value: v })),
              ],
              resources,
              securityContext: HARDENED_CONTAINER,
              startupProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 5, failureThreshold: 60 },
              readinessProbe: { httpGet: { path: "/api/tags", port: "http" }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
              livenessProbe: { httpGet: { path: "/", port: "http" }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
              volumeMounts: mounts,
            }],
            volumes: [
              { name: "home", emptyDir: { sizeLimit: "64Mi" } },
              { name: "tmp", emptyDir: { sizeLimit: "4Gi" } },
            ],
          },
        },
        volumeClaimTemplates: [{
          metadata: { name: "models", labels: labels.selector },
          spec: {
            accessModes: ["ReadWriteOnce"],
            storageClassName: storageClass.metadata.name,
            resources: { requests: { storage: `${volumeGi}Gi` } },
          },
        }],
      },
    // The replicas' volumes hang off the StatefulSet: protect it like any resource holding volumes.
    }, { ...child, protect: true });

    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
      metadata: { ...meta, name: app },
      spec: { maxUnavailable: 1, selector: { matchLabels: labels.selector } },
    }, child);

    this.appName = app;
    this.namespace = namespaceName;
    this.serviceName = service.metadata.name;
    this.headlessServiceName = headless.metadata.name;
    this.port = port;
    this.replicas = args.replicas;
    this.url = `http://${app}.${namespaceName}.svc.cluster.local:${port}`;
    this.storageClassName = storageClass.metadata.name;
    this.podLabels = labels.selector;
    this.registerOutputs({ serviceName: this.serviceName, headlessServiceName: this.headlessServiceName, storageClassName: this.storageClassName });
  }
}
