/**
 * components/k8s/pgbouncer/config.ts over small fixed inputs with literal expected output (issue 19: every mutant
 * of the module must fail a test). Pure and fast: no Pulumi, no real PgBouncer. The SCRAM and salt vectors were
 * computed independently with Python's hashlib/hmac (pbkdf2_hmac sha256, 32 bytes), not with the code under test.
 */
import { describe, expect, it } from "vitest";
import {
  compareVersions,
  defaultReservedConnections,
  derivedSalt,
  fileDescriptorLimit,
  maxDbConnections,
  parseIni,
  PGBOUNCER_DEFAULTS,
  PGBOUNCER_INI_PATH,
  PGBOUNCER_VERSION,
  pgbouncerCommand,
  renderPgbouncerIni,
  renderUserlist,
  scramSha256Secret,
  USERLIST_PATH,
} from "../components/k8s/pgbouncer/config";

const DB = { name: "app", host: "db.internal", port: 5432 };
const render = (over: Partial<Parameters<typeof renderPgbouncerIni>[0]> = {}) => renderPgbouncerIni({ databases: [DB], maxDbConnections: 40, ...over });

describe("constants", () => {
  it("pins PgBouncer 1.25.2 and mounts the ini and the userlist where the pod expects them", () => {
    expect(PGBOUNCER_VERSION).toBe("1.25.2");
    expect(PGBOUNCER_INI_PATH).toBe("/etc/pgbouncer/pgbouncer.ini");
    expect(USERLIST_PATH).toBe("/etc/pgbouncer-auth/userlist.txt");
    expect(PGBOUNCER_DEFAULTS).toEqual({
      pool_mode: "transaction",
      max_client_conn: 10000,
      default_pool_size: 25,
      reserve_pool_size: 5,
      reserve_pool_timeout: 3,
      server_lifetime: 3600,
      server_idle_timeout: 600,
      log_connections: 1,
      log_disconnections: 1,
      stats_period: 60,
      max_prepared_statements: 200,
    });
  });
});

describe("renderPgbouncerIni: the whole file", () => {
  it("renders the production ini with the defaults, line for line", () => {
    expect(render()).toBe(
      [
        "; Rendered by components/k8s/pgbouncer/config.ts for PgBouncer 1.25.2. Credentials live in /etc/pgbouncer-auth/userlist.txt (a Secret).",
        "[databases]",
        "app = host=db.internal port=5432 dbname=app",
        "",
        "[pgbouncer]",
        "listen_addr = 0.0.0.0",
        "listen_port = 6432",
        "unix_socket_dir = ",
        "auth_type = scram-sha-256",
        "auth_file = /etc/pgbouncer-auth/userlist.txt",
        "stats_users = ",
        "pool_mode = transaction",
        "max_client_conn = 10000",
        "default_pool_size = 25",
        "reserve_pool_size = 5",
        "reserve_pool_timeout = 3",
        "max_db_connections = 40",
        "server_lifetime = 3600",
        "server_idle_timeout = 600",
        "server_tls_sslmode = require",
        "max_prepared_statements = 200",
        "ignore_startup_parameters = extra_float_digits",
        "log_connections = 1",
        "log_disconnections = 1",
        "stats_period = 60",
        "",
      ].join("\n"),
    );
  });

  it("takes every override: address, port, auth file, stats users, settings, TLS mode, version, several databases", () => {
    const ini = renderPgbouncerIni({
      databases: [DB, { name: "app_read", host: "r1.internal,r2.internal", port: 5433, dbname: "app" }],
      maxDbConnections: 7,
      listenAddr: "127.0.0.1",
      listenPort: 7432,
      authFile: "/tmp/users.txt",
      statsUsers: ["exporter", "ops"],
      settings: {
        pool_mode: "session",
        max_client_conn: 50,
        default_pool_size: 4,
        reserve_pool_size: 0,
        reserve_pool_timeout: 9,
        server_lifetime: 11,
        server_idle_timeout: 12,
        log_connections: 0,
        log_disconnections: 0,
        stats_period: 13,
        max_prepared_statements: 0,
      },
      serverTlsSslmode: "disable",
      version: "1.21",
    });
    expect(ini).toBe(
      [
        "; Rendered by components/k8s/pgbouncer/config.ts for PgBouncer 1.21. Credentials live in /tmp/users.txt (a Secret).",
        "[databases]",
        "app = host=db.internal port=5432 dbname=app",
        "app_read = host=r1.internal,r2.internal port=5433 dbname=app",
        "",
        "[pgbouncer]",
        "listen_addr = 127.0.0.1",
        "listen_port = 7432",
        "unix_socket_dir = ",
        "auth_type = scram-sha-256",
        "auth_file = /tmp/users.txt",
        "stats_users = exporter,ops",
        "pool_mode = session",
        "max_client_conn = 50",
        "default_pool_size = 4",
        "reserve_pool_size = 0",
        "reserve_pool_timeout = 9",
        "max_db_connections = 7",
        "server_lifetime = 11",
        "server_idle_timeout = 12",
        "server_tls_sslmode = disable",
        "max_prepared_statements = 0",
        "ignore_startup_parameters = extra_float_digits",
        "log_connections = 0",
        "log_disconnections = 0",
        "stats_period = 13",
        "",
      ].join("\n"),
    );
  });

  it("writes max_prepared_statements from PgBouncer 1.21.0 on, never before", () => {
    const has = (version: string) => render({ version }).includes("\nmax_prepared_statements = 200\n");
    expect(has("1.21.0")).toBe(true);
    expect(has("1.21")).toBe(true);
    expect(has("1.21.1")).toBe(true);
    expect(has("2.0")).toBe(true);
    expect(has("1.20.9")).toBe(false);
    expect(has("1.20")).toBe(false);
    expect(has("1.18.0")).toBe(false);
    expect(has("0.99.99")).toBe(false);
  });
});

describe("renderPgbouncerIni: validation", () => {
  it("accepts versions like 1.25 and 10.20.30, rejects anything else", () => {
    for (const version of ["1.25", "1.25.1", "10.20.30"]) expect(() => render({ version }), version).not.toThrow();
    for (const version of ["1", "1.25.1.2", "v1.25.1", "1.25.1-rc1", "1.x", "a.b", " 1.25", ""]) {
      expect(() => render({ version }), version).toThrow(`renderPgbouncerIni: version ${JSON.stringify(version)} must look like 1.25.1`);
    }
  });

  it("requires at least one database", () => {
    expect(() => render({ databases: [] })).toThrow("renderPgbouncerIni: databases is empty; expected at least one { name, host, port }");
  });

  it("takes database, dbname and stats user names of letters, digits, _ . - (not starting with . or -)", () => {
    for (const name of ["a", "_x", "9db", "Ab-c.d_9", "ZZ"]) {
      expect(() => render({ databases: [{ ...DB, name }] }), name).not.toThrow();
      expect(() => render({ databases: [{ ...DB, dbname: name }] }), name).not.toThrow();
      expect(() => render({ statsUsers: [name] }), name).not.toThrow();
    }
    for (const name of ["", "-db", ".db", "db x", "db;x", "db=x", "x\ny", "é"]) {
      expect(() => render({ databases: [{ ...DB, name }] }), name).toThrow(`renderPgbouncerIni: database name ${JSON.stringify(name)} must match /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/`);
      expect(() => render({ databases: [{ ...DB, dbname: name }] }), name).toThrow(`renderPgbouncerIni: dbname ${JSON.stringify(name)} must match /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/`);
      expect(() => render({ statsUsers: ["ok", name] }), name).toThrow(`renderPgbouncerIni: stats user ${JSON.stringify(name)} must match /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/`);
    }
  });

  it("takes host names, IPv4 and IPv6 addresses, several joined by commas; rejects anything else", () => {
    for (const host of ["h", "db-1.example.com", "10.0.0.1", "::1", "fd00::a:1", "a_b", "r1,r2,r3"]) {
      expect(() => render({ databases: [{ ...DB, host }] }), host).not.toThrow();
    }
    for (const host of ["", "h x", "a,", ",a", "a,,b", "h/x", "h;x", "x\ny", "h\u00e9"]) {
      expect(() => render({ databases: [{ ...DB, host }] }), host).toThrow(
        `renderPgbouncerIni: host ${JSON.stringify(host)} of database app must be a host name or IP address, or several joined by commas`,
      );
    }
  });

  it("checks the port of every database, not only the first", () => {
    expect(() => render({ databases: [DB, { name: "b", host: "h", port: 0 }] })).toThrow("renderPgbouncerIni: port of database b must be an integer >= 1; got 0");
    expect(() => render({ databases: [{ ...DB, port: 1.5 }] })).toThrow("renderPgbouncerIni: port of database app must be an integer >= 1; got 1.5");
    expect(() => render({ databases: [{ ...DB, port: 1 }] })).not.toThrow();
  });

  it("requires maxDbConnections and the pool settings to be integers >= 1, exactly at 1 accepted", () => {
    expect(() => render({ maxDbConnections: 0 })).toThrow("renderPgbouncerIni: maxDbConnections must be an integer >= 1; got 0");
    expect(() => render({ maxDbConnections: 1 })).not.toThrow();
    for (const key of ["max_client_conn", "default_pool_size", "reserve_pool_timeout", "server_lifetime", "server_idle_timeout", "stats_period"] as const) {
      expect(() => render({ settings: { [key]: 0 } }), key).toThrow(`renderPgbouncerIni: ${key} must be an integer >= 1; got 0`);
      expect(() => render({ settings: { [key]: 2.5 } }), key).toThrow(`renderPgbouncerIni: ${key} must be an integer >= 1; got 2.5`);
      expect(() => render({ settings: { [key]: 1 } }), key).not.toThrow();
    }
  });

  it("allows 0 (but not less) reserve connections and prepared statements", () => {
    for (const key of ["reserve_pool_size", "max_prepared_statements"] as const) {
      expect(() => render({ settings: { [key]: 0 } }), key).not.toThrow();
      expect(() => render({ settings: { [key]: -1 } }), key).toThrow(`renderPgbouncerIni: ${key} must be an integer >= 0; got -1`);
      expect(() => render({ settings: { [key]: 0.5 } }), key).toThrow(`renderPgbouncerIni: ${key} must be an integer >= 0; got 0.5`);
    }
  });
});

describe("compareVersions", () => {
  it("orders dotted versions numerically, missing parts counting as 0, answering -1, 0 or 1", () => {
    expect(compareVersions("1.21.0", "1.21.0")).toBe(0);
    expect(compareVersions("1.21", "1.21.0")).toBe(0);
    expect(compareVersions("1.21.0", "1.21")).toBe(0);
    expect(compareVersions("1.21.1", "1.21")).toBe(1);
    expect(compareVersions("1.21", "1.21.1")).toBe(-1);
    expect(compareVersions("1.30.0", "1.21.0")).toBe(1);
    expect(compareVersions("1.9.0", "1.21.0")).toBe(-1);
    expect(compareVersions("2.0", "1.99.99")).toBe(1);
    expect(compareVersions("1.2.3", "1.2.9")).toBe(-1);
  });
});

describe("parseIni", () => {
  it("reads sections and trimmed key = value pairs, the value running to the end of the line", () => {
    expect(parseIni("[databases]\n  app = host=h port=1 dbname=app  \n[pgbouncer]\nlisten_port=6432\nempty =\n")).toEqual({
      databases: { app: "host=h port=1 dbname=app" },
      pgbouncer: { listen_port: "6432", empty: "" },
    });
  });

  it("skips blank lines, ; and # comments (indented too) and lines without =", () => {
    expect(parseIni("\n; a = 1\n  # b = 2\n   ; c = 3\n[s]\n\n   \nno equals sign\nk = v\n# d = 4")).toEqual({ s: { k: "v" } });
  });

  it("keeps a section without keys, merges a repeated section, and files keys before any section under ''", () => {
    expect(parseIni("top = 1\n[a]\nx = 1\n[b]\n[a]\ny = 2")).toEqual({ "": { top: "1" }, a: { x: "1", y: "2" }, b: {} });
  });

  it("takes a line as a section header only when it is wholly [name]", () => {
    expect(parseIni("[s]\nk = [v]\n[t] x = 1\n[]\n  [u]  ")).toEqual({ s: { k: "[v]", "[t] x": "1" }, u: {} });
    expect(parseIni("[s]\nx[y] = 1")).toEqual({ s: { "x[y]": "1" } });
  });

  it("files a line starting with = under the empty key (its = is at 0, not missing)", () => {
    expect(parseIni("[s]\n= v")).toEqual({ s: { "": "v" } });
  });
});

describe("maxDbConnections", () => {
  it("reserves max(10, ceil(10%)) of max_connections", () => {
    expect([50, 100, 101, 109, 110, 1000].map(defaultReservedConnections)).toEqual([10, 10, 11, 11, 11, 100]);
  });

  it("shares what is left over the replicas plus one being replaced, rounding down", () => {
    // 1000 - 100 reserved = 900 over 3 + 1 pods.
    expect(maxDbConnections({ databaseMaxConnections: 1000, replicas: 3 })).toBe(225);
    // 134 - 14 reserved = 120 over 4 pods: exactly one pool of 25 + 5 each.
    expect(maxDbConnections({ databaseMaxConnections: 134, replicas: 3 })).toBe(30);
    // 1003 - 101 reserved = 902 over 4 pods = 225.5.
    expect(maxDbConnections({ databaseMaxConnections: 1003, replicas: 3 })).toBe(225);
  });

  it("fails one connection below a full pool per pod", () => {
    // 133 - 14 = 119 over 4 pods = 29.75, under 30.
    expect(() => maxDbConnections({ databaseMaxConnections: 133, replicas: 3 })).toThrow(
      "PgBouncer pool sizing: 4 pods (3 replicas + 1 being replaced) x 30 server connections each (default_pool_size + reserve_pool_size) = 120 " +
        "do not fit in the database's max_connections 133 minus 14 reserved for superuser, replication and monitoring (119 available); " +
        "raise database.maxConnections, or lower pgbouncer.replicas or the pool size",
    );
  });

  it("takes the surge pods, the reserve and the pool sizes when given", () => {
    expect(maxDbConnections({ databaseMaxConnections: 100, replicas: 2, surgePods: 0, reservedConnections: 0 })).toBe(50);
    expect(maxDbConnections({ databaseMaxConnections: 200, replicas: 2, surgePods: 2, reservedConnections: 20 })).toBe(45);
    expect(maxDbConnections({ databaseMaxConnections: 100, replicas: 2, reservedConnections: 10, defaultPoolSize: 20, reservePoolSize: 10 })).toBe(30);
    expect(() => maxDbConnections({ databaseMaxConnections: 100, replicas: 2, reservedConnections: 10, defaultPoolSize: 21, reservePoolSize: 10 })).toThrow(
      "PgBouncer pool sizing: 3 pods (2 replicas + 1 being replaced) x 31 server connections each (default_pool_size + reserve_pool_size) = 93 " +
        "do not fit in the database's max_connections 100 minus 10 reserved for superuser, replication and monitoring (90 available); ",
    );
    expect(() => maxDbConnections({ databaseMaxConnections: 100, replicas: 2, reservedConnections: 10, defaultPoolSize: 20, reservePoolSize: 11 })).toThrow(
      "3 pods (2 replicas + 1 being replaced) x 31 server connections each",
    );
  });

  it("rejects non-integer or too small numbers, naming them", () => {
    const ok = { databaseMaxConnections: 1000, replicas: 3 };
    expect(() => maxDbConnections({ ...ok, databaseMaxConnections: 0 })).toThrow("PgBouncer pool sizing: databaseMaxConnections must be an integer >= 1; got 0");
    expect(() => maxDbConnections({ ...ok, databaseMaxConnections: 999.5 })).toThrow("PgBouncer pool sizing: databaseMaxConnections must be an integer >= 1; got 999.5");
    expect(() => maxDbConnections({ ...ok, replicas: 0 })).toThrow("PgBouncer pool sizing: replicas must be an integer >= 1; got 0");
    expect(() => maxDbConnections({ ...ok, replicas: 1 })).not.toThrow();
    expect(() => maxDbConnections({ ...ok, surgePods: -1 })).toThrow("PgBouncer pool sizing: surgePods must be an integer >= 0; got -1");
    expect(() => maxDbConnections({ ...ok, reservedConnections: -1 })).toThrow("PgBouncer pool sizing: reservedConnections must be an integer >= 0; got -1");
  });
});

describe("the open-files limit and the container command", () => {
  it("adds 128 files to the client and server connections", () => {
    expect(fileDescriptorLimit(100, 20)).toBe(248);
    expect(fileDescriptorLimit(0, 0)).toBe(128);
  });

  it("raises the soft limit unless unlimited or high enough, or exits saying why, then execs PgBouncer", () => {
    expect(pgbouncerCommand("/etc/p.ini", 4096)).toEqual([
      "/bin/sh",
      "-c",
      [
        "want=4096",
        "have=$(ulimit -n)",
        'if [ "$have" != unlimited ] && [ "$have" -lt "$want" ]; then',
        '  ulimit -n "$want" || { echo "pgbouncer: cannot raise the open-files limit from $have to $want (hard limit $(ulimit -Hn)); max_client_conn needs it" >&2; exit 1; }',
        "fi",
        "exec pgbouncer /etc/p.ini",
      ].join("\n"),
    ]);
  });
});

describe("renderUserlist", () => {
  const SECRET = "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=";

  it("writes one quoted line per user, plain passwords and SCRAM secrets alike", () => {
    expect(renderUserlist([{ user: "app", password: "pw" }, { user: "exporter", scramSecret: SECRET }, { user: 'a"b', password: '""' }])).toBe(
      `"app" "pw"\n"exporter" "${SECRET}"\n"a""b" """"""\n`,
    );
  });

  it("rejects empty or multi-line user names and passwords, and a user listed twice", () => {
    expect(() => renderUserlist([])).toThrow("renderUserlist: users is empty; expected at least one user");
    for (const user of ["", "a\rb", "a\nb", "a\0b"]) {
      expect(() => renderUserlist([{ user, password: "pw" }]), JSON.stringify(user)).toThrow(`renderUserlist: user name ${JSON.stringify(user)} must be non-empty and on one line`);
    }
    for (const password of ["", "a\rb", "a\nb", "a\0b"]) {
      expect(() => renderUserlist([{ user: "u", password }]), JSON.stringify(password)).toThrow('renderUserlist: the password of "u" must be non-empty and on one line');
      expect(() => renderUserlist([{ user: "u", scramSecret: password }]), JSON.stringify(password)).toThrow('renderUserlist: the password of "u" must be non-empty and on one line');
    }
    expect(() => renderUserlist([{ user: "a", password: "x" }, { user: "b", password: "x" }, { user: "a", scramSecret: SECRET }])).toThrow('renderUserlist: user "a" is listed twice');
  });

  it("takes only whole SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> secrets as scramSecret", () => {
    expect(renderUserlist([{ user: "u", scramSecret: "SCRAM-SHA-256$1:a$b:c" }])).toBe('"u" "SCRAM-SHA-256$1:a$b:c"\n');
    // A plain password may look like anything.
    expect(renderUserlist([{ user: "u", password: "md5abc" }])).toBe('"u" "md5abc"\n');
    const bad = [
      "md5abc",
      `x${SECRET}`,
      `${SECRET}!`,
      SECRET.replace("SCRAM-SHA-256", "SCRAM-SHA-1"),
      SECRET.replace("$4096:", "$:"),
      SECRET.replace("$4096:", "$40x6:"),
      SECRET.replace("$4096:", "$4096"),
      SECRET.replace("W22ZaJ0SNY7soEsUEjb6gQ==", ""),
      SECRET.replace("W22ZaJ0SNY7soEsUEjb6gQ==", "W22Z!"),
      SECRET.replace("$WG5d8", "WG5d8"),
      SECRET.replace("WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=", ""),
      SECRET.replace("WG5d8oPm3", "WG5d8o!m3"),
      SECRET.replace("=:wfPL", "=wfPL"),
      SECRET.replace("wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=", ""),
      SECRET.replace("wfPLwcE6n", "wfPL!cE6n"),
    ];
    for (const scramSecret of bad) {
      expect(() => renderUserlist([{ user: "u", scramSecret }]), scramSecret).toThrow('renderUserlist: scramSecret of "u" is not a SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey> secret');
    }
  });
});

describe("SCRAM-SHA-256 secrets", () => {
  it("matches an independent computation (RFC 7677's pencil and salt, 4096 iterations by default)", () => {
    const salt = Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64");
    expect(scramSha256Secret("pencil", salt)).toBe(
      "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
    );
  });

  it("uses the given iteration count", () => {
    expect(scramSha256Secret("pencil", Buffer.alloc(16, 7), 2)).toBe(
      "SCRAM-SHA-256$2:BwcHBwcHBwcHBwcHBwcHBw==$iPSa2v/CEM+l946ubuVygSkGEEMVPNAEldv4WjAyDR4=:rTWWX1X6enDYO8XAf5GXhRi9IvgsZA9SA/YSoita9NY=",
    );
  });

  it("takes only non-empty printable ASCII passwords and salts of at least 16 bytes", () => {
    const salt = Buffer.alloc(16, 7);
    for (const password of ["", "p\u00e9ncil", "pencil\n", "\npencil", "pen\tcil", "pen\x7fcil"]) {
      expect(() => scramSha256Secret(password, salt, 1), JSON.stringify(password)).toThrow("scramSha256Secret: password must be non-empty printable ASCII");
    }
    expect(() => scramSha256Secret(" ~", salt, 1)).not.toThrow();
    expect(() => scramSha256Secret("pencil", Buffer.alloc(15), 1)).toThrow("scramSha256Secret: salt must be at least 16 bytes; got 15");
    expect(() => scramSha256Secret("pencil", Buffer.alloc(16), 1)).not.toThrow();
  });

  it("derives a stable 16-byte salt per user and password (HMAC-SHA-256, independently computed)", () => {
    expect(derivedSalt("app", "s3cret-pw").toString("hex")).toBe("b5bd32f2412d1d5e88431b6445bd1ef7");
  });
});
