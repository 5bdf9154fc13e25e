/**
 * The pods each Helm release runs, as far as its values size them, with the chart's own defaults where our
 * values leave something unset. Defaults are from each chart's values.yaml at the version the plan pins
 * (components/k8s/addons.ts, components/observability/observability.ts); a chart bump that changes them needs
 * this table to follow. `resources: {}` in a chart means no requests: the pod still takes a pod slot.
 * Checked against the charts at their tags: keda v2.17.0 and v2.18.3 `keda/values.yaml` (operator, metricServer,
 * webhooks: 100m / 100Mi each), metrics-server-helm-chart-3.12.2 `charts/metrics-server/values.yaml` (100m / 200Mi).
 */
import type { RegisteredResource } from "../tools/registered";
import type { Claim, PodGroup, Toleration } from "./model";
import { cpuMilli, memoryMiB } from "./quantity";

interface ChartPod {
  /** Which pods, for findings. */
  part: string;
  replicas: (v: any) => number;
  /** Requests when the values set none (chart default). */
  defaultRequests?: { cpu: string; memory: string };
  /** Where in the values the pod's settings live (nodeSelector, tolerations, resources). */
  at: (v: any) => any;
  daemonSet?: boolean;
  /** Extra containers the chart adds beside the main one (config reloaders), per pod. */
  sidecars?: { cpu: string; memory: string };
  claims?: (v: any) => Claim[];
  labels?: Record<string, string>;
  ports?: { name?: string; containerPort: number }[];
}

const get = (o: any, path: string) => path.split(".").reduce((x, k) => (x == null ? x : x[k]), o);
const vct = (name: string, spec: any): Claim[] => (spec ? [{ name, storageClassName: spec.storageClassName, size: spec.resources?.requests?.storage }] : []);

/** Per chart name: a version the defaults were read at, and its pods. */
export const CHART_PODS: Record<string, { version: string; pods: ChartPod[] }> = {
  "metrics-server": { version: "3.12.2", pods: [{ part: "metrics-server", replicas: (v) => v.replicas ?? 1, defaultRequests: { cpu: "100m", memory: "200Mi" }, at: (v) => v }] },
  keda: {
    version: "2.17.0",
    pods: [
      { part: "operator", replicas: (v) => get(v, "operator.replicaCount") ?? 1, defaultRequests: { cpu: "100m", memory: "100Mi" }, at: (v) => ({ ...v, resources: get(v, "resources.operator") }) },
      { part: "metrics-apiserver", replicas: (v) => get(v, "metricsServer.replicaCount") ?? 1, defaultRequests: { cpu: "100m", memory: "100Mi" }, at: (v) => ({ ...v, resources: get(v, "resources.metricServer") }) },
      { part: "admission-webhooks", replicas: (v) => get(v, "webhooks.replicaCount") ?? 1, defaultRequests: { cpu: "100m", memory: "100Mi" }, at: (v) => ({ ...v, resources: get(v, "resources.webhooks") }) },
    ],
  },
  "nvidia-device-plugin": { version: "0.17.0", pods: [{ part: "device-plugin", replicas: () => 0, daemonSet: true, at: (v) => v }] },
  "prometheus-adapter": { version: "4.11.0", pods: [{ part: "prometheus-adapter", replicas: (v) => v.replicas ?? 1, at: (v) => v }] },
  "cluster-autoscaler": { version: "9.43.2", pods: [{ part: "cluster-autoscaler", replicas: (v) => v.replicaCount ?? 1, at: (v) => v }] },
  "aws-node-termination-handler": { version: "0.21.0", pods: [{ part: "aws-node-termination-handler (queue mode)", replicas: (v) => v.replicas ?? 1, at: (v) => v }] },
  "aws-load-balancer-controller": { version: "1.11.0", pods: [{ part: "controller", replicas: (v) => v.replicaCount ?? 2, at: (v) => v }] },
  "kube-prometheus-stack": {
    version: "83.4.2",
    pods: [
      {
        part: "prometheus", replicas: (v) => get(v, "prometheus.prometheusSpec.replicas") ?? 1, at: (v) => get(v, "prometheus.prometheusSpec") ?? {},
        // prometheus-operator's config-reloader sidecar default (10m / 50Mi).
        sidecars: { cpu: "10m", memory: "50Mi" },
        claims: (v) => vct("prometheus-db", get(v, "prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec")),
        labels: { "app.kubernetes.io/name": "prometheus" }, ports: [{ name: "http-web", containerPort: 9090 }],
      },
      {
        part: "alertmanager", replicas: (v) => get(v, "alertmanager.alertmanagerSpec.replicas") ?? 1, at: (v) => get(v, "alertmanager.alertmanagerSpec") ?? {},
        sidecars: { cpu: "10m", memory: "50Mi" },
        claims: (v) => vct("alertmanager-db", get(v, "alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec")),
        labels: { "app.kubernetes.io/name": "alertmanager" }, ports: [{ name: "http-web", containerPort: 9093 }],
      },
      { part: "grafana", replicas: (v) => (get(v, "grafana.enabled") === false ? 0 : get(v, "grafana.replicas") ?? 1), at: (v) => v.grafana ?? {} },
      { part: "kube-state-metrics", replicas: (v) => get(v, "kube-state-metrics.replicas") ?? 1, at: (v) => v["kube-state-metrics"] ?? {} },
      { part: "prometheus-operator", replicas: () => 1, at: (v) => v.prometheusOperator ?? {} },
      { part: "node-exporter", replicas: () => 0, daemonSet: true, at: (v) => v["prometheus-node-exporter"] ?? {} },
    ],
  },
};

/** Pod groups of one Helm release (none for a chart this table does not know). */
export function podsOfRelease(r: RegisteredResource, namespace: string | undefined): PodGroup[] {
  // A repository chart is named as is; an OCI chart by its URL, whose last segment is the chart's name.
  const chart = CHART_PODS[String(r.inputs.chart ?? "").split("/").pop() ?? ""];
  if (!chart) return [];
  const values = r.inputs.values ?? {};
  return chart.pods.map((p): PodGroup => {
    const at = p.at(values) ?? {};
    const req = at.resources?.requests ?? p.defaultRequests ?? { cpu: "0", memory: "0" };
    const side = p.sidecars ?? { cpu: "0", memory: "0" };
    const tolerations: Toleration[] = at.tolerations ?? [];
    return {
      id: `Helm ${r.inputs.name ?? r.name} ${p.part}`,
      resource: r,
      kind: p.daemonSet ? "DaemonSet" : "Deployment",
      name: p.part,
      namespace,
      labels: p.labels ?? {},
      nodeSelector: at.nodeSelector ?? {},
      tolerations,
      nodeTerms: at.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [],
      cpuMilli: cpuMilli(req.cpu) + cpuMilli(side.cpu),
      memoryMiB: memoryMiB(req.memory) + memoryMiB(side.memory),
      gpus: 0,
      replicas: p.daemonSet ? 0 : p.replicas(values),
      daemonSet: Boolean(p.daemonSet),
      ports: p.ports ?? [],
      claims: p.claims?.(values) ?? [],
      refs: [],
      envKeys: [],
      envKeysHidden: false,
      env: {},
      configDeps: r.inputDependencies ?? [],
    };
  });
}
