/**
 * What people run besides `pulumi up`: the policy pack as the CLI loads it (policy/index.ts). `npm run plan --
 * <stack> --json` read from a pipe, and each tool's `--help` as a child process, are in test/cli.test.ts;
 * `npm run bench` in test/bench.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
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
