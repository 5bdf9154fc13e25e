import { defineConfig } from "vitest/config";
import base from "./vitest.config.mts";

/**
 * The suites Stryker runs against each mutant (stryker.config.json): the tests of the mutated modules (tier
 * presets and config, cost model, policy rules, renderers, plan report), not the whole suite. Real-program
 * suites (pgbouncer + postgres) and the child-process entry tests stay out: they test other layers and are slow.
 */
const ALL = [
  "test/config.test.ts",
  "test/cost.test.ts",
  "test/golden.test.ts",
  "test/independent-values.test.ts",
  "test/policy-security.test.ts",
  "test/policy-kubernetes.test.ts",
  "test/policy-cost.test.ts",
  "test/policy-branches.test.ts",
  "test/pgbouncer.test.ts",
  "test/pgbouncer-config-mutants.test.ts",
  "test/prometheus-rules.test.ts",
  "test/prometheus-rules-mutants.test.ts",
  "test/observability.test.ts",
  "test/dashboards-mutants.test.ts",
  "test/plan-reports.test.ts",
  "test/plan-report-mutants.test.ts",
  "test/surge.test.ts",
  "test/recovery.test.ts",
];

// MUTATE_TESTS=test/a.test.ts,test/b.test.ts narrows the suites for a run over one module
// (e.g. `MUTATE_TESTS=test/plan-reports.test.ts npm run mutate -- --mutate tools/plan-report.ts`).
const only = process.env.MUTATE_TESTS?.split(",").map((f) => f.trim()).filter(Boolean);

// The settings of the base's "suites" project (pool, timeouts, env, setup file, shared runs), without `projects`:
// with projects, vitest ignores a top-level include and each project keeps its own (every suite, and the mocking
// suites that spawn tsx), so MUTATE_TESTS narrowed nothing. Not mergeConfig: it concatenates arrays.
type ProjectTest = { test: Record<string, unknown> & { name?: string } };
const suites = (base.test?.projects as ProjectTest[]).find((p) => p.test.name === "suites")!.test;
const { name: _name, include: _include, exclude: _exclude, ...settings } = suites;
const include = only ?? ALL;

/**
 * Suites that run no whole program and so need no test/setup.ts (it loads tools/program and the Pulumi SDK to share
 * program runs between files: about 20 s on the shared machine, paid again in every mutant's test process).
 */
const PURE = new Set([
  "test/pgbouncer-config-mutants.test.ts",
  "test/prometheus-rules-mutants.test.ts",
  "test/dashboards-mutants.test.ts",
  "test/plan-report-mutants.test.ts",
]);
const setupFiles = include.every((f) => PURE.has(f)) ? [] : settings.setupFiles;

export default defineConfig({ test: { ...settings, setupFiles, include } });
