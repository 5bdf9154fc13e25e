/**
 * The stack's config: one zod schema for the `<project>:*` keys (the project's name from Pulumi.yaml,
 * `finishthisidea`), merged as tier preset + overrides into one typed PlatformConfig. Every problem is
 * reported at once, each naming the key, the bad value and what is allowed, before any resource is registered.
 * Form lives in the schema here; meaning (CIDRs, AZs, models) in config-checks.ts;
 * wording (our words for every zod issue, did-you-mean from the schema's keys) in config-messages.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { GPU_INSTANCE_SPECS } from "../components/cluster/instance-types";
import { maxDbConnections } from "../components/k8s/pgbouncer/config";
import {
  MAX_OLLAMA_MODELS,
  availabilityZoneProblems,
  ollamaModelProblems,
  publicAccessCidrProblems,
  vpcCidrProblems,
  type Problem,
} from "./config-checks";
import { describeIssues, ourWords, show } from "./config-messages";
import { LOG_RETENTION_DAYS } from "../components/observability/log-retention";
import { KNOWN_REGIONS, TIERS, TIER_NAMES, type TierName, type TierPreset } from "./tiers";

export { CONFIG_NAMESPACE } from "./config-namespace";

/** Keys whose values must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = ["cloudflareApiToken", "kubeconfig", "openaiApiKey", "anthropicApiKey", "slackWebhookUrl", "pagerdutyRoutingKey"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

// A check without its own words takes its schema's (zod), so only the bounds that say more carry words of their own.
const int = (min: number) => z.number({ error: "an integer" }).int().min(min, { error: `an integer >= ${min}` });
const intRange = (min: number, max: number, why: string) => int(min).max(max, { error: `an integer from ${min} to ${max}${why}` });
// ourWords says "true or false".
const bool = z.boolean();
const text = (example: string) => z.string({ error: `a non-empty string such as ${example}` }).min(1);
const region = z.enum(KNOWN_REGIONS, { error: `one of ${KNOWN_REGIONS.join(", ")}` });
const regionList = z.array(region, { error: "a list of regions" });
const range = (min: number) => z.strictObject({ min: int(min), max: int(min) });
const nodeGroupSize = (min: number) => z.strictObject({ min: int(min), max: int(min), desired: int(min) });
const instanceType = z.string({ error: "an instance type such as c5.xlarge" }).regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/);
// Tags are pinned versions; `latest` (or no tag) makes rollouts and rollbacks unreproducible.
const TAG = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";
const imageTag = z
  .string({ error: "an image tag" })
  .regex(new RegExp(`^${TAG}$`), { error: "a valid image tag" })
  .refine((t) => t !== "latest", { error: "a pinned tag, never `latest`" });
// Ollama models are pinned the same way: `name:tag`; a bare name means `latest` to Ollama.
const ollamaModel = z
  .string({ error: "a model with a pinned tag such as codellama:7b" })
  .regex(new RegExp(`^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)?:${TAG}$`), { error: "a model with a pinned tag such as codellama:7b (without a tag Ollama pulls `latest`)" })
  .refine((m) => !m.endsWith(":latest"), { error: "a pinned tag such as codellama:7b, never `latest`" });

const quantity = z.string({ error: "a Kubernetes quantity such as 500m or 4Gi" }).regex(/^[0-9]+(\.[0-9]+)?(m|Ki|Mi|Gi|Ti)?$/);
const podResources = z.strictObject({
  requests: z.strictObject({ cpu: quantity, memory: quantity }),
  limits: z.strictObject({ cpu: quantity, memory: quantity }),
});

// The overload levers stay on: 0 would turn a Postgres timeout off.
const dbTimeoutMs = z.number({ error: "milliseconds from 1000 to 3600000 (0, which turns the timeout off, is refused)" }).int({ error: "whole milliseconds from 1000 to 3600000" }).min(1_000).max(3_600_000, { error: "milliseconds from 1000 to 3600000 (longer work sets its own timeout per session)" });

const share = z.number({ error: "a number from 0 to 1" }).gt(0, { error: "a number above 0, at most 1" }).max(1, { error: "a number above 0, at most 1" });
const llmRoute = z.strictObject({
  belowComplexity: share,
  provider: z.enum(["openai", "anthropic"], { error: "one of openai, anthropic" }),
  model: z.string({ error: "a model name such as gpt-4" }).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/),
});

const presetSchema = z.strictObject({
  load: z.strictObject({ jobsPerDay: int(1), peakJobsPerHour: int(1) }),
  llm: z.strictObject({ ollamaMinConfidence: share, routes: z.array(llmRoute, { error: "a list of { belowComplexity, provider, model }" }).min(1, { error: "at least one route" }) }),
  network: z.strictObject({ natGateways: intRange(1, 3, " (one per AZ at most)") }),
  api: z.strictObject({ instanceType, nodes: nodeGroupSize(1), replicas: range(1) }),
  workers: z.strictObject({
    instanceType,
    spotInstanceTypes: z.array(instanceType, { error: "a list of instance types" }).min(4, { error: "at least 4 instance types (spot diversification)" }),
    nodes: nodeGroupSize(0),
    replicas: range(1),
    resources: podResources,
  }),
  gpu: z.strictObject({ instanceType, gpuType: text("nvidia-a10g"), nodes: nodeGroupSize(0), ollamaReplicas: int(0) }),
  database: z.strictObject({
    instanceClass: z.string({ error: "a DB instance class such as db.r5.xlarge" }).regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/),
    multiAz: bool,
    inRegionReplicas: intRange(0, 15, " (RDS allows 15 read replicas)"),
    replicaRegions: regionList,
    allocatedStorageGb: intRange(20, 65536, " GB (RDS gp3 limits)"),
    maxAllocatedStorageGb: intRange(20, 65536, " GB (RDS gp3 limits)"),
    backupRetentionDays: intRange(7, 35, " days (RDS limit; 7 is the platform's floor)"),
    crossRegionBackups: bool,
    backupRegion: region.optional(),
    maxConnections: int(20),
    statementTimeoutMs: dbTimeoutMs,
    idleInTransactionTimeoutMs: dbTimeoutMs,
    deletionProtection: bool,
  }),
  redis: z.strictObject({
    nodeType: z.string({ error: "a cache node type such as cache.r6g.large" }).regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/),
    clusterMode: bool,
    shards: intRange(1, 500, " (ElastiCache limit)"),
    replicasPerShard: intRange(0, 5, " (ElastiCache limit)"),
    snapshotRetentionDays: intRange(0, 35, " days (ElastiCache limit)"),
  }),
  pgbouncer: z.strictObject({ replicas: int(1) }),
  storage: z.strictObject({ replicaRegions: regionList }),
  prometheus: z.strictObject({
    requests: z.strictObject({ cpu: quantity, memory: quantity }),
    limits: z.strictObject({ memory: quantity }),
    storageGi: int(10),
  }),
  logs: z.strictObject({ retentionDays: z.literal(LOG_RETENTION_DAYS, { error: `one of ${LOG_RETENTION_DAYS.join(", ")} (the retention periods CloudWatch Logs accepts)` }) }),
  monthlyBudgetUsd: z.number({ error: "a number of USD" }).positive({ error: "a positive number of USD" }),
});

/** What a stack is for; it selects the policy pack's enforcement levels (policy/config/environments/). */
export const ENVIRONMENTS = ["production", "staging", "development"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

const stackSchema = z.strictObject({
  tier: z.enum(TIER_NAMES, { error: `one of ${TIER_NAMES.join(", ")}` }),
  /** Absent: the policy pack applies its strictest (production) levels. */
  environment: z.enum(ENVIRONMENTS, { error: `one of ${ENVIRONMENTS.join(", ")} (selects the policy levels; see docs/guardrails.md)` }).optional(),
  primaryRegion: region.default("us-east-1"),
  /** Three AZs of the primary region; defaults to <region>a/b/c. */
  availabilityZones: z.array(z.string({ error: "an AZ name such as us-east-1a" }), { error: "a list of 3 AZs such as [us-east-1a, us-east-1b, us-east-1c]" }).length(3, { error: "exactly 3 AZs" }).optional(),
  /** Checked for meaning (network address, private range, room for replica VPCs) in config-checks.ts. */
  vpcCidr: z.string({ error: "an IPv4 CIDR such as 10.0.0.0/16" }).default("10.0.0.0/16"),
  domain: z.string({ error: "a DNS name such as example.com" }).regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/),
  alertEmail: z.email({ error: "an email address" }),
  alertHttpsEndpoint: z.url({ protocol: /^https$/, error: "an https:// URL" }).optional(),
  /** Chat channel for warnings (with the secret slackWebhookUrl). */
  slackChannel: z.string({ error: "a Slack channel such as #ops-alerts" }).regex(/^#[a-z0-9][a-z0-9_-]{0,79}$/).default("#ops-alerts"),
  imageRegistry: text("ghcr.io/finishthisidea").default("ghcr.io/finishthisidea"),
  imageTags: z.strictObject({ api: imageTag, worker: imageTag, ollama: imageTag }, { error: "a mapping with api, worker and ollama image tags" }),
  ollamaModels: z
    .array(ollamaModel, { error: "a list of models such as [codellama:7b]" })
    .min(1, { error: "at least one model such as codellama:7b" })
    .max(MAX_OLLAMA_MODELS, { error: `at most ${MAX_OLLAMA_MODELS} models (each is pulled onto every replica's volume)` })
    .default(["codellama:7b"]),
  clusterPublicAccessCidrs: z.array(z.string({ error: "an IPv4 CIDR such as 203.0.113.0/24" }), { error: "a list of IPv4 CIDRs" }).default([]),
  cloudflareAccountId: z.string({ error: "a 32-character hex Cloudflare account id" }).regex(/^[0-9a-f]{32}$/),
  r2LocationHint: z.enum(["wnam", "enam", "weur", "eeur", "apac", "oc"], { error: "one of wnam, enam, weur, eeur, apac, oc" }).default("enam"),
  // On by default: every public entry (CloudFront and the API's ALB) gets the rate limit and AWS's managed rules.
  waf: z
    .strictObject({ enabled: bool.default(true), requestsPer5Minutes: intRange(100, 2_000_000_000, " (AWS WAF rate-based rule limits)").default(2000) }, { error: "a mapping with enabled and requestsPer5Minutes" })
    .default({ enabled: true, requestsPer5Minutes: 2000 }),
  surgeMode: bool.default(false),
  /** The API exposes websockets: their SLOs (99.9%, p95 50 ms) and burn-rate alerts are added. */
  websockets: bool.default(false),
  /** Send DATABASE_READ_URL to the in-region replicas' read pool (the overload playbook's step); off: the writer's pool. */
  readReplicaRouting: bool.default(false),
  costCenter: text("platform").default("platform"),
  overrides: z.record(z.string(), z.unknown(), { error: "a mapping of tier preset fields" }).default({}),
});

/** Every key this program reads under its namespace (schema keys and secrets): new schema keys join by themselves. */
export const CONFIG_KEYS: readonly string[] = [...Object.keys(stackSchema.shape), ...SECRET_KEYS];

export type StackSettings = Omit<z.infer<typeof stackSchema>, "overrides" | "availabilityZones"> & { availabilityZones: string[] };

/** The resolved, typed config every component is sized from. */
export interface PlatformConfig extends StackSettings {
  project: string;
  stack: string;
  preset: TierPreset;
  secrets: {
    cloudflareApiToken: pulumi.Output<string>;
    kubeconfig?: pulumi.Output<string>;
    /** Cloud LLM keys; absent means the workers run Ollama-only (or drop that provider's routes). */
    openaiApiKey?: pulumi.Output<string>;
    anthropicApiKey?: pulumi.Output<string>;
    /** Paging channels beside SNS. */
    slackWebhookUrl?: pulumi.Output<string>;
    pagerdutyRoutingKey?: pulumi.Output<string>;
  };
}

/** Raw config as read from a stack: plain values by key (namespace stripped), secret values as secret Outputs. */
export interface RawConfig {
  values: Record<string, unknown>;
  secrets: Partial<Record<SecretKey, pulumi.Output<string>>>;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = k in base ? deepMerge(base[k], v) : v;
  return out;
}

/** Cross-field rules the field schemas cannot express; each returns [path, message]. */
function presetProblems(p: TierPreset, primaryRegion: string, readReplicaRouting: boolean): Problem[] {
  const problems: Problem[] = [];
  const ranges: [string[], { min: number; max: number; desired?: number }][] = [
    [["api", "nodes"], p.api.nodes],
    [["api", "replicas"], p.api.replicas],
    [["workers", "nodes"], p.workers.nodes],
    [["workers", "replicas"], p.workers.replicas],
    [["gpu", "nodes"], p.gpu.nodes],
  ];
  for (const [path, r] of ranges) {
    if (r.min > r.max) problems.push([[...path, "min"], r.min, `a value <= ${path.join(".")}.max (${r.max})`]);
    if (r.desired !== undefined && (r.desired < r.min || r.desired > r.max))
      problems.push([[...path, "desired"], r.desired, `a value between min (${r.min}) and max (${r.max})`]);
  }
  // RDS storage autoscaling needs at least 10% headroom above the allocation.
  const minMaxStorage = Math.ceil((p.database.allocatedStorageGb * 11) / 10);
  if (p.database.maxAllocatedStorageGb < minMaxStorage)
    problems.push([["database", "maxAllocatedStorageGb"], p.database.maxAllocatedStorageGb, `a value >= ${minMaxStorage} (database.allocatedStorageGb + 10%)`]);
  const backupRegion = p.database.backupRegion ?? p.database.replicaRegions[0];
  if (p.database.crossRegionBackups && (backupRegion === undefined || backupRegion === primaryRegion))
    problems.push([["database", "backupRegion"], p.database.backupRegion, `a region other than the primary (${primaryRegion}) when database.crossRegionBackups is true and there is no replica region to copy to`]);
  try {
    maxDbConnections({ databaseMaxConnections: p.database.maxConnections, replicas: p.pgbouncer.replicas });
  } catch (e) {
    problems.push([["database", "maxConnections"], p.database.maxConnections, `room for every PgBouncer pool: ${(e as Error).message}`]);
  }
  for (const [path, regions] of [[["database", "replicaRegions"], p.database.replicaRegions], [["storage", "replicaRegions"], p.storage.replicaRegions]] as const) {
    regions.forEach((r, i) => {
      if (r === primaryRegion) problems.push([[...path, String(i)], r, `a region other than the primary region (${primaryRegion})`]);
      if (regions.indexOf(r) !== i) problems.push([[...path, String(i)], r, "each region once"]);
    });
  }
  if (p.redis.clusterMode === false && p.redis.shards !== 1)
    problems.push([["redis", "shards"], p.redis.shards, "1 when redis.clusterMode is false"]);
  p.llm.routes.forEach((r, i) => {
    const prev = i === 0 ? 0 : p.llm.routes[i - 1].belowComplexity;
    if (r.belowComplexity <= prev) problems.push([["llm", "routes", String(i), "belowComplexity"], r.belowComplexity, `a value above the previous route's (${prev}): routes ascend by complexity`]);
  });
  const last = p.llm.routes[p.llm.routes.length - 1];
  // The schema requires at least one route, so there is a last one.
  if (last.belowComplexity !== 1) problems.push([["llm", "routes", String(p.llm.routes.length - 1), "belowComplexity"], last.belowComplexity, "1 on the last route, so every job has a route"]);
  if (readReplicaRouting && p.database.inRegionReplicas === 0)
    problems.push([["database", "inRegionReplicas"], 0, `at least 1 when finishthisidea:readReplicaRouting is true (reads go to replicas in ${primaryRegion}; cross-region replicas are disaster-recovery copies no pod reaches)`]);
  if (p.gpu.ollamaReplicas > p.gpu.nodes.max)
    problems.push([["gpu", "ollamaReplicas"], p.gpu.ollamaReplicas, `at most gpu.nodes.max (${p.gpu.nodes.max}): one GPU per replica`]);
  // OllamaCluster sizes its pods from the GPU node's vCPUs and memory: a type it does not know cannot be sized.
  if (p.gpu.ollamaReplicas > 0 && !(p.gpu.instanceType in GPU_INSTANCE_SPECS))
    problems.push([["gpu", "instanceType"], p.gpu.instanceType, `a GPU instance type Ollama can be sized for: ${Object.keys(GPU_INSTANCE_SPECS).join(", ")}`]);
  return problems;
}

/**
 * Validate raw stack config and resolve it into a PlatformConfig. `project` (Pulumi.yaml `name:`) is the
 * namespace every key is named with. Throws ConfigError listing every problem.
 */
export function resolveConfig(raw: RawConfig, project: string, stack: string): PlatformConfig {
  const key = (path: PropertyKey[]) => `${project}:${path.map(String).join(".")}`;
  const problems: string[] = [];
  const word = (keyOf: (path: PropertyKey[]) => string) => ([path, value, allowed]: Problem) => `${keyOf(path)}: got ${show(value)}; expected ${allowed}`;

  for (const k of SECRET_KEYS) {
    if (k in raw.values) problems.push(`${key([k])}: is set in plain text; set it with \`pulumi config set --secret ${k} ...\``);
  }
  const values = Object.fromEntries(Object.entries(raw.values).filter(([k]) => !(SECRET_KEYS as readonly string[]).includes(k)));
  if (!raw.secrets.cloudflareApiToken)
    problems.push(`${key(["cloudflareApiToken"])}: got nothing (missing); expected a secret Cloudflare API token (pulumi config set --secret cloudflareApiToken ...)`);

  const parsed = stackSchema.safeParse(values, { error: ourWords });
  if (!parsed.success) {
    problems.push(...describeIssues(parsed.error.issues, values, stackSchema, key));
    throw new ConfigError(problems);
  }
  const settings = parsed.data;
  problems.push(
    ...[
      ...availabilityZoneProblems(settings.availabilityZones ?? [], settings.primaryRegion),
      ...publicAccessCidrProblems(settings.clusterPublicAccessCidrs),
      ...ollamaModelProblems(settings.ollamaModels),
    ].map(word(key)),
  );

  const base = TIERS[settings.tier as TierName];
  const merged = deepMerge(base, settings.overrides);
  const overrideKey = (path: PropertyKey[]) =>
    // A problem in a section the stack overrides is named at the override, else at the tier preset.
    String(path[0]) in settings.overrides ? key(["overrides", ...path]) : `tier preset ${settings.tier}.${path.map(String).join(".")}`;
  const preset = presetSchema.safeParse(merged, { error: ourWords });
  if (!preset.success) {
    problems.push(...describeIssues(preset.error.issues, merged, presetSchema, overrideKey));
    throw new ConfigError(problems);
  }
  if (preset.data.gpu.ollamaReplicas === 0 && !raw.secrets.openaiApiKey && !raw.secrets.anthropicApiKey)
    problems.push(`${overrideKey(["gpu", "ollamaReplicas"])}: got 0; expected at least 1 when neither ${key(["openaiApiKey"])} nor ${key(["anthropicApiKey"])} is set (the workers would have no LLM)`);
  problems.push(...presetProblems(preset.data, settings.primaryRegion, settings.readReplicaRouting).map(word(overrideKey)));
  problems.push(...vpcCidrProblems(settings.vpcCidr, preset.data.database.replicaRegions).map(word(key)));
  if (problems.length > 0) throw new ConfigError(problems);

  const { overrides: _overrides, availabilityZones, ...rest } = settings;
  return {
    ...rest,
    availabilityZones: availabilityZones ?? ["a", "b", "c"].map((s) => `${settings.primaryRegion}${s}`),
    project,
    stack,
    preset: preset.data,
    secrets: {
      cloudflareApiToken: raw.secrets.cloudflareApiToken!,
      kubeconfig: raw.secrets.kubeconfig,
      openaiApiKey: raw.secrets.openaiApiKey,
      anthropicApiKey: raw.secrets.anthropicApiKey,
      slackWebhookUrl: raw.secrets.slackWebhookUrl,
      pagerdutyRoutingKey: raw.secrets.pagerdutyRoutingKey,
    },
  };
}
