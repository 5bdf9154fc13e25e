/**
 * Versions as data: the cluster's Kubernetes minor version (written only here) and every pinned Helm chart with
 * the app version it ships and the Kubernetes versions that app supports, each with where upstream says so.
 * `kubernetesSupportProblems` ties them together; test/versions.test.ts runs it for KUBERNETES_VERSION, and each
 * chart's default values at its version are committed under test/fixtures/charts/<chart>-<version>/ (a bump
 * without a refreshed fixture fails test/chart-values.test.ts).
 */

/** Kubernetes minor version of the EKS control plane and its node groups. */
export const KUBERNETES_VERSION = "1.33";

export interface KubernetesSupport {
  /** Oldest supported minor version, e.g. "1.31". */
  min: string;
  /** Newest supported minor version; absent when upstream states only a floor ("1.19+"). */
  max?: string;
  /** Where upstream states the range. */
  source: string;
}

export interface ChartPin {
  /** Chart name (also the Helm release name). */
  chart: string;
  /** Exact chart version. */
  version: string;
  /** The application version that chart version deploys by default (its Chart.yaml `appVersion`). */
  appVersion: string;
  /** `https://` Helm repository, or the `oci://` reference of a chart published to an OCI registry. */
  repo: string;
  kubernetes: KubernetesSupport;
}

/** True when the chart is pulled from an OCI registry (Helm takes the reference as the chart, with no repository). */
export function isOciChart(pin: Pick<ChartPin, "repo">): boolean {
  return pin.repo.startsWith("oci://");
}

export const CHART_PINS = {
  metricsServer: {
    chart: "metrics-server", version: "3.12.2", appVersion: "0.7.2", repo: "https://kubernetes-sigs.github.io/metrics-server/",
    kubernetes: { min: "1.19", source: "kubernetes-sigs/metrics-server README.md 'Compatibility Matrix' at metrics-server-helm-chart-3.12.2: 0.7.x -> 1.19+" },
  },
  keda: {
    chart: "keda", version: "2.18.3", appVersion: "2.18.3", repo: "https://kedacore.github.io/charts",
    kubernetes: { min: "1.31", max: "1.33", source: "kedacore/keda-docs content/docs/2.20/operate/cluster.md 'Kubernetes Compatibility': v2.18 -> v1.31 - v1.33" },
  },
  nvidiaDevicePlugin: {
    chart: "nvidia-device-plugin", version: "0.17.0", appVersion: "0.17.0", repo: "https://nvidia.github.io/k8s-device-plugin",
    kubernetes: { min: "1.10", source: "NVIDIA/k8s-device-plugin deployments/helm/nvidia-device-plugin/Chart.yaml kubeVersion '>= 1.10.0-0' at v0.17.0" },
  },
  clusterAutoscaler: {
    // 9.47.0 is the first chart whose ClusterRole lets CA 1.33 list/watch volumeattachments (kubernetes/autoscaler#7663).
    chart: "cluster-autoscaler", version: "9.51.0", appVersion: "1.33.0", repo: "https://kubernetes.github.io/autoscaler",
    kubernetes: { min: "1.33", max: "1.33", source: "kubernetes/autoscaler cluster-autoscaler/README.md: CA minor version = Kubernetes minor version" },
  },
  nodeTerminationHandler: {
    // The maintained chart; the eks-charts copy stopped at 0.21.0.
    chart: "aws-node-termination-handler", version: "0.27.6", appVersion: "1.25.6", repo: "oci://public.ecr.aws/aws-ec2/helm/aws-node-termination-handler",
    kubernetes: { min: "1.16", source: "aws/aws-node-termination-handler config/helm/aws-node-termination-handler/Chart.yaml kubeVersion '>= 1.16-0' at v1.25.6" },
  },
  loadBalancerController: {
    chart: "aws-load-balancer-controller", version: "1.13.4", appVersion: "v2.13.4", repo: "https://aws.github.io/eks-charts",
    kubernetes: { min: "1.22", source: "kubernetes-sigs/aws-load-balancer-controller docs/deploy/installation.md at v2.13.4: v2.5.0+ requires Kubernetes 1.22+" },
  },
  prometheusAdapter: {
    chart: "prometheus-adapter", version: "4.11.0", appVersion: "v0.12.0", repo: "https://prometheus-community.github.io/helm-charts",
    kubernetes: { min: "1.14", source: "prometheus-community/helm-charts charts/prometheus-adapter/README.md 'Prerequisites' at prometheus-adapter-4.11.0: Kubernetes 1.14+" },
  },
  kubePrometheusStack: {
    chart: "kube-prometheus-stack", version: "83.4.2", appVersion: "v0.90.1", repo: "https://prometheus-community.github.io/helm-charts",
    kubernetes: { min: "1.25", source: "prometheus-community/helm-charts charts/kube-prometheus-stack/Chart.yaml kubeVersion '>=1.25.0-0' at kube-prometheus-stack-83.4.2" },
  },
  fluentBit: {
    chart: "aws-for-fluent-bit", version: "0.2.0", appVersion: "3.2.1", repo: "https://aws.github.io/eks-charts",
    // The chart's Chart.yaml declares no kubeVersion; its templates use only GA APIs (apps/v1 DaemonSet, rbac v1).
    kubernetes: { min: "1.19", source: "aws/eks-charts stable/aws-for-fluent-bit/Chart.yaml at chart 0.2.0 (commit 2942cdce): no kubeVersion; floor of its GA APIs" },
  },
} as const satisfies Record<string, ChartPin>;

export type ChartKey = keyof typeof CHART_PINS;

/**
 * cluster-autoscaler image per Kubernetes minor version: its minor must equal the control plane's, and the
 * chart's default image follows the chart, so the image is set explicitly. Patch releases: kubernetes/autoscaler
 * tags `cluster-autoscaler-1.33.*`.
 */
export const CLUSTER_AUTOSCALER_IMAGE_TAGS: Record<string, string> = {
  "1.33": "v1.33.6",
};

/** "1.33" -> [1, 33]; throws on anything but a minor version. */
function minor(v: string): [number, number] {
  const m = /^(\d+)\.(\d+)$/.exec(v);
  if (!m) throw new Error(`not a Kubernetes minor version: ${JSON.stringify(v)} (expected e.g. "1.33")`);
  return [Number(m[1]), Number(m[2])];
}

function compareMinor(a: string, b: string): number {
  const [am, an] = minor(a);
  const [bm, bn] = minor(b);
  return am - bm || an - bn;
}

/** Every pinned chart whose app does not support Kubernetes `version`, and a missing autoscaler image; empty when all fit. */
export function kubernetesSupportProblems(
  version: string,
  pins: Record<string, ChartPin> = CHART_PINS,
  autoscalerImages: Record<string, string> = CLUSTER_AUTOSCALER_IMAGE_TAGS,
): string[] {
  const problems: string[] = [];
  for (const pin of Object.values(pins)) {
    const k = pin.kubernetes;
    if (compareMinor(version, k.min) < 0 || (k.max !== undefined && compareMinor(version, k.max) > 0)) {
      problems.push(`${pin.chart} ${pin.version} (app ${pin.appVersion}) supports Kubernetes ${k.min}${k.max ? ` to ${k.max}` : "+"}, not ${version}`);
    }
  }
  const tag = autoscalerImages[version];
  if (tag === undefined) problems.push(`no cluster-autoscaler image for Kubernetes ${version} (have: ${Object.keys(autoscalerImages).join(", ")})`);
  else if (!tag.startsWith(`v${version}.`)) problems.push(`cluster-autoscaler image ${tag} does not match Kubernetes ${version}`);
  return problems;
}
