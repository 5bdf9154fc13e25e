export { Cluster, DEFAULT_STORAGE_CLASS, NODE_POOLS, renderKubeconfig, tolerationsFor, type ClusterArgs, type NodeGroupSpec, type NodeTaint } from "./cluster";
export { CHART_PINS, CLUSTER_AUTOSCALER_IMAGE_TAGS, KUBERNETES_VERSION, kubernetesSupportProblems, type ChartKey, type ChartPin, type KubernetesSupport } from "./versions";
export { mixedShapeProblem } from "./instance-shapes";
export { INSTANCE_TYPES, type InstanceType } from "./instance-types";
