/**
 * The mutation score of each module from Stryker's mutant results, and the verdict against the break threshold.
 * Stryker's own definition: detected (killed or timed out) over valid mutants (detected, survived, no coverage);
 * mutants that do not compile or crash the run are not valid, ignored ones are not counted.
 */
import * as path from "node:path";

/** The fields of Stryker's MutantResult read here. */
export interface MutantOutcome {
  fileName: string;
  status: string;
  mutatorName: string;
  replacement?: string;
  location: { start: { line: number; column: number } };
}

export interface ModuleScore {
  module: string;
  detected: number;
  survived: number;
  noCoverage: number;
  /** Would not compile, or crashed the test run: left out of the score. */
  invalid: number;
  /** Percent; undefined when the module had no valid mutant. */
  score: number | undefined;
  /** `line:column Mutator -> replacement`, for the survivors and the uncovered. */
  undetected: string[];
}

const DETECTED = new Set(["Killed", "Timeout"]);
const INVALID = new Set(["CompileError", "RuntimeError"]);

export function scoreModules(results: MutantOutcome[], modules: string[], root: string): ModuleScore[] {
  const scores = new Map(modules.map((m): [string, ModuleScore] => [m, { module: m, detected: 0, survived: 0, noCoverage: 0, invalid: 0, score: undefined, undetected: [] }]));
  for (const r of results) {
    const s = scores.get(path.relative(root, path.resolve(root, r.fileName)).split(path.sep).join("/"));
    if (!s) continue;
    if (DETECTED.has(r.status)) s.detected++;
    else if (INVALID.has(r.status)) s.invalid++;
    else if (r.status === "Survived" || r.status === "NoCoverage") {
      if (r.status === "Survived") s.survived++;
      else s.noCoverage++;
      const { line, column } = r.location.start;
      s.undetected.push(`${line}:${column + 1} ${r.mutatorName}${r.replacement === undefined ? "" : ` -> ${r.replacement.replace(/\s+/g, " ").slice(0, 80)}`}${r.status === "NoCoverage" ? " (no test reaches it)" : ""}`);
    }
  }
  for (const s of scores.values()) {
    const valid = s.detected + s.survived + s.noCoverage;
    s.score = valid === 0 ? undefined : (100 * s.detected) / valid;
  }
  return [...scores.values()];
}

/** A module fails below the threshold, or with no valid mutant (the run never reached it). */
export function failingModules(scores: ModuleScore[], breakAt: number): ModuleScore[] {
  return scores.filter((s) => s.score === undefined || s.score < breakAt);
}

/** One Markdown table row per module, then each failing module's undetected mutants. */
export function renderScores(scores: ModuleScore[], breakAt: number): string {
  const rows = scores.map((s) => `| \`${s.module}\` | ${s.detected} | ${s.survived} | ${s.noCoverage} | ${s.invalid} | ${s.score === undefined ? "no valid mutant" : `${s.score.toFixed(2)} %`} |`);
  const failing = failingModules(scores, breakAt);
  const details = failing.map((s) => [`\n${s.module}: ${s.score === undefined ? "no valid mutant was tested" : `${s.score.toFixed(2)} % is below ${breakAt} %`}`, ...s.undetected.map((u) => `  ${u}`)].join("\n"));
  return [
    "| Module | Detected | Survived | No coverage | Invalid (not counted) | Score |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    ...details,
    failing.length === 0 ? `\nevery module at or above ${breakAt} %` : `\n${failing.length} of ${scores.length} modules below ${breakAt} %`,
  ].join("\n");
}
