/**
 * Small helpers the rule modules share. Rules are plain `ResourceValidationPolicy` / `StackValidationPolicy`
 * objects written against type tokens and the input shapes the providers define, so they run unchanged under
 * the real CLI (`pulumi preview --policy-pack policy`) and in-process (tools/policy-run.ts).
 */
import type {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidation,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { isTierName, type TierName } from "./thresholds";

export type { PolicyResource, ResourceValidationArgs, StackValidationArgs, ReportViolation };

/** What the in-process runner shows for a value the engine computes (unknown in a preview). */
export const COMPUTED = "<computed>";

/** True for a value not known yet (in-process preview placeholder, or absent). */
export function isUnknown(v: unknown): boolean {
  return v === COMPUTED;
}

export type Rule = ResourceValidationPolicy | StackValidationPolicy;

/** Config with the schema's defaults applied (the engine's getConfig returns only what the stack set). */
export function configOf<T extends object>(args: { getConfig<U extends object>(): U }, defaults: T): T {
  return { ...defaults, ...(args.getConfig<Partial<T>>() ?? {}) };
}

/** JSON schema for a config object, from its defaults (numbers, booleans, strings, string lists). */
export function schemaFrom(defaults: Record<string, unknown>, optional: Record<string, "string" | "number" | "integer"> = {}): PolicyConfigSchema {
  const properties: PolicyConfigSchema["properties"] = {};
  for (const [k, v] of Object.entries(defaults)) {
    if (Array.isArray(v)) properties[k] = { type: "array", items: { type: "string" }, default: v };
    else if (typeof v === "number") properties[k] = { type: Number.isInteger(v) ? "integer" : "number", default: v };
    else if (typeof v === "boolean") properties[k] = { type: "boolean", default: v };
    else if (typeof v === "string") properties[k] = { type: "string", default: v };
  }
  for (const [k, t] of Object.entries(optional)) properties[k] = { type: t };
  return { properties };
}

/** The type tokens each resourceRule applies to, so a runner can skip the rest without calling it. */
const RULE_TYPES = new WeakMap<ResourceValidationPolicy, ReadonlySet<string>>();

/** The types a rule built by `resourceRule` applies to (undefined for any other rule: call it on everything). */
export function ruleTypes(rule: Rule): ReadonlySet<string> | undefined {
  return RULE_TYPES.get(rule as ResourceValidationPolicy);
}

/** A resource rule that applies to the given type tokens and is "not applicable" to every other type. */
export function resourceRule(spec: {
  name: string;
  description: string;
  enforcementLevel?: EnforcementLevel;
  types: readonly string[];
  configSchema?: PolicyConfigSchema;
  validate: (props: Record<string, any>, args: ResourceValidationArgs, report: ReportViolation) => void | Promise<void>;
}): ResourceValidationPolicy {
  const validateResource: ResourceValidation = (args, report) => {
    if (!spec.types.includes(args.type)) return args.notApplicable(`applies to ${spec.types.join(", ")}`);
    return spec.validate(args.props, args, report);
  };
  const policy: ResourceValidationPolicy = {
    name: spec.name,
    description: spec.description,
    enforcementLevel: spec.enforcementLevel ?? "mandatory",
    ...(spec.configSchema ? { configSchema: spec.configSchema } : {}),
    validateResource,
  };
  RULE_TYPES.set(policy, new Set(spec.types));
  return policy;
}

export function stackRule(spec: {
  name: string;
  description: string;
  enforcementLevel?: EnforcementLevel;
  configSchema?: PolicyConfigSchema;
  validate: StackValidation;
}): StackValidationPolicy {
  return {
    name: spec.name,
    description: spec.description,
    enforcementLevel: spec.enforcementLevel ?? "mandatory",
    ...(spec.configSchema ? { configSchema: spec.configSchema } : {}),
    validateStack: spec.validate,
  };
}

/** Objects the engine hands providers as JSON text (provider inputs), or already objects. */
export function parseMaybeJson(v: unknown): any {
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v);
  } catch {
    return v;
  }
}

export function asStringMap(v: unknown): Record<string, string> {
  const parsed = parseMaybeJson(v);
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter(([, x]) => typeof x === "string")) as Record<string, string>;
}

/** Default tags an AWS provider stamps on every taggable resource it manages. */
export function providerDefaultTags(provider?: { type?: string; props?: Record<string, any> }): Record<string, string> {
  if (!provider?.props) return {};
  const defaultTags = parseMaybeJson(provider.props.defaultTags);
  return asStringMap(defaultTags?.tags);
}

/**
 * The tags an AWS resource ends up with: its provider's default tags, then `tagsAll` (what the real engine
 * reports once the provider merged them), then the resource's own `tags`.
 */
export function effectiveTags(args: { props: Record<string, any>; provider?: { props?: Record<string, any> } }): Record<string, string> {
  return { ...providerDefaultTags(args.provider), ...asStringMap(args.props.tagsAll), ...asStringMap(args.props.tags) };
}

/** The tier of a resource: policy config `tier`, else the `tier` cost tag its provider stamps. */
export function tierOfResource(args: { props: Record<string, any>; provider?: { props?: Record<string, any> } }, configured?: string): TierName | undefined {
  const tier = configured ?? effectiveTags(args).tier;
  return isTierName(tier) ? tier : undefined;
}

/** The stack's tier: policy config `tier`, else the `tier` default tag of the stack's AWS providers. */
export function tierOfStack(resources: PolicyResource[], configured?: string): TierName | undefined {
  if (isTierName(configured)) return configured;
  for (const r of resources) {
    const tags = r.type === "pulumi:providers:aws" ? providerDefaultTags(r) : r.type.startsWith("aws:") ? effectiveTags(r) : {};
    if (isTierName(tags.tier)) return tags.tier;
  }
  return undefined;
}

/** Stack-rule helpers: resources of some types, in registration order. */
export function ofTypes(resources: PolicyResource[], types: readonly string[]): PolicyResource[] {
  return resources.filter((r) => types.includes(r.type));
}

export function isTrue(v: unknown): boolean {
  return v === true || v === "true";
}

export function asNumber(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))) return Number(v);
  return undefined;
}
