/**
 * The pack's shared data: which tags, which instance types per tier, which TLS versions, which ports. Tier
 * numbers are not repeated here: the allowed types and the caps are derived from `infra/tiers.ts` (the only
 * file that holds tier numbers), so raising a tier there raises its ceiling here. Every rule that uses a
 * threshold also takes it from its policy config (see `policy/config/*.json`), with these as defaults.
 */
import { TIERS, TIER_NAMES, type TierName, type TierPreset } from "../infra/tiers";

export { TIERS, TIER_NAMES, type TierName };

/** Cost-allocation tags every taggable AWS resource must carry (stamped by provider default tags). */
export const REQUIRED_TAGS = ["stack", "tier", "component", "cost-center"] as const;

/** The node label that says which pool a node group is (components/cluster/cluster.ts NODE_POOLS; a test keeps them equal). */
export const POOL_LABEL = "finishthisidea.io/pool";
export type Pool = "system" | "workers" | "gpu";

/** Rank of a tier: an instance type is allowed on a tier when some tier of equal or lower rank uses it. */
export function tierRank(tier: TierName): number {
  return TIER_NAMES.indexOf(tier);
}

export function isTierName(value: unknown): value is TierName {
  return (TIER_NAMES as readonly unknown[]).includes(value);
}

export interface AllowedTypes {
  /** EC2 instance types for node groups, launch templates and instances. */
  instanceTypes: string[];
  /** RDS DB instance classes. */
  dbInstanceClasses: string[];
  /** ElastiCache node types. */
  cacheNodeTypes: string[];
}

function presetTypes(p: TierPreset): AllowedTypes {
  return {
    instanceTypes: [p.api.instanceType, p.workers.instanceType, ...p.workers.spotInstanceTypes, p.gpu.instanceType],
    dbInstanceClasses: [p.database.instanceClass],
    cacheNodeTypes: [p.redis.nodeType],
  };
}

/** Everything the tier and the tiers below it use: "nothing above the tier". */
export function allowedTypesFor(tier: TierName): AllowedTypes {
  const out: AllowedTypes = { instanceTypes: [], dbInstanceClasses: [], cacheNodeTypes: [] };
  for (const t of TIER_NAMES.slice(0, tierRank(tier) + 1)) {
    const p = presetTypes(TIERS[t]);
    for (const k of Object.keys(out) as (keyof AllowedTypes)[]) for (const x of p[k]) if (!out[k].includes(x)) out[k].push(x);
  }
  return out;
}

/** GPUs per instance, for the GPU instance types the platform may use (public EC2 instance specs). */
export const GPUS_PER_INSTANCE: Record<string, number> = {
  "g4dn.xlarge": 1, "g4dn.2xlarge": 1, "g4dn.4xlarge": 1, "g4dn.8xlarge": 1, "g4dn.12xlarge": 4, "g4dn.metal": 8,
  "g5.xlarge": 1, "g5.2xlarge": 1, "g5.4xlarge": 1, "g5.8xlarge": 1, "g5.12xlarge": 4, "g5.24xlarge": 4, "g5.48xlarge": 8,
  "g6.xlarge": 1, "g6.2xlarge": 1, "g6.12xlarge": 4, "g6.48xlarge": 8,
  "p3.2xlarge": 1, "p3.8xlarge": 4, "p3.16xlarge": 8, "p4d.24xlarge": 8, "p5.48xlarge": 8,
};

/** GPUs on an instance type: 0 for a non-GPU type; unknown GPU families (g*, p*) count as 1 per instance. */
export function gpusPerInstance(instanceType: string): number {
  if (instanceType in GPUS_PER_INSTANCE) return GPUS_PER_INSTANCE[instanceType];
  return /^(g\d|p\d|inf\d|trn\d)/.test(instanceType) ? 1 : 0;
}

/** GPUs a GPU node group can reach: its maximum times the GPUs on its instance type (at least one per node). */
export function gpuCeiling(gpu: { instanceType: string; nodes: { max: number } }): number {
  return gpu.nodes.max * Math.max(1, gpusPerInstance(gpu.instanceType));
}

/** The tier's GPU ceiling: its GPU node group maximum times the GPUs on its GPU instance type. */
export function maxGpusFor(tier: TierName): number {
  return gpuCeiling(TIERS[tier].gpu);
}

/** Autoscaler ceilings of a tier: node groups per pool, and workload replicas (HPA / KEDA). */
export function autoscalerCapsFor(tier: TierName): { nodes: Record<Pool, number>; apiReplicas: number; workerReplicas: number } {
  const p = TIERS[tier];
  return {
    nodes: { system: p.api.nodes.max, workers: p.workers.nodes.max, gpu: p.gpu.nodes.max },
    apiReplicas: p.api.replicas.max,
    workerReplicas: p.workers.replicas.max,
  };
}

/** CloudFront viewer TLS policies considered current (TLS 1.2+ with modern ciphers). */
export const CURRENT_CLOUDFRONT_TLS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

/** Ports a load balancer may open to the whole internet. */
export const PUBLIC_LB_PORTS = [80, 443];

/** A security group (or rule) belongs to a load balancer when its name or description matches this. */
export const LOAD_BALANCER_PATTERN = "(^|[^a-z])(alb|nlb|elb|lb|load[- ]?balancer)([^a-z]|$)";

/** EKS control-plane log types that must be on. */
export const REQUIRED_EKS_LOGS = ["api", "audit", "authenticator"];

/**
 * Fewest instance types a SPOT node group may list: the config schema (infra/config.ts, spotInstanceTypes)
 * refuses fewer for our own pools; the pack holds any node group to the same floor (a test keeps them equal).
 */
export const MIN_SPOT_INSTANCE_TYPES = 4;
