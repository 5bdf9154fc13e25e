/**
 * What people run besides `pulumi up`: the policy pack as the CLI loads it (policy/index.ts) and `npm run bench`
 * (a child process, as users run it). `npm run plan -- <stack> --json` read from a pipe is in test/cli.test.ts.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it, vi } from "vitest";

// `new PolicyPack` starts the analyzer's gRPC server; record what policy/index.ts hands it instead.
const packs = vi.hoisted(() => [] as { name: string; args: any }[]);
vi.mock("@pulumi/policy", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@pulumi/policy")>()),
  PolicyPack: class {
    constructor(name: string, args: unknown) {
      packs.push({ name, args });
    }
  },
}));

const ROOT = path.resolve(__dirname, "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");
const run = promisify(execFile);
/** Child processes load the SDKs and evaluate the program: minutes on a loaded 2-core runner, not seconds. */
const CHILD_TIMEOUT = 240_000;

describe("policy/index.ts (the pack as `pulumi preview --policy-pack policy` loads it)", () => {
  it("constructs exactly one mandatory pack named finishthisidea-guardrails with every rule", async () => {
    await import("../policy/index");
    const { ALL_RULES } = await import("../policy/rules");
    expect(packs).toHaveLength(1);
    const { name, args } = packs[0];
    expect(name).toBe("finishthisidea-guardrails");
    expect(args.enforcementLevel).toBe("mandatory");
    expect(args.description).toMatch(/^FinishThisIdea guardrails: security .* and cost /);
    expect(args.policies).toEqual(ALL_RULES);
    const names: string[] = args.policies.map((p: { name: string }) => p.name);
    expect(new Set(names).size).toBe(names.length);
    // Rules the guardrails doc and the stacks' pack config name; others may be added, none of these removed.
    expect(names).toEqual(expect.arrayContaining([
      "rds-encrypted", "rds-not-public", "rds-backup-retention", "rds-deletion-protection", "elasticache-encryption",
      "k8s-no-privileged", "k8s-run-as-non-root", "k8s-no-privilege-escalation", "k8s-drop-all-capabilities",
      "k8s-requests-limits", "k8s-readiness-probe", "k8s-image-pinned", "k8s-no-host-access", "k8s-pdb-for-multi-replica",
      "cost-monthly-budget",
    ]));
    for (const p of args.policies) {
      expect(p.description, p.name).toMatch(/\S/);
      expect(["advisory", "mandatory", "remediate", "disabled"], p.name).toContain(p.enforcementLevel);
      expect(typeof (p.validateResource ?? p.validateStack), p.name).toBe("function");
    }
  });

  it("every rule an environment's or a stack's pack config names exists in the pack, with a valid level", async () => {
    const { ALL_RULES } = await import("../policy/rules");
    const names = new Set(ALL_RULES.map((r) => r.name));
    const dir = path.join(ROOT, "policy", "config");
    const files = [
      ...fs.readdirSync(path.join(dir, "environments")).map((f) => path.join("environments", f)),
      ...fs.readdirSync(dir).filter((f) => f.endsWith(".json")),
    ];
    expect(files).toContain(path.join("environments", "production.json"));
    for (const stack of files) {
      const config = JSON.parse(fs.readFileSync(path.join(dir, stack), "utf8")) as Record<string, unknown>;
      for (const [rule, level] of Object.entries(config)) {
        if (rule !== "all") expect(names.has(rule), `${stack}.json names ${rule}`).toBe(true);
        const l = typeof level === "string" ? level : (level as { enforcementLevel?: string }).enforcementLevel;
        if (l !== undefined) expect(["advisory", "mandatory", "remediate", "disabled"], `${stack}.json ${rule}`).toContain(l);
      }
    }
  });
});

describe("npm run bench", () => {
  it("reports the floor, one plan row and one rehearsal row per requested tier, and the pack's time", async () => {
    const { stdout: out } = await run(TSX, ["tools/bench.ts", "--no-suite"], { cwd: ROOT, env: { ...process.env, BENCH_ITERATIONS: "1", BENCH_TIERS: "mvp" } });
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(/^floor: importing the Pulumi SDK packages took \d+ ms \(\d+ ms CPU\)$/);
    const header = lines.findIndex((l) => /^tier\s+resources\s+evaluate ms\s+report ms\s+plan ms\s+ms\/resource\s+x floor\s+CPU x floor$/.test(l));
    expect(header).toBeGreaterThan(0);
    const row = lines[header + 1].trim().split(/\s+/);
    expect(row[0]).toBe("mvp");
    expect(Number(row[1])).toBeGreaterThan(150);
    expect(row.slice(2).every((n) => /^\d+(\.\d+)?$/.test(n))).toBe(true);
    const rehearsal = lines.findIndex((l) => /^tier\s+checks\s+median ms\s+of eval$/.test(l));
    expect(lines[rehearsal + 1]).toMatch(/^mvp\s+\d+\s+\d+\.\d\s+\d+\.\d%/);
    expect(lines.at(-1)).toMatch(/^policy pack on the mvp plan: \d+ rules x \d+ resources, median \d+\.\d ms/);
    expect(out).not.toContain("test suite:");
  }, CHILD_TIMEOUT);

  it("refuses a zero iteration count, naming the variable", async () => {
    await expect(run(TSX, ["tools/bench.ts"], { cwd: ROOT, env: { ...process.env, BENCH_ITERATIONS: "0" } })).rejects.toMatchObject({ stderr: expect.stringContaining("BENCH_ITERATIONS must be an integer >= 1") });
  }, CHILD_TIMEOUT);
});
