/**
 * The rehearsal's rules on small hand-built plans: each rule passes a plan that would run and catches a
 * deliberately broken one. Expected numbers are worked out by hand from the sources named in rehearsal/.
 */
import { describe, expect, it } from "vitest";
import { allowedTypesFor, GPUS_PER_INSTANCE } from "../policy/thresholds";
import { GPU_INSTANCE_SPECS } from "../components/k8s/ollama";
import { buildModel } from "../rehearsal/model";
import { INSTANCE_TYPES } from "../components/cluster/instance-types";
import { allocatable, kubeReservedCpuMilli, kubeReservedMemoryMiB } from "../rehearsal/node-reserve";
import { cpuMilli, memoryMiB } from "../rehearsal/quantity";
import { checkCapacity, type CapacityAssumptions } from "../rehearsal/rules/capacity";
import { checkReachability } from "../rehearsal/rules/reachability";
import { checkReferences } from "../rehearsal/rules/references";
import { checkScheduling, packFirstFitDecreasing } from "../rehearsal/rules/scheduling";
import { checkStorage } from "../rehearsal/rules/storage";
import { resolveConfig } from "../infra/config";
import { renderRehearsalText } from "../rehearsal";
import { renderRehearsalMarkdown } from "../tools/plan-markdown";
import { planFails } from "../tools/plan-report";
import type { RegisteredResource } from "../tools/program";
import { rawConfigWith } from "./harness";

const urn = (type: string, name: string) => `urn:pulumi:test::p::${type}::${name}`;
function res(type: string, name: string, inputs: Record<string, any>, extra: { deps?: [string, string][]; component?: string; secretInputs?: string[]; provider?: string } = {}): RegisteredResource {
  return {
    urn: urn(type, name), type, name, custom: !type.startsWith("finishthisidea:"), inputs, component: extra.component,
    secretInputs: extra.secretInputs ?? [], inputDependencies: (extra.deps ?? []).map(([t, n]) => urn(t, n)),
    options: { protect: false, aliases: [], dependsOn: [], provider: extra.provider, ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false },
  };
}
const T = {
  eks: "aws:eks/cluster:Cluster", ng: "aws:eks/nodeGroup:NodeGroup", ns: "kubernetes:core/v1:Namespace", secret: "kubernetes:core/v1:Secret",
  deploy: "kubernetes:apps/v1:Deployment", sts: "kubernetes:apps/v1:StatefulSet", svc: "kubernetes:core/v1:Service", hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget", sc: "kubernetes:storage.k8s.io/v1:StorageClass", addon: "aws:eks/addon:Addon", attach: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  pm: "kubernetes:monitoring.coreos.com/v1:PodMonitor", np: "kubernetes:networking.k8s.io/v1:NetworkPolicy", sg: "aws:ec2/securityGroup:SecurityGroup",
  sgIn: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", rds: "aws:rds/instance:Instance", vpc: "aws:ec2/vpc:Vpc", helm: "kubernetes:helm.sh/v3:Release",
  so: "kubernetes:keda.sh/v1alpha1:ScaledObject",
};
const system = { "finishthisidea.io/pool": "system" };
const nodeGroup = (name: string, instanceTypes: string[], max: number, labels: Record<string, string> = system, taints: any[] = []) =>
  res(T.ng, name, { instanceTypes, labels, taints, scalingConfig: { minSize: 1, maxSize: max, desiredSize: 1 }, subnetIds: ["a", "b", "c"] });
const deployment = (name: string, ns: string, o: { cpu?: string; memory?: string; replicas?: number; nodeSelector?: any; labels?: any; ports?: any[]; envFrom?: any[]; gpus?: number; tolerations?: any[] } = {}) =>
  res(T.deploy, name, {
    metadata: { name, namespace: ns },
    spec: {
      replicas: o.replicas ?? 1,
      template: {
        metadata: { labels: o.labels ?? { app: name } },
        spec: {
          nodeSelector: o.nodeSelector ?? system,
          tolerations: o.tolerations,
          containers: [{
            name, ports: o.ports ?? [{ name: "http", containerPort: 3000 }], envFrom: o.envFrom,
            resources: { requests: { cpu: o.cpu ?? "250m", memory: o.memory ?? "256Mi" }, limits: o.gpus ? { "nvidia.com/gpu": String(o.gpus) } : {} },
          }],
        },
      },
    },
  });
const namespace = (name: string) => res(T.ns, `${name}-ns`, { metadata: { name } });

describe("rehearsal data", () => {
  it("knows every instance type any tier or the policy pack allows", () => {
    const missing = allowedTypesFor("enterprise").instanceTypes.filter((t) => !(t in INSTANCE_TYPES));
    expect(missing).toEqual([]);
  });

  it("gives Ollama the GPU types it sizes for, from the same table", () => {
    expect(Object.keys(GPU_INSTANCE_SPECS)).toEqual(["g4dn.xlarge", "g4dn.2xlarge", "g4dn.4xlarge", "g5.xlarge", "g5.2xlarge", "g5.4xlarge", "g6.xlarge", "g6.2xlarge", "g6.4xlarge"]);
    // g5.2xlarge: 8 vCPU, 32 GiB, one A10G (AWS G5 instance page).
    expect(GPU_INSTANCE_SPECS["g5.2xlarge"]).toEqual({ vcpu: 8, memoryGi: 32 });
  });

  it("agrees with the policy pack's GPU counts", () => {
    for (const [t, spec] of Object.entries(INSTANCE_TYPES)) if (t in GPUS_PER_INSTANCE) expect([t, spec.gpus]).toEqual([t, GPUS_PER_INSTANCE[t]]);
  });

  it("carries the published values of a few types (AWS docs, eni-max-pods.txt)", () => {
    expect(INSTANCE_TYPES["t3.medium"]).toEqual({ vcpu: 2, memoryMiB: 4096, maxPods: 17, gpus: 0 });
    expect(INSTANCE_TYPES["t3.large"]).toEqual({ vcpu: 2, memoryMiB: 8192, maxPods: 35, gpus: 0 });
    expect(INSTANCE_TYPES["m5.large"].maxPods).toBe(29);
    expect(INSTANCE_TYPES["c5.4xlarge"]).toEqual({ vcpu: 16, memoryMiB: 32768, maxPods: 234, gpus: 0 });
    expect(INSTANCE_TYPES["g4dn.2xlarge"]).toEqual({ vcpu: 8, memoryMiB: 32768, maxPods: 29, gpus: 1 });
  });

  it("reserves CPU and memory as nodeadm does", () => {
    // 6% of core 1 + 1% of core 2 (+ 0.5% of cores 3-4, + 0.25% above)
    expect(kubeReservedCpuMilli(2)).toBe(70);
    expect(kubeReservedCpuMilli(4)).toBe(80);
    expect(kubeReservedCpuMilli(8)).toBe(90);
    expect(kubeReservedCpuMilli(16)).toBe(110);
    expect(kubeReservedMemoryMiB(17)).toBe(442);
    expect(kubeReservedMemoryMiB(234)).toBe(2829);
    // t3.medium: 2000 - 70 CPU; 4096 x 0.925 = 3788 - 442 - 100 memory
    expect(allocatable("t3.medium")).toEqual({ cpuMilli: 1930, memoryMiB: 3246, pods: 17, gpus: 0 });
  });

  it("reads quantities", () => {
    expect([cpuMilli("500m"), cpuMilli("2"), cpuMilli("1.5"), cpuMilli(undefined)]).toEqual([500, 2000, 1500, 0]);
    expect([memoryMiB("256Mi"), memoryMiB("4Gi"), memoryMiB("1024Ki"), Math.round(memoryMiB("1G"))]).toEqual([256, 4096, 1, 954]);
  });
});

describe("scheduling", () => {
  const eks = res(T.eks, "cluster-eks", {});
  it("passes pods that fit their pool at max scale", () => {
    const r = checkScheduling(buildModel([eks, nodeGroup("system", ["t3.medium"], 2), namespace("app"), deployment("web", "app", { replicas: 2, cpu: "500m" })]));
    expect(r.failures).toEqual([]);
  });

  it("catches a 2-CPU pod on 2-vCPU nodes, naming the shortfall", () => {
    const r = checkScheduling(buildModel([eks, nodeGroup("system", ["t3.large"], 4), namespace("app"), deployment("workers", "app", { cpu: "2", memory: "4Gi" })]));
    expect(r.failures.map((f) => f.resource)).toEqual(["Deployment app/workers"]);
    // t3.large: 2000m - 70m kube-reserved - 180m node agents (aws-node 50m, kube-proxy 100m, ebs-csi-node 30m) = 1750m
    expect(r.failures[0].problem).toContain("requests 2 CPU, 1750m allocatable (short 250m)");
  });

  it("catches a pod that matches no node group and a GPU pod on a pool without GPUs", () => {
    const r = checkScheduling(buildModel([eks, nodeGroup("system", ["c5.xlarge"], 2), namespace("app"),
      deployment("lost", "app", { nodeSelector: { "finishthisidea.io/pool": "gpu" } }), deployment("llm", "app", { gpus: 1 })]));
    expect(r.failures.map((f) => [f.resource, f.problem.split(":")[0]])).toEqual([
      ["Deployment app/lost", expect.stringContaining("matches no node group")],
      ["Deployment app/llm", "fits no system node"],
    ]);
  });

  it("catches more pods at HPA max than the pool's max nodes hold, and says how many nodes they need", () => {
    const hpa = res(T.hpa, "web-hpa", { metadata: { name: "web", namespace: "app" }, spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 8 } });
    // t3.medium: 1750m free per node; 1 CPU pods -> 1 per node; 8 pods + 4 add-on pods need 8 nodes.
    const r = checkScheduling(buildModel([eks, nodeGroup("system", ["t3.medium"], 4), namespace("app"), deployment("web", "app", { cpu: "1", memory: "1Gi" }), hpa]));
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ resource: "NodeGroup system", fix: expect.stringContaining("raise api.nodes.max to 8") });
    expect(r.failures[0].problem).toContain("4 x Deployment app/web");
  });

  it("packs first-fit decreasing", () => {
    const bin = { cpuMilli: 1000, memoryMiB: 1000, pods: 10, gpus: 0 };
    const item = (c: number) => ({ id: `p${c}`, cpuMilli: c, memoryMiB: 1, gpus: 0 });
    expect(packFirstFitDecreasing([item(300), item(700), item(500), item(500)], bin, 2)).toEqual({ nodesUsed: 2, unplaced: [] });
    expect(packFirstFitDecreasing([item(600), item(600), item(600)], bin, 2).unplaced.map((u) => u.id)).toEqual(["p600"]);
  });
});

describe("storage", () => {
  const base = [res(T.eks, "cluster-eks", {}), nodeGroup("system", ["t3.medium"], 2), res(T.addon, "ebs", { addonName: "aws-ebs-csi-driver", serviceAccountRoleArn: "arn" }),
    res(T.attach, "ebs-policy", { policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" })];
  const sc = (name: string, isDefault: boolean, bindingMode = "WaitForFirstConsumer") => res(T.sc, name, {
    metadata: { name, annotations: isDefault ? { "storageclass.kubernetes.io/is-default-class": "true" } : {} }, provisioner: "ebs.csi.aws.com", volumeBindingMode: bindingMode,
  });
  const sts = (className?: string) => res(T.sts, "db", { metadata: { name: "db", namespace: "app" }, spec: { replicas: 1, template: { spec: { containers: [] } }, volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { storageClassName: className, resources: { requests: { storage: "10Gi" } } } }] } });
  const prometheus = res(T.helm, "kps", { chart: "kube-prometheus-stack", name: "kube-prometheus-stack", namespace: "monitoring", values: { prometheus: { prometheusSpec: { storageSpec: { volumeClaimTemplate: { spec: { resources: { requests: { storage: "50Gi" } } } } } } } } });

  it("passes claims that name a created class or fall to the default", () => {
    expect(checkStorage(buildModel([...base, sc("gp3", true), sc("fast", false), sts("fast"), prometheus])).failures).toEqual([]);
  });

  it("catches a claim with no class and no default class, and a claim naming a class the plan does not create", () => {
    const r = checkStorage(buildModel([...base, sc("fast", false), sts("missing"), prometheus]));
    expect(r.failures.map((f) => f.resource)).toEqual(["StatefulSet app/db", "Helm kube-prometheus-stack prometheus"]);
    expect(r.failures[0].problem).toContain("names StorageClass missing, which the plan does not create");
    expect(r.failures[1].problem).toContain("names no StorageClass and the plan marks none as default");
  });

  it("catches a missing EBS CSI add-on and Immediate binding across zones", () => {
    const r = checkStorage(buildModel([res(T.eks, "cluster-eks", {}), nodeGroup("system", ["t3.medium"], 2), sc("gp3", true, "Immediate")]));
    expect(r.failures.map((f) => f.problem.slice(0, 40))).toEqual([
      "provisioner ebs.csi.aws.com but the plan",
      "volumeBindingMode Immediate: EBS volumes",
    ]);
  });
});

describe("references", () => {
  const app = [namespace("app"), res(T.secret, "env", { metadata: { name: "env", namespace: "app" } }),
    deployment("web", "app", { envFrom: [{ secretRef: { name: "env" } }] }),
    res(T.svc, "web-svc", { metadata: { name: "web", namespace: "app" }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "http" }] } }),
    res(T.pdb, "web-pdb", { metadata: { name: "web", namespace: "app" }, spec: { selector: { matchLabels: { app: "web" } } } }),
    res(T.hpa, "web-hpa", { metadata: { name: "web", namespace: "app" }, spec: { scaleTargetRef: { kind: "Deployment", name: "web" }, maxReplicas: 2 } }),
    res(T.pm, "web-pm", { metadata: { name: "web", namespace: "monitoring" }, spec: { namespaceSelector: { matchNames: ["app"] }, selector: { matchLabels: { app: "web" } }, podMetricsEndpoints: [{ port: "http" }] } })];

  it("passes a workload whose references all resolve", () => {
    expect(checkReferences(buildModel(app)).failures).toEqual([]);
  });

  it("catches a missing Secret, a wrong targetPort, a dangling HPA, an empty PDB and a PodMonitor on a closed port", () => {
    const broken = [namespace("app"),
      deployment("web", "app", { envFrom: [{ secretRef: { name: "nope" } }] }),
      res(T.svc, "web-svc", { metadata: { name: "web", namespace: "app" }, spec: { selector: { app: "web" }, ports: [{ name: "http", port: 80, targetPort: "metrics" }] } }),
      res(T.pdb, "web-pdb", { metadata: { name: "web", namespace: "app" }, spec: { selector: { matchLabels: { app: "api" } } } }),
      res(T.hpa, "web-hpa", { metadata: { name: "web", namespace: "app" }, spec: { scaleTargetRef: { kind: "Deployment", name: "webb" }, maxReplicas: 2 } }),
      res(T.pm, "web-pm", { metadata: { name: "web", namespace: "monitoring" }, spec: { namespaceSelector: { matchNames: ["app"] }, selector: { matchLabels: { app: "web" } }, podMetricsEndpoints: [{ portNumber: 9999 }] } })];
    expect(checkReferences(buildModel(broken)).failures.map((f) => f.resource)).toEqual([
      "Deployment app/web", "Service app/web", "HorizontalPodAutoscaler app/web", "PodDisruptionBudget app/web", "PodMonitor monitoring/web",
    ]);
  });

  it("catches a prometheus-adapter rule over a series no scraped target produces", () => {
    const adapter = (series: string) => res(T.helm, "adapter", { chart: "prometheus-adapter", name: "prometheus-adapter", namespace: "kube-system", values: { rules: { custom: [{ seriesQuery: `${series}{namespace!=""}` }] } } });
    const api = [namespace("api"), deployment("api", "api", { labels: { "app.kubernetes.io/name": "api" } }),
      res(T.pm, "api-pm", { metadata: { name: "api", namespace: "monitoring" }, spec: { namespaceSelector: { matchNames: ["api"] }, selector: { matchLabels: { "app.kubernetes.io/name": "api" } }, podMetricsEndpoints: [{ portNumber: 3000 }] } })];
    expect(checkReferences(buildModel([...api, adapter("http_requests_total")])).failures).toEqual([]);
    expect(checkReferences(buildModel([...api, adapter("nginx_requests_total")])).failures.map((f) => f.resource)).toEqual(["Helm prometheus-adapter rule nginx_requests_total"]);
  });
});

describe("reachability", () => {
  const db = "finishthisidea:data:Database";
  const world = (o: { policyFrom?: string; sgAdmits?: boolean; replicaUsed?: boolean; replicaVpc?: string } = {}) => {
    const writer = res(T.rds, "database-primary", { port: 5432 }, { deps: [[T.sg, "database-sg"]], component: "database", provider: "aws-database-us-east-1" });
    const replica = res(T.rds, "database-replica-us-west-2", { replicateSourceDb: "x" }, { deps: [[T.sg, "replica-sg"]], component: "database", provider: "aws-database-us-west-2" });
    const pgbouncer = deployment("pgbouncer", "pgbouncer", { labels: { "app.kubernetes.io/name": "pgbouncer" }, ports: [{ name: "pgbouncer", containerPort: 6432 }] });
    const api = deployment("api", "api", { labels: { "app.kubernetes.io/name": "api" }, envFrom: [{ secretRef: { name: "api-env" } }] });
    const apiEnv = res(T.secret, "api-env", { metadata: { name: "api-env", namespace: "api" } }, { deps: [[T.rds, "database-primary"], ...(o.replicaUsed ? [[T.rds, "database-replica-us-west-2"] as [string, string]] : [])] });
    api.inputDependencies = [urn(T.secret, "api-env")];
    return [
      res(T.eks, "cluster-eks", {}), res(T.vpc, "network-vpc", { cidrBlock: "10.0.0.0/16" }), res(db, "database", {}),
      namespace("api"), namespace("pgbouncer"), apiEnv, api, pgbouncer, writer, replica,
      res(T.sg, "database-sg", { vpcId: "network-vpc-id" }),
      res(T.sg, "replica-sg", { vpcId: o.replicaVpc ?? "replica-vpc-id" }),
      ...(o.sgAdmits === false ? [] : [res(T.sgIn, "database-sg-in", { securityGroupId: "database-sg-id", fromPort: 5432, toPort: 5432 }, { deps: [[T.eks, "cluster-eks"]] })]),
      res(T.np, "pgb-policy", { metadata: { name: "clients", namespace: "pgbouncer" }, spec: {
        podSelector: { matchLabels: { "app.kubernetes.io/name": "pgbouncer" } }, policyTypes: ["Ingress"],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": o.policyFrom ?? "api" } } }], ports: [{ port: 6432 }] }],
      } }),
    ];
  };

  it("passes API -> PgBouncer -> writer, and reports an unused cross-region replica as DR-only", () => {
    const r = checkReachability(buildModel(world()));
    expect(r.failures).toEqual([]);
    expect(r.notes.join("\n")).toContain("database-replica-us-west-2 (us-west-2): no client is handed its URL (no pod gets DATABASE_READ_URL): DR-only replica");
  });

  it("catches a NetworkPolicy that leaves the API out and a writer whose security group admits no one", () => {
    const r = checkReachability(buildModel(world({ policyFrom: "workers", sgAdmits: false })));
    expect(r.failures.map((f) => f.resource)).toEqual(["Deployment api/api -> Deployment pgbouncer/pgbouncer", "database-primary"]);
  });

  it("catches a replica pods are handed but that sits in another VPC", () => {
    const r = checkReachability(buildModel(world({ replicaUsed: true })));
    expect(r.failures.map((f) => [f.resource, f.problem.includes("another VPC")])).toEqual([["database-replica-us-west-2", true]]);
  });
});

describe("capacity", () => {
  const a: CapacityAssumptions = { peakJobsPerHour: 100, peakRequestsPerSecond: 100, jobSeconds: 45, generationsPerJob: 1, generationSeconds: 30, cloudFallback: false };
  const plan = (workers: number, ollama: number, apiMax: number) => buildModel([
    res(T.so, "workers", { metadata: { name: "workers", namespace: "workers" }, spec: { maxReplicaCount: workers } }),
    res(T.sts, "ollama", { metadata: { name: "ollama", namespace: "ollama" }, spec: { replicas: ollama, template: { spec: { containers: [{ env: [{ name: "OLLAMA_NUM_PARALLEL", value: "4" }] }] } } } }),
    res(T.hpa, "api", { metadata: { name: "api", namespace: "api" }, spec: { maxReplicas: apiMax, metrics: [{ type: "Pods", pods: { metric: { name: "http_requests_per_second" }, target: { averageValue: "40" } } }] } }),
  ]);

  it("passes a plan that carries the peak", () => {
    // 2 x 3600 / 45 = 160 jobs/h >= 100; 100 x 30 / 3600 = 0.8 generations <= 4; 3 x 40 = 120 rps >= 100
    expect(checkCapacity(plan(2, 1, 3), a).failures).toEqual([]);
  });

  it("catches too few workers, Ollama short without a fallback, and too few API pods", () => {
    const r = checkCapacity(plan(1, 0, 2), a);
    expect(r.failures.map((f) => f.problem.split(" (short")[1]?.split(")")[0])).toEqual([" 20", " 0.8", " 20"]);
    expect(r.failures.map((f) => f.fix.split(" (")[0])).toEqual(["raise workers.replicas.max to 2", "raise gpu.ollamaReplicas to 1", "raise api.replicas.max to 3"]);
  });

  it("lets the cloud fallback carry what Ollama cannot, and says how much", () => {
    const r = checkCapacity(plan(2, 0, 3), { ...a, cloudFallback: true });
    expect(r.failures).toEqual([]);
    expect(r.notes.join("\n")).toContain("the cloud-LLM fallback carries 100% of generations at peak");
  });
});

describe("the rehearsal in the plan", () => {
  const failure = { rule: "storage" as const, resource: "Helm kube-prometheus-stack prometheus", problem: "claim prometheus-db names no StorageClass", fix: "create a default gp3 StorageClass" };
  const report = (failures: typeof failure[]) => ({
    rules: [{ rule: "storage" as const, title: "Storage", checks: 3, failures, notes: ["3 claims"] }],
    checks: 3, failures, assumptions: { peakJobsPerHour: 100 },
  });
  const policy = (mandatoryViolations: number) => ({ mandatoryViolations }) as any;

  it("fails the plan on a rehearsal failure as on a mandatory violation", () => {
    expect(planFails({ policy: policy(0), rehearsal: report([]) })).toBe(false);
    expect(planFails({ policy: policy(0), rehearsal: report([failure]) })).toBe(true);
    expect(planFails({ policy: policy(1), rehearsal: report([]) })).toBe(true);
  });

  it("prints checks, each failure with its fix, notes and assumptions as text and Markdown", () => {
    const text = renderRehearsalText(report([failure])).join("\n");
    expect(text).toContain("Rehearsal (3 checks, 1 failures):");
    expect(text).toContain("FAIL Helm kube-prometheus-stack prometheus: claim prometheus-db names no StorageClass");
    expect(text).toContain("fix: create a default gp3 StorageClass");
    expect(text).toContain("assumptions: peakJobsPerHour=100");
    const md = renderRehearsalMarkdown({ rehearsal: report([failure]) }, "##").join("\n");
    expect(md).toContain("## Rehearsal");
    expect(md).toContain("❌ 1 failure (3 checks)");
    expect(md).toContain("| storage | Helm kube-prometheus-stack prometheus | claim prometheus-db names no StorageClass | create a default gp3 StorageClass |");
    expect(renderRehearsalMarkdown({ rehearsal: report([]) }, "##").join("\n")).toContain("✅ would run (3 checks)");
  });
});

describe("the sizes the rehearsal made tier data", () => {
  it("refuses a worker request or a Prometheus volume that is no valid size, naming the key", () => {
    const overrides = { workers: { resources: { requests: { cpu: "two cores", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } } }, prometheus: { storageGi: 5 } };
    expect(() => resolveConfig(rawConfigWith({ tier: "mvp", overrides }), "finishthisidea", "test")).toThrow(
      /overrides\.workers\.resources\.requests\.cpu: got "two cores"; expected a Kubernetes quantity[\s\S]*overrides\.prometheus\.storageGi: got 5; expected an integer >= 10/,
    );
  });
});

describe("pod groups", () => {
  it("reads Jobs and CronJobs at their parallelism and DaemonSets per node, with init containers' larger requests", () => {
    const podSpec = (cpu: string) => ({ nodeSelector: system, containers: [{ name: "c", resources: { requests: { cpu, memory: "64Mi" } } }], initContainers: [{ name: "i", resources: { requests: { cpu: "2", memory: "1Gi" } } }] });
    const m = buildModel([namespace("jobs"),
      res("kubernetes:batch/v1:Job", "migrate", { metadata: { name: "migrate", namespace: "jobs" }, spec: { parallelism: 3, template: { spec: podSpec("100m") } } }),
      res("kubernetes:batch/v1:CronJob", "report", { metadata: { name: "report", namespace: "jobs" }, spec: { jobTemplate: { spec: { template: { spec: podSpec("100m") } } } } }),
      res("kubernetes:apps/v1:DaemonSet", "agent", { metadata: { name: "agent", namespace: "jobs" }, spec: { template: { spec: podSpec("50m") } } })]);
    expect(m.pods.map((p) => [p.id, p.replicas, p.daemonSet, p.cpuMilli, p.memoryMiB])).toEqual([
      ["Job jobs/migrate", 3, false, 2000, 1024],
      ["CronJob jobs/report", 1, false, 2000, 1024],
      ["DaemonSet jobs/agent", 0, true, 2000, 1024],
    ]);
  });
});

describe("Helm pods", () => {
  it("sizes a chart's pods from its values and defaults, named as a repository or an OCI chart", () => {
    const release = (chart: string) => res(T.helm, "nth", { chart, name: "nth", namespace: "kube-system", values: { nodeSelector: system } });
    const oci = buildModel([release("oci://public.ecr.aws/aws-ec2/helm/aws-node-termination-handler")]).pods.filter((p) => p.id.startsWith("Helm"));
    expect(oci.map((p) => [p.id, p.replicas, p.nodeSelector])).toEqual([["Helm nth aws-node-termination-handler (queue mode)", 1, system]]);
    const keda = buildModel([res(T.helm, "keda", { chart: "keda", name: "keda", namespace: "keda", values: { operator: { replicaCount: 2 } } })]).pods;
    // keda chart defaults: 100m / 100Mi per pod, one replica unless set
    expect(keda.map((p) => [p.name, p.replicas, p.cpuMilli, p.memoryMiB])).toEqual([["operator", 2, 100, 100], ["metrics-apiserver", 1, 100, 100], ["admission-webhooks", 1, 100, 100]]);
  });
});
