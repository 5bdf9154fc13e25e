/**
 * PgBouncer's files and numbers as pure functions: pgbouncer.ini, userlist.txt (plain or SCRAM-SHA-256
 * entries), the per-replica server connection cap that keeps every replica under the database's
 * max_connections, the open-files limit for max_client_conn, and the container command that raises it.
 * components/k8s/pgbouncer/pgbouncer.ts deploys them; test/pgbouncer-real.test.ts runs them against a real pgbouncer.
 */
import * as crypto from "node:crypto";

/** PgBouncer release of the pinned image (components/k8s/pgbouncer/pgbouncer.ts PGBOUNCER_IMAGE); the ini is rendered for it. 1.25.2 fixes the crash an unauthenticated client could cause with a malformed SCRAM message (this config authenticates with SCRAM). */
export const PGBOUNCER_VERSION = "1.25.2";

/** Where the pod mounts the files (ConfigMap and Secret volumes). */
export const PGBOUNCER_INI_PATH = "/etc/pgbouncer/pgbouncer.ini";
export const USERLIST_PATH = "/etc/pgbouncer-auth/userlist.txt";

/** The scaling plan's pool settings plus what production needs, as pgbouncer.ini keys. */
export interface PgbouncerSettings {
  pool_mode: "session" | "transaction" | "statement";
  max_client_conn: number;
  default_pool_size: number;
  reserve_pool_size: number;
  /** Seconds a client waits before the reserve pool is used. */
  reserve_pool_timeout: number;
  server_lifetime: number;
  server_idle_timeout: number;
  log_connections: 0 | 1;
  log_disconnections: 0 | 1;
  stats_period: number;
  /** Prepared statements tracked per server connection, so protocol-level prepared statements work in transaction mode (PgBouncer 1.21+). */
  max_prepared_statements: number;
}

export const PGBOUNCER_DEFAULTS: PgbouncerSettings = {
  pool_mode: "transaction",
  max_client_conn: 10_000,
  default_pool_size: 25,
  reserve_pool_size: 5,
  reserve_pool_timeout: 3,
  server_lifetime: 3600,
  server_idle_timeout: 600,
  log_connections: 1,
  log_disconnections: 1,
  stats_period: 60,
  max_prepared_statements: 200,
};

/** max_prepared_statements needs a newer PgBouncer than some distributions ship; omitted when rendering for an older one. */
const MAX_PREPARED_STATEMENTS_SINCE = "1.21.0";

export type ServerTlsSslmode = "disable" | "allow" | "prefer" | "require" | "verify-ca" | "verify-full";

export interface PgbouncerDatabase {
  /** Name clients connect to. */
  name: string;
  /** One host, or several joined by commas: PgBouncer (1.17+) opens new server connections to them round-robin. */
  host: string;
  port: number;
  /** Database on the server; defaults to `name`. */
  dbname?: string;
}

export interface PgbouncerIniArgs {
  /** At least one database entry. */
  databases: PgbouncerDatabase[];
  /** Server connections per database for this PgBouncer process (see maxDbConnections). */
  maxDbConnections: number;
  /** Default 0.0.0.0. */
  listenAddr?: string;
  /** Default 6432. */
  listenPort?: number;
  /** Default USERLIST_PATH. */
  authFile?: string;
  /** Users allowed the read-only admin console (SHOW ...), e.g. the metrics exporter. */
  statsUsers?: string[];
  /** Overrides of PGBOUNCER_DEFAULTS. */
  settings?: Partial<PgbouncerSettings>;
  /** TLS towards the database. Default `require`; only the local real test relaxes it. */
  serverTlsSslmode?: ServerTlsSslmode;
  /** PgBouncer version that reads the file. Default PGBOUNCER_VERSION. */
  version?: string;
}

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const HOST = /^[A-Za-z0-9_.:-]+$/;

function positiveInt(where: string, key: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) throw new Error(`${where}: ${key} must be an integer >= ${min}; got ${v}`);
}

/** -1, 0 or 1 for a < b, a = b, a > b (dotted numeric versions). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  const diffs = Array.from({ length: Math.max(pa.length, pb.length) }, (_, i) => (pa[i] ?? 0) - (pb[i] ?? 0));
  return Math.sign(diffs.find((d) => d !== 0) ?? 0);
}

/** pgbouncer.ini for the given databases; throws naming the bad arg. Holds no credential (the userlist does). */
export function renderPgbouncerIni(args: PgbouncerIniArgs): string {
  const where = "renderPgbouncerIni";
  const s: PgbouncerSettings = { ...PGBOUNCER_DEFAULTS, ...args.settings };
  const version = args.version ?? PGBOUNCER_VERSION;
  if (!/^\d+\.\d+(\.\d+)?$/.test(version)) throw new Error(`${where}: version ${JSON.stringify(version)} must look like 1.25.1`);
  if (args.databases.length === 0) throw new Error(`${where}: databases is empty; expected at least one { name, host, port }`);
  for (const db of args.databases) {
    if (!NAME.test(db.name)) throw new Error(`${where}: database name ${JSON.stringify(db.name)} must match ${NAME}`);
    if (db.dbname !== undefined && !NAME.test(db.dbname)) throw new Error(`${where}: dbname ${JSON.stringify(db.dbname)} must match ${NAME}`);
    if (!db.host.split(",").every((h) => HOST.test(h))) throw new Error(`${where}: host ${JSON.stringify(db.host)} of database ${db.name} must be a host name or IP address, or several joined by commas`);
    positiveInt(where, `port of database ${db.name}`, db.port);
  }
  for (const u of args.statsUsers ?? []) if (!NAME.test(u)) throw new Error(`${where}: stats user ${JSON.stringify(u)} must match ${NAME}`);
  positiveInt(where, "maxDbConnections", args.maxDbConnections);
  for (const key of ["max_client_conn", "default_pool_size", "reserve_pool_timeout", "server_lifetime", "server_idle_timeout", "stats_period"] as const) {
    positiveInt(where, key, s[key]);
  }
  positiveInt(where, "reserve_pool_size", s.reserve_pool_size, 0);
  positiveInt(where, "max_prepared_statements", s.max_prepared_statements, 0);

  const databases = args.databases.map((db) => `${db.name} = host=${db.host} port=${db.port} dbname=${db.dbname ?? db.name}`);
  const settings: [string, string | number][] = [
    ["listen_addr", args.listenAddr ?? "0.0.0.0"],
    ["listen_port", args.listenPort ?? 6432],
    // TCP only: no socket file to write on a read-only root filesystem.
    ["unix_socket_dir", ""],
    ["auth_type", "scram-sha-256"],
    ["auth_file", args.authFile ?? USERLIST_PATH],
    ["stats_users", (args.statsUsers ?? []).join(",")],
    ["pool_mode", s.pool_mode],
    ["max_client_conn", s.max_client_conn],
    ["default_pool_size", s.default_pool_size],
    ["reserve_pool_size", s.reserve_pool_size],
    ["reserve_pool_timeout", s.reserve_pool_timeout],
    ["max_db_connections", args.maxDbConnections],
    ["server_lifetime", s.server_lifetime],
    ["server_idle_timeout", s.server_idle_timeout],
    ["server_tls_sslmode", args.serverTlsSslmode ?? "require"],
    ...(compareVersions(version, MAX_PREPARED_STATEMENTS_SINCE) >= 0 ? [["max_prepared_statements", s.max_prepared_statements] as [string, number]] : []),
    // JDBC and node-postgres send it; PgBouncer would refuse the startup packet otherwise.
    ["ignore_startup_parameters", "extra_float_digits"],
    ["log_connections", s.log_connections],
    ["log_disconnections", s.log_disconnections],
    ["stats_period", s.stats_period],
  ];
  return [
    `; Rendered by components/k8s/pgbouncer/config.ts for PgBouncer ${version}. Credentials live in ${args.authFile ?? USERLIST_PATH} (a Secret).`,
    "[databases]",
    ...databases,
    "",
    "[pgbouncer]",
    ...settings.map(([k, v]) => `${k} = ${v}`),
    "",
  ].join("\n");
}

/** Parse an ini back into { section: { key: value } } (tests and sanity checks). */
export function parseIni(text: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  let section = "";
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    // Blank lines have no "=" and are skipped with the other lines without one.
    if (line.startsWith(";") || line.startsWith("#")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      out[section] ??= {};
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    (out[section] ??= {})[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

export interface PoolSizingArgs {
  /** The database's max_connections. */
  databaseMaxConnections: number;
  /** PgBouncer replicas. */
  replicas: number;
  /** Pods that may hold connections beside the replicas while one is replaced (rolling update, drain). Default 1. */
  surgePods?: number;
  /** Connections kept free for superusers, replication, monitoring and migrations. Default max(10, 10% of max_connections). */
  reservedConnections?: number;
  /** Default PGBOUNCER_DEFAULTS.default_pool_size. */
  defaultPoolSize?: number;
  /** Default PGBOUNCER_DEFAULTS.reserve_pool_size. */
  reservePoolSize?: number;
}

export function defaultReservedConnections(databaseMaxConnections: number): number {
  return Math.max(10, Math.ceil(databaseMaxConnections * 0.1));
}

/**
 * max_db_connections per PgBouncer process: the database's connections left after the reserve, shared by every
 * pod that can hold them at once (replicas plus one being replaced). Throws, naming the numbers, when that
 * share cannot hold one full pool (default_pool_size + reserve_pool_size).
 */
export function maxDbConnections(args: PoolSizingArgs): number {
  const where = "PgBouncer pool sizing";
  const surge = args.surgePods ?? 1;
  const pool = (args.defaultPoolSize ?? PGBOUNCER_DEFAULTS.default_pool_size) + (args.reservePoolSize ?? PGBOUNCER_DEFAULTS.reserve_pool_size);
  const reserved = args.reservedConnections ?? defaultReservedConnections(args.databaseMaxConnections);
  positiveInt(where, "databaseMaxConnections", args.databaseMaxConnections);
  positiveInt(where, "replicas", args.replicas);
  positiveInt(where, "surgePods", surge, 0);
  positiveInt(where, "reservedConnections", reserved, 0);
  const pods = args.replicas + surge;
  const available = args.databaseMaxConnections - reserved;
  const perPod = Math.floor(available / pods);
  if (perPod < pool) {
    throw new Error(
      `${where}: ${pods} pods (${args.replicas} replicas + ${surge} being replaced) x ${pool} server connections each ` +
        `(default_pool_size + reserve_pool_size) = ${pods * pool} do not fit in the database's max_connections ${args.databaseMaxConnections} ` +
        `minus ${reserved} reserved for superuser, replication and monitoring (${available} available); ` +
        `raise database.maxConnections, or lower pgbouncer.replicas or the pool size`,
    );
  }
  return perPod;
}

/** Open files PgBouncer needs: one per client and per server connection, plus listeners, logs and DNS. */
export function fileDescriptorLimit(maxClientConn: number, serverConnections: number): number {
  return maxClientConn + serverConnections + 128;
}

/**
 * Container command: raise the soft open-files limit to `nofile` (never lowering it; an unprivileged process
 * may raise it up to the hard limit, 1048576 on EKS AL2023 nodes) or exit with a clear message, then exec
 * PgBouncer so it is PID 1 and receives signals itself.
 */
export function pgbouncerCommand(iniPath: string, nofile: number): string[] {
  const script = [
    `want=${nofile}`,
    `have=$(ulimit -n)`,
    `if [ "$have" != unlimited ] && [ "$have" -lt "$want" ]; then`,
    `  ulimit -n "$want" || { echo "pgbouncer: cannot raise the open-files limit from $have to $want (hard limit $(ulimit -Hn)); max_client_conn needs it" >&2; exit 1; }`,
    `fi`,
    `exec pgbouncer ${iniPath}`,
  ].join("\n");
  return ["/bin/sh", "-c", script];
}

export type UserlistEntry = { user: string; password: string } | { user: string; scramSecret: string };

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;

/** userlist.txt: one `"user" "password-or-SCRAM-secret"` line per user, double quotes doubled. */
export function renderUserlist(users: UserlistEntry[]): string {
  if (users.length === 0) throw new Error("renderUserlist: users is empty; expected at least one user");
  const seen = new Set<string>();
  return users.map((u) => {
    const secret = "password" in u ? u.password : u.scramSecret;
    if (u.user === "" || /[\r\n\0]/.test(u.user)) throw new Error(`renderUserlist: user name ${JSON.stringify(u.user)} must be non-empty and on one line`);
    if (seen.has(u.user)) throw new Error(`renderUserlist: user ${JSON.stringify(u.user)} is listed twice`);
    seen.add(u.user);
    if (secret === "" || /[\r\n\0]/.test(secret)) throw new Error(`renderUserlist: the password of ${JSON.stringify(u.user)} must be non-empty and on one line`);
    if ("scramSecret" in u && !/^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/.test(secret)) {
      throw new Error(`renderUserlist: scramSecret of ${JSON.stringify(u.user)} is not a SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> secret`);
    }
    return `${quote(u.user)} ${quote(secret)}\n`;
  }).join("");
}

/**
 * PostgreSQL's SCRAM-SHA-256 secret (RFC 5802 / 7677) for a password, as `pg_authid` and PgBouncer store it.
 * ASCII passwords only (SASLprep is the identity for them).
 */
export function scramSha256Secret(password: string, salt: Buffer, iterations = 4096): string {
  if (!/^[\x20-\x7e]+$/.test(password)) throw new Error("scramSha256Secret: password must be non-empty printable ASCII");
  if (salt.length < 16) throw new Error(`scramSha256Secret: salt must be at least 16 bytes; got ${salt.length}`);
  const salted = crypto.pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const hmac = (key: Buffer, text: string) => crypto.createHmac("sha256", key).update(text).digest();
  const storedKey = crypto.createHash("sha256").update(hmac(salted, "Client Key")).digest();
  const serverKey = hmac(salted, "Server Key");
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/**
 * A salt derived from the user and its (random, high-entropy) password: stable across runs, so the rendered
 * userlist (and its Secret) only changes when the password does. Unique per password, which is all SCRAM's salt
 * is for; never use it for human-chosen passwords.
 */
export function derivedSalt(user: string, password: string): Buffer {
  return crypto.createHmac("sha256", password).update(`pgbouncer-userlist-salt:${user}`).digest().subarray(0, 16);
}
