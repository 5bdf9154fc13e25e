import * as crypto from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { NODE_POOLS } from "../../cluster/cluster";
import {
  derivedSalt,
  fileDescriptorLimit,
  maxDbConnections,
  PGBOUNCER_DEFAULTS,
  PGBOUNCER_INI_PATH,
  pgbouncerCommand,
  renderPgbouncerIni,
  renderUserlist,
  scramSha256Secret,
  USERLIST_PATH,
  type PgbouncerSettings,
} from "./config";
import { appLabels, assertPinnedImage, HARDENED_CONTAINER, namespaceLabels, RESTRICTED_POD_SECURITY, sha256Hex, type Resources } from "../../shared/pod";

/** PgBouncer image (Alpine build of upstream PgBouncer, runs as uid 70); its version is PGBOUNCER_VERSION. */
export const PGBOUNCER_IMAGE = "docker.io/edoburu/pgbouncer:v1.25.2-p0";
/** Prometheus exporter reading PgBouncer's admin console (SHOW STATS / POOLS ...). */
export const PGBOUNCER_EXPORTER_IMAGE = "docker.io/prometheuscommunity/pgbouncer-exporter:v0.12.0";
/** Read-only console user of the exporter (a PgBouncer `stats_users` entry, never a database user). */
export const EXPORTER_USER = "pgbouncer_exporter";
/** uid/gid of the image's `postgres` user. */
const PGBOUNCER_UID = 70;

export interface PgBouncerDatabase {
  /** Writer host name (no port). */
  host: pulumi.Input<string>;
  port: number;
  /** Database name; clients use the same name through PgBouncer. */
  name: string;
  username: string;
  /** Secret. Kept in plain form in the userlist Secret: PgBouncer logs in to the database with it. */
  password: pulumi.Input<string>;
  /** The database's max_connections; replicas x max_db_connections stay under it. */
  maxConnections: number;
  /**
   * In-region read replicas (same credentials, same max_connections). When given, PgBouncer serves a second pool,
   * `<name>_read`, over them round-robin; each pool has its own max_db_connections, so the writer's cap is untouched.
   */
  readerHosts?: pulumi.Input<string>[];
}

/** Name of the read pool clients connect to beside the writer's `name`. */
export function readPoolName(databaseName: string): string {
  return `${databaseName}_read`;
}

export interface PgBouncerArgs {
  /** Namespace the component creates (Pod Security `restricted` enforced). Default "pgbouncer". */
  namespace?: string;
  /** Name of the Deployment, Service and labels. Default "pgbouncer". */
  appName?: string;
  /** Default PGBOUNCER_IMAGE. A custom image needs `pgbouncerVersion` unless its tag starts with the version. */
  image?: string;
  /** PgBouncer version of `image`; default: read from the tag (v1.25.1-p0 -> 1.25.1). */
  pgbouncerVersion?: string;
  /** Default PGBOUNCER_EXPORTER_IMAGE. */
  exporterImage?: string;
  /** The tier's pgbouncer.replicas. */
  replicas: number;
  database: PgBouncerDatabase;
  /** Client port. Default 6432. */
  port?: number;
  /** Exporter port. Default 9127. */
  metricsPort?: number;
  /** Overrides of the plan's pool settings (PGBOUNCER_DEFAULTS). */
  settings?: Partial<PgbouncerSettings>;
  /** Database connections left to superusers, replication and monitoring. Default max(10, 10%). */
  reservedConnections?: number;
  /** Default requests 500m / 256Mi, limits 1 cpu / 512Mi (PgBouncer is single-threaded). */
  resources?: Resources;
  /** Seconds the pod keeps serving after it is marked terminating, while Service endpoints drop it. Default 15. */
  preStopSeconds?: number;
  /** Default 60: preStop delay, then a safe shutdown that lets running transactions finish. */
  terminationGracePeriodSeconds?: number;
}

const NAME = /^[a-z][a-z0-9_]*$/;

/** PgBouncer version from an image tag such as v1.25.1-p0 or 1.24.0. */
export function versionFromImage(image: string): string | undefined {
  const tag = image.includes("@") ? "" : (image.split("/").pop() ?? "").split(":")[1] ?? "";
  return /^v?(\d+\.\d+\.\d+)/.exec(tag)?.[1];
}

/** Throw a clear error for bad PgBouncer args (called before anything is registered); returns the resolved version. */
export function validatePgBouncerArgs(name: string, args: PgBouncerArgs): string {
  const where = `PgBouncer ${name}`;
  if (!Number.isInteger(args.replicas) || args.replicas < 1) throw new Error(`${where}: replicas must be an integer >= 1; got ${args.replicas}`);
  const image = args.image ?? PGBOUNCER_IMAGE;
  assertPinnedImage(where, "image", image);
  assertPinnedImage(where, "exporterImage", args.exporterImage ?? PGBOUNCER_EXPORTER_IMAGE);
  const version = args.pgbouncerVersion ?? versionFromImage(image);
  if (version === undefined) throw new Error(`${where}: cannot read the PgBouncer version from image ${JSON.stringify(image)}; set pgbouncerVersion (e.g. "1.25.1")`);
  for (const [arg, v] of [["database.name", args.database.name], ["database.username", args.database.username]] as const) {
    if (!NAME.test(v)) throw new Error(`${where}: ${arg} ${JSON.stringify(v)} must match ${NAME}`);
  }
  if (args.database.username === EXPORTER_USER) throw new Error(`${where}: database.username must not be ${EXPORTER_USER} (the exporter's console user)`);
  const preStop = args.preStopSeconds ?? 15;
  const grace = args.terminationGracePeriodSeconds ?? 60;
  if (grace <= preStop) throw new Error(`${where}: terminationGracePeriodSeconds (${grace}) must exceed preStopSeconds (${preStop}) so transactions can finish after the delay`);
  return version;
}

/**
 * PgBouncer in front of the database: the rendered pgbouncer.ini in a ConfigMap, the userlist in a Secret, a
 * Deployment (config checksum annotations, raised open-files limit, TCP probes, delayed safe shutdown, a
 * Prometheus exporter sidecar, hardened, spread across zones and nodes), a Service and a PodDisruptionBudget.
 * Each replica's server connections are capped so all of them fit under the database's max_connections.
 */
export class PgBouncer extends pulumi.ComponentResource {
  readonly appName: string;
  readonly namespace: string;
  readonly serviceName: pulumi.Output<string>;
  readonly port: number;
  readonly metricsPort: number;
  readonly replicas: number;
  /** max_db_connections of each replica. */
  readonly maxDbConnections: number;
  /** Database name of the read pool; absent without readerHosts. */
  readonly readDatabaseName?: string;
  /** Selector labels of the PgBouncer pods (NetworkPolicies, monitors). */
  readonly podLabels: Record<string, string>;

  constructor(name: string, args: PgBouncerArgs, opts?: pulumi.ComponentResourceOptions) {
    const version = validatePgBouncerArgs(name, args);
    const settings: PgbouncerSettings = { ...PGBOUNCER_DEFAULTS, ...args.settings };
    const perReplica = maxDbConnections({
      databaseMaxConnections: args.database.maxConnections,
      replicas: args.replicas,
      reservedConnections: args.reservedConnections,
      defaultPoolSize: settings.default_pool_size,
      reservePoolSize: settings.reserve_pool_size,
    });
    super("finishthisidea:k8s:PgBouncer", name, {}, opts);
    const child = { parent: this };
    const app = args.appName ?? "pgbouncer";
    const port = args.port ?? 6432;
    const metricsPort = args.metricsPort ?? 9127;
    const preStop = args.preStopSeconds ?? 15;
    const grace = args.terminationGracePeriodSeconds ?? 60;
    const image = args.image ?? PGBOUNCER_IMAGE;
    const resources = args.resources ?? { requests: { cpu: "500m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } };
    const labels = appLabels(app, "connection-pooler", version);
    const namespaceName = args.namespace ?? app;
    const db = args.database;

    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: namespaceName, labels: namespaceLabels(namespaceName) } }, child);
    const meta = { namespace: ns.metadata.name, labels: labels.all };

    const readers = db.readerHosts ?? [];
    const ini = pulumi.all([db.host, pulumi.all(readers)]).apply(([host, readerHosts]) => renderPgbouncerIni({
      databases: [
        { name: db.name, host, port: db.port },
        ...(readerHosts.length > 0 ? [{ name: readPoolName(db.name), host: readerHosts.join(","), port: db.port, dbname: db.name }] : []),
      ],
      maxDbConnections: perReplica,
      listenPort: port,
      statsUsers: [EXPORTER_USER],
      settings,
      version,
    }));
    const config = new k8s.core.v1.ConfigMap(`${name}-config`, {
      metadata: { ...meta, name: `${app}-config` },
      data: { "pgbouncer.ini": ini },
    }, child);

    const exporterPassword = pulumi.secret(new random.RandomPassword(`${name}-exporter-password`, { length: 32, special: false }, child).result);
    // The application user's password stays plain: PgBouncer must log in to the database with it (a SCRAM
    // secret works server-side only when the database stores the very same secret). The exporter's console
    // user never reaches the database, so it is stored as a SCRAM secret.
    const userlist = pulumi.secret(pulumi.all([db.password, exporterPassword]).apply(([password, exporter]) => renderUserlist([
      { user: db.username, password },
      { user: EXPORTER_USER, scramSecret: scramSha256Secret(exporter, derivedSalt(EXPORTER_USER, exporter)) },
    ])));
    const exporterDsn = pulumi.secret(pulumi.interpolate`postgresql://${EXPORTER_USER}:${exporterPassword}@127.0.0.1:${port}/pgbouncer?sslmode=disable`);
    const secretName = `${app}-userlist`;
    const secret = new k8s.core.v1.Secret(`${name}-userlist`, {
      metadata: { ...meta, name: secretName },
      type: "Opaque",
      stringData: { "userlist.txt": userlist, "exporter-connection-string": exporterDsn },
    }, child);

    // Changed files roll the pods (PgBouncer reads them at start). The ini is not secret, so its plain hash is
    // fine; the userlist's hash is keyed with the exporter's random password (nobody holding the annotation can
    // test password guesses against it) and stays a Pulumi secret all the same.
    const annotations = {
      "checksum/config": ini.apply(sha256Hex),
      "checksum/userlist": pulumi.secret(pulumi.all([userlist, exporterPassword]).apply(([u, key]) => crypto.createHmac("sha256", key).update(u).digest("hex"))),
    };

    const nofile = fileDescriptorLimit(settings.max_client_conn, perReplica);
    new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata: { ...meta, name: app },
      spec: {
        replicas: args.replicas,
        selector: { matchLabels: labels.selector },
        // Never more pods than replicas + 1 hold server connections (the pool sizing counts exactly one extra).
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
        template: {
          metadata: { labels: labels.all, annotations },
          spec: {
            automountServiceAccountToken: false,
            nodeSelector: { ...NODE_POOLS.system.labels },
            securityContext: { ...RESTRICTED_POD_SECURITY, runAsUser: PGBOUNCER_UID, runAsGroup: PGBOUNCER_UID, fsGroup: PGBOUNCER_UID },
            terminationGracePeriodSeconds: grace,
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels.selector } },
            ],
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { topologyKey: "kubernetes.io/hostname", labelSelector: { matchLabels: labels.selector } } },
                ],
              },
            },
            containers: [
              {
                name: "pgbouncer",
                image,
                command: pgbouncerCommand(PGBOUNCER_INI_PATH, nofile),
                ports: [{ name: "pgbouncer", containerPort: port, protocol: "TCP" }],
                resources,
                securityContext: HARDENED_CONTAINER,
                readinessProbe: { tcpSocket: { port: "pgbouncer" }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
                livenessProbe: { tcpSocket: { port: "pgbouncer" }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
                // Kubernetes stops containers with SIGTERM, which is an immediate shutdown before PgBouncer 1.23 and
                // waits for every client to disconnect since. Instead: keep serving while endpoints drop the pod,
                // then SIGINT (safe shutdown: stop accepting, let running transactions finish, exit) and wait.
                lifecycle: {
                  preStop: {
                    exec: { command: ["/bin/sh", "-c", `sleep ${preStop}; kill -INT 1; while kill -0 1 2>/dev/null; do sleep 1; done`] },
                  },
                },
                volumeMounts: [
                  { name: "config", mountPath: PGBOUNCER_INI_PATH.slice(0, PGBOUNCER_INI_PATH.lastIndexOf("/")), readOnly: true },
                  { name: "userlist", mountPath: USERLIST_PATH.slice(0, USERLIST_PATH.lastIndexOf("/")), readOnly: true },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
              {
                name: "exporter",
                image: args.exporterImage ?? PGBOUNCER_EXPORTER_IMAGE,
                args: [`--web.listen-address=:${metricsPort}`],
                env: [{ name: "PGBOUNCER_EXPORTER_CONNECTION_STRING", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "exporter-connection-string" } } }],
                ports: [{ name: "metrics", containerPort: metricsPort, protocol: "TCP" }],
                resources: { requests: { cpu: "20m", memory: "32Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
                securityContext: HARDENED_CONTAINER,
                readinessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 10, timeoutSeconds: 2 },
                livenessProbe: { httpGet: { path: "/", port: "metrics" }, periodSeconds: 20, timeoutSeconds: 3 },
              },
            ],
            volumes: [
              { name: "config", configMap: { name: config.metadata.name, items: [{ key: "pgbouncer.ini", path: "pgbouncer.ini" }] } },
              { name: "userlist", secret: { secretName: secret.metadata.name, items: [{ key: "userlist.txt", path: "userlist.txt" }], defaultMode: 0o440 } },
              { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            ],
          },
        },
      },
    }, child);

    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
      metadata: { ...meta, name: app },
      // One at a time, as the pool sizing assumes.
      spec: { maxUnavailable: 1, selector: { matchLabels: labels.selector } },
    }, child);

    const service = new k8s.core.v1.Service(`${name}-service`, {
      metadata: { ...meta, name: app },
      spec: {
        type: "ClusterIP",
        selector: labels.selector,
        ports: [
          { name: "pgbouncer", port, targetPort: "pgbouncer", protocol: "TCP" },
          { name: "metrics", port: metricsPort, targetPort: "metrics", protocol: "TCP" },
        ],
      },
    }, child);

    this.appName = app;
    this.namespace = namespaceName;
    this.serviceName = service.metadata.name;
    this.port = port;
    this.metricsPort = metricsPort;
    this.replicas = args.replicas;
    this.maxDbConnections = perReplica;
    this.readDatabaseName = readers.length > 0 ? readPoolName(db.name) : undefined;
    this.podLabels = labels.selector;
    this.registerOutputs({ serviceName: this.serviceName, maxDbConnections: perReplica, readDatabaseName: this.readDatabaseName });
  }
}
