import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { NODE_POOLS } from "../cluster/cluster";
import {
  appLabels,
  assertEnvNames,
  assertPinnedImage,
  bucketAccessRole,
  envSecret,
  namespaceLabels,
  HARDENED_CONTAINER,
  RESTRICTED_POD_SECURITY,
  sha256Hex,
  type BucketAccess,
  type Resources,
} from "../shared/pod";

/** The scaling plan's HPA for the API (autoscaling/v2), apart from min/max which come from the tier. */
export const API_SCALING = {
  cpuUtilization: 70,
  memoryUtilization: 80,
  /** Pods metric served by prometheus-adapter. */
  requestsPerSecondMetric: "http_requests_per_second",
  requestsPerSecondPerPod: "1000",
  scaleUp: { stabilizationWindowSeconds: 60, percentPer60s: 100, podsPer60s: 5 },
  scaleDown: { stabilizationWindowSeconds: 300, percentPer60s: 10 },
} as const;

/** What the caller gets when the API cannot answer (the plan's nginx `@fallback`). */
export const UNAVAILABLE_RESPONSE = {
  statusCode: 503,
  contentType: "application/json",
  retryAfterSeconds: 30,
  body: '{"error": "Service temporarily unavailable", "retry_after": 30}',
} as const;

/**
 * The plan's nginx upstream settings mapped onto an ALB (see docs/workloads.md):
 * least_conn -> least_outstanding_requests; health_check interval=5s fails=3 passes=2; proxy_read/send_timeout
 * 60s -> the ALB idle timeout. The ALB's connect timeout to targets is fixed by AWS (10 s) and not settable;
 * the 1 s nginx connect timeout is approximated by the 2 s health-check timeout, which removes a target that
 * stops accepting connections within 3 x 5 s.
 */
export const ALB_SETTINGS = {
  loadBalancingAlgorithm: "least_outstanding_requests",
  healthCheckIntervalSeconds: 5,
  healthCheckTimeoutSeconds: 2,
  unhealthyThreshold: 3,
  healthyThreshold: 2,
  idleTimeoutSeconds: 60,
  deregistrationDelaySeconds: 30,
  sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
} as const;

/** HPA spec (autoscaling/v2) for a Deployment, exactly as the scaling plan writes it. */
export function apiHpaSpec(deploymentName: string, minReplicas: number, maxReplicas: number) {
  const s = API_SCALING;
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: deploymentName },
    minReplicas,
    maxReplicas,
    metrics: [
      { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: s.cpuUtilization } } },
      { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: s.memoryUtilization } } },
      { type: "Pods", pods: { metric: { name: s.requestsPerSecondMetric }, target: { type: "AverageValue", averageValue: s.requestsPerSecondPerPod } } },
    ],
    behavior: {
      scaleUp: {
        stabilizationWindowSeconds: s.scaleUp.stabilizationWindowSeconds,
        selectPolicy: "Max",
        policies: [
          { type: "Percent", value: s.scaleUp.percentPer60s, periodSeconds: 60 },
          { type: "Pods", value: s.scaleUp.podsPer60s, periodSeconds: 60 },
        ],
      },
      scaleDown: {
        stabilizationWindowSeconds: s.scaleDown.stabilizationWindowSeconds,
        policies: [{ type: "Percent", value: s.scaleDown.percentPer60s, periodSeconds: 60 }],
      },
    },
  };
}

/** Annotations of the API's Ingress for the AWS Load Balancer Controller. */
export function albIngressAnnotations(opts: { certificateArn: string; healthCheckPath: string; port: number; wafAclArn?: string; loadBalancerName?: string }): Record<string, string> {
  const a = ALB_SETTINGS;
  return {
    // A fixed name lets CloudWatch alarms find the ALB the controller creates (changing it replaces the ALB).
    ...(opts.loadBalancerName ? { "alb.ingress.kubernetes.io/load-balancer-name": opts.loadBalancerName } : {}),
    "alb.ingress.kubernetes.io/scheme": "internet-facing",
    "alb.ingress.kubernetes.io/target-type": "ip",
    "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
    "alb.ingress.kubernetes.io/ssl-redirect": "443",
    "alb.ingress.kubernetes.io/certificate-arn": opts.certificateArn,
    "alb.ingress.kubernetes.io/ssl-policy": a.sslPolicy,
    "alb.ingress.kubernetes.io/backend-protocol": "HTTP",
    "alb.ingress.kubernetes.io/healthcheck-path": opts.healthCheckPath,
    "alb.ingress.kubernetes.io/healthcheck-port": String(opts.port),
    "alb.ingress.kubernetes.io/healthcheck-interval-seconds": String(a.healthCheckIntervalSeconds),
    "alb.ingress.kubernetes.io/healthcheck-timeout-seconds": String(a.healthCheckTimeoutSeconds),
    "alb.ingress.kubernetes.io/healthy-threshold-count": String(a.healthyThreshold),
    "alb.ingress.kubernetes.io/unhealthy-threshold-count": String(a.unhealthyThreshold),
    "alb.ingress.kubernetes.io/success-codes": "200",
    "alb.ingress.kubernetes.io/target-group-attributes": [
      `load_balancing.algorithm.type=${a.loadBalancingAlgorithm}`,
      `deregistration_delay.timeout_seconds=${a.deregistrationDelaySeconds}`,
    ].join(","),
    "alb.ingress.kubernetes.io/load-balancer-attributes": [
      `idle_timeout.timeout_seconds=${a.idleTimeoutSeconds}`,
      "routing.http.drop_invalid_header_fields.enabled=true",
    ].join(","),
    // Fixed JSON 503, used as the default backend and, in maintenance, for every request.
    "alb.ingress.kubernetes.io/actions.unavailable": JSON.stringify({
      type: "fixed-response",
      fixedResponseConfig: { contentType: UNAVAILABLE_RESPONSE.contentType, statusCode: String(UNAVAILABLE_RESPONSE.statusCode), messageBody: UNAVAILABLE_RESPONSE.body },
    }),
    ...(opts.wafAclArn ? { "alb.ingress.kubernetes.io/wafv2-acl-arn": opts.wafAclArn } : {}),
  };
}

export interface ApiTierArgs {
  /** Namespace the component creates (Pod Security `restricted` enforced). Default "api". */
  namespace?: string;
  /** Name of the Deployment, Service, HPA and labels. Default "api". */
  appName?: string;
  /** Full image reference with a pinned tag (never `latest`). */
  image: string;
  /** HPA bounds (the tier's api.replicas). */
  replicas: { min: number; max: number };
  /** Container port (HTTP and /metrics). Default 3000. */
  port?: number;
  /** Default requests 1 cpu / 1Gi, limits 2 cpu / 2Gi. */
  resources?: Resources;
  /** Readiness path (also the ALB health check). Default /ready. */
  readinessPath?: string;
  /** Liveness path. Default /health. */
  livenessPath?: string;
  /** Seconds the pod keeps serving after it is marked terminating, while the ALB deregisters it. Default 20. */
  preStopSeconds?: number;
  /** Default 60: preStop, then SIGTERM and in-flight requests finish. */
  terminationGracePeriodSeconds?: number;
  /** Non-secret environment. */
  env?: Record<string, string>;
  /**
   * Feature flags (environment-style keys) published in a ConfigMap `<app>-feature-flags` the API reads
   * through envFrom; a change rolls the pods (checksum annotation). Never secrets.
   */
  featureFlags?: Record<string, string>;
  /** Secret environment (database URL, Redis host/token, bucket names...): a Secret read through envFrom. */
  secretEnv: Record<string, pulumi.Input<string>>;
  /** IRSA role scoped to these buckets and keys; omitted for a cluster without OIDC (no role is created). */
  bucketAccess?: BucketAccess;
  /** Public ALB ingress. */
  ingress: {
    host: string;
    /** ACM certificate ARN for HTTPS; when omitted the component requests one for `host` (DNS validation). */
    certificateArn?: pulumi.Input<string>;
    /** Optional WAFv2 web ACL to attach. */
    wafAclArn?: pulumi.Input<string>;
    /** Name of the ALB (at most 32 letters, digits, hyphens); default: the controller derives one. */
    loadBalancerName?: string;
    /** Send every request to the JSON 503 (circuit breaker for maintenance). Default false. */
    maintenance?: boolean;
    /** What the Ingress waits for: the AWS Load Balancer Controller release (its webhook validates Ingresses). */
    dependsOn?: pulumi.Resource[];
  };
}

/** Throw a clear error for bad ApiTier args (called before anything is registered). */
export function validateApiTierArgs(name: string, args: ApiTierArgs): void {
  const { min, max } = args.replicas;
  if (!Number.isInteger(min) || !Number.isInteger(max) || min < 1 || min > max) {
    throw new Error(`ApiTier ${name}: replicas must be integers with 1 <= min <= max; got ${JSON.stringify(args.replicas)}`);
  }
  assertPinnedImage(`ApiTier ${name}`, "image", args.image);
  assertEnvNames(`ApiTier ${name}`, "secretEnv", Object.keys(args.secretEnv));
  assertEnvNames(`ApiTier ${name}`, "env", Object.keys(args.env ?? {}));
  const lbName = args.ingress.loadBalancerName;
  if (lbName !== undefined && !/^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(lbName)) {
    throw new Error(`ApiTier ${name}: ingress.loadBalancerName ${JSON.stringify(lbName)} must be 1-32 letters, digits or hyphens, not starting or ending with a hyphen nor with "internal-"`);
  }
  const preStop = args.preStopSeconds ?? 20;
  const grace = args.terminationGracePeriodSeconds ?? 60;
  if (grace <= preStop) {
    throw new Error(`ApiTier ${name}: terminationGracePeriodSeconds (${grace}) must exceed preStopSeconds (${preStop}) so requests can drain after SIGTERM`);
  }
}

/**
 * The API tier: Deployment on the on-demand system pool (probes, requests/limits, hardened, spread across
 * zones, graceful drain), its ServiceAccount with an IRSA role scoped to the platform's buckets, the scaling
 * plan's HPA, a PodDisruptionBudget, a Service and an ALB Ingress (HTTPS, HTTP redirected, least outstanding
 * requests, JSON 503 fallback).
 */
export class ApiTier extends pulumi.ComponentResource {
  readonly appName: string;
  readonly namespace: string;
  readonly serviceName: pulumi.Output<string>;
  readonly servicePort: number;
  readonly containerPort: number;
  /** The ALB's DNS name once the controller has provisioned it. */
  readonly loadBalancerHostname: pulumi.Output<string | undefined>;
  readonly ingressName: pulumi.Output<string>;
  readonly roleArn?: pulumi.Output<string>;
  /** DNS records that validate the certificate the component requested (absent when one was given). */
  readonly certificateValidation?: pulumi.Output<{ name: string; type: string; value: string }[]>;
  /** Selector labels of the API pods (for NetworkPolicies and monitors). */
  readonly podLabels: Record<string, string>;

  constructor(name: string, args: ApiTierArgs, opts?: pulumi.ComponentResourceOptions) {
    validateApiTierArgs(name, args);
    super("finishthisidea:k8s:ApiTier", name, {}, opts);
    const child = { parent: this };
    const app = args.appName ?? "api";
    const port = args.port ?? 3000;
    const { min, max } = args.replicas;
    const preStop = args.preStopSeconds ?? 20;
    const grace = args.terminationGracePeriodSeconds ?? 60;
    const readinessPath = args.readinessPath ?? "/ready";
    const livenessPath = args.livenessPath ?? "/health";
    const resources = args.resources ?? { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } };
    const version = args.image.split(":").pop();
    const labels = appLabels(app, "api", version);
    const namespaceName = args.namespace ?? app;
    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: namespaceName, labels: namespaceLabels(namespaceName) } }, child);
    const meta = { namespace: ns.metadata.name, labels: labels.all };

    let roleArn: pulumi.Output<string> | undefined;
    if (args.bucketAccess) {
      roleArn = bucketAccessRole(`${name}-irsa`, args.bucketAccess, namespaceName, app, child).arn;
    }
    const serviceAccount = new k8s.core.v1.ServiceAccount(`${name}-sa`, {
      metadata: { ...meta, name: app, annotations: roleArn ? { "eks.amazonaws.com/role-arn": roleArn } : {} },
      automountServiceAccountToken: false,
    }, child);

    const secret = envSecret(`${name}-env`, { name: `${app}-env`, namespace: ns.metadata.name, labels: labels.all }, args.secretEnv, child);
    const flags = args.featureFlags
      ? new k8s.core.v1.ConfigMap(`${name}-feature-flags`, { metadata: { ...meta, name: `${app}-feature-flags` }, data: args.featureFlags }, child)
      : undefined;
    // envFrom is read at start only: the checksum in the pod template makes a flag change a rollout.
    const flagsChecksum: Record<string, string> = args.featureFlags ? { "checksum/feature-flags": sha256Hex(JSON.stringify(Object.entries(args.featureFlags).sort())) } : {};

    const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, {
      metadata: { ...meta, name: app },
      spec: {
        // The HPA owns the count after creation (ignoreChanges below).
        replicas: min,
        selector: { matchLabels: labels.selector },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: 0 } },
        template: {
          metadata: { labels: labels.all, annotations: flagsChecksum },
          spec: {
            serviceAccountName: serviceAccount.metadata.name,
            automountServiceAccountToken: false,
            nodeSelector: { ...NODE_POOLS.system.labels },
            securityContext: RESTRICTED_POD_SECURITY,
            terminationGracePeriodSeconds: grace,
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "DoNotSchedule", labelSelector: { matchLabels: labels.selector } },
              { maxSkew: 1, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "ScheduleAnyway", labelSelector: { matchLabels: labels.selector } },
            ],
            containers: [{
              name: app,
              image: args.image,
              ports: [{ name: "http", containerPort: port, protocol: "TCP" }],
              env: [
                { name: "PORT", value: String(port) },
                ...Object.entries(args.env ?? {}).map(([k, v]) => ({ name: k, value: v })),
              ],
              envFrom: [
                { secretRef: { name: secret.metadata.name } },
                ...(flags ? [{ configMapRef: { name: flags.metadata.name } }] : []),
              ],
              resources,
              securityContext: HARDENED_CONTAINER,
              startupProbe: { httpGet: { path: livenessPath, port: "http" }, periodSeconds: 2, failureThreshold: 30 },
              readinessProbe: { httpGet: { path: readinessPath, port: "http" }, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 3, successThreshold: 1 },
              livenessProbe: { httpGet: { path: livenessPath, port: "http" }, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
              lifecycle: { preStop: { sleep: { seconds: preStop } } },
              volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            }],
            volumes: [{ name: "tmp", emptyDir: { sizeLimit: "256Mi" } }],
          },
        },
      },
    }, { ...child, ignoreChanges: ["spec.replicas"] });

    new k8s.autoscaling.v2.HorizontalPodAutoscaler(`${name}-hpa`, {
      metadata: { ...meta, name: app },
      spec: apiHpaSpec(app, min, max),
    }, { ...child, dependsOn: [deployment] });

    new k8s.policy.v1.PodDisruptionBudget(`${name}-pdb`, {
      metadata: { ...meta, name: app },
      // Rounded up: at least one pod may be drained, never more than a tenth at once.
      spec: { maxUnavailable: "10%", selector: { matchLabels: labels.selector } },
    }, child);

    const service = new k8s.core.v1.Service(`${name}-service`, {
      metadata: { ...meta, name: app },
      spec: { type: "ClusterIP", selector: labels.selector, ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
    }, child);

    let certificateArn = args.ingress.certificateArn;
    if (certificateArn === undefined) {
      const certificate = new aws.acm.Certificate(`${name}-certificate`, {
        domainName: args.ingress.host,
        validationMethod: "DNS",
      }, child);
      certificateArn = certificate.arn;
      this.certificateValidation = certificate.domainValidationOptions.apply((opts) =>
        (opts ?? []).map((o) => ({ name: o.resourceRecordName, type: o.resourceRecordType, value: o.resourceRecordValue })));
    }
    const annotations = pulumi.all([certificateArn, args.ingress.wafAclArn]).apply(([certificateArn, wafAclArn]) =>
      albIngressAnnotations({ certificateArn, wafAclArn, healthCheckPath: readinessPath, port, loadBalancerName: args.ingress.loadBalancerName }));
    const unavailable = { service: { name: "unavailable", port: { name: "use-annotation" } } };
    const apiBackend = args.ingress.maintenance ? unavailable : { service: { name: service.metadata.name, port: { name: "http" } } };
    const ingress = new k8s.networking.v1.Ingress(`${name}-ingress`, {
      metadata: { ...meta, name: app, annotations },
      spec: {
        ingressClassName: "alb",
        defaultBackend: unavailable,
        rules: [{ host: args.ingress.host, http: { paths: [{ path: "/", pathType: "Prefix", backend: apiBackend }] } }],
      },
    }, { ...child, dependsOn: args.ingress.dependsOn ?? [] });

    this.appName = app;
    this.namespace = namespaceName;
    this.serviceName = service.metadata.name;
    this.servicePort = 80;
    this.containerPort = port;
    this.ingressName = ingress.metadata.name;
    this.loadBalancerHostname = ingress.status.apply((s) => s?.loadBalancer?.ingress?.[0]?.hostname);
    this.roleArn = roleArn;
    this.podLabels = labels.selector;
    this.registerOutputs({ serviceName: this.serviceName, ingressName: this.ingressName, roleArn });
  }
}
