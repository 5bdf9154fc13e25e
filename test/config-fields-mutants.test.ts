/**
 * Every stack setting, and every field of a tier preset as an override sees it (issue 19: the field schemas of
 * infra/config.ts are built at load, so their mutants are static): the wrong type, a fraction, each side of every
 * bound, and the exact words of each problem. Bounds are AWS's (RDS, ElastiCache, WAF, CloudWatch Logs) and the
 * platform's floors; the messages are literals.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "../infra/config";

const BASE = {
  tier: "mvp", domain: "staging.finishthisidea.com", alertEmail: "oncall@finishthisidea.com",
  imageTags: { api: "1.4.2", worker: "1.4.2", ollama: "0.6.5" }, cloudflareAccountId: "0123456789abcdef0123456789abcdef",
};

/** The problems of MVP with one preset field overridden, each without the common "finishthisidea:overrides." prefix. */
function problemsWith(path: string, value: unknown): string[] {
  const overrides: Record<string, unknown> = {};
  let at = overrides;
  const keys = path.split(".");
  for (const k of keys.slice(0, -1)) at = (at[k] = {}) as Record<string, unknown>;
  at[keys.at(-1)!] = value;
  try {
    resolveConfig({ values: { ...BASE, overrides }, secrets: { cloudflareApiToken: pulumi.secret("token") } }, "finishthisidea", "test");
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => p.replace(/^finishthisidea:overrides\./, ""));
    throw e;
  }
  return [];
}

/** [preset field, value, the problems reported] ([] = accepted). */
const FIELDS: [string, unknown, string[]][] = [
  ["load.jobsPerDay", "x", ["load.jobsPerDay: got \"x\"; expected an integer"]],
  ["load.jobsPerDay", 1.5, ["load.jobsPerDay: got 1.5; expected an integer"]],
  ["load.jobsPerDay", 0, ["load.jobsPerDay: got 0; expected an integer >= 1"]],
  ["load.jobsPerDay", 1, []],
  ["load.peakJobsPerHour", "x", ["load.peakJobsPerHour: got \"x\"; expected an integer"]],
  ["load.peakJobsPerHour", 1.5, ["load.peakJobsPerHour: got 1.5; expected an integer"]],
  ["load.peakJobsPerHour", 0, ["load.peakJobsPerHour: got 0; expected an integer >= 1"]],
  ["load.peakJobsPerHour", 1, []],
  ["llm.ollamaMinConfidence", "x", ["llm.ollamaMinConfidence: got \"x\"; expected a number from 0 to 1"]],
  ["llm.ollamaMinConfidence", 0, ["llm.ollamaMinConfidence: got 0; expected a number above 0, at most 1"]],
  ["llm.ollamaMinConfidence", 1, []],
  ["llm.ollamaMinConfidence", 1.5, ["llm.ollamaMinConfidence: got 1.5; expected a number above 0, at most 1"]],
  ["llm.routes", "x", ["llm.routes: got \"x\"; expected a list of { belowComplexity, provider, model }"]],
  ["llm.routes", [], ["llm.routes: got []; expected at least one route"]],
  ["llm.routes", [{"belowComplexity":0.5,"provider":"x","model":"gpt-4"}], ["llm.routes.0.provider: got \"x\"; expected one of openai, anthropic"]],
  ["llm.routes", [{"belowComplexity":0.5,"provider":"openai","model":""}], ["llm.routes.0.model: got \"\"; expected a model name such as gpt-4"]],
  ["llm.routes", [{"belowComplexity":0.5,"provider":"openai","model":5}], ["llm.routes.0.model: got 5; expected a model name such as gpt-4"]],
  ["llm.routes", [{"belowComplexity":0,"provider":"openai","model":"gpt-4"}], ["llm.routes.0.belowComplexity: got 0; expected a number above 0, at most 1"]],
  ["llm.routes", [{"belowComplexity":1,"provider":"openai","model":"gpt-4","extra":1}], ["llm.routes.0.extra: unknown key; allowed keys here: belowComplexity, provider, model"]],
  ["network.natGateways", "x", ["network.natGateways: got \"x\"; expected an integer"]],
  ["network.natGateways", 1.5, ["network.natGateways: got 1.5; expected an integer"]],
  ["network.natGateways", 0, ["network.natGateways: got 0; expected an integer >= 1"]],
  ["network.natGateways", 1, []],
  ["network.natGateways", 3, []],
  ["network.natGateways", 4, ["network.natGateways: got 4; expected an integer from 1 to 3 (one per AZ at most)"]],
  ["api.instanceType", "c5", ["api.instanceType: got \"c5\"; expected an instance type such as c5.xlarge"]],
  ["api.instanceType", 5, ["api.instanceType: got 5; expected an instance type such as c5.xlarge"]],
  ["api.instanceType", "C5.xlarge", ["api.instanceType: got \"C5.xlarge\"; expected an instance type such as c5.xlarge"]],
  ["api.nodes.min", "x", ["api.nodes.min: got \"x\"; expected an integer"]],
  ["api.nodes.min", 1.5, ["api.nodes.min: got 1.5; expected an integer"]],
  ["api.nodes.min", 0, ["api.nodes.min: got 0; expected an integer >= 1"]],
  ["api.nodes.min", 1, []],
  ["api.replicas.max", "x", ["api.replicas.max: got \"x\"; expected an integer"]],
  ["api.replicas.max", 1.5, ["api.replicas.max: got 1.5; expected an integer"]],
  ["api.replicas.max", 0, ["api.replicas.max: got 0; expected an integer >= 1"]],
  ["api.replicas.max", 1, ["api.replicas.min: got 2; expected a value <= api.replicas.max (1)"]],
  ["workers.spotInstanceTypes", "x", ["workers.spotInstanceTypes: got \"x\"; expected a list of instance types","workers.spotInstanceTypes: got \"x\"; expected at least 4 instance types (spot diversification)"]],
  ["workers.spotInstanceTypes", ["c5.xlarge","c5a.xlarge","m5.xlarge"], ["workers.spotInstanceTypes: got [\"c5.xlarge\",\"c5a.xlarge\",\"m5.xlarge\"]; expected at least 4 instance types (spot diversification)"]],
  ["workers.spotInstanceTypes", ["c5.xlarge","c5a.xlarge","m5.xlarge","bad"], ["workers.spotInstanceTypes.3: got \"bad\"; expected an instance type such as c5.xlarge"]],
  ["workers.nodes.desired", "x", ["workers.nodes.desired: got \"x\"; expected an integer"]],
  ["workers.nodes.desired", 0.5, ["workers.nodes.desired: got 0.5; expected an integer"]],
  ["workers.nodes.desired", -1, ["workers.nodes.desired: got -1; expected an integer >= 0"]],
  ["workers.nodes.desired", 0, ["workers.nodes.desired: got 0; expected a value between min (2) and max (8)"]],
  ["workers.resources.requests.cpu", "5 cores", ["workers.resources.requests.cpu: got \"5 cores\"; expected a Kubernetes quantity such as 500m or 4Gi"]],
  ["workers.resources.limits.memory", 4, ["workers.resources.limits.memory: got 4; expected a Kubernetes quantity such as 500m or 4Gi"]],
  ["gpu.gpuType", "", ["gpu.gpuType: got \"\"; expected a non-empty string such as nvidia-a10g"]],
  ["gpu.gpuType", 5, ["gpu.gpuType: got 5; expected a non-empty string such as nvidia-a10g"]],
  ["gpu.ollamaReplicas", "x", ["gpu.ollamaReplicas: got \"x\"; expected an integer"]],
  ["gpu.ollamaReplicas", 0.5, ["gpu.ollamaReplicas: got 0.5; expected an integer"]],
  ["gpu.ollamaReplicas", -1, ["gpu.ollamaReplicas: got -1; expected an integer >= 0"]],
  ["gpu.ollamaReplicas", 0, ["gpu.ollamaReplicas: got 0; expected at least 1 when neither finishthisidea:openaiApiKey nor finishthisidea:anthropicApiKey is set (the workers would have no LLM)"]],
  ["database.instanceClass", "r5.xlarge", ["database.instanceClass: got \"r5.xlarge\"; expected a DB instance class such as db.r5.xlarge"]],
  ["database.multiAz", "yes", ["database.multiAz: got \"yes\"; expected true or false"]],
  ["database.replicaRegions", "us-east-1", ["database.replicaRegions: got \"us-east-1\"; expected a list of regions"]],
  ["database.replicaRegions", ["mars-1"], ["database.replicaRegions.0: got \"mars-1\"; expected one of us-east-1, us-east-2, us-west-2, eu-west-1, eu-central-1, ap-southeast-1"]],
  ["database.backupRegion", "mars-1", ["database.backupRegion: got \"mars-1\"; expected one of us-east-1, us-east-2, us-west-2, eu-west-1, eu-central-1, ap-southeast-1"]],
  ["database.inRegionReplicas", "x", ["database.inRegionReplicas: got \"x\"; expected an integer"]],
  ["database.inRegionReplicas", 0.5, ["database.inRegionReplicas: got 0.5; expected an integer"]],
  ["database.inRegionReplicas", -1, ["database.inRegionReplicas: got -1; expected an integer >= 0"]],
  ["database.inRegionReplicas", 0, []],
  ["database.inRegionReplicas", 15, []],
  ["database.inRegionReplicas", 16, ["database.inRegionReplicas: got 16; expected an integer from 0 to 15 (RDS allows 15 read replicas)"]],
  ["database.allocatedStorageGb", "x", ["database.allocatedStorageGb: got \"x\"; expected an integer"]],
  ["database.allocatedStorageGb", 20.5, ["database.allocatedStorageGb: got 20.5; expected an integer"]],
  ["database.allocatedStorageGb", 19, ["database.allocatedStorageGb: got 19; expected an integer >= 20"]],
  ["database.allocatedStorageGb", 20, []],
  ["database.allocatedStorageGb", 65536, ["database.maxAllocatedStorageGb: got 200; expected a value >= 72090 (database.allocatedStorageGb + 10%)"]],
  ["database.allocatedStorageGb", 65537, ["database.allocatedStorageGb: got 65537; expected an integer from 20 to 65536 GB (RDS gp3 limits)"]],
  ["database.maxAllocatedStorageGb", "x", ["database.maxAllocatedStorageGb: got \"x\"; expected an integer"]],
  ["database.maxAllocatedStorageGb", 20.5, ["database.maxAllocatedStorageGb: got 20.5; expected an integer"]],
  ["database.maxAllocatedStorageGb", 19, ["database.maxAllocatedStorageGb: got 19; expected an integer >= 20"]],
  ["database.maxAllocatedStorageGb", 20, ["database.maxAllocatedStorageGb: got 20; expected a value >= 55 (database.allocatedStorageGb + 10%)"]],
  ["database.maxAllocatedStorageGb", 65536, []],
  ["database.maxAllocatedStorageGb", 65537, ["database.maxAllocatedStorageGb: got 65537; expected an integer from 20 to 65536 GB (RDS gp3 limits)"]],
  ["database.backupRetentionDays", "x", ["database.backupRetentionDays: got \"x\"; expected an integer"]],
  ["database.backupRetentionDays", 7.5, ["database.backupRetentionDays: got 7.5; expected an integer"]],
  ["database.backupRetentionDays", 6, ["database.backupRetentionDays: got 6; expected an integer >= 7"]],
  ["database.backupRetentionDays", 7, []],
  ["database.backupRetentionDays", 35, []],
  ["database.backupRetentionDays", 36, ["database.backupRetentionDays: got 36; expected an integer from 7 to 35 days (RDS limit; 7 is the platform's floor)"]],
  ["database.maxConnections", "x", ["database.maxConnections: got \"x\"; expected an integer"]],
  ["database.maxConnections", 20.5, ["database.maxConnections: got 20.5; expected an integer"]],
  ["database.maxConnections", 19, ["database.maxConnections: got 19; expected an integer >= 20"]],
  ["database.maxConnections", 20, ["database.maxConnections: got 20; expected room for every PgBouncer pool: PgBouncer pool sizing: 3 pods (2 replicas + 1 being replaced) x 30 server connections each (default_pool_size + reserve_pool_size) = 90 do not fit in the database's max_connections 20 minus 10 reserved for superuser, replication and monitoring (10 available); raise database.maxConnections, or lower pgbouncer.replicas or the pool size"]],
  ["database.statementTimeoutMs", "x", ["database.statementTimeoutMs: got \"x\"; expected milliseconds from 1000 to 3600000 (0, which turns the timeout off, is refused)"]],
  ["database.statementTimeoutMs", 999, ["database.statementTimeoutMs: got 999; expected milliseconds from 1000 to 3600000 (0, which turns the timeout off, is refused)"]],
  ["database.statementTimeoutMs", 1000.5, ["database.statementTimeoutMs: got 1000.5; expected whole milliseconds from 1000 to 3600000"]],
  ["database.statementTimeoutMs", 3600001, ["database.statementTimeoutMs: got 3600001; expected milliseconds from 1000 to 3600000 (longer work sets its own timeout per session)"]],
  ["database.idleInTransactionTimeoutMs", 0, ["database.idleInTransactionTimeoutMs: got 0; expected milliseconds from 1000 to 3600000 (0, which turns the timeout off, is refused)"]],
  ["database.crossRegionBackups", 1, ["database.crossRegionBackups: got 1; expected true or false"]],
  ["database.deletionProtection", "no", ["database.deletionProtection: got \"no\"; expected true or false"]],
  ["redis.nodeType", "r6g.large", ["redis.nodeType: got \"r6g.large\"; expected a cache node type such as cache.r6g.large"]],
  ["redis.clusterMode", "on", ["redis.clusterMode: got \"on\"; expected true or false"]],
  ["redis.shards", "x", ["redis.shards: got \"x\"; expected an integer"]],
  ["redis.shards", 1.5, ["redis.shards: got 1.5; expected an integer"]],
  ["redis.shards", 0, ["redis.shards: got 0; expected an integer >= 1"]],
  ["redis.shards", 1, []],
  ["redis.shards", 500, ["redis.shards: got 500; expected 1 when redis.clusterMode is false"]],
  ["redis.shards", 501, ["redis.shards: got 501; expected an integer from 1 to 500 (ElastiCache limit)"]],
  ["redis.replicasPerShard", "x", ["redis.replicasPerShard: got \"x\"; expected an integer"]],
  ["redis.replicasPerShard", 0.5, ["redis.replicasPerShard: got 0.5; expected an integer"]],
  ["redis.replicasPerShard", -1, ["redis.replicasPerShard: got -1; expected an integer >= 0"]],
  ["redis.replicasPerShard", 0, []],
  ["redis.replicasPerShard", 5, []],
  ["redis.replicasPerShard", 6, ["redis.replicasPerShard: got 6; expected an integer from 0 to 5 (ElastiCache limit)"]],
  ["redis.snapshotRetentionDays", "x", ["redis.snapshotRetentionDays: got \"x\"; expected an integer"]],
  ["redis.snapshotRetentionDays", 0.5, ["redis.snapshotRetentionDays: got 0.5; expected an integer"]],
  ["redis.snapshotRetentionDays", -1, ["redis.snapshotRetentionDays: got -1; expected an integer >= 0"]],
  ["redis.snapshotRetentionDays", 0, []],
  ["redis.snapshotRetentionDays", 35, []],
  ["redis.snapshotRetentionDays", 36, ["redis.snapshotRetentionDays: got 36; expected an integer from 0 to 35 days (ElastiCache limit)"]],
  ["pgbouncer.replicas", "x", ["pgbouncer.replicas: got \"x\"; expected an integer"]],
  ["pgbouncer.replicas", 1.5, ["pgbouncer.replicas: got 1.5; expected an integer"]],
  ["pgbouncer.replicas", 0, ["pgbouncer.replicas: got 0; expected an integer >= 1"]],
  ["pgbouncer.replicas", 1, []],
  ["storage.replicaRegions", ["mars-1"], ["storage.replicaRegions.0: got \"mars-1\"; expected one of us-east-1, us-east-2, us-west-2, eu-west-1, eu-central-1, ap-southeast-1"]],
  ["prometheus.requests.memory", "lots", ["prometheus.requests.memory: got \"lots\"; expected a Kubernetes quantity such as 500m or 4Gi"]],
  ["prometheus.limits.memory", "lots", ["prometheus.limits.memory: got \"lots\"; expected a Kubernetes quantity such as 500m or 4Gi"]],
  ["prometheus.storageGi", "x", ["prometheus.storageGi: got \"x\"; expected an integer"]],
  ["prometheus.storageGi", 10.5, ["prometheus.storageGi: got 10.5; expected an integer"]],
  ["prometheus.storageGi", 9, ["prometheus.storageGi: got 9; expected an integer >= 10"]],
  ["prometheus.storageGi", 10, []],
  ["logs.retentionDays", 2, ["logs.retentionDays: got 2; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (the retention periods CloudWatch Logs accepts)"]],
  ["logs.retentionDays", "x", ["logs.retentionDays: got \"x\"; expected one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653 (the retention periods CloudWatch Logs accepts)"]],
  ["monthlyBudgetUsd", "x", ["monthlyBudgetUsd: got \"x\"; expected a number of USD"]],
  ["monthlyBudgetUsd", 0, ["monthlyBudgetUsd: got 0; expected a positive number of USD"]],
  ["monthlyBudgetUsd", -5, ["monthlyBudgetUsd: got -5; expected a positive number of USD"]],
  // Sections given as something other than a mapping: a problem in our words (null must not crash the merge).
  ["redis", null, ["redis: got null; expected a mapping of keys to values"]],
  ["api.nodes", 5, ["api.nodes: got 5; expected a mapping of keys to values"]],
  ["workers.resources.requests", "x", ["workers.resources.requests: got \"x\"; expected a mapping of keys to values"]],
  ["load", 5, ["load: got 5; expected a mapping of keys to values"]],
  ["llm.routes", [5], ["llm.routes.0: got 5; expected a mapping of keys to values"]],
  ["prometheus.limits", [], ["prometheus.limits: got []; expected a mapping of keys to values"]],
  // Each pattern anchored at both ends, and a fraction in a quantity.
  ["llm.routes", [{"belowComplexity": 0.5, "provider": "openai", "model": "-gpt"}], ["llm.routes.0.model: got \"-gpt\"; expected a model name such as gpt-4"]],
  ["llm.routes", [{"belowComplexity": 0.5, "provider": "openai", "model": "gpt 4"}], ["llm.routes.0.model: got \"gpt 4\"; expected a model name such as gpt-4"]],
  ["api.instanceType", "1c5.xlarge", ["api.instanceType: got \"1c5.xlarge\"; expected an instance type such as c5.xlarge"]],
  ["api.instanceType", "c5.xlarge!", ["api.instanceType: got \"c5.xlarge!\"; expected an instance type such as c5.xlarge"]],
  ["workers.resources.requests.cpu", "x500m", ["workers.resources.requests.cpu: got \"x500m\"; expected a Kubernetes quantity such as 500m or 4Gi"]],
  ["workers.resources.requests.cpu", "500m!", ["workers.resources.requests.cpu: got \"500m!\"; expected a Kubernetes quantity such as 500m or 4Gi"]],
  ["workers.resources.requests.cpu", "1.25", []],
  ["database.instanceClass", "xdb.r5.large", ["database.instanceClass: got \"xdb.r5.large\"; expected a DB instance class such as db.r5.xlarge"]],
  ["database.instanceClass", "db.r5.large!", ["database.instanceClass: got \"db.r5.large!\"; expected a DB instance class such as db.r5.xlarge"]],
  ["redis.nodeType", "xcache.r6g.large", ["redis.nodeType: got \"xcache.r6g.large\"; expected a cache node type such as cache.r6g.large"]],
  ["redis.nodeType", "cache.r6g.large!", ["redis.nodeType: got \"cache.r6g.large!\"; expected a cache node type such as cache.r6g.large"]],
  ["database.multiAz", "true", ["database.multiAz: got \"true\"; expected true or false"]],
];

describe("tier preset fields, overridden one at a time", () => {
  it.each(FIELDS)("%s = %j", (path, value, expected) => {
    expect(problemsWith(path, value)).toEqual(expected);
  });
});

/** The problems of MVP with one stack setting set, each without the "finishthisidea:" prefix. */
function problemsOfSetting(key: string, value: unknown): string[] {
  try {
    resolveConfig({ values: { ...BASE, [key]: value }, secrets: { cloudflareApiToken: pulumi.secret("token") } }, "finishthisidea", "test");
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map((p) => p.replace(/^finishthisidea:/, ""));
    throw e;
  }
  return [];
}

const models = (n: number) => Array.from({ length: n }, (_, i) => `m${i}:1`);

/** [stack setting, value, the problems reported] ([] = accepted). */
const SETTINGS: [string, unknown, string[]][] = [
  ["tier", "huge", ["tier: got \"huge\"; expected one of mvp, growth, scale, enterprise"]],
  ["tier", 1, ["tier: got 1; expected one of mvp, growth, scale, enterprise"]],
  ["environment", "prod", ["environment: got \"prod\"; expected one of production, staging, development (selects the policy levels; see docs/guardrails.md)"]],
  ["primaryRegion", "mars-1", ["primaryRegion: got \"mars-1\"; expected one of us-east-1, us-east-2, us-west-2, eu-west-1, eu-central-1, ap-southeast-1"]],
  ["availabilityZones", "us-east-1a", ["availabilityZones: got \"us-east-1a\"; expected a list of 3 AZs such as [us-east-1a, us-east-1b, us-east-1c]","availabilityZones: got \"us-east-1a\"; expected exactly 3 AZs"]],
  ["availabilityZones", ["us-east-1a","us-east-1b"], ["availabilityZones: got [\"us-east-1a\",\"us-east-1b\"]; expected exactly 3 AZs"]],
  ["availabilityZones", ["us-east-1a","us-east-1b",3], ["availabilityZones.2: got 3; expected an AZ name such as us-east-1a"]],
  ["vpcCidr", 10, ["vpcCidr: got 10; expected an IPv4 CIDR such as 10.0.0.0/16"]],
  ["domain", "Example.com", ["domain: got \"Example.com\"; expected a DNS name such as example.com"]],
  ["domain", "localhost", ["domain: got \"localhost\"; expected a DNS name such as example.com"]],
  ["domain", 5, ["domain: got 5; expected a DNS name such as example.com"]],
  ["alertEmail", "oncall", ["alertEmail: got \"oncall\"; expected an email address"]],
  ["alertEmail", 5, ["alertEmail: got 5; expected an email address"]],
  ["alertHttpsEndpoint", "http://hooks.example.com/x", ["alertHttpsEndpoint: got \"http://hooks.example.com/x\"; expected an https:// URL"]],
  ["alertHttpsEndpoint", "https://hooks.example.com/x", []],
  ["slackChannel", "ops", ["slackChannel: got \"ops\"; expected a Slack channel such as #ops-alerts"]],
  ["slackChannel", "#Ops", ["slackChannel: got \"#Ops\"; expected a Slack channel such as #ops-alerts"]],
  ["slackChannel", 5, ["slackChannel: got 5; expected a Slack channel such as #ops-alerts"]],
  ["imageRegistry", "", ["imageRegistry: got \"\"; expected a non-empty string such as ghcr.io/finishthisidea"]],
  ["imageRegistry", 5, ["imageRegistry: got 5; expected a non-empty string such as ghcr.io/finishthisidea"]],
  ["imageTags", "1.4.2", ["imageTags: got \"1.4.2\"; expected a mapping with api, worker and ollama image tags"]],
  ["imageTags", {"api":"latest","worker":"1.4.2","ollama":"0.6.5"}, ["imageTags.api: got \"latest\"; expected a pinned tag, never `latest`"]],
  ["imageTags", {"api":"1.4.2","worker":"-x","ollama":"0.6.5"}, ["imageTags.worker: got \"-x\"; expected a valid image tag"]],
  ["imageTags", {"api":"1.4.2","worker":"1.4.2"}, ["imageTags.ollama: got nothing (missing); expected an image tag"]],
  ["imageTags", {"api":1,"worker":"1.4.2","ollama":"0.6.5"}, ["imageTags.api: got 1; expected an image tag"]],
  ["ollamaModels", "codellama:7b", ["ollamaModels: got \"codellama:7b\"; expected a list of models such as [codellama:7b]"]],
  ["ollamaModels", [], ["ollamaModels: got []; expected at least one model such as codellama:7b"]],
  ["ollamaModels", ["codellama"], ["ollamaModels.0: got \"codellama\"; expected a model with a pinned tag such as codellama:7b (without a tag Ollama pulls `latest`)"]],
  ["ollamaModels", ["codellama:latest"], ["ollamaModels.0: got \"codellama:latest\"; expected a pinned tag such as codellama:7b, never `latest`"]],
  ["ollamaModels", ["Code:7b"], ["ollamaModels.0: got \"Code:7b\"; expected a model with a pinned tag such as codellama:7b (without a tag Ollama pulls `latest`)"]],
  ["ollamaModels", [5], ["ollamaModels.0: got 5; expected a model with a pinned tag such as codellama:7b"]],
  ["ollamaModels", ["library/codellama:7b"], []],
  ["ollamaModels", ["a:1","b:1","c:1","d:1","e:1"], []],
  ["clusterPublicAccessCidrs", "1.2.3.0/24", ["clusterPublicAccessCidrs: got \"1.2.3.0/24\"; expected a list of IPv4 CIDRs"]],
  ["clusterPublicAccessCidrs", [5], ["clusterPublicAccessCidrs.0: got 5; expected an IPv4 CIDR such as 203.0.113.0/24"]],
  ["cloudflareAccountId", "0123", ["cloudflareAccountId: got \"0123\"; expected a 32-character hex Cloudflare account id"]],
  ["cloudflareAccountId", 5, ["cloudflareAccountId: got 5; expected a 32-character hex Cloudflare account id"]],
  ["r2LocationHint", "mars", ["r2LocationHint: got \"mars\"; expected one of wnam, enam, weur, eeur, apac, oc"]],
  ["waf", true, ["waf: got true; expected a mapping with enabled and requestsPer5Minutes"]],
  ["waf", {"enabled":"yes"}, ["waf.enabled: got \"yes\"; expected true or false"]],
  ["waf", {"requestsPer5Minutes":99}, ["waf.requestsPer5Minutes: got 99; expected an integer >= 100"]],
  ["waf", {"requestsPer5Minutes":100}, []],
  ["waf", {"requestsPer5Minutes":2000000001}, ["waf.requestsPer5Minutes: got 2000000001; expected an integer from 100 to 2000000000 (AWS WAF rate-based rule limits)"]],
  ["waf", {"extra":1}, ["waf.extra: unknown key; allowed keys here: enabled, requestsPer5Minutes"]],
  ["surgeMode", "yes", ["surgeMode: got \"yes\"; expected true or false"]],
  ["websockets", 1, ["websockets: got 1; expected true or false"]],
  ["readReplicaRouting", "no", ["readReplicaRouting: got \"no\"; expected true or false"]],
  ["costCenter", "", ["costCenter: got \"\"; expected a non-empty string such as platform"]],
  ["costCenter", 5, ["costCenter: got 5; expected a non-empty string such as platform"]],
  ["overrides", "x", ["overrides: got \"x\"; expected a mapping of tier preset fields"]],
  ["overrides", {"nope":1}, ["overrides.nope: unknown key; allowed keys here: load, llm, network, api, workers, gpu, database, redis, pgbouncer, storage, prometheus, logs, monthlyBudgetUsd"]],
  ["nonsense", 1, ["nonsense: unknown key; allowed keys here: tier, environment, primaryRegion, availabilityZones, vpcCidr, domain, alertEmail, alertHttpsEndpoint, slackChannel, imageRegistry, imageTags, ollamaModels, clusterPublicAccessCidrs, cloudflareAccountId, r2LocationHint, waf, surgeMode, websockets, readReplicaRouting, costCenter, overrides"]],
  // Each pattern anchored at both ends, every R2 location, and the length limits.
  ["domain", "example.com1", ["domain: got \"example.com1\"; expected a DNS name such as example.com"]],
  ["domain", "-example.com!", ["domain: got \"-example.com!\"; expected a DNS name such as example.com"]],
  ["slackChannel", "x#ops", ["slackChannel: got \"x#ops\"; expected a Slack channel such as #ops-alerts"]],
  ["slackChannel", "#ops!", ["slackChannel: got \"#ops!\"; expected a Slack channel such as #ops-alerts"]],
  ["cloudflareAccountId", "x0123456789abcdef0123456789abcdef", ["cloudflareAccountId: got \"x0123456789abcdef0123456789abcdef\"; expected a 32-character hex Cloudflare account id"]],
  ["cloudflareAccountId", "0123456789abcdef0123456789abcdef0", ["cloudflareAccountId: got \"0123456789abcdef0123456789abcdef0\"; expected a 32-character hex Cloudflare account id"]],
  ["alertHttpsEndpoint", "shttps://hooks.example.com/x", ["alertHttpsEndpoint: got \"shttps://hooks.example.com/x\"; expected an https:// URL"]],
  ["alertHttpsEndpoint", "httpsx://hooks.example.com/x", ["alertHttpsEndpoint: got \"httpsx://hooks.example.com/x\"; expected an https:// URL"]],
  ["r2LocationHint", "wnam", []],
  ["r2LocationHint", "weur", []],
  ["r2LocationHint", "eeur", []],
  ["r2LocationHint", "apac", []],
  ["r2LocationHint", "oc", []],
  ["surgeMode", null, ["surgeMode: got null; expected true or false"]],
  ["domain", `${"x".repeat(250)}.com`, [`domain: got "${"x".repeat(116)}...; expected a DNS name such as example.com`]],
  ["slackChannel", `#${"a".repeat(80)}`, []],
  ["slackChannel", `#${"a".repeat(81)}`, [`slackChannel: got "#${"a".repeat(81)}"; expected a Slack channel such as #ops-alerts`]],
  ["ollamaModels", models(20), []],
  ["ollamaModels", models(21), ['ollamaModels: got ["m0:1","m1:1","m2:1","m3:1","m4:1","m5:1","m6:1","m7:1","m8:1","m9:1","m10:1","m11:1","m12:1","m13:1","m14:1","m15:1...; expected at most 20 models (each is pulled onto every replica\'s volume)']],
];

describe("stack settings, set one at a time", () => {
  it("turns the WAF on by default when only its rate is set", () => {
    const { waf } = resolveConfig({ values: { ...BASE, waf: { requestsPer5Minutes: 100 } }, secrets: { cloudflareApiToken: pulumi.secret("token") } }, "finishthisidea", "test");
    expect(waf).toEqual({ enabled: true, requestsPer5Minutes: 100 });
  });

  it.each(SETTINGS)("%s = %j", (key, value, expected) => {
    expect(problemsOfSetting(key, value)).toEqual(expected);
  });
});
