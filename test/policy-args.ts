/**
 * Builds the arguments the policy engine hands a rule, for hand-made resources in rule tests: props, type,
 * name, urn, opts, provider (an AWS provider with the cost-allocation default tags), stackTags, getConfig and
 * notApplicable. Stack rules get PolicyResources linked to a parent component.
 */
import type { PolicyPackConfig } from "@pulumi/policy";
import type { Rule } from "../policy/kit";
import { runRules } from "../tools/policy-engine";
import type { RegisteredResource } from "../tools/program";

export interface FakeResource {
  type: string;
  name: string;
  props: Record<string, any>;
  /** Component the resource sits in (default "storage"). */
  component?: string;
  /** AWS provider default tags; default: all four cost tags on tier `mvp`. Null for no provider. */
  providerTags?: Record<string, string> | null;
  /** Name of a provider already in the list to use instead. */
  provider?: string;
}

export const MVP_TAGS = { stack: "staging", tier: "mvp", component: "storage", "cost-center": "platform" };

/** RegisteredResources (as tools/program.ts records them) for fake resources, with their providers and parents. */
export function fakeRegistered(resources: FakeResource[]): RegisteredResource[] {
  const out: RegisteredResource[] = [];
  const base = (type: string, name: string, parent?: string, parentType?: string): RegisteredResource => ({
    urn: `urn:pulumi:test::finishthisidea::${parentType ? `${parentType}$` : ""}${type}::${name}`,
    type, name, parent, parentType, component: undefined, custom: !type.startsWith("finishthisidea:"),
    inputs: {}, secretInputs: [],
    options: { protect: false, aliases: [], dependsOn: [], ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false },
  });
  const components = new Set(resources.map((r) => r.component ?? "storage"));
  for (const c of components) out.push({ ...base(`finishthisidea:test:${c}`, c), component: c });
  resources.forEach((r, i) => {
    const component = r.component ?? "storage";
    let provider = r.provider;
    if (!provider && r.providerTags !== null && r.type.startsWith("aws:")) {
      provider = `aws-fake-${i}`;
      const p = base("pulumi:providers:aws", provider);
      p.inputs = { region: "us-east-1", defaultTags: JSON.stringify({ tags: r.providerTags ?? MVP_TAGS }) };
      out.push(p);
    }
    const rr = base(r.type, r.name, component, `finishthisidea:test:${component}`);
    rr.component = component;
    rr.inputs = r.props;
    rr.options.provider = provider;
    out.push(rr);
  });
  return out;
}

/** Violations one rule reports on the given resources (resource and stack rules alike). */
export function violations(rule: Rule, resources: FakeResource[] | RegisteredResource[], config: PolicyPackConfig = {}): string[] {
  const registered = resources.length > 0 && "urn" in resources[0] ? (resources as RegisteredResource[]) : fakeRegistered(resources as FakeResource[]);
  return runRules(registered, { rules: [rule], pack: "test", config }).violations.map((v) => v.message);
}

/** Violations of one rule on a single resource. */
export function check(rule: Rule, type: string, props: Record<string, any>, options: Partial<FakeResource> & { config?: Record<string, unknown> } = {}): string[] {
  const { config, ...rest } = options;
  return violations(rule, [{ type, name: options.name ?? "subject", props, ...rest }], config ? { [rule.name]: config } : {});
}
