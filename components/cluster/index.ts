export { Cluster, NODE_POOLS, renderKubeconfig, tolerationsFor, type ClusterArgs, type NodeGroupSpec, type NodeTaint } from "./cluster";
