/**
 * resolveConfig's own logic (issue 19: every mutant of infra/config.ts caught): the cross-field rules at their
 * boundaries, where each problem is reported (the override's key or the tier preset's), secrets, defaults and
 * the resolved shape. Pure and fast: the raw config is written out here (no stack file, no harness, no program).
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS, CONFIG_NAMESPACE, ConfigError, ENVIRONMENTS, SECRET_KEYS, resolveConfig, type RawConfig } from "../infra/config";

const BASE = {
  tier: "mvp", domain: "staging.finishthisidea.com", alertEmail: "oncall@finishthisidea.com",
  imageTags: { api: "1.4.2", worker: "1.4.2", ollama: "0.6.5" }, cloudflareAccountId: "0123456789abcdef0123456789abcdef",
};
const TOKEN = { cloudflareApiToken: pulumi.secret("token") };
const raw = (values: Record<string, unknown> = {}, secrets: RawConfig["secrets"] = TOKEN): RawConfig => ({ values: { ...BASE, ...values }, secrets });
const problems = (values: Record<string, unknown> = {}, secrets: RawConfig["secrets"] = TOKEN, project = "finishthisidea"): string[] => {
  try {
    resolveConfig(raw(values, secrets), project, "test");
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};
const over = (overrides: Record<string, unknown>, values: Record<string, unknown> = {}) => problems({ ...values, overrides });

describe("constants", () => {
  it("names the namespace, the secret keys, the environments and every key read", () => {
    expect(CONFIG_NAMESPACE).toBe("finishthisidea");
    expect(SECRET_KEYS).toEqual(["cloudflareApiToken", "kubeconfig", "openaiApiKey", "anthropicApiKey", "slackWebhookUrl", "pagerdutyRoutingKey"]);
    expect(ENVIRONMENTS).toEqual(["production", "staging", "development"]);
    expect(CONFIG_KEYS).toEqual([
      "tier", "environment", "primaryRegion", "availabilityZones", "vpcCidr", "domain", "alertEmail", "alertHttpsEndpoint", "slackChannel", "imageRegistry",
      "imageTags", "ollamaModels", "clusterPublicAccessCidrs", "cloudflareAccountId", "r2LocationHint", "waf", "surgeMode", "websockets", "readReplicaRouting",
      "costCenter", "overrides", ...SECRET_KEYS,
    ]);
  });

  it("ConfigError lists every problem, singular or plural", () => {
    const one = new ConfigError(["a"]);
    expect([one.name, one.message, one.problems]).toEqual(["ConfigError", "Invalid stack config (1 problem):\n  - a", ["a"]]);
    expect(new ConfigError(["a", "b"]).message).toBe("Invalid stack config (2 problems):\n  - a\n  - b");
  });
});

describe("resolved config", () => {
  it("merges overrides into the tier preset, defaults the optional keys and passes the secrets through", () => {
    const secrets = { ...TOKEN, kubeconfig: pulumi.secret("k"), openaiApiKey: pulumi.secret("o"), anthropicApiKey: pulumi.secret("a"), slackWebhookUrl: pulumi.secret("s"), pagerdutyRoutingKey: pulumi.secret("p") };
    const c = resolveConfig(raw({ overrides: { api: { replicas: { max: 5 } }, storage: { replicaRegions: ["eu-west-1"] } } }, secrets), "finishthisidea", "dev");
    expect([c.project, c.stack, c.tier, c.primaryRegion]).toEqual(["finishthisidea", "dev", "mvp", "us-east-1"]);
    expect(c.availabilityZones).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    expect(c.preset.api.replicas).toEqual({ min: 2, max: 5 });
    expect(c.preset.api.nodes).toEqual({ min: 2, max: 6, desired: 2 });
    expect(c.preset.storage.replicaRegions).toEqual(["eu-west-1"]);
    expect(c.secrets).toEqual(secrets);
    expect("overrides" in c).toBe(false);
    expect([c.vpcCidr, c.slackChannel, c.imageRegistry, c.ollamaModels, c.clusterPublicAccessCidrs, c.r2LocationHint, c.waf, c.surgeMode, c.websockets, c.readReplicaRouting, c.costCenter])
      .toEqual(["10.0.0.0/16", "#ops-alerts", "ghcr.io/finishthisidea", ["codellama:7b"], [], "enam", { enabled: true, requestsPer5Minutes: 2000 }, false, false, false, "platform"]);
  });

  it("keeps given availability zones, and names the default ones after the primary region", () => {
    expect(resolveConfig(raw({ primaryRegion: "us-west-2", overrides: { storage: { replicaRegions: ["us-east-1"] }, database: { backupRegion: "us-east-1" } } }), "p", "s").availabilityZones).toEqual(["us-west-2a", "us-west-2b", "us-west-2c"]);
    expect(resolveConfig(raw({ availabilityZones: ["us-east-1d", "us-east-1e", "us-east-1f"] }), "p", "s").availabilityZones).toEqual(["us-east-1d", "us-east-1e", "us-east-1f"]);
  });
});

describe("secrets", () => {
  it("refuses a secret key in plain text and names the command, without also calling it an unknown key", () => {
    expect(problems({ kubeconfig: "apiVersion: v1", openaiApiKey: "sk" })).toEqual([
      "finishthisidea:kubeconfig: is set in plain text; set it with `pulumi config set --secret kubeconfig ...`",
      "finishthisidea:openaiApiKey: is set in plain text; set it with `pulumi config set --secret openaiApiKey ...`",
    ]);
  });

  it("requires the Cloudflare token, and reports it with the schema's problems", () => {
    const missing = "finishthisidea:cloudflareApiToken: got nothing (missing); expected a secret Cloudflare API token (pulumi config set --secret cloudflareApiToken ...)";
    expect(problems({}, {})).toEqual([missing]);
    const both = problems({ tier: "huge" }, {});
    expect(both[0]).toBe(missing);
    expect(both[1]).toMatch(/^finishthisidea:tier: got "huge"; expected one of mvp, growth, scale, enterprise/);
    expect(both).toHaveLength(2);
  });

  it("names keys with the project's namespace", () => {
    expect(problems({}, {}, "acme")).toEqual(["acme:cloudflareApiToken: got nothing (missing); expected a secret Cloudflare API token (pulumi config set --secret cloudflareApiToken ...)"]);
    expect(problems({ overrides: { gpu: { ollamaReplicas: 3 } } }, TOKEN, "acme")).toEqual(["acme:overrides.gpu.ollamaReplicas: got 3; expected at most gpu.nodes.max (2): one GPU per replica"]);
  });

  it("requires an LLM: Ollama, or a cloud key", () => {
    const noLlm = "finishthisidea:overrides.gpu.ollamaReplicas: got 0; expected at least 1 when neither finishthisidea:openaiApiKey nor finishthisidea:anthropicApiKey is set (the workers would have no LLM)";
    expect(over({ gpu: { ollamaReplicas: 0 } })).toEqual([noLlm]);
    expect(problems({ overrides: { gpu: { ollamaReplicas: 0 } } }, { ...TOKEN, openaiApiKey: pulumi.secret("o") })).toEqual([]);
    expect(problems({ overrides: { gpu: { ollamaReplicas: 0 } } }, { ...TOKEN, anthropicApiKey: pulumi.secret("a") })).toEqual([]);
  });

  it("stops at the stack keys' problems before the preset's, and reports the preset's after the meaning checks", () => {
    expect(problems({ domain: "x", overrides: { gpu: { ollamaReplicas: 9 } } })).toEqual(["finishthisidea:domain: got \"x\"; expected a DNS name such as example.com"]);
    const p = problems({ clusterPublicAccessCidrs: ["0.0.0.0/0"], overrides: { gpu: { ollamaReplicas: "one" } } });
    expect(p).toHaveLength(2);
    expect(p[0]).toBe('finishthisidea:clusterPublicAccessCidrs.0: got "0.0.0.0/0"; expected a CIDR narrower than /0 (the whole internet)');
    expect(p[1]).toMatch(/^finishthisidea:overrides\.gpu\.ollamaReplicas: got "one"; expected an integer/);
  });
});

describe("cross-field rules of the preset", () => {
  it("node group and replica ranges: min <= max, desired between them (inclusive)", () => {
    expect(over({ api: { nodes: { min: 6, max: 6, desired: 6 }, replicas: { min: 6, max: 6 } } })).toEqual([]);
    expect(over({ api: { nodes: { min: 7 } } })).toEqual([
      "finishthisidea:overrides.api.nodes.min: got 7; expected a value <= api.nodes.max (6)",
      "finishthisidea:overrides.api.nodes.desired: got 2; expected a value between min (7) and max (6)",
    ]);
    expect(over({ api: { nodes: { desired: 1 } } })).toEqual(["finishthisidea:overrides.api.nodes.desired: got 1; expected a value between min (2) and max (6)"]);
    expect(over({ api: { nodes: { desired: 7 } } })).toEqual(["finishthisidea:overrides.api.nodes.desired: got 7; expected a value between min (2) and max (6)"]);
    expect(over({ api: { replicas: { min: 7 } } })).toEqual(["finishthisidea:overrides.api.replicas.min: got 7; expected a value <= api.replicas.max (6)"]);
    expect(over({ workers: { nodes: { max: 3 } } })).toEqual(["finishthisidea:overrides.workers.nodes.desired: got 4; expected a value between min (2) and max (3)"]);
    expect(over({ workers: { replicas: { min: 9 } } })).toEqual(["finishthisidea:overrides.workers.replicas.min: got 9; expected a value <= workers.replicas.max (8)"]);
    expect(over({ gpu: { nodes: { min: 3, max: 3, desired: 0 } } })).toEqual(["finishthisidea:overrides.gpu.nodes.desired: got 0; expected a value between min (3) and max (3)"]);
  });

  it("storage autoscaling needs 10% headroom, rounded up", () => {
    expect(over({ database: { allocatedStorageGb: 50, maxAllocatedStorageGb: 55 } })).toEqual([]);
    expect(over({ database: { allocatedStorageGb: 50, maxAllocatedStorageGb: 54 } })).toEqual(["finishthisidea:overrides.database.maxAllocatedStorageGb: got 54; expected a value >= 55 (database.allocatedStorageGb + 10%)"]);
    // 51 x 1.1 = 56.1 -> 57
    expect(over({ database: { allocatedStorageGb: 51, maxAllocatedStorageGb: 57 } })).toEqual([]);
    expect(over({ database: { allocatedStorageGb: 51, maxAllocatedStorageGb: 56 } })).toEqual(["finishthisidea:overrides.database.maxAllocatedStorageGb: got 56; expected a value >= 57 (database.allocatedStorageGb + 10%)"]);
  });

  it("cross-region backups need a region other than the primary: the backup region, else the first replica region", () => {
    const why = "expected a region other than the primary (us-east-1) when database.crossRegionBackups is true and there is no replica region to copy to";
    expect(over({ database: { backupRegion: "us-east-1" } })).toEqual([`finishthisidea:overrides.database.backupRegion: got "us-east-1"; ${why}`]);
    expect(over({ database: { backupRegion: "us-east-1", crossRegionBackups: false } })).toEqual([]);
    expect(problems({ tier: "growth", overrides: { database: { replicaRegions: [] } } })).toEqual([`finishthisidea:overrides.database.backupRegion: got nothing (missing); ${why}`]);
    expect(problems({ tier: "growth", overrides: { database: { replicaRegions: ["eu-west-1"] } } })).toEqual([]);
    expect(problems({ tier: "growth", overrides: { database: { replicaRegions: [], backupRegion: "eu-west-1" } } })).toEqual([]);
  });

  it("the database's max_connections must hold every PgBouncer pool, reported at the preset when only PgBouncer is overridden", () => {
    expect(over({ pgbouncer: { replicas: 50 } })).toEqual([expect.stringMatching(/^tier preset mvp\.database\.maxConnections: got 200; expected room for every PgBouncer pool: PgBouncer pool sizing: 51 pods/)]);
    expect(over({ database: { maxConnections: 20 } })).toEqual([expect.stringMatching(/^finishthisidea:overrides\.database\.maxConnections: got 20; expected room for every PgBouncer pool: /)]);
  });

  it("replica regions: never the primary, each once (database and storage)", () => {
    expect(over({ database: { replicaRegions: ["us-west-2", "us-east-1", "us-west-2"] }, storage: { replicaRegions: ["us-east-1", "eu-west-1", "eu-west-1"] } })).toEqual([
      "finishthisidea:overrides.database.replicaRegions.1: got \"us-east-1\"; expected a region other than the primary region (us-east-1)",
      "finishthisidea:overrides.database.replicaRegions.2: got \"us-west-2\"; expected each region once",
      "finishthisidea:overrides.storage.replicaRegions.0: got \"us-east-1\"; expected a region other than the primary region (us-east-1)",
      "finishthisidea:overrides.storage.replicaRegions.2: got \"eu-west-1\"; expected each region once",
    ]);
  });

  it("one shard unless Redis runs in cluster mode", () => {
    expect(over({ redis: { shards: 2 } })).toEqual(["finishthisidea:overrides.redis.shards: got 2; expected 1 when redis.clusterMode is false"]);
    expect(over({ redis: { shards: 2, clusterMode: true } })).toEqual([]);
  });

  it("LLM routes ascend strictly by complexity and the last one ends at 1", () => {
    const route = (belowComplexity: number) => ({ belowComplexity, provider: "openai", model: "gpt-4" });
    expect(over({ llm: { routes: [route(1)] } })).toEqual([]);
    expect(over({ llm: { routes: [route(0.5), route(0.5), route(1)] } })).toEqual(["finishthisidea:overrides.llm.routes.1.belowComplexity: got 0.5; expected a value above the previous route's (0.5): routes ascend by complexity"]);
    expect(over({ llm: { routes: [route(0.6), route(0.4), route(1)] } })).toEqual(["finishthisidea:overrides.llm.routes.1.belowComplexity: got 0.4; expected a value above the previous route's (0.6): routes ascend by complexity"]);
    expect(over({ llm: { routes: [route(0.3), route(0.9)] } })).toEqual(["finishthisidea:overrides.llm.routes.1.belowComplexity: got 0.9; expected 1 on the last route, so every job has a route"]);
  });

  it("read replica routing needs an in-region replica", () => {
    expect(over({ database: { inRegionReplicas: 0 } }, { readReplicaRouting: true })).toEqual([
      "finishthisidea:overrides.database.inRegionReplicas: got 0; expected at least 1 when finishthisidea:readReplicaRouting is true (reads go to replicas in us-east-1; cross-region replicas are disaster-recovery copies no pod reaches)",
    ]);
    expect(over({ database: { inRegionReplicas: 0 } })).toEqual([]);
    expect(problems({ readReplicaRouting: true })).toEqual([]);
  });

  it("one GPU node per Ollama replica, of a type Ollama can be sized for", () => {
    expect(over({ gpu: { ollamaReplicas: 2 } })).toEqual([]);
    expect(over({ gpu: { ollamaReplicas: 3 } })).toEqual(["finishthisidea:overrides.gpu.ollamaReplicas: got 3; expected at most gpu.nodes.max (2): one GPU per replica"]);
    expect(over({ gpu: { instanceType: "p4d.24xlarge" } })).toEqual([
      "finishthisidea:overrides.gpu.instanceType: got \"p4d.24xlarge\"; expected a GPU instance type Ollama can be sized for: g4dn.xlarge, g4dn.2xlarge, g4dn.4xlarge, g5.xlarge, g5.2xlarge, g5.4xlarge, g6.xlarge, g6.2xlarge, g6.4xlarge",
    ]);
    expect(problems({ overrides: { gpu: { instanceType: "p4d.24xlarge", ollamaReplicas: 0 } } }, { ...TOKEN, openaiApiKey: pulumi.secret("o") })).toEqual([]);
  });

  it("a problem in a section the overrides do not touch is named at the tier preset", () => {
    expect(over({ gpu: { ollamaReplicas: 1 } }, { primaryRegion: "us-west-2" })).toEqual([
      "tier preset mvp.database.backupRegion: got \"us-west-2\"; expected a region other than the primary (us-west-2) when database.crossRegionBackups is true and there is no replica region to copy to",
      "tier preset mvp.storage.replicaRegions.0: got \"us-west-2\"; expected a region other than the primary region (us-west-2)",
    ]);
  });
});
