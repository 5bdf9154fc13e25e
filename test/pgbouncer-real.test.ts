/**
 * The rendered pgbouncer.ini and userlist.txt run by a real PgBouncer in front of a real, throwaway PostgreSQL
 * (max_connections 40), both on loopback: 500 clients run transactions through PgBouncer at once, the same
 * 500 against PostgreSQL directly are refused, and SIGINT (what the pod's preStop sends) lets running
 * transactions finish. Needs the Debian packages `postgresql` and `pgbouncer` (.ci/run installs them); skipped without them
 * (test/real-programs.ts), failed under CI=true.
 *
 * What differs from the pod, and why: listen address, ports, file paths and the database host point at
 * loopback and a temp dir; server_tls_sslmode is `disable` because the local PostgreSQL has no certificate
 * (the pod renders `require`); the ini is rendered for the installed PgBouncer's version, so a Debian 1.18
 * build omits max_prepared_statements (1.21+); one replica with no surge pod.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { EXPORTER_USER, readPoolName } from "../components/k8s/pgbouncer/pgbouncer";
import {
  derivedSalt,
  fileDescriptorLimit,
  maxDbConnections,
  parseIni,
  PGBOUNCER_DEFAULTS,
  pgbouncerCommand,
  renderPgbouncerIni,
  renderUserlist,
  scramSha256Secret,
} from "../components/k8s/pgbouncer/config";
import { describeIfFound, INSTALL, postgresBinDirs, requireProgram } from "./real-programs";

const DB = "finishthisidea";
const APP_USER = "app";
// Quotes and spaces exercise the userlist's quoting.
const APP_PASSWORD = 'app "pw" with spaces';
const EXPORTER_PASSWORD = "Exporter0Password0Random0x32chars";
const PG_MAX_CONNECTIONS = 40;
const CLIENTS = 500;

// Looked up once: without them the suite is skipped naming the install command, and under CI=true it fails.
const pgbouncerProgram = requireProgram("pgbouncer", INSTALL.pgbouncer, { dirs: ["/usr/sbin"] });
const initdbProgram = requireProgram("initdb", INSTALL.initdb, { dirs: postgresBinDirs() });

/** initdb and pgbouncer refuse root: as root (CI), run them as the `postgres` user the package creates. */
function runAs(): { prefix: string[]; uid: number; gid: number } {
  if (process.getuid?.() !== 0) return { prefix: [], uid: process.getuid!(), gid: process.getgid!() };
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  return { prefix: ["setpriv", `--reuid=${uid}`, `--regid=${gid}`, "--init-groups", "--"], uid, gid };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
  else child.once("exit", (code) => resolve(code));
});

async function waitFor(what: string, child: ChildProcess, logFile: string, ready: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}:\n${fs.readFileSync(logFile, "utf8").slice(-3000)}`);
    if (await ready()) return;
    await sleep(100);
  }
  throw new Error(`${what} did not become ready:\n${fs.readFileSync(logFile, "utf8").slice(-3000)}`);
}

const accepts = (port: number) => new Promise<boolean>((resolve) => {
  const socket = net.connect(port, "127.0.0.1");
  socket.once("connect", () => { socket.destroy(); resolve(true); });
  socket.once("error", () => resolve(false));
});

async function stop(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const done = await Promise.race([exited(child).then(() => true), sleep(10_000).then(() => false)]);
  if (!done) {
    child.kill("SIGKILL");
    await exited(child);
  }
}

describeIfFound(pgbouncerProgram, initdbProgram)("pgbouncer.ini on a real PgBouncer and PostgreSQL", () => {
  let tmp: string | undefined;
  let postgres: ChildProcess | undefined;
  let pgbouncer: ChildProcess | undefined;
  let pgPort: number;
  let bouncerPort: number;
  let socketDir: string;
  let maxDb: number;
  let nofile: number;
  let bouncerLog: string;
  const clients: Client[] = [];

  const superuser = () => new Client({ host: socketDir, port: pgPort, user: "postgres", database: "postgres" });
  const appThroughBouncer = () => new Client({ host: "127.0.0.1", port: bouncerPort, user: APP_USER, password: APP_PASSWORD, database: DB });
  const track = (c: Client) => {
    clients.push(c);
    // A refused or dropped connection must not surface as an unhandled error event.
    c.on("error", () => undefined);
    return c;
  };

  beforeAll(async () => {
    const pgBin = path.dirname(initdbProgram.path!);
    const pgbouncerBin = pgbouncerProgram.path!;
    const user = runAs();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pgbouncer-real-"));
    fs.chownSync(tmp, user.uid, user.gid);
    socketDir = tmp;
    const data = path.join(tmp, "data");
    const as = (argv: string[]) => [...user.prefix, ...argv];
    const run = (argv: string[]) => execFileSync(as(argv)[0], as(argv).slice(1), { stdio: "pipe" });

    run([path.join(pgBin, "initdb"), "-D", data, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8", "--locale=C"]);
    pgPort = await freePort();
    const pgLog = path.join(tmp, "postgres.log");
    const pgArgv = as([path.join(pgBin, "postgres"), "-D", data, "-c", `port=${pgPort}`, "-c", "listen_addresses=127.0.0.1",
      "-c", `unix_socket_directories=${socketDir}`, "-c", `max_connections=${PG_MAX_CONNECTIONS}`, "-c", "fsync=off"]);
    postgres = spawn(pgArgv[0], pgArgv.slice(1), { stdio: ["ignore", fs.openSync(pgLog, "w"), fs.openSync(pgLog, "a")] });
    await waitFor("postgres", postgres, pgLog, async () => {
      const c = superuser();
      try {
        await c.connect();
        await c.end();
        return true;
      } catch {
        return false;
      }
    });
    const admin = superuser();
    await admin.connect();
    await admin.query(`create role ${APP_USER} login password '${APP_PASSWORD}'`);
    await admin.query(`create database ${DB} owner ${APP_USER}`);
    await admin.end();

    const version = /PgBouncer (\d+\.\d+\.\d+)/.exec(execFileSync(pgbouncerBin, ["--version"]).toString())?.[1];
    if (!version) throw new Error(`cannot read the version of ${pgbouncerBin}`);
    bouncerPort = await freePort();
    maxDb = maxDbConnections({ databaseMaxConnections: PG_MAX_CONNECTIONS, replicas: 1, surgePods: 0 });
    const iniPath = path.join(tmp, "pgbouncer.ini");
    const userlistPath = path.join(tmp, "userlist.txt");
    fs.writeFileSync(iniPath, renderPgbouncerIni({
      // The read pool as the component renders it for in-region replicas: a host list, the writer's dbname.
      databases: [{ name: DB, host: "127.0.0.1", port: pgPort }, { name: readPoolName(DB), host: "127.0.0.1,127.0.0.1", port: pgPort, dbname: DB }],
      maxDbConnections: maxDb,
      listenAddr: "127.0.0.1",
      listenPort: bouncerPort,
      authFile: userlistPath,
      statsUsers: [EXPORTER_USER],
      // Relaxed here only: the throwaway PostgreSQL has no TLS certificate.
      serverTlsSslmode: "disable",
      version,
    }));
    fs.writeFileSync(userlistPath, renderUserlist([
      { user: APP_USER, password: APP_PASSWORD },
      { user: EXPORTER_USER, scramSecret: scramSha256Secret(EXPORTER_PASSWORD, derivedSalt(EXPORTER_USER, EXPORTER_PASSWORD)) },
    ]), { mode: 0o600 });
    fs.chownSync(iniPath, user.uid, user.gid);
    fs.chownSync(userlistPath, user.uid, user.gid);

    // The pod's command, started with a low soft open-files limit so its raise is observable.
    nofile = fileDescriptorLimit(PGBOUNCER_DEFAULTS.max_client_conn, maxDb);
    bouncerLog = path.join(tmp, "pgbouncer.log");
    const argv = as(["/bin/sh", "-c", 'ulimit -Sn 1024 && exec "$@"', "sh", ...pgbouncerCommand(iniPath, nofile)]);
    pgbouncer = spawn(argv[0], argv.slice(1), {
      stdio: ["ignore", fs.openSync(bouncerLog, "w"), fs.openSync(bouncerLog, "a")],
      env: { ...process.env, PATH: `${path.dirname(pgbouncerBin)}:${process.env.PATH ?? "/usr/bin:/bin"}` },
    });
    await waitFor("pgbouncer", pgbouncer, bouncerLog, () => accepts(bouncerPort));
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((c) => c.end()));
    await stop(pgbouncer, "SIGKILL");
    await stop(postgres, "SIGINT");
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("sizes one local replica to the database (40 - 10 reserved = 30 = default_pool_size 25 + reserve_pool_size 5)", () => {
    expect(maxDb).toBe(30);
    const ini = parseIni(fs.readFileSync(path.join(tmp!, "pgbouncer.ini"), "utf8"));
    expect(ini.pgbouncer).toMatchObject({ pool_mode: "transaction", max_client_conn: "10000", max_db_connections: "30", auth_type: "scram-sha-256" });
  });

  it("raises the open-files soft limit for max_client_conn with the pod's command", () => {
    const limits = fs.readFileSync(`/proc/${pgbouncer!.pid}/limits`, "utf8");
    const [, soft] = /Max open files\s+(\d+)\s+(\d+|unlimited)/.exec(limits)!;
    expect(Number(soft)).toBe(nofile);
    expect(nofile).toBeGreaterThan(PGBOUNCER_DEFAULTS.max_client_conn);
  });

  it(`holds ${CLIENTS} concurrent clients running transactions through PgBouncer`, async () => {
    const started = Date.now();
    const conns = Array.from({ length: CLIENTS }, () => track(appThroughBouncer()));
    await Promise.all(conns.map((c) => c.connect()));
    const connectedMs = Date.now() - started;

    // All 500 are connected at once: PgBouncer's console (as the exporter's SCRAM user) counts them.
    const adminConsole = track(new Client({ host: "127.0.0.1", port: bouncerPort, user: EXPORTER_USER, password: EXPORTER_PASSWORD, database: "pgbouncer" }));
    await adminConsole.connect();
    const pools = (await adminConsole.query("SHOW POOLS")).rows.filter((r) => r.database === DB && r.user === APP_USER);
    expect(pools.reduce((n, r) => n + Number(r.cl_active) + Number(r.cl_waiting) + Number(r.cl_idle ?? 0), 0)).toBe(CLIENTS);

    const serverCounts: number[] = [];
    const watcher = track(superuser());
    await watcher.connect();
    let running = true;
    const watching = (async () => {
      while (running) {
        const { rows } = await watcher.query("select count(*)::int as n from pg_stat_activity where usename = $1", [APP_USER]);
        serverCounts.push(rows[0].n);
        await sleep(50);
      }
    })();

    const results = await Promise.all(conns.map(async (c, i) => {
      await c.query("BEGIN");
      const { rows } = await c.query("select pg_sleep(0.05), $1::int as i", [i]);
      await c.query("COMMIT");
      return rows[0].i;
    }));
    running = false;
    await watching;
    const totalMs = Date.now() - started;

    expect(results).toEqual(Array.from({ length: CLIENTS }, (_, i) => i));
    // PostgreSQL never saw more than max_db_connections server connections for the 500 clients.
    expect(Math.max(...serverCounts)).toBeLessThanOrEqual(maxDb);
    expect(Math.max(...serverCounts)).toBeGreaterThanOrEqual(PGBOUNCER_DEFAULTS.default_pool_size);
    await Promise.all(conns.map((c) => c.end()));
    console.log(`pgbouncer-real: ${CLIENTS} clients connected in ${connectedMs} ms; all transactions done in ${totalMs} ms; peak server connections ${Math.max(...serverCounts)}`);
  });

  it("serves the read pool over a host list into the same database, as DATABASE_READ_URL's clients use it", async () => {
    const reader = track(new Client({ host: "127.0.0.1", port: bouncerPort, user: APP_USER, password: APP_PASSWORD, database: readPoolName(DB) }));
    await reader.connect();
    const { rows } = await reader.query("select current_database() as db");
    expect(rows[0].db).toBe(DB);
    await reader.end();
  });

  it(`refuses the same ${CLIENTS} clients against PostgreSQL directly (too many clients)`, async () => {
    const conns = Array.from({ length: CLIENTS }, () => track(new Client({ host: "127.0.0.1", port: pgPort, user: APP_USER, password: APP_PASSWORD, database: DB })));
    const outcomes = await Promise.allSettled(conns.map((c) => c.connect()));
    const refused = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(CLIENTS - refused.length).toBeLessThan(PG_MAX_CONNECTIONS);
    expect(refused.length).toBeGreaterThan(CLIENTS - PG_MAX_CONNECTIONS);
    expect(new Set(refused.map((r) => (r.reason as { code?: string }).code))).toEqual(new Set(["53300"]));
    // 53300 too_many_connections: "sorry, too many clients already", or the slots left are the superusers'.
    for (const r of refused) expect(String(r.reason)).toMatch(/too many clients already|remaining connection slots are reserved/);
    await Promise.allSettled(conns.map((c) => c.end()));
    console.log(`pgbouncer-real: direct to PostgreSQL ${CLIENTS - refused.length} connected, ${refused.length} refused`);
  });

  it("on SIGINT (the preStop's signal) lets running transactions finish, then exits", async () => {
    const conns = Array.from({ length: 20 }, () => track(appThroughBouncer()));
    await Promise.all(conns.map((c) => c.connect()));
    await Promise.all(conns.map((c) => c.query("BEGIN")));
    const running = conns.map(async (c) => {
      const { rows } = await c.query("select pg_sleep(1), 42 as answer");
      await c.query("COMMIT");
      return rows[0].answer;
    });
    await sleep(300);
    pgbouncer!.kill("SIGINT");
    expect(await Promise.all(running)).toEqual(Array(20).fill(42));
    expect(await exited(pgbouncer!)).toBe(0);
    expect(await accepts(bouncerPort)).toBe(false);
  });
});
