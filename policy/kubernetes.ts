/**
 * Kubernetes rules. Workloads are checked through their pod template whatever the kind: Deployment,
 * StatefulSet, DaemonSet, ReplicaSet, Job (spec.template.spec), CronJob (spec.jobTemplate.spec.template.spec)
 * and Pod (spec). Helm releases (helm.sh/v3 Release, helm.sh/v4 Chart) render their manifests from chart
 * defaults the pack cannot see, so for them the rules check what the program sets: the chart version is
 * pinned, and no value turns on privileged mode, privilege escalation, root, host namespaces or `latest`.
 */
import {
  configOf,
  isTrue,
  isUnknown,
  asNumber,
  ofTypes,
  resourceRule,
  schemaFrom,
  stackRule,
  type PolicyResource,
  type Rule,
} from "./kit";
import { internetExposure } from "./cidr";
import { secretsIn } from "./secrets";

export const K = {
  deployment: "kubernetes:apps/v1:Deployment",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  replicaSet: "kubernetes:apps/v1:ReplicaSet",
  job: "kubernetes:batch/v1:Job",
  cronJob: "kubernetes:batch/v1:CronJob",
  pod: "kubernetes:core/v1:Pod",
  configMap: "kubernetes:core/v1:ConfigMap",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  scaledObject: "kubernetes:keda.sh/v1alpha1:ScaledObject",
  helmRelease: "kubernetes:helm.sh/v3:Release",
  helmChart: "kubernetes:helm.sh/v4:Chart",
  service: "kubernetes:core/v1:Service",
  clusterRole: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
  role: "kubernetes:rbac.authorization.k8s.io/v1:Role",
  clusterRoleBinding: "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
  roleBinding: "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
} as const;

export const WORKLOAD_TYPES = [K.deployment, K.statefulSet, K.daemonSet, K.replicaSet, K.job, K.cronJob, K.pod] as const;
export const HELM_TYPES = [K.helmRelease, K.helmChart] as const;

/** The pod spec inside a workload of any kind. */
export function podSpecOf(type: string, props: Record<string, any>): Record<string, any> | undefined {
  if (type === K.pod) return props.spec;
  if (type === K.cronJob) return props.spec?.jobTemplate?.spec?.template?.spec;
  return props.spec?.template?.spec;
}

export interface ContainerRef { kind: "container" | "initContainer"; name: string; c: Record<string, any> }

export function containersOf(spec: Record<string, any> | undefined): ContainerRef[] {
  if (!spec) return [];
  return [
    ...(spec.initContainers ?? []).map((c: any) => ({ kind: "initContainer" as const, name: c?.name ?? "?", c: c ?? {} })),
    ...(spec.containers ?? []).map((c: any) => ({ kind: "container" as const, name: c?.name ?? "?", c: c ?? {} })),
  ];
}

/** `namespace/name` of a Kubernetes object (namespace "default" when unset). */
function qualifiedName(props: Record<string, any>, resourceName: string): string {
  const md = props.metadata ?? {};
  return `${md.namespace ?? "default"}/${md.name ?? resourceName}`;
}

function exempted(exempt: string[], props: Record<string, any>, resourceName: string): boolean {
  return exempt.includes(resourceName) || exempt.includes(qualifiedName(props, resourceName));
}

/** Walk Helm values, calling `visit` with each key path and value. */
export function walkValues(value: unknown, visit: (path: string[], v: unknown) => void, path: string[] = []): void {
  visit(path, value);
  if (Array.isArray(value)) value.forEach((v, i) => walkValues(v, visit, [...path, String(i)]));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) walkValues(v, visit, [...path, k]);
}

/** Values paths in a Helm release where `key` is set to one of `bad`. */
function helmValuesWhere(props: Record<string, any>, key: string, bad: (v: unknown) => boolean): string[] {
  const found: string[] = [];
  walkValues(props.values ?? {}, (path, v) => {
    if (path[path.length - 1] === key && bad(v)) found.push(path.join("."));
  });
  return found;
}

const helmLabel = (args: { name: string; props: Record<string, any> }) => `Helm release ${args.name} (chart ${args.props.chart ?? "?"})`;

const exemptDefaults = { exempt: [] as string[] };

// ---------------------------------------------------------------------------------------------------------

export const noPrivileged = resourceRule({
  name: "k8s-no-privileged",
  description: "No privileged containers (securityContext.privileged), in workloads or in Helm values.",
  types: [...WORKLOAD_TYPES, ...HELM_TYPES],
  configSchema: schemaFrom(exemptDefaults),
  validate: (props, args, report) => {
    if (exempted(configOf(args, exemptDefaults).exempt, props, args.name)) return;
    if ((HELM_TYPES as readonly string[]).includes(args.type)) {
      for (const p of helmValuesWhere(props, "privileged", isTrue)) report(`${helmLabel(args)}: values ${p} is true; no privileged containers.`);
      return;
    }
    for (const { kind, name, c } of containersOf(podSpecOf(args.type, props))) {
      if (isTrue(c.securityContext?.privileged)) report(`${args.name}: ${kind} ${name} is privileged (securityContext.privileged: true); privileged containers own the node.`);
    }
  },
});

export const runAsNonRoot = resourceRule({
  name: "k8s-run-as-non-root",
  description: "Every container runs as non-root (runAsNonRoot: true at pod or container level, never runAsUser 0).",
  types: [...WORKLOAD_TYPES, ...HELM_TYPES],
  configSchema: schemaFrom(exemptDefaults),
  validate: (props, args, report) => {
    if (exempted(configOf(args, exemptDefaults).exempt, props, args.name)) return;
    if ((HELM_TYPES as readonly string[]).includes(args.type)) {
      for (const p of helmValuesWhere(props, "runAsNonRoot", (v) => v === false || v === "false")) report(`${helmLabel(args)}: values ${p} is false; containers run as non-root.`);
      for (const p of helmValuesWhere(props, "runAsUser", (v) => v === 0 || v === "0")) report(`${helmLabel(args)}: values ${p} is 0 (root); containers run as non-root.`);
      return;
    }
    const spec = podSpecOf(args.type, props);
    const podNonRoot = isTrue(spec?.securityContext?.runAsNonRoot);
    if (asNumber(spec?.securityContext?.runAsUser) === 0) report(`${args.name}: pod securityContext.runAsUser is 0 (root).`);
    for (const { kind, name, c } of containersOf(spec)) {
      const sc = c.securityContext ?? {};
      if (asNumber(sc.runAsUser) === 0) report(`${args.name}: ${kind} ${name} sets runAsUser 0 (root).`);
      const nonRoot = sc.runAsNonRoot === undefined ? podNonRoot : isTrue(sc.runAsNonRoot);
      if (!nonRoot) report(`${args.name}: ${kind} ${name} may run as root; set securityContext.runAsNonRoot: true (pod or container).`);
    }
  },
});

export const noPrivilegeEscalation = resourceRule({
  name: "k8s-no-privilege-escalation",
  description: "Every container sets securityContext.allowPrivilegeEscalation: false.",
  types: [...WORKLOAD_TYPES, ...HELM_TYPES],
  configSchema: schemaFrom(exemptDefaults),
  validate: (props, args, report) => {
    if (exempted(configOf(args, exemptDefaults).exempt, props, args.name)) return;
    if ((HELM_TYPES as readonly string[]).includes(args.type)) {
      for (const p of helmValuesWhere(props, "allowPrivilegeEscalation", isTrue)) report(`${helmLabel(args)}: values ${p} is true; set it false.`);
      return;
    }
    for (const { kind, name, c } of containersOf(podSpecOf(args.type, props))) {
      const v = c.securityContext?.allowPrivilegeEscalation;
      if (v !== false && v !== "false") report(`${args.name}: ${kind} ${name} does not set securityContext.allowPrivilegeEscalation: false.`);
    }
  },
});

export const dropAllCapabilities = resourceRule({
  name: "k8s-drop-all-capabilities",
  description: "Every container drops ALL Linux capabilities (securityContext.capabilities.drop: [ALL]).",
  types: [...WORKLOAD_TYPES],
  configSchema: schemaFrom(exemptDefaults),
  validate: (props, args, report) => {
    if (exempted(configOf(args, exemptDefaults).exempt, props, args.name)) return;
    for (const { kind, name, c } of containersOf(podSpecOf(args.type, props))) {
      const drop: unknown[] = c.securityContext?.capabilities?.drop ?? [];
      if (!drop.includes("ALL")) report(`${args.name}: ${kind} ${name} does not drop ALL capabilities (securityContext.capabilities.drop: ["ALL"]).`);
    }
  },
});

const resourcesDefaults = { requireCpuLimit: false };
export const requestsAndLimits = resourceRule({
  name: "k8s-requests-limits",
  description: "Every container sets CPU and memory requests and a memory limit (a CPU limit too when requireCpuLimit).",
  types: [...WORKLOAD_TYPES],
  configSchema: schemaFrom(resourcesDefaults),
  validate: (props, args, report) => {
    const { requireCpuLimit } = configOf(args, resourcesDefaults);
    for (const { kind, name, c } of containersOf(podSpecOf(args.type, props))) {
      const r = c.resources ?? {};
      const missing = [
        r.requests?.cpu === undefined && "requests.cpu",
        r.requests?.memory === undefined && "requests.memory",
        r.limits?.memory === undefined && "limits.memory",
        requireCpuLimit && r.limits?.cpu === undefined && "limits.cpu",
      ].filter(Boolean);
      if (missing.length > 0) report(`${args.name}: ${kind} ${name} has no resources.${missing.join(", resources.")}; the scheduler and the cost model need them.`);
    }
  },
});

const probeDefaults = { kinds: ["Deployment", "StatefulSet"] };
export const readinessProbes = resourceRule({
  name: "k8s-readiness-probe",
  description: "Long-running workloads (Deployment, StatefulSet by default) give every container a readiness probe.",
  types: [...WORKLOAD_TYPES],
  configSchema: schemaFrom(probeDefaults),
  validate: (props, args, report) => {
    const kind = args.type.split(":").pop()!;
    if (!configOf(args, probeDefaults).kinds.includes(kind)) return args.notApplicable(`readiness probes are required on ${configOf(args, probeDefaults).kinds.join(", ")}`);
    for (const { name, c } of containersOf(podSpecOf(args.type, props)).filter((x) => x.kind === "container")) {
      if (!c.readinessProbe) report(`${args.name}: container ${name} has no readinessProbe; traffic would reach it before it is ready.`);
    }
  },
});

/** Why an image reference is not pinned, or undefined when it is (a tag other than latest, or a digest). */
export function imageProblem(image: unknown): string | undefined {
  if (typeof image !== "string" || image === "") return "no image";
  if (isUnknown(image)) return undefined;
  if (image.includes("@sha256:")) return undefined;
  const last = image.split("/").pop()!;
  const colon = last.lastIndexOf(":");
  if (colon < 0) return `image ${image} has no tag (pulls latest)`;
  const tag = last.slice(colon + 1);
  if (tag === "" || tag === "latest") return `image ${image} uses the tag "latest"`;
  return undefined;
}

export const imagesPinned = resourceRule({
  name: "k8s-image-pinned",
  description: "Images are pinned: a tag other than `latest` or a digest; Helm releases pin the chart version and set no `latest` tag.",
  types: [...WORKLOAD_TYPES, ...HELM_TYPES],
  validate: (props, args, report) => {
    if ((HELM_TYPES as readonly string[]).includes(args.type)) {
      if (typeof props.version !== "string" || props.version === "" || /[\^~*x]|latest/.test(props.version)) {
        report(`${helmLabel(args)}: chart version ${JSON.stringify(props.version)} is not pinned; set an exact version.`);
      }
      for (const p of helmValuesWhere(props, "tag", (v) => v === "latest")) report(`${helmLabel(args)}: values ${p} is "latest"; pin a version.`);
      for (const p of helmValuesWhere(props, "image", (v) => typeof v === "string" && imageProblem(v) !== undefined)) report(`${helmLabel(args)}: values ${p}: ${imageProblem(valueAt(props.values, p))}.`);
      return;
    }
    for (const { kind, name, c } of containersOf(podSpecOf(args.type, props))) {
      const problem = imageProblem(c.image);
      if (problem) report(`${args.name}: ${kind} ${name}: ${problem}; pin a version tag or digest.`);
    }
  },
});

function valueAt(root: unknown, path: string): unknown {
  return path.split(".").reduce<any>((v, k) => (v == null ? v : v[k]), root);
}

export const noHostAccess = resourceRule({
  name: "k8s-no-host-access",
  description: "No hostPath volumes, hostNetwork, hostPID, hostIPC or container hostPort (exempt workloads listed in config `exempt` as namespace/name).",
  types: [...WORKLOAD_TYPES, ...HELM_TYPES],
  configSchema: schemaFrom(exemptDefaults),
  validate: (props, args, report) => {
    if (exempted(configOf(args, exemptDefaults).exempt, props, args.name)) return;
    if ((HELM_TYPES as readonly string[]).includes(args.type)) {
      for (const key of ["hostNetwork", "hostPID", "hostIPC"]) for (const p of helmValuesWhere(props, key, isTrue)) report(`${helmLabel(args)}: values ${p} is true; no host namespaces.`);
      for (const p of helmValuesWhere(props, "hostPort", (v) => (asNumber(v) ?? 0) > 0)) report(`${helmLabel(args)}: values ${p} binds a host port; expose it through a Service.`);
      return;
    }
    const spec = podSpecOf(args.type, props) ?? {};
    for (const key of ["hostNetwork", "hostPID", "hostIPC"]) if (isTrue(spec[key])) report(`${args.name}: pod spec sets ${key}: true; pods stay out of the node's namespaces.`);
    for (const v of spec.volumes ?? []) if (v?.hostPath) report(`${args.name}: volume ${v.name} mounts hostPath ${v.hostPath.path}; use a PVC, emptyDir or projected volume.`);
    for (const { kind, name, c } of containersOf(spec)) {
      for (const port of c.ports ?? []) if ((asNumber(port?.hostPort) ?? 0) > 0) report(`${args.name}: ${kind} ${name} binds hostPort ${port.hostPort}; expose it through a Service (a host port pins pods to nodes and bypasses NetworkPolicies).`);
    }
  },
});

const secretDefaults = { ignoreKeys: [] as string[] };

export const secretsNotInPlainText = resourceRule({
  name: "k8s-secrets-not-in-plaintext",
  description: "Secrets live in Secrets: no credential (judged by value: known key formats, private keys, URL passwords, high-entropy strings; a secret-like name only lowers the bar) in ConfigMap data, inside its JSON, or in a plain env `value`.",
  types: [K.configMap, ...WORKLOAD_TYPES],
  configSchema: schemaFrom(secretDefaults),
  validate: (props, args, report) => {
    const { ignoreKeys } = configOf(args, secretDefaults);
    if (args.type === K.configMap) {
      for (const [k, v] of Object.entries({ ...(props.data ?? {}), ...(props.binaryData ?? {}) })) {
        if (ignoreKeys.includes(k) || isUnknown(v)) continue;
        for (const { path, problem } of secretsIn(k, v)) report(`${args.name}: ConfigMap key ${path} ${problem}; put it in a Secret.`);
      }
      return;
    }
    for (const { kind, name, c } of containersOf(podSpecOf(args.type, props))) {
      for (const e of c.env ?? []) {
        if (e?.value === undefined || ignoreKeys.includes(e.name) || isUnknown(e.value)) continue;
        for (const { path, problem } of secretsIn(e.name, e.value)) report(`${args.name}: ${kind} ${name} env ${path} ${problem} as a literal value; use valueFrom.secretKeyRef.`);
      }
    }
  },
});

// ---------------------------------------------------------------------------------------------------------
// PDB for every multi-replica workload (stack rule: workloads, autoscalers and PDBs are separate resources).
// ---------------------------------------------------------------------------------------------------------

/** Namespaces match when equal, or when either is unset or unknown (it may be the other's). */
const sameNamespace = (a?: string, b?: string) => a === undefined || b === undefined || isUnknown(a) || isUnknown(b) || a === b;

function targets(scaler: PolicyResource, workload: PolicyResource, kind: string): boolean {
  const ref = scaler.props.spec?.scaleTargetRef ?? {};
  if ((ref.kind ?? "Deployment") !== kind) return false;
  if (!sameNamespace(scaler.props.metadata?.namespace, workload.props.metadata?.namespace)) return false;
  const name = workload.props.metadata?.name ?? workload.name;
  if (typeof ref.name === "string" && !isUnknown(ref.name) && !isUnknown(name)) return ref.name === name;
  // Target name unknown in a preview: the scaler and the workload sit in the same component.
  return (scaler.parent?.urn ?? scaler.opts?.parent) === (workload.parent?.urn ?? workload.opts?.parent);
}

/** The replica count a workload runs at least: spec.replicas, or its HPA / KEDA minimum. */
export function minReplicas(workload: PolicyResource, resources: PolicyResource[]): number {
  const kind = workload.type.split(":").pop()!;
  const counts = [asNumber(workload.props.spec?.replicas) ?? 1];
  for (const h of ofTypes(resources, [K.hpa])) if (targets(h, workload, kind)) counts.push(asNumber(h.props.spec?.minReplicas) ?? 1);
  for (const s of ofTypes(resources, [K.scaledObject])) if (targets(s, workload, kind)) counts.push(asNumber(s.props.spec?.minReplicaCount) ?? 0);
  return Math.max(...counts);
}

function selects(pdb: PolicyResource, labels: Record<string, unknown>): boolean {
  const match: Record<string, unknown> = pdb.props.spec?.selector?.matchLabels ?? {};
  const entries = Object.entries(match);
  return entries.length > 0 && entries.every(([k, v]) => isUnknown(v) || labels[k] === v);
}

export const pdbForMultiReplica = stackRule({
  name: "k8s-pdb-for-multi-replica",
  description: "Every Deployment or StatefulSet that runs more than one replica (spec or autoscaler minimum) has a PodDisruptionBudget selecting its pods.",
  validate: (args, report) => {
    const workloads = ofTypes(args.resources, [K.deployment, K.statefulSet]);
    if (workloads.length === 0) return args.notApplicable("no Deployments or StatefulSets");
    const pdbs = ofTypes(args.resources, [K.pdb]);
    for (const w of workloads) {
      const n = minReplicas(w, args.resources);
      if (n <= 1) continue;
      const labels = w.props.spec?.template?.metadata?.labels ?? {};
      const covered = pdbs.some((p) => sameNamespace(p.props.metadata?.namespace, w.props.metadata?.namespace) && selects(p, labels));
      if (!covered) report(`${w.name}: runs ${n} replicas but no PodDisruptionBudget selects its pods (labels ${JSON.stringify(labels)}); a node drain could take them all down.`, w.urn);
    }
  },
});

// ---------------------------------------------------------------------------------------------------------
// Pod Security Standards (restricted): capabilities added back, seccomp, read-only root filesystem.
// ---------------------------------------------------------------------------------------------------------

const capabilityDefaults = { allowedAdd: ["NET_BIND_SERVICE"], exempt: [] as string[] };
export const noDangerousCapabilities = resourceRule({
  name: "k8s-no-added-capabilities",
  description: "Containers add back no Linux capability except NET_BIND_SERVICE (Pod Security Standards, restricted), in workloads or in Helm values.",
  types: [...WORKLOAD_TYPES, ...HELM_TYPES],
  configSchema: schemaFrom(capabilityDefaults),
  validate: (props, args, report) => {
    const { allowedAdd, exempt } = configOf(args, capabilityDefaults);
    if (exempted(exempt, props, args.name)) return;
    const bad = (add: unknown) => (Array.isArray(add) ? add : []).filter((c) => typeof c === "string" && !allowedAdd.includes(c.toUpperCase().replace(/^CAP_/, "")));
    if ((HELM_TYPES as readonly string[]).includes(args.type)) {
      walkValues(props.values ?? {}, (path, v) => {
        if (path[path.length - 1] === "add" && path[path.length - 2] === "capabilities" && bad(v).length > 0) report(`${helmLabel(args)}: values ${path.join(".")} adds ${bad(v).join(", ")}; drop ALL and add nothing back.`);
      });
      return;
    }
    for (const { kind, name, c } of containersOf(podSpecOf(args.type, props))) {
      const added = bad(c.securityContext?.capabilities?.add);
      if (added.length > 0) report(`${args.name}: ${kind} ${name} adds capabilities ${added.join(", ")}; only ${allowedAdd.join(", ")} may be added back (${added.includes("SYS_ADMIN") ? "SYS_ADMIN is root on the node" : "each widens what a compromised container can do"}).`);
    }
  },
});

const SECCOMP_OK = ["RuntimeDefault", "Localhost"];
export const seccompRuntimeDefault = resourceRule({
  name: "k8s-seccomp-runtime-default",
  description: "Every container runs under a seccomp profile: RuntimeDefault (or Localhost) at pod level or on each container, never Unconfined.",
  types: [...WORKLOAD_TYPES],
  configSchema: schemaFrom(exemptDefaults),
  validate: (props, args, report) => {
    if (exempted(configOf(args, exemptDefaults).exempt, props, args.name)) return;
    const spec = podSpecOf(args.type, props);
    const pod = spec?.securityContext?.seccompProfile?.type;
    if (pod !== undefined && !SECCOMP_OK.includes(pod)) report(`${args.name}: pod seccompProfile.type is ${pod}; use RuntimeDefault.`);
    for (const { kind, name, c } of containersOf(spec)) {
      const own = c.securityContext?.seccompProfile?.type;
      const effective = own ?? pod;
      if (own !== undefined && !SECCOMP_OK.includes(own)) report(`${args.name}: ${kind} ${name} seccompProfile.type is ${own}; use RuntimeDefault.`);
      else if (effective === undefined) report(`${args.name}: ${kind} ${name} has no seccomp profile; set securityContext.seccompProfile.type: RuntimeDefault on the pod.`);
    }
  },
});

export const readOnlyRootFilesystem = resourceRule({
  name: "k8s-read-only-root-filesystem",
  description: "Every container mounts its root filesystem read-only (securityContext.readOnlyRootFilesystem: true; writable paths are emptyDir volumes).",
  types: [...WORKLOAD_TYPES],
  configSchema: schemaFrom(exemptDefaults),
  validate: (props, args, report) => {
    if (exempted(configOf(args, exemptDefaults).exempt, props, args.name)) return;
    for (const { kind, name, c } of containersOf(podSpecOf(args.type, props))) {
      if (!isTrue(c.securityContext?.readOnlyRootFilesystem)) report(`${args.name}: ${kind} ${name} has a writable root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it writes.`);
    }
  },
});

// ---------------------------------------------------------------------------------------------------------
// RBAC: workload service accounts bound to cluster-admin or wildcard roles.
// ---------------------------------------------------------------------------------------------------------

/** True when a role's rules grant every verb on every resource (or everything in some API group). */
export function wildcardRole(rules: unknown): boolean {
  return (Array.isArray(rules) ? rules : []).some((r: any) => (r?.verbs ?? []).includes("*") && ((r?.resources ?? []).includes("*") || (r?.nonResourceURLs ?? []).includes("*")));
}

const rbacDefaults = { exemptNamespaces: ["kube-system"], exemptSubjects: [] as string[] };
export const noClusterAdminBindings = stackRule({
  name: "k8s-no-admin-bindings",
  description: "No RoleBinding or ClusterRoleBinding gives a workload service account (outside kube-system) cluster-admin, admin, or a role with verbs and resources \"*\".",
  configSchema: schemaFrom(rbacDefaults),
  validate: (args, report) => {
    const { exemptNamespaces, exemptSubjects } = configOf(args, rbacDefaults);
    const bindings = ofTypes(args.resources, [K.clusterRoleBinding, K.roleBinding]);
    if (bindings.length === 0) return args.notApplicable("no role bindings");
    const roles = ofTypes(args.resources, [K.clusterRole, K.role]);
    for (const b of bindings) {
      const ref = b.props.roleRef ?? {};
      const roleName: string = ref.name;
      const local = roles.find((r) => (r.props.metadata?.name ?? r.name) === roleName && (ref.kind === "ClusterRole" ? r.type === K.clusterRole : r.type === K.role));
      const why = ["cluster-admin", "admin"].includes(roleName) && ref.kind === "ClusterRole" ? `the built-in ${roleName} role` : local && wildcardRole(local.props.rules) ? `${ref.kind} ${roleName}, which grants verbs "*" on resources "*"` : undefined;
      if (!why) continue;
      for (const s of b.props.subjects ?? []) {
        const ns = s?.namespace ?? b.props.metadata?.namespace ?? "default";
        const workloadSa = s?.kind === "ServiceAccount" && !exemptNamespaces.includes(ns) && !exemptSubjects.includes(`${ns}/${s.name}`);
        const allSas = s?.kind === "Group" && typeof s.name === "string" && s.name.startsWith("system:serviceaccounts");
        if (workloadSa || allSas) report(`${b.name}: binds ${s.kind === "Group" ? `group ${s.name}` : `service account ${ns}/${s.name}`} to ${why}; grant a Role with the verbs and resources it needs.`, b.urn);
      }
    }
  },
});

// ---------------------------------------------------------------------------------------------------------
// LoadBalancer Services open to the internet without TLS.
// ---------------------------------------------------------------------------------------------------------

const LB = {
  scheme: "service.beta.kubernetes.io/aws-load-balancer-scheme",
  internal: "service.beta.kubernetes.io/aws-load-balancer-internal",
  sslCert: "service.beta.kubernetes.io/aws-load-balancer-ssl-cert",
  sslPorts: "service.beta.kubernetes.io/aws-load-balancer-ssl-ports",
  sourceRanges: "service.beta.kubernetes.io/load-balancer-source-ranges",
};

export const loadBalancerServiceExposure = resourceRule({
  name: "k8s-lb-service-restricted",
  description: "An internet-facing LoadBalancer Service either restricts loadBalancerSourceRanges or terminates TLS on every port (aws-load-balancer-ssl-cert / ssl-ports).",
  types: [K.service],
  validate: (props, args, report) => {
    if (props.spec?.type !== "LoadBalancer") return args.notApplicable("not a LoadBalancer Service");
    const ann: Record<string, string> = props.metadata?.annotations ?? {};
    if (ann[LB.scheme] === "internal" || isTrue(ann[LB.internal])) return;
    const ranges: unknown[] = [...(props.spec?.loadBalancerSourceRanges ?? []), ...(ann[LB.sourceRanges] ?? "").split(",").map((x) => x.trim()).filter(Boolean)];
    if (ranges.length > 0 && !internetExposure(ranges)) return;
    const ports: any[] = props.spec?.ports ?? [];
    const tlsPorts = (ann[LB.sslPorts] ?? "*").split(",").map((x) => x.trim());
    const plain = ann[LB.sslCert] ? ports.filter((p) => !tlsPorts.includes("*") && !tlsPorts.includes(String(p?.port)) && !tlsPorts.includes(p?.name)) : ports;
    if (plain.length === 0) return;
    const open = ranges.length === 0 ? "no loadBalancerSourceRanges" : `loadBalancerSourceRanges open to the internet (${internetExposure(ranges)})`;
    report(`${args.name}: internet-facing LoadBalancer with ${open} serves port${plain.length > 1 ? "s" : ""} ${plain.map((p) => p?.port).join(", ")} without TLS; add the ${LB.sslCert} annotation (ACM certificate) or restrict loadBalancerSourceRanges.`);
  },
});

export const kubernetesRules: Rule[] = [
  noPrivileged,
  runAsNonRoot,
  noPrivilegeEscalation,
  dropAllCapabilities,
  requestsAndLimits,
  readinessProbes,
  imagesPinned,
  noHostAccess,
  secretsNotInPlainText,
  pdbForMultiReplica,
  noDangerousCapabilities,
  seccompRuntimeDefault,
  readOnlyRootFilesystem,
  noClusterAdminBindings,
  loadBalancerServiceExposure,
];
