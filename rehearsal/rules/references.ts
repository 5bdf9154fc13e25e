/**
 * References: what pods and controllers name exists. Secrets, ConfigMaps and ServiceAccounts a pod names exist
 * in its namespace; Services select pods and their targetPort is a container port; Ingress backends name a
 * Service port; HPA / ScaledObject targets and PDB selectors match; PodMonitors select pods and scrape a port
 * they expose; prometheus-adapter rules read a series some scraped target produces.
 */
import { COMPUTED, dependencyNames, selects, type PlanModel, type PodGroup } from "../model";
import type { Finding, RuleResult } from "../types";

/**
 * Series the application exposes on /metrics, per app label (the application's metrics contract, written in
 * components/observability/targets.ts: the API serves the counter `http_requests_total`).
 */
export const APPLICATION_SERIES: Record<string, string[]> = {
  api: ["http_requests_total", "http_request_duration_seconds_bucket"],
  workers: ["bullmq_jobs_completed_total", "bullmq_jobs_failed_total"],
};

const APP_LABEL = "app.kubernetes.io/name";

export function checkReferences(model: PlanModel): RuleResult {
  const failures: Finding[] = [];
  const notes: string[] = [];
  let checks = 0;
  const fail = (resource: string, problem: string, fix: string) => failures.push({ rule: "references", resource, problem, fix });
  const objs = (kind: string) => model.objects.get(kind) ?? [];
  const exists = (kind: string, name: string, ns?: string) => objs(kind).some((o) => o.name === name && o.namespace === ns);
  const podsIn = (ns?: string) => model.pods.filter((p) => p.namespace === ns && p.resource?.type !== "kubernetes:helm.sh/v3:Release");

  for (const pod of model.pods.filter((p) => p.resource && p.resource.type !== "kubernetes:helm.sh/v3:Release")) {
    for (const ref of pod.refs) {
      checks++;
      if (ref.name === COMPUTED) {
        if (dependencyNames(pod.resource!, model.byUrn, ref.kind).length === 0) fail(pod.id, `names a ${ref.kind} whose name is computed from no registered ${ref.kind}`, `pass the ${ref.kind} resource's metadata.name`);
        continue;
      }
      if (ref.kind === "ServiceAccount" && ref.name === "default") continue;
      if (!exists(ref.kind, ref.name, pod.namespace)) fail(pod.id, `names ${ref.kind} ${ref.name}, which the plan does not create in namespace ${pod.namespace}: the pod fails to start`, `create ${ref.kind} ${ref.name} in ${pod.namespace} or fix the name`);
    }
  }

  const portMatches = (pods: PodGroup[], target: string | number) => pods.some((p) => p.ports.some((cp) => cp.name === target || cp.containerPort === Number(target)));
  for (const svc of objs("Service")) {
    checks++;
    const selected = podsIn(svc.namespace).filter((p) => selects(svc.spec.selector, p.labels));
    if (!svc.spec.selector) continue;
    if (selected.length === 0) { fail(`Service ${svc.namespace}/${svc.name}`, `selector ${JSON.stringify(svc.spec.selector)} matches no pod template in ${svc.namespace}: it has no endpoints`, "make the selector the pods' labels"); continue; }
    for (const port of svc.spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      if (!portMatches(selected, target)) fail(`Service ${svc.namespace}/${svc.name}`, `port ${port.name ?? port.port} targets ${target}, which no selected pod exposes (${selected.flatMap((p) => p.ports.map((cp) => cp.name ?? cp.containerPort)).join(", ")})`, "set targetPort to a container port name or number");
    }
  }

  for (const ing of objs("Ingress")) {
    const backends = [ing.spec.defaultBackend, ...(ing.spec.rules ?? []).flatMap((r: any) => (r.http?.paths ?? []).map((p: any) => p.backend))].filter(Boolean);
    for (const b of backends) {
      const port = b.service?.port?.name ?? b.service?.port?.number;
      if (port === "use-annotation") continue; // an ALB action from annotations, not a Service
      checks++;
      const name = b.service?.name === COMPUTED ? dependencyNames(ing.resource, model.byUrn, "Service")[0] : b.service?.name;
      const svc = objs("Service").find((s) => s.name === name && s.namespace === ing.namespace);
      if (!svc) { fail(`Ingress ${ing.namespace}/${ing.name}`, `backend Service ${name} does not exist in ${ing.namespace}`, "name the Service the plan creates"); continue; }
      if (!(svc.spec.ports ?? []).some((p: any) => p.name === port || p.port === port)) fail(`Ingress ${ing.namespace}/${ing.name}`, `backend port ${port} is not a port of Service ${name}`, "use one of the Service's port names");
    }
  }

  const scalers = [...objs("HorizontalPodAutoscaler"), ...objs("ScaledObject")];
  for (const s of scalers) {
    checks++;
    const ref = s.spec.scaleTargetRef ?? {};
    const kind = ref.kind ?? "Deployment";
    if (!exists(kind, ref.name, s.namespace)) fail(`${s.kind} ${s.namespace}/${s.name}`, `scales ${kind} ${ref.name}, which does not exist in ${s.namespace}`, "point scaleTargetRef at the workload");
  }
  for (const pdb of objs("PodDisruptionBudget")) {
    checks++;
    if (!podsIn(pdb.namespace).some((p) => selects(pdb.spec.selector?.matchLabels, p.labels))) fail(`PodDisruptionBudget ${pdb.namespace}/${pdb.name}`, `selector matches no pod in ${pdb.namespace}: it protects nothing`, "use the workload's selector labels");
  }

  const scraped = new Set<PodGroup>();
  for (const pm of objs("PodMonitor")) {
    checks++;
    const nss: string[] = pm.spec.namespaceSelector?.matchNames ?? [pm.namespace];
    const selected = model.pods.filter((p) => nss.includes(p.namespace ?? "") && selects(pm.spec.selector?.matchLabels, p.labels));
    if (selected.length === 0) { fail(`PodMonitor ${pm.namespace}/${pm.name}`, `selects no pod in ${nss.join(", ")}: nothing is scraped`, "use the pods' selector labels and namespace"); continue; }
    for (const ep of pm.spec.podMetricsEndpoints ?? []) {
      const port = ep.port ?? ep.portNumber;
      if (!portMatches(selected, port)) fail(`PodMonitor ${pm.namespace}/${pm.name}`, `scrapes port ${port}, which the selected pods do not expose`, "scrape a container port name or number of those pods");
    }
    selected.forEach((p) => scraped.add(p));
  }
  for (const sm of objs("ServiceMonitor")) {
    checks++;
    const nss: string[] = sm.spec.namespaceSelector?.matchNames ?? [sm.namespace];
    const svcs = objs("Service").filter((s) => nss.includes(s.namespace ?? "") && selects(sm.spec.selector?.matchLabels, s.metadata.labels ?? {}));
    if (svcs.length === 0) { fail(`ServiceMonitor ${sm.namespace}/${sm.name}`, `selects no Service in ${nss.join(", ")}`, "use the Service's labels"); continue; }
    for (const ep of sm.spec.endpoints ?? []) {
      if (ep.port && !svcs.some((s) => (s.spec.ports ?? []).some((p: any) => p.name === ep.port))) fail(`ServiceMonitor ${sm.namespace}/${sm.name}`, `endpoint port ${ep.port} is no port name of the selected Services`, "use the Service's port name");
    }
    for (const s of svcs) podsIn(s.namespace).filter((p) => selects(s.spec.selector, p.labels)).forEach((p) => scraped.add(p));
  }

  const series = new Set([...scraped].flatMap((p) => APPLICATION_SERIES[p.labels[APP_LABEL]] ?? []));
  for (const adapter of model.releases.filter((r) => r.inputs.chart === "prometheus-adapter")) {
    for (const rule of adapter.inputs.values?.rules?.custom ?? []) {
      checks++;
      const metric = /^([a-zA-Z_:][a-zA-Z0-9_:]*)/.exec(String(rule.seriesQuery ?? ""))?.[1];
      if (metric && !series.has(metric)) fail(`Helm ${adapter.inputs.name} rule ${metric}`, `reads ${metric}, which no scraped target produces (scraped: ${[...series].join(", ") || "none"}): the HPA metric never exists`, `scrape the pods that expose ${metric} (a PodMonitor) or fix the seriesQuery`);
    }
  }
  return { rule: "references", title: "References", checks, failures, notes };
}
