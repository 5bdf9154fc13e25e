/**
 * The stack's config: one zod schema for the `finishthisidea:*` keys, merged as tier preset + overrides into
 * one typed PlatformConfig. Every problem is reported at once, each naming the key, the bad value and what is
 * allowed, before any resource is registered.
 */
import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { maxDbConnections } from "../components/k8s";
import { LOG_RETENTION_DAYS } from "../components/observability";
import { KNOWN_REGIONS, TIERS, TIER_NAMES, type TierName, type TierPreset } from "./tiers";

export const CONFIG_NAMESPACE = "finishthisidea";

/** Keys whose values must be set with `pulumi config set --secret`. */
export const SECRET_KEYS = ["cloudflareApiToken", "kubeconfig", "slackWebhookUrl", "pagerdutyRoutingKey"] as const;
export type SecretKey = (typeof SECRET_KEYS)[number];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid stack config (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n  - ${problems.join("\n  - ")}`);
    this.name = "ConfigError";
  }
}

const int = (min: number) => z.number({ error: "an integer" }).int({ error: "an integer" }).min(min, { error: `an integer >= ${min}` });
const region = z.enum(KNOWN_REGIONS, { error: `one of ${KNOWN_REGIONS.join(", ")}` });
const regionList = z.array(region, { error: "a list of regions" });
const range = (min: number) => z.strictObject({ min: int(min), max: int(min) });
const nodeGroupSize = (min: number) => z.strictObject({ min: int(min), max: int(min), desired: int(min) });
const instanceType = z.string({ error: "an instance type such as c5.xlarge" }).regex(/^[a-z][a-z0-9-]*\.[a-z0-9]+$/, { error: "an instance type such as c5.xlarge" });
// Tags are pinned versions; `latest` (or no tag) makes rollouts and rollbacks unreproducible.
const imageTag = z
  .string({ error: "an image tag" })
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, { error: "a valid image tag" })
  .refine((t) => t !== "latest", { error: "a pinned tag, never `latest`" });

const presetSchema = z.strictObject({
  network: z.strictObject({ natGateways: int(1).max(3, { error: "1 to 3 (one per AZ at most)" }) }),
  api: z.strictObject({ instanceType, nodes: nodeGroupSize(1), replicas: range(1) }),
  workers: z.strictObject({
    instanceType,
    spotInstanceTypes: z.array(instanceType).min(4, { error: "at least 4 instance types (spot diversification)" }),
    nodes: nodeGroupSize(0),
    replicas: range(1),
  }),
  gpu: z.strictObject({ instanceType, gpuType: z.string().min(1), nodes: nodeGroupSize(0), ollamaReplicas: int(0) }),
  database: z.strictObject({
    instanceClass: z.string().regex(/^db\.[a-z0-9]+\.[a-z0-9]+$/, { error: "a DB instance class such as db.r5.xlarge" }),
    multiAz: z.boolean({ error: "true or false" }),
    inRegionReplicas: int(0),
    replicaRegions: regionList,
    allocatedStorageGb: int(20),
    maxAllocatedStorageGb: int(20),
    backupRetentionDays: int(7).max(35, { error: "7 to 35 days (RDS limit; 7 is the platform's floor)" }),
    crossRegionBackups: z.boolean({ error: "true or false" }),
    backupRegion: region.optional(),
    maxConnections: int(20),
    deletionProtection: z.boolean({ error: "true or false" }),
  }),
  redis: z.strictObject({
    nodeType: z.string().regex(/^cache\.[a-z0-9]+\.[a-z0-9]+$/, { error: "a cache node type such as cache.r6g.large" }),
    clusterMode: z.boolean({ error: "true or false" }),
    shards: int(1).max(500),
    replicasPerShard: int(0).max(5, { error: "0 to 5 (ElastiCache limit)" }),
    snapshotRetentionDays: int(0).max(35),
  }),
  pgbouncer: z.strictObject({ replicas: int(1) }),
  storage: z.strictObject({ replicaRegions: regionList }),
  logs: z.strictObject({ retentionDays: z.literal(LOG_RETENTION_DAYS, { error: `one of ${LOG_RETENTION_DAYS.join(", ")} (the retention periods CloudWatch Logs accepts)` }) }),
  monthlyBudgetUsd: z.number({ error: "a number of USD" }).positive({ error: "a positive number of USD" }),
});

const stackSchema = z.strictObject({
  tier: z.enum(TIER_NAMES, { error: `one of ${TIER_NAMES.join(", ")}` }),
  primaryRegion: region.default("us-east-1"),
  /** Three AZs of the primary region; defaults to <region>a/b/c. */
  availabilityZones: z.array(z.string().regex(/^[a-z]{2}-[a-z]+-\d[a-z]$/, { error: "an AZ name such as us-east-1a" })).length(3, { error: "exactly 3 AZs" }).optional(),
  vpcCidr: z.string().regex(/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|20)$/, { error: "an IPv4 CIDR from /16 to /20" }).default("10.0.0.0/16"),
  domain: z.string({ error: "a DNS name such as example.com" }).regex(/^(?=.{1,253}$)([a-z0-9-]+\.)+[a-z]{2,}$/, { error: "a DNS name such as example.com" }),
  alertEmail: z.email({ error: "an email address" }),
  alertHttpsEndpoint: z.url({ protocol: /^https$/, error: "an https:// URL" }).optional(),
  /** Chat channel for warnings (with the secret slackWebhookUrl). */
  slackChannel: z.string().regex(/^#[a-z0-9][a-z0-9_-]{0,79}$/, { error: "a Slack channel such as #ops-alerts" }).default("#ops-alerts"),
  imageRegistry: z.string().min(1).default("ghcr.io/finishthisidea"),
  imageTags: z.strictObject({ api: imageTag, worker: imageTag, ollama: imageTag }),
  ollamaModels: z.array(z.string().regex(/^[a-z0-9][a-z0-9._:-]*$/, { error: "a model name such as codellama or codellama:13b" })).min(1).default(["codellama"]),
  clusterPublicAccessCidrs: z.array(z.cidrv4({ error: "an IPv4 CIDR" }).refine((c) => !c.endsWith("/0"), { error: "a CIDR narrower than /0" })).default([]),
  cloudflareAccountId: z.string().regex(/^[0-9a-f]{32}$/, { error: "a 32-character hex Cloudflare account id" }),
  r2LocationHint: z.enum(["wnam", "enam", "weur", "eeur", "apac", "oc"], { error: "one of wnam, enam, weur, eeur, apac, oc" }).default("enam"),
  waf: z.strictObject({ enabled: z.boolean().default(false), requestsPer5Minutes: int(100).default(2000) }).default({ enabled: false, requestsPer5Minutes: 2000 }),
  surgeMode: z.boolean({ error: "true or false" }).default(false),
  costCenter: z.string().min(1).default("platform"),
  overrides: z.record(z.string(), z.unknown(), { error: "an object of tier preset fields" }).default({}),
});

export type StackSettings = Omit<z.infer<typeof stackSchema>, "overrides" | "availabilityZones"> & { availabilityZones: string[] };

/** The resolved, typed config every component is sized from. */
export interface PlatformConfig extends StackSettings {
  project: string;
  stack: string;
  preset: TierPreset;
  secrets: { cloudflareApiToken: pulumi.Output<string>; kubeconfig?: pulumi.Output<string>; slackWebhookUrl?: pulumi.Output<string>; pagerdutyRoutingKey?: pulumi.Output<string> };
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

function valueAt(root: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((v, k) => (isPlainObject(v) || Array.isArray(v) ? (v as Record<PropertyKey, unknown>)[k] : undefined), root);
}

function hasPath(root: unknown, path: PropertyKey[]): boolean {
  let v = root;
  for (const k of path) {
    if (!isPlainObject(v) && !Array.isArray(v)) return false;
    if (!(k in (v as object))) return false;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return true;
}

function show(v: unknown): string {
  return v === undefined ? "nothing (missing)" : JSON.stringify(v);
}

function describeIssues(issues: z.core.$ZodIssue[], root: unknown, keyOf: (path: PropertyKey[]) => string): string[] {
  return issues.map((issue) => {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      const allowedKeys = Object.keys(valueAt(root, path) ?? {}).filter((k) => !issue.keys.includes(k));
      return issue.keys
        .map((k) => `${keyOf([...path, k])}: unknown key; allowed keys here: ${allowedKeys.join(", ") || "(none)"}`)
        .join("\n  - ");
    }
    return `${keyOf(path)}: got ${show(valueAt(root, path))}; expected ${issue.message}`;
  });
}

/** Cross-field rules the field schemas cannot express; each returns [path, message]. */
function presetProblems(p: TierPreset, primaryRegion: string): [string[], unknown, string][] {
  const problems: [string[], unknown, string][] = [];
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
  if (p.gpu.ollamaReplicas > p.gpu.nodes.max)
    problems.push([["gpu", "ollamaReplicas"], p.gpu.ollamaReplicas, `at most gpu.nodes.max (${p.gpu.nodes.max}): one GPU per replica`]);
  return problems;
}

/**
 * Validate raw stack config and resolve it into a PlatformConfig. Throws ConfigError listing every problem.
 */
export function resolveConfig(raw: RawConfig, project: string, stack: string): PlatformConfig {
  const key = (path: PropertyKey[]) => `${CONFIG_NAMESPACE}:${path.map(String).join(".")}`;
  const problems: string[] = [];

  for (const k of SECRET_KEYS) {
    if (k in raw.values) problems.push(`${key([k])}: is set in plain text; set it with \`pulumi config set --secret ${k} ...\``);
  }
  const values = Object.fromEntries(Object.entries(raw.values).filter(([k]) => !(SECRET_KEYS as readonly string[]).includes(k)));
  if (!raw.secrets.cloudflareApiToken)
    problems.push(`${key(["cloudflareApiToken"])}: got nothing (missing); expected a secret Cloudflare API token (pulumi config set --secret cloudflareApiToken ...)`);

  const parsed = stackSchema.safeParse(values);
  if (!parsed.success) {
    problems.push(...describeIssues(parsed.error.issues, values, key));
    throw new ConfigError(problems);
  }
  const settings = parsed.data;

  const base = TIERS[settings.tier as TierName];
  const merged = deepMerge(base, settings.overrides);
  const overrideKey = (path: PropertyKey[]) =>
    hasPath(settings.overrides, path.slice(0, 1)) ? key(["overrides", ...path]) : `tier preset ${settings.tier}.${path.map(String).join(".")}`;
  const preset = presetSchema.safeParse(merged);
  if (!preset.success) {
    problems.push(...describeIssues(preset.error.issues, merged, overrideKey));
    throw new ConfigError(problems);
  }
  for (const [path, value, allowed] of presetProblems(preset.data, settings.primaryRegion)) {
    problems.push(`${overrideKey(path)}: got ${show(value)}; expected ${allowed}`);
  }
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
      slackWebhookUrl: raw.secrets.slackWebhookUrl,
      pagerdutyRoutingKey: raw.secrets.pagerdutyRoutingKey,
    },
  };
}
