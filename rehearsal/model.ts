/**
 * The rehearsal's view of a plan: node pools, pod groups (every pod template, including the pods Helm releases
 * and the EKS add-ons run), and the Kubernetes objects by kind with their namespaces resolved. Built once per
 * plan from the registered resources; the rules only read it.
 */
import type { RegisteredResource } from "../tools/registered";
import { podsOfRelease } from "./chart-pods";
import { CLUSTER_ADDON_PODS } from "./node-reserve";
import { cpuMilli, memoryMiB } from "./quantity";

export const COMPUTED = "<computed>";

export interface Toleration { key?: string; operator?: string; value?: string; effect?: string }
export interface Taint { key: string; value?: string; effect: string }

export interface NodePool {
  /** Registered NodeGroup resource name. */
  resource: string;
  /** Value of the pool label (system, workers, gpu). */
  pool: string;
  labels: Record<string, string>;
  taints: Taint[];
  instanceTypes: string[];
  min: number;
  max: number;
  subnetCount: number;
}

export interface ContainerPort { name?: string; containerPort: number }
export interface Claim { name: string; storageClassName?: string; size?: string }
export interface PodRef { kind: "Secret" | "ConfigMap" | "ServiceAccount"; name: string }

export interface PodGroup {
  /** How findings name it: `Deployment api/api`, `Helm kube-prometheus-stack prometheus`. */
  id: string;
  /** Registered resource it comes from (absent for EKS add-on pods). */
  resource?: RegisteredResource;
  kind: string;
  name: string;
  namespace?: string;
  labels: Record<string, string>;
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  /** requiredDuringScheduling node selector terms (ORed), each with matchExpressions (ANDed). */
  nodeTerms: { matchExpressions?: { key: string; operator: string; values?: string[] }[] }[];
  cpuMilli: number;
  memoryMiB: number;
  gpus: number;
  /** Replicas at maximum scale (HPA / KEDA max where one targets it). */
  replicas: number;
  daemonSet: boolean;
  ports: ContainerPort[];
  claims: Claim[];
  refs: PodRef[];
  /** Env var names it gets from literal env and the keys of the Secrets/ConfigMaps it loads with envFrom. */
  envKeys: string[];
  /** Some envFrom Secret/ConfigMap whose keys the preview hides: envKeys is then incomplete. */
  envKeysHidden: boolean;
  /** Literal env values (URLs the pod is pointed at). */
  env: Record<string, string>;
  /**
   * URNs of the resources whose outputs reach the pod's configuration (directly, or through the Secrets and
   * ConfigMaps it loads): in a preview a Secret's keys are unknown, but what flows into it is not.
   */
  configDeps: string[];
}

export interface K8sObject {
  resource: RegisteredResource;
  kind: string;
  name: string;
  namespace?: string;
  spec: any;
  metadata: any;
}

export interface PlanModel {
  resources: RegisteredResource[];
  byUrn: Map<string, RegisteredResource>;
  pools: NodePool[];
  pods: PodGroup[];
  /** Kubernetes objects (not Helm releases) by kind, namespaces resolved. */
  objects: Map<string, K8sObject[]>;
  /** Namespace name -> labels. */
  namespaces: Map<string, Record<string, string>>;
  releases: RegisteredResource[];
}

const EKS_EFFECT: Record<string, string> = { NO_SCHEDULE: "NoSchedule", PREFER_NO_SCHEDULE: "PreferNoSchedule", NO_EXECUTE: "NoExecute" };

const known = (v: unknown): v is string => typeof v === "string" && v !== COMPUTED;

/** Kind from a Pulumi Kubernetes type token (`kubernetes:apps/v1:Deployment` -> Deployment). */
export const kindOf = (type: string) => type.split(":").pop() ?? type;

/** The namespace of a Kubernetes resource or Helm release: literal, or the Namespace whose output flows in. */
export function namespaceOf(r: RegisteredResource, byUrn: Map<string, RegisteredResource>): string | undefined {
  const literal = r.type === "kubernetes:helm.sh/v3:Release" ? r.inputs.namespace : r.inputs.metadata?.namespace;
  if (known(literal)) return literal;
  for (const urn of r.inputDependencies ?? []) {
    const dep = byUrn.get(urn);
    if (dep?.type === "kubernetes:core/v1:Namespace" && known(dep.inputs.metadata?.name)) return dep.inputs.metadata.name;
  }
  return undefined;
}

/** Requests of one pod: the sum over its containers, or the largest init container if that is more. */
export function podRequests(spec: any): { cpuMilli: number; memoryMiB: number; gpus: number } {
  const req = (c: any) => c?.resources?.requests ?? c?.resources?.limits ?? {};
  const gpu = (c: any) => Number(c?.resources?.limits?.["nvidia.com/gpu"] ?? c?.resources?.requests?.["nvidia.com/gpu"] ?? 0);
  const containers: any[] = spec?.containers ?? [];
  const inits: any[] = spec?.initContainers ?? [];
  const sum = (f: (c: any) => number) => containers.reduce((s, c) => s + f(c), 0);
  const maxInit = (f: (c: any) => number) => inits.reduce((m, c) => Math.max(m, f(c)), 0);
  const cpu = (c: any) => cpuMilli(req(c).cpu);
  const mem = (c: any) => memoryMiB(req(c).memory);
  return { cpuMilli: Math.max(sum(cpu), maxInit(cpu)), memoryMiB: Math.max(sum(mem), maxInit(mem)), gpus: Math.max(sum(gpu), maxInit(gpu)) };
}

/** Secrets, ConfigMaps and the ServiceAccount a pod spec names. */
export function podRefs(spec: any): PodRef[] {
  const refs: PodRef[] = [];
  for (const c of [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])]) {
    for (const f of c.envFrom ?? []) {
      if (f.secretRef?.name) refs.push({ kind: "Secret", name: f.secretRef.name });
      if (f.configMapRef?.name) refs.push({ kind: "ConfigMap", name: f.configMapRef.name });
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.secretKeyRef?.name) refs.push({ kind: "Secret", name: e.valueFrom.secretKeyRef.name });
      if (e.valueFrom?.configMapKeyRef?.name) refs.push({ kind: "ConfigMap", name: e.valueFrom.configMapKeyRef.name });
    }
  }
  for (const v of spec?.volumes ?? []) {
    if (v.secret?.secretName) refs.push({ kind: "Secret", name: v.secret.secretName });
    if (v.configMap?.name) refs.push({ kind: "ConfigMap", name: v.configMap.name });
  }
  if (spec?.serviceAccountName) refs.push({ kind: "ServiceAccount", name: spec.serviceAccountName });
  return refs;
}

const WORKLOAD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicaSet", "Pod"]);

/** Pods a workload runs at once before any autoscaler: replicas, a Job's parallelism, none for a DaemonSet. */
function replicasOf(kind: string, spec: any): number {
  if (kind === "DaemonSet") return 0;
  if (kind === "Job") return Number(spec?.parallelism ?? 1);
  if (kind === "CronJob") return Number(spec?.jobTemplate?.spec?.parallelism ?? 1);
  if (kind === "Pod") return 1;
  return Number(spec?.replicas ?? 1);
}

function podTemplate(kind: string, spec: any): any {
  if (kind === "Pod") return { metadata: {}, spec };
  if (kind === "CronJob") return spec?.jobTemplate?.spec?.template;
  return spec?.template;
}

export function buildModel(resources: RegisteredResource[]): PlanModel {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  const objects = new Map<string, K8sObject[]>();
  const namespaces = new Map<string, Record<string, string>>();
  const releases: RegisteredResource[] = [];
  const pools: NodePool[] = [];

  for (const r of resources) {
    if (r.type === "aws:eks/nodeGroup:NodeGroup") {
      const labels: Record<string, string> = r.inputs.labels ?? {};
      pools.push({
        resource: r.name,
        pool: labels["finishthisidea.io/pool"] ?? r.name,
        labels,
        taints: (r.inputs.taints ?? []).map((t: any) => ({ key: t.key, value: t.value, effect: EKS_EFFECT[t.effect] ?? t.effect })),
        instanceTypes: r.inputs.instanceTypes ?? [],
        min: r.inputs.scalingConfig?.minSize ?? 0,
        max: r.inputs.scalingConfig?.maxSize ?? 0,
        subnetCount: (r.inputs.subnetIds ?? []).length,
      });
    } else if (r.type === "kubernetes:helm.sh/v3:Release") {
      releases.push(r);
    } else if (r.type.startsWith("kubernetes:") && r.custom) {
      const kind = kindOf(r.type);
      const obj: K8sObject = { resource: r, kind, name: r.inputs.metadata?.name, namespace: namespaceOf(r, byUrn), spec: r.inputs.spec ?? {}, metadata: r.inputs.metadata ?? {} };
      if (kind === "Namespace" && known(obj.name)) namespaces.set(obj.name, { "kubernetes.io/metadata.name": obj.name, ...(obj.metadata.labels ?? {}) });
      objects.set(kind, [...(objects.get(kind) ?? []), obj]);
    }
  }

  const dataKeys = (kind: string, name: string, ns?: string): string[] => {
    const o = (objects.get(kind) ?? []).find((x) => x.name === name && x.namespace === ns);
    if (!o) return [];
    // In a preview a Secret's values are unknown as a whole; the secret paths still name every key.
    const plain = [o.resource.inputs.stringData, o.resource.inputs.data].flatMap((d) => (d && typeof d === "object" ? Object.keys(d) : []));
    const secret = o.resource.secretInputs.filter((p) => /^(stringData|data)\./.test(p)).map((p) => p.split(".")[1]);
    return [...new Set([...plain, ...secret])];
  };

  const pods: PodGroup[] = [];
  for (const [kind, list] of objects) {
    if (!WORKLOAD_KINDS.has(kind)) continue;
    for (const o of list) {
      const template = podTemplate(kind, o.spec);
      const spec = template?.spec ?? {};
      const containers: any[] = [...(spec.containers ?? [])];
      const env: Record<string, string> = {};
      const envKeys: string[] = [];
      let envKeysHidden = false;
      for (const c of containers) {
        for (const e of c.env ?? []) {
          envKeys.push(e.name);
          if (known(e.value)) env[e.name] = e.value;
        }
        for (const f of c.envFrom ?? []) {
          // A computed name is the Secret/ConfigMap of the same namespace whose output flows in.
          const from = f.secretRef ? "Secret" : "ConfigMap";
          const ref = f.secretRef ?? f.configMapRef;
          const named = known(ref?.name) ? [ref.name] : dependencyNames(o.resource, byUrn, from);
          const keys = named.flatMap((n) => dataKeys(from, n, o.namespace));
          if (keys.length === 0) envKeysHidden = true;
          envKeys.push(...keys);
        }
      }
      const direct = o.resource.inputDependencies ?? [];
      const viaConfig = direct.map((u) => byUrn.get(u)).filter((d) => d && /:(Secret|ConfigMap)$/.test(d.type)).flatMap((d) => d!.inputDependencies ?? []);
      pods.push({
        configDeps: [...new Set([...direct, ...viaConfig])],
        id: `${kind} ${o.namespace ?? "?"}/${o.name}`,
        resource: o.resource,
        kind,
        name: o.name,
        namespace: o.namespace,
        labels: template?.metadata?.labels ?? {},
        nodeSelector: spec.nodeSelector ?? {},
        tolerations: spec.tolerations ?? [],
        nodeTerms: spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [],
        ...podRequests(spec),
        replicas: replicasOf(kind, o.spec),
        daemonSet: kind === "DaemonSet",
        ports: containers.flatMap((c) => c.ports ?? []),
        claims: (o.spec.volumeClaimTemplates ?? []).map((t: any) => ({
          name: t.metadata?.name,
          // A computed class name is the StorageClass whose output flows in.
          storageClassName: t.spec?.storageClassName === COMPUTED ? dependencyNames(o.resource, byUrn, "StorageClass")[0] ?? COMPUTED : t.spec?.storageClassName,
          size: t.spec?.resources?.requests?.storage,
        })),
        refs: podRefs(spec),
        envKeys,
        envKeysHidden,
        env,
      });
    }
  }

  // At maximum scale: the HPA's maxReplicas or the ScaledObject's maxReplicaCount for the workload it targets.
  const scalers = [
    ...(objects.get("HorizontalPodAutoscaler") ?? []).map((h) => ({ ns: h.namespace, ref: h.spec.scaleTargetRef, max: h.spec.maxReplicas })),
    ...(objects.get("ScaledObject") ?? []).map((s) => ({ ns: s.namespace, ref: s.spec.scaleTargetRef, max: s.spec.maxReplicaCount })),
  ];
  for (const s of scalers) {
    const target = pods.find((p) => p.namespace === s.ns && p.name === s.ref?.name && p.kind === (s.ref?.kind ?? "Deployment"));
    if (target && Number.isFinite(s.max)) target.replicas = Math.max(target.replicas, Number(s.max));
  }

  for (const r of releases) pods.push(...podsOfRelease(r, namespaceOf(r, byUrn)));
  const hasEks = resources.some((r) => r.type === "aws:eks/cluster:Cluster");
  if (hasEks) {
    for (const a of CLUSTER_ADDON_PODS) {
      pods.push({
        id: `EKS add-on ${a.name}`, kind: "Deployment", name: a.name.split("/")[1], namespace: "kube-system", labels: {}, nodeSelector: {},
        tolerations: a.tolerations, nodeTerms: [], cpuMilli: a.cpuMilli, memoryMiB: a.memoryMiB, gpus: 0, replicas: a.replicas,
        daemonSet: false, ports: [], claims: [], refs: [], envKeys: [], envKeysHidden: false, env: {}, configDeps: [],
      });
    }
  }
  return { resources, byUrn, pools, pods, objects, namespaces, releases };
}

/** Names of the resources of a Kubernetes kind whose outputs flow into `r` (how a computed name is resolved). */
export function dependencyNames(r: RegisteredResource, byUrn: Map<string, RegisteredResource>, kind: string): string[] {
  return (r.inputDependencies ?? [])
    .map((u) => byUrn.get(u))
    .filter((d): d is RegisteredResource => d !== undefined && d.type.startsWith("kubernetes:") && kindOf(d.type) === kind && known(d.inputs.metadata?.name))
    .map((d) => d.inputs.metadata.name);
}

/** Whether a label selector (matchLabels, or a plain map) selects these labels. Empty selects everything. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}
