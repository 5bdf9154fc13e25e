/**
 * What each area of the program hands to the next (see ../DESIGN flow): the data services to the workloads,
 * both to the CDN and observability. Areas depend on these shapes, never on each other's components.
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import type { Network } from "../components/network";
import type { ClusterOidc } from "../components/shared";
import type { DatabaseEndpoints, RedisEndpoints } from "../components/data";
import type { WorkloadServices } from "../components/observability";
import type { StorageEndpoints } from "../components/storage";
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

export interface CdnEndpoints {
  distributionId: pulumi.Output<string>;
  domainName: pulumi.Output<string>;
  /** Regional web ACL (the CDN's rules) for the API's ALB; absent when the WAF is off. */
  apiWebAclArn?: pulumi.Output<string>;
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

export type { DatabaseEndpoints, RedisEndpoints, StorageEndpoints, WorkloadServices };
export type { ServiceRef } from "../components/observability";
