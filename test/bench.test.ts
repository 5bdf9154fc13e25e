/**
 * `npm run bench`'s report, from its `main` in this process (the runs it evaluates are shared with the other
 * suites); its entry as a command (`--help`, exit codes) is run as a child in test/cli.test.ts.
 */
import { describe, expect, it } from "vitest";
import { main } from "../tools/bench";
import { UsageError } from "../tools/cli";
import { runCommand } from "./harness";

describe("npm run bench", () => {
  it("reports the floor, one plan row and one rehearsal row per requested tier, and the pack's time", async () => {
    const { status, stdout: out, stderr } = await runCommand((argv, io) => main(argv, io, { BENCH_ITERATIONS: "1", BENCH_TIERS: "mvp" }), "--no-suite");
    expect(status).toBe(0);
    expect(stderr).toBe("");
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(/^floor: importing the Pulumi SDK packages took \d+ ms \(\d+ ms CPU\)$/);
    const header = lines.findIndex((l) => /^tier\s+resources\s+evaluate ms\s+report ms\s+plan ms\s+ms\/resource\s+x floor\s+CPU x floor$/.test(l));
    expect(header).toBeGreaterThan(0);
    const row = lines[header + 1].trim().split(/\s+/);
    expect(row[0]).toBe("mvp");
    expect(Number(row[1])).toBeGreaterThan(150);
    expect(row.slice(2).every((n) => /^\d+(\.\d+)?$/.test(n))).toBe(true);
    // One row per requested tier: the next line closes the table.
    expect(lines[header + 2]).toBe("");
    const rehearsal = lines.findIndex((l) => /^tier\s+checks\s+median ms\s+of eval$/.test(l));
    expect(lines[rehearsal + 1]).toMatch(/^mvp\s+\d+\s+\d+\.\d\s+\d+\.\d%/);
    expect(lines.at(-1)).toMatch(/^policy pack on the mvp plan: \d+ rules x \d+ resources, median \d+\.\d ms/);
    expect(out).not.toContain("test suite:");
  });

  it("refuses a zero iteration count, an unknown tier and an unknown argument, naming what is wrong", async () => {
    const bench = (env: NodeJS.ProcessEnv, ...argv: string[]) => runCommand((a, io) => main(a, io, env), ...argv);
    await expect(bench({ BENCH_ITERATIONS: "0" })).rejects.toThrow(new UsageError('BENCH_ITERATIONS must be an integer >= 1; got "0"'));
    await expect(bench({ BENCH_ITERATIONS: "1", BENCH_TIERS: "mvp,huge" }, "--no-suite")).rejects.toThrow(new UsageError("BENCH_TIERS: unknown tier huge; known: mvp, growth, scale, enterprise"));
    await expect(bench({}, "--fast")).rejects.toThrow(new UsageError("unknown argument --fast (set BENCH_ITERATIONS and BENCH_TIERS to change the runs)"));
  });
});
