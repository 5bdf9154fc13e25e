/**
 * What people run besides `pulumi up`: the policy pack as the CLI loads it (policy/index.ts), `npm run plan --
 * <stack> --json` read from stdout, and `npm run bench`. The plan and bench run as child processes, as users run them.
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

/** JSON.parse that shows where a document broke (stray output on stdout would). */
function parseJson(text: string): any {
  try {
    return JSON.parse(text);
  } catch (err) {
    const at = Number(/position (\d+)/.exec(String(err))?.[1] ?? 0);
    throw new Error(`${String(err)} near ${JSON.stringify(text.slice(Math.max(0, at - 200), at + 200))}`);
  }
}

describe("npm run plan -- staging --json", () => {
  it("prints one JSON document with the plan's top-level fields, shaped as documented, and exits 0", async () => {
    const { stdout } = await run(TSX, ["tools/plan.ts", "staging", "--json"], { cwd: ROOT, maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: "1" } });
    const plan = parseJson(stdout);
    expect(Object.keys(plan)).toEqual(["project", "stack", "tier", "primaryRegion", "sizes", "resourceCount", "components", "resources", "cost", "policy", "rehearsal"]);
    expect(plan).toMatchObject({ project: "finishthisidea", stack: "staging", tier: "mvp", primaryRegion: "us-east-1" });

    expect(plan.sizes["api instance type"]).toBe("t3.medium");
    expect(plan.sizes["monthly budget (USD)"]).toBe(1500);
    for (const v of Object.values(plan.sizes)) expect(["string", "number"]).toContain(typeof v);

    const custom = plan.resources.filter((r: { type: string }) => !r.type.startsWith("finishthisidea:"));
    expect(plan.resourceCount).toBe(custom.length);
    expect(plan.resourceCount).toBeGreaterThan(150);
    for (const r of plan.resources) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(["urn", "type", "name", "inputs", "secretInputs", "options"]));
      // provider is absent (dropped by JSON) only where none applies.
      expect(Object.keys(r.options).filter((k) => k !== "provider").sort()).toEqual(["aliases", "deleteBeforeReplace", "dependsOn", "ignoreChanges", "protect", "retainOnDelete"]);
      expect(typeof r.options.protect).toBe("boolean");
    }
    expect(plan.components[0]).toEqual({ name: "finishthisidea", type: "finishthisidea:platform:Platform", counts: expect.any(Object), total: expect.any(Number) });
    for (const c of plan.components) {
      expect(c.total, c.name).toBe(Object.values(c.counts as Record<string, number>).reduce((a, b) => a + b, 0));
    }

    expect(Object.keys(plan.cost).sort()).toEqual(["baseline", "budgetUsd", "byComponent", "hoursPerMonth", "lines", "totalUsd", "unpriced"]);
    expect(plan.cost.hoursPerMonth).toBe(730);
    expect(plan.cost.budgetUsd).toBe(1500);
    expect(plan.cost.totalUsd).toBeCloseTo(plan.cost.lines.reduce((a: number, l: { monthlyUsd: number }) => a + l.monthlyUsd, 0), 1);

    expect(Object.keys(plan.policy).sort()).toEqual(["advisoryViolations", "configSource", "mandatoryViolations", "pack", "rules", "violations"]);
    expect(plan.policy.pack).toBe("finishthisidea-guardrails");
    expect(plan.policy.configSource).toBe("policy/config/environments/staging.json + finishthisidea:waf.enabled (true)");
    expect(plan.policy.mandatoryViolations).toBe(0);
    expect(Object.keys(plan.rehearsal).sort()).toEqual(["assumptions", "checks", "failures", "rules"]);
    expect(plan.rehearsal.failures).toEqual([]);
    expect(plan.rehearsal.checks).toBeGreaterThan(50);
    expect(plan.policy.rules).toContainEqual({ name: "rds-deletion-protection", level: "advisory" });

    // Secrets never reach the JSON: the stack file's placeholder for the token is masked.
    expect(stdout).not.toContain("[secret cloudflareApiToken");
    expect(stdout).toContain('"[secret]"');
  }, CHILD_TIMEOUT);
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
    expect(lines.at(-1)).toMatch(/^policy pack on the enterprise plan: \d+ rules x \d+ resources, median \d+\.\d ms/);
    expect(out).not.toContain("test suite:");
  }, CHILD_TIMEOUT);

  it("refuses a zero iteration count, naming the variable", async () => {
    await expect(run(TSX, ["tools/bench.ts"], { cwd: ROOT, env: { ...process.env, BENCH_ITERATIONS: "0" } })).rejects.toMatchObject({ stderr: expect.stringContaining("BENCH_ITERATIONS must be an integer >= 1") });
  }, CHILD_TIMEOUT);
});
