/**
 * `npm run bench`: for each tier, the number of resources the program registers and the time to evaluate it
 * under the mock engine, next to the floor measured in the same process: importing the Pulumi SDK packages.
 */
import { performance } from "node:perf_hooks";

const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5);
/** Comma-separated tiers to run (default all); the smoke test runs one. */
const ONLY_TIERS = process.env.BENCH_TIERS?.split(",").map((t) => t.trim()).filter(Boolean);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main() {
  if (!Number.isInteger(ITERATIONS) || ITERATIONS < 1) throw new Error(`BENCH_ITERATIONS must be an integer >= 1, got ${JSON.stringify(process.env.BENCH_ITERATIONS)}`);
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

  const unknownTiers = (ONLY_TIERS ?? []).filter((t) => !(TIER_NAMES as readonly string[]).includes(t));
  if (unknownTiers.length > 0) throw new Error(`BENCH_TIERS: unknown tier ${unknownTiers.join(", ")}; known: ${TIER_NAMES.join(", ")}`);
  const base = readStackFile("staging");
  console.log(`floor: importing the Pulumi SDK packages took ${sdkImportMs.toFixed(0)} ms; the program's own modules ${programImportMs.toFixed(0)} ms more`);
  console.log(`each tier evaluated ${ITERATIONS} times in preview mode (first run is warm-up, excluded)\n`);
  console.log(["tier".padEnd(11), "resources".padStart(9), "median ms".padStart(10), "min ms".padStart(8), "max ms".padStart(8)].join("  "));
  for (const tier of TIER_NAMES.filter((t) => !ONLY_TIERS || ONLY_TIERS.includes(t))) {
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
    console.log([
      tier.padEnd(11),
      String(resources).padStart(9),
      median(times).toFixed(1).padStart(10),
      Math.min(...times).toFixed(1).padStart(8),
      Math.max(...times).toFixed(1).padStart(8),
    ].join("  "));
  }
}

main().then(() => process.exit(0), (err) => {
  console.error(err);
  process.exit(1);
});
