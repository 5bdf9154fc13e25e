export type { AlarmEvaluation, AlarmThresholds } from "./alarms";
export { Alerting, RUNBOOKS, type AlertingArgs } from "./alerting";
export { Audit, type AuditArgs } from "./audit";
export { LOG_RETENTION_DAYS, LogShipping, type LogShippingArgs } from "./logging";
export { RESTORE_CHECK, RestoreCheck, type RestoreCheckArgs } from "./restore-check";
export { Observability, type ObservabilityArgs } from "./observability";
export { METRICS, type BurnRateWindow, type QuantileTargets, type SloTable } from "./slo";
export type { ServiceRef, WorkloadServices } from "./targets";
export { EXPORTERS, METRIC_CATALOG, metricNames, type CatalogEntry, type Exporter, type ExporterKey } from "./metric-catalog";
