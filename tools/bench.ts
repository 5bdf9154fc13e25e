/**
 * `npm run bench`: for each tier, the number of resources the program registers and the time to evaluate it
 * under the mock engine, next to the floor measured in the same process: importing the Pulumi SDK packages.
 */
import { performance } from "node:perf_hooks";
import { UsageError, out, runCommand } from "./cli";

const BENCH_USAGE = "usage: npm run bench [-- --help]";
const BENCH_HELP = `${BENCH_USAGE}

For each tier, the resources the program registers and the time to evaluate it in preview mode under the mock
engine (median, min, max of BENCH_ITERATIONS runs, default 5, after one warm-up), beside the floor measured in
the same process: importing the Pulumi SDK packages. Config is staging's stack file with each tier in turn.`;

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    await out(BENCH_HELP);
    return 0;
  }
  if (argv.length > 0) throw new UsageError(`bench takes no arguments; got ${argv.join(" ")} (set BENCH_ITERATIONS to change the runs)`);
  // Floor: the SDKs the program imports, loaded before anything of ours.
  const t0 = performance.now();
  await import("@pulumi/pulumi");
  await import("@pulumi/aws");
  await import("@pulumi/kubernetes");
  await import("@pulumi/cloudflare");
  await import("@pulumi/random");
  const sdkImportMs = performance.now() - t0;

  const t1 = performance.now();
  const { readStackFile } = await import("../infra/stack-file");
  const { runStack } = await import("./program");
  const { TIER_NAMES } = await import("../infra/tiers");
  const programImportMs = performance.now() - t1;

  const base = readStackFile("staging");
  // Each line is written (and waited for) as it is measured: complete through a pipe, live on a terminal.
  const print = out;
  await print(`floor: importing the Pulumi SDK packages took ${sdkImportMs.toFixed(0)} ms; the program's own modules ${programImportMs.toFixed(0)} ms more`);
  await print(`each tier evaluated ${ITERATIONS} times in preview mode (first run is warm-up, excluded)\n`);
  await print(["tier".padEnd(11), "resources".padStart(9), "median ms".padStart(10), "min ms".padStart(8), "max ms".padStart(8)].join("  "));
  for (const tier of TIER_NAMES) {
    const raw = { values: { ...base.raw.values, tier }, secrets: base.raw.secrets };
    const times: number[] = [];
    let resources = 0;
    for (let i = 0; i <= ITERATIONS; i++) {
      const start = performance.now();
      const run = await runStack(raw, base.project, `bench-${tier}`, { preview: true });
      const elapsed = performance.now() - start;
      resources = run.resources.length;
      if (i > 0) times.push(elapsed);
    }
    await print([
      tier.padEnd(11),
      String(resources).padStart(9),
      median(times).toFixed(1).padStart(10),
      Math.min(...times).toFixed(1).padStart(8),
      Math.max(...times).toFixed(1).padStart(8),
    ].join("  "));
  }
  await benchPolicyPack();
  return 0;
}

/**
 * The policy pack's own evaluation of the enterprise plan (the largest tier): every rule over every resource,
 * in-process, with the production levels; the budget is under 1 s. The first run (cold JIT) is shown apart.
 */
async function benchPolicyPack(): Promise<void> {
  const { readStackFile } = await import("../infra/stack-file");
  const { runStack } = await import("./program");
  const { loadPolicyConfig, runPolicies } = await import("./policy-run");
  const base = readStackFile("staging");
  const raw = { values: { ...base.raw.values, tier: "enterprise", environment: "production" }, secrets: base.raw.secrets };
  const run = await runStack(raw, base.project, "bench-policy", { preview: true });
  const { config } = loadPolicyConfig("bench-policy", { environment: "production" });
  const times: number[] = [];
  let rules = 0;
  for (let i = 0; i <= ITERATIONS; i++) {
    const start = performance.now();
    const report = runPolicies(run.resources, { config });
    times.push(performance.now() - start);
    rules = report.rules.length;
  }
  const [cold, ...warm] = times;
  console.log(`\npolicy pack on the enterprise plan: ${rules} rules x ${run.resources.length} resources, median ${median(warm).toFixed(1)} ms (min ${Math.min(...warm).toFixed(1)}, max ${Math.max(...warm).toFixed(1)}, first run ${cold.toFixed(1)} ms; budget 1000 ms)`);
}

runCommand(() => main(process.argv.slice(2)), BENCH_USAGE, (e) => `bench failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
