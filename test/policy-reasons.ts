/**
 * The reason a rule gives when it declines a resource or a stack (`args.notApplicable(reason)`): the Pulumi CLI
 * shows it, the in-process runner drops it, so rule tests read it here by calling the rule directly.
 */
import type { ResourceValidationArgs, ResourceValidationPolicy, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import type { PolicyResource, Rule } from "../policy/kit";

const DECLINED = Symbol("declined");

function declines(run: (notApplicable: (reason?: string) => never) => void): string | undefined {
  let reason: string | undefined;
  try {
    run((r) => {
      reason = r ?? "";
      throw DECLINED;
    });
  } catch (err) {
    if (err !== DECLINED) throw err;
  }
  return reason;
}

/** The notApplicable reason of a resource rule for one resource (undefined when the rule applies). */
export function resourceReason(rule: Rule, type: string, props: Record<string, any>, config: Record<string, unknown> = {}): string | undefined {
  const validate = (rule as ResourceValidationPolicy).validateResource as (args: ResourceValidationArgs, report: (m: string) => void) => void;
  return declines((notApplicable) => {
    const args = {
      type, props, name: "subject", urn: `urn:pulumi:test::finishthisidea::${type}::subject`, opts: {}, stackTags: new Map(),
      isType: () => false, asType: () => undefined, getConfig: () => config, notApplicable,
    } as unknown as ResourceValidationArgs;
    validate(args, () => undefined);
  });
}

/** The notApplicable reason of a stack rule for a stack of the given resources. */
export function stackReason(rule: Rule, resources: PolicyResource[] = [], config: Record<string, unknown> = {}): string | undefined {
  const validate = (rule as StackValidationPolicy).validateStack as (args: StackValidationArgs, report: (m: string) => void) => void;
  return declines((notApplicable) => validate({ resources, stackTags: new Map(), getConfig: () => config, notApplicable } as unknown as StackValidationArgs, () => undefined));
}
