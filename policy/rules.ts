/** Every rule of the pack, in report order. policy/index.ts builds the PolicyPack from this list; the
 * in-process runner (tools/policy-run.ts) applies the same list. */
import { costRules } from "./cost";
import { iamRules } from "./iam";
import type { Rule } from "./kit";
import { kubernetesRules } from "./kubernetes";
import { networkDataRules } from "./network-data";
import { platformRules } from "./platform";
import { securityRules } from "./security";

export const PACK_NAME = "finishthisidea-guardrails";

export const ALL_RULES: Rule[] = [...securityRules, ...networkDataRules, ...iamRules, ...kubernetesRules, ...platformRules, ...costRules];
