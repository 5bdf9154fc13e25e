/**
 * The in-process policy engine: applies rules to registered resources, building the arguments the engine would
 * pass (type, props, urn, name, opts, provider, stackTags, getConfig, notApplicable, isType, asType; for stack
 * rules the resource graph with parents). It never constructs the PolicyPack (that starts a gRPC server).
 * tools/policy-run.ts runs the pack's rule list (policy/rules.ts) through it with a stack's pack config. Kept apart
 * from both, so a rule's tests load neither the Pulumi SDK nor every other rule module: every mutant of a mutation
 * run re-imports what its tests import.
 */
import type { EnforcementLevel, PolicyPackConfig, PolicyResource, PolicyResourceOptions, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";
import { ruleTypes, type Rule } from "../policy/kit";
import type { RegisteredResource } from "./registered";

export interface PolicyViolation {
  policy: string;
  level: EnforcementLevel;
  /** Name and type of the resource in violation; absent for a violation of the whole stack. */
  resource?: string;
  type?: string;
  message: string;
}

export interface PolicyReport {
  pack: string;
  /** Where the enforcement levels and rule config came from. */
  configSource: string;
  rules: { name: string; level: EnforcementLevel }[];
  violations: PolicyViolation[];
  mandatoryViolations: number;
  advisoryViolations: number;
}

export function levelOf(rule: Rule, config: PolicyPackConfig): EnforcementLevel {
  const own = config[rule.name];
  if (typeof own === "string") return own;
  if (own?.enforcementLevel) return own.enforcementLevel;
  const all = config.all;
  if (typeof all === "string") return all;
  if (all?.enforcementLevel) return all.enforcementLevel;
  return rule.enforcementLevel ?? "mandatory";
}

/** Thrown by `notApplicable`: a constant, not an Error, so the thousands of type mismatches capture no stack. */
const NOT_APPLICABLE = Symbol("not applicable");

function getConfigFor(rule: Rule, config: PolicyPackConfig) {
  return <T extends object>(): T => {
    const c = config[rule.name];
    if (!c || typeof c === "string") return {} as T;
    const { enforcementLevel: _level, ...props } = c;
    return props as T;
  };
}

const notApplicable = (): never => {
  throw NOT_APPLICABLE;
};

const isTypeFor = (type: string) => (cls: { new (...args: any[]): unknown }) => (cls as unknown as { __pulumiType?: string }).__pulumiType === type;

/** The engine's view of each registered resource, linked to its parent and provider. */
export function policyResources(resources: RegisteredResource[]): { resource: RegisteredResource; policy: PolicyResource }[] {
  const key = (type: string | undefined, name: string | undefined) => `${type}::${name}`;
  const byKey = new Map<string, PolicyResource>();
  const providers = new Map<string, RegisteredResource>();
  for (const r of resources) if (r.type.startsWith("pulumi:providers:")) providers.set(r.name, r);
  // dependsOn holds names; the first resource of that name, as a lookup instead of a scan per dependency.
  const byName = new Map<string, PolicyResource>();
  const out = resources.map((r) => {
    const providerRes = r.options.provider ? providers.get(r.options.provider) : undefined;
    const opts: PolicyResourceOptions = {
      protect: r.options.protect,
      ignoreChanges: r.options.ignoreChanges,
      deleteBeforeReplace: r.options.deleteBeforeReplace,
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    };
    const policy: PolicyResource = {
      type: r.type,
      name: r.name,
      urn: r.urn,
      props: r.inputs,
      opts,
      provider: providerRes ? { type: providerRes.type, name: providerRes.name, urn: providerRes.urn, props: providerRes.inputs } : undefined,
      dependencies: [],
      propertyDependencies: {},
      isType: isTypeFor(r.type),
      asType: ((cls: any) => (isTypeFor(r.type)(cls) ? r.inputs : undefined)) as PolicyResource["asType"],
    };
    byKey.set(key(r.type, r.name), policy);
    if (!byName.has(r.name)) byName.set(r.name, policy);
    return { resource: r, policy };
  });
  for (const { resource, policy } of out) {
    const parent = resource.parent ? byKey.get(key(resource.parentType, resource.parent)) : undefined;
    if (parent) {
      policy.parent = parent;
      policy.opts.parent = parent.urn;
    }
    policy.dependencies = resource.options.dependsOn
      .map((name) => byName.get(name))
      .filter((p): p is PolicyResource => p !== undefined);
  }
  return out;
}

function isThenable(v: unknown): v is Promise<unknown> {
  return typeof (v as { then?: unknown } | undefined)?.then === "function";
}

/**
 * Apply the rules to the resources. Synchronous so the plan report can include it; a rule that returns a
 * promise is reported as an error of that rule (the pack's rules are all synchronous).
 */
export function runRules(
  resources: RegisteredResource[],
  options: { rules: Rule[]; pack: string; config?: PolicyPackConfig; configSource?: string; stackTags?: ReadonlyMap<string, string> },
): PolicyReport {
  const config = options.config ?? {};
  const rules = options.rules;
  const stackTags = options.stackTags ?? new Map<string, string>();
  const graph = policyResources(resources);
  const byUrn = new Map(graph.map((g) => [g.policy.urn, g.resource]));
  const violations: PolicyViolation[] = [];
  const ruleLevels: PolicyReport["rules"] = [];

  for (const rule of rules) {
    const level = levelOf(rule, config);
    ruleLevels.push({ name: rule.name, level });
    if (level === "disabled") continue;
    const getConfig = getConfigFor(rule, config);
    const call = (fn: () => unknown, where: { resource?: string; type?: string }) => {
      try {
        const result = fn();
        if (isThenable(result)) {
          result.catch(() => undefined);
          violations.push({ policy: rule.name, level, ...where, message: "rule returned a promise; the in-process runner runs synchronous rules only" });
        }
      } catch (err) {
        if (err === NOT_APPLICABLE) return;
        violations.push({ policy: rule.name, level, ...where, message: `rule failed: ${err instanceof Error ? err.message : String(err)}` });
      }
    };

    if ("validateResource" in rule && rule.validateResource) {
      const validations = Array.isArray(rule.validateResource) ? rule.validateResource : [rule.validateResource];
      const types = ruleTypes(rule);
      for (const { resource, policy } of graph) {
        // What the rule would answer with notApplicable, skipped without building its arguments.
        if (types && !types.has(policy.type)) continue;
        const args: ResourceValidationArgs = {
          type: policy.type,
          props: policy.props,
          urn: policy.urn,
          name: policy.name,
          opts: policy.opts,
          provider: policy.provider,
          stackTags,
          isType: policy.isType,
          asType: ((cls: any) => (policy.isType(cls) ? policy.props : undefined)) as ResourceValidationArgs["asType"],
          getConfig,
          notApplicable,
        };
        const where = { resource: resource.name, type: resource.type };
        const report = (message: string) => violations.push({ policy: rule.name, level, ...where, message });
        for (const validate of validations) call(() => validate(args, report), where);
      }
    }
    if ("validateStack" in rule && rule.validateStack) {
      const args: StackValidationArgs = { resources: graph.map((g) => g.policy), stackTags, getConfig, notApplicable };
      const report = (message: string, urn?: string) => {
        const r = urn ? byUrn.get(urn) : undefined;
        violations.push({ policy: rule.name, level, ...(r ? { resource: r.name, type: r.type } : {}), message });
      };
      call(() => rule.validateStack(args, report), {});
    }
  }
  return {
    pack: options.pack,
    configSource: options.configSource ?? "pack defaults",
    rules: ruleLevels,
    violations,
    mandatoryViolations: violations.filter((v) => v.level === "mandatory" || v.level === "remediate").length,
    advisoryViolations: violations.filter((v) => v.level === "advisory").length,
  };
}
