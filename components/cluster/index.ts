export { Cluster, DEFAULT_STORAGE_CLASS, NODE_POOLS, renderKubeconfig, tolerationsFor, type ClusterArgs, type NodeGroupSpec, type NodeTaint } from "./cluster";
