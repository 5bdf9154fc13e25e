/**
 * Suites that drive real programs (pgbouncer, PostgreSQL, promtool, amtool) run when the program is installed
 * and are reported as skipped, naming the install command, when it is not. Under `CI=true` a missing program
 * fails the run instead: CI (`.ci/run`) installs every one, so a skip there would hide a broken install.
 *
 *   const promtool = requireProgram("promtool", "sudo apt-get install -y prometheus");
 *   promtool.describe("alert rules on a real promtool", () => { ... execFileSync(promtool.path!, [...]) ... });
 *
 * Several programs: `describeIfFound(pgbouncer, initdb)("...", () => ...)` skips when any one is missing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe } from "vitest";

/** The Debian package of each real program, as the command a user runs (.ci/run installs them all). */
export const INSTALL = {
  pgbouncer: "sudo apt-get install -y pgbouncer",
  initdb: "sudo apt-get install -y postgresql",
  promtool: "sudo apt-get install -y prometheus",
  amtool: "sudo apt-get install -y prometheus-alertmanager",
  jq: "sudo apt-get install -y jq",
} as const;

export interface RealProgram {
  name: string;
  /** Absolute path of the executable, undefined when it is not installed. */
  path: string | undefined;
  /** The exact command that installs it, shown when it is missing. */
  installHint: string;
  /**
   * `describe` when the program was found, otherwise a `describe.skip` whose title names the install command.
   * Decided when read (a getter), so a program only combined through `describeIfFound` warns once.
   */
  describe: SuiteDescribe;
}

/** What a real-program suite calls: `describe(title, body)`. */
export type SuiteDescribe = (title: string, body: () => void) => void;

export interface RequireProgramOptions {
  /** Directories searched before PATH, e.g. `/usr/lib/postgresql/15/bin` or `/usr/sbin` (not on a user's PATH). */
  dirs?: string[];
}

/** `CI=true` (or `1`), as GitHub Actions and most CI systems set it. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return /^(true|1)$/i.test(env.CI ?? "");
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first executable `name` in `dirs`, then PATH; undefined when there is none. */
export function findProgram(name: string, dirs: string[] = [], envPath = process.env.PATH ?? ""): string | undefined {
  const search = [...dirs, ...envPath.split(path.delimiter)].filter((d) => d !== "");
  return search.map((d) => path.join(d, name)).find(isExecutable);
}

export function missingMessage(programs: Pick<RealProgram, "name" | "installHint">[]): string {
  return programs.map((p) => `${p.name} not found; install with \`${p.installHint}\``).join("; ");
}

/**
 * `describe` when every program is found. When one is missing: under CI=true throws (the test file fails to
 * load, so the run is red); otherwise returns a `describe.skip` whose title says what to install, and prints
 * the same line to stderr so it shows in the default reporter.
 */
export function describeIfFound(...programs: Pick<RealProgram, "name" | "path" | "installHint">[]): SuiteDescribe {
  const missing = programs.filter((p) => p.path === undefined);
  if (missing.length === 0) return (title, body) => describe(title, body);
  const message = missingMessage(missing);
  if (isCi()) throw new Error(`CI=true requires the real programs: ${message}`);
  console.warn(`skipped: ${message}`);
  return (title, body) => describe.skip(`${title} (skipped: ${message})`, body);
}

/** Looks the program up once (dirs, then PATH) and decides whether its suite runs, skips or fails (CI=true). */
export function requireProgram(name: string, installHint: string, options: RequireProgramOptions = {}): RealProgram {
  const found = findProgram(name, options.dirs);
  const program = { name, path: found, installHint };
  return {
    ...program,
    get describe() {
      return describeIfFound(program);
    },
  };
}

/** Server binaries of the newest PostgreSQL installed the Debian way (`/usr/lib/postgresql/<major>/bin`), newest first. */
export function postgresBinDirs(root = "/usr/lib/postgresql"): string[] {
  const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => /^\d+$/.test(v)) : [];
  return majors.sort((a, b) => Number(b) - Number(a)).map((v) => path.join(root, v, "bin"));
}
