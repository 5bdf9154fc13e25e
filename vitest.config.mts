import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Files run one after another in a few long-lived processes instead of one process each: the Pulumi SDK
    // is imported once per process, and whole-program runs are shared between files (test/setup.ts). Safe
    // because every run sets the mocks again before it builds (tools/program.ts, test/component-harness.ts):
    // the Pulumi runtime's global state is per process, and nothing else in the suites keeps state between files.
    pool: "forks",
    isolate: false,
    // Two processes (vitest's default on 2 cores is one): the real-program suites mostly wait on their
    // servers, so the other process runs the rest meanwhile.
    maxWorkers: 2,
    setupFiles: ["test/setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // An Output used in a template string throws instead of printing a warning string.
    env: { PULUMI_ERROR_OUTPUT_STRING: "true" },
  },
});
