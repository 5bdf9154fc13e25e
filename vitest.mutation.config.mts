import { defineConfig } from "vitest/config";
import base from "./vitest.config.mts";
import { MUTATION_GROUPS } from "./tools/mutation-groups";

/**
 * The suites Stryker runs against each mutant: `npm run mutate` (tools/mutate.ts) sets MUTATE_TESTS to the running
 * group's suites (tools/mutation-groups.ts); without it (a bare `npx stryker run`), every group's suites.
 * Real-program suites and the child-process entry tests stay out: they test other layers and are slow.
 */
const only = process.env.MUTATE_TESTS?.split(",").map((f) => f.trim()).filter(Boolean);
const ALL = [...new Set(MUTATION_GROUPS.flatMap((g) => g.suites))];

// One project, the base's "suites" project (shared runs, no isolation) with its include replaced: the base's
// `projects` must not be carried over, or vitest runs every project's own include (the whole suite, and the
// mocking suites' child processes) whatever ALL or MUTATE_TESTS say. Not mergeConfig: it concatenates arrays.
const { projects, ...rootTest } = base.test ?? {};
const suites = (projects as { test: Record<string, unknown> }[]).find((p) => p.test.name === "suites")!.test;
// test/setup.ts shares whole-program runs between the suites that build programs; it imports the whole program,
// which every mutant run pays again (tens of seconds on a loaded machine). A run over pure suites only skips it.
const PROGRAM_SUITES = ["test/cost.test.ts", "test/golden.test.ts", "test/pgbouncer.test.ts", "test/observability.test.ts", "test/plan-reports.test.ts"];
const include = only ?? ALL;
const setupFiles = include.some((f) => PROGRAM_SUITES.includes(f)) ? suites.setupFiles : [];
export default defineConfig({ test: { ...rootTest, ...suites, name: undefined, include, setupFiles } });
