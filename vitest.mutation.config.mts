import { defineConfig } from "vitest/config";
import base from "./vitest.config.mts";

/**
 * The suites Stryker runs against each mutant (stryker.config.json): the tests of the mutated modules (tier
 * presets and config, cost model, policy rules, renderers, plan report), not the whole suite. Real-program
 * suites (pgbouncer + postgres) and the child-process entry tests stay out: they test other layers and are slow.
 */
const ALL = [
  "test/config.test.ts",
  "test/config-meaning.test.ts",
  "test/app-contract-config.test.ts",
  "test/config-mutants.test.ts",
  "test/cost.test.ts",
  "test/cost-estimate-mutants.test.ts",
  "test/golden.test.ts",
  "test/independent-values.test.ts",
  "test/tiers-mutants.test.ts",
  "test/policy-security.test.ts",
  "test/policy-security-mutants.test.ts",
  "test/policy-kubernetes.test.ts",
  "test/policy-cost.test.ts",
  "test/policy-branches.test.ts",
  "test/policy-thresholds-mutants.test.ts",
  "test/policy-versions-mutants.test.ts",
  "test/policy-kit-mutants.test.ts",
  "test/policy-cost-mutants.test.ts",
  "test/policy-k8s-hardening.test.ts",
  "test/policy-kubernetes-mutants.test.ts",
  "test/policy-platform.test.ts",
  "test/policy-platform-mutants.test.ts",
  "test/policy-iam.test.ts",
  "test/policy-iam-mutants.test.ts",
  "test/policy-secrets.test.ts",
  "test/policy-secrets-mutants.test.ts",
  "test/policy-network-data.test.ts",
  "test/policy-network-data-mutants.test.ts",
  "test/policy-cidr-mutants.test.ts",
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
  "test/rehearsal.test.ts",
  "test/rehearsal-rules-mutants.test.ts",
  "test/rehearsal-reachability-mutants.test.ts",
];

// MUTATE_TESTS=test/a.test.ts,test/b.test.ts narrows the suites for a run over one module
// (e.g. `MUTATE_TESTS=test/plan-reports.test.ts npm run mutate -- --mutate tools/plan-report.ts`).
const only = process.env.MUTATE_TESTS?.split(",").map((f) => f.trim()).filter(Boolean);

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
