/**
 * A reviewed summary per tier, stored in test/golden/<tier>.json so every change to a tier's sizes, the resources
 * it registers or its cost estimate shows up in the pull request's diff, where a reviewer checks it against the
 * scaling plan. The program's summary must equal the file.
 *
 * After an intended change: `UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts`, then review the diff.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { TIER_NAMES } from "../infra/tiers";
import { estimateCost } from "../cost/estimate";
import { keySizes } from "../tools/plan-report";
import { runTier, type ProgramRun } from "./harness";

const DIR = path.join(__dirname, "golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";

/** What a reviewer reads per tier: the resolved preset, the plan's key sizes, resources by type, the cost. */
export function goldenSummary(run: ProgramRun) {
  const counts: Record<string, number> = {};
  for (const r of run.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
  const cost = estimateCost(run.resources);
  return {
    tier: run.config.tier,
    preset: run.config.preset,
    keySizes: keySizes(run.config),
    resourceCount: run.resources.length,
    resourcesByType: Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b))),
    protected: run.resources.filter((r) => r.options.protect).map((r) => `${r.type}::${r.name}`).sort(),
    monthlyCostUsd: {
      total: cost.totalUsd,
      byComponent: Object.fromEntries(Object.entries(cost.byComponent).sort(([a], [b]) => a.localeCompare(b))),
    },
  };
}

/** Write through a temporary file and rename, so an interrupted update never leaves half a golden file. */
function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

describe("golden summary per tier (test/golden/<tier>.json)", () => {
  it.each(TIER_NAMES)("%s matches its reviewed summary", async (tier) => {
    const summary = goldenSummary(await runTier(tier));
    const file = path.join(DIR, `${tier}.json`);
    if (UPDATE) {
      fs.mkdirSync(DIR, { recursive: true });
      writeAtomically(file, `${JSON.stringify(summary, null, 2)}\n`);
    }
    expect(fs.existsSync(file), `${file} is missing; run UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts and review it`).toBe(true);
    expect(summary).toEqual(JSON.parse(fs.readFileSync(file, "utf8")));
  });
});
