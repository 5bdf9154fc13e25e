/** The shape of the CloudWatch alarm thresholds the Alerting component reads (values: infra/alarm-thresholds.ts). */

/** How an alarm evaluates: `datapointsToAlarm` breaching minutes out of `evaluationPeriods` periods. */
export interface AlarmEvaluation {
  periodSeconds: number;
  evaluationPeriods: number;
  datapointsToAlarm: number;
}

export interface AlarmThresholds {
  evaluation: AlarmEvaluation;
  rds: {
    cpuPercent: number;
    /** Bytes: FreeStorageSpace is reported in bytes. */
    freeStorageBytes: number;
    /** Seconds (ReplicaLag), tied to the RPO (infra/recovery.ts). */
    replicaLagSeconds: number;
    /** DatabaseConnections count. */
    connections: number;
  };
  cache: {
    memoryPercent: number;
    evictions: number;
    engineCpuPercent: number;
    replicationLagSeconds: number;
  };
  cdn: {
    /** CloudFront 5xxErrorRate, in percent of requests. */
    error5xxPercent: number;
  };
  alb: {
    /**
     * HTTPCode_Target_5XX_Count (the API's 5xx) and HTTPCode_ELB_5XX_Count (the load balancer's own: no healthy
     * target, timeouts), each in percent of RequestCount.
     */
    error5xxPercent: number;
    /** Below this many requests a minute the 5xx rate is not evaluated (a few errors at night are not a page). */
    minRequestsPerMinute: number;
    unhealthyHosts: number;
    /** HealthyHostCount below this pages. */
    minHealthyHosts: number;
  };
}
