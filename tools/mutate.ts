/**
 * `npm run mutate [-- <group | module>...]`: mutation testing with StrykerJS, one run per group of tools/mutation-groups.ts
 * (all groups by default), then each module's score against `thresholds.break` of stryker.config.json.
 *
 * One run per group, not one run over everything: the TypeScript checker then compiles only the group's modules
 * and what they import (over the whole tsconfig.json, each mutant re-checked every file that depends on the
 * mutated one, which made the checker, not the tests, the bottleneck), and a static mutant (a module-level table)
 * re-runs only its group's suites.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { out, runCommand, UsageError } from "./cli";
import { MUTATION_GROUPS, type MutationGroup } from "./mutation-groups";
import { failingModules, renderScores, scoreModules, type MutantOutcome } from "./mutation-score";
import { writeFileAtomic } from "./stack-files";

const ROOT = path.join(__dirname, "..");
const USAGE = `usage: npm run mutate [-- <group | module>...]   (groups: ${MUTATION_GROUPS.map((g) => g.name).join(", ")})`;
const HELP = `${USAGE}

Runs StrykerJS (stryker.config.json) once per group of tools/mutation-groups.ts, the group's modules mutated and
only its suites run against each mutant, then prints each module's mutation score. A module path (e.g.
policy/iam.ts) runs that module alone with its group's suites. Exit 1 when a module scores
below thresholds.break. Reports: reports/mutation/<group>.html and .json, and reports/mutation/summary.md.`;

/** The checker's tsconfig for the running group: written before each run, removed after (gitignored). */
const GROUP_TSCONFIG = "tsconfig.mutate.json";
const REPORTS = path.join(ROOT, "reports", "mutation");

/** Groups by name, or single modules by path (run with their group's suites); no argument: every group. */
export function selectGroups(argv: string[], groups: MutationGroup[] = MUTATION_GROUPS): MutationGroup[] {
  if (argv.length === 0) return groups;
  const unknown = argv.filter((a) => !groups.some((g) => g.name === a || g.modules.includes(a)));
  if (unknown.length > 0) throw new UsageError(`unknown group or module ${unknown.join(", ")}`);
  return groups
    .map((g) => (argv.includes(g.name) ? g : { ...g, modules: g.modules.filter((m) => argv.includes(m)) }))
    .filter((g) => g.modules.length > 0);
}

/** The part of @stryker-mutator/core used here (its types need a newer moduleResolution than the program's). */
interface StrykerApi {
  Stryker: new (options: Record<string, unknown>) => { runMutationTest(): Promise<MutantOutcome[]> };
}
const STRYKER: string = "@stryker-mutator/core";

async function runGroup(group: MutationGroup): Promise<MutantOutcome[]> {
  const { Stryker } = (await import(STRYKER)) as StrykerApi;
  const tsconfig = path.join(ROOT, GROUP_TSCONFIG);
  writeFileAtomic(tsconfig, `${JSON.stringify({ extends: "./tsconfig.json", include: [], files: group.modules }, null, 2)}\n`);
  // vitest.mutation.config.mts reads the suites from here; Stryker's test runner processes inherit it.
  process.env.MUTATE_TESTS = group.suites.join(",");
  try {
    return await new Stryker({
      mutate: group.modules,
      tsconfigFile: GROUP_TSCONFIG,
      tempDirName: `.stryker-tmp-${group.name}`,
      htmlReporter: { fileName: `reports/mutation/${group.name}.html` },
      jsonReporter: { fileName: `reports/mutation/${group.name}.json` },
      // The verdict is per module, below (Stryker's own break threshold is one score over everything run).
      thresholds: { high: 95, low: 90, break: null },
    }).runMutationTest();
  } finally {
    fs.rmSync(tsconfig, { force: true });
    delete process.env.MUTATE_TESTS;
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    await out(HELP);
    return 0;
  }
  const groups = selectGroups(argv);
  const breakAt = (JSON.parse(fs.readFileSync(path.join(ROOT, "stryker.config.json"), "utf8")) as { thresholds: { break: number } }).thresholds.break;
  const results: MutantOutcome[] = [];
  for (const group of groups) {
    await out(`\n== ${group.name}: ${group.modules.join(", ")} (suites: ${group.suites.join(", ")})`);
    results.push(...(await runGroup(group)));
  }
  const scores = scoreModules(results, groups.flatMap((g) => g.modules), ROOT);
  const summary = renderScores(scores, breakAt);
  fs.mkdirSync(REPORTS, { recursive: true });
  writeFileAtomic(path.join(REPORTS, "summary.md"), `# Mutation scores (${new Date().toISOString()})\n\n${summary}\n`);
  await out(`\n${summary}`);
  return failingModules(scores, breakAt).length > 0 ? 1 : 0;
}

// Run as a command (`tsx tools/mutate.ts`); the tests import selectGroups.
if (require.main === module) runCommand(() => main(process.argv.slice(2)), USAGE, (e) => `mutate failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
