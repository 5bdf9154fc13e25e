export { Cdn, CDN_ORIGIN_KEY_PATTERNS, type CdnArgs, type ValidationRecord } from "./cdn";
export { AWS_MANAGED_RULE_GROUPS, edgeWafRules, EdgeWebAcl, type EdgeWebAclArgs } from "./waf";
