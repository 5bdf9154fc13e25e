import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { RUNBOOKS } from "../components/observability/alerting";
import { SECRET_STACK_OUTPUTS, STACK_NAMESPACES, STACK_OUTPUT_NAMES } from "../infra/output-names";

const ROOT = path.join(__dirname, "..");
const DIR = path.join(ROOT, "docs", "runbooks");
const runbooks = fs.readdirSync(DIR).filter((f) => f.endsWith(".md") && f !== "README.md").sort();
const read = (f: string) => fs.readFileSync(path.join(DIR, f), "utf8");

/** Every `pulumi [-s stack] stack output [flags] <name>` in a text: the name and whether --show-secrets was given. */
export function stackOutputRefs(text: string): { name: string; showSecrets: boolean }[] {
  const re = /pulumi(?:\s+-s\s+\S+)?\s+stack\s+output((?:\s+--?[\w-]+)*)\s+([A-Za-z]\w*)/g;
  return [...text.matchAll(re)].map((m) => ({ name: m[2], showSecrets: /--show-secrets/.test(m[1]) }));
}

describe("stackOutputRefs", () => {
  it("finds names after flags and a stack selector", () => {
    expect(stackOutputRefs("x $(pulumi stack output --json bucketNames) y `pulumi -s prod stack output tier` z pulumi stack output --show-secrets kubeconfig"))
      .toEqual([{ name: "bucketNames", showSecrets: false }, { name: "tier", showSecrets: false }, { name: "kubeconfig", showSecrets: true }]);
  });
});

describe("runbooks", () => {
  it("cover the issue's procedures", () => {
    expect(runbooks).toEqual(["database-overload.md", "region-failover.md", "restore-database.md", "rollback-bad-deploy.md", "spot-interruption-storm.md", "traffic-surge.md"]);
  });

  it.each(["README.md", ...runbooks])("%s reads only stack outputs the program exports, secrets with --show-secrets", (f) => {
    const refs = stackOutputRefs(read(f));
    for (const r of refs) {
      expect(STACK_OUTPUT_NAMES, `${f}: pulumi stack output ${r.name}`).toContain(r.name);
      if (SECRET_STACK_OUTPUTS.includes(r.name as never)) expect(r.showSecrets, `${f}: ${r.name} is a secret`).toBe(true);
    }
  });

  it("use stack outputs in every runbook", () => {
    for (const f of runbooks) expect(stackOutputRefs(read(f)).length, f).toBeGreaterThan(0);
  });

  it.each(runbooks)("%s uses only namespaces the program creates", (f) => {
    const namespaces = [...read(f).matchAll(/kubectl\s+-n\s+([a-z0-9-]+)/g)].map((m) => m[1]);
    for (const ns of namespaces) expect(Object.keys(STACK_NAMESPACES), `${f}: kubectl -n ${ns}`).toContain(ns);
  });

  it("are all linked from the index, and every link in the runbooks resolves", () => {
    const index = read("README.md");
    for (const f of runbooks) expect(index, f).toContain(`](${f})`);
    for (const f of ["README.md", ...runbooks]) {
      for (const [, target] of read(f).matchAll(/\]\(([^)#:]+\.md)\)/g)) expect(fs.existsSync(path.join(DIR, target)), `${f} -> ${target}`).toBe(true);
    }
  });

  it("exist for every runbook an alarm points to", () => {
    for (const p of Object.values(RUNBOOKS)) expect(fs.existsSync(path.join(ROOT, p)), p).toBe(true);
  });
});
