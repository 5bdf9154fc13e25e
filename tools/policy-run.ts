/**
 * Runs the CrossGuard pack in-process on the resources the program registered (the engine is
 * tools/policy-engine.ts), with the pack config of a stack.
 *
 * Enforcement level per rule, as the engine resolves it from the pack config (`loadPolicyConfig`: the stack's
 * environment levels with policy/config/<stack>.json as overrides; `tools/policy-config.ts` writes the same file
 * for `--policy-pack-config`): the rule's entry, else the `all` entry, else the rule's own level.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { EnforcementLevel, PolicyPackConfig } from "@pulumi/policy";
import type { Rule } from "../policy/kit";
import { ALL_RULES, PACK_NAME } from "../policy/rules";
import { PROJECT_ROOT, readStackFile } from "../infra/stack-file";
import type { RegisteredResource } from "./registered";
import { runRules, type PolicyReport } from "./policy-engine";

// The engine itself (tools/policy-engine.ts), re-exported for the program, the plan report and the suites.
export { levelOf, policyResources, type PolicyReport, type PolicyViolation } from "./policy-engine";

/** The pack's rules (or the given ones) on the resources; see runRules. */
export function runPolicies(
  resources: RegisteredResource[],
  options: { config?: PolicyPackConfig; configSource?: string; rules?: Rule[]; stackTags?: ReadonlyMap<string, string> } = {},
): PolicyReport {
  return runRules(resources, { ...options, rules: options.rules ?? ALL_RULES, pack: PACK_NAME });
}

export const POLICY_CONFIG_DIR = path.join(__dirname, "..", "policy", "config");

/** What the pack config depends on from the stack itself. */
export interface StackPolicySettings {
  /** `finishthisidea:environment`: selects policy/config/environments/<environment>.json. */
  environment?: string;
  /** `finishthisidea:waf.enabled`: the CloudFront WAF rule requires a web ACL when it is on. */
  wafEnabled?: boolean;
}

const readJson = (file: string): PolicyPackConfig => JSON.parse(fs.readFileSync(file, "utf8"));
const relative = (file: string) => path.relative(path.join(__dirname, ".."), file);

/** The settings a stack file declares (Pulumi.<stack>.yaml), or none when there is no such file. */
export function stackPolicySettings(stack: string): StackPolicySettings {
  const file = path.join(PROJECT_ROOT, `Pulumi.${stack}.yaml`);
  if (!fs.existsSync(file)) return {};
  const { values } = readStackFile(stack).raw;
  const waf = values.waf as { enabled?: unknown } | undefined;
  return {
    ...(typeof values.environment === "string" ? { environment: values.environment } : {}),
    ...(typeof waf?.enabled === "boolean" ? { wafEnabled: waf.enabled } : {}),
  };
}

/**
 * One rule's entry of `override` laid over `base`: a bare level replaces the level and keeps the base's
 * settings; an object merges into the base's settings.
 */
function mergeEntry(base: PolicyPackConfig[string] | undefined, over: PolicyPackConfig[string]): PolicyPackConfig[string] {
  const asObject = (e: PolicyPackConfig[string] | undefined): Record<string, unknown> => (e === undefined ? {} : typeof e === "string" ? { enforcementLevel: e } : { ...e });
  const merged = { ...asObject(base), ...asObject(over) };
  return Object.keys(merged).length === 1 && merged.enforcementLevel ? (merged.enforcementLevel as EnforcementLevel) : (merged as PolicyPackConfig[string]);
}

export function mergePolicyConfig(base: PolicyPackConfig, override: PolicyPackConfig): PolicyPackConfig {
  const out: PolicyPackConfig = { ...base };
  for (const [rule, entry] of Object.entries(override)) out[rule] = mergeEntry(base[rule], entry);
  return out;
}

/**
 * The pack config for a stack: the levels of its declared environment (policy/config/environments/
 * <environment>.json), then the stack's own file (policy/config/<stack>.json) as overrides, then what the stack
 * config implies (the WAF rule's `requireWaf`). Settings default to what Pulumi.<stack>.yaml declares. Without
 * an environment every rule runs at its own level (mandatory: the strict default).
 */
export function loadPolicyConfig(stack: string, settings: StackPolicySettings = stackPolicySettings(stack), dir: string = POLICY_CONFIG_DIR): { config: PolicyPackConfig; source: string } {
  let config: PolicyPackConfig = {};
  const sources: string[] = [];
  if (settings.environment !== undefined) {
    const envFile = path.join(dir, "environments", `${settings.environment}.json`);
    if (!fs.existsSync(envFile)) throw new Error(`environment ${JSON.stringify(settings.environment)} has no policy levels (${relative(envFile)}); known: ${fs.readdirSync(path.join(dir, "environments")).map((f) => f.replace(/\.json$/, "")).join(", ")}`);
    config = readJson(envFile);
    sources.push(relative(envFile));
  }
  const stackFile = path.join(dir, `${stack}.json`);
  if (fs.existsSync(stackFile)) {
    config = mergePolicyConfig(config, readJson(stackFile));
    sources.push(relative(stackFile));
  }
  if (settings.wafEnabled !== undefined) {
    config = mergePolicyConfig(config, { "cloudfront-waf": { requireWaf: settings.wafEnabled } as PolicyPackConfig[string] });
    sources.push(`finishthisidea:waf.enabled (${settings.wafEnabled})`);
  }
  return { config, source: sources.length > 0 ? sources.join(" + ") : `pack defaults (no environment declared, no policy/config/${stack}.json)` };
}

/** The pack on a stack's resources with that stack's pack config (see loadPolicyConfig). */
export function runPoliciesForStack(resources: RegisteredResource[], stack: string, settings?: StackPolicySettings): PolicyReport {
  const { config, source } = loadPolicyConfig(stack, settings);
  return runPolicies(resources, { config, configSource: source });
}
