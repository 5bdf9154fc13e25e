import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { irsaRole, type ClusterOidc } from "../shared/irsa";
import { CHART_PINS } from "../cluster/versions";
import { LOG_RETENTION_DAYS } from "./log-retention";

/**
 * Pod and node logs to CloudWatch Logs: Fluent Bit from AWS's maintained chart (aws-for-fluent-bit) on every node,
 * one KMS-encrypted log group per namespace with the tier's retention, node (kubelet, containerd) logs in their
 * own group, and an IRSA role that may write only to these groups.
 */

/** The chart, pinned with the other charts (components/cluster/versions.ts); values keys are checked against its values.yaml. */
export const FLUENT_BIT_CHART = CHART_PINS.fluentBit;

export { LOG_RETENTION_DAYS };

export const FLUENT_BIT_SERVICE_ACCOUNT = "aws-for-fluent-bit";

/** Log group names: `<prefix>/workload/<namespace>` per namespace, `<prefix>/node` for kubelet and containerd. */
export function logGroupNames(clusterName: string, namespaces: string[]): { namespaces: Record<string, string>; node: string; prefix: string } {
  const prefix = `/aws/eks/${clusterName}`;
  return { prefix, node: `${prefix}/node`, namespaces: Object.fromEntries(namespaces.map((ns) => [ns, `${prefix}/workload/${ns}`])) };
}

/** Node logs from the journal: the kubelet and the container runtime. */
export const NODE_LOG_INPUT = [
  "[INPUT]",
  "    Name            systemd",
  "    Tag             host.*",
  "    Path            /var/log/journal",
  "    Systemd_Filter  _SYSTEMD_UNIT=kubelet.service",
  "    Systemd_Filter  _SYSTEMD_UNIT=containerd.service",
  "    Read_From_Tail  On",
].join("\n");

export interface FluentBitValuesInput {
  region: string;
  clusterName: string;
  retentionDays: number;
  roleArn?: pulumi.Input<string>;
}

/**
 * Helm values of aws-for-fluent-bit: the cloudwatch_logs output writes each record to its namespace's group
 * (log_group_template); records without Kubernetes metadata (the node logs) fall back to the node group. A
 * namespace without a group of its own gets one created with the same retention (not KMS-encrypted: add the
 * namespace to the component to have it encrypted).
 */
export function fluentBitValues(v: FluentBitValuesInput) {
  const groups = logGroupNames(v.clusterName, []);
  return {
    serviceAccount: { create: true, name: FLUENT_BIT_SERVICE_ACCOUNT, annotations: v.roleArn ? { "eks.amazonaws.com/role-arn": v.roleArn } : {} },
    additionalInputs: NODE_LOG_INPUT,
    cloudWatchLogs: {
      enabled: true,
      match: "*",
      region: v.region,
      logGroupName: groups.node,
      logGroupTemplate: `${groups.prefix}/workload/$kubernetes['namespace_name']`,
      logStreamPrefix: "fluentbit-",
      logStreamTemplate: "$kubernetes['pod_name'].$kubernetes['container_name']",
      autoCreateGroup: true,
      logRetentionDays: v.retentionDays,
    },
    // Every node, tainted pools (spot workers, GPU) included; evicted last.
    tolerations: [{ operator: "Exists" }],
    priorityClassName: "system-node-critical",
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
  };
}

/** What Fluent Bit may do: write to (and create, with retention) the cluster's log groups, nothing else. */
export function fluentBitPolicy(region: string, accountId: string, clusterName: string): string {
  const prefix = logGroupNames(clusterName, []).prefix;
  const groups = `arn:aws:logs:${region}:${accountId}:log-group:${prefix}/*`;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "WriteClusterLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams", "logs:CreateLogGroup", "logs:PutRetentionPolicy"], Resource: [groups, `${groups}:*`] },
      { Sid: "FindGroups", Effect: "Allow", Action: "logs:DescribeLogGroups", Resource: "*" },
    ],
  });
}

/** The log groups' key: CloudWatch Logs of this region may use it for this account's groups under the prefix. */
export function logsKeyPolicy(accountId: string, region: string, clusterName: string): string {
  const prefix = logGroupNames(clusterName, []).prefix;
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" },
      {
        Sid: "CloudWatchLogsEncrypt",
        Effect: "Allow",
        Principal: { Service: `logs.${region}.amazonaws.com` },
        Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
        Resource: "*",
        Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:${region}:${accountId}:log-group:${prefix}/*` } },
      },
    ],
  });
}

export interface LogShippingArgs {
  /** The EKS cluster's name (the stack's `<project>-<stack>`): it names the log groups. */
  clusterName: string;
  region: string;
  /** Namespaces that get their own KMS-encrypted group (the platform's). */
  namespaces: string[];
  /** The tier's logs.retentionDays: one of LOG_RETENTION_DAYS. */
  retentionDays: number;
  /** AWS provider of the cluster's region. */
  provider: aws.Provider;
  /** Cluster OIDC for Fluent Bit's IRSA role; absent for an existing cluster (grant `policy` to the nodes instead). */
  oidc?: ClusterOidc;
  /** @default "kube-system" (privileged: Fluent Bit reads the host's /var/log) */
  namespace?: string;
}

export function validateLogShippingArgs(name: string, args: LogShippingArgs): void {
  const errors: string[] = [];
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(args.retentionDays)) errors.push(`retentionDays ${args.retentionDays} must be one of ${LOG_RETENTION_DAYS.join(", ")}`);
  const bad = args.namespaces.filter((ns) => !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(ns));
  if (bad.length > 0) errors.push(`namespaces ${JSON.stringify(bad)} are not namespace names`);
  if (new Set(args.namespaces).size !== args.namespaces.length) errors.push(`namespaces ${JSON.stringify(args.namespaces)} repeat a name`);
  if (errors.length > 0) throw new Error(`LogShipping ${name}: ${errors.join("; ")}`);
}

export class LogShipping extends pulumi.ComponentResource {
  /** Log group name per namespace, and the node group. */
  readonly logGroups: Record<string, string>;
  readonly nodeLogGroup: string;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly roleArn?: pulumi.Output<string>;
  /** IAM policy (JSON) Fluent Bit's identity needs. */
  readonly policy: pulumi.Output<string>;

  constructor(name: string, args: LogShippingArgs, opts?: pulumi.ComponentResourceOptions) {
    validateLogShippingArgs(name, args);
    super("finishthisidea:observability:LogShipping", name, {}, opts);
    const child = { parent: this };
    const inAws = { ...child, provider: args.provider };
    const accountId = aws.getCallerIdentityOutput({}, inAws).accountId;
    const groups = logGroupNames(args.clusterName, args.namespaces);
    const namespace = args.namespace ?? "kube-system";

    const key = new aws.kms.Key(`${name}-key`, {
      description: `CloudWatch Logs of cluster ${args.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: accountId.apply((id) => logsKeyPolicy(id, args.region, args.clusterName)),
    }, { ...inAws, protect: true });
    const all = { ...groups.namespaces, node: groups.node };
    const logGroups = Object.entries(all).map(([ns, groupName]) => new aws.cloudwatch.LogGroup(`${name}-${ns}`, {
      name: groupName,
      retentionInDays: args.retentionDays,
      kmsKeyId: key.arn,
    }, inAws));

    this.policy = accountId.apply((id) => fluentBitPolicy(args.region, id, args.clusterName));
    let roleArn: pulumi.Output<string> | undefined;
    if (args.oidc) {
      const role = irsaRole(`${name}-role`, args.oidc, namespace, FLUENT_BIT_SERVICE_ACCOUNT, inAws);
      new aws.iam.RolePolicy(`${name}-role-policy`, { role: role.id, policy: this.policy }, inAws);
      roleArn = role.arn;
    }

    new k8s.helm.v3.Release(`${name}-fluent-bit`, {
      name: FLUENT_BIT_CHART.chart,
      chart: FLUENT_BIT_CHART.chart,
      version: FLUENT_BIT_CHART.version,
      repositoryOpts: { repo: FLUENT_BIT_CHART.repo },
      namespace,
      atomic: true,
      cleanupOnFail: true,
      timeout: 600,
      maxHistory: 10,
      values: fluentBitValues({ region: args.region, clusterName: args.clusterName, retentionDays: args.retentionDays, roleArn }),
    // The groups exist (with KMS) before Fluent Bit would create them without.
    }, { ...child, dependsOn: logGroups });

    this.logGroups = groups.namespaces;
    this.nodeLogGroup = groups.node;
    this.kmsKeyArn = key.arn;
    this.roleArn = roleArn;
    this.registerOutputs({ logGroups: this.logGroups, nodeLogGroup: this.nodeLogGroup, kmsKeyArn: this.kmsKeyArn, roleArn: this.roleArn, policy: this.policy });
  }
}
