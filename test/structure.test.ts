/**
 * The layering of DESIGN.md, enforced: components stand alone (nothing from infra/, tools/ or policy/), the policy
 * pack and the cost model import nothing from tools/, and each component lives in the folder of its type-token module.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.join(__dirname, "..");

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(rel);
    return e.name.endsWith(".ts") ? [rel] : [];
  });
}

/** Repository-relative targets of a file's relative imports (static, dynamic and type-only). */
export function relativeImports(file: string, source: string): string[] {
  const specs = [...source.matchAll(/(?:from|import\(|require\()\s*["'](\.{1,2}\/[^"']*)["']/g)].map((m) => m[1]);
  return specs.map((s) => path.normalize(path.join(path.dirname(file), s)));
}

function importsInto(fromDir: string, forbidden: string[]): string[] {
  return sourceFiles(fromDir).flatMap((file) =>
    relativeImports(file, fs.readFileSync(path.join(ROOT, file), "utf8"))
      .filter((target) => forbidden.some((dir) => target === dir || target.startsWith(`${dir}${path.sep}`)))
      .map((target) => `${file} imports ${target}`),
  );
}

/** Whether a source file (extension-less path) imports no `@pulumi/*` package, itself or through its relative imports. */
function loadsNoSdk(target: string, seen = new Set<string>()): boolean {
  const file = fs.existsSync(path.join(ROOT, `${target}.ts`)) ? `${target}.ts` : path.join(target, "index.ts");
  if (seen.has(file)) return true;
  seen.add(file);
  const source = fs.readFileSync(path.join(ROOT, file), "utf8");
  if (/from\s*["']@pulumi\//.test(source)) return false;
  return relativeImports(file, source).filter((t) => !t.endsWith(".json")).every((t) => loadsNoSdk(t, seen));
}

describe("layering", () => {
  it("reads a file's relative imports, type-only and dynamic ones included", () => {
    const src = `import type { A } from "../../infra/tiers";\nimport { b } from "./b";\nconst c = await import("../../tools/cost");\nimport x from "zod";`;
    expect(relativeImports("components/data/database.ts", src)).toEqual(["infra/tiers", "components/data/b", "tools/cost"]);
  });

  it("components import nothing from infra/, tools/ or policy/", () => {
    expect(importsInto("components", ["infra", "tools", "policy"])).toEqual([]);
  });

  it("the policy pack and the cost model import nothing from tools/", () => {
    expect([...importsInto("policy", ["tools"]), ...importsInto("cost", ["tools", "infra", "components"])]).toEqual([]);
  });

  it("infra/ imports components through their module's index, or a file that loads no SDK (a table, a shape, a pure function)", () => {
    // A module's index loads its components and the cloud SDKs with them: config validation and the tier table
    // read their few values from SDK-free files, so they (and their mutation runs) stay light.
    const deep = importsInto("infra", ["components"]).filter((line) => !/imports components\/[a-z0-9-]+$/.test(line));
    expect(deep.filter((line) => !loadsNoSdk(line.split(" imports ")[1]))).toEqual([]);
    expect(deep.length).toBeGreaterThan(0);
    expect(loadsNoSdk("components/network/sibling-cidr")).toBe(true);
    expect(loadsNoSdk("components/network/replica-network")).toBe(false);
  });
});

describe("modules", () => {
  const modules = fs.readdirSync(path.join(ROOT, "components"), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);

  it("every module folder has an index.ts, and components/index.ts names every type-token module", () => {
    const root = fs.readFileSync(path.join(ROOT, "components", "index.ts"), "utf8");
    for (const m of modules) expect(fs.existsSync(path.join(ROOT, "components", m, "index.ts")), m).toBe(true);
    const exported = [...root.matchAll(/export \* as (\w+) from "\.\/([\w-]+)"/g)].map((m) => m[2]);
    expect(exported.sort()).toEqual(["cluster", "data", "edge", "k8s", "network", "observability", "storage"]);
  });

  it("each component's type token names the folder it lives in", () => {
    const tokens = sourceFiles("components").flatMap((file) =>
      [...fs.readFileSync(path.join(ROOT, file), "utf8").matchAll(/super\("finishthisidea:([a-z0-9]+):(\w+)"/g)].map((m) => ({ file, module: m[1], name: m[2] })),
    );
    expect(tokens.length).toBeGreaterThanOrEqual(15);
    for (const t of tokens) expect(t.file.split(path.sep)[1], `${t.name} in ${t.file}`).toBe(t.module);
  });
});
