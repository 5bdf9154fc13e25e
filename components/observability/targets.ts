/** What the workloads hand to observability: scrape targets, names to alarm on. */
import type * as pulumi from "@pulumi/pulumi";

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
