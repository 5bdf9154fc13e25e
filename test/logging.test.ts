import * as fs from "node:fs";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { FLUENT_BIT_CHART, fluentBitPolicy, fluentBitValues, LogShipping, logsKeyPolicy, type LogShippingArgs } from "../components/observability/logging";
import { ConfigError, resolveConfig } from "../infra/config";
import { TIERS } from "../infra/tiers";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";
import { rawConfigWith } from "./harness";

const FIXTURE = path.join(__dirname, "fixtures", "charts", `${FLUENT_BIT_CHART.chart}-${FLUENT_BIT_CHART.version}`, "values.yaml");
const OIDC = { providerArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X", issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/X" };

describe("aws-for-fluent-bit values", () => {
  const chart = parse(fs.readFileSync(FIXTURE, "utf8"));
  const values = fluentBitValues({ region: "us-east-1", clusterName: "finishthisidea-prod", retentionDays: 30, roleArn: "arn:aws:iam::123456789012:role/x" });

  it("the fixture is the pinned chart's values.yaml", () => {
    expect(fs.readFileSync(path.join(path.dirname(FIXTURE), "..", "README.md"), "utf8")).toContain(`| ${FLUENT_BIT_CHART.chart} | ${FLUENT_BIT_CHART.version} | https://github.com/aws/eks-charts |`);
    expect(chart.image.tag).toBe(FLUENT_BIT_CHART.appVersion);
  });

  it("send each namespace to its own group with the tier's retention, node logs to the node group", () => {
    expect(values.cloudWatchLogs).toMatchObject({
      enabled: true,
      logGroupTemplate: "/aws/eks/finishthisidea-prod/workload/$kubernetes['namespace_name']",
      logGroupName: "/aws/eks/finishthisidea-prod/node",
      logRetentionDays: 30,
    });
    expect(values.additionalInputs).toContain("_SYSTEMD_UNIT=kubelet.service");
    expect(values.serviceAccount.annotations).toEqual({ "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/x" });
  });

  it("let Fluent Bit write only under the cluster's prefix, and CloudWatch Logs use the key for those groups only", () => {
    const policy = JSON.parse(fluentBitPolicy("us-east-1", "123456789012", "finishthisidea-prod"));
    expect(policy.Statement[0].Resource).toEqual(["arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/finishthisidea-prod/*", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/finishthisidea-prod/*:*"]);
    const key = JSON.parse(logsKeyPolicy("123456789012", "us-east-1", "finishthisidea-prod")).Statement[1];
    expect(key.Principal).toEqual({ Service: "logs.us-east-1.amazonaws.com" });
    expect(key.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toBe("arn:aws:logs:us-east-1:123456789012:log-group:/aws/eks/finishthisidea-prod/*");
  });
});

describe("LogShipping", () => {
  let resources: RegisteredResource[];
  const args = (provider: aws.Provider, over: Partial<LogShippingArgs> = {}): LogShippingArgs => ({
    clusterName: "finishthisidea-prod", region: "us-east-1", namespaces: ["api", "workers"], retentionDays: 30, provider, oidc: OIDC, ...over,
  });
  const build = (over: Partial<LogShippingArgs> = {}) => runComponent((parent) => {
    const provider = new aws.Provider("aws-logging-us-east-1", { region: "us-east-1" }, { parent });
    const k8sProvider = new k8s.Provider("k8s", { kubeconfig: "{}" }, { parent });
    return new LogShipping("logging", args(provider, over), { parent, providers: [k8sProvider] });
  });
  beforeAll(async () => {
    ({ resources } = await build());
  });

  it("creates one KMS-encrypted group per namespace and one for the nodes, with the retention given", () => {
    const groups = resources.filter((r) => r.type === "aws:cloudwatch/logGroup:LogGroup");
    expect(groups.map((g) => g.inputs.name)).toEqual(["/aws/eks/finishthisidea-prod/workload/api", "/aws/eks/finishthisidea-prod/workload/workers", "/aws/eks/finishthisidea-prod/node"]);
    for (const g of groups) {
      expect(g.inputs.retentionInDays).toBe(30);
      expect(g.inputs.kmsKeyId).toMatch(/:logging-key$/);
    }
    expect(find(resources, "aws:kms/key:Key", "logging-key").options.protect).toBe(true);
  });

  it("runs the pinned chart with an IRSA role trusted by its service account, after the groups exist", () => {
    const release = find(resources, "kubernetes:helm.sh/v3:Release", "logging-fluent-bit");
    expect(release.inputs).toMatchObject({ chart: "aws-for-fluent-bit", version: "0.2.0", namespace: "kube-system", repositoryOpts: { repo: "https://aws.github.io/eks-charts" } });
    expect(release.options.dependsOn).toEqual(["logging-api", "logging-workers", "logging-node"]);
    const trust = JSON.parse(find(resources, "aws:iam/role:Role", "logging-role").inputs.assumeRolePolicy);
    expect(trust.Statement[0].Condition.StringEquals["oidc.eks.us-east-1.amazonaws.com/id/X:sub"]).toBe("system:serviceaccount:kube-system:aws-for-fluent-bit");
  });

  it("rejects a retention CloudWatch does not accept and bad namespaces, before registering anything", async () => {
    await expect(build({ retentionDays: 10, namespaces: ["API", "api", "api"] })).rejects.toThrow(/LogShipping logging: retentionDays 10 must be one of 1, 3, 5, 7, 14, 30.*; namespaces \["API"\] are not namespace names; namespaces .* repeat a name/);
  });
});

describe("log retention per tier", () => {
  it("grows with the tier and is validated in the stack config", () => {
    expect([TIERS.mvp, TIERS.growth, TIERS.scale, TIERS.enterprise].map((t) => t.logs.retentionDays)).toEqual([14, 30, 90, 365]);
    expect(() => resolveConfig(rawConfigWith({ overrides: { logs: { retentionDays: 10 } } }), "finishthisidea", "t")).toThrow(ConfigError);
    try {
      resolveConfig(rawConfigWith({ overrides: { logs: { retentionDays: 10 } } }), "finishthisidea", "t");
    } catch (e) {
      expect((e as ConfigError).problems[0]).toMatch(/^finishthisidea:overrides.logs.retentionDays: got 10; expected one of 1, 3, 5, 7, 14, 30/);
    }
  });
});
