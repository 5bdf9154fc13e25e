import { INSTANCE_TYPES } from "./instance-types";

/**
 * cluster-autoscaler sizes a node group from the first type of its mixed-instances list and its AWS README asks
 * that every type of one group "provide approximately equal capacity" (same vCPUs and memory): a group mixing
 * 16 GiB and 32 GiB types makes it plan capacity that the node it gets may not have.
 *
 * Why a node group's instance types are not one shape (unknown types or differing vCPUs / memory); undefined when they are.
 */
export function mixedShapeProblem(instanceTypes: readonly string[]): string | undefined {
  const unknown = instanceTypes.filter((t) => !(t in INSTANCE_TYPES));
  if (unknown.length > 0) return `instance types ${unknown.join(", ")} have no entry in INSTANCE_TYPES`;
  const shapes = new Set(instanceTypes.map((t) => `${INSTANCE_TYPES[t].vcpu} vCPU / ${INSTANCE_TYPES[t].memoryMiB / 1024} GiB`));
  return shapes.size > 1 ? `instance types ${instanceTypes.join(", ")} mix shapes (${[...shapes].join(", ")})` : undefined;
}
