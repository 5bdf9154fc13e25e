export type { AlarmEvaluation, AlarmThresholds } from "./alarms";
export { Alerting, RUNBOOKS, type AlertingArgs } from "./alerting";
export { Observability, type ObservabilityArgs } from "./observability";
export { METRICS, type BurnRateWindow, type QuantileTargets, type SloTable } from "./slo";
export type { ServiceRef, WorkloadServices } from "./targets";
export { EXPORTERS, METRIC_CATALOG, metricNames, type CatalogEntry, type Exporter, type ExporterKey } from "./metric-catalog";
