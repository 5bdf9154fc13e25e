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
  "test/policy-security-mutants.test.ts",
  "test/policy-kubernetes.test.ts",
  "test/policy-cost.test.ts",
  "test/policy-branches.test.ts",
  "test/policy-iam.test.ts",
  "test/policy-iam-mutants.test.ts",
  "test/policy-secrets.test.ts",
  "test/policy-secrets-mutants.test.ts",
  "test/policy-network-data.test.ts",
  "test/policy-network-data-mutants.test.ts",
  "test/policy-cidr-mutants.test.ts",
  "test/pgbouncer.test.ts",
  "test/prometheus-rules.test.ts",
  "test/observability.test.ts",
  "test/plan-reports.test.ts",
  "test/surge.test.ts",
  "test/recovery.test.ts",
];

// MUTATE_TESTS=test/a.test.ts,test/b.test.ts narrows the suites for a run over one module
// (e.g. `MUTATE_TESTS=test/plan-reports.test.ts npm run mutate -- --mutate tools/plan-report.ts`).
const only = process.env.MUTATE_TESTS?.split(",").map((f) => f.trim()).filter(Boolean);

// The base config splits the suite into projects, each with its own `include`, which a top-level `include` does not
// narrow (every project's files would run, the real-program suites too). Stryker gets one plain config instead:
// the settings of the base's "suites" project (setup file, shared runs) over the listed files. The mocking suites
// are not in ALL. Not mergeConfig: it concatenates arrays, so the project's test/**/*.test.ts would stay included.
const { projects, ...shared } = base.test ?? {};
const suites = (projects as { test?: { name?: string } }[] | undefined)?.find((p) => p.test?.name === "suites")?.test ?? {};
const { name: _name, exclude: _exclude, ...suiteSettings } = suites as Record<string, unknown>;
// MUTATE_PURE=1 for suites that build no program (the policy rule suites): no setup file, which loads the program
// runner and the Pulumi SDK to share whole-program runs. Every mutant's run re-imports what its files import, so on
// a loaded machine this is ~2 s per mutant instead of ~20 s.
const pure = process.env.MUTATE_PURE === "1" ? { setupFiles: [] } : {};
export default defineConfig({ test: { ...shared, ...suiteSettings, ...pure, include: only ?? ALL } });
