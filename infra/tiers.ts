/**
 * The four tier presets of the platform's scaling plan, as data. This is the only file that holds tier
 * numbers; components receive them as typed args and the config layer merges stack overrides on top.
 *
 * Sizing reasoning (written once, here):
 * - MVP and Growth come straight from the scaling plan (MVP: 2 API servers, 4 workers, 1 DB primary + 1
 *   replica, 1 Redis node; Growth: API 20-50, workers 100-500, multi-region DB, Redis cluster mode 3 x 1).
 * - Scale and Enterprise are not sized by the plan beyond instance types. Each step is roughly 4x Growth's
 *   traffic: the API range doubles while its nodes double in size (c5.2xlarge / c5.4xlarge), workers grow
 *   2x-4x in count on nodes 2x-4x larger, Redis doubles its shards per step so each shard's write load stays
 *   near Growth's, and replicas follow users into every region the buckets already serve.
 * - Node group maxima follow from pod maxima: API pods request ~1 vCPU, so max API nodes ~= max pods / (vCPUs - 1);
 *   worker pods request 2 vCPU / 4 GiB, so a node holds ~(vCPUs / 2 - 1) workers.
 * - Budgets are the monthly ceiling for the baseline (expected) footprint with headroom; the cost estimate
 *   checks the program against them. Set at ~2x the estimate of the baseline with its data stores (cost/estimate.ts:
 *   mvp ~$890, growth ~$9.8k, scale ~$31k, enterprise ~$106k), the rest left for usage-billed traffic (CloudFront,
 *   S3, NAT data, logs) the estimate cannot price.
 */

import type { DatabaseSizing, RedisSizing } from "../components/data";

export const TIER_NAMES = ["mvp", "growth", "scale", "enterprise"] as const;
export type TierName = (typeof TIER_NAMES)[number];

/** Regions the platform may deploy to (primary or replica). */
export const KNOWN_REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"] as const;
export type Region = (typeof KNOWN_REGIONS)[number];

export interface Range {
  min: number;
  max: number;
}

/** A node group's size: autoscaler bounds plus the count it starts with. */
export interface NodeGroupSize extends Range {
  desired: number;
}

export interface TierPreset {
  network: {
    /** NAT gateways: one (cheap, single-AZ egress) or one per AZ (survives an AZ loss). */
    natGateways: number;
  };
  api: {
    instanceType: string;
    nodes: NodeGroupSize;
    /** HPA bounds for the API Deployment. */
    replicas: Range;
  };
  workers: {
    /** The plan's worker instance type; listed first in spotInstanceTypes. */
    instanceType: string;
    /** Diversified spot pool (at least 4 types) so one reclaimed type does not starve the fleet. */
    spotInstanceTypes: string[];
    nodes: NodeGroupSize;
    /** KEDA bounds for the worker Deployment. */
    replicas: Range;
  };
  gpu: {
    instanceType: string;
    /** Accelerator on that instance type, as the NVIDIA device plugin labels it. */
    gpuType: string;
    nodes: NodeGroupSize;
    ollamaReplicas: number;
  };
  database: DatabaseSizing;
  redis: RedisSizing;
  pgbouncer: {
    replicas: number;
  };
  storage: {
    /** Regions that receive a replica of the primary region's bucket (never the primary region). */
    replicaRegions: string[];
  };
  logs: {
    /** Days CloudWatch Logs keeps pod and node logs (one of the values CloudWatch accepts). */
    retentionDays: number;
  };
  /** Monthly budget in USD for the baseline footprint. */
  monthlyBudgetUsd: number;
}

export const TIERS: Record<TierName, TierPreset> = {
  mvp: {
    network: { natGateways: 1 },
    api: { instanceType: "t3.medium", nodes: { min: 2, max: 4, desired: 2 }, replicas: { min: 2, max: 6 } },
    workers: {
      instanceType: "t3.large",
      spotInstanceTypes: ["t3.large", "t3a.large", "m5.large", "m5a.large"],
      nodes: { min: 2, max: 8, desired: 4 },
      replicas: { min: 2, max: 8 },
    },
    gpu: { instanceType: "g4dn.2xlarge", gpuType: "nvidia-tesla-t4", nodes: { min: 1, max: 2, desired: 1 }, ollamaReplicas: 1 },
    database: {
      instanceClass: "db.t3.medium",
      multiAz: false,
      inRegionReplicas: 1,
      replicaRegions: [],
      allocatedStorageGb: 50,
      maxAllocatedStorageGb: 200,
      backupRetentionDays: 7,
      // Single-region by the scaling plan, but a region loss must still meet the RPO (< 1 h): backups and
      // objects are copied to us-west-2 (storage and log costs only, no running instances there).
      crossRegionBackups: true,
      backupRegion: "us-west-2",
      maxConnections: 200,
      deletionProtection: false,
    },
    redis: { nodeType: "cache.t3.medium", clusterMode: false, shards: 1, replicasPerShard: 0, snapshotRetentionDays: 1 },
    pgbouncer: { replicas: 2 },
    storage: { replicaRegions: ["us-west-2"] },
    logs: { retentionDays: 14 },
    monthlyBudgetUsd: 1_500,
  },
  growth: {
    network: { natGateways: 3 },
    api: { instanceType: "c5.xlarge", nodes: { min: 7, max: 17, desired: 7 }, replicas: { min: 20, max: 50 } },
    workers: {
      instanceType: "c5.2xlarge",
      spotInstanceTypes: ["c5.2xlarge", "c5a.2xlarge", "c5d.2xlarge", "c6i.2xlarge", "m5.2xlarge"],
      nodes: { min: 34, max: 167, desired: 34 },
      replicas: { min: 100, max: 500 },
    },
    gpu: { instanceType: "g5.2xlarge", gpuType: "nvidia-a10g", nodes: { min: 2, max: 6, desired: 3 }, ollamaReplicas: 3 },
    database: {
      instanceClass: "db.r5.xlarge",
      multiAz: true,
      inRegionReplicas: 0,
      replicaRegions: ["us-west-2", "eu-west-1"],
      allocatedStorageGb: 200,
      maxAllocatedStorageGb: 1_000,
      backupRetentionDays: 14,
      // Replicas copy a bad migration within seconds; the backup copies in us-west-2 (the first replica region)
      // let a region loss and a logical error be recovered together.
      crossRegionBackups: true,
      maxConnections: 1_000,
      deletionProtection: true,
    },
    redis: { nodeType: "cache.r6g.large", clusterMode: true, shards: 3, replicasPerShard: 1, snapshotRetentionDays: 7 },
    pgbouncer: { replicas: 3 },
    storage: { replicaRegions: ["us-west-2", "eu-west-1"] },
    logs: { retentionDays: 30 },
    monthlyBudgetUsd: 20_000,
  },
  scale: {
    network: { natGateways: 3 },
    api: { instanceType: "c5.2xlarge", nodes: { min: 6, max: 15, desired: 6 }, replicas: { min: 40, max: 100 } },
    workers: {
      instanceType: "c5.4xlarge",
      spotInstanceTypes: ["c5.4xlarge", "c5a.4xlarge", "c5d.4xlarge", "c6i.4xlarge", "m5.4xlarge"],
      nodes: { min: 43, max: 143, desired: 43 },
      replicas: { min: 300, max: 1_000 },
    },
    gpu: { instanceType: "g5.2xlarge", gpuType: "nvidia-a10g", nodes: { min: 10, max: 14, desired: 10 }, ollamaReplicas: 10 },
    database: {
      instanceClass: "db.r5.4xlarge",
      multiAz: true,
      inRegionReplicas: 1,
      replicaRegions: ["us-west-2", "eu-west-1", "ap-southeast-1"],
      allocatedStorageGb: 1_000,
      maxAllocatedStorageGb: 5_000,
      backupRetentionDays: 30,
      crossRegionBackups: true,
      maxConnections: 2_000,
      deletionProtection: true,
    },
    redis: { nodeType: "cache.r6g.xlarge", clusterMode: true, shards: 6, replicasPerShard: 1, snapshotRetentionDays: 14 },
    pgbouncer: { replicas: 6 },
    storage: { replicaRegions: ["us-west-2", "eu-west-1", "ap-southeast-1"] },
    logs: { retentionDays: 90 },
    monthlyBudgetUsd: 65_000,
  },
  enterprise: {
    network: { natGateways: 3 },
    api: { instanceType: "c5.4xlarge", nodes: { min: 6, max: 14, desired: 6 }, replicas: { min: 80, max: 200 } },
    workers: {
      instanceType: "m5.8xlarge",
      spotInstanceTypes: ["m5.8xlarge", "m5a.8xlarge", "m5d.8xlarge", "m6i.8xlarge", "r5.8xlarge"],
      nodes: { min: 54, max: 134, desired: 54 },
      replicas: { min: 800, max: 2_000 },
    },
    gpu: { instanceType: "g5.2xlarge", gpuType: "nvidia-a10g", nodes: { min: 20, max: 28, desired: 20 }, ollamaReplicas: 20 },
    database: {
      instanceClass: "db.r5.16xlarge",
      multiAz: true,
      inRegionReplicas: 2,
      replicaRegions: ["us-west-2", "eu-west-1", "ap-southeast-1"],
      allocatedStorageGb: 4_000,
      maxAllocatedStorageGb: 16_000,
      backupRetentionDays: 35,
      crossRegionBackups: true,
      maxConnections: 5_000,
      deletionProtection: true,
    },
    redis: { nodeType: "cache.r6g.2xlarge", clusterMode: true, shards: 12, replicasPerShard: 2, snapshotRetentionDays: 35 },
    pgbouncer: { replicas: 10 },
    storage: { replicaRegions: ["us-west-2", "eu-west-1", "ap-southeast-1"] },
    logs: { retentionDays: 365 },
    monthlyBudgetUsd: 210_000,
  },
};
