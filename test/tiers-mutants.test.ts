/**
 * The tier table, every value as a literal (issue 19: every mutant of infra/tiers.ts caught). Sizes are the
 * scaling plan's (seed 002) where it gives them and the sizing notes' in infra/tiers.ts otherwise; a change to a
 * tier must change this file in the same diff. Pure: imports the table only.
 */
import { describe, expect, it } from "vitest";
import { KNOWN_REGIONS, LLM_GENERATION, LLM_ROUTER, TIER_NAMES, TIER_SERVICE_LEVELS, TIERS } from "../infra/tiers";

const ROUTER = {
  ollamaMinConfidence: 0.8,
  routes: [
    { belowComplexity: 0.3, provider: "openai", model: "gpt-3.5-turbo" },
    { belowComplexity: 0.7, provider: "openai", model: "gpt-4" },
    { belowComplexity: 1, provider: "anthropic", model: "claude-3-opus" },
  ],
};
// 2 vCPU / 4 GiB requested, bursting to 4 vCPU (the plan's worker pod); Prometheus 1 CPU / 4 GiB, up to 8 GiB, 100 GiB.
const WORKER_POD = { requests: { cpu: "2", memory: "4Gi" }, limits: { cpu: "4", memory: "4Gi" } };
const PROMETHEUS = { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "8Gi" }, storageGi: 100 };

describe("tier names, regions, router", () => {
  it("lists the four tiers in order and the six regions", () => {
    expect(TIER_NAMES).toEqual(["mvp", "growth", "scale", "enterprise"]);
    expect(Object.keys(TIERS)).toEqual(["mvp", "growth", "scale", "enterprise"]);
    expect(KNOWN_REGIONS).toEqual(["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1"]);
  });

  it("routes as the plan says: Ollama above 0.8 confidence; < 0.3 gpt-3.5-turbo, < 0.7 gpt-4, else claude-3-opus", () => {
    expect(LLM_ROUTER).toEqual(ROUTER);
    expect(LLM_GENERATION).toEqual({ generationsPerJob: 1, generationSeconds: 30 });
  });
});

describe("service levels per tier", () => {
  it("MVP 99.5% / API p95 200 ms / job p95 5 min; Growth and above 99.95% / 100 ms / 3 min; API peak 50, 5k, x4 per step", () => {
    const growthLike = { availability: 0.9995, apiLatencySeconds: { p50: 0.05, p95: 0.1, p99: 0.5 }, jobDurationSeconds: { p50: 60, p95: 180, p99: 300 }, jobAvailability: 0.999 };
    expect(TIER_SERVICE_LEVELS).toEqual({
      mvp: { availability: 0.995, apiLatencySeconds: { p50: 0.05, p95: 0.2, p99: 0.5 }, jobDurationSeconds: { p50: 60, p95: 300, p99: 600 }, jobAvailability: 0.995, apiPeakRequestsPerSecond: 50 },
      growth: { ...growthLike, apiPeakRequestsPerSecond: 5000 },
      scale: { ...growthLike, apiPeakRequestsPerSecond: 20000 },
      enterprise: { ...growthLike, apiPeakRequestsPerSecond: 80000 },
    });
  });
});

describe("tier presets, whole", () => {
  it("mvp: the plan's 2 API servers, 4 workers, 1 DB primary + 1 replica, 1 Redis node", () => {
    expect(TIERS.mvp).toEqual({
      load: { jobsPerDay: 500, peakJobsPerHour: 100 },
      llm: ROUTER,
      network: { natGateways: 1 },
      api: { instanceType: "t3.medium", nodes: { min: 2, max: 6, desired: 2 }, replicas: { min: 2, max: 6 } },
      workers: {
        instanceType: "t3.large",
        spotInstanceTypes: ["t3.large", "t3a.large", "m5.large", "m5a.large"],
        nodes: { min: 2, max: 8, desired: 4 },
        replicas: { min: 2, max: 8 },
        resources: { requests: { cpu: "1500m", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } },
      },
      gpu: { instanceType: "g4dn.2xlarge", gpuType: "nvidia-tesla-t4", nodes: { min: 1, max: 2, desired: 1 }, ollamaReplicas: 1 },
      database: {
        instanceClass: "db.t3.medium", multiAz: false, inRegionReplicas: 1, replicaRegions: [], allocatedStorageGb: 50, maxAllocatedStorageGb: 200,
        backupRetentionDays: 7, crossRegionBackups: true, backupRegion: "us-west-2", maxConnections: 200, statementTimeoutMs: 300000,
        idleInTransactionTimeoutMs: 60000, deletionProtection: false,
      },
      redis: { nodeType: "cache.t3.medium", clusterMode: false, shards: 1, replicasPerShard: 0, snapshotRetentionDays: 1 },
      pgbouncer: { replicas: 2 },
      storage: { replicaRegions: ["us-west-2"] },
      prometheus: { requests: { cpu: "500m", memory: "1536Mi" }, limits: { memory: "2560Mi" }, storageGi: 50 },
      logs: { retentionDays: 14 },
      monthlyBudgetUsd: 1500,
    });
  });

  it("growth: the plan's API 20-50, workers 100-500, multi-region DB, Redis cluster mode 3 x 1", () => {
    expect(TIERS.growth).toEqual({
      load: { jobsPerDay: 50000, peakJobsPerHour: 10000 },
      llm: ROUTER,
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
        instanceClass: "db.r5.xlarge", multiAz: true, inRegionReplicas: 1, replicaRegions: ["us-west-2", "eu-west-1"], allocatedStorageGb: 200,
        maxAllocatedStorageGb: 1000, backupRetentionDays: 14, crossRegionBackups: true, maxConnections: 1000, statementTimeoutMs: 60000,
        idleInTransactionTimeoutMs: 30000, deletionProtection: true,
      },
      redis: { nodeType: "cache.r6g.large", clusterMode: true, shards: 3, replicasPerShard: 1, snapshotRetentionDays: 7 },
      pgbouncer: { replicas: 3 },
      storage: { replicaRegions: ["us-west-2", "eu-west-1"] },
      prometheus: PROMETHEUS,
      logs: { retentionDays: 30 },
      monthlyBudgetUsd: 20000,
    });
    expect("backupRegion" in TIERS.growth.database).toBe(false);
  });

  it("scale: 4x Growth's load; API 40-100 on c5.2xlarge, workers 300-1000 on c5.4xlarge, Redis 6 x 1", () => {
    expect(TIERS.scale).toEqual({
      load: { jobsPerDay: 200000, peakJobsPerHour: 40000 },
      llm: ROUTER,
      network: { natGateways: 3 },
      api: { instanceType: "c5.2xlarge", nodes: { min: 6, max: 15, desired: 6 }, replicas: { min: 40, max: 100 } },
      workers: {
        instanceType: "c5.4xlarge",
        spotInstanceTypes: ["c5.4xlarge", "c5a.4xlarge", "c5d.4xlarge", "c6i.4xlarge", "c6a.4xlarge"],
        nodes: { min: 43, max: 167, desired: 43 },
        replicas: { min: 300, max: 1000 },
        resources: WORKER_POD,
      },
      gpu: { instanceType: "g5.2xlarge", gpuType: "nvidia-a10g", nodes: { min: 10, max: 14, desired: 10 }, ollamaReplicas: 10 },
      database: {
        instanceClass: "db.r5.4xlarge", multiAz: true, inRegionReplicas: 1, replicaRegions: ["us-west-2", "eu-west-1", "ap-southeast-1"], allocatedStorageGb: 1000,
        maxAllocatedStorageGb: 5000, backupRetentionDays: 30, crossRegionBackups: true, maxConnections: 2000, statementTimeoutMs: 30000,
        idleInTransactionTimeoutMs: 15000, deletionProtection: true,
      },
      redis: { nodeType: "cache.r6g.xlarge", clusterMode: true, shards: 6, replicasPerShard: 1, snapshotRetentionDays: 14 },
      pgbouncer: { replicas: 6 },
      storage: { replicaRegions: ["us-west-2", "eu-west-1", "ap-southeast-1"] },
      prometheus: PROMETHEUS,
      logs: { retentionDays: 90 },
      monthlyBudgetUsd: 65000,
    });
  });

  it("enterprise: 16x Growth's load; API 80-200 on c5.4xlarge, workers 800-2000 on m5.8xlarge, Redis 12 x 2", () => {
    expect(TIERS.enterprise).toEqual({
      load: { jobsPerDay: 800000, peakJobsPerHour: 160000 },
      llm: ROUTER,
      network: { natGateways: 3 },
      api: { instanceType: "c5.4xlarge", nodes: { min: 6, max: 14, desired: 6 }, replicas: { min: 80, max: 200 } },
      workers: {
        instanceType: "m5.8xlarge",
        spotInstanceTypes: ["m5.8xlarge", "m5a.8xlarge", "m5d.8xlarge", "m6i.8xlarge", "m6a.8xlarge"],
        nodes: { min: 54, max: 134, desired: 54 },
        replicas: { min: 800, max: 2000 },
        resources: WORKER_POD,
      },
      gpu: { instanceType: "g5.2xlarge", gpuType: "nvidia-a10g", nodes: { min: 34, max: 48, desired: 34 }, ollamaReplicas: 34 },
      database: {
        instanceClass: "db.r5.16xlarge", multiAz: true, inRegionReplicas: 2, replicaRegions: ["us-west-2", "eu-west-1", "ap-southeast-1"], allocatedStorageGb: 4000,
        maxAllocatedStorageGb: 16000, backupRetentionDays: 35, crossRegionBackups: true, maxConnections: 5000, statementTimeoutMs: 30000,
        idleInTransactionTimeoutMs: 15000, deletionProtection: true,
      },
      redis: { nodeType: "cache.r6g.2xlarge", clusterMode: true, shards: 12, replicasPerShard: 2, snapshotRetentionDays: 35 },
      pgbouncer: { replicas: 10 },
      storage: { replicaRegions: ["us-west-2", "eu-west-1", "ap-southeast-1"] },
      prometheus: PROMETHEUS,
      logs: { retentionDays: 365 },
      monthlyBudgetUsd: 210000,
    });
  });
});
