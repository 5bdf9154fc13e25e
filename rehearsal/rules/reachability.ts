/**
 * Reachability: each client can open a connection to each server its configuration points at, through the
 * NetworkPolicies (both the server's ingress and the client's egress) and the security groups (the server's
 * group admits the cluster's nodes on its port, in the cluster's VPC). API and workers -> PgBouncer ->
 * database writer (and readers that pods are handed); workers -> Redis; workers -> Ollama; Prometheus -> every
 * scraped pod; every pod -> DNS; the ALB -> the API pods. A server nothing reaches, or a client pointed at an
 * unreachable server, fails; a cross-region replica that no client uses is reported as DR-only.
 */
import type { RegisteredResource } from "../../tools/registered";
import { COMPUTED, selects, type K8sObject, type PlanModel, type PodGroup } from "../model";
import type { Finding, RuleResult } from "../types";

/**
 * Which env key makes a pod a client of which in-cluster server (infra/workloads.ts: DATABASE_URL goes through
 * PgBouncer). Servers are found by their pods' app label and the container port's name.
 */
export const ENV_CLIENTS: Record<string, { app: string; port: string; component: string }> = {
  DATABASE_URL: { app: "pgbouncer", port: "pgbouncer", component: "finishthisidea:data:Database" },
};
/** Env keys that point a pod at the Redis replication group. */
export const REDIS_ENV = "REDIS_HOST";
/** Env keys that hand a pod a database reader URL. */
export const READER_ENV = "DATABASE_READ_URL";

const MONITORING_NAMESPACE_LABEL = "kubernetes.io/metadata.name";
const APP = "app.kubernetes.io/name";
const DNS_PORT = 53;

interface Endpoint { namespace?: string; labels: Record<string, string> }

function peerMatches(peer: any, from: Endpoint, policyNs: string | undefined, namespaces: Map<string, Record<string, string>>): boolean {
  if (peer.ipBlock) return false;
  const nsLabels = namespaces.get(from.namespace ?? "") ?? { [MONITORING_NAMESPACE_LABEL]: from.namespace ?? "" };
  if (peer.namespaceSelector) {
    if (!selects(peer.namespaceSelector.matchLabels, nsLabels)) return false;
  } else if (from.namespace !== policyNs) return false;
  return !peer.podSelector || selects(peer.podSelector.matchLabels, from.labels);
}

const portMatches = (rulePorts: any[] | undefined, port: number | string, names: Record<string, number>) =>
  !rulePorts || rulePorts.length === 0 || rulePorts.some((p) => p.port === undefined || p.port === port || (String(p.port) in names && names[String(p.port)] === port));

/** Whether NetworkPolicies let `from` open `port` on `to` (ingress at the server, egress at the client). */
export function policyAllows(model: PlanModel, from: Endpoint | "external", to: Endpoint & { ports?: Record<string, number> }, port: number): boolean {
  const policies = model.objects.get("NetworkPolicy") ?? [];
  const names = to.ports ?? {};
  const applies = (p: K8sObject, ep: Endpoint, type: "Ingress" | "Egress") => p.namespace === ep.namespace
    && selects(p.spec.podSelector?.matchLabels, ep.labels)
    && (p.spec.policyTypes ?? (type === "Ingress" ? ["Ingress"] : p.spec.egress ? ["Egress"] : [])).includes(type);
  const ingress = policies.filter((p) => applies(p, to, "Ingress"));
  const inOk = ingress.length === 0 || ingress.some((p) => (p.spec.ingress ?? []).some((rule: any) => portMatches(rule.ports, port, names)
    && (!rule.from || rule.from.length === 0 || (from === "external" ? rule.from.some((f: any) => f.ipBlock) : rule.from.some((f: any) => peerMatches(f, from, p.namespace, model.namespaces))))));
  if (!inOk || from === "external") return inOk;
  const egress = policies.filter((p) => applies(p, from, "Egress"));
  return egress.length === 0 || egress.some((p) => (p.spec.egress ?? []).some((rule: any) => portMatches(rule.ports, port, {})
    && (!rule.to || rule.to.length === 0 || rule.to.some((t: any) => t.ipBlock || (t.namespaceSelector && selects(t.namespaceSelector.matchLabels, model.namespaces.get(to.namespace ?? "") ?? {}))))));
}

function securityGroupsOf(r: RegisteredResource, model: PlanModel): RegisteredResource[] {
  return (r.inputDependencies ?? []).map((u) => model.byUrn.get(u)).filter((d): d is RegisteredResource => d?.type === "aws:ec2/securityGroup:SecurityGroup");
}

/** Whether one of the server's security groups, in the cluster's VPC, admits the cluster's nodes on `port`. */
export function securityGroupAdmitsCluster(model: PlanModel, server: RegisteredResource, port: number): { ok: boolean; why: string } {
  const sgs = securityGroupsOf(server, model);
  if (sgs.length === 0) return { ok: false, why: "it has no security group of the plan" };
  const clusterVpc = model.resources.find((r) => r.type === "aws:ec2/vpc:Vpc" && !r.name.startsWith("replica-"));
  const vpcId = clusterVpc ? `${clusterVpc.name}-id` : undefined;
  const cluster = model.resources.find((r) => r.type === "aws:eks/cluster:Cluster");
  for (const sg of sgs) {
    if (vpcId && sg.inputs.vpcId !== vpcId && sg.inputs.vpcId !== COMPUTED) return { ok: false, why: `its security group ${sg.name} is in another VPC (${sg.inputs.vpcId}) than the cluster (${vpcId}), with no peering` };
    const rules = model.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.inputs.securityGroupId === `${sg.name}-id`);
    const inline = (sg.inputs.ingress ?? []).map((i: any) => ({ inputs: { fromPort: i.fromPort, toPort: i.toPort, cidrIpv4: (i.cidrBlocks ?? [])[0], referencedSecurityGroupId: (i.securityGroups ?? [])[0] }, inputDependencies: sg.inputDependencies }));
    const admits = [...rules, ...inline].some((rule: any) => rule.inputs.fromPort <= port && port <= rule.inputs.toPort
      && (rule.inputs.cidrIpv4 === clusterVpc?.inputs.cidrBlock
        || (cluster !== undefined && (rule.inputDependencies ?? []).includes(cluster.urn))));
    if (admits) return { ok: true, why: "" };
  }
  return { ok: false, why: `no rule of ${sgs.map((s) => s.name).join(", ")} admits the cluster's nodes on ${port}` };
}

export function checkReachability(model: PlanModel): RuleResult {
  const failures: Finding[] = [];
  const notes: string[] = [];
  let checks = 0;
  const fail = (resource: string, problem: string, fix: string) => failures.push({ rule: "reachability", resource, problem, fix });
  const appPods = model.pods.filter((p) => p.resource && p.resource.type !== "kubernetes:helm.sh/v3:Release");
  const portsOf = (p: PodGroup) => Object.fromEntries(p.ports.filter((x) => x.name).map((x) => [x.name!, x.containerPort]));
  const eks = model.resources.some((r) => r.type === "aws:eks/cluster:Cluster");

  // A pod is a client by its env keys. Where the preview hides a whole envFrom Secret's keys, it is taken for a
  // client of any component whose outputs (endpoint, password) flow into its config. A pod handed only named keys
  // (the restore check gets the database's password for its throwaway instance) is judged by those names.
  const componentOf = (urn: string) => { const r = model.byUrn.get(urn); return r?.component ? model.resources.find((c) => c.name === r.component && c.type.startsWith("finishthisidea:")) : undefined; };
  const clientsOf = (componentType: string, envKey: string) =>
    appPods.filter((p) => p.envKeys.includes(envKey) || (p.envKeysHidden && p.configDeps.some((u) => componentOf(u)?.type === componentType)));

  // In-cluster servers the env points at.
  for (const [key, server] of Object.entries(ENV_CLIENTS)) {
    const servers = appPods.filter((p) => p.labels[APP] === server.app);
    const clients = clientsOf(server.component, key).filter((p) => !servers.includes(p));
    if (servers.length === 0 && clients.length > 0) { fail(clients[0].id, `${key} points at ${server.app}, which the plan does not run`, `deploy ${server.app} or fix ${key}`); continue; }
    for (const s of servers) {
      const port = s.ports.find((p) => p.name === server.port)?.containerPort ?? 0;
      if (clients.length === 0) fail(s.id, `no pod is configured to use it (${key})`, `hand ${key} to its clients`);
      for (const c of clients) {
        checks++;
        if (!policyAllows(model, c, { ...s, ports: portsOf(s) }, port)) fail(`${c.id} -> ${s.id}`, `NetworkPolicies block port ${port}`, `allow ${c.namespace}/${c.labels[APP] ?? c.name} on ${port} in ${s.namespace}'s policy`);
      }
    }
  }
  // Literal service URLs (OLLAMA_URL=http://ollama.ollama.svc.cluster.local:11434).
  for (const c of appPods) {
    for (const [key, value] of Object.entries(c.env)) {
      const m = /^[a-z]+:\/\/([a-z0-9-]+)\.([a-z0-9-]+)\.svc(?:\.cluster\.local)?:(\d+)/.exec(value);
      if (!m) continue;
      checks++;
      const [, svcName, ns, portText] = m;
      const svc = (model.objects.get("Service") ?? []).find((s) => s.name === svcName && s.namespace === ns);
      const port = Number(portText);
      const sp = (svc?.spec.ports ?? []).find((p: any) => p.port === port);
      if (!svc || !sp) { fail(c.id, `${key} points at ${svcName}.${ns}:${port}, which no Service of the plan serves`, "fix the URL or create the Service"); continue; }
      const targets = appPods.filter((p) => p.namespace === ns && selects(svc.spec.selector, p.labels));
      for (const t of targets) {
        const targetPort = typeof sp.targetPort === "string" ? portsOf(t)[sp.targetPort] : sp.targetPort ?? port;
        if (!policyAllows(model, c, { ...t, ports: portsOf(t) }, targetPort)) fail(`${c.id} -> ${t.id}`, `${key} points at it, but NetworkPolicies block port ${targetPort}`, `allow ${c.namespace} pods on ${targetPort} in ${ns}'s policy`);
      }
    }
  }

  // AWS data stores: PgBouncer -> writer (and readers handed to pods), workers -> Redis.
  const rds = model.resources.filter((r) => r.type === "aws:rds/instance:Instance");
  const pgbouncerRuns = appPods.some((p) => p.labels[APP] === ENV_CLIENTS.DATABASE_URL.app);
  const readerClients = appPods.filter((p) => p.envKeys.includes(READER_ENV));
  for (const db of rds) {
    if (!eks) { notes.push(`${db.name}: existing cluster, node security group unknown: add an ingress rule for its nodes`); continue; }
    const port = Number(db.inputs.port ?? 5432);
    const isReplica = db.inputs.replicateSourceDb !== undefined;
    const usedBy = appPods.filter((p) => p.configDeps.includes(db.urn));
    if (!isReplica) {
      checks++;
      if (!pgbouncerRuns) fail(db.name, "no client is configured to reach the database writer", "run PgBouncer in front of it");
      const r = securityGroupAdmitsCluster(model, db, port);
      if (!r.ok) fail(db.name, `PgBouncer cannot reach the writer: ${r.why}`, `admit the cluster security group on ${port}`);
      continue;
    }
    const region = db.options.provider?.split("-").slice(-3).join("-");
    const writerRegion = rds.find((w) => w.inputs.replicateSourceDb === undefined)?.options.provider?.split("-").slice(-3).join("-");
    if (usedBy.length === 0) {
      const role = region && writerRegion && region !== writerRegion ? "DR-only replica" : "unused read replica";
      notes.push(`${db.name}${region ? ` (${region})` : ""}: no client is handed its URL${readerClients.length > 0 ? "" : ` (no pod gets ${READER_ENV})`}: ${role}, not checked for reachability`);
      continue;
    }
    checks++;
    const r = securityGroupAdmitsCluster(model, db, port);
    if (!r.ok) fail(db.name, `${usedBy.map((u) => u.id).join(", ")} are handed its URL, but ${r.why}`, `admit the cluster on ${port} (in-region), or peer the replica's VPC and admit the cluster's CIDR`);
  }
  for (const redis of model.resources.filter((r) => r.type === "aws:elasticache/replicationGroup:ReplicationGroup")) {
    if (!eks) continue;
    checks++;
    const port = Number(redis.inputs.port ?? 6379);
    const clients = clientsOf("finishthisidea:data:RedisCluster", REDIS_ENV);
    if (clients.length === 0) fail(redis.name, "no pod is configured to use Redis", `hand ${REDIS_ENV} to the workers`);
    const r = securityGroupAdmitsCluster(model, redis, port);
    if (!r.ok) fail(redis.name, `${clients.map((c) => c.id).join(", ") || "clients"} cannot reach Redis: ${r.why}`, `admit the cluster security group on ${port}`);
  }

  // Prometheus -> every pod a PodMonitor scrapes.
  const prom: Endpoint | undefined = model.pods.find((p) => p.id.includes("kube-prometheus-stack prometheus"));
  for (const pm of model.objects.get("PodMonitor") ?? []) {
    const nss: string[] = pm.spec.namespaceSelector?.matchNames ?? [pm.namespace];
    const targets = appPods.filter((p) => nss.includes(p.namespace ?? "") && selects(pm.spec.selector?.matchLabels, p.labels));
    for (const t of targets) for (const ep of pm.spec.podMetricsEndpoints ?? []) {
      checks++;
      const port = ep.portNumber ?? portsOf(t)[ep.port];
      const from = prom ? { namespace: prom.namespace, labels: prom.labels } : { namespace: pm.namespace, labels: {} };
      if (!policyAllows(model, from, { ...t, ports: portsOf(t) }, port)) fail(`Prometheus -> ${t.id}`, `scrapes port ${port}, which NetworkPolicies block`, `admit namespace ${from.namespace} on ${port}`);
    }
  }

  // Every pod -> DNS (only an egress policy can block it); the ALB -> the API pods.
  const dns = { namespace: "kube-system", labels: { "k8s-app": "kube-dns" } };
  for (const p of appPods) {
    checks++;
    if (!policyAllows(model, p, dns, DNS_PORT)) fail(`${p.id} -> DNS`, "an egress NetworkPolicy leaves out port 53 to kube-system: no name resolves", "allow UDP and TCP 53 to kube-system in the egress policy");
  }
  for (const ing of model.objects.get("Ingress") ?? []) {
    const svcs = (model.objects.get("Service") ?? []).filter((s) => s.namespace === ing.namespace);
    for (const s of svcs) for (const t of appPods.filter((p) => p.namespace === s.namespace && selects(s.spec.selector, p.labels))) {
      checks++;
      const port = t.ports[0]?.containerPort ?? 0;
      if (!policyAllows(model, "external", { ...t, ports: portsOf(t) }, port)) fail(`ALB -> ${t.id}`, `NetworkPolicies admit no ipBlock on ${port}: the ALB's health checks and traffic are dropped`, "admit the VPC CIDR on the container port");
    }
  }
  return { rule: "reachability", title: "Reachability", checks, failures, notes };
}
