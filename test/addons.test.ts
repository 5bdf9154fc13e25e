import * as aws from "@pulumi/aws";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ADDON_CHARTS,
  Addons,
  clusterAutoscalerPolicy,
  httpRpsAdapterRule,
  type AddonsArgs,
} from "../components/k8s/addons";
import { NODE_POOLS } from "../components/cluster/cluster";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";
import { k8sSchemaProblems } from "./k8s-schema";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const OIDC = { providerArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X", issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/X" };

function build(args: AddonsArgs) {
  return runComponent((parent) => {
    const provider = new aws.Provider("aws", { region: "us-east-1" }, { parent });
    return new Addons("addons", args, { parent, providers: [provider] });
  });
}

const release = (resources: RegisteredResource[], chart: string) => find(resources, RELEASE, `addons-${chart}`).inputs;
const trustedServiceAccount = (resources: RegisteredResource[], role: string) =>
  JSON.parse(find(resources, "aws:iam/role:Role", role).inputs.assumeRolePolicy).Statement[0].Condition.StringEquals["oidc.eks.us-east-1.amazonaws.com/id/X:sub"];

describe("Addons on an EKS cluster this stack created", () => {
  let resources: RegisteredResource[];
  beforeAll(async () => {
    ({ resources } = await build({
      prometheusUrl: "http://prometheus.monitoring.svc",
      aws: { clusterName: "finishthisidea-prod", region: "us-east-1", vpcId: "vpc-123", oidc: OIDC },
    }));
  });

  it("installs every add-on as a pinned chart from its repository, each in its own namespace", () => {
    const releases = resources.filter((r) => r.type === RELEASE);
    expect(releases).toHaveLength(Object.keys(ADDON_CHARTS).length);
    const namespaces = new Set<string>();
    for (const spec of Object.values(ADDON_CHARTS)) {
      const r = release(resources, spec.chart);
      expect(r.version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(r).toMatchObject({ name: spec.chart, version: spec.version, namespace: spec.namespace, createNamespace: false });
      // An OCI chart is pulled by its reference, with no repository; a classic chart by name from its repository.
      if (spec.repo.startsWith("oci://")) {
        expect(r.chart).toBe(spec.repo);
        expect(r.repositoryOpts).toBeUndefined();
      } else {
        expect(r).toMatchObject({ chart: spec.chart, repositoryOpts: { repo: spec.repo } });
      }
      expect(find(resources, "kubernetes:core/v1:Namespace", `addons-${spec.namespace}`).inputs.metadata.name).toBe(spec.namespace);
      namespaces.add(spec.namespace);
    }
    expect(namespaces.size).toBe(releases.length);
  });

  it("replaces metrics-server's address-type flag instead of passing it twice", () => {
    const v = release(resources, "metrics-server").values;
    // The chart renders defaultArgs then args; the flag must appear exactly once, as InternalIP.
    const rendered: string[] = [...v.defaultArgs, ...(v.args ?? [])];
    expect(rendered.filter((a) => a.startsWith("--kubelet-preferred-address-types="))).toEqual(["--kubelet-preferred-address-types=InternalIP"]);
    expect(rendered).toEqual(expect.arrayContaining(["--cert-dir=/tmp", "--kubelet-use-node-status-port", "--metric-resolution=15s"]));
  });

  it("runs the NVIDIA device plugin on GPU nodes only, tolerating their taint, as system-node-critical", () => {
    const v = release(resources, "nvidia-device-plugin").values;
    expect(v.priorityClassName).toBe("system-node-critical");
    expect(v.nodeSelector).toEqual(NODE_POOLS.gpu.labels);
    expect(v.tolerations).toContainEqual({ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" });
  });

  it("serves the API's http_requests_per_second pods metric from prometheus-adapter", () => {
    const v = release(resources, "prometheus-adapter").values;
    expect(v.prometheus).toEqual({ url: "http://prometheus.monitoring.svc", port: 9090 });
    expect(v.rules.default).toBe(false);
    expect(v.rules.custom).toEqual([httpRpsAdapterRule()]);
    const rule = httpRpsAdapterRule();
    // The adapter names the metric by rewriting the counter's name.
    expect("http_requests_total".replace(new RegExp(rule.name.matches), rule.name.as.replace("${1}", "$1"))).toBe("http_requests_per_second");
  });

  it("autoscales this cluster's node groups with an IRSA role that may resize only them", () => {
    const v = release(resources, "cluster-autoscaler").values;
    expect(v.autoDiscovery).toEqual({ clusterName: "finishthisidea-prod" });
    expect(v.image.tag).toBe("v1.33.6");
    // One node group per pool: nothing for balance-similar-node-groups to balance.
    expect(v.extraArgs).not.toHaveProperty("balance-similar-node-groups");
    expect(v.rbac.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toMatch(/addons-cluster-autoscaler/);
    expect(trustedServiceAccount(resources, "addons-cluster-autoscaler")).toBe("system:serviceaccount:cluster-autoscaler:cluster-autoscaler");
    const policy = JSON.parse(find(resources, "aws:iam/rolePolicy:RolePolicy", "addons-cluster-autoscaler").inputs.policy);
    expect(policy).toEqual(JSON.parse(clusterAutoscalerPolicy("finishthisidea-prod")));
    expect(policy.Statement[1].Condition.StringEquals).toEqual({ "aws:ResourceTag/k8s.io/cluster-autoscaler/finishthisidea-prod": "owned" });
  });

  it("drains spot nodes on interruption: EventBridge rules into an SQS queue the termination handler reads", () => {
    const rules = resources.filter((r) => r.type === "aws:cloudwatch/eventRule:EventRule").map((r) => JSON.parse(r.inputs.eventPattern)["detail-type"][0]);
    expect(rules).toContain("EC2 Spot Instance Interruption Warning");
    expect(rules).toContain("EC2 Instance Rebalance Recommendation");
    const targets = resources.filter((r) => r.type === "aws:cloudwatch/eventTarget:EventTarget");
    expect(targets).toHaveLength(rules.length);
    const v = release(resources, "aws-node-termination-handler").values;
    expect(v.enableSqsTerminationDraining).toBe(true);
    expect(v.queueURL).toMatch(/^https:\/\/sqs\.us-east-1\.amazonaws\.com\//);
    expect(v.checkTagBeforeDraining).toBe(false);
    expect(v.deleteSqsMsgIfNodeNotFound).toBe(true);
    // IMDS-mode switches the queue-processor Deployment never reads.
    for (const imdsOnly of ["enableSpotInterruptionDraining", "enableRebalanceMonitoring", "enableRebalanceDraining", "enableScheduledEventDraining"]) {
      expect(v).not.toHaveProperty(imdsOnly);
    }
    expect(release(resources, "aws-node-termination-handler")).toMatchObject({
      chart: "oci://public.ecr.aws/aws-ec2/helm/aws-node-termination-handler", version: "0.27.6",
    });
    expect(trustedServiceAccount(resources, "addons-aws-node-termination-handler")).toBe("system:serviceaccount:node-termination-handler:aws-node-termination-handler");
    const policy = JSON.parse(find(resources, "aws:iam/rolePolicy:RolePolicy", "addons-aws-node-termination-handler").inputs.policy);
    expect(policy.Statement[0]).toMatchObject({ Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: expect.stringMatching(/^arn:aws:sqs:/) });
  });

  it("runs the AWS Load Balancer Controller with its IRSA role for this cluster and VPC", () => {
    const v = release(resources, "aws-load-balancer-controller").values;
    expect(v).toMatchObject({ clusterName: "finishthisidea-prod", region: "us-east-1", vpcId: "vpc-123" });
    expect(v.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toMatch(/addons-aws-load-balancer-controller/);
    expect(trustedServiceAccount(resources, "addons-aws-load-balancer-controller")).toBe("system:serviceaccount:aws-load-balancer-controller:aws-load-balancer-controller");
    const actions = JSON.parse(find(resources, "aws:iam/rolePolicy:RolePolicy", "addons-aws-load-balancer-controller").inputs.policy).Statement.flatMap((s: any) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:RegisterTargets", "ec2:DescribeSubnets"]));
  });

  it("turns on NetworkPolicy enforcement in the VPC CNI, keeps controllers on the system pool, and validates", async () => {
    const cni = find(resources, "aws:eks/addon:Addon", "addons-vpc-cni").inputs;
    expect(JSON.parse(cni.configurationValues)).toEqual({ enableNetworkPolicy: "true" });
    for (const chart of ["metrics-server", "keda", "prometheus-adapter", "cluster-autoscaler", "aws-load-balancer-controller"]) {
      expect(release(resources, chart).values.nodeSelector).toEqual(NODE_POOLS.system.labels);
    }
    expect(await k8sSchemaProblems(resources)).toEqual([]);
  });
});

describe("Addons on an existing cluster", () => {
  it("installs only the in-cluster add-ons and creates no AWS resources", async () => {
    const { resources } = await build({ prometheusUrl: "http://prometheus.monitoring.svc" });
    expect(resources.filter((r) => r.type === RELEASE).map((r) => r.inputs.chart).sort()).toEqual(["keda", "metrics-server", "nvidia-device-plugin", "prometheus-adapter"]);
    expect(resources.filter((r) => r.type.startsWith("aws:") && r.type !== "pulumi:providers:aws" && r.name !== "aws")).toEqual([]);
  });

  it("rejects bad input naming the arg and what is allowed", async () => {
    await expect(build({ prometheusUrl: "x", controllerReplicas: 0 })).rejects.toThrow(/controllerReplicas must be an integer >= 1; got 0/);
  });
});
