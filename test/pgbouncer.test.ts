import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { NODE_POOLS } from "../components/cluster/cluster";
import { EXPORTER_USER, PGBOUNCER_EXPORTER_IMAGE, PGBOUNCER_IMAGE, PgBouncer, versionFromImage, type PgBouncerArgs } from "../components/k8s/pgbouncer/pgbouncer";
import {
  compareVersions,
  fileDescriptorLimit,
  maxDbConnections,
  parseIni,
  PGBOUNCER_DEFAULTS,
  PGBOUNCER_VERSION,
  pgbouncerCommand,
  renderPgbouncerIni,
  renderUserlist,
  scramSha256Secret,
} from "../components/k8s/pgbouncer/config";
import { sha256Hex } from "../components/shared/pod";
import { TIERS, TIER_NAMES } from "../infra/tiers";
import { loadPolicyConfig, runPolicies } from "../tools/policy-run";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";
import { k8sSchemaProblems } from "./k8s-schema";

const PASSWORD = "db-S3cret-pa55";

const baseArgs = (over: Partial<PgBouncerArgs> = {}): PgBouncerArgs => ({
  replicas: 3,
  database: { host: pulumi.output("db.abc.us-east-1.rds.amazonaws.com"), port: 5432, name: "finishthisidea", username: "app", password: pulumi.secret(PASSWORD), maxConnections: 1000 },
  ...over,
});

function build(args: PgBouncerArgs) {
  return runComponent((parent) => {
    // The stack rules read the tier from the provider's default tags, as on the real program.
    new aws.Provider("aws", { region: "us-east-1", defaultTags: { tags: { stack: "prod", tier: "growth", component: "pgbouncer", "cost-center": "platform" } } }, { parent });
    return new PgBouncer("pgbouncer", args, { parent });
  });
}

const podOf = (resources: RegisteredResource[]) => find(resources, "kubernetes:apps/v1:Deployment", "pgbouncer-deployment").inputs.spec.template;

describe("renderPgbouncerIni", () => {
  const ini = renderPgbouncerIni({ databases: [{ name: "finishthisidea", host: "db.example.com", port: 5432 }], maxDbConnections: 225, statsUsers: [EXPORTER_USER] });
  const parsed = parseIni(ini);

  it("has the scaling plan's pool settings", () => {
    expect(parsed.pgbouncer).toMatchObject({
      pool_mode: "transaction",
      max_client_conn: "10000",
      default_pool_size: "25",
      reserve_pool_size: "5",
      reserve_pool_timeout: "3",
      server_lifetime: "3600",
      server_idle_timeout: "600",
      log_connections: "1",
      log_disconnections: "1",
      stats_period: "60",
    });
  });

  it("adds what production needs: SCRAM, TLS to the database, prepared statements, the connection cap", () => {
    expect(parsed.pgbouncer).toMatchObject({
      auth_type: "scram-sha-256",
      auth_file: "/etc/pgbouncer-auth/userlist.txt",
      server_tls_sslmode: "require",
      max_prepared_statements: "200",
      ignore_startup_parameters: "extra_float_digits",
      max_db_connections: "225",
      listen_port: "6432",
      stats_users: EXPORTER_USER,
    });
    expect(parsed.databases).toEqual({ finishthisidea: "host=db.example.com port=5432 dbname=finishthisidea" });
    expect(ini).not.toMatch(/password/i);
  });

  it("renders for the PgBouncer that reads it: no max_prepared_statements before 1.21", () => {
    const old = parseIni(renderPgbouncerIni({ databases: [{ name: "db", host: "h", port: 1 }], maxDbConnections: 30, version: "1.18.0" }));
    expect(old.pgbouncer.max_prepared_statements).toBeUndefined();
    expect(old.pgbouncer.pool_mode).toBe("transaction");
    expect(compareVersions("1.21.0", "1.21")).toBe(0);
    expect(compareVersions("1.9.0", "1.21.0")).toBe(-1);
    expect(versionFromImage(PGBOUNCER_IMAGE)).toBe(PGBOUNCER_VERSION);
    // 1.25.2 fixes an unauthenticated crash through a malformed SCRAM message; this config uses SCRAM.
    expect(compareVersions(PGBOUNCER_VERSION, "1.25.2")).toBeGreaterThanOrEqual(0);
  });

  it("differs from what the real-PgBouncer suite runs (Debian's 1.18) by max_prepared_statements alone", () => {
    // The real suite can only run the distribution's PgBouncer; everything else production reads is run there.
    const args = { databases: [{ name: "db", host: "h", port: 1 }, { name: "db_read", host: "r1,r2", port: 1, dbname: "db" }], maxDbConnections: 30, statsUsers: ["exporter"] };
    const prod = parseIni(renderPgbouncerIni({ ...args, version: PGBOUNCER_VERSION }));
    const debian = parseIni(renderPgbouncerIni({ ...args, version: "1.18.0" }));
    const only = (a: Record<string, string>, b: Record<string, string>) => Object.keys(a).filter((k) => a[k] !== b[k]);
    expect(only(prod.pgbouncer, debian.pgbouncer)).toEqual(["max_prepared_statements"]);
    expect(only(debian.pgbouncer, prod.pgbouncer)).toEqual([]);
    expect(prod.databases).toEqual(debian.databases);
  });

  it("rejects bad input naming the arg and value", () => {
    expect(() => renderPgbouncerIni({ databases: [], maxDbConnections: 1 })).toThrow(/databases is empty/);
    expect(() => renderPgbouncerIni({ databases: [{ name: "db", host: "h x", port: 5432 }], maxDbConnections: 1 })).toThrow(/host "h x" of database db/);
    expect(() => renderPgbouncerIni({ databases: [{ name: "db", host: "a,,b", port: 5432 }], maxDbConnections: 1 })).toThrow(/host "a,,b" of database db must be a host name or IP address, or several joined by commas/);
    expect(() => renderPgbouncerIni({ databases: [{ name: "db", host: "h", port: 5432 }], maxDbConnections: 0 })).toThrow(/maxDbConnections must be an integer >= 1; got 0/);
    expect(() => renderPgbouncerIni({ databases: [{ name: "db", host: "h", port: 5432 }], maxDbConnections: 1, settings: { max_client_conn: 2.5 } })).toThrow(/max_client_conn must be an integer >= 1; got 2.5/);
  });
});

describe("maxDbConnections", () => {
  it.each(TIER_NAMES)("fits every replica plus one being replaced under the %s database's max_connections", (tier) => {
    const p = TIERS[tier];
    const perPod = maxDbConnections({ databaseMaxConnections: p.database.maxConnections, replicas: p.pgbouncer.replicas });
    const reserved = Math.max(10, Math.ceil(p.database.maxConnections / 10));
    expect((p.pgbouncer.replicas + 1) * perPod).toBeLessThanOrEqual(p.database.maxConnections - reserved);
    expect(perPod).toBeGreaterThanOrEqual(PGBOUNCER_DEFAULTS.default_pool_size + PGBOUNCER_DEFAULTS.reserve_pool_size);
  });

  it("gives the tiers 60 / 225 / 257 / 409 server connections per replica", () => {
    expect(TIER_NAMES.map((t) => maxDbConnections({ databaseMaxConnections: TIERS[t].database.maxConnections, replicas: TIERS[t].pgbouncer.replicas }))).toEqual([60, 225, 257, 409]);
  });

  it("fails with the numbers when the pools cannot fit", () => {
    expect(() => maxDbConnections({ databaseMaxConnections: 100, replicas: 3 })).toThrow(
      "PgBouncer pool sizing: 4 pods (3 replicas + 1 being replaced) x 30 server connections each (default_pool_size + reserve_pool_size) = 120 " +
        "do not fit in the database's max_connections 100 minus 10 reserved for superuser, replication and monitoring (90 available); " +
        "raise database.maxConnections, or lower pgbouncer.replicas or the pool size",
    );
    expect(() => maxDbConnections({ databaseMaxConnections: 40, replicas: 0 })).toThrow(/replicas must be an integer >= 1; got 0/);
  });
});

describe("userlist and SCRAM", () => {
  it("quotes users and passwords, doubling embedded quotes", () => {
    expect(renderUserlist([{ user: "app", password: 'a "b" c' }, { user: 'we"ird', password: "x" }])).toBe('"app" "a ""b"" c"\n"we""ird" "x"\n');
  });

  it("writes PostgreSQL's SCRAM-SHA-256 secret format, deterministic for a salt", () => {
    const salt = Buffer.alloc(16, 7);
    const secret = scramSha256Secret("pencil", salt);
    expect(secret).toMatch(/^SCRAM-SHA-256\$4096:BwcHBwcHBwcHBwcHBwcHBw==\$[A-Za-z0-9+/]{43}=:[A-Za-z0-9+/]{43}=$/);
    expect(scramSha256Secret("pencil", salt)).toBe(secret);
    expect(scramSha256Secret("pencil2", salt)).not.toBe(secret);
    expect(renderUserlist([{ user: "u", scramSecret: secret }])).toBe(`"u" "${secret}"\n`);
  });

  it("rejects bad entries", () => {
    expect(() => renderUserlist([])).toThrow(/users is empty/);
    expect(() => renderUserlist([{ user: "a", password: "x" }, { user: "a", password: "y" }])).toThrow(/user "a" is listed twice/);
    expect(() => renderUserlist([{ user: "a", password: "x\ny" }])).toThrow(/password of "a" must be non-empty and on one line/);
    expect(() => renderUserlist([{ user: "a", scramSecret: "md5abc" }])).toThrow(/scramSecret of "a" is not a SCRAM-SHA-256/);
  });
});

describe("the open-files limit", () => {
  it("covers every client and server connection and is raised (never lowered) before exec", () => {
    expect(fileDescriptorLimit(10_000, 225)).toBe(10_353);
    const [shell, flag, script] = pgbouncerCommand("/etc/pgbouncer/pgbouncer.ini", 10_353);
    expect([shell, flag]).toEqual(["/bin/sh", "-c"]);
    expect(script).toContain('ulimit -n "$want"');
    expect(script).toMatch(/\[ "\$have" -lt "\$want" \]/);
    expect(script.split("\n").pop()).toBe("exec pgbouncer /etc/pgbouncer/pgbouncer.ini");
  });
});

describe("PgBouncer", () => {
  let resources: RegisteredResource[];
  let bouncer: PgBouncer;
  beforeAll(async () => {
    ({ resources, result: bouncer } = await build(baseArgs()));
  });

  it("keeps the rendered ini in a ConfigMap and no credential outside the Secret", () => {
    const cm = find(resources, "kubernetes:core/v1:ConfigMap", "pgbouncer-config").inputs;
    // The component's wiring in literals (the renderer itself is tested above): max_connections 1000 less a
    // 10 % reserve (100) = 900, shared by 3 replicas + 1 being replaced = 225 per process.
    const ini = parseIni(cm.data["pgbouncer.ini"]);
    expect(ini.databases).toEqual({ finishthisidea: "host=db.abc.us-east-1.rds.amazonaws.com port=5432 dbname=finishthisidea" });
    expect(ini.pgbouncer).toMatchObject({ max_db_connections: "225", stats_users: "pgbouncer_exporter", listen_port: "6432" });
    const plain = JSON.stringify(resources.filter((r) => r.type !== "kubernetes:core/v1:Secret" && r.type !== "random:index/randomPassword:RandomPassword").map((r) => r.inputs));
    expect(plain).not.toContain(PASSWORD);
    expect(plain).not.toContain("mock-password-for-pgbouncer-exporter-password");
  });

  it("keeps the userlist and the exporter's DSN in a Secret whose data stays secret", () => {
    const secret = find(resources, "kubernetes:core/v1:Secret", "pgbouncer-userlist");
    expect(secret.secretInputs).toEqual(["stringData"]);
    const userlist: string = secret.inputs.stringData["userlist.txt"];
    expect(userlist.split("\n")[0]).toBe(`"app" "${PASSWORD}"`);
    expect(userlist.split("\n")[1]).toMatch(new RegExp(`^"${EXPORTER_USER}" "SCRAM-SHA-256\\$4096:`));
    expect(secret.inputs.stringData["exporter-connection-string"]).toBe(`postgresql://${EXPORTER_USER}:mock-password-for-pgbouncer-exporter-password@127.0.0.1:6432/pgbouncer?sslmode=disable`);
  });

  it("rolls pods on config changes through checksum annotations (the userlist's keyed and secret)", () => {
    const d = find(resources, "kubernetes:apps/v1:Deployment", "pgbouncer-deployment");
    const annotations = podOf(resources).metadata.annotations;
    expect(annotations["checksum/config"]).toBe(sha256Hex(find(resources, "kubernetes:core/v1:ConfigMap", "pgbouncer-config").inputs.data["pgbouncer.ini"]));
    expect(annotations["checksum/userlist"]).toMatch(/^[0-9a-f]{64}$/);
    expect(annotations["checksum/userlist"]).not.toBe(sha256Hex(find(resources, "kubernetes:core/v1:Secret", "pgbouncer-userlist").inputs.stringData["userlist.txt"]));
    expect(d.secretInputs).toEqual(["spec.template.metadata.annotations.checksum/userlist"]);
  });

  it("runs the plan's replicas on the system pool, one replaced at a time, spread across zones and nodes", () => {
    const d = find(resources, "kubernetes:apps/v1:Deployment", "pgbouncer-deployment").inputs;
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    const pod = d.spec.template.spec;
    expect(pod.nodeSelector).toEqual(NODE_POOLS.system.labels);
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule" });
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe("kubernetes.io/hostname");
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 70, fsGroup: 70, seccompProfile: { type: "RuntimeDefault" } });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(find(resources, "kubernetes:policy/v1:PodDisruptionBudget", "pgbouncer-pdb").inputs.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: bouncer.podLabels } });
  });

  it("raises the fd limit, probes TCP 6432, drains then shuts down safely, hardened with requests and limits", () => {
    const pod = podOf(resources).spec;
    const c = pod.containers.find((x: any) => x.name === "pgbouncer");
    expect(c.image).toBe(PGBOUNCER_IMAGE);
    expect(c.command).toEqual(pgbouncerCommand("/etc/pgbouncer/pgbouncer.ini", fileDescriptorLimit(10_000, 225)));
    expect(c.readinessProbe.tcpSocket).toEqual({ port: "pgbouncer" });
    expect(c.livenessProbe.tcpSocket).toEqual({ port: "pgbouncer" });
    expect(c.ports).toEqual([{ name: "pgbouncer", containerPort: 6432, protocol: "TCP" }]);
    expect(c.lifecycle.preStop.exec.command[2]).toBe("sleep 15; kill -INT 1; while kill -0 1 2>/dev/null; do sleep 1; done");
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(c.securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(c.resources).toEqual({ requests: { cpu: "500m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } });
    expect(c.volumeMounts.map((m: any) => m.mountPath)).toEqual(["/etc/pgbouncer", "/etc/pgbouncer-auth", "/tmp"]);
    expect(pod.volumes.find((v: any) => v.name === "userlist").secret).toEqual({ secretName: "pgbouncer-userlist", items: [{ key: "userlist.txt", path: "userlist.txt" }], defaultMode: 0o440 });
  });

  it("exports metrics from a sidecar reading the admin console with credentials from the Secret", () => {
    const pod = podOf(resources).spec;
    const e = pod.containers.find((x: any) => x.name === "exporter");
    expect(e.image).toBe(PGBOUNCER_EXPORTER_IMAGE);
    expect(e.ports).toEqual([{ name: "metrics", containerPort: 9127, protocol: "TCP" }]);
    expect(e.env).toEqual([{ name: "PGBOUNCER_EXPORTER_CONNECTION_STRING", valueFrom: { secretKeyRef: { name: "pgbouncer-userlist", key: "exporter-connection-string" } } }]);
    expect(e.readinessProbe.httpGet).toEqual({ path: "/", port: "metrics" });
    const svc = find(resources, "kubernetes:core/v1:Service", "pgbouncer-service").inputs.spec;
    expect(svc.ports).toEqual([
      { name: "pgbouncer", port: 6432, targetPort: "pgbouncer", protocol: "TCP" },
      { name: "metrics", port: 9127, targetPort: "metrics", protocol: "TCP" },
    ]);
    expect(svc.selector).toEqual({ "app.kubernetes.io/name": "pgbouncer", "app.kubernetes.io/instance": "pgbouncer" });
  });

  it("validates against the official schemas and passes every mandatory policy rule", async () => {
    expect(await k8sSchemaProblems(resources)).toEqual([]);
    const report = runPolicies(resources, { config: loadPolicyConfig("prod").config });
    expect(report.violations.filter((v) => v.level === "mandatory").map((v) => `${v.policy} ${v.resource}: ${v.message}`)).toEqual([]);
    expect(find(resources, "kubernetes:core/v1:Namespace", "pgbouncer-namespace").inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(bouncer).toMatchObject({ namespace: "pgbouncer", appName: "pgbouncer", port: 6432, metricsPort: 9127, replicas: 3, maxDbConnections: 225 });
  });
});

describe("PgBouncer with in-region readers", () => {
  it("serves a read pool over the readers round-robin beside the writer's pool", async () => {
    const readerHosts = [pulumi.output("r1.abc.us-east-1.rds.amazonaws.com"), pulumi.output("r2.abc.us-east-1.rds.amazonaws.com")];
    const { resources, result } = await build(baseArgs({ database: { ...baseArgs().database, readerHosts } }));
    const ini = parseIni(find(resources, "kubernetes:core/v1:ConfigMap", "pgbouncer-config").inputs.data["pgbouncer.ini"]);
    expect(ini.databases).toEqual({
      finishthisidea: "host=db.abc.us-east-1.rds.amazonaws.com port=5432 dbname=finishthisidea",
      finishthisidea_read: "host=r1.abc.us-east-1.rds.amazonaws.com,r2.abc.us-east-1.rds.amazonaws.com port=5432 dbname=finishthisidea",
    });
    expect(result.readDatabaseName).toBe("finishthisidea_read");
  });

  it("has no read pool without readers", async () => {
    const { resources, result } = await build(baseArgs());
    expect(Object.keys(parseIni(find(resources, "kubernetes:core/v1:ConfigMap", "pgbouncer-config").inputs.data["pgbouncer.ini"]).databases)).toEqual(["finishthisidea"]);
    expect(result.readDatabaseName).toBeUndefined();
  });
});

describe("PgBouncer changes", () => {
  const annotationsOf = async (args: PgBouncerArgs) => podOf((await build(args)).resources).metadata.annotations;

  it("changes the config checksum with the ini, and only the userlist checksum with the password", async () => {
    const base = await annotationsOf(baseArgs());
    const pool = await annotationsOf(baseArgs({ settings: { default_pool_size: 20 } }));
    expect(pool["checksum/config"]).not.toBe(base["checksum/config"]);
    expect(pool["checksum/userlist"]).toBe(base["checksum/userlist"]);
    const rotated = await annotationsOf(baseArgs({ database: { ...baseArgs().database, password: pulumi.secret("rotated-password") } }));
    expect(rotated["checksum/config"]).toBe(base["checksum/config"]);
    expect(rotated["checksum/userlist"]).not.toBe(base["checksum/userlist"]);
  });

  it("rejects bad input before registering anything", async () => {
    await expect(build(baseArgs({ replicas: 0 }))).rejects.toThrow(/PgBouncer pgbouncer: replicas must be an integer >= 1; got 0/);
    await expect(build(baseArgs({ image: "edoburu/pgbouncer:latest" }))).rejects.toThrow(/image "edoburu\/pgbouncer:latest" is not pinned/);
    await expect(build(baseArgs({ image: "registry.example/pgbouncer:stable" }))).rejects.toThrow(/cannot read the PgBouncer version from image "registry.example\/pgbouncer:stable"; set pgbouncerVersion/);
    await expect(build(baseArgs({ replicas: 10, database: { ...baseArgs().database, maxConnections: 200 } }))).rejects.toThrow(/11 pods \(10 replicas \+ 1 being replaced\) x 30/);
    await expect(build(baseArgs({ preStopSeconds: 60 }))).rejects.toThrow(/terminationGracePeriodSeconds \(60\) must exceed preStopSeconds \(60\)/);
    await expect(build(baseArgs({ database: { ...baseArgs().database, username: "App-User" } }))).rejects.toThrow(/database.username "App-User" must match/);
  });
});
