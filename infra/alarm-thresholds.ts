/**
 * The one table of CloudWatch alarm thresholds (components/observability/alerting.ts reads nothing else). Numbers that do
 * not depend on the tier are written once in ALARM_DEFAULTS; numbers that do are computed from the tier preset
 * (infra/tiers.ts) or the SLA (infra/slos.ts) in `alarmThresholds`, never copied per tier by hand.
 */
import type { AlarmEvaluation, AlarmThresholds } from "../components/observability";
import { BURN_RATES } from "./slos";
import type { TierPreset } from "./tiers";
import { CACHE_REPLICATION_LAG_BUDGET_SECONDS, REPLICA_LAG_BUDGET_SECONDS } from "./recovery";

export const ALARM_DEFAULTS = {
  /** 3 of 5 one-minute periods: a sustained problem, not a single spike. */
  evaluation: { periodSeconds: 60, evaluationPeriods: 5, datapointsToAlarm: 3 } satisfies AlarmEvaluation,
  rds: {
    cpuPercent: 80,
    /**
     * Fraction of the allocated storage left free. RDS storage autoscaling grows the volume when less than 10%
     * is free; 5% fires only when autoscaling did not rescue it (at maxAllocatedStorageGb, or in its 6 h cooldown).
     */
    freeStorageFraction: 0.05,
    /** Connections as a fraction of Postgres max_connections: beyond it PgBouncer's pools are undersized. */
    connectionsFraction: 0.8,
  },
  cache: {
    /** noeviction: at 100% Redis refuses writes (BullMQ cannot enqueue), so page well before. */
    memoryPercent: 75,
    /** Any eviction means a policy other than noeviction is live and queued jobs are being dropped. */
    evictions: 0,
    engineCpuPercent: 80,
    /** Seconds a replica may trail its primary: what a failover would lose (the budget infra/recovery.ts counts). */
    replicationLagSeconds: CACHE_REPLICATION_LAG_BUDGET_SECONDS,
  },
  alb: {
    minRequestsPerMinute: 60,
    /** Targets failing the ALB health check for 3 of 5 minutes. */
    unhealthyHosts: 0,
    /** Healthy targets below this fraction of the API's minimum replicas. */
    minHealthyFractionOfMinReplicas: 0.5,
  },
} as const;

/** The fastest burn rate of the availability SLO's alerts (14.4 in the SRE workbook set). */
const fastBurn = Math.max(...BURN_RATES.map((b) => b.factor));

/** Alarm thresholds for a tier preset (overrides included) and its API availability SLO (infra/tiers.ts TIER_SERVICE_LEVELS). */
export function alarmThresholds(preset: TierPreset, apiAvailability: number): AlarmThresholds {
  const d = ALARM_DEFAULTS;
  const gib = 1024 ** 3;
  // Fast burn of the availability SLO: at Growth's 99.95%, 14.4 x 0.05% = 0.72% of requests answered 5xx.
  const error5xxPercent = Number(((1 - apiAvailability) * fastBurn * 100).toFixed(4));
  return {
    evaluation: { ...d.evaluation },
    rds: {
      cpuPercent: d.rds.cpuPercent,
      freeStorageBytes: Math.round(preset.database.allocatedStorageGb * gib * d.rds.freeStorageFraction),
      replicaLagSeconds: REPLICA_LAG_BUDGET_SECONDS,
      connections: Math.floor(preset.database.maxConnections * d.rds.connectionsFraction),
    },
    cache: { ...d.cache },
    cdn: { error5xxPercent },
    alb: {
      error5xxPercent,
      minRequestsPerMinute: d.alb.minRequestsPerMinute,
      unhealthyHosts: d.alb.unhealthyHosts,
      minHealthyHosts: Math.max(1, Math.ceil(preset.api.replicas.min * d.alb.minHealthyFractionOfMinReplicas)),
    },
  };
}
