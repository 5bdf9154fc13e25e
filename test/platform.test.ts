import { describe, expect, it } from "vitest";
import * as pulumi from "@pulumi/pulumi";
import { planSubnets } from "../components/network/network";
import { ConfigError } from "../infra/config";
import { TIERS, TIER_NAMES } from "../infra/tiers";
import { runStack } from "../tools/program";
import { named, ofType, rawConfigWith, runStackFile, runTier } from "./harness";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

describe.each(TIER_NAMES)("tier %s", (tier) => {
  it("builds, with the tier's instance types on the three node groups", async () => {
    const run = await runTier(tier);
    const preset = TIERS[tier];
    const system = named(run, NODE_GROUP, "cluster-system").inputs;
    const workers = named(run, NODE_GROUP, "cluster-workers").inputs;
    const gpu = named(run, NODE_GROUP, "cluster-gpu").inputs;

    expect(system.instanceTypes).toEqual([preset.api.instanceType]);
    expect(system.capacityType).toBe("ON_DEMAND");
    expect(workers.instanceTypes).toEqual(preset.workers.spotInstanceTypes);
    expect(workers.capacityType).toBe("SPOT");
    expect(workers.scalingConfig).toEqual({ minSize: preset.workers.nodes.min, maxSize: preset.workers.nodes.max, desiredSize: preset.workers.nodes.desired });
    expect(gpu.instanceTypes).toEqual([preset.gpu.instanceType]);
    expect(gpu.amiType).toBe("AL2023_x86_64_NVIDIA");
    expect(gpu.labels).toMatchObject({ "nvidia.com/gpu.present": "true" });
    expect(gpu.taints).toEqual([{ key: "nvidia.com/gpu", effect: "NO_SCHEDULE" }]);
    expect(ofType(run, "aws:ec2/natGateway:NatGateway")).toHaveLength(preset.network.natGateways);
  });
});

describe("cluster", () => {
  it("encrypts secrets with a rotating KMS key, logs the control plane, and trusts an OIDC provider", async () => {
    const run = await runStackFile("prod");
    const eks = named(run, "aws:eks/cluster:Cluster", "cluster-eks");
    expect(eks.inputs.encryptionConfig.resources).toEqual(["secrets"]);
    expect(eks.inputs.enabledClusterLogTypes).toEqual(["api", "audit", "authenticator", "controllerManager", "scheduler"]);
    expect(eks.inputs.vpcConfig.publicAccessCidrs).toEqual(["203.0.113.0/24"]);
    expect(named(run, "aws:kms/key:Key", "cluster-secrets").inputs.enableKeyRotation).toBe(true);
    expect(named(run, "aws:iam/openIdConnectProvider:OpenIdConnectProvider", "cluster-oidc").inputs.clientIdLists).toEqual(["sts.amazonaws.com"]);
    // The autoscaler owns desired size.
    for (const ng of ofType(run, NODE_GROUP)) expect(ng.options.ignoreChanges).toContain("scalingConfig.desiredSize");
  });

  it("requires IMDSv2 with one hop on node launch templates", async () => {
    const run = await runTier("mvp");
    const lt = named(run, "aws:ec2/launchTemplate:LaunchTemplate", "cluster-nodes");
    expect(lt.inputs.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
  });

  it("builds a kubeconfig that authenticates through aws eks get-token, kept secret", async () => {
    const run = await runTier("mvp", {}, { preview: false, outputs: true });
    const provider = named(run, "pulumi:providers:kubernetes", "cluster-k8s");
    expect(provider.secretInputs).toContain("kubeconfig");
    const kubeconfig = JSON.parse(provider.inputs.kubeconfig);
    expect(kubeconfig.users[0].user.exec.args).toEqual(["eks", "get-token", "--cluster-name", "finishthisidea-test-mvp", "--region", "us-east-1", "--output", "json"]);
    expect(kubeconfig.clusters[0].cluster.server).toMatch(/^https:\/\//);
    expect(await pulumi.isSecret(run.outputs.kubeconfig as pulumi.Output<string>)).toBe(true);
  });

  it("uses an existing cluster's kubeconfig instead of creating EKS resources", async () => {
    const raw = rawConfigWith({}, { kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n") });
    const run = await runStack(raw, "finishthisidea", "byo");
    expect(run.resources.filter((r) => r.type.startsWith("aws:eks/"))).toEqual([]);
    expect(named(run, "pulumi:providers:kubernetes", "existing-cluster").secretInputs).toContain("kubeconfig");
    expect(ofType(run, "aws:ec2/vpc:Vpc")).toHaveLength(1);
  });
});

describe("network", () => {
  it("carves non-overlapping private and public subnets", () => {
    expect(planSubnets("10.0.0.0/16", 3)).toEqual({
      private: ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"],
      public: ["10.0.96.0/21", "10.0.104.0/21", "10.0.112.0/21"],
    });
    expect(planSubnets("10.20.0.0/18", 3).public[2]).toBe("10.20.28.0/23");
  });

  it("spreads subnets over three AZs with the discovery tags load balancers need", async () => {
    const run = await runStackFile("staging");
    const subnets = ofType(run, "aws:ec2/subnet:Subnet");
    expect(subnets).toHaveLength(6);
    expect(new Set(subnets.map((s) => s.inputs.availabilityZone))).toEqual(new Set(["us-east-1a", "us-east-1b", "us-east-1c"]));
    expect(subnets.filter((s) => s.inputs.tags["kubernetes.io/role/elb"] === "1")).toHaveLength(3);
    expect(subnets.filter((s) => s.inputs.tags["kubernetes.io/role/internal-elb"] === "1")).toHaveLength(3);
  });
});

describe("whole program", () => {
  it("gives every resource a unique URN and parents everything under the platform", async () => {
    const run = await runStackFile("prod");
    expect(new Set(run.resources.map((r) => r.urn)).size).toBe(run.resources.length);
    const roots = run.resources.filter((r) => r.parent === undefined);
    expect(roots.map((r) => r.type)).toEqual(["finishthisidea:platform:Platform"]);
  });

  it("manages every AWS resource through an explicit provider that stamps cost-allocation tags", async () => {
    const run = await runStackFile("staging");
    const providers = new Map(ofType(run, "pulumi:providers:aws").map((p) => [p.name, JSON.parse(p.inputs.defaultTags).tags]));
    const awsResources = run.resources.filter((r) => r.type.startsWith("aws:"));
    expect(awsResources.length).toBeGreaterThan(20);
    for (const r of awsResources) {
      const tags = providers.get(r.options.provider ?? "");
      expect(tags, `${r.type} ${r.name}`).toMatchObject({ stack: "staging", tier: "mvp", "cost-center": "platform" });
      expect(tags.component, `${r.type} ${r.name}`).toBe(r.component);
    }
  });

  it("registers nothing when the config is invalid", async () => {
    let registered = 0;
    await pulumi.runtime.setMocks({
      newResource: (args) => { registered++; return { id: "x", state: args.inputs }; },
      call: () => ({}),
    });
    await expect(runStack(rawConfigWith({ tier: "huge" }), "finishthisidea", "bad")).rejects.toBeInstanceOf(ConfigError);
    expect(registered).toBe(0);
  });
});
