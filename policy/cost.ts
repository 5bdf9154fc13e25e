/**
 * Cost rules: what a tier may run (instance types, DB classes, cache node types, GPUs, autoscaler ceilings),
 * worker capacity on SPOT, cost-allocation tags through provider default tags, S3 lifecycles, and the stack's
 * estimated monthly cost against the tier's budget. Tier ceilings come from infra/tiers.ts (via
 * ./thresholds); each rule takes overrides from its policy config.
 */
import { estimateCost, isCostlyFamily, type CostResource } from "../cost/estimate";
import TAGGABLE from "./aws-taggable-types.json";
import {
  asNumber,
  configOf,
  effectiveTags,
  ofTypes,
  parseMaybeJson,
  providerDefaultTags,
  resourceRule,
  schemaFrom,
  stackRule,
  tierOfResource,
  tierOfStack,
  type PolicyResource,
  type Rule,
} from "./kit";
import { K } from "./kubernetes";
import { BUCKET_TYPES, T, companionsOf } from "./security";
import {
  POOL_LABEL,
  REQUIRED_TAGS,
  TIERS,
  allowedTypesFor,
  autoscalerCapsFor,
  gpusPerInstance,
  maxGpusFor,
  type Pool,
} from "./thresholds";

export const TAGGABLE_AWS_TYPES: readonly string[] = TAGGABLE;

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const NO_TIER = "cannot tell the stack's tier: set the AWS provider default tag `tier` (infra/providers.ts does) or this policy's config `tier`";

// ---------------------------------------------------------------------------------------------------------

const typesDefaults = { extraInstanceTypes: [] as string[], extraDbInstanceClasses: [] as string[], extraCacheNodeTypes: [] as string[] };
export const allowedInstanceTypes = resourceRule({
  name: "cost-allowed-instance-types",
  description: "Instance types, DB classes and cache node types are ones the stack's tier (or a smaller tier) uses: nothing above the tier.",
  types: [NODE_GROUP, T.launchTemplate, T.instance, T.rdsInstance, "aws:rds/clusterInstance:ClusterInstance", T.replicationGroup, T.cacheCluster],
  configSchema: schemaFrom(typesDefaults, { tier: "string" }),
  validate: (props, args, report) => {
    const cfg = configOf<typeof typesDefaults & { tier?: string }>(args, typesDefaults);
    const tier = tierOfResource(args, cfg.tier);
    if (!tier) return report(`${args.name}: ${NO_TIER}.`);
    const allowed = allowedTypesFor(tier);
    const check = (kind: string, used: unknown[], list: string[]) => {
      for (const t of used.filter((x): x is string => typeof x === "string")) {
        if (!list.includes(t)) report(`${args.name}: ${kind} ${t} is not allowed on tier ${tier}; allowed: ${list.join(", ")}.`);
      }
    };
    if (args.type === NODE_GROUP) check("instance type", props.instanceTypes ?? [], [...allowed.instanceTypes, ...cfg.extraInstanceTypes]);
    else if (args.type === T.launchTemplate || args.type === T.instance) check("instance type", [props.instanceType], [...allowed.instanceTypes, ...cfg.extraInstanceTypes]);
    else if (args.type === T.replicationGroup || args.type === T.cacheCluster) check("cache node type", [props.nodeType], [...allowed.cacheNodeTypes, ...cfg.extraCacheNodeTypes]);
    else check("DB instance class", [props.instanceClass], [...allowed.dbInstanceClasses, ...cfg.extraDbInstanceClasses]);
  },
});

/** The pool a node group serves: its pool label, else its name. */
export function poolOf(r: { name: string; props: Record<string, any> }): Pool | undefined {
  const label = parseMaybeJson(r.props.labels)?.[POOL_LABEL];
  if (label === "system" || label === "workers" || label === "gpu") return label;
  const m = /(system|workers?|gpu)/.exec(r.name);
  return m ? (m[1] === "worker" ? "workers" : (m[1] as Pool)) : undefined;
}

export const workerCapacitySpot = resourceRule({
  name: "cost-worker-capacity-spot",
  description: "The worker node group (pool label finishthisidea.io/pool=workers) runs SPOT capacity.",
  types: [NODE_GROUP],
  validate: (props, args, report) => {
    if (poolOf(args) !== "workers") return args.notApplicable("not the worker pool");
    if (props.capacityType !== "SPOT") report(`${args.name}: worker node group runs ${props.capacityType ?? "ON_DEMAND"} capacity; worker capacity must be SPOT (capacityType: "SPOT") over a diversified instance list.`);
  },
});

export const gpuCap = stackRule({
  name: "cost-gpu-cap",
  description: "GPUs the node groups can scale to (maxSize x GPUs per instance) stay within the tier's cap (gpu.nodes.max x GPUs of its GPU type).",
  configSchema: schemaFrom({}, { tier: "string", maxGpus: "integer" }),
  validate: (args, report) => {
    const cfg = configOf<{ tier?: string; maxGpus?: number }>(args, {});
    const tier = tierOfStack(args.resources, cfg.tier);
    if (!tier) return report(NO_TIER);
    const cap = cfg.maxGpus ?? maxGpusFor(tier);
    let total = 0;
    const parts: string[] = [];
    for (const ng of ofTypes(args.resources, [NODE_GROUP])) {
      // Stryker disable next-line ArrayDeclaration: equivalent; any placeholder type in the empty list also counts 0 GPUs.
      const per = Math.max(0, ...(ng.props.instanceTypes ?? []).map((t: string) => gpusPerInstance(t)));
      const max = asNumber(ng.props.scalingConfig?.maxSize) ?? 0;
      if (per > 0) {
        total += per * max;
        parts.push(`${ng.name} ${max} x ${per}`);
      }
    }
    if (total > cap) report(`the node groups can scale to ${total} GPUs (${parts.join(", ")}); tier ${tier} allows ${cap}.`);
  },
});

const capsSchema = schemaFrom({}, { tier: "string", maxSystemNodes: "integer", maxWorkerNodes: "integer", maxGpuNodes: "integer", maxApiReplicas: "integer", maxWorkerReplicas: "integer" });
export const autoscalerCaps = stackRule({
  name: "cost-autoscaler-caps",
  description: "Autoscaler maxima stay within the tier: node group maxSize per pool, HPA maxReplicas and KEDA maxReplicaCount per workload.",
  configSchema: capsSchema,
  validate: (args, report) => {
    const cfg = configOf<Record<string, number | string | undefined>>(args, {});
    const tier = tierOfStack(args.resources, cfg.tier as string | undefined);
    if (!tier) return report(NO_TIER);
    const caps = autoscalerCapsFor(tier);
    const nodeCap: Record<Pool, number> = {
      system: (cfg.maxSystemNodes as number) ?? caps.nodes.system,
      workers: (cfg.maxWorkerNodes as number) ?? caps.nodes.workers,
      gpu: (cfg.maxGpuNodes as number) ?? caps.nodes.gpu,
    };
    for (const ng of ofTypes(args.resources, [NODE_GROUP])) {
      const pool = poolOf(ng);
      const max = asNumber(ng.props.scalingConfig?.maxSize);
      const cap = pool ? nodeCap[pool] : Math.max(...Object.values(nodeCap));
      if (max !== undefined && max > cap) report(`${ng.name}: maxSize ${max} exceeds tier ${tier}'s ${pool ?? "largest"} node cap ${cap}.`, ng.urn);
    }
    const apiCap = (cfg.maxApiReplicas as number) ?? caps.apiReplicas;
    const workerCap = (cfg.maxWorkerReplicas as number) ?? caps.workerReplicas;
    const scalers: [PolicyResource, number | undefined, string][] = [
      ...ofTypes(args.resources, [K.hpa]).map((h): [PolicyResource, number | undefined, string] => [h, asNumber(h.props.spec?.maxReplicas), "maxReplicas"]),
      ...ofTypes(args.resources, [K.scaledObject]).map((s): [PolicyResource, number | undefined, string] => [s, asNumber(s.props.spec?.maxReplicaCount) ?? 100, "maxReplicaCount"]),
    ];
    for (const [s, max, field] of scalers) {
      const target = `${s.name} ${s.props.spec?.scaleTargetRef?.name}`;
      const cap = /worker/i.test(target) ? workerCap : /api/i.test(target) ? apiCap : Math.max(apiCap, workerCap);
      if (max !== undefined && max > cap) report(`${s.name}: ${field} ${max} exceeds tier ${tier}'s cap ${cap}.`, s.urn);
    }
  },
});

const tagDefaults = { requiredTags: [...REQUIRED_TAGS] as string[] };
export const costAllocationTags = resourceRule({
  name: "cost-allocation-tags",
  description: "Every taggable AWS resource carries stack, tier, component and cost-center, through its provider's default tags (not by hand).",
  types: TAGGABLE_AWS_TYPES,
  configSchema: schemaFrom(tagDefaults),
  validate: (props, args, report) => {
    const { requiredTags } = configOf(args, tagDefaults);
    const tags = effectiveTags(args);
    const missing = requiredTags.filter((t) => !tags[t]);
    if (missing.length > 0) {
      const via = args.provider ? `provider ${args.provider.name}` : "the default provider";
      report(`${args.name}: missing cost-allocation tags ${missing.join(", ")}; set them as defaultTags on ${via} (infra/providers.ts), not by hand.`);
    }
    const own = parseMaybeJson(props.tags) ?? {};
    const byHand = requiredTags.filter((t) => typeof own[t] === "string" && own[t] !== providerDefaultTags(args.provider)[t]);
    if (byHand.length > 0) report(`${args.name}: sets cost-allocation tags ${byHand.join(", ")} by hand; they come from the provider's default tags only.`);
  },
});

export const s3Lifecycle = stackRule({
  name: "s3-lifecycle",
  description: "Every S3 bucket has a lifecycle configuration with at least one enabled rule (expire or transition old data).",
  validate: (args, report) => {
    const buckets = ofTypes(args.resources, BUCKET_TYPES);
    if (buckets.length === 0) return args.notApplicable("no S3 buckets");
    for (const b of buckets) {
      const inline: any[] = (parseMaybeJson(b.props.lifecycleRules) ?? []).filter((r: any) => r?.enabled !== false);
      const rules = companionsOf(b, args.resources, T.lifecycle).flatMap((c) => c.props.rules ?? []).filter((r: any) => r?.status !== "Disabled");
      if (inline.length + rules.length === 0) report(`S3 bucket ${b.name} has no enabled lifecycle rule; add a BucketLifecycleConfiguration (expire noncurrent versions, transition cold objects).`, b.urn);
    }
  },
});

/** Resources of a stack as the estimator reads them, grouped by their nearest `finishthisidea:*` ancestor. */
export function costResourcesOf(resources: PolicyResource[]): CostResource[] {
  return resources.map((r) => {
    let component: string | undefined;
    for (let p: PolicyResource | undefined = r; p && !component; p = p.parent) if (p.type.startsWith("finishthisidea:")) component = p.name;
    return { type: r.type, name: r.name, component, inputs: r.props };
  });
}

export const monthlyBudget = stackRule({
  name: "cost-monthly-budget",
  description: "The stack's estimated monthly cost (cost/estimate.ts baseline) is within the tier's monthlyBudgetUsd (mandatory on prod, advisory on staging).",
  configSchema: schemaFrom({}, { tier: "string", monthlyBudgetUsd: "number" }),
  validate: (args, report) => {
    const cfg = configOf<{ tier?: string; monthlyBudgetUsd?: number }>(args, {});
    const tier = tierOfStack(args.resources, cfg.tier);
    if (!tier) return report(NO_TIER);
    const budget = cfg.monthlyBudgetUsd ?? TIERS[tier].monthlyBudgetUsd;
    const estimate = estimateCost(costResourcesOf(args.resources));
    if (estimate.totalUsd > budget) {
      const top = Object.entries(estimate.byComponent).sort(([, a], [, b]) => b - a).slice(0, 3).map(([c, v]) => `${c} $${v.toFixed(0)}`).join(", ");
      report(`estimated monthly cost $${estimate.totalUsd.toFixed(2)} exceeds tier ${tier}'s budget $${budget} (largest: ${top}); shrink the stack or raise monthlyBudgetUsd in infra/tiers.ts.`);
    }
  },
});

export const unpricedResources = stackRule({
  name: "cost-unpriced-resources",
  description: "Resources of a costly family (EC2, EBS, RDS, ElastiCache, load balancers, OpenSearch, ...) that the estimate cannot price are reported: the budget rule cannot see them.",
  enforcementLevel: "advisory",
  validate: (args, report) => {
    const estimate = estimateCost(costResourcesOf(args.resources));
    for (const u of estimate.unpriced) {
      if (!isCostlyFamily(u.type)) continue;
      const r = args.resources.find((x) => x.name === u.resource && x.type === u.type);
      report(`${u.resource} (${u.type}) is not in the cost estimate: ${u.reason}; add its price to cost/prices.ts so the budget rule counts it.`, r?.urn);
    }
  },
});

export const costRules: Rule[] = [allowedInstanceTypes, workerCapacitySpot, gpuCap, autoscalerCaps, costAllocationTags, s3Lifecycle, monthlyBudget, unpricedResources];
