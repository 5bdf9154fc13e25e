/**
 * `npm run bench [-- --no-suite]`: for each tier (BENCH_TIERS, default all), the number of resources the program registers and the time to
 * build its whole plan (evaluate the program under the mock engine, then cost estimate, policy run and report),
 * beside the floor measured in the same process: importing the Pulumi SDK packages. Then the test suite's time
 * and its slowest files (vitest's own durations, from its JSON report).
 *
 * Wall time is what a developer waits for; CPU time (this process) is printed beside it because it stays
 * comparable on a machine that other jobs are loading.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { ProgramRun } from "./program";
import { UsageError, err, out, runCommand } from "./cli";
import type { CommandIo } from "./plan";

const BENCH_USAGE = "usage: npm run bench [-- --no-suite | --help]";
const BENCH_HELP = `${BENCH_USAGE}

For each tier, the resources the program registers and the time to build its whole plan in preview mode under
the mock engine (medians of BENCH_ITERATIONS runs, default 5, after one warm-up; BENCH_TIERS=mvp,growth picks
tiers), ms per resource and the ratio to the floor measured in the same process (importing the Pulumi SDK
packages); the rehearsal's share of the evaluation; the policy pack on the largest plan built; then the test suite's
wall time and slowest files (skipped with --no-suite).`;

const ROOT = path.join(__dirname, "..");

/** What a run measures: BENCH_ITERATIONS and BENCH_TIERS, and where it prints. */
interface Bench {
  iterations: number;
  tiers?: string[];
  print(text: string): Promise<void>;
}

interface Span {
  wallMs: number;
  cpuMs: number;
}

const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T } & Span> {
  const wall = performance.now();
  const cpu = cpuMs();
  const value = await fn();
  return { value, wallMs: performance.now() - wall, cpuMs: cpuMs() - cpu };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The floor: the SDKs the program imports, loaded before anything of ours. */
async function measureFloor(bench: Bench): Promise<Span> {
  const floor = await timed(async () => {
    await import("@pulumi/pulumi");
    await import("@pulumi/aws");
    await import("@pulumi/kubernetes");
    await import("@pulumi/cloudflare");
    await import("@pulumi/random");
  });
  await bench.print(`floor: importing the Pulumi SDK packages took ${floor.wallMs.toFixed(0)} ms (${floor.cpuMs.toFixed(0)} ms CPU)`);
  return floor;
}

interface Evaluated {
  tier: string;
  run: ProgramRun;
  medianMs: number;
}

/** Each tier's whole plan, BENCH_ITERATIONS times after a warm-up: medians, ms per resource, ratio to the floor. */
async function benchPlans(bench: Bench, floor: Span): Promise<Evaluated[]> {
  const imported = await timed(async () => ({
    stackFile: await import("../infra/stack-file"),
    program: await import("./program"),
    report: await import("./plan-report"),
    tiers: await import("../infra/tiers"),
  }));
  const { stackFile, program, report, tiers } = imported.value;
  await bench.print(`the program's own modules: ${imported.wallMs.toFixed(0)} ms more`);
  await bench.print(`each tier's plan (evaluate + cost + policy + report) built ${bench.iterations} times in preview mode, after one warm-up run; medians\n`);
  const header = ["tier".padEnd(11), "resources".padStart(9), "evaluate ms".padStart(11), "report ms".padStart(9), "plan ms".padStart(8), "ms/resource".padStart(11), "x floor".padStart(7), "CPU x floor".padStart(11)];
  await bench.print(header.join("  "));
  const unknownTiers = (bench.tiers ?? []).filter((t) => !(tiers.TIER_NAMES as readonly string[]).includes(t));
  if (unknownTiers.length > 0) throw new UsageError(`BENCH_TIERS: unknown tier ${unknownTiers.join(", ")}; known: ${tiers.TIER_NAMES.join(", ")}`);
  const base = stackFile.readStackFile("staging");
  const evaluated: Evaluated[] = [];
  for (const tier of tiers.TIER_NAMES.filter((t) => !bench.tiers || bench.tiers.includes(t))) {
    const raw = { values: { ...base.raw.values, tier }, secrets: base.raw.secrets };
    const evaluate: number[] = [];
    const build: number[] = [];
    const plan: number[] = [];
    const planCpu: number[] = [];
    let resources = 0;
    let last: ProgramRun | undefined;
    for (let i = 0; i <= bench.iterations; i++) {
      const run = await timed(() => program.runStack(raw, base.project, `bench-${tier}`, { preview: true }));
      last = run.value;
      const built = await timed(async () => report.buildPlanReport(run.value));
      resources = run.value.resources.length;
      if (i === 0) continue;
      evaluate.push(run.wallMs);
      build.push(built.wallMs);
      plan.push(run.wallMs + built.wallMs);
      planCpu.push(run.cpuMs + built.cpuMs);
    }
    await bench.print([
      tier.padEnd(11),
      String(resources).padStart(9),
      median(evaluate).toFixed(0).padStart(11),
      median(build).toFixed(0).padStart(9),
      median(plan).toFixed(0).padStart(8),
      (median(plan) / resources).toFixed(2).padStart(11),
      (median(plan) / floor.wallMs).toFixed(2).padStart(7),
      (median(planCpu) / floor.cpuMs).toFixed(2).padStart(11),
    ].join("  "));
    evaluated.push({ tier, run: last!, medianMs: median(evaluate) });
  }
  return evaluated;
}

/** Share of the plan the rehearsal may take: at most this fraction of the program's evaluation time. */
const REHEARSAL_BUDGET = 0.1;

/** The rehearsal's median time per tier over the runs just evaluated, against its budget of the evaluation time. */
async function benchRehearsal(bench: Bench, evaluated: Evaluated[]): Promise<void> {
  const { rehearse } = await import("../rehearsal");
  await bench.print(`\nrehearsal (rehearsal/), ${bench.iterations} times per tier (after one warm-up); budget ${REHEARSAL_BUDGET * 100}% of the evaluation time`);
  await bench.print(["tier".padEnd(11), "checks".padStart(6), "median ms".padStart(10), "of eval".padStart(8)].join("  "));
  for (const { tier, run, medianMs } of evaluated) {
    const times: number[] = [];
    let checks = 0;
    for (let i = 0; i <= bench.iterations; i++) {
      const start = performance.now();
      checks = rehearse(run.resources, run.config).checks;
      if (i > 0) times.push(performance.now() - start);
    }
    const share = median(times) / medianMs;
    await bench.print([tier.padEnd(11), String(checks).padStart(6), median(times).toFixed(1).padStart(10), `${(share * 100).toFixed(1)}%`.padStart(8), share > REHEARSAL_BUDGET ? " OVER BUDGET" : ""].join("  "));
  }
}

/**
 * The policy pack's own evaluation of the largest plan just built (enterprise, unless BENCH_TIERS leaves it out):
 * every rule over every resource, in-process, with the production levels; the budget is under 1 s. The first run
 * (cold JIT) is shown apart.
 */
async function benchPolicyPack(bench: Bench, evaluated: Evaluated[]): Promise<void> {
  const { loadPolicyConfig, runPolicies } = await import("./policy-run");
  const { tier, run } = evaluated.reduce((a, b) => (b.run.resources.length > a.run.resources.length ? b : a));
  const { config } = loadPolicyConfig("bench-policy", { environment: "production" });
  const times: number[] = [];
  let rules = 0;
  for (let i = 0; i <= bench.iterations; i++) {
    const start = performance.now();
    const report = runPolicies(run.resources, { config });
    times.push(performance.now() - start);
    rules = report.rules.length;
  }
  const [cold, ...warm] = times;
  await bench.print(`\npolicy pack on the ${tier} plan: ${rules} rules x ${run.resources.length} resources, median ${median(warm).toFixed(1)} ms (min ${Math.min(...warm).toFixed(1)}, max ${Math.max(...warm).toFixed(1)}, first run ${cold.toFixed(1)} ms; budget 1000 ms)`);
}

interface VitestJson {
  startTime: number;
  numTotalTests: number;
  numFailedTests: number;
  numPendingTests: number;
  testResults: { name: string; startTime: number; endTime: number; status: string; assertionResults: unknown[] }[];
}

/** `vitest run` with its JSON reporter into a temp file: the suite's wall time and its slowest files. */
async function benchSuite(bench: Bench, slowest = 10): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-suite-"));
  const out = path.join(dir, "vitest.json");
  try {
    await bench.print("\ntest suite: vitest run (the whole suite, as `npm test`)");
    const started = performance.now();
    const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "vitest", "vitest.mjs"), "run", "--reporter=json", `--outputFile=${out}`], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
    const wallMs = performance.now() - started;
    if (!fs.existsSync(out)) throw new Error(`vitest wrote no report (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
    const report = JSON.parse(fs.readFileSync(out, "utf8")) as VitestJson;
    const files = report.testResults.map((f) => ({ file: path.relative(ROOT, f.name), ms: f.endTime - f.startTime, tests: f.assertionResults.length, status: f.status }));
    await bench.print(`${(wallMs / 1000).toFixed(1)} s wall for ${files.length} files, ${report.numTotalTests} tests (${report.numFailedTests} failed, ${report.numPendingTests} skipped); exit ${r.status}`);
    await bench.print(`slowest files (vitest's duration of each file, including its share of the runs it evaluates first):`);
    for (const f of [...files].sort((a, b) => b.ms - a.ms).slice(0, slowest)) {
      await bench.print(`  ${(f.ms / 1000).toFixed(1).padStart(6)} s  ${f.file} (${f.tests} tests${f.status === "passed" ? "" : `, ${f.status}`})`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const PROCESS_IO: CommandIo = { out, err };

/** The command, with the BENCH_* settings read from `env`; prints through `io` (the tests read it in-process). */
export async function main(argv: string[], io: CommandIo = PROCESS_IO, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    await io.out(BENCH_HELP);
    return 0;
  }
  const unknown = argv.filter((a) => a !== "--no-suite");
  if (unknown.length > 0) throw new UsageError(`unknown argument ${unknown.join(" ")} (set BENCH_ITERATIONS and BENCH_TIERS to change the runs)`);
  const iterations = Number(env.BENCH_ITERATIONS ?? 5);
  if (!Number.isInteger(iterations) || iterations < 1) throw new UsageError(`BENCH_ITERATIONS must be an integer >= 1; got ${JSON.stringify(env.BENCH_ITERATIONS)}`);
  const bench: Bench = {
    iterations,
    tiers: env.BENCH_TIERS?.split(",").map((t) => t.trim()).filter(Boolean),
    print: async (text) => {
      await io.out(text);
    },
  };
  const floor = await measureFloor(bench);
  const evaluated = await benchPlans(bench, floor);
  await benchRehearsal(bench, evaluated);
  await benchPolicyPack(bench, evaluated);
  if (!argv.includes("--no-suite")) await benchSuite(bench);
  return 0;
}

// Run as a command (`tsx tools/bench.ts`); the tests import `main` instead.
if (require.main === module) runCommand(() => main(process.argv.slice(2)), BENCH_USAGE, (e) => `bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
