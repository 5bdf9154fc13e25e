/**
 * What an EKS node keeps for itself, as data with its sources, and the allocatable capacity that follows.
 *
 * Sources:
 * - kube-reserved CPU and memory, eviction threshold: awslabs/amazon-eks-ami `nodeadm/internal/kubelet/config.go`
 *   at v20260724 (81fec2e8): CPU 6% of the first core, 1% of the second, 0.5% of cores 3-4, 0.25% above;
 *   memory 11 MiB x maxPods + 255 MiB; evictionHard memory.available 100Mi. (The AL2 bootstrap.sh used the same.)
 * - VM memory overhead: the kernel and firmware keep part of the nominal memory, so the kubelet's capacity is
 *   below the instance's GiB. Karpenter's AWS provider models it as 7.5% (`VM_MEMORY_OVERHEAD_PERCENT` default
 *   0.075, karpenter-provider-aws v1 settings); we use the same.
 * - Node agents: the DaemonSets every EKS node runs beyond the plan's own (the vpc-cni, kube-proxy and
 *   aws-ebs-csi-driver add-ons' default manifests, EKS 1.33 defaults): aws-node requests 25m CPU (+25m for the
 *   network policy agent, which the plan enables), kube-proxy 100m, ebs-csi-node 3 containers x 10m / 40Mi.
 */
import { INSTANCE_TYPES } from "../components/cluster/instance-types";

export interface Capacity {
  cpuMilli: number;
  memoryMiB: number;
  pods: number;
  gpus: number;
}

/** Nominal memory the kubelet does not see (kernel, firmware). */
export const VM_MEMORY_OVERHEAD = 0.075;
/** kubelet evictionHard memory.available (nodeadm default). */
export const EVICTION_HARD_MEMORY_MIB = 100;

/** kube-reserved CPU in millicores for a node with `vcpu` cores (nodeadm getCPUMillicoresToReserve). */
export function kubeReservedCpuMilli(vcpu: number): number {
  const total = vcpu * 1000;
  const ranges = [0, 1000, 2000, 4000, total];
  const hundredthsOfPercent = [600, 100, 50, 25];
  let reserved = 0;
  for (let i = 0; i < hundredthsOfPercent.length; i++) {
    if (total <= ranges[i]) continue;
    reserved += (Math.min(total, ranges[i + 1]) - ranges[i]) * hundredthsOfPercent[i] / 10_000;
  }
  return Math.floor(reserved);
}

/** kube-reserved memory in MiB (nodeadm getMemoryMebibytesToReserve). */
export function kubeReservedMemoryMiB(maxPods: number): number {
  return 11 * maxPods + 255;
}

/** A node's allocatable: capacity less kube-reserved and the eviction threshold. Undefined for an unknown type. */
export function allocatable(instanceTypeName: string): Capacity | undefined {
  const t = INSTANCE_TYPES[instanceTypeName];
  if (!t) return undefined;
  return {
    cpuMilli: t.vcpu * 1000 - kubeReservedCpuMilli(t.vcpu),
    memoryMiB: Math.floor(t.memoryMiB * (1 - VM_MEMORY_OVERHEAD)) - kubeReservedMemoryMiB(t.maxPods) - EVICTION_HARD_MEMORY_MIB,
    pods: t.maxPods,
    gpus: t.gpus,
  };
}

export interface NodeAgent {
  name: string;
  cpuMilli: number;
  memoryMiB: number;
}

/** DaemonSets of the EKS add-ons on every node (not registered by the plan; sources above). */
export const NODE_AGENTS: NodeAgent[] = [
  { name: "kube-system/aws-node (vpc-cni + network policy agent)", cpuMilli: 50, memoryMiB: 0 },
  { name: "kube-system/kube-proxy", cpuMilli: 100, memoryMiB: 0 },
  { name: "kube-system/ebs-csi-node", cpuMilli: 30, memoryMiB: 120 },
];

/**
 * Pods EKS add-ons run beside the plan's own, on untainted nodes: CoreDNS (2 replicas, 100m / 70Mi, EKS default)
 * and the EBS CSI controller (2 replicas, 6 containers x 10m / 40Mi, aws-ebs-csi-driver add-on default).
 */
export const CLUSTER_ADDON_PODS = [
  { name: "kube-system/coredns", replicas: 2, cpuMilli: 100, memoryMiB: 70, tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }] },
  { name: "kube-system/ebs-csi-controller", replicas: 2, cpuMilli: 60, memoryMiB: 240, tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }] },
];
