/**
 * `npm run mutate`'s table (tools/mutation-groups.ts) and its verdict (tools/mutation-score.ts): every module mutated
 * exists, once, and is seen by the TypeScript checker; every suite exists and is pure; scores as Stryker counts them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../tools/cli";
import { selectGroups } from "../tools/mutate";
import { MUTATION_GROUPS, type MutationGroup } from "../tools/mutation-groups";
import { failingModules, renderScores, scoreModules, type MutantOutcome } from "../tools/mutation-score";

const ROOT = path.join(__dirname, "..");

describe("the mutation groups", () => {
  it("mutate existing modules, each in one group only, all inside tsconfig.json's include", () => {
    const modules = MUTATION_GROUPS.flatMap((g) => g.modules);
    expect(new Set(modules).size).toBe(modules.length);
    const include: string[] = JSON.parse(fs.readFileSync(path.join(ROOT, "tsconfig.json"), "utf8")).include;
    for (const m of modules) {
      expect(fs.existsSync(path.join(ROOT, m)), m).toBe(true);
      expect(include.some((pattern) => m.startsWith(pattern.replace("**/*.ts", ""))), m).toBe(true);
    }
    // The modules the issue names: tier presets and config, cost model and prices, policy rules, renderers, plan report, rehearsal rules.
    expect(modules).toEqual(expect.arrayContaining(["infra/tiers.ts", "infra/config.ts", "cost/prices.ts", "cost/estimate.ts", "policy/security.ts", "components/k8s/pgbouncer/config.ts", "components/observability/prometheus-rules.ts", "components/observability/dashboards.ts", "tools/plan-report.ts", "rehearsal/rules/scheduling.ts"]));
    expect(fs.readdirSync(path.join(ROOT, "rehearsal/rules")).filter((f) => f.endsWith(".ts")).map((f) => `rehearsal/rules/${f}`).filter((f) => !modules.includes(f))).toEqual([]);
  });

  it("run existing suites that build no program (the setup file and the harness load the whole SDK per mutant)", () => {
    const names = MUTATION_GROUPS.map((g) => g.name);
    expect(new Set(names).size).toBe(names.length);
    for (const g of MUTATION_GROUPS) {
      expect(g.name).toMatch(/^[a-z][a-z-]*$/);
      expect(g.suites.length, g.name).toBeGreaterThan(0);
      for (const suite of g.suites) {
        expect(suite, g.name).toMatch(/^test\/[\w-]+\.test\.ts$/);
        const source = fs.readFileSync(path.join(ROOT, suite), "utf8");
        // Type-only imports are erased; a value import of these loads the SDK.
        expect(source, suite).not.toMatch(/^import (?!type )[^;]*from "(\.\/harness|\.\/component-harness|\.\.\/tools\/program|\.\/setup)";/m);
      }
    }
  });
});

describe("npm run mutate's arguments", () => {
  const groups: MutationGroup[] = [
    { name: "a", modules: ["x/one.ts", "x/two.ts"], suites: ["test/x.test.ts"] },
    { name: "b", modules: ["y/three.ts"], suites: ["test/y.test.ts"] },
  ];
  it("select every group by default, groups by name, or single modules with their group's suites", () => {
    expect(selectGroups([], groups)).toBe(groups);
    expect(selectGroups(["b"], groups)).toEqual([groups[1]]);
    expect(selectGroups(["x/two.ts", "b"], groups)).toEqual([{ name: "a", modules: ["x/two.ts"], suites: ["test/x.test.ts"] }, groups[1]]);
    expect(selectGroups(["a", "x/one.ts"], groups)).toEqual([groups[0]]);
  });
  it("refuse what is neither a group nor a module", () => {
    expect(() => selectGroups(["c", "x/one.ts", "z.ts"], groups)).toThrow(new UsageError("unknown group or module c, z.ts"));
  });
});

const at = (line: number, column: number) => ({ start: { line, column } });

describe("scoreModules", () => {
  const results: MutantOutcome[] = [
    { fileName: "/repo/policy/iam.ts", status: "Killed", mutatorName: "ConditionalExpression", replacement: "true", location: at(3, 4) },
    { fileName: "policy/iam.ts", status: "Timeout", mutatorName: "BlockStatement", replacement: "{}", location: at(5, 0) },
    { fileName: "/repo/policy/iam.ts", status: "Survived", mutatorName: "StringLiteral", replacement: '""', location: at(7, 10) },
    { fileName: "/repo/policy/iam.ts", status: "CompileError", mutatorName: "ArrayDeclaration", replacement: "[]", location: at(8, 2) },
    { fileName: "/repo/policy/iam.ts", status: "RuntimeError", mutatorName: "ArrayDeclaration", replacement: "[]", location: at(9, 2) },
    { fileName: "/repo/policy/iam.ts", status: "Ignored", mutatorName: "Regex", replacement: "/a/", location: at(10, 2) },
    { fileName: "/repo/cost/prices.ts", status: "NoCoverage", mutatorName: "ObjectLiteral", replacement: "{\n  a: 1\n}", location: at(1, 0) },
    { fileName: "/repo/cost/prices.ts", status: "Killed", mutatorName: "ArithmeticOperator", replacement: "a - b", location: at(2, 0) },
    { fileName: "/repo/other.ts", status: "Survived", mutatorName: "StringLiteral", location: at(1, 0) },
  ];

  it("counts killed and timed-out as detected, leaves out the invalid and ignored, and lists the undetected", () => {
    expect(scoreModules(results, ["policy/iam.ts", "cost/prices.ts", "infra/tiers.ts"], "/repo")).toEqual([
      { module: "policy/iam.ts", detected: 2, survived: 1, noCoverage: 0, invalid: 2, score: (100 * 2) / 3, undetected: ['7:11 StringLiteral -> ""'] },
      { module: "cost/prices.ts", detected: 1, survived: 0, noCoverage: 1, invalid: 0, score: 50, undetected: ["1:1 ObjectLiteral -> { a: 1 } (no test reaches it)"] },
      { module: "infra/tiers.ts", detected: 0, survived: 0, noCoverage: 0, invalid: 0, score: undefined, undetected: [] },
    ]);
  });

  it("fails a module below the threshold or with no valid mutant, and passes one at it", () => {
    const scores = scoreModules(results, ["policy/iam.ts", "cost/prices.ts", "infra/tiers.ts"], "/repo");
    expect(failingModules(scores, 66).map((s) => s.module)).toEqual(["cost/prices.ts", "infra/tiers.ts"]);
    expect(failingModules(scores, 67).map((s) => s.module)).toEqual(["policy/iam.ts", "cost/prices.ts", "infra/tiers.ts"]);
    expect(failingModules(scores.slice(1, 2), 50)).toEqual([]);
  });

  it("renders one row per module, the failing modules' survivors, and the verdict", () => {
    const scores = scoreModules(results, ["policy/iam.ts", "cost/prices.ts"], "/repo");
    expect(renderScores(scores, 60)).toBe([
      "| Module | Detected | Survived | No coverage | Invalid (not counted) | Score |",
      "| --- | --- | --- | --- | --- | --- |",
      "| `policy/iam.ts` | 2 | 1 | 0 | 2 | 66.67 % |",
      "| `cost/prices.ts` | 1 | 0 | 1 | 0 | 50.00 % |",
      "",
      "cost/prices.ts: 50.00 % is below 60 %",
      "  1:1 ObjectLiteral -> { a: 1 } (no test reaches it)",
      "",
      "1 of 2 modules below 60 %",
    ].join("\n"));
    expect(renderScores(scores.slice(0, 1), 60).split("\n").at(-1)).toBe("every module at or above 60 %");
  });
});
