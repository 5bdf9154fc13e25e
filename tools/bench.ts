/**
 * `npm run bench`: for each tier, the number of resources the program registers and the time to evaluate it
 * under the mock engine, next to the floor measured in the same process: importing the Pulumi SDK packages.
 */
import { performance } from "node:perf_hooks";
import type { ProgramRun } from "./program";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
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
  console.log(`floor: importing the Pulumi SDK packages took ${sdkImportMs.toFixed(0)} ms; the program's own modules ${programImportMs.toFixed(0)} ms more`);
  console.log(`each tier evaluated ${ITERATIONS} times in preview mode (first run is warm-up, excluded)\n`);
  console.log(["tier".padEnd(11), "resources".padStart(9), "median ms".padStart(10), "min ms".padStart(8), "max ms".padStart(8)].join("  "));
  const evaluated: { tier: string; run: ProgramRun; medianMs: number }[] = [];
  for (const tier of TIER_NAMES) {
    const raw = { values: { ...base.raw.values, tier }, secrets: base.raw.secrets };
    const times: number[] = [];
    let resources = 0;
    let last: ProgramRun | undefined;
    for (let i = 0; i <= ITERATIONS; i++) {
      const start = performance.now();
      const run = await runStack(raw, base.project, `bench-${tier}`, { preview: true });
      const elapsed = performance.now() - start;
      resources = run.resources.length;
      last = run;
      if (i > 0) times.push(elapsed);
    }
    evaluated.push({ tier, run: last!, medianMs: median(times) });
    console.log([
      tier.padEnd(11),
      String(resources).padStart(9),
      median(times).toFixed(1).padStart(10),
      Math.min(...times).toFixed(1).padStart(8),
      Math.max(...times).toFixed(1).padStart(8),
    ].join("  "));
  }
  await benchRehearsal(evaluated);
}

/** Share of the plan the rehearsal may take: at most this fraction of the program's evaluation time. */
const REHEARSAL_BUDGET = 0.1;

/** The rehearsal's median time per tier over the run just evaluated, against its budget of the evaluation time. */
async function benchRehearsal(evaluated: { tier: string; run: ProgramRun; medianMs: number }[]) {
  const { rehearse } = await import("../rehearsal");
  console.log(`\nrehearsal (rehearsal/), ${ITERATIONS} times per tier (after one warm-up); budget ${REHEARSAL_BUDGET * 100}% of the evaluation time`);
  console.log(["tier".padEnd(11), "checks".padStart(6), "median ms".padStart(10), "of eval".padStart(8)].join("  "));
  for (const { tier, run, medianMs } of evaluated) {
    const times: number[] = [];
    let checks = 0;
    for (let i = 0; i <= ITERATIONS; i++) {
      const start = performance.now();
      checks = rehearse(run.resources, run.config).checks;
      if (i > 0) times.push(performance.now() - start);
    }
    const share = median(times) / medianMs;
    console.log([tier.padEnd(11), String(checks).padStart(6), median(times).toFixed(1).padStart(10), `${(share * 100).toFixed(1)}%`.padStart(8), share > REHEARSAL_BUDGET ? " OVER BUDGET" : ""].join("  "));
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
