/**
 * The reachability rule on hand-built plan models (issue 19: every mutant of rehearsal/rules/reachability.ts
 * caught): NetworkPolicy ingress and egress, security groups of the data stores, and each client -> server path.
 */
import { describe, expect, it } from "vitest";
import type { PlanModel, PodGroup } from "../rehearsal/model";
import { checkReachability, policyAllows, securityGroupAdmitsCluster } from "../rehearsal/rules/reachability";
import type { RegisteredResource } from "../tools/program";
import { model, obj, pod, resource } from "./rehearsal-fixtures";

const T = { eks: "aws:eks/cluster:Cluster", vpc: "aws:ec2/vpc:Vpc", sg: "aws:ec2/securityGroup:SecurityGroup", sgIn: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", rds: "aws:rds/instance:Instance", redis: "aws:elasticache/replicationGroup:ReplicationGroup" };
const NAME = "kubernetes.io/metadata.name";
const APP = "app.kubernetes.io/name";
const eks = resource(T.eks, "cluster-eks");
const vpc = resource(T.vpc, "network-vpc", { cidrBlock: "10.0.0.0/16" });
const replicaVpc = resource(T.vpc, "replica-vpc", { cidrBlock: "10.1.0.0/16" });
const sg = (name: string, vpcId = "network-vpc-id", inputs: Record<string, any> = {}, deps: string[] = []) => resource(T.sg, name, { vpcId, ...inputs }, { inputDependencies: deps });
const rule = (sgName: string, fromPort: number, toPort: number, o: { cidr?: string; deps?: string[] } = {}) =>
  resource(T.sgIn, `${sgName}-in-${fromPort}-${toPort}-${o.cidr ?? "sg"}`, { securityGroupId: `${sgName}-id`, fromPort, toPort, cidrIpv4: o.cidr }, { inputDependencies: o.deps ?? [eks.urn] });
const db = (name: string, groups: RegisteredResource[], inputs: Record<string, any> = {}, provider?: string) =>
  resource(T.rds, name, inputs, { inputDependencies: groups.map((g) => g.urn), options: { protect: false, aliases: [], dependsOn: [], ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false, provider } as any });
const policy = (ns: string, spec: any) => obj("NetworkPolicy", `${ns}-policy`, ns, spec);

describe("securityGroupAdmitsCluster", () => {
  const admits = (resources: RegisteredResource[], server: RegisteredResource, port = 5432) => securityGroupAdmitsCluster(model({ resources: [...resources, server] }), server, port);
  const dbSg = sg("db-sg");

  it("needs a security group of the plan on the server", () => {
    expect(admits([eks, vpc], db("db", []))).toEqual({ ok: false, why: "it has no security group of the plan" });
    expect(admits([eks, vpc, vpc], db("db", [vpc]))).toEqual({ ok: false, why: "it has no security group of the plan" });
  });

  it("admits by a rule whose source is the cluster or the cluster VPC's CIDR, on a port range that holds the port", () => {
    expect(admits([eks, vpc, dbSg, rule("db-sg", 5432, 5432)], db("db", [dbSg]))).toEqual({ ok: true, why: "" });
    expect(admits([eks, replicaVpc, vpc, dbSg, rule("db-sg", 5000, 5432, { cidr: "10.0.0.0/16", deps: [] })], db("db", [dbSg])).ok).toBe(true);
    expect(admits([eks, vpc, dbSg, rule("db-sg", 5432, 6000)], db("db", [dbSg])).ok).toBe(true);
    const refused = { ok: false, why: "no rule of db-sg admits the cluster's nodes on 5432" };
    expect(admits([eks, vpc, dbSg, rule("db-sg", 5433, 6000)], db("db", [dbSg]))).toEqual(refused);
    expect(admits([eks, vpc, dbSg, rule("db-sg", 5000, 5431)], db("db", [dbSg]))).toEqual(refused);
    expect(admits([eks, vpc, dbSg, rule("db-sg", 5432, 5432, { cidr: "10.1.0.0/16", deps: [] })], db("db", [dbSg]))).toEqual(refused);
    expect(admits([eks, vpc, dbSg, rule("other-sg", 5432, 5432)], db("db", [dbSg]))).toEqual(refused);
    expect(admits([eks, vpc, dbSg, rule("db-sg", 5432, 5432, { deps: [vpc.urn] })], db("db", [dbSg]))).toEqual(refused);
    // Without an EKS cluster in the plan only the CIDR can admit.
    expect(admits([vpc, dbSg, rule("db-sg", 5432, 5432)], db("db", [dbSg]))).toEqual(refused);
  });

  it("reads inline ingress blocks too", () => {
    const inlineCidr = sg("inline-sg", "network-vpc-id", { ingress: [{ fromPort: 5432, toPort: 5432, cidrBlocks: ["10.0.0.0/16"] }] });
    expect(admits([eks, vpc, inlineCidr], db("db", [inlineCidr])).ok).toBe(true);
    const inlineCluster = sg("inline-sg", "network-vpc-id", { ingress: [{ fromPort: 0, toPort: 65535, securityGroups: ["cluster-sg-id"] }] }, [eks.urn]);
    expect(admits([eks, vpc, inlineCluster], db("db", [inlineCluster])).ok).toBe(true);
    const inlineOther = sg("inline-sg", "network-vpc-id", { ingress: [{ fromPort: 5432, toPort: 5432, cidrBlocks: ["10.9.0.0/16"] }] });
    expect(admits([eks, vpc, inlineOther], db("db", [inlineOther]))).toEqual({ ok: false, why: "no rule of inline-sg admits the cluster's nodes on 5432" });
  });

  it("tries every group of the server, and refuses a group in another VPC than the cluster's", () => {
    const second = sg("db-sg-2");
    expect(admits([eks, vpc, dbSg, second, rule("db-sg-2", 5432, 5432)], db("db", [dbSg, second])).ok).toBe(true);
    expect(admits([eks, vpc, dbSg, second], db("db", [dbSg, second]))).toEqual({ ok: false, why: "no rule of db-sg, db-sg-2 admits the cluster's nodes on 5432" });
    const away = sg("away-sg", "replica-vpc-id");
    expect(admits([eks, replicaVpc, vpc, away, rule("away-sg", 5432, 5432)], db("db", [away]))).toEqual({ ok: false, why: "its security group away-sg is in another VPC (replica-vpc-id) than the cluster (network-vpc-id), with no peering" });
    // A computed VPC id, or no cluster VPC in the plan: not judged on the VPC.
    const computed = sg("c-sg", "<computed>");
    expect(admits([eks, vpc, computed, rule("c-sg", 5432, 5432)], db("db", [computed])).ok).toBe(true);
    expect(admits([eks, replicaVpc, away, rule("away-sg", 5432, 5432)], db("db", [away])).ok).toBe(true);
  });
});

describe("policyAllows", () => {
  const api: { namespace: string; labels: Record<string, string> } = { namespace: "api", labels: { [APP]: "api" } };
  const pgb = { namespace: "pgbouncer", labels: { [APP]: "pgbouncer" }, ports: { pgbouncer: 6432, metrics: 9127 } };
  const namespaces = new Map<string, Record<string, string>>([["api", { [NAME]: "api", team: "web" }], ["pgbouncer", { [NAME]: "pgbouncer" }]]);
  const allows = (policies: any[], from: typeof api | "external" = api, port = 6432, to: any = pgb) =>
    policyAllows(model({ objectList: policies.map(([ns, spec]) => policy(ns, spec)), namespaces }), from, to, port);
  const ingress = (rules: any[], extra: any = {}) => ["pgbouncer", { podSelector: { matchLabels: { [APP]: "pgbouncer" } }, ingress: rules, ...extra }];
  const fromApi = [{ namespaceSelector: { matchLabels: { [NAME]: "api" } } }];

  it("allows everything without a policy, and through policies that do not select the server", () => {
    expect(allows([])).toBe(true);
    expect(allows([["other", { podSelector: {}, ingress: [] }]])).toBe(true);
    expect(allows([["pgbouncer", { podSelector: { matchLabels: { [APP]: "x" } }, ingress: [] }]])).toBe(true);
    expect(allows([ingress([], { policyTypes: ["Egress"] })])).toBe(true);
  });

  it("matches ingress ports by number, by the server's port name, or any port when none is given", () => {
    expect(allows([ingress([{ from: fromApi, ports: [{ port: 6432 }] }])])).toBe(true);
    expect(allows([ingress([{ from: fromApi, ports: [{ port: 5432 }] }])])).toBe(false);
    expect(allows([ingress([{ from: fromApi, ports: [{ port: "pgbouncer" }] }])])).toBe(true);
    expect(allows([ingress([{ from: fromApi, ports: [{ port: "metrics" }] }])])).toBe(false);
    expect(allows([ingress([{ from: fromApi, ports: [{ port: "pgbouncer" }] }])], api, 6432, { ...pgb, ports: undefined })).toBe(false);
    expect(allows([ingress([{ from: fromApi, ports: [] }])])).toBe(true);
    expect(allows([ingress([{ from: fromApi, ports: [{ protocol: "TCP" }] }])])).toBe(true);
    expect(allows([ingress([{ from: fromApi }])])).toBe(true);
    expect(allows([ingress([])])).toBe(false);
    expect(allows([ingress([], { ingress: undefined })])).toBe(false);
    expect(allows([ingress([], { policyTypes: ["Ingress", "Egress"] })])).toBe(false);
  });

  it("matches peers by namespace labels (the model's, else the name label) and pod labels; without a namespace selector, the policy's namespace", () => {
    expect(allows([ingress([{ from: [{ namespaceSelector: { matchLabels: { team: "web" } } }] }])])).toBe(true);
    expect(allows([ingress([{ from: [{ namespaceSelector: { matchLabels: { team: "data" } } }] }])])).toBe(false);
    expect(allows([ingress([{ from: [{ namespaceSelector: { matchLabels: { [NAME]: "jobs" } } }] }])], { namespace: "jobs", labels: {} })).toBe(true);
    expect(allows([ingress([{ from: [{ namespaceSelector: { matchLabels: { team: "web" } }, podSelector: { matchLabels: { [APP]: "api" } } }] }])])).toBe(true);
    expect(allows([ingress([{ from: [{ namespaceSelector: { matchLabels: { team: "web" } }, podSelector: { matchLabels: { [APP]: "worker" } } }] }])])).toBe(false);
    expect(allows([ingress([{ from: [{ podSelector: { matchLabels: { [APP]: "api" } } }] }])])).toBe(false);
    expect(allows([ingress([{ from: [{ podSelector: { matchLabels: { [APP]: "api" } } }] }])], { namespace: "pgbouncer", labels: { [APP]: "api" } })).toBe(true);
    expect(allows([ingress([{ from: [{ podSelector: {} }] }])], { namespace: "pgbouncer", labels: {} })).toBe(true);
    expect(allows([ingress([{ from: [{ ipBlock: { cidr: "10.0.0.0/16" } }] }])])).toBe(false);
    expect(allows([ingress([{ from: [{ ipBlock: { cidr: "10.0.0.0/16" } }, ...fromApi] }])])).toBe(true);
    expect(allows([ingress([{ from: [] }])])).toBe(true);
  });

  it("lets external traffic in only through an ipBlock peer (or a rule open to all)", () => {
    expect(allows([], "external")).toBe(true);
    expect(allows([ingress([{ from: fromApi }])], "external")).toBe(false);
    expect(allows([ingress([{ from: [{ ipBlock: { cidr: "10.0.0.0/16" } }] }])], "external")).toBe(true);
    expect(allows([ingress([{ ports: [{ port: 6432 }] }])], "external")).toBe(true);
    // Egress policies of the client do not apply to external traffic.
    expect(allows([["api", { podSelector: {}, policyTypes: ["Egress"], egress: [] }]], "external")).toBe(true);
  });

  it("checks the client's egress policies: port, destination namespace or ipBlock", () => {
    const egress = (rules: any[] | undefined, policyTypes: string[] | null = ["Egress"]) => ["api", { podSelector: { matchLabels: { [APP]: "api" } }, policyTypes: policyTypes ?? undefined, egress: rules }];
    const toPgb = [{ namespaceSelector: { matchLabels: { [NAME]: "pgbouncer" } } }];
    expect(allows([egress([{ to: toPgb, ports: [{ port: 6432 }] }])])).toBe(true);
    expect(allows([egress([{ to: toPgb, ports: [{ port: 5432 }] }])])).toBe(false);
    // Egress port names are not the server's: only numbers match.
    expect(allows([egress([{ to: toPgb, ports: [{ port: "pgbouncer" }] }])])).toBe(false);
    expect(allows([egress([{ to: [{ namespaceSelector: { matchLabels: { [NAME]: "redis" } } }] }])])).toBe(false);
    expect(allows([egress([{ to: [{ podSelector: {} }] }])])).toBe(false);
    expect(allows([egress([{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }])])).toBe(true);
    expect(allows([egress([{ ports: [{ port: 6432 }] }])])).toBe(true);
    expect(allows([egress([{ to: [] }])])).toBe(true);
    expect(allows([egress([])])).toBe(false);
    expect(allows([egress(undefined)])).toBe(false); // policyTypes Egress without rules: all egress denied
    // Without policyTypes, a policy with egress rules is an egress policy; one without is not.
    expect(allows([egress([], null)])).toBe(false);
    expect(allows([egress(undefined, null)])).toBe(true);
    // A namespace the model does not know has no labels to select.
    expect(allows([egress([{ to: toPgb }])], api, 6432, { ...pgb, namespace: "unknown" })).toBe(false);
    // Egress policies of other pods or namespaces do not apply; a blocked ingress is not rescued by egress.
    expect(allows([["api", { podSelector: { matchLabels: { [APP]: "x" } }, policyTypes: ["Egress"], egress: [] }]])).toBe(true);
    expect(allows([["other", { podSelector: {}, policyTypes: ["Egress"], egress: [] }]])).toBe(true);
    expect(allows([ingress([]), egress([{ to: toPgb }])])).toBe(false);
  });
});

describe("checkReachability", () => {
  const dbSg = sg("db-sg");
  const dbRule = rule("db-sg", 5432, 5432);
  const writer = db("db", [dbSg], { port: 5432 }, "aws-database-us-east-1");
  const deployOf = (name: string, ns: string) => resource("kubernetes:apps/v1:Deployment", `${ns}-${name}`, { metadata: { name, namespace: ns } });
  const app = (name: string, ns: string, o: Partial<PodGroup> = {}) => pod(`Deployment ${ns}/${name}`, { name, namespace: ns, labels: { [APP]: name }, resource: deployOf(name, ns), ...o });
  const pgbouncer = app("pgbouncer", "pgbouncer", { ports: [{ name: "metrics", containerPort: 9127 }, { name: "pgbouncer", containerPort: 6432 }] });
  const api = app("api", "api", { envKeys: ["DATABASE_URL"], ports: [{ name: "http", containerPort: 3000 }] });
  const run = (o: Partial<PlanModel> & { objectList?: any[] }) => checkReachability(model({ resources: [eks, vpc, dbSg, dbRule, writer], pods: [pgbouncer, api], ...o }));

  it("passes API -> PgBouncer -> writer and every pod -> DNS, counting each check", () => {
    expect(run({})).toEqual({ rule: "reachability", title: "Reachability", checks: 4, failures: [], notes: [] });
  });

  it("catches a client of a PgBouncer the plan does not run, and a PgBouncer nobody uses", () => {
    expect(run({ pods: [api] }).failures).toEqual([
      { rule: "reachability", resource: "Deployment api/api", problem: "DATABASE_URL points at pgbouncer, which the plan does not run", fix: "deploy pgbouncer or fix DATABASE_URL" },
      { rule: "reachability", resource: "db", problem: "no client is configured to reach the database writer", fix: "run PgBouncer in front of it" },
    ]);
    expect(run({ pods: [pgbouncer] }).failures).toEqual([
      { rule: "reachability", resource: "Deployment pgbouncer/pgbouncer", problem: "no pod is configured to use it (DATABASE_URL)", fix: "hand DATABASE_URL to its clients" },
    ]);
    // PgBouncer's own DATABASE_URL does not make it its own client; Helm pods are no clients.
    const helm = pod("Helm x y", { envKeys: ["DATABASE_URL"], resource: resource("kubernetes:helm.sh/v3:Release", "x") });
    expect(run({ pods: [{ ...pgbouncer, envKeys: ["DATABASE_URL"] }, helm] }).failures.map((f) => f.problem)).toEqual(["no pod is configured to use it (DATABASE_URL)"]);
    expect(run({ pods: [] }).failures.map((f) => f.problem)).toEqual(["no client is configured to reach the database writer"]);
  });

  it("takes a pod with hidden envFrom keys for a client of the Database component whose outputs reach it", () => {
    const component = resource("finishthisidea:data:Database", "database");
    const password = resource("random:index/randomPassword:RandomPassword", "db-password", {}, { component: "database" } as any);
    const hidden = (deps: string[]) => app("worker", "workers", { envKeysHidden: true, configDeps: deps });
    const policyOnlyApi = policy("pgbouncer", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: "api" } } }] }] });
    const resources = [eks, vpc, dbSg, dbRule, writer, component, password];
    // The worker counts as a client: the policy that admits only the API blocks it.
    expect(run({ resources, pods: [pgbouncer, api, hidden([password.urn])], objectList: [policyOnlyApi] }).failures.map((f) => f.resource)).toEqual(["Deployment workers/worker -> Deployment pgbouncer/pgbouncer"]);
    // Not a client: its config comes from no Database component, or its keys are known.
    expect(run({ resources, pods: [pgbouncer, api, hidden([eks.urn])], objectList: [policyOnlyApi] }).failures).toEqual([]);
    expect(run({ resources, pods: [pgbouncer, api, { ...hidden([password.urn]), envKeysHidden: false }], objectList: [policyOnlyApi] }).failures).toEqual([]);
    const redisComponent = resource("finishthisidea:data:RedisCluster", "database");
    expect(run({ resources: [eks, vpc, dbSg, dbRule, writer, redisComponent, password], pods: [pgbouncer, api, hidden([password.urn])], objectList: [policyOnlyApi] }).failures).toEqual([]);
  });

  it("catches a NetworkPolicy that blocks a client, naming the client by its app label or its name", () => {
    const onlyWorkers = policy("pgbouncer", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: "workers" } } }], ports: [{ port: "pgbouncer" }] }] });
    expect(run({ objectList: [onlyWorkers] }).failures).toEqual([
      { rule: "reachability", resource: "Deployment api/api -> Deployment pgbouncer/pgbouncer", problem: "NetworkPolicies block port 6432", fix: "allow api/api on 6432 in pgbouncer's policy" },
    ]);
    const unlabelled = { ...api, labels: {}, name: "api-deploy" };
    expect(run({ objectList: [onlyWorkers], pods: [pgbouncer, unlabelled] }).failures[0].fix).toBe("allow api/api-deploy on 6432 in pgbouncer's policy");
    // No port named pgbouncer: port 0, which a policy on 6432 does not admit.
    const noPort = { ...pgbouncer, ports: [{ name: "metrics", containerPort: 9127 }] };
    const port6432 = policy("pgbouncer", { podSelector: {}, ingress: [{ ports: [{ port: 6432 }] }] });
    expect(run({ objectList: [port6432], pods: [noPort, api] }).failures.map((f) => f.problem)).toEqual(["NetworkPolicies block port 0"]);
  });

  it("follows literal service URLs to the Service's pods and their target port", () => {
    const ollama = app("ollama", "ollama", { ports: [{ name: "http", containerPort: 11434 }] });
    const worker = (url: string) => app("worker", "workers", { env: { OLLAMA_URL: url, OTHER: "https://api.example.com:443", PLAIN: "x" } });
    const svc = (ports: any[], selector: any = { [APP]: "ollama" }, ns = "ollama") => obj("Service", "ollama", ns, { selector, ports });
    const closed = policy("ollama", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: "api" } } }] }] });
    const url = "http://ollama.ollama.svc.cluster.local:11434";
    const base = { pods: [pgbouncer, api, ollama, worker(url)] };
    // 4 before + 1 URL + 2 DNS
    expect(run({ ...base, objectList: [svc([{ port: 11434, targetPort: "http" }])] })).toMatchObject({ checks: 7, failures: [] });
    expect(run({ ...base, objectList: [svc([{ port: 11434, targetPort: "http" }]), closed] }).failures).toEqual([
      { rule: "reachability", resource: "Deployment workers/worker -> Deployment ollama/ollama", problem: "OLLAMA_URL points at it, but NetworkPolicies block port 11434", fix: "allow workers pods on 11434 in ollama's policy" },
    ]);
    const onPort = (port: number) => policy("ollama", { podSelector: {}, ingress: [{ ports: [{ port }] }] });
    // targetPort by number, absent (the Service port), or a name the pod lacks
    expect(run({ ...base, objectList: [svc([{ port: 11434, targetPort: 8080 }]), onPort(11434)] }).failures.map((f) => f.problem)).toEqual(["OLLAMA_URL points at it, but NetworkPolicies block port 8080"]);
    expect(run({ ...base, objectList: [svc([{ port: 11434 }]), onPort(11434)] }).failures).toEqual([]);
    expect(run({ ...base, objectList: [svc([{ port: 11434 }]), onPort(8080)] }).failures.map((f) => f.problem)).toEqual(["OLLAMA_URL points at it, but NetworkPolicies block port 11434"]);
    expect(run({ ...base, objectList: [svc([{ port: 11434, targetPort: "grpc" }]), onPort(11434)] }).failures.map((f) => f.problem)).toEqual(["OLLAMA_URL points at it, but NetworkPolicies block port undefined"]);
    // The short form without .cluster.local; pods of other namespaces or labels are not targets.
    expect(run({ pods: [pgbouncer, api, ollama, worker("http://ollama.ollama.svc:11434/api")], objectList: [svc([{ port: 11434, targetPort: "http" }]), closed] }).failures).toHaveLength(1);
    expect(run({ ...base, objectList: [svc([{ port: 11434, targetPort: "http" }], { [APP]: "other" }), closed] }).failures).toEqual([]);
    const unserved = (objectList: any[], u = url) => run({ pods: [pgbouncer, api, ollama, worker(u)], objectList }).failures;
    const none = { rule: "reachability", resource: "Deployment workers/worker", problem: "OLLAMA_URL points at ollama.ollama:11434, which no Service of the plan serves", fix: "fix the URL or create the Service" };
    expect(unserved([])).toEqual([none]);
    expect(unserved([svc([{ port: 80 }])])).toEqual([none]);
    expect(unserved([svc([{ port: 11434 }], undefined, "other")])).toEqual([none]);
    expect(unserved([], "http://ollama:11434")).toEqual([]);
    expect(unserved([], "http://ollama.ollama.svc.cluster.local")).toEqual([]);
    expect(unserved([], "xhttp://ollama.ollama.svc:11434".replace("xhttp", "http1"))).toEqual([]);
  });

  it("on an existing cluster notes each database instead of judging its security group, and skips Redis", () => {
    const redis = resource(T.redis, "redis", {}, { inputDependencies: [] });
    const r = run({ resources: [vpc, writer, redis], pods: [pgbouncer, api] });
    expect(r.failures).toEqual([]);
    expect(r.notes).toEqual(["db: existing cluster, node security group unknown: add an ingress rule for its nodes"]);
    expect(r.checks).toBe(3); // PgBouncer client + 2 DNS
  });

  it("catches a writer its security group closes to the cluster, on the writer's port (5432 by default)", () => {
    const closed = db("db", [dbSg], {}, "aws-database-us-east-1");
    expect(run({ resources: [eks, vpc, dbSg, rule("db-sg", 5433, 5433), closed] }).failures).toEqual([
      { rule: "reachability", resource: "db", problem: "PgBouncer cannot reach the writer: no rule of db-sg admits the cluster's nodes on 5432", fix: "admit the cluster security group on 5432" },
    ]);
    expect(run({ resources: [eks, vpc, dbSg, rule("db-sg", 5433, 5433), db("db", [dbSg], { port: 5433 })] }).failures).toEqual([]);
  });

  it("reports replicas no pod uses as DR-only (another region) or unused, and checks those pods are handed", () => {
    const replica = (name: string, provider: string | undefined, groups = [dbSg]) => db(name, groups, { replicateSourceDb: "db" }, provider);
    const west = replica("db-replica-us-west-2", "aws-database-us-west-2");
    const local = replica("db-replica-1", "aws-database-us-east-1");
    const bare = replica("db-replica-x", undefined);
    const r = run({ resources: [eks, vpc, dbSg, dbRule, writer, west, local, bare] });
    expect(r.failures).toEqual([]);
    expect(r.notes).toEqual([
      "db-replica-us-west-2 (us-west-2): no client is handed its URL (no pod gets DATABASE_READ_URL): DR-only replica, not checked for reachability",
      "db-replica-1 (us-east-1): no client is handed its URL (no pod gets DATABASE_READ_URL): unused read replica, not checked for reachability",
      "db-replica-x: no client is handed its URL (no pod gets DATABASE_READ_URL): unused read replica, not checked for reachability",
    ]);
    expect(r.checks).toBe(4);
    const reader = { ...api, envKeys: ["DATABASE_URL", "DATABASE_READ_URL"] };
    expect(run({ resources: [eks, vpc, dbSg, dbRule, writer, west], pods: [pgbouncer, reader] }).notes).toEqual(["db-replica-us-west-2 (us-west-2): no client is handed its URL: DR-only replica, not checked for reachability"]);
    // A writer without a provider: no region to compare, so not DR-only.
    const noRegionWriter = db("db", [dbSg], {});
    expect(run({ resources: [eks, vpc, dbSg, dbRule, noRegionWriter, west] }).notes[0]).toContain(": unused read replica");
    // Handed to a pod: checked on its security group.
    const awaySg = sg("away-sg", "replica-vpc-id");
    const usedAway = replica("db-replica-us-west-2", "aws-database-us-west-2", [awaySg]);
    const handed = { ...reader, configDeps: [usedAway.urn] };
    const worker = app("worker", "workers", { configDeps: [usedAway.urn] });
    expect(run({ resources: [eks, replicaVpc, vpc, dbSg, dbRule, writer, awaySg, usedAway], pods: [pgbouncer, handed, worker] }).failures).toEqual([
      { rule: "reachability", resource: "db-replica-us-west-2", problem: "Deployment api/api, Deployment workers/worker are handed its URL, but its security group away-sg is in another VPC (replica-vpc-id) than the cluster (network-vpc-id), with no peering", fix: "admit the cluster on 5432 (in-region), or peer the replica's VPC and admit the cluster's CIDR" },
    ]);
    const usedLocal = replica("db-replica-1", "aws-database-us-east-1");
    const ok = run({ resources: [eks, vpc, dbSg, dbRule, writer, usedLocal], pods: [pgbouncer, { ...reader, configDeps: [usedLocal.urn] }] });
    expect(ok).toMatchObject({ checks: 5, failures: [], notes: [] });
  });

  it("catches Redis that no pod uses or that its security group closes", () => {
    const redisSg = sg("redis-sg");
    const redis = (inputs: Record<string, any> = {}) => resource(T.redis, "redis", inputs, { inputDependencies: [redisSg.urn] });
    const worker = app("worker", "workers", { envKeys: ["REDIS_HOST"] });
    const base = [eks, vpc, dbSg, dbRule, writer, redisSg];
    expect(run({ resources: [...base, rule("redis-sg", 6379, 6379), redis()], pods: [pgbouncer, api, worker] })).toMatchObject({ checks: 6, failures: [] });
    expect(run({ resources: [...base, rule("redis-sg", 6379, 6379), redis()] }).failures).toEqual([
      { rule: "reachability", resource: "redis", problem: "no pod is configured to use Redis", fix: "hand REDIS_HOST to the workers" },
    ]);
    expect(run({ resources: [...base, rule("redis-sg", 6379, 6379), redis({ port: 6380 })], pods: [pgbouncer, api, worker] }).failures).toEqual([
      { rule: "reachability", resource: "redis", problem: "Deployment workers/worker cannot reach Redis: no rule of redis-sg admits the cluster's nodes on 6380", fix: "admit the cluster security group on 6380" },
    ]);
    expect(run({ resources: [...base, redis()] }).failures.map((f) => f.problem)).toEqual([
      "no pod is configured to use Redis",
      "clients cannot reach Redis: no rule of redis-sg admits the cluster's nodes on 6379",
    ]);
  });

  it("catches a PodMonitor's target whose policy shuts out Prometheus (or the monitor's namespace when Prometheus is not in the plan)", () => {
    const prometheus = pod("Helm kube-prometheus-stack prometheus", { namespace: "monitoring", labels: { app: "prometheus" }, resource: resource("kubernetes:helm.sh/v3:Release", "kps") });
    const pm = (eps: any[], selector: any = { [APP]: "pgbouncer" }, matchNames?: string[]) => obj("PodMonitor", "pgb", "monitoring", { namespaceSelector: matchNames ? { matchNames } : undefined, selector: { matchLabels: selector }, podMetricsEndpoints: eps });
    const fromMonitoring = policy("pgbouncer", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { [NAME]: "monitoring" } }, podSelector: { matchLabels: { app: "prometheus" } } }], ports: [{ port: 9127 }] }, { from: [{ namespaceSelector: { matchLabels: { [NAME]: "api" } } }], ports: [{ port: 6432 }] }] });
    const pods = [pgbouncer, api, prometheus];
    expect(run({ pods, objectList: [fromMonitoring, pm([{ port: "metrics" }, { portNumber: 9127 }], undefined, ["pgbouncer"])] })).toMatchObject({ checks: 6, failures: [] });
    expect(run({ pods, objectList: [fromMonitoring, pm([{ port: "pgbouncer" }], undefined, ["pgbouncer"])] }).failures).toEqual([
      { rule: "reachability", resource: "Prometheus -> Deployment pgbouncer/pgbouncer", problem: "scrapes port 6432, which NetworkPolicies block", fix: "admit namespace monitoring on 6432" },
    ]);
    // Without Prometheus in the plan, the monitor's namespace with no pod labels: the pod selector shuts it out.
    expect(run({ pods: [pgbouncer, api], objectList: [fromMonitoring, pm([{ port: "metrics" }], undefined, ["pgbouncer"])] }).failures.map((f) => f.problem)).toEqual(["scrapes port 9127, which NetworkPolicies block"]);
    // No namespaceSelector: the monitor's own namespace, where pgbouncer is not; other labels select nothing.
    expect(run({ pods, objectList: [fromMonitoring, pm([{ portNumber: 1 }])] }).checks).toBe(4);
    expect(run({ pods, objectList: [fromMonitoring, pm([{ portNumber: 1 }], { [APP]: "x" }, ["pgbouncer"])] }).checks).toBe(4);
    expect(run({ pods, objectList: [fromMonitoring, obj("PodMonitor", "none", "monitoring", { namespaceSelector: { matchNames: ["pgbouncer"] }, selector: { matchLabels: { [APP]: "pgbouncer" } } })] }).checks).toBe(4);
  });

  it("catches an egress policy that leaves out DNS", () => {
    const egress = (rules: any[]) => policy("api", { podSelector: {}, policyTypes: ["Egress"], egress: rules });
    const toPgb = { to: [{ namespaceSelector: { matchLabels: { [NAME]: "pgbouncer" } } }], ports: [{ port: 6432 }] };
    const namespaces = new Map([["pgbouncer", { [NAME]: "pgbouncer" }], ["kube-system", { [NAME]: "kube-system" }]]);
    expect(run({ namespaces, objectList: [egress([toPgb, { to: [{ namespaceSelector: { matchLabels: { [NAME]: "kube-system" } } }], ports: [{ port: 53 }] }])] }).failures).toEqual([]);
    expect(run({ namespaces, objectList: [egress([toPgb])] }).failures).toEqual([
      { rule: "reachability", resource: "Deployment api/api -> DNS", problem: "an egress NetworkPolicy leaves out port 53 to kube-system: no name resolves", fix: "allow UDP and TCP 53 to kube-system in the egress policy" },
    ]);
  });

  it("catches an Ingress whose pods admit no ipBlock on their first container port", () => {
    const ing = obj("Ingress", "api", "api", {});
    const svc = obj("Service", "api", "api", { selector: { [APP]: "api" } });
    const otherSvc = obj("Service", "web", "web", { selector: { [APP]: "web" } });
    const web = app("web", "web", { ports: [{ containerPort: 8080 }] });
    const closed = policy("api", { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    const open = policy("api", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ port: 3000 }] }] });
    const closedWeb = policy("web", { podSelector: {}, ingress: [] });
    expect(run({ pods: [pgbouncer, api, web], objectList: [ing, svc, otherSvc, open, closedWeb] })).toMatchObject({ checks: 6, failures: [] });
    expect(run({ objectList: [ing, svc, closed] }).failures).toEqual([
      { rule: "reachability", resource: "ALB -> Deployment api/api", problem: "NetworkPolicies admit no ipBlock on 3000: the ALB's health checks and traffic are dropped", fix: "admit the VPC CIDR on the container port" },
    ]);
    const portless = { ...api, ports: [] };
    const on3000 = policy("api", { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/16" } }], ports: [{ port: 3000 }] }] });
    expect(run({ pods: [pgbouncer, portless], objectList: [ing, svc, on3000] }).failures.map((f) => f.problem)).toEqual(["NetworkPolicies admit no ipBlock on 0: the ALB's health checks and traffic are dropped"]);
  });
});
