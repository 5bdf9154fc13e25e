/**
 * What each area of the program hands to the next (see ../DESIGN flow): the data services to the workloads,
 * both to the CDN and observability. Areas depend on these shapes, never on each other's components.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { ClusterOidc } from "../components/irsa";
import type { Network } from "../components/network";
import type { PlatformConfig } from "./config";
import type { AwsProviders } from "./providers";

/** What workloads need from the Kubernetes cluster, whether this stack created it or was handed one. */
export interface ClusterAccess {
  provider: k8s.Provider;
  /** EKS cluster name; absent for an existing cluster. */
  name?: pulumi.Output<string>;
  /** Absent for an existing cluster: no IRSA roles are created then. */
  oidc?: ClusterOidc;
  /** Security group of the cluster's nodes, admitted by the data stores. Absent for an existing cluster. */
  securityGroupId?: pulumi.Output<string>;
}

/** Everything an area's wiring function receives. */
export interface PlatformContext {
  config: PlatformConfig;
  /** Parent of every component (the Platform root). */
  parent: pulumi.ComponentResource;
  aws: AwsProviders;
  network: Network;
  cluster: ClusterAccess;
}

export interface DatabaseEndpoints {
  /** Writer endpoint host name (no port). */
  writerHost: pulumi.Output<string>;
  port: number;
  databaseName: string;
  username: string;
  /** Secret. */
  password: pulumi.Output<string>;
  /** Postgres max_connections, for PgBouncer pool sizing. */
  maxConnections: number;
  /** Reader host names by region (primary region included when it has an in-region replica). */
  readerHosts: Record<string, pulumi.Output<string>[]>;
  /** Identifiers for alarms. */
  primaryInstanceId: pulumi.Output<string>;
  replicaInstanceIds: pulumi.Output<string>[];
  /** The same replicas by region (in-region replicas under the primary region): alarms live in each region. */
  replicaInstanceIdsByRegion: Record<string, pulumi.Output<string>[]>;
}

export interface RedisEndpoints {
  /** Configuration endpoint in cluster mode, primary endpoint otherwise. */
  host: pulumi.Output<string>;
  port: number;
  clusterMode: boolean;
  tls: true;
  /** Secret. */
  authToken: pulumi.Output<string>;
  replicationGroupId: pulumi.Output<string>;
}

export interface StorageEndpoints {
  /** Bucket names by region; the primary region's bucket takes writes. */
  bucketNames: Record<string, pulumi.Output<string>>;
  bucketArns: pulumi.Output<string>[];
  /** KMS keys encrypting the buckets (IRSA roles need kms:Decrypt / GenerateDataKey on them). */
  kmsKeyArns: pulumi.Output<string>[];
  primaryBucketName: pulumi.Output<string>;
  primaryBucketArn: pulumi.Output<string>;
  primaryBucketRegionalDomainName: pulumi.Output<string>;
  r2BucketName: pulumi.Output<string>;
  /** S3-compatible endpoint of the R2 bucket's account. */
  r2Endpoint: pulumi.Output<string>;
}

export interface CdnEndpoints {
  distributionId: pulumi.Output<string>;
  domainName: pulumi.Output<string>;
}

export interface DataServices {
  database: DatabaseEndpoints;
  redis: RedisEndpoints;
  storage: StorageEndpoints;
  cdn: CdnEndpoints;
}

/** The public API host name; the CDN's origin and the ALB ingress both use it. */
export function apiHostname(config: PlatformConfig): string {
  return `api.${config.domain}`;
}

/**
 * Name the AWS Load Balancer Controller gives the API's ALB (annotation `load-balancer-name`), fixed so its
 * CloudWatch alarms can find it. ALB names are at most 32 characters.
 */
export function apiLoadBalancerName(config: PlatformConfig): string {
  return `fti-${config.stack}`.slice(0, 28).replace(/-+$/, "") + "-api";
}

/** Stack outputs an area contributes; secrets must already be wrapped with pulumi.secret. */
export type StackOutputs = Record<string, pulumi.Input<unknown>>;

/** A Kubernetes Service other workloads (or Prometheus) reach. */
export interface ServiceRef {
  namespace: string;
  /** Service name. */
  name: pulumi.Input<string>;
  port: number;
  /** Selector labels of the pods behind it (NetworkPolicies, PodMonitors). */
  podLabels: Record<string, string>;
}

/** What the workloads area hands to observability (scrape targets, names to alarm on) and to the outputs. */
export interface WorkloadServices {
  /** Namespace of every add-on, by add-on (metrics-server, keda, cluster-autoscaler...). */
  addonNamespaces: Record<string, string>;
  api: ServiceRef & {
    deploymentName: string;
    hpaName: string;
    /** Container port serving /metrics (Prometheus counter `http_requests_total`). */
    metricsPort: number;
    metricsPath: string;
    /** Public host name routed by the ALB ingress. */
    hostname: string;
    ingressName: pulumi.Input<string>;
    /** ALB DNS name once provisioned (unknown in a preview). */
    loadBalancerHostname: pulumi.Output<string | undefined>;
    replicas: { min: number; max: number };
  };
  workers: ServiceRef & {
    deploymentName: string;
    scaledObjectName: string;
    /** The HPA KEDA creates for the ScaledObject. */
    hpaName: string;
    metricsPort: number;
    metricsPath: string;
    /** BullMQ queues and the Redis keys whose depth scales the fleet. */
    queues: { name: string; averageJobSeconds: number; keys: string[] }[];
    replicas: { min: number; max: number };
  };
  /** Absent until the Ollama component is wired. */
  ollama?: ServiceRef & { url: pulumi.Input<string>; replicas: number };
  /** Absent until the PgBouncer component is wired. */
  pgbouncer?: ServiceRef & { metricsPort?: number; replicas: number };
  /** Namespace Prometheus runs in: NetworkPolicies admit scrapes from it. */
  monitoringNamespace: string;
  /** Where prometheus-adapter expects Prometheus (observability deploys it there). */
  prometheusUrl: string;
  /** SQS queue receiving spot interruption events (alarm on its age); absent for an existing cluster. */
  interruptionQueueArn?: pulumi.Output<string>;
}
