/**
 * Numbers compared with literals a reviewer can check by hand (the arithmetic is in the comments), never with
 * the table or function the code uses: alarm thresholds per tier, surge pre-warm per tier, the price table.
 * A changed threshold, factor or price fails here and must be changed here too, in the same diff.
 */
import { describe, expect, it } from "vitest";
import { ASSUMED_SPOT_DISCOUNT, EC2_HOURLY, ELASTICACHE_HOURLY, FLAT, HOURS_PER_MONTH, RDS_HOURLY, RDS_MULTI_AZ_FACTOR, SPOT_SAVINGS, STORAGE_GB_MONTH, USAGE } from "../cost/prices";
import { alarmThresholds } from "../infra/alarm-thresholds";
import { SURGE_FACTORS, surgeReplicas } from "../infra/surge";
import { TIERS } from "../infra/tiers";

const GIB = 1073741824;

describe("instance types per tier, as the scaling plan (seed 002, Instance Types Strategy) lists them", () => {
  it.each([
    ["mvp", "t3.medium", "t3.large", "db.t3.medium"],
    ["growth", "c5.xlarge", "c5.2xlarge", "db.r5.xlarge"],
    ["scale", "c5.2xlarge", "c5.4xlarge", "db.r5.4xlarge"],
    ["enterprise", "c5.4xlarge", "m5.8xlarge", "db.r5.16xlarge"],
  ] as const)("%s: API %s, workers %s, database %s", (tier, api, workers, db) => {
    const p = TIERS[tier];
    expect([p.api.instanceType, p.workers.instanceType, p.workers.spotInstanceTypes[0], p.database.instanceClass]).toEqual([api, workers, workers, db]);
  });
});

describe("alarm thresholds per tier (whole object: every key is a paging decision)", () => {
  // Shared by every tier: 3 of 5 one-minute periods; RDS CPU 80 %; replica lag 5 min; Redis memory 75 %
  // (noeviction refuses writes at 100 %), no evictions, engine CPU 80 %, replication lag 30 s;
  // 5xx at 14.4 (fast burn) x the tier's error budget: MVP 0.5 % (99.5 %) -> 7.2 %, Growth up 0.05 % (99.95 %)
  // -> 0.72 %; ALB at least 60 requests/min.
  const common = (freeStorageGb: number, connections: number, minHealthyHosts: number, error5xxPercent: number) => ({
    evaluation: { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 },
    rds: { cpuPercent: 80, freeStorageBytes: freeStorageGb * GIB, replicaLagSeconds: 300, connections },
    cache: { memoryPercent: 75, evictions: 0, engineCpuPercent: 80, replicationLagSeconds: 30 },
    cdn: { error5xxPercent },
    alb: { error5xxPercent, minRequestsPerMinute: 60, unhealthyHosts: 0, minHealthyHosts },
  });

  it.each([
    // tier, availability, 5 % of allocated storage (GiB), 80 % of max_connections, half the API's minimum replicas (>= 1), 5xx %
    ["mvp", 0.995, 2.5, 160, 1, 7.2], // 50 GB, 200 conns, min 2 -> 1
    ["growth", 0.9995, 10, 800, 10, 0.72], // 200 GB, 1000 conns, min 20
    ["scale", 0.9995, 50, 1600, 20, 0.72], // 1000 GB, 2000 conns, min 40
    ["enterprise", 0.9995, 200, 4000, 40, 0.72], // 4000 GB, 5000 conns, min 80
  ] as const)("%s", (tier, availability, freeGb, connections, minHealthy, error5xx) => {
    expect(alarmThresholds(TIERS[tier], availability)).toEqual(common(freeGb, connections, minHealthy, error5xx));
  });
});

describe("surge pre-warm (min = min(max, max(2 x min, ceil(max x fraction))); API fraction 1/2, workers 1/4)", () => {
  it("the factors", () => {
    expect(SURGE_FACTORS).toEqual({ api: { minMultiplier: 2, minFractionOfMax: 0.5 }, workers: { minMultiplier: 2, minFractionOfMax: 0.25 } });
  });

  it.each([
    // tier, API surge range, worker surge range (normal ranges: see test/golden/<tier>.json)
    ["mvp", { min: 4, max: 6 }, { min: 4, max: 8 }], // api max(4, 3); workers max(4, 2)
    ["growth", { min: 40, max: 50 }, { min: 200, max: 500 }], // api max(40, 25); workers max(200, 125)
    ["scale", { min: 80, max: 100 }, { min: 600, max: 1000 }], // api max(80, 50); workers max(600, 250)
    ["enterprise", { min: 160, max: 200 }, { min: 1600, max: 2000 }], // api max(160, 100); workers max(1600, 500)
  ] as const)("%s", (tier, api, workers) => {
    expect(surgeReplicas(TIERS[tier], true)).toEqual({ api, workers });
  });

  it("caps at the maximum, uses the fraction when it is larger, and leaves normal mode alone", () => {
    const preset = { api: { replicas: { min: 4, max: 5 } }, workers: { replicas: { min: 1, max: 40 } } } as Parameters<typeof surgeReplicas>[0];
    // api: min(5, max(8, 3)) = 5; workers: min(40, max(2, ceil(10))) = 10
    expect(surgeReplicas(preset, true)).toEqual({ api: { min: 5, max: 5 }, workers: { min: 10, max: 40 } });
    expect(surgeReplicas(preset, false)).toEqual({ api: { min: 4, max: 5 }, workers: { min: 1, max: 40 } });
  });
});

describe("price table (USD, us-east-1; sources in cost/prices.ts)", () => {
  const usd = (table: Record<string, { usd: number }>) => Object.fromEntries(Object.entries(table).map(([k, v]) => [k, v.usd]));

  it("EC2 on-demand per hour", () => {
    expect(usd(EC2_HOURLY)).toEqual({
      "t3.medium": 0.0416, "t3.large": 0.0832, "c5.large": 0.085, "c5.xlarge": 0.17, "c5.2xlarge": 0.34, "c5.4xlarge": 0.68,
      "c5a.xlarge": 0.154, "m5.8xlarge": 1.536, "g4dn.xlarge": 0.526, "g4dn.2xlarge": 0.752, "g5.xlarge": 1.006, "g5.2xlarge": 1.212,
      "p3.2xlarge": 3.06,
    });
  });

  it("spot savings (fraction off on-demand)", () => {
    expect(usd(SPOT_SAVINGS)).toEqual({
      "t3.medium": 0.56, "t3.large": 0.62, "c5.large": 0.59, "c5.xlarge": 0.56, "c5.2xlarge": 0.56, "c5.4xlarge": 0.66,
      "c5a.xlarge": 0.5, "m5.8xlarge": 0.69, "g5.xlarge": 0.59, "g5.2xlarge": 0.58, "g4dn.xlarge": 0.64, "p3.2xlarge": 0.8,
    });
    expect(ASSUMED_SPOT_DISCOUNT.usd).toBe(0.66);
  });

  it("RDS and ElastiCache per hour, Multi-AZ factor", () => {
    expect(usd(RDS_HOURLY)).toEqual({ "db.t3.medium": 0.072, "db.t3.large": 0.145, "db.r5.large": 0.25, "db.r5.xlarge": 0.5, "db.r5.4xlarge": 2, "db.r5.16xlarge": 8 });
    expect(RDS_MULTI_AZ_FACTOR.usd).toBe(2);
    expect(usd(ELASTICACHE_HOURLY)).toEqual({
      "cache.t3.medium": 0.068, "cache.m4.large": 0.156, "cache.r5.4xlarge": 1.724, "cache.r6g.large": 0.206, "cache.r6g.xlarge": 0.411, "cache.r6g.2xlarge": 0.821,
    });
  });

  it("flat, storage and usage rates; 730 hours a month", () => {
    expect(HOURS_PER_MONTH).toBe(730);
    expect(usd(FLAT)).toEqual({
      eksControlPlaneHour: 0.1, natGatewayHour: 0.045, loadBalancerHour: 0.0225, classicLoadBalancerHour: 0.025, publicIpv4Hour: 0.005, kmsKeyMonth: 1, cloudwatchAlarmMonth: 0.1, secretsManagerSecretMonth: 0.4,
    });
    expect(usd(STORAGE_GB_MONTH)).toEqual({ gp3: 0.08, rdsGp3: 0.115, s3Standard: 0.023, s3StandardIa: 0.0125, s3GlacierInstantRetrieval: 0.004 });
    expect(usd(USAGE)).toEqual({ natGatewayPerGb: 0.045, cloudfrontPerGbNorthAmerica: 0.085, cloudfrontPer10kHttpsRequests: 0.01 });
  });

  it("every price says where it came from, when, and how sure we are", () => {
    const all = [EC2_HOURLY, SPOT_SAVINGS, RDS_HOURLY, ELASTICACHE_HOURLY, FLAT, STORAGE_GB_MONTH, USAGE].flatMap((t) => Object.values(t)).concat([ASSUMED_SPOT_DISCOUNT, RDS_MULTI_AZ_FACTOR]);
    for (const price of all) {
      expect(price.source).toMatch(/\S{10,}/);
      expect(price.date).toMatch(/^20\d\d-\d\d(-\d\d)?$/);
      expect(["public", "secondary", "unverified-linear"]).toContain(price.confidence);
      // A secondary figure is only as good as the page it was read from: it names that page.
      if (price.confidence === "secondary") expect(price.source).toMatch(/https:\/\/[a-z0-9.-]+\.[a-z]{2,}\/\S*/);
    }
    // The linear RDS estimates are marked as such (xlarge 2x, 4xlarge 8x, 16xlarge 32x db.r5.large's 0.25).
    expect(["db.r5.xlarge", "db.r5.4xlarge", "db.r5.16xlarge"].map((c) => RDS_HOURLY[c].confidence)).toEqual(["unverified-linear", "unverified-linear", "unverified-linear"]);
  });
});
