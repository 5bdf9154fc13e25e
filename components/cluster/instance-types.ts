/**
 * EC2 instance types the platform may run nodes on (every type a tier or the policy pack allows, plus the GPU
 * types Ollama sizes for), as data: the one instance table, read by the spot pools' one-shape check
 * (instance-shapes.ts) and the rehearsal's scheduling rule (rehearsal/).
 *
 * Sources:
 * - vCPU, memory, GPUs: AWS EC2 instance type documentation ("Amazon EC2 instance types - specifications":
 *   general purpose t3/t3a/m5/m5a/m5d/m6i, compute optimized c5/c5a/c5d/c6i/c6a, m6a, memory optimized r5, accelerated
 *   g4dn/g5/g6), read 2026-11.
 * - maxPods: aws/amazon-vpc-cni-k8s `misc/eni-max-pods.txt` at b52188387f2e2f10bf289ace929d6a63b176a4fa
 *   (ENIs x (IPv4 per ENI - 1) + 2, without prefix delegation: what an AL2023 node gets by default).
 */
export interface InstanceType {
  vcpu: number;
  memoryMiB: number;
  /** ENI-limited pods per node (eni-max-pods.txt). */
  maxPods: number;
  /** NVIDIA GPUs per instance (`nvidia.com/gpu` capacity); 0 for none. */
  gpus: number;
}

const t = (vcpu: number, memoryGiB: number, maxPods: number, gpus = 0): InstanceType => ({ vcpu, memoryMiB: memoryGiB * 1024, maxPods, gpus });

export const INSTANCE_TYPES: Record<string, InstanceType> = {
  // MVP: system/API and the SPOT worker pool
  "t3.medium": t(2, 4, 17),
  "t3.large": t(2, 8, 35),
  "t3a.large": t(2, 8, 35),
  "m5.large": t(2, 8, 29),
  "m5a.large": t(2, 8, 29),
  "t3.xlarge": t(4, 16, 58),
  "t3a.xlarge": t(4, 16, 58),
  "m5.xlarge": t(4, 16, 58),
  "m5a.xlarge": t(4, 16, 58),
  "m6i.xlarge": t(4, 16, 58),
  "c5.xlarge": t(4, 8, 58),
  "c5a.xlarge": t(4, 8, 58),
  // Growth
  "c5.2xlarge": t(8, 16, 58),
  "c5a.2xlarge": t(8, 16, 58),
  "c5d.2xlarge": t(8, 16, 58),
  "c6i.2xlarge": t(8, 16, 58),
  "c6a.2xlarge": t(8, 16, 58),
  "m5.2xlarge": t(8, 32, 58),
  "m5a.2xlarge": t(8, 32, 58),
  "m6i.2xlarge": t(8, 32, 58),
  // Scale
  "c5.4xlarge": t(16, 32, 234),
  "c5a.4xlarge": t(16, 32, 234),
  "c5d.4xlarge": t(16, 32, 234),
  "c6i.4xlarge": t(16, 32, 234),
  "c6a.4xlarge": t(16, 32, 234),
  "m5.4xlarge": t(16, 64, 234),
  "m5a.4xlarge": t(16, 64, 234),
  "m6i.4xlarge": t(16, 64, 234),
  // Enterprise
  "m5.8xlarge": t(32, 128, 234),
  "m5a.8xlarge": t(32, 128, 234),
  "m5d.8xlarge": t(32, 128, 234),
  "m6i.8xlarge": t(32, 128, 234),
  "m6a.8xlarge": t(32, 128, 234),
  "r5.8xlarge": t(32, 256, 234),
  // GPU (Ollama)
  "g4dn.xlarge": t(4, 16, 29, 1),
  "g4dn.2xlarge": t(8, 32, 29, 1),
  "g4dn.4xlarge": t(16, 64, 29, 1),
  "g5.xlarge": t(4, 16, 58, 1),
  "g5.2xlarge": t(8, 32, 58, 1),
  "g5.4xlarge": t(16, 64, 234, 1),
  "g6.xlarge": t(4, 16, 58, 1),
  "g6.2xlarge": t(8, 32, 58, 1),
  "g6.4xlarge": t(16, 64, 234, 1),
};

export function instanceType(name: string): InstanceType | undefined {
  return INSTANCE_TYPES[name];
}

/**
 * vCPUs and memory (GiB) of the GPU instance types a tier may use, read from the table above, to keep the
 * plan's requests schedulable: a request larger than the node can offer leaves the pod Pending forever.
 */
export const GPU_INSTANCE_SPECS: Record<string, { vcpu: number; memoryGi: number }> = Object.fromEntries(
  Object.entries(INSTANCE_TYPES).filter(([, t]) => t.gpus > 0).map(([name, t]) => [name, { vcpu: t.vcpu, memoryGi: t.memoryMiB / 1024 }]),
);
