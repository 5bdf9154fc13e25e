/**
 * policy/kubernetes.ts: the edges of each Kubernetes rule (string spellings the API accepts, defaults, config,
 * exemptions, Helm values, autoscaler minimums, RBAC subjects, LoadBalancer annotations) with the exact text
 * reported, beside test/policy-kubernetes.test.ts and test/policy-k8s-hardening.test.ts (issue 19).
 */
import { describe, expect, it } from "vitest";
import type { PolicyResource } from "../policy/kit";
import * as Kr from "../policy/kubernetes";
import { check, violations, type FakeResource } from "./policy-args";
import { resourceReason, stackReason } from "./policy-reasons";

const { K } = Kr;

/** A container that passes every container rule, with overrides of its securityContext. */
const ok = (sc: Record<string, any> = {}, over: Record<string, any> = {}) => ({
  name: "app",
  image: "ghcr.io/x/app:1.0.0",
  securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, seccompProfile: { type: "RuntimeDefault" }, ...sc },
  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
  readinessProbe: { tcpSocket: { port: 8080 } },
  ...over,
});
const dep = (containers: any[], pod: Record<string, any> = {}, metadata: Record<string, any> = { name: "app", namespace: "app" }) => ({ metadata, spec: { template: { spec: { containers, ...pod } } } });
const release = (values: Record<string, any>, over: Record<string, any> = {}) => ({ chart: "x", version: "1.0.0", values, ...over });
const H = "Helm release h (chart x)";

describe("types and pod specs", () => {
  it("the Kubernetes type tokens", () => {
    expect(K).toEqual({
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
    });
    expect([...Kr.WORKLOAD_TYPES]).toEqual([K.deployment, K.statefulSet, K.daemonSet, K.replicaSet, K.job, K.cronJob, K.pod]);
    expect([...Kr.HELM_TYPES]).toEqual([K.helmRelease, K.helmChart]);
  });
  it("podSpecOf finds the pod spec of each kind", () => {
    const spec = { containers: [] };
    expect(Kr.podSpecOf(K.pod, { spec })).toBe(spec);
    expect(Kr.podSpecOf(K.cronJob, { spec: { jobTemplate: { spec: { template: { spec } } } } })).toBe(spec);
    expect(Kr.podSpecOf(K.replicaSet, { spec: { template: { spec } } })).toBe(spec);
    expect(Kr.podSpecOf(K.cronJob, {})).toBeUndefined();
    expect(Kr.podSpecOf(K.job, {})).toBeUndefined();
  });
  it("containersOf lists init containers first, naming an unnamed one ?", () => {
    expect(Kr.containersOf({ initContainers: [{ image: "i" }], containers: [{ name: "c" }, null] })).toEqual([
      { kind: "initContainer", name: "?", c: { image: "i" } },
      { kind: "container", name: "c", c: { name: "c" } },
      { kind: "container", name: "?", c: {} },
    ]);
    expect(Kr.containersOf(undefined)).toEqual([]);
    expect(Kr.containersOf({})).toEqual([]);
  });
  it("walkValues visits every path, list items by index", () => {
    const seen: string[] = [];
    Kr.walkValues({ a: [{ b: 1 }], c: null }, (path) => seen.push(path.join(".")));
    expect(seen).toEqual(["", "a", "a.0", "a.0.b", "c"]);
  });
  it("the pod rules apply to workloads (and Helm releases where they read values), and say so otherwise", () => {
    expect(resourceReason(Kr.dropAllCapabilities, K.service, {})).toBe(`applies to ${Kr.WORKLOAD_TYPES.join(", ")}`);
    expect(resourceReason(Kr.noPrivileged, K.service, {})).toBe(`applies to ${[...Kr.WORKLOAD_TYPES, ...Kr.HELM_TYPES].join(", ")}`);
    expect(resourceReason(Kr.secretsNotInPlainText, K.service, {})).toBe(`applies to ${[K.configMap, ...Kr.WORKLOAD_TYPES].join(", ")}`);
  });
});

describe("exemptions (namespace/name, or the resource name)", () => {
  const bad = dep([ok({ privileged: true, allowPrivilegeEscalation: true, capabilities: { add: ["SYS_ADMIN"] }, seccompProfile: { type: "Unconfined" }, readOnlyRootFilesystem: false })], { hostNetwork: true });
  const exemptable = [Kr.noPrivileged, Kr.noPrivilegeEscalation, Kr.dropAllCapabilities, Kr.noHostAccess, Kr.noDangerousCapabilities, Kr.seccompRuntimeDefault, Kr.readOnlyRootFilesystem, Kr.runAsNonRoot];
  it("each exemptable rule skips app/app, and not another workload", () => {
    const asRoot = dep([ok({ runAsNonRoot: false })]);
    for (const rule of exemptable) {
      const props = rule === Kr.runAsNonRoot ? asRoot : bad;
      expect(check(rule, K.deployment, props, { config: { exempt: ["app/app"] } }), rule.name).toEqual([]);
      expect(check(rule, K.deployment, props, { config: { exempt: ["app/other"] } }).length, rule.name).toBeGreaterThan(0);
    }
  });
  it("without metadata the name is default/<resource name>", () => {
    const props = { spec: bad.spec };
    expect(check(Kr.noPrivileged, K.deployment, props, { name: "w", config: { exempt: ["default/w"] } })).toEqual([]);
    expect(check(Kr.noPrivileged, K.deployment, props, { name: "w", config: { exempt: ["w"] } })).toEqual([]);
    expect(check(Kr.noPrivileged, K.deployment, props, { name: "w", config: { exempt: ["app/w"] } })).toHaveLength(1);
  });
});

describe("container rules: the spellings the API accepts", () => {
  it("privileged as text, and a Helm chart without a name", () => {
    expect(check(Kr.noPrivileged, K.deployment, dep([ok({ privileged: "true" })]), { name: "w" })).toEqual([
      "w: container app is privileged (securityContext.privileged: true); privileged containers own the node.",
    ]);
    expect(check(Kr.noPrivileged, K.helmRelease, { version: "1.0.0", values: { privileged: "true" } }, { name: "h" })).toEqual([
      "Helm release h (chart ?): values privileged is true; no privileged containers.",
    ]);
  });
  it("run-as-non-root: pod root user, container override of the pod, root as text", () => {
    expect(check(Kr.runAsNonRoot, K.deployment, dep([ok()], { securityContext: { runAsUser: "0" } }), { name: "w" })).toEqual(["w: pod securityContext.runAsUser is 0 (root)."]);
    expect(check(Kr.runAsNonRoot, K.deployment, dep([ok({ runAsNonRoot: undefined })], { securityContext: { runAsNonRoot: true } }))).toEqual([]);
    expect(check(Kr.runAsNonRoot, K.deployment, dep([ok({ runAsNonRoot: false })], { securityContext: { runAsNonRoot: true } }), { name: "w" })).toEqual([
      "w: container app may run as root; set securityContext.runAsNonRoot: true (pod or container).",
    ]);
    expect(check(Kr.runAsNonRoot, K.deployment, dep([ok({ runAsNonRoot: "true", runAsUser: "0" })]), { name: "w" })).toEqual(["w: container app sets runAsUser 0 (root)."]);
    expect(check(Kr.runAsNonRoot, K.deployment, dep([{ name: "bare" }]), { name: "w" })).toEqual(["w: container bare may run as root; set securityContext.runAsNonRoot: true (pod or container)."]);
    expect(check(Kr.runAsNonRoot, K.helmChart, release({ a: { runAsNonRoot: "false", runAsUser: 1000 }, b: { runAsNonRoot: true, runAsUser: "0" } }), { name: "h" })).toEqual([
      `${H}: values a.runAsNonRoot is false; containers run as non-root.`,
      `${H}: values b.runAsUser is 0 (root); containers run as non-root.`,
    ]);
  });
  it("privilege escalation false as text passes; no securityContext fails", () => {
    expect(check(Kr.noPrivilegeEscalation, K.deployment, dep([ok({ allowPrivilegeEscalation: "false" })]))).toEqual([]);
    expect(check(Kr.noPrivilegeEscalation, K.deployment, dep([{ name: "bare" }]), { name: "w" })).toEqual(["w: container bare does not set securityContext.allowPrivilegeEscalation: false."]);
    expect(check(Kr.noPrivilegeEscalation, K.helmRelease, release({ allowPrivilegeEscalation: "true" }), { name: "h" })).toEqual([`${H}: values allowPrivilegeEscalation is true; set it false.`]);
  });
  it("drop ALL: a container without a securityContext is caught, with the exact text", () => {
    expect(check(Kr.dropAllCapabilities, K.deployment, dep([{ name: "bare" }]), { name: "w" })).toEqual([
      'w: container bare does not drop ALL capabilities (securityContext.capabilities.drop: ["ALL"]).',
    ]);
  });
  it("requests and limits: everything missing, and a CPU limit when required", () => {
    expect(check(Kr.requestsAndLimits, K.deployment, dep([{ name: "bare" }]), { name: "w" })).toEqual([
      "w: container bare has no resources.requests.cpu, resources.requests.memory, resources.limits.memory; the scheduler and the cost model need them.",
    ]);
    expect(check(Kr.requestsAndLimits, K.deployment, dep([ok({}, { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi" } } })]), { name: "w", config: { requireCpuLimit: true } })).toEqual([
      "w: container app has no resources.limits.cpu; the scheduler and the cost model need them.",
    ]);
    expect(check(Kr.requestsAndLimits, K.deployment, dep([ok({}, { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { memory: "1Gi", cpu: "1" } } })]), { config: { requireCpuLimit: true } })).toEqual([]);
    expect(Kr.requestsAndLimits.configSchema).toEqual({ properties: { requireCpuLimit: { type: "boolean", default: false } } });
  });
  it("readiness probes: containers only, on the configured kinds, and the reason it skips others", () => {
    expect(check(Kr.readinessProbes, K.statefulSet, dep([ok()], { initContainers: [{ name: "init" }] }))).toEqual([]);
    expect(check(Kr.readinessProbes, K.statefulSet, dep([ok({}, { readinessProbe: undefined })]), { name: "w" })).toHaveLength(1);
    expect(resourceReason(Kr.readinessProbes, K.job, dep([ok()]))).toBe("readiness probes are required on Deployment, StatefulSet");
    expect(resourceReason(Kr.readinessProbes, K.deployment, dep([ok()]))).toBeUndefined();
    expect(check(Kr.readinessProbes, K.job, dep([{ name: "j" }]), { name: "w", config: { kinds: ["Job"] } })).toEqual([
      "w: container j has no readinessProbe; traffic would reach it before it is ready.",
    ]);
    expect(Kr.readinessProbes.configSchema).toEqual({ properties: { kinds: { type: "array", items: { type: "string" }, default: ["Deployment", "StatefulSet"] } } });
  });
  it("read-only root filesystem as text passes", () => {
    expect(check(Kr.readOnlyRootFilesystem, K.deployment, dep([ok({ readOnlyRootFilesystem: "true" })]))).toEqual([]);
  });
});

describe("images", () => {
  it("imageProblem: missing, computed, digests, empty and latest tags, registry ports", () => {
    expect(Kr.imageProblem(undefined)).toBe("no image");
    expect(Kr.imageProblem("")).toBe("no image");
    expect(Kr.imageProblem(42)).toBe("no image");
    expect(Kr.imageProblem("<computed>")).toBeUndefined();
    expect(Kr.imageProblem("app@sha256:0123")).toBeUndefined();
    expect(Kr.imageProblem("app:")).toBe('image app: uses the tag "latest"');
    expect(Kr.imageProblem("app:latest")).toBe('image app:latest uses the tag "latest"');
    expect(Kr.imageProblem("app")).toBe("image app has no tag (pulls latest)");
    expect(Kr.imageProblem("app:1.2")).toBeUndefined();
    expect(Kr.imageProblem("localhost:5000/app:1.2")).toBeUndefined();
  });
  it("a container without an image is reported", () => {
    expect(check(Kr.imagesPinned, K.deployment, dep([{ name: "c" }]), { name: "w" })).toEqual(["w: container c: no image; pin a version tag or digest."]);
  });
  it("Helm chart versions: ranges, wildcards and latest are not pinned; exact versions are", () => {
    for (const version of ["^1.0.0", "~1.0.0", "1.*", "1.x", "latest", "", 1]) {
      expect(check(Kr.imagesPinned, K.helmRelease, release({}, { version }), { name: "h" }), String(version)).toEqual([
        `${H}: chart version ${JSON.stringify(version)} is not pinned; set an exact version.`,
      ]);
    }
    expect(check(Kr.imagesPinned, K.helmRelease, release({}, { version: "1.0.0" }))).toEqual([]);
  });
  it("Helm values: image strings at any depth, not image objects; tags other than latest pass", () => {
    expect(check(Kr.imagesPinned, K.helmChart, release({ a: { b: { image: "busybox" } }, c: { image: { repository: "r", tag: "1.0" } }, d: { image: "busybox:1.36" } }), { name: "h" })).toEqual([
      `${H}: values a.b.image: image busybox has no tag (pulls latest).`,
    ]);
  });
});

describe("host access", () => {
  it("hostIPC and a hostPort given as text; hostPort 0 is none", () => {
    expect(check(Kr.noHostAccess, K.deployment, dep([ok({}, { ports: [{ hostPort: "9100" }, { hostPort: 0 }, null] })], { hostIPC: "true" }), { name: "w" })).toEqual([
      "w: pod spec sets hostIPC: true; pods stay out of the node's namespaces.",
      "w: container app binds hostPort 9100; expose it through a Service (a host port pins pods to nodes and bypasses NetworkPolicies).",
    ]);
    expect(check(Kr.noHostAccess, K.deployment, dep([ok()], { volumes: [{ name: "tmp", emptyDir: {} }, null] }))).toEqual([]);
  });
  it("Helm values: a host port above 0, and hostNetwork", () => {
    expect(check(Kr.noHostAccess, K.helmRelease, release({ ports: [{ hostPort: 9100 }, { hostPort: 0 }], hostNetwork: true }), { name: "h" })).toEqual([
      `${H}: values hostNetwork is true; no host namespaces.`,
      `${H}: values ports.0.hostPort binds a host port; expose it through a Service.`,
    ]);
  });
});

describe("secrets in plain text", () => {
  const secret = "postgres://app:s3cr3tpw@db:5432/app";
  it("ConfigMap binaryData, ignored keys and unknown values", () => {
    expect(check(Kr.secretsNotInPlainText, K.configMap, { binaryData: { DSN: secret } }, { name: "cm" })).toEqual([
      "cm: ConfigMap key DSN holds a URL with a password (scheme://user:password@host); put it in a Secret.",
    ]);
    expect(check(Kr.secretsNotInPlainText, K.configMap, { data: { DSN: secret } }, { config: { ignoreKeys: ["DSN"] } })).toEqual([]);
    expect(check(Kr.secretsNotInPlainText, K.configMap, { data: { DSN: "<computed>" } })).toEqual([]);
  });
  it("env values: ignored names, unknown values and valueFrom are skipped", () => {
    const env = (e: any[]) => dep([ok({}, { env: e })]);
    expect(check(Kr.secretsNotInPlainText, K.deployment, env([{ name: "DSN", value: secret }]), { name: "w" })).toEqual([
      "w: container app env DSN holds a URL with a password (scheme://user:password@host) as a literal value; use valueFrom.secretKeyRef.",
    ]);
    expect(check(Kr.secretsNotInPlainText, K.deployment, env([{ name: "DSN", value: secret }]), { config: { ignoreKeys: ["DSN"] } })).toEqual([]);
    expect(check(Kr.secretsNotInPlainText, K.deployment, env([{ name: "DSN", value: "<computed>" }, { name: "X", valueFrom: {} }, null]))).toEqual([]);
  });
});

describe("PodDisruptionBudgets and replica minimums", () => {
  const labels = { app: "api" };
  const workload = (type: string, replicas: unknown, ns = "app", name = "api"): FakeResource => ({ type, name: `${name}-res`, component: "api", props: { metadata: { name, namespace: ns }, spec: { replicas, template: { metadata: { labels } } } } });
  const pdb = (ns: string | undefined, matchLabels: Record<string, unknown> = labels): FakeResource => ({ type: K.pdb, name: "pdb", component: "api", props: { metadata: { namespace: ns }, spec: { selector: { matchLabels } } } });
  const hpa = (ref: Record<string, any>, min: unknown, ns = "app", component = "api"): FakeResource => ({ type: K.hpa, name: "hpa", component, props: { metadata: { namespace: ns }, spec: { scaleTargetRef: ref, minReplicas: min } } });
  const keda = (ref: Record<string, any>, min: unknown): FakeResource => ({ type: K.scaledObject, name: "so", component: "api", props: { metadata: { namespace: "app" }, spec: { scaleTargetRef: ref, minReplicaCount: min } } });
  const runs = (resources: FakeResource[]) => violations(Kr.pdbForMultiReplica, resources).map((m) => /runs (\d+) replicas/.exec(m)?.[1]);

  it("StatefulSets count too; replicas as text; a PDB in another namespace or with no labels does not cover", () => {
    expect(violations(Kr.pdbForMultiReplica, [workload(K.statefulSet, "2")])).toEqual([
      'api-res: runs 2 replicas but no PodDisruptionBudget selects its pods (labels {"app":"api"}); a node drain could take them all down.',
    ]);
    expect(violations(Kr.pdbForMultiReplica, [workload(K.statefulSet, 2), pdb("other")])).toHaveLength(1);
    expect(violations(Kr.pdbForMultiReplica, [workload(K.statefulSet, 2), pdb("app", {})])).toHaveLength(1);
    expect(violations(Kr.pdbForMultiReplica, [workload(K.statefulSet, 2), pdb(undefined)])).toEqual([]);
    expect(violations(Kr.pdbForMultiReplica, [workload(K.statefulSet, 2), pdb("app", { app: "<computed>" })])).toEqual([]);
    expect(violations(Kr.pdbForMultiReplica, [workload(K.statefulSet, 2), pdb("app", { app: "api", tier: "x" })])).toHaveLength(1);
  });
  it("a PDB's namespace and the workload's match when equal, or when either is unset or unknown", () => {
    const noNs: FakeResource = { type: K.deployment, name: "w", component: "api", props: { spec: { replicas: 2, template: { metadata: { labels } } } } };
    expect(violations(Kr.pdbForMultiReplica, [noNs, pdb("default")])).toEqual([]);
    expect(violations(Kr.pdbForMultiReplica, [workload(K.deployment, 2), pdb("<computed>")])).toEqual([]);
    expect(violations(Kr.pdbForMultiReplica, [workload(K.deployment, 2, "<computed>"), pdb("app")])).toEqual([]);
  });
  it("HPA and KEDA minimums raise the count; their defaults are 1 and 0", () => {
    expect(runs([workload(K.deployment, undefined), hpa({ name: "api" }, 3)])).toEqual(["3"]);
    expect(runs([workload(K.deployment, 1), hpa({ name: "api" }, undefined)])).toEqual([]);
    expect(runs([workload(K.deployment, 1), keda({ name: "api" }, "4")])).toEqual(["4"]);
    expect(runs([workload(K.deployment, 1), keda({ name: "api" }, undefined)])).toEqual([]);
    expect(runs([workload(K.deployment, 3), hpa({ name: "api" }, 2)])).toEqual(["3"]);
  });
  it("an autoscaler counts only for its target: kind (Deployment by default), namespace and name", () => {
    expect(runs([workload(K.statefulSet, 1), hpa({ name: "api" }, 3)])).toEqual([]);
    expect(runs([workload(K.statefulSet, 1), hpa({ kind: "StatefulSet", name: "api" }, 3)])).toEqual(["3"]);
    expect(runs([workload(K.deployment, 1), hpa({ kind: "Deployment", name: "other" }, 3)])).toEqual([]);
    expect(runs([workload(K.deployment, 1), hpa({ name: "api" }, 3, "elsewhere")])).toEqual([]);
  });
  it("with the target's name unknown, an autoscaler counts for the workloads of its own component", () => {
    expect(runs([workload(K.deployment, 1), hpa({ name: "<computed>" }, 3)])).toEqual(["3"]);
    expect(runs([workload(K.deployment, 1), hpa({ name: "<computed>" }, 3, "app", "other")])).toEqual([]);
    expect(runs([workload(K.deployment, 1, "app", "<computed>"), hpa({ name: "api" }, 3)])).toEqual(["3"]);
  });
  it("minReplicas with hand-made resources: an unnamed workload goes by its resource name", () => {
    const w = { type: K.deployment, name: "api", props: { spec: {} } } as unknown as PolicyResource;
    const h = { type: K.hpa, name: "h", props: { spec: { scaleTargetRef: { name: "api" }, minReplicas: 5 } } } as unknown as PolicyResource;
    expect(Kr.minReplicas(w, [w, h])).toBe(5);
    expect(Kr.minReplicas(w, [w])).toBe(1);
  });
  it("an autoscaler whose target has no name counts for the workloads of its own component", () => {
    expect(runs([workload(K.deployment, 1), hpa({}, 3)])).toEqual(["3"]);
    expect(runs([workload(K.deployment, 1), hpa({}, 3, "app", "other")])).toEqual([]);
  });
  it("the component is the parent's URN, or opts.parent where the engine gives no parent", () => {
    const w = (extra: Record<string, any>) => ({ type: K.deployment, name: "api", props: { spec: { replicas: 1 } }, ...extra }) as unknown as PolicyResource;
    const h = (extra: Record<string, any>) => ({ type: K.hpa, name: "h", props: { spec: { scaleTargetRef: { name: "<computed>" }, minReplicas: 4 } }, ...extra }) as unknown as PolicyResource;
    const count = (a: PolicyResource, b: PolicyResource) => Kr.minReplicas(a, [a, b]);
    expect(count(w({ parent: { urn: "c1" }, opts: {} }), h({ parent: { urn: "c1" }, opts: {} }))).toBe(4);
    expect(count(w({ parent: { urn: "c1" }, opts: {} }), h({ parent: { urn: "c2" }, opts: {} }))).toBe(1);
    expect(count(w({ opts: { parent: "c1" } }), h({ opts: { parent: "c1" } }))).toBe(4);
    expect(count(w({ opts: { parent: "c1" } }), h({ opts: { parent: "c2" } }))).toBe(1);
    expect(count(w({}), h({}))).toBe(4);
  });
  it("a multi-replica workload without a pod template has no labels a PDB could select", () => {
    expect(violations(Kr.pdbForMultiReplica, [{ type: K.deployment, name: "bare", component: "api", props: { spec: { replicas: 2 } } }])).toEqual([
      "bare: runs 2 replicas but no PodDisruptionBudget selects its pods (labels {}); a node drain could take them all down.",
    ]);
  });
  it("a stack without Deployments or StatefulSets is not applicable", () => {
    expect(stackReason(Kr.pdbForMultiReplica)).toBe("no Deployments or StatefulSets");
  });
});

describe("capabilities added back", () => {
  it("lower case and CAP_ spellings of an allowed capability pass; the reason names the danger", () => {
    expect(check(Kr.noDangerousCapabilities, K.deployment, dep([ok({ capabilities: { drop: ["ALL"], add: ["net_bind_service", "CAP_NET_BIND_SERVICE"] } })]))).toEqual([]);
    expect(check(Kr.noDangerousCapabilities, K.deployment, dep([ok({ capabilities: { drop: ["ALL"], add: ["NET_RAW", 7] } })]), { name: "w" })).toEqual([
      "w: container app adds capabilities NET_RAW; only NET_BIND_SERVICE may be added back (each widens what a compromised container can do).",
    ]);
    expect(check(Kr.noDangerousCapabilities, K.deployment, dep([ok({ capabilities: { drop: ["ALL"], add: "SYS_ADMIN" } })]))).toEqual([]);
  });
  it("strips CAP_ only as a prefix", () => {
    expect(check(Kr.noDangerousCapabilities, K.deployment, dep([ok({ capabilities: { drop: ["ALL"], add: ["SYS_CAP_X"] } })]), { name: "w", config: { allowedAdd: ["SYS_X"] } })[0]).toMatch(/adds capabilities SYS_CAP_X;/);
  });
  it("takes the allowed list from config", () => {
    expect(check(Kr.noDangerousCapabilities, K.deployment, dep([ok({ capabilities: { drop: ["ALL"], add: ["NET_RAW"] } })]), { config: { allowedAdd: ["NET_RAW"] } })).toEqual([]);
  });
  it("Helm values: only capabilities.add counts, and only what is not allowed", () => {
    expect(check(Kr.noDangerousCapabilities, K.helmRelease, release({ a: { capabilities: { add: ["NET_BIND_SERVICE", "SYS_TIME"] } }, b: { add: ["SYS_ADMIN"] }, c: { capabilities: { add: ["NET_BIND_SERVICE"] } } }), { name: "h" })).toEqual([
      `${H}: values a.capabilities.add adds SYS_TIME; drop ALL and add nothing back.`,
    ]);
  });
});

describe("seccomp", () => {
  it("an Unconfined pod profile, a Localhost profile, and a container's own profile over the pod's", () => {
    expect(check(Kr.seccompRuntimeDefault, K.deployment, dep([ok({ seccompProfile: undefined })], { securityContext: { seccompProfile: { type: "Unconfined" } } }), { name: "w" })).toEqual([
      "w: pod seccompProfile.type is Unconfined; use RuntimeDefault.",
    ]);
    expect(check(Kr.seccompRuntimeDefault, K.deployment, dep([ok({ seccompProfile: { type: "Localhost" } })]))).toEqual([]);
    expect(check(Kr.seccompRuntimeDefault, K.deployment, dep([ok({ seccompProfile: undefined })], { securityContext: { seccompProfile: { type: "Localhost" } } }))).toEqual([]);
    expect(check(Kr.seccompRuntimeDefault, K.deployment, dep([ok({ seccompProfile: { type: "RuntimeDefault" } })], { securityContext: { seccompProfile: { type: "Unconfined" } } }), { name: "w" })).toEqual([
      "w: pod seccompProfile.type is Unconfined; use RuntimeDefault.",
    ]);
  });
});

describe("RBAC", () => {
  const binding = (type: string, roleRef: Record<string, any>, subjects: any[], ns?: string): FakeResource => ({ type, name: "b", component: "k8s", props: { metadata: { name: "b", namespace: ns }, roleRef, subjects } });
  const sa = (name: string, namespace?: string) => ({ kind: "ServiceAccount", name, namespace });
  const role = (type: string, name: string, rules: any[], resourceName = name): FakeResource => ({ type, name: resourceName, component: "k8s", props: { metadata: { name }, rules } });
  const all = [{ verbs: ["*"], resources: ["*"] }];

  it("wildcardRole: every verb on every resource or every non-resource URL", () => {
    expect(Kr.wildcardRole(all)).toBe(true);
    expect(Kr.wildcardRole([{ verbs: ["get"] }, { verbs: ["*"], nonResourceURLs: ["*"] }])).toBe(true);
    expect(Kr.wildcardRole([{ verbs: ["*"], resources: ["pods"] }])).toBe(false);
    expect(Kr.wildcardRole([{ verbs: ["get"], resources: ["*"] }])).toBe(false);
    expect(Kr.wildcardRole([null])).toBe(false);
    expect(Kr.wildcardRole("*")).toBe(false);
  });
  it("the built-in admin role, the subject's namespace from the binding or default", () => {
    expect(violations(Kr.noClusterAdminBindings, [binding(K.roleBinding, { kind: "ClusterRole", name: "admin" }, [sa("api")], "app")])).toEqual([
      "b: binds service account app/api to the built-in admin role; grant a Role with the verbs and resources it needs.",
    ]);
    expect(violations(Kr.noClusterAdminBindings, [binding(K.clusterRoleBinding, { kind: "ClusterRole", name: "cluster-admin" }, [sa("api")])])[0]).toMatch(/service account default\/api to/);
    // A Role named admin is not the built-in ClusterRole.
    expect(violations(Kr.noClusterAdminBindings, [binding(K.roleBinding, { kind: "Role", name: "admin" }, [sa("api")], "app")])).toEqual([]);
  });
  it("a local Role or ClusterRole with wildcards, matched by kind and by metadata name", () => {
    expect(violations(Kr.noClusterAdminBindings, [role(K.role, "ops", all, "ops-res"), binding(K.roleBinding, { kind: "Role", name: "ops" }, [sa("api", "app")], "app")])).toEqual([
      'b: binds service account app/api to Role ops, which grants verbs "*" on resources "*"; grant a Role with the verbs and resources it needs.',
    ]);
    expect(violations(Kr.noClusterAdminBindings, [role(K.clusterRole, "ops", all), binding(K.roleBinding, { kind: "Role", name: "ops" }, [sa("api", "app")])])).toEqual([]);
    expect(violations(Kr.noClusterAdminBindings, [role(K.role, "ops", all), binding(K.clusterRoleBinding, { kind: "ClusterRole", name: "ops" }, [sa("api", "app")])])).toEqual([]);
    const unnamed: FakeResource = { type: K.clusterRole, name: "ops", component: "k8s", props: { rules: all } };
    expect(violations(Kr.noClusterAdminBindings, [unnamed, binding(K.clusterRoleBinding, { kind: "ClusterRole", name: "ops" }, [sa("api", "app")])])).toHaveLength(1);
  });
  it("subjects: exempt namespaces and subjects from config, all service accounts as a group, users and other groups not", () => {
    const admin = { kind: "ClusterRole", name: "cluster-admin" };
    expect(violations(Kr.noClusterAdminBindings, [binding(K.clusterRoleBinding, admin, [sa("x", "ops")])], { "k8s-no-admin-bindings": { exemptNamespaces: ["ops"] } })).toEqual([]);
    expect(violations(Kr.noClusterAdminBindings, [binding(K.clusterRoleBinding, admin, [sa("x", "kube-system")])], { "k8s-no-admin-bindings": { exemptNamespaces: [] } })).toHaveLength(1);
    expect(violations(Kr.noClusterAdminBindings, [binding(K.clusterRoleBinding, admin, [sa("x", "ops"), sa("y", "ops")])], { "k8s-no-admin-bindings": { exemptSubjects: ["ops/x"] } })).toEqual([
      "b: binds service account ops/y to the built-in cluster-admin role; grant a Role with the verbs and resources it needs.",
    ]);
    expect(violations(Kr.noClusterAdminBindings, [binding(K.clusterRoleBinding, admin, [{ kind: "Group", name: "system:serviceaccounts:app" }])])).toEqual([
      "b: binds group system:serviceaccounts:app to the built-in cluster-admin role; grant a Role with the verbs and resources it needs.",
    ]);
    expect(violations(Kr.noClusterAdminBindings, [binding(K.clusterRoleBinding, admin, [{ kind: "Group", name: "system:masters" }, { kind: "User", name: "alice" }, { kind: "Group", name: 5 }, null])])).toEqual([]);
  });
  it("a binding without a roleRef or subjects grants nothing to report", () => {
    expect(violations(Kr.noClusterAdminBindings, [{ type: K.clusterRoleBinding, name: "b", component: "k8s", props: { subjects: [sa("api", "app")] } }])).toEqual([]);
    expect(violations(Kr.noClusterAdminBindings, [{ type: K.clusterRoleBinding, name: "b", component: "k8s", props: { roleRef: { kind: "ClusterRole", name: "cluster-admin" } } }])).toEqual([]);
  });
  it("a stack without role bindings is not applicable", () => {
    expect(stackReason(Kr.noClusterAdminBindings)).toBe("no role bindings");
    expect(Kr.noClusterAdminBindings.configSchema?.properties?.exemptNamespaces).toEqual({ type: "array", items: { type: "string" }, default: ["kube-system"] });
  });
});

describe("LoadBalancer Services", () => {
  const A = "service.beta.kubernetes.io/";
  const svc = (annotations: Record<string, string> | undefined, spec: Record<string, any> = {}) => ({ metadata: { annotations }, spec: { type: "LoadBalancer", ports: [{ name: "http", port: 80 }], ...spec } });
  it("the internal annotation, and source ranges given as an annotation", () => {
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({ [`${A}aws-load-balancer-internal`]: "true" }))).toEqual([]);
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({ [`${A}aws-load-balancer-internal`]: "false" }))).toHaveLength(1);
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({ [`${A}load-balancer-source-ranges`]: " 203.0.113.0/24 , 198.51.100.0/24" }))).toEqual([]);
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({ [`${A}load-balancer-source-ranges`]: "0.0.0.0/0" }), { name: "s" })).toEqual([
      `s: internet-facing LoadBalancer with loadBalancerSourceRanges open to the internet (0.0.0.0/0 covers all of IPv4) serves port 80 without TLS; add the ${A}aws-load-balancer-ssl-cert annotation (ACM certificate) or restrict loadBalancerSourceRanges.`,
    ]);
  });
  it("TLS ports by number or name, all of them by default; several plain ports in the plural", () => {
    const cert = { [`${A}aws-load-balancer-ssl-cert`]: "arn:aws:acm:us-east-1:123456789012:certificate/x" };
    const ports = [{ name: "http", port: 80 }, { name: "https", port: 443 }, { name: "alt", port: 8080 }];
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc(cert, { ports }))).toEqual([]);
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({ ...cert, [`${A}aws-load-balancer-ssl-ports`]: "*" }, { ports }))).toEqual([]);
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({ ...cert, [`${A}aws-load-balancer-ssl-ports`]: "https, 8080" }, { ports }), { name: "s" })[0]).toMatch(/serves port 80 without TLS/);
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc(undefined, { ports }), { name: "s" })[0]).toMatch(/^s: internet-facing LoadBalancer with no loadBalancerSourceRanges serves ports 80, 443, 8080 without TLS;/);
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({}, { ports: [] }))).toEqual([]);
  });
  it("other Services are not applicable", () => {
    expect(resourceReason(Kr.loadBalancerServiceExposure, K.service, { spec: { type: "NodePort" } })).toBe("not a LoadBalancer Service");
    expect(resourceReason(Kr.loadBalancerServiceExposure, K.service, {})).toBe("not a LoadBalancer Service");
  });
});

describe("workloads without a pod spec", () => {
  it("give every pod rule nothing to report", () => {
    const rules = [Kr.noPrivileged, Kr.runAsNonRoot, Kr.noPrivilegeEscalation, Kr.dropAllCapabilities, Kr.requestsAndLimits, Kr.readinessProbes, Kr.imagesPinned, Kr.noHostAccess, Kr.secretsNotInPlainText, Kr.noDangerousCapabilities, Kr.seccompRuntimeDefault, Kr.readOnlyRootFilesystem];
    for (const rule of rules) for (const props of [{}, { spec: {} }]) expect(check(rule, K.deployment, props), rule.name).toEqual([]);
    expect(check(Kr.imagesPinned, K.helmRelease, { version: "1.0.0" })).toEqual([]);
    expect(check(Kr.noDangerousCapabilities, K.helmRelease, { version: "1.0.0" })).toEqual([]);
  });
});

describe("config schemas (defaults a stack overrides)", () => {
  const list = (d: string[]) => ({ type: "array", items: { type: "string" }, default: d });
  it("exempt lists start empty; capabilities allow NET_BIND_SERVICE; RBAC exempts kube-system", () => {
    for (const rule of [Kr.noPrivileged, Kr.runAsNonRoot, Kr.noPrivilegeEscalation, Kr.dropAllCapabilities, Kr.noHostAccess, Kr.seccompRuntimeDefault, Kr.readOnlyRootFilesystem]) {
      expect(rule.configSchema, rule.name).toEqual({ properties: { exempt: list([]) } });
    }
    expect(Kr.secretsNotInPlainText.configSchema).toEqual({ properties: { ignoreKeys: list([]) } });
    expect(Kr.noDangerousCapabilities.configSchema).toEqual({ properties: { allowedAdd: list(["NET_BIND_SERVICE"]), exempt: list([]) } });
    expect(Kr.noClusterAdminBindings.configSchema).toEqual({ properties: { exemptNamespaces: list(["kube-system"]), exemptSubjects: list([]) } });
    expect(Kr.imagesPinned.configSchema).toBeUndefined();
  });
});

describe("the Kubernetes rules", () => {
  it("are these fifteen, each described and mandatory", () => {
    expect(Kr.kubernetesRules.map((r) => r.name)).toEqual([
      "k8s-no-privileged", "k8s-run-as-non-root", "k8s-no-privilege-escalation", "k8s-drop-all-capabilities", "k8s-requests-limits",
      "k8s-readiness-probe", "k8s-image-pinned", "k8s-no-host-access", "k8s-secrets-not-in-plaintext", "k8s-pdb-for-multi-replica",
      "k8s-no-added-capabilities", "k8s-seccomp-runtime-default", "k8s-read-only-root-filesystem", "k8s-no-admin-bindings", "k8s-lb-service-restricted",
    ]);
    for (const r of Kr.kubernetesRules) expect(r.description.length, r.name).toBeGreaterThan(40);
    for (const r of Kr.kubernetesRules) expect(r.enforcementLevel, r.name).toBe("mandatory");
  });
});
