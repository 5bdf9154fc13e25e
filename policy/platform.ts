/**
 * The platform's own rules: what our design depends on, whoever writes the resource. BullMQ loses jobs when
 * Redis evicts keys; a tier that promises Multi-AZ needs a Multi-AZ primary; SPOT pools need enough instance
 * types to survive a capacity reclaim; NAT gateways cost per hour each; a stack that turns the WAF on needs it
 * attached. Tier numbers come from infra/tiers.ts (via ./thresholds).
 */
import { configOf, isTrue, isUnknown, ofTypes, parseMaybeJson, resourceRule, schemaFrom, stackRule, tierOfResource, tierOfStack, type Rule } from "./kit";
import { T } from "./security";
import { MIN_SPOT_INSTANCE_TYPES, TIERS } from "./thresholds";

const NO_TIER = "cannot tell the stack's tier: set the AWS provider default tag `tier` or this policy's config `tier`";
const EC_PARAMETER_GROUP = "aws:elasticache/parameterGroup:ParameterGroup";
const NAT_GATEWAY = "aws:ec2/natGateway:NatGateway";

/** The maxmemory policy BullMQ requires: anything else evicts queue keys under memory pressure. */
export const REQUIRED_MAXMEMORY_POLICY = "noeviction";

export const redisNoEviction = resourceRule({
  name: "redis-noeviction",
  description: "Redis/Valkey parameter groups set maxmemory-policy noeviction, and replication groups use such a group, not a default.* group (whose policy is volatile-lru): BullMQ loses jobs when keys are evicted.",
  types: [EC_PARAMETER_GROUP, T.replicationGroup],
  validate: (props, args, report) => {
    if (args.type === EC_PARAMETER_GROUP) {
      if (!/^(redis|valkey)/.test(String(props.family))) return args.notApplicable("not a Redis/Valkey parameter group");
      const policy = props.parameters?.find((p: any) => p?.name === "maxmemory-policy")?.value;
      if (policy !== REQUIRED_MAXMEMORY_POLICY) report(`${args.name}: maxmemory-policy is ${policy ?? "unset (volatile-lru)"}; set "${REQUIRED_MAXMEMORY_POLICY}" so Redis refuses writes instead of evicting queued jobs.`);
      return;
    }
    if (props.engine === "memcached") return args.notApplicable("memcached");
    const group = props.parameterGroupName;
    if (group === undefined || (typeof group === "string" && group.startsWith("default."))) report(`${args.name}: uses ${group ?? "the engine's default parameter group"} (maxmemory-policy volatile-lru); attach a parameter group with maxmemory-policy ${REQUIRED_MAXMEMORY_POLICY}.`);
  },
});

const tierSchema = schemaFrom({}, { tier: "string" });

export const rdsMultiAzPerTier = resourceRule({
  name: "rds-multi-az-per-tier",
  description: "On a tier whose preset sets database.multiAz (infra/tiers.ts), every RDS primary is Multi-AZ.",
  types: [T.rdsInstance],
  configSchema: tierSchema,
  validate: (props, args, report) => {
    if (props.replicateSourceDb) return args.notApplicable("read replicas are single-AZ by design");
    const tier = tierOfResource(args, configOf<{ tier?: string }>(args, {}).tier);
    if (!tier) return report(`${args.name}: ${NO_TIER}.`);
    if (TIERS[tier].database.multiAz && !isTrue(props.multiAz) && !isUnknown(props.multiAz)) report(`${args.name}: a single-AZ primary on tier ${tier}, which requires Multi-AZ; set multiAz: true.`);
  },
});

const spotDefaults = { minInstanceTypes: MIN_SPOT_INSTANCE_TYPES };
export const spotDiversity = resourceRule({
  name: "spot-instance-diversity",
  description: "SPOT node groups list at least minInstanceTypes instance types (default 4), so one reclaimed capacity pool cannot empty them.",
  types: [T.nodeGroup],
  configSchema: schemaFrom(spotDefaults),
  validate: (props, args, report) => {
    if (props.capacityType !== "SPOT") return args.notApplicable("not a SPOT node group");
    const { minInstanceTypes } = configOf(args, spotDefaults);
    const types = (parseMaybeJson(props.instanceTypes) ?? []) as unknown[];
    if (types.length < minInstanceTypes) report(`${args.name}: a SPOT node group with ${types.length} instance type${types.length === 1 ? "" : "s"} (${types.join(", ")}); list at least ${minInstanceTypes} interchangeable types so an interruption wave in one pool leaves capacity.`);
  },
});

export const natGatewayCap = stackRule({
  name: "nat-gateway-cap",
  description: "The stack has no more NAT gateways than its tier's network.natGateways (each costs per hour and per GB).",
  configSchema: schemaFrom({}, { tier: "string", maxNatGateways: "integer" }),
  validate: (args, report) => {
    const cfg = configOf<{ tier?: string; maxNatGateways?: number }>(args, {});
    const nats = ofTypes(args.resources, [NAT_GATEWAY]);
    if (nats.length === 0) return args.notApplicable("no NAT gateways");
    const tier = tierOfStack(args.resources, cfg.tier);
    if (!tier) return report(NO_TIER);
    const cap = cfg.maxNatGateways ?? TIERS[tier].network.natGateways;
    if (nats.length > cap) report(`${nats.length} NAT gateways (${nats.map((n) => n.name).join(", ")}); tier ${tier} allows ${cap}. Share one per AZ at most, or raise network.natGateways in infra/tiers.ts.`);
  },
});

const wafDefaults = { requireWaf: false };
export const cloudfrontWaf = resourceRule({
  name: "cloudfront-waf",
  description: "When the stack enables the WAF (config requireWaf, set from finishthisidea:waf.enabled), every CloudFront distribution has a web ACL (webAclId).",
  types: [T.distribution],
  configSchema: schemaFrom(wafDefaults),
  validate: (props, args, report) => {
    if (!configOf(args, wafDefaults).requireWaf) return;
    const acl = props.webAclId;
    if (typeof acl !== "string" || acl === "") report(`${args.name}: the stack enables the WAF but the distribution has no webAclId; attach the WAFv2 web ACL (scope CLOUDFRONT, us-east-1).`);
  },
});

export const platformRules: Rule[] = [redisNoEviction, rdsMultiAzPerTier, spotDiversity, natGatewayCap, cloudfrontWaf];
