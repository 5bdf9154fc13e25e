/**
 * The paths users run that the other suites do not: `infra/index.ts` with config as the Pulumi CLI hands it
 * (flat `project:key` strings plus the list of secret keys), and what it exports. The policy pack, `plan --json`
 * and `bench` are in entry-points-tools.test.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PlatformConfig } from "../infra/config";
import { resolveConfig } from "../infra/config";
import { readStackFile } from "../infra/stack-file";
// Internal but exported: resolves once every RPC the program issued has completed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };
import { mockCall, mockOutputs } from "../tools/mock-outputs";
import { withoutStackTraces } from "../tools/program";

const seen: { config?: PlatformConfig } = {};
vi.mock("../infra/platform", async (importOriginal) => {
  const real = await importOriginal<typeof import("../infra/platform")>();
  return {
    ...real,
    createPlatform: (config: PlatformConfig, opts?: pulumi.ComponentResourceOptions) => {
      seen.config = config;
      return real.createPlatform(config, opts);
    },
  };
});

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const TOKEN = "cf-token-from-the-cli-0123456789";
const KUBECONFIG = "apiVersion: v1\nkind: Config\nclusters: []\n";

/** Config exactly as `pulumi up` passes it for Pulumi.staging.yaml: every value a string, objects as JSON. */
function cliConfig(extra: Record<string, string> = {}): Record<string, string> {
  return {
    "aws:region": "us-east-1",
    "finishthisidea:tier": "mvp",
    "finishthisidea:primaryRegion": "us-east-1",
    "finishthisidea:domain": "staging.finishthisidea.com",
    "finishthisidea:alertEmail": "oncall-staging@finishthisidea.com",
    "finishthisidea:imageTags": '{"api":"1.4.2","worker":"1.4.2","ollama":"0.6.5"}',
    "finishthisidea:ollamaModels": '["codellama:7b"]',
    "finishthisidea:clusterPublicAccessCidrs": '["203.0.113.0/24"]',
    "finishthisidea:cloudflareAccountId": "0123456789abcdef0123456789abcdef",
    "finishthisidea:cloudflareApiToken": TOKEN,
    ...extra,
  };
}

const value = <T>(o: unknown): Promise<T> => new Promise((resolve) => {
  (pulumi.output(o as pulumi.Input<string>) as pulumi.Output<unknown>).apply((v) => resolve(v as T));
});

interface Registered { type: string; name: string; inputs: Record<string, any> }

/**
 * Set the mocks and the CLI's config, then load the entry fresh; returns what it exported and registered.
 * Without stack traces, as every other program run here (tools/program.ts: the SDK formats one per promise).
 */
function runEntry(config: Record<string, string>, secretKeys: string[], registered: Registered[] = []) {
  return withoutStackTraces(() => loadEntry(config, secretKeys, registered));
}

async function loadEntry(config: Record<string, string>, secretKeys: string[], registered: Registered[]) {
  const fakeConfig = resolveConfig(readStackFile("staging").raw, "finishthisidea", "staging");
  await pulumi.runtime.setMocks({
    newResource(args) {
      registered.push({ type: args.type, name: args.name, inputs: args.inputs });
      return { id: `${args.name}-id`, state: { ...args.inputs, ...mockOutputs(args, fakeConfig) } };
    },
    call: (args) => mockCall(args, fakeConfig),
  }, "finishthisidea", "staging", false);
  pulumi.runtime.setAllConfig(config, secretKeys);
  vi.resetModules();
  seen.config = undefined;
  const mod: any = await import("../infra/index");
  const outputs: Record<string, unknown> = mod.default ?? mod;
  // Let registration finish: every export resolves once the resources behind it are registered.
  await Promise.all(Object.values(outputs).map((o) => value(o)));
  // ...and every component's registerOutputs, before the next test replaces the mock monitor.
  await waitForRPCs();
  return { outputs, registered, config: seen.config! };
}


describe("infra/index.ts with config as the CLI passes it", () => {
  afterEach(() => vi.resetModules());

  it("parses JSON-text values, keeps the token secret end to end and exports the staging outputs", async () => {
    const { outputs, registered, config } = await runEntry(cliConfig(), ["finishthisidea:cloudflareApiToken"]);

    // Structured values arrive as JSON text and must come out as objects and lists, not strings.
    expect(config.tier).toBe("mvp");
    expect(config.imageTags).toEqual({ api: "1.4.2", worker: "1.4.2", ollama: "0.6.5" });
    expect(config.ollamaModels).toEqual(["codellama:7b"]);
    expect(config.clusterPublicAccessCidrs).toEqual(["203.0.113.0/24"]);
    expect(config.secrets.kubeconfig).toBeUndefined();
    expect(await pulumi.isSecret(config.secrets.cloudflareApiToken)).toBe(true);
    expect(await value(config.secrets.cloudflareApiToken)).toBe(TOKEN);

    // What `pulumi stack output` lists for an EKS stack (no existing kubeconfig).
    expect(Object.keys(outputs).sort()).toEqual([
      "alertTopicArn", "apiCertificateValidationRecords", "apiLoadBalancerHostname", "apiUrl", "bucketNames",
      "cdnCertificateValidationRecords", "cdnDistributionId", "cdnDomainName", "clusterName",
      "databaseConnectionString", "databasePrimaryIdentifier", "databaseReaderEndpoints", "databaseReplicaIdentifiers",
      "databaseWriterEndpoint", "kubeconfig", "primaryRegion", "r2BucketName", "r2Endpoint", "redisEndpoint",
      "redisReplicationGroupId", "tier", "vpcId",
    ]);
    expect(outputs.tier).toBe("mvp");
    expect(outputs.primaryRegion).toBe("us-east-1");
    expect(await value(outputs.apiUrl)).toBe("https://api.staging.finishthisidea.com");
    for (const name of ["kubeconfig", "databaseConnectionString"]) expect(await pulumi.isSecret(pulumi.output(outputs[name])), name).toBe(true);
    for (const name of ["apiUrl", "vpcId", "clusterName", "databaseWriterEndpoint", "redisEndpoint"]) {
      expect(await pulumi.isSecret(pulumi.output(outputs[name])), name).toBe(false);
    }

    // The token reaches the Cloudflare provider as a secret and nothing else sees it in plain text.
    const cf = registered.find((r) => r.type === "pulumi:providers:cloudflare")!;
    expect(cf.inputs.apiToken).toMatchObject({ [SECRET_SIG]: expect.any(String), value: TOKEN });
    const plain = registered.filter((r) => JSON.stringify(r.inputs).includes(TOKEN) && r !== cf);
    expect(plain.map((r) => `${r.type}::${r.name}`)).toEqual([]);
  });

  it("with a secret kubeconfig: the existing cluster's provider gets it as a secret and no EKS is created", async () => {
    const { outputs, registered, config } = await runEntry(
      cliConfig({ "finishthisidea:kubeconfig": KUBECONFIG }),
      ["finishthisidea:cloudflareApiToken", "finishthisidea:kubeconfig"],
    );
    expect(await pulumi.isSecret(config.secrets.kubeconfig!)).toBe(true);
    const provider = registered.find((r) => r.type === "pulumi:providers:kubernetes" && r.name === "existing-cluster")!;
    expect(provider.inputs.kubeconfig).toMatchObject({ [SECRET_SIG]: expect.any(String), value: KUBECONFIG });
    expect(registered.filter((r) => r.type === "aws:eks/cluster:Cluster")).toEqual([]);
    expect(outputs).not.toHaveProperty("kubeconfig");
    expect(outputs).not.toHaveProperty("clusterName");
  });

  it("turns bad config into one RunError (no stack trace) listing every problem, before registering anything", async () => {
    const bad = cliConfig({ "finishthisidea:tier": "huge", "finishthisidea:imageTags": '{"api":"latest","worker":"1.4.2","ollama":"0.6.5"}' });
    const registered: Registered[] = [];
    await expect(runEntry(bad, ["finishthisidea:cloudflareApiToken"], registered)).rejects.toSatisfy((err: Error) => {
      expect(err).toBeInstanceOf(pulumi.RunError);
      expect(err.message).toBe([
        "Invalid stack config (2 problems):",
        '  - finishthisidea:tier: got "huge"; expected one of mvp, growth, scale, enterprise',
        '  - finishthisidea:imageTags.api: got "latest"; expected a pinned tag, never `latest`',
      ].join("\n"));
      return true;
    });
    expect(registered).toEqual([]);
  });
});
