import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NODE_POOLS, tolerationsFor } from "../cluster/cluster";
import { irsaRole, type ClusterOidc } from "../shared/irsa";
import { CHART_PINS, CLUSTER_AUTOSCALER_IMAGE_TAGS, isOciChart, KUBERNETES_VERSION } from "../cluster/versions";
import lbControllerPolicyV2134 from "./policies/aws-load-balancer-controller-v2.13.4.json";

/**
 * The cluster add-ons as pinned Helm charts (versions, app versions and supported Kubernetes versions in
 * components/cluster/versions.ts) and the namespace each is installed into (one namespace per add-on). Versions
 * are exact so a chart release never changes a cluster under a `pulumi up` nobody reviewed.
 */
export const ADDON_CHARTS = {
  metricsServer: { ...CHART_PINS.metricsServer, namespace: "metrics-server" },
  keda: { ...CHART_PINS.keda, namespace: "keda" },
  nvidiaDevicePlugin: { ...CHART_PINS.nvidiaDevicePlugin, namespace: "nvidia-device-plugin" },
  clusterAutoscaler: { ...CHART_PINS.clusterAutoscaler, namespace: "cluster-autoscaler" },
  nodeTerminationHandler: { ...CHART_PINS.nodeTerminationHandler, namespace: "node-termination-handler" },
  loadBalancerController: { ...CHART_PINS.loadBalancerController, namespace: "aws-load-balancer-controller" },
  prometheusAdapter: { ...CHART_PINS.prometheusAdapter, namespace: "prometheus-adapter" },
} as const;

export type AddonKey = keyof typeof ADDON_CHARTS;

/**
 * metrics-server's own `defaultArgs` at chart 3.12.2 with only the address types changed: the chart appends
 * `args` after `defaultArgs` (templates/deployment.yaml), so an override in `args` would pass the flag twice.
 * Nodes are reached on their InternalIP (private subnets; no ExternalIP or resolvable Hostname).
 */
export const METRICS_SERVER_DEFAULT_ARGS = [
  "--cert-dir=/tmp",
  "--kubelet-preferred-address-types=InternalIP",
  "--kubelet-use-node-status-port",
  "--metric-resolution=15s",
];

/** The pods metric the API's HPA scales on (prometheus-adapter derives it from the counter below). */
export const HTTP_RPS_METRIC = "http_requests_per_second";
/** The Prometheus counter the API exposes, per pod. */
export const HTTP_REQUESTS_COUNTER = "http_requests_total";

/**
 * prometheus-adapter rule that turns the API's `http_requests_total` counter into the per-pod
 * `http_requests_per_second` custom metric (rate over 2 minutes, per namespace and pod).
 */
export function httpRpsAdapterRule() {
  return {
    seriesQuery: `${HTTP_REQUESTS_COUNTER}{namespace!="",pod!=""}`,
    resources: { overrides: { namespace: { resource: "namespace" }, pod: { resource: "pod" } } },
    name: { matches: "^(.*)_total$", as: "${1}_per_second" },
    metricsQuery: "sum(rate(<<.Series>>{<<.LabelMatchers>>}[2m])) by (<<.GroupBy>>)",
  };
}

/** EventBridge patterns whose events the node termination handler drains nodes on. */
export const INTERRUPTION_EVENTS: Record<string, { source: string[]; "detail-type": string[] }> = {
  "spot-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  "instance-state": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
  "scheduled-change": { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
};

/**
 * IAM policy of the AWS Load Balancer Controller: upstream's docs/install/iam_policy.json, verbatim, at the
 * app version the pinned chart deploys (kubernetes-sigs/aws-load-balancer-controller, tag v2.13.4).
 */
export const LOAD_BALANCER_CONTROLLER_POLICY = { appVersion: "v2.13.4", document: lbControllerPolicyV2134 } as const;

export function loadBalancerControllerPolicy(): string {
  return JSON.stringify(LOAD_BALANCER_CONTROLLER_POLICY.document);
}

/** IAM policy of cluster-autoscaler: describe everything, resize only this cluster's node groups. */
export function clusterAutoscalerPolicy(clusterName: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: [
          "autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeLaunchConfigurations",
          "autoscaling:DescribeScalingActivities", "autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
          "ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements", "eks:DescribeNodegroup",
        ],
        Resource: "*",
      },
      {
        Effect: "Allow",
        Action: ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"],
        Resource: "*",
        Condition: { StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/${clusterName}`]: "owned" } },
      },
    ],
  });
}

/** IAM policy of the node termination handler in queue-processor mode. */
export function terminationHandlerPolicy(queueArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: ["sqs:ReceiveMessage", "sqs:DeleteMessage"], Resource: queueArn },
      {
        Effect: "Allow",
        Action: ["autoscaling:CompleteLifecycleAction", "autoscaling:DescribeAutoScalingInstances", "autoscaling:DescribeTags", "ec2:DescribeInstances"],
        Resource: "*",
      },
    ],
  });
}

/** What the add-ons that call AWS APIs need; absent for a cluster this stack did not create. */
export interface AddonsAwsArgs {
  clusterName: pulumi.Input<string>;
  region: string;
  vpcId: pulumi.Input<string>;
  oidc: ClusterOidc;
}

export interface AddonsArgs {
  /**
   * EKS integration: node autoscaler, spot interruption handler and AWS Load Balancer Controller (each with
   * an IRSA role). Omit for an existing cluster, which then must already run its own.
   */
  aws?: AddonsAwsArgs;
  /** Prometheus the adapter queries (in-cluster URL without port). */
  prometheusUrl: string;
  /** Default 9090. */
  prometheusPort?: number;
  /** Replicas of the controllers that serve webhooks / APIs (KEDA operator, metrics-server, LB controller). Default 2. */
  controllerReplicas?: number;
}

/** Labels every add-on namespace carries. */
function namespaceLabels(addon: string) {
  return { "app.kubernetes.io/name": addon, "app.kubernetes.io/part-of": "finishthisidea-addons", "app.kubernetes.io/managed-by": "pulumi" };
}

/** Throw a clear error for bad Addons args (called before anything is registered). */
export function validateAddonsArgs(name: string, args: AddonsArgs): void {
  const replicas = args.controllerReplicas ?? 2;
  if (!Number.isInteger(replicas) || replicas < 1) {
    throw new Error(`Addons ${name}: controllerReplicas must be an integer >= 1; got ${JSON.stringify(args.controllerReplicas)}`);
  }
}

/**
 * Cluster add-ons, each a pinned Helm release in its own namespace: metrics-server (HPA cpu/memory), KEDA
 * (queue-depth scaling), the NVIDIA device plugin (on the GPU pool, system-node-critical), prometheus-adapter
 * (the API's `http_requests_per_second` pods metric) and, for an EKS cluster this stack created,
 * cluster-autoscaler, aws-node-termination-handler (queue-processor mode, spot interruption draining) and the
 * AWS Load Balancer Controller, each with its IRSA role.
 */
export class Addons extends pulumi.ComponentResource {
  /** Namespace name of each add-on installed. */
  readonly namespaces: Partial<Record<AddonKey, string>>;
  /** The KEDA release: ScaledObjects and TriggerAuthentications depend on its CRDs. */
  readonly keda: k8s.helm.v3.Release;
  readonly metricsServer: k8s.helm.v3.Release;
  readonly prometheusAdapter: k8s.helm.v3.Release;
  /** The LB controller release (Ingresses of class `alb` depend on its webhook); absent without `aws`. */
  readonly loadBalancerController?: k8s.helm.v3.Release;
  /** Queue the interruption events land in; absent without `aws`. */
  readonly interruptionQueueArn?: pulumi.Output<string>;

  constructor(name: string, args: AddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    validateAddonsArgs(name, args);
    super("finishthisidea:k8s:Addons", name, {}, opts);
    const child = { parent: this };
    const replicas = args.controllerReplicas ?? 2;
    const caTag = CLUSTER_AUTOSCALER_IMAGE_TAGS[KUBERNETES_VERSION];
    // Controllers run on the on-demand system pool, never on spot or GPU nodes.
    const systemPlacement = { nodeSelector: { ...NODE_POOLS.system.labels } };
    const namespaces: Partial<Record<AddonKey, string>> = {};

    const release = (key: AddonKey, values: pulumi.Input<Record<string, unknown>>, extra: pulumi.CustomResourceOptions = {}) => {
      const spec = ADDON_CHARTS[key];
      const ns = new k8s.core.v1.Namespace(`${name}-${spec.namespace}`, {
        metadata: { name: spec.namespace, labels: namespaceLabels(spec.chart) },
      }, child);
      namespaces[key] = spec.namespace;
      return new k8s.helm.v3.Release(`${name}-${spec.chart}`, {
        name: spec.chart,
        // An OCI chart is addressed by its reference; a classic one by name in its repository.
        ...(isOciChart(spec) ? { chart: spec.repo } : { chart: spec.chart, repositoryOpts: { repo: spec.repo } }),
        version: spec.version,
        namespace: ns.metadata.name,
        createNamespace: false,
        atomic: true,
        cleanupOnFail: true,
        timeout: 600,
        maxHistory: 10,
        values,
      }, { ...child, ...extra });
    };

    this.metricsServer = release("metricsServer", {
      replicas,
      ...systemPlacement,
      podDisruptionBudget: { enabled: true, minAvailable: 1 },
      defaultArgs: METRICS_SERVER_DEFAULT_ARGS,
    });

    this.keda = release("keda", {
      operator: { replicaCount: replicas },
      metricsServer: { replicaCount: replicas },
      webhooks: { replicaCount: replicas },
      podDisruptionBudget: { operator: { minAvailable: 1 }, metricServer: { minAvailable: 1 }, webhooks: { minAvailable: 1 } },
      ...systemPlacement,
    });

    release("nvidiaDevicePlugin", {
      priorityClassName: "system-node-critical",
      nodeSelector: { ...NODE_POOLS.gpu.labels },
      tolerations: [...tolerationsFor(NODE_POOLS.gpu.taints), { key: "CriticalAddonsOnly", operator: "Exists" }],
    });

    this.prometheusAdapter = release("prometheusAdapter", {
      replicas,
      ...systemPlacement,
      prometheus: { url: args.prometheusUrl, port: args.prometheusPort ?? 9090 },
      // Only the custom (pods) metric: metrics-server serves resource metrics, KEDA serves external metrics.
      rules: { default: false, custom: [httpRpsAdapterRule()] },
    });

    if (args.aws) {
      const a = args.aws;
      const role = (key: AddonKey, serviceAccount: string, policy: pulumi.Input<string>) => {
        const spec = ADDON_CHARTS[key];
        const r = irsaRole(`${name}-${spec.chart}`, a.oidc, spec.namespace, serviceAccount, child);
        new aws.iam.RolePolicy(`${name}-${spec.chart}`, { role: r.id, policy }, child);
        return r;
      };

      // NetworkPolicies are only enforced when the VPC CNI runs its network policy agent.
      new aws.eks.Addon(`${name}-vpc-cni`, {
        clusterName: a.clusterName,
        addonName: "vpc-cni",
        resolveConflictsOnUpdate: "PRESERVE",
        configurationValues: JSON.stringify({ enableNetworkPolicy: "true" }),
      }, child);

      const caRole = role("clusterAutoscaler", "cluster-autoscaler", pulumi.output(a.clusterName).apply(clusterAutoscalerPolicy));
      release("clusterAutoscaler", {
        autoDiscovery: { clusterName: a.clusterName },
        awsRegion: a.region,
        image: { tag: caTag },
        rbac: { serviceAccount: { create: true, name: "cluster-autoscaler", annotations: { "eks.amazonaws.com/role-arn": caRole.arn } } },
        ...systemPlacement,
        // No balance-similar-node-groups: each pool is one node group (the spot pool's types are one shape in
        // one mixed-instances group), so there is nothing to balance between.
        extraArgs: {
          expander: "least-waste",
          "skip-nodes-with-system-pods": false,
          "skip-nodes-with-local-storage": false,
          "scale-down-unneeded-time": "10m",
          "max-graceful-termination-sec": 900,
        },
      });

      // Spot interruption: EventBridge -> SQS -> node termination handler cordons and drains the node within the
      // two-minute warning (and on rebalance recommendations, earlier).
      const queue = new aws.sqs.Queue(`${name}-interruptions`, { messageRetentionSeconds: 300, sqsManagedSseEnabled: true }, child);
      new aws.sqs.QueuePolicy(`${name}-interruptions`, {
        queueUrl: queue.url,
        policy: queue.arn.apply((arn) => JSON.stringify({
          Version: "2012-10-17",
          Statement: [{ Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, Action: "sqs:SendMessage", Resource: arn }],
        })),
      }, child);
      for (const [event, pattern] of Object.entries(INTERRUPTION_EVENTS)) {
        const rule = new aws.cloudwatch.EventRule(`${name}-${event}`, { eventPattern: JSON.stringify(pattern) }, child);
        new aws.cloudwatch.EventTarget(`${name}-${event}`, { rule: rule.name, arn: queue.arn }, child);
      }
      const nthRole = role("nodeTerminationHandler", "aws-node-termination-handler", queue.arn.apply(terminationHandlerPolicy));
      release("nodeTerminationHandler", {
        enableSqsTerminationDraining: true,
        queueURL: queue.url,
        awsRegion: a.region,
        // Managed node groups' ASGs do not carry NTH's opt-in tag; every node of this cluster is handled.
        checkTagBeforeDraining: false,
        // Queue-processor mode acts on every event the EventBridge rules deliver; the chart's enable*Draining /
        // enableRebalance* keys are IMDS-mode only (its deployment template never reads them).
        deleteSqsMsgIfNodeNotFound: true,
        serviceAccount: { create: true, name: "aws-node-termination-handler", annotations: { "eks.amazonaws.com/role-arn": nthRole.arn } },
        ...systemPlacement,
      });
      this.interruptionQueueArn = queue.arn;

      const lbRole = role("loadBalancerController", "aws-load-balancer-controller", loadBalancerControllerPolicy());
      this.loadBalancerController = release("loadBalancerController", {
        clusterName: a.clusterName,
        region: a.region,
        vpcId: a.vpcId,
        replicaCount: replicas,
        serviceAccount: { create: true, name: "aws-load-balancer-controller", annotations: { "eks.amazonaws.com/role-arn": lbRole.arn } },
        ...systemPlacement,
      });
    }

    this.namespaces = namespaces;
    this.registerOutputs({ namespaces, interruptionQueueArn: this.interruptionQueueArn });
  }
}
