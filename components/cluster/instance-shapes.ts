/**
 * vCPUs and memory of the instance types the worker spot pool may use, from the AWS EC2 instance type pages
 * (https://aws.amazon.com/ec2/instance-types/, "Compute Optimized" / "General Purpose" / "Memory Optimized").
 * cluster-autoscaler sizes a node group from the first type of its mixed-instances list and its AWS README asks
 * that every type of one group "provide approximately equal capacity" (same vCPUs and memory): a group mixing
 * 16 GiB and 32 GiB types makes it plan capacity that the node it gets may not have.
 */
export const INSTANCE_SHAPES: Record<string, { vcpu: number; memoryGiB: number }> = {
  "t3.large": { vcpu: 2, memoryGiB: 8 },
  "t3a.large": { vcpu: 2, memoryGiB: 8 },
  "m5.large": { vcpu: 2, memoryGiB: 8 },
  "m5a.large": { vcpu: 2, memoryGiB: 8 },
  "c5.2xlarge": { vcpu: 8, memoryGiB: 16 },
  "c5a.2xlarge": { vcpu: 8, memoryGiB: 16 },
  "c5d.2xlarge": { vcpu: 8, memoryGiB: 16 },
  "c6i.2xlarge": { vcpu: 8, memoryGiB: 16 },
  "c6a.2xlarge": { vcpu: 8, memoryGiB: 16 },
  "m5.2xlarge": { vcpu: 8, memoryGiB: 32 },
  "c5.4xlarge": { vcpu: 16, memoryGiB: 32 },
  "c5a.4xlarge": { vcpu: 16, memoryGiB: 32 },
  "c5d.4xlarge": { vcpu: 16, memoryGiB: 32 },
  "c6i.4xlarge": { vcpu: 16, memoryGiB: 32 },
  "c6a.4xlarge": { vcpu: 16, memoryGiB: 32 },
  "m5.4xlarge": { vcpu: 16, memoryGiB: 64 },
  "m5.8xlarge": { vcpu: 32, memoryGiB: 128 },
  "m5a.8xlarge": { vcpu: 32, memoryGiB: 128 },
  "m5d.8xlarge": { vcpu: 32, memoryGiB: 128 },
  "m6i.8xlarge": { vcpu: 32, memoryGiB: 128 },
  "m6a.8xlarge": { vcpu: 32, memoryGiB: 128 },
  "r5.8xlarge": { vcpu: 32, memoryGiB: 256 },
};

/** Why a node group's instance types are not one shape (unknown types or differing vCPUs / memory); undefined when they are. */
export function mixedShapeProblem(instanceTypes: readonly string[]): string | undefined {
  const unknown = instanceTypes.filter((t) => !(t in INSTANCE_SHAPES));
  if (unknown.length > 0) return `instance types ${unknown.join(", ")} have no entry in INSTANCE_SHAPES`;
  const shapes = new Set(instanceTypes.map((t) => `${INSTANCE_SHAPES[t].vcpu} vCPU / ${INSTANCE_SHAPES[t].memoryGiB} GiB`));
  return shapes.size > 1 ? `instance types ${instanceTypes.join(", ")} mix shapes (${[...shapes].join(", ")})` : undefined;
}
