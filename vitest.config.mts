import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Each file gets its own process: the Pulumi runtime keeps global state per process.
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // An Output used in a template string throws instead of printing a warning string.
    env: { PULUMI_ERROR_OUTPUT_STRING: "true" },
  },
});
