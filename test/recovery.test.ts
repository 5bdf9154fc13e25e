import { describe, expect, it } from "vitest";
import {
  ACCEPTED_GAPS,
  DR_ASSUMPTIONS,
  DR_TARGETS,
  REPLICA_LAG_BUDGET_SECONDS,
  assertMeetsTargets,
  recoveryObjectives,
  targetMisses,
} from "../infra/recovery";
import { alarmThresholds } from "../infra/alarm-thresholds";
import { TIERS, TIER_NAMES, type TierPreset } from "../infra/tiers";

/** A copy of a tier with its database / storage / redis blocks changed. */
function mutilated(base: TierPreset, over: { database?: Partial<TierPreset["database"]>; storage?: Partial<TierPreset["storage"]>; redis?: Partial<TierPreset["redis"]> }): TierPreset {
  return {
    ...base,
    database: { ...base.database, ...over.database },
    storage: { ...base.storage, ...over.storage },
    redis: { ...base.redis, ...over.redis },
  };
}

const scenarioOf = (preset: TierPreset, id: string) => recoveryObjectives(preset).find((s) => s.scenario === id)!;

describe("every tier meets RPO < 1 h and RTO < 4 h", () => {
  it.each(TIER_NAMES)("%s, apart from the gaps it declares", (tier) => {
    const accepted = (ACCEPTED_GAPS[tier] ?? []).map((g) => g.scenario);
    expect(() => assertMeetsTargets(TIERS[tier], accepted)).not.toThrow();
  });

  it("declares one gap only, on MVP: its single Redis node (fixed by the scaling plan)", () => {
    expect(Object.keys(ACCEPTED_GAPS)).toEqual(["mvp"]);
    expect(targetMisses(recoveryObjectives(TIERS.mvp)).map((m) => m.scenario)).toEqual(["cache-node-loss"]);
  });

  it("Growth (prod), Scale and Enterprise replicate automated backups to a second region, as the README says", () => {
    expect(TIERS.growth.database.crossRegionBackups).toBe(true);
    expect(TIERS.scale.database.crossRegionBackups).toBe(true);
    expect(TIERS.enterprise.database.crossRegionBackups).toBe(true);
  });
});

describe("recoveryObjectives", () => {
  it("uses Multi-AZ failover for an instance loss when the tier has it, PITR or a replica otherwise", () => {
    expect(scenarioOf(TIERS.growth, "instance-or-az-loss").recoveries[0]).toMatchObject({ mechanism: "Multi-AZ automatic failover", rpoMinutes: 0, rtoMinutes: 2 });
    // MVP: single-AZ primary, one in-region replica: promoting it loses at most the lag budget.
    expect(scenarioOf(TIERS.mvp, "instance-or-az-loss").recoveries[0]).toMatchObject({ mechanism: "promote an in-region read replica", rpoMinutes: 5 });
    const bare = mutilated(TIERS.mvp, { database: { inRegionReplicas: 0 } });
    expect(scenarioOf(bare, "instance-or-az-loss")).toMatchObject({ rpoMinutes: DR_ASSUMPTIONS.pitr.rpoMinutes, rtoMinutes: DR_ASSUMPTIONS.pitr.restoreMinutes + DR_ASSUMPTIONS.cutoverMinutes });
  });

  it("bounds a region loss with replicas by the replica lag the alarms page on", () => {
    const region = scenarioOf(TIERS.growth, "region-loss");
    expect(region.recoveries.find((r) => r.data === "database")).toMatchObject({ mechanism: "promote the cross-region read replica in us-west-2", rpoMinutes: REPLICA_LAG_BUDGET_SECONDS / 60 });
    expect(alarmThresholds(TIERS.growth, 0.9995).rds.replicaLagSeconds).toBe(REPLICA_LAG_BUDGET_SECONDS);
    expect(region.rpoMinutes).toBe(DR_ASSUMPTIONS.s3Replication.rpoMinutes);
    expect(region.rtoMinutes).toBeLessThan(DR_TARGETS.rtoMinutes);
  });

  it("falls back to the replicated backups when a tier with crossRegionBackups loses its replicas", () => {
    const noReplicas = mutilated(TIERS.scale, { database: { replicaRegions: [] } });
    expect(scenarioOf(noReplicas, "region-loss").recoveries.find((r) => r.data === "database")).toMatchObject({ mechanism: "restore from the automated backups replicated to the backup region", rpoMinutes: 15 });
    expect(() => assertMeetsTargets(noReplicas)).not.toThrow();
  });
});

describe("assertMeetsTargets rejects a preset that cannot meet the targets, saying why", () => {
  it("no cross-region replica and no cross-region backups", () => {
    const preset = mutilated(TIERS.growth, { database: { replicaRegions: [], crossRegionBackups: false } });
    expect(() => assertMeetsTargets(preset)).toThrow(/region-loss: RPO unbounded >= target 60 min, RTO unbounded >= target 240 min \(database: no copy of the database outside the primary region: database.replicaRegions is empty and database.crossRegionBackups is false\)/);
  });

  it("PITR retention shorter than the detection window", () => {
    const preset = mutilated(TIERS.enterprise, { database: { backupRetentionDays: 3 } });
    expect(() => assertMeetsTargets(preset)).toThrow(/logical-corruption: RPO unbounded .*database.backupRetentionDays is 3; PITR must reach back 7 days/);
  });

  it("a Redis node without replicas", () => {
    const preset = mutilated(TIERS.growth, { redis: { replicasPerShard: 0 } });
    expect(() => assertMeetsTargets(preset)).toThrow(/cache-node-loss: RPO 1440 min >= target 60 min .*redis.replicasPerShard is 0/);
  });

  it("buckets without replication", () => {
    const preset = mutilated(TIERS.growth, { storage: { replicaRegions: [] } });
    expect(() => assertMeetsTargets(preset)).toThrow(/objects: no copy of the buckets outside the primary region: storage.replicaRegions is empty/);
  });

  it("an accepted gap the preset no longer has (stale entry)", () => {
    expect(() => assertMeetsTargets(TIERS.growth, ["region-loss"])).toThrow(/region-loss: listed as an accepted gap but the preset meets the targets there; remove it from ACCEPTED_GAPS/);
  });
});
