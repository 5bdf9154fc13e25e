/** Results of the rehearsal: named rules, each with the checks it ran, its failures (with a fix) and notes. */

export const RULE_NAMES = ["scheduling", "storage", "references", "reachability", "capacity"] as const;
export type RuleName = (typeof RULE_NAMES)[number];

export interface Finding {
  rule: RuleName;
  /** The resource (or pod group) that would not run. */
  resource: string;
  /** What fails and by how much. */
  problem: string;
  /** What to change. */
  fix: string;
}

export interface RuleResult {
  rule: RuleName;
  title: string;
  /** How many things the rule checked. */
  checks: number;
  failures: Finding[];
  /** What it found worth knowing that is not a failure (headroom, DR-only replicas, assumptions). */
  notes: string[];
}

export interface RehearsalReport {
  rules: RuleResult[];
  checks: number;
  failures: Finding[];
  /** The assumptions the capacity rule used, printed beside its result. */
  assumptions: Record<string, string | number | boolean>;
}
