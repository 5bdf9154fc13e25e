import { defineConfig } from "vitest/config";

/** Suites that replace modules with vi.mock: they need a module registry of their own. */
const MOCKING_SUITES = ["test/entry-points.test.ts", "test/entry-points-tools.test.ts"];

const shared = {
  pool: "forks" as const,
  testTimeout: 60_000,
  hookTimeout: 60_000,
  // An Output used in a template string throws instead of printing a warning string.
  env: { PULUMI_ERROR_OUTPUT_STRING: "true" },
};

export default defineConfig({
  test: {
    // Two processes (vitest's default on 2 cores is one): the real-program suites mostly wait on their
    // servers, so the other process runs the rest meanwhile.
    maxWorkers: 2,
    // Transformed modules kept on disk (node_modules/.experimental-vitest-cache, keyed by content) between runs:
    // a re-run skips ~5 s of transforming TypeScript in the main process, which competes with both workers.
    // `npx vitest --clearCache` empties it.
    experimental: { fsModuleCache: true },
    projects: [
      {
        test: {
          ...shared,
          name: "suites",
          include: ["test/**/*.test.ts"],
          exclude: MOCKING_SUITES,
          setupFiles: ["test/setup.ts"],
          globalSetup: ["test/global-setup.ts"],
          // Files run one after another in a few long-lived processes instead of one process each: the Pulumi SDK
          // is imported once per process, and whole-program runs are shared between files (test/setup.ts). Safe
          // because every run sets the mocks again before it builds (tools/program.ts, test/component-harness.ts):
          // the Pulumi runtime's global state is per process, and nothing else in the suites keeps state between files.
          isolate: false,
        },
      },
      // No shared runs here: the setup file would load tools/program.ts (and the real platform) before the mocks.
      { test: { ...shared, name: "mocking", include: MOCKING_SUITES, isolate: true } },
    ],
  },
});
