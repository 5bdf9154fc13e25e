import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { irsaRole, type ClusterOidc } from "../shared/irsa";
import { KUBERNETES_VERSION } from "./versions";

/**
 * How workloads find their node group. Workloads import these rather than repeating label strings, so a
 * renamed label cannot silently strand pods.
 */
export const NODE_POOLS = {
  system: { labels: { "finishthisidea.io/pool": "system" }, taints: [] as NodeTaint[] },
  workers: {
    labels: { "finishthisidea.io/pool": "workers" },
    // Only pods that accept spot reclamation land here.
    taints: [{ key: "finishthisidea.io/spot", value: "true", effect: "NoSchedule" }] as NodeTaint[],
  },
  gpu: {
    labels: { "finishthisidea.io/pool": "gpu", "nvidia.com/gpu.present": "true" },
    taints: [{ key: "nvidia.com/gpu", effect: "NoSchedule" }] as NodeTaint[],
  },
} as const;

/**
 * The cluster's default StorageClass: encrypted gp3 through the EBS CSI driver, bound when the pod is placed
 * (EBS volumes are zonal). EKS 1.30+ marks no class default, so a claim that names none would stay Pending.
 */
export const DEFAULT_STORAGE_CLASS = "gp3";

export interface NodeTaint {
  key: string;
  value?: string;
  effect: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

/** Kubernetes toleration matching a node pool's taints. */
export function tolerationsFor(taints: readonly NodeTaint[]) {
  return taints.map((t) => (t.value === undefined
    ? { key: t.key, operator: "Exists", effect: t.effect }
    : { key: t.key, operator: "Equal", value: t.value, effect: t.effect }));
}

const EKS_TAINT_EFFECT = { NoSchedule: "NO_SCHEDULE", PreferNoSchedule: "PREFER_NO_SCHEDULE", NoExecute: "NO_EXECUTE" } as const;

export interface NodeGroupSpec {
  instanceTypes: string[];
  min: number;
  max: number;
  desired: number;
}

export interface ClusterArgs {
  /** EKS cluster name (also used in subnet discovery tags). */
  clusterName: string;
  /** Region of the cluster, for the kubeconfig's token command. */
  region: string;
  vpcId: pulumi.Input<string>;
  /** Private subnets for the control plane ENIs and every node group. */
  privateSubnetIds: pulumi.Input<string>[];
  /** CIDRs that may reach the public API endpoint; empty keeps the endpoint private. */
  publicAccessCidrs: string[];
  /** On-demand group for system add-ons and the API. */
  system: NodeGroupSpec;
  /** SPOT group for the worker fleet, over a diversified list of instance types. */
  workers: NodeGroupSpec;
  /** On-demand GPU group for Ollama (NVIDIA AMI). */
  gpu: NodeGroupSpec;
  /** Days to keep control-plane logs. Default 90. */
  logRetentionDays?: number;
}

/** kubeconfig for an EKS cluster that authenticates with `aws eks get-token` (no static credentials). */
export function renderKubeconfig(clusterName: string, region: string, endpoint: string, caData: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: clusterName, cluster: { server: endpoint, "certificate-authority-data": caData } }],
    contexts: [{ name: clusterName, context: { cluster: clusterName, user: clusterName } }],
    "current-context": clusterName,
    users: [{
      name: clusterName,
      user: {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1beta1",
          command: "aws",
          args: ["eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"],
        },
      },
    }],
  });
}

const CONTROL_PLANE_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"];
const NODE_POLICIES = [
  "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
  "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
  "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
  "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
];

/**
 * EKS cluster with KMS-encrypted secrets, control-plane logging and an OIDC provider for IRSA, three managed
 * node groups (on-demand system/API, SPOT workers, NVIDIA GPU) and a Kubernetes provider bound to it.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  /** Security group EKS attaches to the control plane and managed nodes; data stores admit it. */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  readonly oidc: ClusterOidc;
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("finishthisidea:cluster:Cluster", name, {}, opts);
    const child = { parent: this };
    const assumeBy = (service: string) => JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: ["sts:AssumeRole", "sts:TagSession"] }],
    });

    const secretsKey = new aws.kms.Key(`${name}-secrets`, {
      description: `EKS secrets envelope encryption for ${args.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    }, { ...child, protect: true });

    const clusterRole = new aws.iam.Role(`${name}-control-plane`, { assumeRolePolicy: assumeBy("eks.amazonaws.com") }, child);
    const clusterPolicy = new aws.iam.RolePolicyAttachment(`${name}-control-plane`, {
      role: clusterRole.name,
      policyArn: "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
    }, child);

    // EKS writes to this exact name; creating it first lets us own its retention.
    const logGroup = new aws.cloudwatch.LogGroup(`${name}-control-plane-logs`, {
      name: `/aws/eks/${args.clusterName}/cluster`,
      retentionInDays: args.logRetentionDays ?? 90,
    }, child);

    const cluster = new aws.eks.Cluster(`${name}-eks`, {
      name: args.clusterName,
      // One version for the control plane and every add-on pinned against it (versions.ts).
      version: KUBERNETES_VERSION,
      roleArn: clusterRole.arn,
      vpcConfig: {
        subnetIds: args.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: args.publicAccessCidrs.length > 0,
        publicAccessCidrs: args.publicAccessCidrs.length > 0 ? args.publicAccessCidrs : undefined,
      },
      encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ["secrets"] },
      enabledClusterLogTypes: CONTROL_PLANE_LOGS,
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: true },
    }, { ...child, dependsOn: [clusterPolicy, logGroup] });

    const oidcProvider = new aws.iam.OpenIdConnectProvider(`${name}-oidc`, {
      url: cluster.identities.apply((ids) => ids[0].oidcs![0].issuer!),
      clientIdLists: ["sts.amazonaws.com"],
    }, child);

    const nodeRole = new aws.iam.Role(`${name}-nodes`, { assumeRolePolicy: assumeBy("ec2.amazonaws.com") }, child);
    const nodePolicies = NODE_POLICIES.map((policyArn) => new aws.iam.RolePolicyAttachment(
      `${name}-nodes-${policyArn.split("/").pop()}`, { role: nodeRole.name, policyArn }, child));

    // IMDSv2 only, one hop: pods cannot borrow the node's instance credentials, they use IRSA.
    const launchTemplate = new aws.ec2.LaunchTemplate(`${name}-nodes`, {
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: 100, volumeType: "gp3", encrypted: "true" } }],
      tagSpecifications: [{ resourceType: "instance", tags: { Name: `${args.clusterName}-node` } }],
    }, child);

    const nodeGroup = (pool: keyof typeof NODE_POOLS, spec: NodeGroupSpec, capacityType: "ON_DEMAND" | "SPOT", amiType: string) =>
      new aws.eks.NodeGroup(`${name}-${pool}`, {
        clusterName: cluster.name,
        nodeGroupNamePrefix: `${pool}-`,
        nodeRoleArn: nodeRole.arn,
        subnetIds: args.privateSubnetIds,
        instanceTypes: spec.instanceTypes,
        capacityType,
        amiType,
        scalingConfig: { minSize: spec.min, maxSize: spec.max, desiredSize: spec.desired },
        updateConfig: { maxUnavailablePercentage: 33 },
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
        labels: NODE_POOLS[pool].labels,
        taints: NODE_POOLS[pool].taints.map((t) => ({ key: t.key, value: t.value, effect: EKS_TAINT_EFFECT[t.effect] })),
        tags: {
          "k8s.io/cluster-autoscaler/enabled": "true",
          [`k8s.io/cluster-autoscaler/${args.clusterName}`]: "owned",
        },
      }, {
        ...child,
        dependsOn: nodePolicies,
        // The node autoscaler owns the current size; `pulumi up` must not reset it.
        ignoreChanges: ["scalingConfig.desiredSize"],
      });

    const systemNodes = nodeGroup("system", args.system, "ON_DEMAND", "AL2023_x86_64_STANDARD");
    nodeGroup("workers", args.workers, "SPOT", "AL2023_x86_64_STANDARD");
    nodeGroup("gpu", args.gpu, "ON_DEMAND", "AL2023_x86_64_NVIDIA");

    this.oidc = { providerArn: oidcProvider.arn, issuerUrl: oidcProvider.url.apply((u) => (u.startsWith("https://") ? u : `https://${u}`)) };

    // The EBS CSI driver provisions the gp3 volumes Ollama and Prometheus claim.
    const ebsCsiRole = irsaRole(`${name}-ebs-csi`, this.oidc, "kube-system", "ebs-csi-controller-sa", child);
    new aws.iam.RolePolicyAttachment(`${name}-ebs-csi`, {
      role: ebsCsiRole.name,
      policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy",
    }, child);
    const ebsCsi = new aws.eks.Addon(`${name}-ebs-csi`, {
      clusterName: cluster.name,
      addonName: "aws-ebs-csi-driver",
      serviceAccountRoleArn: ebsCsiRole.arn,
    }, { ...child, dependsOn: [systemNodes] });

    this.clusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.clusterSecurityGroupId = cluster.vpcConfig.apply((v) => v.clusterSecurityGroupId!);
    this.kubeconfig = pulumi.secret(pulumi
      .all([cluster.name, cluster.endpoint, cluster.certificateAuthority])
      .apply(([n, endpoint, ca]) => renderKubeconfig(n, args.region, endpoint, ca.data!)));
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig, enableServerSideApply: true }, { ...child, dependsOn: [systemNodes] });
    new k8s.storage.v1.StorageClass(`${name}-default-storage-class`, {
      metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: "Delete",
    }, { ...child, provider: this.provider, dependsOn: [ebsCsi] });

    this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint, kubeconfig: this.kubeconfig });
  }
}
