/**
 * What `npm run mutate` mutates, and which suites must catch it: one Stryker run per group (tools/mutate.ts).
 * A group is a set of modules with the suites that test them; the TypeScript checker of its run sees only the
 * group's modules (and what they import), and each mutant runs only the group's suites. Keep the suites pure
 * (no whole-program run in them): a static mutant (a module-level table) re-runs every suite of its group.
 */
export interface MutationGroup {
  /** Short name: `npm run mutate -- <name>`, and the report's file name. */
  name: string;
  /** Modules where every mutation must be caught. */
  modules: string[];
  /** The suites run against each mutant. */
  suites: string[];
}

const POLICY_MODULES = ["security", "iam", "secrets", "cidr", "network-data", "kubernetes", "cost", "kit", "thresholds", "platform", "versions"];

export const MUTATION_GROUPS: MutationGroup[] = [
  // Every mutant of the table is static: its suite imports nothing beyond the table, so each re-run is quick.
  { name: "tiers", modules: ["infra/tiers.ts"], suites: ["test/tiers-mutants.test.ts"] },
  {
    name: "config",
    modules: ["infra/config.ts"],
    suites: ["test/config-mutants.test.ts", "test/config-fields-mutants.test.ts", "test/config.test.ts", "test/config-meaning.test.ts", "test/app-contract-config.test.ts"],
  },
  { name: "cost", modules: ["cost/prices.ts", "cost/estimate.ts"], suites: ["test/independent-values.test.ts", "test/cost-estimate-mutants.test.ts"] },
  {
    name: "rehearsal",
    modules: ["scheduling", "storage", "references", "reachability", "capacity"].map((m) => `rehearsal/rules/${m}.ts`),
    suites: ["test/rehearsal-rules-mutants.test.ts", "test/rehearsal-reachability-mutants.test.ts"],
  },
  {
    name: "policy",
    modules: POLICY_MODULES.map((m) => `policy/${m}.ts`),
    suites: [
      "test/policy-security.test.ts", "test/policy-security-mutants.test.ts", "test/policy-iam.test.ts", "test/policy-iam-mutants.test.ts",
      "test/policy-secrets.test.ts", "test/policy-secrets-mutants.test.ts", "test/policy-cidr-mutants.test.ts",
      "test/policy-network-data.test.ts", "test/policy-network-data-mutants.test.ts", "test/policy-kubernetes.test.ts",
      "test/policy-kubernetes-mutants.test.ts", "test/policy-k8s-hardening.test.ts", "test/policy-cost.test.ts", "test/policy-cost-mutants.test.ts",
      "test/policy-kit-mutants.test.ts", "test/policy-thresholds-mutants.test.ts", "test/policy-platform-mutants.test.ts",
      "test/policy-versions-mutants.test.ts", "test/policy-branches.test.ts",
    ],
  },
  {
    name: "renderers",
    modules: ["components/k8s/pgbouncer/config.ts", "components/observability/prometheus-rules.ts", "components/observability/dashboards.ts"],
    suites: ["test/pgbouncer-config-mutants.test.ts", "test/prometheus-rules-mutants.test.ts", "test/dashboards-mutants.test.ts"],
  },
  { name: "plan-report", modules: ["tools/plan-report.ts"], suites: ["test/plan-report-mutants.test.ts"] },
];
