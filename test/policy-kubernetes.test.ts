import { describe, expect, it } from "vitest";
import * as Kr from "../policy/kubernetes";
import { check, violations, type FakeResource } from "./policy-args";

const { K } = Kr;

const container = (over: Record<string, any> = {}) => ({
  name: "app",
  image: "ghcr.io/finishthisidea/api:1.4.1",
  securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] }, readOnlyRootFilesystem: true },
  resources: { requests: { cpu: "500m", memory: "512Mi" }, limits: { memory: "1Gi" } },
  readinessProbe: { httpGet: { path: "/ready", port: 8080 } },
  env: [{ name: "DATABASE_URL", valueFrom: { secretKeyRef: { name: "db", key: "url" } } }, { name: "LOG_LEVEL", value: "info" }],
  ...over,
});

const podSpec = (c: Record<string, any> = container(), extra: Record<string, any> = {}): Record<string, any> => ({ securityContext: { runAsNonRoot: true, runAsUser: 10001 }, containers: [c], ...extra });
const labels = { "app.kubernetes.io/name": "api" };
const deployment = (spec: Record<string, any> = podSpec(), replicas: number | undefined = 2) => ({ metadata: { name: "api", namespace: "app" }, spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec } } });

/** The same pod spec wrapped in every workload kind. */
const kinds = (spec: Record<string, any>): [string, Record<string, any>][] => [
  [K.deployment, deployment(spec)],
  [K.statefulSet, { ...deployment(spec), spec: { ...deployment(spec).spec, serviceName: "api" } }],
  [K.daemonSet, { metadata: { name: "agent" }, spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec } } }],
  [K.job, { metadata: { name: "migrate" }, spec: { template: { spec } } }],
  [K.cronJob, { metadata: { name: "cleanup" }, spec: { schedule: "0 * * * *", jobTemplate: { spec: { template: { spec } } } } }],
  [K.pod, { metadata: { name: "debug" }, spec }],
];

const podRules = [Kr.noPrivileged, Kr.runAsNonRoot, Kr.noPrivilegeEscalation, Kr.dropAllCapabilities, Kr.requestsAndLimits, Kr.readinessProbes, Kr.imagesPinned, Kr.noHostAccess, Kr.secretsNotInPlainText];

describe("pod rules on every workload kind", () => {
  it.each(kinds(podSpec()))("a hardened %s passes every pod rule", (type, props) => {
    for (const rule of podRules) expect(check(rule, type, props), rule.name).toEqual([]);
  });

  it.each(kinds(podSpec(container({ securityContext: { privileged: true, runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } }))))(
    "k8s-no-privileged catches a privileged container in a %s", (type, props) => {
      expect(check(Kr.noPrivileged, type, props, { name: "w" })).toEqual(["w: container app is privileged (securityContext.privileged: true); privileged containers own the node."]);
    });
});

describe("container hardening rules", () => {
  it("k8s-run-as-non-root catches a missing runAsNonRoot and runAsUser 0", () => {
    const rootable = container({ securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } } });
    expect(check(Kr.runAsNonRoot, K.deployment, deployment(podSpec(rootable, { securityContext: {} })), { name: "w" })).toEqual(["w: container app may run as root; set securityContext.runAsNonRoot: true (pod or container)."]);
    expect(check(Kr.runAsNonRoot, K.deployment, deployment(podSpec(container({ securityContext: { runAsNonRoot: true, runAsUser: 0 } }))), { name: "w" })).toEqual(["w: container app sets runAsUser 0 (root)."]);
  });

  it("k8s-no-privilege-escalation catches an unset allowPrivilegeEscalation, including in init containers", () => {
    const spec = podSpec(container(), { initContainers: [container({ name: "init", securityContext: { runAsNonRoot: true, capabilities: { drop: ["ALL"] } } })] });
    expect(check(Kr.noPrivilegeEscalation, K.statefulSet, deployment(spec), { name: "w" })).toEqual(["w: initContainer init does not set securityContext.allowPrivilegeEscalation: false."]);
  });

  it("k8s-drop-all-capabilities catches a container that only drops NET_RAW", () => {
    const c = container({ securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ["NET_RAW"] } } });
    expect(check(Kr.dropAllCapabilities, K.daemonSet, deployment(podSpec(c)), { name: "w" })[0]).toMatch(/does not drop ALL capabilities/);
  });

  it("k8s-requests-limits catches missing requests and limits (CPU limit only when configured)", () => {
    expect(check(Kr.requestsAndLimits, K.job, { spec: { template: { spec: podSpec(container({ resources: { requests: { cpu: "1" } } })) } } }, { name: "w" })).toEqual([
      "w: container app has no resources.requests.memory, resources.limits.memory; the scheduler and the cost model need them.",
    ]);
    expect(check(Kr.requestsAndLimits, K.deployment, deployment(), { config: { requireCpuLimit: true } })[0]).toMatch(/limits\.cpu/);
  });

  it("k8s-readiness-probe catches a Deployment container without one, and leaves Jobs alone", () => {
    const spec = podSpec(container({ readinessProbe: undefined }));
    expect(check(Kr.readinessProbes, K.deployment, deployment(spec), { name: "w" })).toEqual(["w: container app has no readinessProbe; traffic would reach it before it is ready."]);
    expect(check(Kr.readinessProbes, K.job, { spec: { template: { spec } } })).toEqual([]);
  });

  it("k8s-image-pinned catches latest and a missing tag, and accepts digests and registry ports", () => {
    expect(Kr.imageProblem("registry:5000/team/app:2.1.0")).toBeUndefined();
    expect(Kr.imageProblem("ghcr.io/x/app@sha256:abc")).toBeUndefined();
    expect(Kr.imageProblem("registry:5000/team/app")).toBe("image registry:5000/team/app has no tag (pulls latest)");
    expect(check(Kr.imagesPinned, K.cronJob, kinds(podSpec(container({ image: "ollama/ollama:latest" })))[4][1], { name: "w" })).toEqual([
      'w: container app: image ollama/ollama:latest uses the tag "latest"; pin a version tag or digest.',
    ]);
  });

  it("k8s-no-host-access catches hostNetwork, hostPID and hostPath, unless the workload is exempt", () => {
    const spec = podSpec(container(), { hostNetwork: true, hostPID: true, volumes: [{ name: "root", hostPath: { path: "/" } }] });
    expect(check(Kr.noHostAccess, K.daemonSet, deployment(spec), { name: "w" })).toEqual([
      "w: pod spec sets hostNetwork: true; pods stay out of the node's namespaces.",
      "w: pod spec sets hostPID: true; pods stay out of the node's namespaces.",
      "w: volume root mounts hostPath /; use a PVC, emptyDir or projected volume.",
    ]);
    expect(check(Kr.noHostAccess, K.daemonSet, deployment(spec), { config: { exempt: ["app/api"] } })).toEqual([]);
  });

  it("k8s-secrets-not-in-plaintext catches a password env literal and credentials in a ConfigMap", () => {
    const c = container({ env: [{ name: "REDIS_PASSWORD", value: "hunter2" }, { name: "LOG_LEVEL", value: "info" }] });
    expect(check(Kr.secretsNotInPlainText, K.deployment, deployment(podSpec(c)), { name: "w" })).toEqual([
      "w: container app env REDIS_PASSWORD is named like a secret and holds an opaque literal as a literal value; use valueFrom.secretKeyRef.",
    ]);
    expect(check(Kr.secretsNotInPlainText, K.configMap, { data: { "pgbouncer.ini": "[databases]\napp = host=db dbname=app", "settings.yaml": "level: info" } })).toEqual([]);
    expect(check(Kr.secretsNotInPlainText, K.configMap, { data: { DATABASE_URL: "postgres://app:pw@db:5432/app" } }, { name: "cm" })).toEqual([
      "cm: ConfigMap key DATABASE_URL holds a URL with a password (scheme://user:password@host); put it in a Secret.",
    ]);
    expect(check(Kr.secretsNotInPlainText, K.configMap, { data: { "app.ini": "dsn = postgres://app:pw@db/app" } }, { name: "cm" })[0]).toMatch(/app.ini holds a URL with a password/);
    expect(check(Kr.secretsNotInPlainText, K.configMap, { data: { "users.txt": '"app" "SCRAM-SHA-256$4096:c2FsdA==$a:b"' } }, { name: "cm" })).toEqual([
      "cm: ConfigMap key users.txt holds a PgBouncer userlist entry; put it in a Secret.",
    ]);
  });
});

describe("Helm releases", () => {
  const release = (values: Record<string, any>, version: string | undefined = "2.16.0") => ({ chart: "keda", version, repositoryOpts: { repo: "https://kedacore.github.io/charts" }, values });
  const helmRules = [Kr.noPrivileged, Kr.runAsNonRoot, Kr.noPrivilegeEscalation, Kr.imagesPinned, Kr.noHostAccess];

  it.each([K.helmRelease, K.helmChart])("a pinned %s with hardened values passes", (type) => {
    const values = { securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false }, image: { tag: "2.16.0" } };
    for (const rule of helmRules) expect(check(rule, type, release(values)), rule.name).toEqual([]);
  });

  it("catches an unpinned chart, a latest tag, privileged values and host networking", () => {
    expect(check(Kr.imagesPinned, K.helmRelease, { ...release({ image: { tag: "latest" } }), version: undefined }, { name: "keda" })).toEqual([
      "Helm release keda (chart keda): chart version undefined is not pinned; set an exact version.",
      'Helm release keda (chart keda): values image.tag is "latest"; pin a version.',
    ]);
    expect(check(Kr.noPrivileged, K.helmChart, release({ operator: { securityContext: { privileged: true } } }), { name: "keda" })).toEqual([
      "Helm release keda (chart keda): values operator.securityContext.privileged is true; no privileged containers.",
    ]);
    expect(check(Kr.noHostAccess, K.helmRelease, release({ hostNetwork: true }), { name: "keda" })[0]).toMatch(/values hostNetwork is true/);
  });
});

describe("k8s-pdb-for-multi-replica", () => {
  const pdb: FakeResource = { type: K.pdb, name: "api-pdb", component: "api", props: { metadata: { namespace: "app" }, spec: { maxUnavailable: 1, selector: { matchLabels: labels } } } };
  const dep = (replicas: number): FakeResource => ({ type: K.deployment, name: "api", component: "api", props: deployment(podSpec(), replicas) });

  it("passes a multi-replica Deployment with a matching PDB, and a single replica without one", () => {
    expect(violations(Kr.pdbForMultiReplica, [dep(3), pdb])).toEqual([]);
    expect(violations(Kr.pdbForMultiReplica, [dep(1)])).toEqual([]);
  });

  it("catches a multi-replica Deployment without a PDB, and one whose HPA minimum is above 1", () => {
    expect(violations(Kr.pdbForMultiReplica, [dep(3)])).toEqual([
      'api: runs 3 replicas but no PodDisruptionBudget selects its pods (labels {"app.kubernetes.io/name":"api"}); a node drain could take them all down.',
    ]);
    const noReplicas = { ...dep(1), props: { ...deployment(), spec: { ...deployment().spec, replicas: undefined } } };
    const hpa: FakeResource = { type: K.hpa, name: "api-hpa", component: "api", props: { metadata: { namespace: "app" }, spec: { scaleTargetRef: { kind: "Deployment", name: "<computed>" }, minReplicas: 20, maxReplicas: 50 } } };
    expect(violations(Kr.pdbForMultiReplica, [noReplicas, hpa])[0]).toMatch(/^api: runs 20 replicas/);
    const otherLabels = { ...pdb, props: { ...pdb.props, spec: { selector: { matchLabels: { "app.kubernetes.io/name": "worker" } } } } };
    expect(violations(Kr.pdbForMultiReplica, [dep(2), otherLabels])).toHaveLength(1);
  });
});
