import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { resolveConfig } from "../infra/config";
import { TIERS, TIER_NAMES } from "../infra/tiers";
import { problemsFor, rawConfigWith } from "./config-harness";


describe("resolveConfig", () => {
  it("merges the tier preset with overrides", () => {
    const config = resolveConfig(rawConfigWith({ tier: "growth", overrides: { api: { replicas: { max: 40 } } } }), "finishthisidea", "t");
    expect(config.preset.api.replicas).toEqual({ min: 20, max: 40 });
    expect(config.preset.api.instanceType).toBe("c5.xlarge");
    expect(config.availabilityZones).toEqual(["us-east-1a", "us-east-1b", "us-east-1c"]);
    // The preset table itself is never mutated by a merge.
    expect(TIERS.growth.api.replicas.max).toBe(50);
  });

  it("names the key, the bad value and the allowed values for an unknown tier", () => {
    const problems = problemsFor({ tier: "huge" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("finishthisidea:tier");
    expect(problems[0]).toContain('"huge"');
    for (const tier of TIER_NAMES) expect(problems[0]).toContain(tier);
  });

  it("rejects min > max in an override", () => {
    const [problem] = problemsFor({ overrides: { api: { replicas: { min: 9, max: 3 } } } });
    expect(problem).toMatch(/finishthisidea:overrides\.api\.replicas\.min: got 9; expected a value <= api\.replicas\.max \(3\)/);
  });

  it("rejects settings the data stores cannot run with, before any resource exists", () => {
    const pools = problemsFor({ overrides: { database: { maxConnections: 40 }, pgbouncer: { replicas: 3 } } });
    expect(pools).toEqual([expect.stringMatching(/^finishthisidea:overrides\.database\.maxConnections: got 40; expected room for every PgBouncer pool: .*4 pods \(3 replicas \+ 1 being replaced\) x 30/)]);
    const storage = problemsFor({ tier: "growth", overrides: { database: { allocatedStorageGb: 200, maxAllocatedStorageGb: 210 } } });
    expect(storage).toEqual(["finishthisidea:overrides.database.maxAllocatedStorageGb: got 210; expected a value >= 220 (database.allocatedStorageGb + 10%)"]);
    const backups = problemsFor({ overrides: { database: { backupRegion: "us-east-1" } } });
    expect(backups).toEqual([expect.stringMatching(/^finishthisidea:overrides\.database\.backupRegion: got "us-east-1"; expected a region other than the primary \(us-east-1\)/)]);
  });

  it("rejects an unknown region", () => {
    const [problem] = problemsFor({ primaryRegion: "mars-1" });
    expect(problem).toContain("finishthisidea:primaryRegion");
    expect(problem).toContain('"mars-1"');
    expect(problem).toContain("us-east-1");
  });

  it("rejects non-integer replicas", () => {
    const [problem] = problemsFor({ overrides: { workers: { replicas: { max: 10.5 } } } });
    expect(problem).toBe("finishthisidea:overrides.workers.replicas.max: got 10.5; expected an integer");
  });

  it("rejects an override of an unknown key and lists the allowed ones", () => {
    const [problem] = problemsFor({ overrides: { api: { replicaz: 3 } } });
    expect(problem).toContain("finishthisidea:overrides.api.replicaz: unknown key");
    expect(problem).toContain("instanceType, nodes, replicas");
  });

  it("rejects an unknown top-level key", () => {
    expect(problemsFor({ teir: "mvp" })[0]).toContain("finishthisidea:teir: unknown key");
  });

  it("reports every problem at once", () => {
    const problems = problemsFor({ tier: "growth", overrides: { api: { replicas: { min: 9, max: 3 } }, gpu: { ollamaReplicas: 40 } }, primaryRegion: "us-east-1" });
    expect(problems.length).toBe(2);
  });

  it("refuses `latest` image tags", () => {
    const [problem] = problemsFor({ imageTags: { api: "latest", worker: "1.0.0", ollama: "0.6.5" } });
    expect(problem).toContain("finishthisidea:imageTags.api");
    expect(problem).toContain("never `latest`");
  });

  it("refuses a replica region equal to the primary region", () => {
    const [problem] = problemsFor({ overrides: { storage: { replicaRegions: ["us-east-1"] } } });
    expect(problem).toContain("finishthisidea:overrides.storage.replicaRegions.0");
    expect(problem).toContain("other than the primary region");
  });

  it("refuses secrets in plain text and a missing secret", () => {
    const problems = problemsFor({ kubeconfig: "apiVersion: v1" }, { cloudflareApiToken: undefined });
    expect(problems.some((p) => p.startsWith("finishthisidea:kubeconfig: is set in plain text"))).toBe(true);
    expect(problems.some((p) => p.startsWith("finishthisidea:cloudflareApiToken: got nothing"))).toBe(true);
  });

  it("takes the paging webhook and routing key only as secrets, and a Slack channel name", async () => {
    const problems = problemsFor({ slackWebhookUrl: "https://hooks.slack.com/services/x", pagerdutyRoutingKey: "abc", slackChannel: "ops alerts" });
    expect(problems).toContain("finishthisidea:slackWebhookUrl: is set in plain text; set it with `pulumi config set --secret slackWebhookUrl ...`");
    expect(problems).toContain("finishthisidea:pagerdutyRoutingKey: is set in plain text; set it with `pulumi config set --secret pagerdutyRoutingKey ...`");
    expect(problems).toContain('finishthisidea:slackChannel: got "ops alerts"; expected a Slack channel such as #ops-alerts');
    const config = resolveConfig(rawConfigWith({}, { slackWebhookUrl: pulumi.secret("https://hooks.slack.com/services/x"), pagerdutyRoutingKey: pulumi.secret("k") }), "finishthisidea", "t");
    expect(config.slackChannel).toBe("#ops-alerts");
    expect(await pulumi.isSecret(config.secrets.slackWebhookUrl!)).toBe(true);
    expect(await pulumi.isSecret(config.secrets.pagerdutyRoutingKey!)).toBe(true);
  });

  it("keeps secret values as secret Outputs", async () => {
    const config = resolveConfig(rawConfigWith({}), "finishthisidea", "t");
    expect(await pulumi.isSecret(config.secrets.cloudflareApiToken)).toBe(true);
  });
});

describe("tier presets", () => {
  it.each(TIER_NAMES)("%s is valid on its own", (tier) => {
    expect(() => resolveConfig(rawConfigWith({ tier }), "finishthisidea", "t")).not.toThrow();
  });

  it("grow monotonically in capacity from mvp to enterprise", () => {
    const order = TIER_NAMES.map((t) => TIERS[t]);
    for (let i = 1; i < order.length; i++) {
      expect(order[i].api.replicas.max).toBeGreaterThan(order[i - 1].api.replicas.max);
      expect(order[i].workers.replicas.max).toBeGreaterThan(order[i - 1].workers.replicas.max);
      expect(order[i].redis.shards * (1 + order[i].redis.replicasPerShard))
        .toBeGreaterThanOrEqual(order[i - 1].redis.shards * (1 + order[i - 1].redis.replicasPerShard));
      expect(order[i].monthlyBudgetUsd).toBeGreaterThan(order[i - 1].monthlyBudgetUsd);
    }
  });

  it("match the scaling plan where it is explicit", () => {
    expect(TIERS.mvp.api.replicas.min).toBe(2);
    expect(TIERS.growth.api.replicas).toEqual({ min: 20, max: 50 });
    expect(TIERS.growth.workers.replicas).toEqual({ min: 100, max: 500 });
    expect(TIERS.growth.redis.shards * (1 + TIERS.growth.redis.replicasPerShard)).toBe(6);
    expect(TIERS.scale.gpu.ollamaReplicas).toBe(10);
    for (const t of TIER_NAMES) {
      expect(TIERS[t].workers.spotInstanceTypes.length).toBeGreaterThanOrEqual(4);
      expect(TIERS[t].workers.spotInstanceTypes[0]).toBe(TIERS[t].workers.instanceType);
    }
  });
});
