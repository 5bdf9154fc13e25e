/** What the program renders for Prometheus and Grafana, read back from a whole-program run. */
import type { PromRuleGroup } from "../components/observability/prometheus-rules";
import type { ProgramRun } from "./harness";

export interface RenderedObservability {
  /** PrometheusRule objects: metadata.name -> spec.groups. */
  rules: Record<string, PromRuleGroup[]>;
  /** Every PromQL expression of every dashboard panel, with the dashboard's uid. */
  dashboardExprs: { uid: string; expr: string }[];
  /** prometheus-adapter's custom rules (seriesQuery / metricsQuery). */
  adapterRules: { seriesQuery: string; metricsQuery: string }[];
}

export function renderedObservability(run: ProgramRun): RenderedObservability {
  const rules: Record<string, PromRuleGroup[]> = {};
  for (const r of run.resources.filter((x) => x.type === "kubernetes:monitoring.coreos.com/v1:PrometheusRule")) {
    rules[r.inputs.metadata.name] = r.inputs.spec.groups;
  }
  const dashboardExprs: { uid: string; expr: string }[] = [];
  for (const r of run.resources.filter((x) => x.type === "kubernetes:core/v1:ConfigMap" && x.inputs.metadata?.labels?.grafana_dashboard)) {
    for (const json of Object.values(r.inputs.data as Record<string, string>)) {
      const board = JSON.parse(json);
      for (const panel of board.panels ?? []) for (const t of panel.targets ?? []) dashboardExprs.push({ uid: board.uid, expr: t.expr });
    }
  }
  const adapter = run.resources.find((x) => x.type === "kubernetes:helm.sh/v3:Release" && x.inputs.name === "prometheus-adapter");
  return { rules, dashboardExprs, adapterRules: adapter?.inputs.values.rules.custom ?? [] };
}
