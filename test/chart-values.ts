/**
 * Conformance of the Helm values the program sets against each pinned chart's own defaults
 * (test/fixtures/charts/<chart>-<version>/values.yaml, copied from the chart's source at its release tag).
 * Helm ignores a key no template reads, so a key that is not in the defaults must be listed in READ_BY_TEMPLATE
 * with the template line that reads it.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const FIXTURES = join(__dirname, "fixtures", "charts");

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The chart's default values at `version`; throws, saying what to copy, when the fixture is missing. */
const parsed = new Map<string, Record<string, unknown>>();

export function chartDefaults(chart: string, version: string): Record<string, unknown> {
  const key = `${chart}-${version}`;
  if (!parsed.has(key)) parsed.set(key, readDefaults(chart, version));
  return parsed.get(key)!;
}

function readDefaults(chart: string, version: string): Record<string, unknown> {
  const file = join(FIXTURES, `${chart}-${version}`, "values.yaml");
  if (!existsSync(file)) {
    throw new Error(`no default values for ${chart} ${version}: copy the chart's values.yaml at that release tag to test/fixtures/charts/${chart}-${version}/values.yaml and list its source in test/fixtures/charts/README.md`);
  }
  return parse(readFileSync(file, "utf8")) ?? {};
}

/**
 * Dotted paths of `values` that the defaults do not have. A default that is not a non-empty map (a list, a
 * scalar, null, `{}`) is free-form: whatever the program puts under it is the chart's business (nodeSelector,
 * tolerations, storageSpec, ...). `subcharts` maps a top-level key to that subchart's own defaults.
 */
export function unknownValuePaths(values: Record<string, unknown>, defaults: Record<string, unknown>, subcharts: Record<string, Record<string, unknown>> = {}): string[] {
  const walk = (ours: Record<string, unknown>, defs: unknown, path: string[]): string[] => {
    if (!isMap(defs) || Object.keys(defs).length === 0) return [];
    return Object.entries(ours).flatMap(([k, v]) => {
      const here = [...path, k];
      if (!(k in defs)) return [here.join(".")];
      return isMap(v) ? walk(v, defs[k], here) : [];
    });
  };
  return Object.entries(values).flatMap(([k, v]) => {
    if (k in subcharts && isMap(v)) {
      // A subchart's section: known if either the subchart's own defaults or the parent's section has it.
      const sub = walk(v, subcharts[k], [k]);
      const parentSection = defaults[k];
      if (!isMap(parentSection) || Object.keys(parentSection).length === 0) return sub;
      const unknownToParent = new Set(walk(v, parentSection, [k]));
      return sub.filter((p) => unknownToParent.has(p));
    }
    return walk({ [k]: v }, defaults, []);
  });
}

/** A values path (or `prefix.*`) the chart reads although its defaults do not list it, with the template line. */
export interface TemplateRead {
  chart: string;
  path: string;
  /** Template file and line at the pinned version, and the text of that line. */
  template: string;
  line: string;
}

export function coveredBy(path: string, reads: TemplateRead[], chart: string): TemplateRead | undefined {
  return reads.find((r) => r.chart === chart && (r.path === path || (r.path.endsWith(".*") && path.startsWith(r.path.slice(0, -1)))));
}

/** Top-level keys whose comment in the defaults says "Only used in IMDS mode" (aws-node-termination-handler). */
export function imdsOnlyKeys(valuesYaml: string): string[] {
  return [...valuesYaml.matchAll(/^# (\w+) [^\n]*Only used in IMDS mode[^\n]*\n\1:/gm)].map((m) => m[1]);
}
