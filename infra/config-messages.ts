/**
 * How config problems are worded: every message is `<namespace>:<key>: got <value>; expected <what is allowed>`,
 * in our words. Zod's own wording ("Too small", "Invalid input: expected boolean, received number") never
 * reaches the user: `ourWords` is the error map for every parse, so a key added to the schema without a
 * custom message still gets a readable one. Unknown keys are answered from the schema itself (its real keys,
 * with a did-you-mean), so new keys slot in without touching this file.
 */
import { z } from "zod";

const TYPE_WORDS: Record<string, string> = {
  boolean: "true or false",
  number: "a number",
  int: "an integer",
  string: "a string",
  array: "a list",
  object: "a mapping of keys to values",
  record: "a mapping of keys to values",
};

/** Zod's per-parse error map: what each issue code means, in our words (schema-level messages win over it). */
export function ourWords(iss: z.core.$ZodRawIssue): string {
  const unit = (origin: unknown, n: unknown) =>
    origin === "array" || origin === "set" ? `${n} entr${n === 1 ? "y" : "ies"}` : origin === "string" ? `${n} character${n === 1 ? "" : "s"}` : String(n);
  switch (iss.code) {
    case "invalid_type":
      return TYPE_WORDS[iss.expected] ?? `a ${iss.expected}`;
    case "too_small":
      if (iss.origin === "string" && iss.minimum === 1) return "a non-empty string";
      if (iss.origin === "array" && iss.minimum === 1) return "a non-empty list";
      return `${iss.inclusive ? "at least" : "more than"} ${unit(iss.origin, iss.minimum)}`;
    case "too_big":
      return `${iss.inclusive ? "at most" : "less than"} ${unit(iss.origin, iss.maximum)}`;
    case "invalid_value":
      return `one of ${iss.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "invalid_format":
      return `a valid ${iss.format}`;
    case "not_multiple_of":
      return `a multiple of ${iss.divisor}`;
    default:
      return "a valid value (see the README's config keys)";
  }
}

/** A value as the user wrote it: YAML's .inf/.nan are not JSON (JSON.stringify would say null). */
export function show(v: unknown): string {
  if (v === undefined) return "nothing (missing)";
  if (typeof v === "number" && !Number.isFinite(v)) return Number.isNaN(v) ? ".nan" : v > 0 ? ".inf" : "-.inf";
  const text = JSON.stringify(v);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

export function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (isPlainObject(v) || Array.isArray(v) ? (v as Record<PropertyKey, unknown>)[k] : undefined), root);
}

type AnySchema = z.core.$ZodType;

/** Through optional/default/pipe wrappers to the schema that has the shape. */
function unwrap(s: AnySchema): AnySchema {
  const def = s._zod.def as { type: string; innerType?: AnySchema; in?: AnySchema };
  if (def.innerType && ["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"].includes(def.type)) return unwrap(def.innerType);
  if (def.type === "pipe" && def.in) return unwrap(def.in);
  return s;
}

/** The schema at a path (object keys, list indexes, record values); undefined where the schema has none. */
export function schemaAt(schema: AnySchema, path: readonly PropertyKey[]): AnySchema | undefined {
  let s: AnySchema | undefined = schema;
  for (const k of path) {
    if (!s) return undefined;
    const def = unwrap(s)._zod.def as { type: string; shape?: Record<string, AnySchema>; element?: AnySchema; valueType?: AnySchema };
    s = def.type === "object" ? def.shape?.[String(k)] : def.type === "array" ? def.element : def.type === "record" ? def.valueType : undefined;
  }
  return s;
}

/** The keys a schema allows at a path (empty when there is no object schema there). */
export function schemaKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  const s = schemaAt(schema, path);
  const def = s && (unwrap(s)._zod.def as { type: string; shape?: Record<string, AnySchema> });
  return def?.type === "object" ? Object.keys(def.shape ?? {}) : [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length];
}

/** The allowed key the user most likely meant: same letters in another case, or one or two edits away. */
export function didYouMean(key: string, allowed: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  const exact = allowed.find((k) => k.toLowerCase() === lower);
  if (exact) return exact;
  const limit = key.length >= 5 ? 2 : 1;
  let best: [string, number] | undefined;
  for (const k of allowed) {
    const d = editDistance(lower, k.toLowerCase());
    if (d <= limit && (!best || d < best[1])) best = [k, d];
  }
  return best?.[0];
}

/**
 * One line per issue, naming the key (`keyOf(path)`), the value found in `root` and what is allowed. Unknown
 * keys list the schema's keys at that place and suggest the closest one.
 */
export function describeIssues(issues: z.core.$ZodIssue[], root: unknown, schema: AnySchema, keyOf: (path: PropertyKey[]) => string): string[] {
  return issues.flatMap((issue) => {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      const allowed = schemaKeysAt(schema, path);
      return issue.keys.map((k) => {
        const guess = didYouMean(k, allowed);
        return `${keyOf([...path, k])}: unknown key; ${guess ? `did you mean ${guess}? ` : ""}allowed keys here: ${allowed.join(", ") || "(none)"}`;
      });
    }
    return [`${keyOf(path)}: got ${show(valueAt(root, path))}; expected ${issue.message}`];
  });
}
