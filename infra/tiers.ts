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
 *   worker pods request 2 vCPU / 4 GiB, so a node holds ~(vCPUs / 2 - 1) workers, or fewer where memory after
 *   kube-reserved binds first (c5.4xlarge: 6). `npm run plan` rehearses every pool at max scale (rehearsal/).
 * - Database timeouts: MVP's statement_timeout is the plan's overload playbook threshold (it kills queries running
 *   over 5 minutes); each tier with a tighter API p95 cuts sooner (Growth 60 s, Scale/Enterprise 30 s), since one
 *   runaway statement holds one of only default_pool_size server connections. A job that needs longer sets its own
 *   `SET statement_timeout` per session. idle_in_transaction_session_timeout is half of that or less: a client
 *   holding a transaction open without sending anything is a bug, and in transaction pooling it pins a connection.
 * - Ollama replicas (infra/llm.ts ollamaSizingCase, tested in test/llm.test.ts): a replica pays for its GPU node
 *   every hour, the cloud fallback only for the jobs it takes. At the assumed 300 jobs per replica-hour a busy
 *   replica replaces ~$1.05/h of the cheapest cloud route against $0.75/h (T4) to $1.21/h (A10G) of GPU, so a
 *   replica sized for the peak idles most of the day for no saving. Each tier runs between the count its
 *   average hour needs and the count its peak needs, the cloud taking the overflow: MVP 1 (the plan starts
 *   Ollama-only), Growth 3 of 3..10 (the plan's 10 is the peak-sized count), Scale 10 of 9..40, Enterprise 34
 *   of 34..160.
 * - The LLM router (LLM_ROUTER) is the plan's on every tier; a stack changes its models through overrides.
 * - Budgets are the monthly ceiling for the baseline (expected) footprint with headroom; the cost estimate
 *   checks the program against them. Set at ~2x the estimate of the baseline with its data stores (cost/estimate.ts:
 *   mvp ~$890, growth ~$10.7k with its in-region replica, scale ~$31k, enterprise ~$118k with 34 Ollama GPUs),
 *   the rest left for usage-billed traffic (CloudFront, S3, NAT data, logs) the estimate cannot price.
 */

import type { DatabaseSizing, RedisSizing } from "../components/data/sizing";
import type { LlmRouterPlan } from "./llm";

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

/**
 * The scaling plan's router, verbatim: Ollama kept above confidence 0.8; complexity < 0.3 -> gpt-3.5-turbo,
 * < 0.7 -> gpt-4, else claude-3-opus. The model names are the plan's: check them against each provider's current
 * model list before relying on them (`overrides.llm.routes` replaces them per stack).
 */
export const LLM_ROUTER: LlmRouterPlan = {
  ollamaMinConfidence: 0.8,
  routes: [
    { belowComplexity: 0.3, provider: "openai", model: "gpt-3.5-turbo" },
    { belowComplexity: 0.7, provider: "openai", model: "gpt-4" },
    { belowComplexity: 1, provider: "anthropic", model: "claude-3-opus" },
  ],
};

export interface TierPreset {
  /**
   * Jobs per day and at the peak hour: the plan's for MVP (500 / 100) and Growth (50,000 / 10,000); Scale and
   * Enterprise are 4x and 16x Growth. Sizes Ollama (above) and the job throughput SLOs.
   */
  load: { jobsPerDay: number; peakJobsPerHour: number };
  llm: LlmRouterPlan;
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
    /** Diversified spot pool (at least 4 types, one vCPU/memory shape: components/cluster/instance-shapes.ts) so one reclaimed type does not starve the fleet. */
    spotInstanceTypes: string[];
    nodes: NodeGroupSize;
    /** KEDA bounds for the worker Deployment. */
    replicas: Range;
    /** Each worker pod's requests and limits; the requests must fit every spot type (npm run plan rehearses it). */
    resources: PodResources;
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
  /** Prometheus (kube-prometheus-stack) on the system pool: requests, memory limit, volume per replica. */
  prometheus: { requests: { cpu: string; memory: string }; limits: { memory: string }; storageGi: number };
  logs: {
    /** Days CloudWatch Logs keeps pod and node logs (one of the values CloudWatch accepts). */
    retentionDays: number;
  };
  /** Monthly budget in USD for the baseline footprint. */
  monthlyBudgetUsd: number;
}

export interface PodResources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/**
 * A worker pod as the scaling plan sizes it (2 vCPU / 4 GiB request, bursting to 4 vCPU): fits the 8+ vCPU
 * worker types of Growth and above.
 */
const WORKER_POD: PodResources = { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "4Gi" } };
/** Prometheus as the larger tiers run it: 1 CPU / 4 GiB, up to 8 GiB, 100 GiB of TSDB per replica. */
const PROMETHEUS = { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "8Gi" }, storageGi: 100 };

/** Service levels a tier promises (infra/slos.ts turns them into the SLO table the alerts are built from). */
export interface TierServiceLevels {
  /** Fraction of API requests answered without a 5xx over the 30-day period. */
  availability: number;
  apiLatencySeconds: { p50: number; p95: number; p99: number };
  jobDurationSeconds: { p50: number; p95: number; p99: number };
  /** Fraction of cleanup jobs finishing without failure (burn-rate alerts like the API's). */
  jobAvailability: number;
  /** Requests per second the API serves within its latency SLO; above it the tier is outgrown. */
  apiPeakRequestsPerSecond: number;
}

/**
 * The scaling plan's numbers: MVP 99.5% / API p95 < 200 ms / job p95 < 5 min; Growth 99.95% / < 100 ms / < 3 min.
 * p50 and p99 follow the plan's SLA table (API 50 / 500 ms, cleanup 60 s / 5 min), MVP's job p99 at 2x its p95.
 * Scale and Enterprise keep Growth's targets: the platform runs one active region (a region loss is a failover
 * with an RTO of up to 4 h, infra/recovery.ts), so a promise above 99.95% (22 min a month) would need an
 * active-active design this program does not build; bigger tiers buy capacity, not a tighter SLO. Job
 * availability is the plan's cleanup SLA (99.9%), MVP's at its platform availability. API peak: the plan's
 * 5,000 req/s for Growth, MVP's 50 concurrent users at ~1 req/s, 4x per step above Growth.
 */
export const TIER_SERVICE_LEVELS: Record<TierName, TierServiceLevels> = {
  mvp: { availability: 0.995, apiLatencySeconds: { p50: 0.05, p95: 0.2, p99: 0.5 }, jobDurationSeconds: { p50: 60, p95: 300, p99: 600 }, jobAvailability: 0.995, apiPeakRequestsPerSecond: 50 },
  growth: { availability: 0.9995, apiLatencySeconds: { p50: 0.05, p95: 0.1, p99: 0.5 }, jobDurationSeconds: { p50: 60, p95: 180, p99: 300 }, jobAvailability: 0.999, apiPeakRequestsPerSecond: 5_000 },
  scale: { availability: 0.9995, apiLatencySeconds: { p50: 0.05, p95: 0.1, p99: 0.5 }, jobDurationSeconds: { p50: 60, p95: 180, p99: 300 }, jobAvailability: 0.999, apiPeakRequestsPerSecond: 20_000 },
  enterprise: { availability: 0.9995, apiLatencySeconds: { p50: 0.05, p95: 0.1, p99: 0.5 }, jobDurationSeconds: { p50: 60, p95: 180, p99: 300 }, jobAvailability: 0.999, apiPeakRequestsPerSecond: 80_000 },
};

export const TIERS: Record<TierName, TierPreset> = {
  mvp: {
    load: { jobsPerDay: 500, peakJobsPerHour: 100 },
    llm: LLM_ROUTER,
    network: { natGateways: 1 },
    // api.nodes.max 6 (was 4): at max scale the 6 API pods (1 CPU each), PgBouncer, the add-on controllers,
    // CoreDNS and the monitoring stack need 6 t3.medium nodes (1750m CPU / ~3 GiB allocatable each); with 4 the
    // rehearsal left 2 API pods Pending. The minimum (2) and the baseline cost are unchanged.
    api: { instanceType: "t3.medium", nodes: { min: 2, max: 6, desired: 2 }, replicas: { min: 2, max: 6 } },
    workers: {
      instanceType: "t3.large",
      spotInstanceTypes: ["t3.large", "t3a.large", "m5.large", "m5a.large"],
      nodes: { min: 2, max: 8, desired: 4 },
      replicas: { min: 2, max: 8 },
      // 1500m CPU request (was 2): every MVP worker type has 2 vCPU, of which 1750m is allocatable after EKS's
      // kube-reserved (70m) and the node agents (180m); a 2-CPU request never scheduled. One worker per node, as the
      // plan's "t3.large (2 vCPU, 8GB)" workers intend; the limit (2) lets it use the whole node when idle.
      resources: { requests: { cpu: "1500m", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } },
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
      statementTimeoutMs: 300_000,
      idleInTransactionTimeoutMs: 60_000,
      deletionProtection: false,
    },
    redis: { nodeType: "cache.t3.medium", clusterMode: false, shards: 1, replicasPerShard: 0, snapshotRetentionDays: 1 },
    pgbouncer: { replicas: 2 },
    storage: { replicaRegions: ["us-west-2"] },
    // 500m / 1536Mi request, 2560Mi limit, 50 GiB (was 1 CPU / 4Gi / 8Gi / 100 GiB): a t3.medium system node has
    // ~3 GiB allocatable, so a 4Gi request never scheduled; MVP's few hundred series fit well under 1.5 GiB.
    prometheus: { requests: { cpu: "500m", memory: "1536Mi" }, limits: { memory: "2560Mi" }, storageGi: 50 },
    logs: { retentionDays: 14 },
    monthlyBudgetUsd: 1_500,
  },
  growth: {
    load: { jobsPerDay: 50_000, peakJobsPerHour: 10_000 },
    llm: LLM_ROUTER,
    network: { natGateways: 3 },
    api: { instanceType: "c5.xlarge", nodes: { min: 7, max: 17, desired: 7 }, replicas: { min: 20, max: 50 } },
    workers: {
      instanceType: "c5.2xlarge",
      spotInstanceTypes: ["c5.2xlarge", "c5a.2xlarge", "c5d.2xlarge", "c6i.2xlarge", "c6a.2xlarge"],
      nodes: { min: 34, max: 167, desired: 34 },
      replicas: { min: 100, max: 500 },
      resources: WORKER_POD,
    },
    gpu: { instanceType: "g5.2xlarge", gpuType: "nvidia-a10g", nodes: { min: 2, max: 6, desired: 3 }, ollamaReplicas: 3 },
    database: {
      instanceClass: "db.r5.xlarge",
      multiAz: true,
      // The plan reads at Growth's scale from replicas: one beside the primary, region-local for the pods.
      inRegionReplicas: 1,
      replicaRegions: ["us-west-2", "eu-west-1"],
      allocatedStorageGb: 200,
      maxAllocatedStorageGb: 1_000,
      backupRetentionDays: 14,
      // Replicas copy a bad migration within seconds; the backup copies in us-west-2 (the first replica region)
      // let a region loss and a logical error be recovered together.
      crossRegionBackups: true,
      maxConnections: 1_000,
      statementTimeoutMs: 60_000,
      idleInTransactionTimeoutMs: 30_000,
      deletionProtection: true,
    },
    redis: { nodeType: "cache.r6g.large", clusterMode: true, shards: 3, replicasPerShard: 1, snapshotRetentionDays: 7 },
    pgbouncer: { replicas: 3 },
    storage: { replicaRegions: ["us-west-2", "eu-west-1"] },
    prometheus: PROMETHEUS,
    logs: { retentionDays: 30 },
    monthlyBudgetUsd: 20_000,
  },
  scale: {
    load: { jobsPerDay: 200_000, peakJobsPerHour: 40_000 },
    llm: LLM_ROUTER,
    network: { natGateways: 3 },
    api: { instanceType: "c5.2xlarge", nodes: { min: 6, max: 15, desired: 6 }, replicas: { min: 40, max: 100 } },
    workers: {
      instanceType: "c5.4xlarge",
      spotInstanceTypes: ["c5.4xlarge", "c5a.4xlarge", "c5d.4xlarge", "c6i.4xlarge", "c6a.4xlarge"],
      // nodes.max 167 (was 143): a c5.4xlarge has ~26.6 GiB allocatable after kube-reserved (2.8 GiB at 234 max
      // pods), so memory, not CPU, bounds it at 6 workers of 4 GiB, not the 7 the sizing note's CPU count gives;
      // 1,000 workers need 167 nodes.
      nodes: { min: 43, max: 167, desired: 43 },
      replicas: { min: 300, max: 1_000 },
      resources: WORKER_POD,
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
      statementTimeoutMs: 30_000,
      idleInTransactionTimeoutMs: 15_000,
      deletionProtection: true,
    },
    redis: { nodeType: "cache.r6g.xlarge", clusterMode: true, shards: 6, replicasPerShard: 1, snapshotRetentionDays: 14 },
    pgbouncer: { replicas: 6 },
    storage: { replicaRegions: ["us-west-2", "eu-west-1", "ap-southeast-1"] },
    prometheus: PROMETHEUS,
    logs: { retentionDays: 90 },
    monthlyBudgetUsd: 65_000,
  },
  enterprise: {
    load: { jobsPerDay: 800_000, peakJobsPerHour: 160_000 },
    llm: LLM_ROUTER,
    network: { natGateways: 3 },
    api: { instanceType: "c5.4xlarge", nodes: { min: 6, max: 14, desired: 6 }, replicas: { min: 80, max: 200 } },
    workers: {
      instanceType: "m5.8xlarge",
      spotInstanceTypes: ["m5.8xlarge", "m5a.8xlarge", "m5d.8xlarge", "m6i.8xlarge", "m6a.8xlarge"],
      nodes: { min: 54, max: 134, desired: 54 },
      replicas: { min: 800, max: 2_000 },
      resources: WORKER_POD,
    },
    gpu: { instanceType: "g5.2xlarge", gpuType: "nvidia-a10g", nodes: { min: 34, max: 48, desired: 34 }, ollamaReplicas: 34 },
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
      statementTimeoutMs: 30_000,
      idleInTransactionTimeoutMs: 15_000,
      deletionProtection: true,
    },
    redis: { nodeType: "cache.r6g.2xlarge", clusterMode: true, shards: 12, replicasPerShard: 2, snapshotRetentionDays: 35 },
    pgbouncer: { replicas: 10 },
    storage: { replicaRegions: ["us-west-2", "eu-west-1", "ap-southeast-1"] },
    prometheus: PROMETHEUS,
    logs: { retentionDays: 365 },
    monthlyBudgetUsd: 210_000,
  },
};

/**
 * LLM work per job, for the rehearsal's capacity rule (rehearsal/rules/capacity.ts): one generation of ~30 s on a
 * T4/A10G (codellama 7B, a few hundred tokens out), an estimate to replace with the measured mean. The peaks it is
 * checked against are the tier's own: `load.peakJobsPerHour` and TIER_SERVICE_LEVELS' `apiPeakRequestsPerSecond`.
 */
export const LLM_GENERATION = { generationsPerJob: 1, generationSeconds: 30 } as const;
