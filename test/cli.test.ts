/**
 * The command line as a user meets it: stack files that are wrong in every way a file can be (each named, with
 * the exact line printed), paths from the directory the user stands in, usage mistakes, `--help`, and output
 * that arrives whole through a real pipe, with the exit code of the run.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CONFIG_NAMESPACE, ConfigError } from "../infra/config";
import { readProjectName, readStackFile, resolveStackTarget } from "../infra/stack-file";
import { UsageError, invocationDir } from "../tools/cli";
import { parsePlanArgs } from "../tools/plan-args";
import { parsePromoteArgs } from "../tools/promotion";
import { runCommand } from "./harness";

const ROOT = path.join(__dirname, "..");
const TSX = require.resolve("tsx/cli");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-test-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function write(rel: string, content: string | Buffer): string {
  const file = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  return file;
}

function problemOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.join("\n");
    throw e;
  }
  throw new Error("expected a ConfigError");
}

const staging = fs.readFileSync(path.join(ROOT, "Pulumi.staging.yaml"), "utf8");

describe("stack files wrong as files", () => {
  const FILES: [string, string | Buffer, string][] = [
    ["Pulumi.empty.yaml", "", "Pulumi.empty.yaml: is empty; expected a mapping with config: holding finishthisidea:<key>: <value> entries"],
    ["Pulumi.comments.yaml", "# nothing here\n", "Pulumi.comments.yaml: is empty; expected a mapping with config: holding finishthisidea:<key>: <value> entries"],
    ["Pulumi.list.yaml", "- a\n- b\n", "Pulumi.list.yaml: is a list at the top level; expected a mapping with config: holding finishthisidea:<key>: <value> entries"],
    ["Pulumi.noconfig.yaml", "secretsprovider: passphrase\n", "Pulumi.noconfig.yaml: has no config: key (top-level keys: secretsprovider); expected a mapping with config: holding finishthisidea:<key>: <value> entries"],
    ["Pulumi.configlist.yaml", "config:\n  - finishthisidea:tier: mvp\n", "Pulumi.configlist.yaml: config: is a list; expected a mapping of finishthisidea:<key>: <value> entries"],
    ["Pulumi.bare.yaml", "config:\n  tier: mvp\n", "Pulumi.bare.yaml: key \"tier\" has no namespace; write it as finishthisidea:tier"],
    ["Pulumi.otherns.yaml", "config:\n  myproject:tier: mvp\n  aws:region: us-east-1\n", 'Pulumi.otherns.yaml: myproject:tier is in namespace "myproject", but this project (Pulumi.yaml name:) is "finishthisidea"; write it as finishthisidea:tier'],
    ["Pulumi.binary.yaml", Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x00, 0x01]), "Pulumi.binary.yaml: is not a text file (binary content); expected a YAML file"],
    ["Pulumi.latin1.yaml", Buffer.from("config:\n  finishthisidea:costCenter: caf\xe9\n", "latin1"), "Pulumi.latin1.yaml: is not a text file (binary content); expected a YAML file"],
    ["Pulumi.yamlerror.yaml", "config:\n  finishthisidea:tier: mvp\n finishthisidea:domain: x\n", "Pulumi.yamlerror.yaml: is not valid YAML: All mapping items must start at the same column at line 3, column 1"],
    ["Pulumi.dupes.yaml", "config: {finishthisidea:tier: mvp, finishthisidea:tier: growth}\n", "Pulumi.dupes.yaml: is not valid YAML: Map keys must be unique at line 1, column 36"],
    ["Pulumi.providersonly.yaml", "config:\n  aws:region: us-east-1\n", "Pulumi.providersonly.yaml: sets no finishthisidea:* keys (found aws:region); expected at least finishthisidea:tier, finishthisidea:domain and the other required keys (README, config keys)"],
    ["Pulumi.secure.yaml", "config:\n  finishthisidea:domain:\n    secure: AAAB\n", "Pulumi.secure.yaml: finishthisidea:domain is encrypted, but only cloudflareApiToken, kubeconfig, openaiApiKey, anthropicApiKey, slackWebhookUrl, pagerdutyRoutingKey may be secrets"],
  ];
  it.each(FILES)("%s", (name, content, expected) => {
    write(name, content);
    expect(problemOf(() => readStackFile(name, { from: tmp }))).toBe(expected);
  });

  it("reads the namespace from Pulumi.yaml and refuses one without a name", () => {
    expect(readProjectName(ROOT)).toBe("finishthisidea");
    expect(CONFIG_NAMESPACE).toBe(readProjectName(ROOT));
    const project = path.join(tmp, "noname");
    write("noname/Pulumi.yaml", "runtime: nodejs\n");
    expect(problemOf(() => readProjectName(project))).toBe(
      `${path.join(project, "Pulumi.yaml")}: name: is missing; expected the project name (letters, digits, _ . -), which is also the config namespace, e.g. name: finishthisidea`,
    );
    const renamed = path.join(tmp, "renamed");
    write("renamed/Pulumi.yaml", "name: acme\nruntime: nodejs\n");
    write("renamed/Pulumi.dev.yaml", staging.replaceAll("finishthisidea:", "acme:"));
    const file = readStackFile("dev", { root: renamed });
    expect(file.project).toBe("acme");
    expect(file.raw.values.tier).toBe("mvp");
  });
});

describe("where a stack argument points", () => {
  it("resolves relative paths from the user's directory, .yml included", () => {
    const file = write("deep/dir/Pulumi.mine.yml", staging);
    const read = readStackFile("dir/Pulumi.mine.yml", { from: path.join(tmp, "deep") });
    expect(read.file).toBe(file);
    expect(read.stack).toBe("mine");
    expect(readStackFile("../deep/dir/Pulumi.mine.yml", { from: path.join(tmp, "noname") }).file).toBe(file);
  });

  it("reads a stack name from the project, and says which path is missing from where", () => {
    expect(resolveStackTarget("staging", tmp, ROOT).file).toBe(path.join(ROOT, "Pulumi.staging.yaml"));
    expect(problemOf(() => resolveStackTarget("../Pulumi.prod.yaml", tmp, ROOT))).toBe(
      `../Pulumi.prod.yaml: no such file (looked for ${path.resolve(tmp, "../Pulumi.prod.yaml")}, relative to ${tmp})`,
    );
    expect(problemOf(() => resolveStackTarget("qa", tmp, ROOT))).toBe(`no stack "qa": there is no Pulumi.qa.yaml in ${ROOT} nor a file qa in ${tmp}; known stacks: prod, staging`);
  });

  it("refuses Pulumi.yaml itself and a directory", () => {
    expect(problemOf(() => resolveStackTarget("Pulumi.yaml", ROOT, ROOT))).toBe("Pulumi.yaml: is the project file, not a stack file; name a stack (prod, staging) or a Pulumi.<stack>.yaml file");
    expect(problemOf(() => resolveStackTarget("deep", tmp, ROOT))).toBe(`deep: is a directory (${path.join(tmp, "deep")}); expected a Pulumi.<stack>.yaml file or a stack name`);
  });

  it("takes the user's directory from npm's INIT_CWD only under npm", () => {
    expect(invocationDir({ npm_lifecycle_event: "plan", INIT_CWD: "/home/u/work" }, "/repo")).toBe("/home/u/work");
    expect(invocationDir({ INIT_CWD: "/stale" }, "/here")).toBe("/here");
    expect(invocationDir({}, "/here")).toBe("/here");
  });
});

describe("usage", () => {
  const usage = (argv: string[]) => {
    try {
      parsePlanArgs(argv);
    } catch (e) {
      expect(e).toBeInstanceOf(UsageError);
      return (e as Error).message;
    }
    throw new Error("expected a usage error");
  };
  it("says what is wrong", () => {
    expect(usage(["--diff", "staging"])).toBe("--diff compares two stacks; got 1 (staging)");
    expect(usage(["staging", "--json", "--markdown"])).toBe("--json and --markdown are two output formats: choose one");
    expect(usage([])).toBe("which stack? name one (staging, prod) or the path of a stack file");
    expect(usage(["staging", "prod"])).toBe("one stack at a time; got staging, prod (use --diff to compare two)");
    expect(usage(["staging", "--jsn"])).toBe("unknown option --jsn (see --help)");
  });
  it("parses what is right, --help first", () => {
    expect(parsePlanArgs(["prod", "--json"])).toEqual({ help: false, stacks: ["prod"], diff: false, format: "json" });
    expect(parsePlanArgs(["--diff", "staging", "prod", "--markdown"])).toEqual({ help: false, stacks: ["staging", "prod"], diff: true, format: "markdown" });
    expect(parsePlanArgs(["--diff", "--help"])).toEqual({ help: true });
    expect(parsePromoteArgs(["--help"])).toEqual({ help: true });
  });
});

/** Run a tool as a child with stdout and stderr piped, the way a script or `| jq` reads it. */
function runTool(args: string[], cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, npm_lifecycle_event: undefined, INIT_CWD: undefined };
    const child = spawn(process.execPath, [TSX, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const errs: Buffer[] = [];
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.on("data", (b: Buffer) => errs.push(b));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout: Buffer.concat(out).toString("utf8"), stderr: Buffer.concat(errs).toString("utf8") }));
  });
}

/** JSON.parse that shows where a document broke (stray output on stdout would). */
function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch (err) {
    const at = Number(/position (\d+)/.exec(String(err))?.[1] ?? 0);
    throw new Error(`${String(err)} near ${JSON.stringify(text.slice(Math.max(0, at - 200), at + 200))}`);
  }
}

/** Run plan's `main` in this process from `dir`, as a user outside npm would (npm's INIT_CWD would win otherwise). */
async function planFrom(dir: string, ...argv: string[]) {
  const { main } = await import("../tools/plan");
  const saved = { cwd: process.cwd(), event: process.env.npm_lifecycle_event };
  delete process.env.npm_lifecycle_event;
  process.chdir(dir);
  try {
    return await runCommand(main, ...argv);
  } finally {
    process.chdir(saved.cwd);
    if (saved.event !== undefined) process.env.npm_lifecycle_event = saved.event;
  }
}

describe("through a pipe", () => {
  it("`plan staging --json` delivers one whole JSON document (far beyond a pipe's 64 KiB), shaped as documented, then exits 0", async () => {
    const { code, stdout, stderr } = await runTool([path.join(ROOT, "tools/plan.ts"), "staging", "--json"]);
    expect(stderr).toBe("");
    expect(Buffer.byteLength(stdout)).toBeGreaterThan(64 * 1024);
    const plan = parseJson(stdout);
    // The exit code is the plan's verdict, delivered after the output (not instead of it).
    expect(code).toBe(0);
    expect(Object.keys(plan)).toEqual(["project", "stack", "tier", "primaryRegion", "sizes", "resourceCount", "components", "resources", "cost", "policy", "rehearsal"]);
    expect(plan).toMatchObject({ project: "finishthisidea", stack: "staging", tier: "mvp", primaryRegion: "us-east-1" });

    expect(plan.sizes["api instance type"]).toBe("t3.medium");
    expect(plan.sizes["monthly budget (USD)"]).toBe(1500);
    for (const v of Object.values(plan.sizes)) expect(["string", "number"]).toContain(typeof v);

    const custom = plan.resources.filter((r: { type: string }) => !r.type.startsWith("finishthisidea:"));
    expect(plan.resourceCount).toBe(custom.length);
    expect(plan.resourceCount).toBeGreaterThan(150);
    for (const r of plan.resources) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(["urn", "type", "name", "inputs", "secretInputs", "options"]));
      // provider is absent (dropped by JSON) only where none applies.
      expect(Object.keys(r.options).filter((k) => k !== "provider").sort()).toEqual(["aliases", "deleteBeforeReplace", "dependsOn", "ignoreChanges", "protect", "retainOnDelete"]);
      expect(typeof r.options.protect).toBe("boolean");
    }
    expect(plan.components[0]).toEqual({ name: "finishthisidea", type: "finishthisidea:platform:Platform", counts: expect.any(Object), total: expect.any(Number) });
    for (const c of plan.components) {
      expect(c.total, c.name).toBe(Object.values(c.counts as Record<string, number>).reduce((a, b) => a + b, 0));
    }

    expect(Object.keys(plan.cost).sort()).toEqual(["baseline", "budgetUsd", "byComponent", "hoursPerMonth", "lines", "totalUsd", "unpriced"]);
    expect(plan.cost.hoursPerMonth).toBe(730);
    expect(plan.cost.budgetUsd).toBe(1500);
    expect(plan.cost.totalUsd).toBeCloseTo(plan.cost.lines.reduce((a: number, l: { monthlyUsd: number }) => a + l.monthlyUsd, 0), 1);

    expect(Object.keys(plan.policy).sort()).toEqual(["advisoryViolations", "configSource", "mandatoryViolations", "pack", "rules", "violations"]);
    expect(plan.policy.pack).toBe("finishthisidea-guardrails");
    expect(plan.policy.configSource).toBe("policy/config/environments/staging.json + finishthisidea:waf.enabled (true)");
    expect(plan.policy.mandatoryViolations).toBe(0);
    expect(Object.keys(plan.rehearsal).sort()).toEqual(["assumptions", "checks", "failures", "rules"]);
    expect(plan.rehearsal.failures).toEqual([]);
    expect(plan.rehearsal.checks).toBeGreaterThan(50);
    expect(plan.policy.rules).toContainEqual({ name: "rds-deletion-protection", level: "advisory" });

    // Secrets never reach the JSON: the stack file's placeholder for the token is masked.
    expect(stdout).not.toContain("[secret cloudflareApiToken");
    expect(stdout).toContain('"[secret]"');
  }, 120_000);

  it("resolves a relative path from the user's directory and fails --diff on a side's mandatory violation", async () => {
    // Staging's file declared production: deletion protection, off on the MVP tier, is mandatory there.
    write("piped/Pulumi.unprotected.yaml", staging.replace("finishthisidea:environment: staging", "finishthisidea:environment: production"));
    const { status, stdout, stderr } = await planFrom(path.join(tmp, "piped"), "--diff", "staging", "Pulumi.unprotected.yaml", "--json");
    expect(JSON.parse(stdout).to.stack).toBe("unprotected");
    expect(stderr).toMatch(/^the plan fails for unprotected \([1-9]\d* mandatory policy violations, \d+ rehearsal failures\)/);
    expect(status).toBe(1);
  }, 120_000);

  it("prints --help for every command and exits 0", async () => {
    const tools = ["plan", "promote", "bench"];
    const runs = await Promise.all(tools.map((tool) => runTool([path.join(ROOT, `tools/${tool}.ts`), "--help"])));
    runs.forEach(({ code, stdout }, i) => {
      expect(code, tools[i]).toBe(0);
      expect(stdout, tools[i]).toMatch(new RegExp(`^usage: npm run ${tools[i]}`));
    });
  }, 120_000);
});
