/** Kubernetes depth: capabilities added back, hostPort, seccomp, read-only root, admin bindings, exposed LoadBalancers. */
import { describe, expect, it } from "vitest";
import * as Kr from "../policy/kubernetes";
import { check, violations } from "./policy-args";

const { K } = Kr;

const hardened = (over: Record<string, any> = {}) => ({
  name: "app",
  image: "ghcr.io/x/app:1.0.0",
  securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] }, ...over },
});
const deployment = (container: Record<string, any>, pod: Record<string, any> = { seccompProfile: { type: "RuntimeDefault" } }) => ({
  metadata: { name: "app", namespace: "app" },
  spec: { template: { spec: { securityContext: { runAsNonRoot: true, ...pod }, containers: [container] } } },
});

describe("Pod Security Standards (restricted)", () => {
  it("k8s-no-added-capabilities: dropping ALL then adding SYS_ADMIN back is caught; NET_BIND_SERVICE passes", () => {
    expect(check(Kr.noDangerousCapabilities, K.deployment, deployment(hardened({ capabilities: { drop: ["ALL"], add: ["SYS_ADMIN"] } })), { name: "d" })).toEqual([
      "d: container app adds capabilities SYS_ADMIN; only NET_BIND_SERVICE may be added back (SYS_ADMIN is root on the node).",
    ]);
    expect(check(Kr.noDangerousCapabilities, K.deployment, deployment(hardened({ capabilities: { drop: ["ALL"], add: ["CAP_NET_RAW", "NET_ADMIN"] } })), { name: "d" })[0]).toMatch(/adds capabilities CAP_NET_RAW, NET_ADMIN/);
    expect(check(Kr.noDangerousCapabilities, K.deployment, deployment(hardened({ capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] } })))).toEqual([]);
    expect(check(Kr.noDangerousCapabilities, K.helmRelease, { chart: "x", version: "1.0.0", values: { securityContext: { capabilities: { add: ["SYS_PTRACE"] } } } }, { name: "h" })[0]).toMatch(/values securityContext.capabilities.add adds SYS_PTRACE/);
  });

  it("k8s-no-host-access: a container hostPort is caught", () => {
    const c = hardened();
    expect(check(Kr.noHostAccess, K.deployment, deployment({ ...c, ports: [{ containerPort: 8080, hostPort: 8080 }] }), { name: "d" })).toEqual([
      "d: container app binds hostPort 8080; expose it through a Service (a host port pins pods to nodes and bypasses NetworkPolicies).",
    ]);
    expect(check(Kr.noHostAccess, K.deployment, deployment({ ...c, ports: [{ containerPort: 8080 }] }))).toEqual([]);
  });

  it("k8s-seccomp-runtime-default: no profile or Unconfined is caught; RuntimeDefault on the pod passes", () => {
    expect(check(Kr.seccompRuntimeDefault, K.deployment, deployment(hardened(), {}), { name: "d" })).toEqual([
      "d: container app has no seccomp profile; set securityContext.seccompProfile.type: RuntimeDefault on the pod.",
    ]);
    expect(check(Kr.seccompRuntimeDefault, K.deployment, deployment(hardened({ seccompProfile: { type: "Unconfined" } })), { name: "d" })).toEqual([
      "d: container app seccompProfile.type is Unconfined; use RuntimeDefault.",
    ]);
    expect(check(Kr.seccompRuntimeDefault, K.deployment, deployment(hardened()))).toEqual([]);
    expect(check(Kr.seccompRuntimeDefault, K.deployment, deployment(hardened({ seccompProfile: { type: "RuntimeDefault" } }), {}))).toEqual([]);
  });

  it("k8s-read-only-root-filesystem: a writable root is caught", () => {
    expect(check(Kr.readOnlyRootFilesystem, K.deployment, deployment(hardened({ readOnlyRootFilesystem: false })), { name: "d" })).toEqual([
      "d: container app has a writable root filesystem; set securityContext.readOnlyRootFilesystem: true and mount an emptyDir where it writes.",
    ]);
    expect(check(Kr.readOnlyRootFilesystem, K.deployment, deployment(hardened()))).toEqual([]);
  });
});

describe("k8s-no-admin-bindings", () => {
  const crb = (roleRef: Record<string, any>, subjects: any[]) => ({ type: K.clusterRoleBinding, name: "binding", component: "k8s", props: { metadata: { name: "binding" }, roleRef: { apiGroup: "rbac.authorization.k8s.io", ...roleRef }, subjects } });
  const sa = (namespace: string, name: string) => ({ kind: "ServiceAccount", name, namespace });

  it("catches a workload service account bound to cluster-admin, or to a ClusterRole with verbs and resources '*'", () => {
    expect(violations(Kr.noClusterAdminBindings, [crb({ kind: "ClusterRole", name: "cluster-admin" }, [sa("api", "api")])])).toEqual([
      "binding: binds service account api/api to the built-in cluster-admin role; grant a Role with the verbs and resources it needs.",
    ]);
    const wildcard = { type: K.clusterRole, name: "everything", component: "k8s", props: { metadata: { name: "everything" }, rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }] } };
    expect(violations(Kr.noClusterAdminBindings, [wildcard, crb({ kind: "ClusterRole", name: "everything" }, [sa("workers", "workers")])])[0]).toMatch(/ClusterRole everything, which grants verbs "\*" on resources "\*"/);
    expect(violations(Kr.noClusterAdminBindings, [crb({ kind: "ClusterRole", name: "cluster-admin" }, [{ kind: "Group", name: "system:serviceaccounts" }])])[0]).toMatch(/group system:serviceaccounts/);
  });

  it("passes a scoped ClusterRole, and kube-system controllers", () => {
    const reader = { type: K.clusterRole, name: "reader", component: "k8s", props: { metadata: { name: "reader" }, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }] } };
    expect(violations(Kr.noClusterAdminBindings, [reader, crb({ kind: "ClusterRole", name: "reader" }, [sa("api", "api")])])).toEqual([]);
    expect(violations(Kr.noClusterAdminBindings, [crb({ kind: "ClusterRole", name: "cluster-admin" }, [sa("kube-system", "controller")])])).toEqual([]);
  });
});

describe("k8s-lb-service-restricted", () => {
  const svc = (annotations: Record<string, string>, spec: Record<string, any> = {}) => ({ metadata: { name: "api", namespace: "api", annotations }, spec: { type: "LoadBalancer", ports: [{ name: "http", port: 80 }], ...spec } });
  it("catches an internet-facing LoadBalancer on plain HTTP with no (or 0.0.0.0/0) source ranges", () => {
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" }), { name: "api-lb" })).toEqual([
      "api-lb: internet-facing LoadBalancer with no loadBalancerSourceRanges serves port 80 without TLS; add the service.beta.kubernetes.io/aws-load-balancer-ssl-cert annotation (ACM certificate) or restrict loadBalancerSourceRanges.",
    ]);
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({}, { loadBalancerSourceRanges: ["0.0.0.0/1", "128.0.0.0/1"] }), { name: "api-lb" })[0]).toMatch(/loadBalancerSourceRanges open to the internet/);
  });

  it("passes TLS on every port, restricted source ranges, an internal scheme, and ClusterIP Services", () => {
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({ "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:aws:acm:us-east-1:123456789012:certificate/x" }, { ports: [{ name: "https", port: 443 }] }))).toEqual([]);
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({}, { loadBalancerSourceRanges: ["203.0.113.0/24"] }))).toEqual([]);
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({ "service.beta.kubernetes.io/aws-load-balancer-scheme": "internal" }))).toEqual([]);
    expect(check(Kr.loadBalancerServiceExposure, K.service, { metadata: { name: "api" }, spec: { type: "ClusterIP", ports: [{ port: 80 }] } })).toEqual([]);
    // TLS on 443 only leaves 80 in plain text.
    expect(check(Kr.loadBalancerServiceExposure, K.service, svc({ "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "arn:x", "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": "443" }, { ports: [{ port: 80 }, { port: 443 }] }), { name: "s" })[0]).toMatch(/serves port 80 without TLS/);
  });
});
