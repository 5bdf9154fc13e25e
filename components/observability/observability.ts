import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { SloTable } from "./slo";
import type { WorkloadServices } from "./targets";
import { NODE_POOLS } from "../cluster/cluster";
import { CHART_PINS } from "../cluster/versions";
import { apiDashboard, databaseDashboard, queuesDashboard, type Dashboard } from "./dashboards";
import { irsaRole, type ClusterOidc } from "../shared/irsa";
import { buildRuleSets, type RuleTargets } from "./prometheus-rules";
import { PAGING_SECRET, pagingReceivers, pagingRoutes, validatePagingReceivers, type PagingReceivers } from "./paging";

/**
 * kube-prometheus-stack, pinned. 83.4.2 ships prometheus-operator v0.90.1, whose CRDs are the ones
 * @kubernetes-models/prometheus-operator 6.0.0 validates against (and which have PodMonitor `portNumber`).
 * The release name fixes the Prometheus service name prometheus-adapter queries (infra/workloads.ts PROMETHEUS_URL).
 */
export const KUBE_PROMETHEUS_STACK = { ...CHART_PINS.kubePrometheusStack, releaseName: "kube-prometheus-stack" } as const;

/** Grafana's admin credentials Secret and the keys the chart's `admin.existingSecret` reads. */
export const GRAFANA_ADMIN_SECRET = { name: "grafana-admin", userKey: "admin-user", passwordKey: "admin-password", user: "admin" } as const;

/** Label Grafana's dashboard sidecar watches ConfigMaps for. */
export const DASHBOARD_LABEL = { grafana_dashboard: "1" } as const;

/** Service account Alertmanager runs as (its IRSA role trusts exactly this one). */
export const ALERTMANAGER_SERVICE_ACCOUNT = "alertmanager";

const SNS_TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$/;

/** The region of an SNS topic ARN (Alertmanager signs its SNS calls for that region). */
export function snsTopicRegion(topicArn: string): string {
  const m = SNS_TOPIC_ARN.exec(topicArn);
  if (!m) throw new Error(`Observability: alertTopicArn ${JSON.stringify(topicArn)} is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>)`);
  return m[1];
}

/** IAM policy letting Alertmanager publish to the alert topic (and use its KMS key when it has one). */
export function snsPublishPolicy(topicArn: string, kmsKeyArn?: string): string {
  const statements: unknown[] = [{ Sid: "PublishAlerts", Effect: "Allow", Action: "sns:Publish", Resource: topicArn }];
  if (kmsKeyArn) statements.push({ Sid: "EncryptedTopic", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: kmsKeyArn });
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/**
 * Alertmanager's configuration: every alert to the stack's SNS topic (which fans out to email and the paging
 * endpoint), critical alerts repeated hourly, warnings inhibited while a critical alert of the same name and
 * namespace fires, and the stack's always-firing Watchdog / InfoInhibitor dropped. With paging receivers
 * (./paging.ts), critical alerts also page and critical and warning alerts reach the chat channel first.
 */
export function alertmanagerConfig(topicArn: string, paging: PagingReceivers = {}) {
  const region = snsTopicRegion(topicArn);
  return {
    global: { resolve_timeout: "5m" },
    route: {
      receiver: "sns",
      group_by: ["alertname", "namespace", "queue", "severity"],
      group_wait: "30s",
      group_interval: "5m",
      repeat_interval: "4h",
      routes: [
        { receiver: "null", matchers: ['alertname = "Watchdog"'] },
        { receiver: "null", matchers: ['alertname = "InfoInhibitor"'] },
        ...pagingRoutes(paging),
        { receiver: "sns", matchers: ['severity = "critical"'], repeat_interval: "1h" },
        // A paging route that continues and matches nothing after it would keep the alert from the root's SNS.
        { receiver: "sns" },
      ],
    },
    inhibit_rules: [
      { source_matchers: ['severity = "critical"'], target_matchers: ['severity = "warning"'], equal: ["alertname", "namespace"] },
    ],
    receivers: [
      { name: "null" },
      {
        name: "sns",
        sns_configs: [{
          topic_arn: topicArn,
          sigv4: { region },
          send_resolved: true,
          subject: '[{{ .Status | toUpper }}] {{ .CommonLabels.severity }}: {{ .CommonLabels.alertname }}',
          attributes: { severity: '{{ or .CommonLabels.severity "none" }}', alertname: "{{ .CommonLabels.alertname }}" },
        }],
      },
      ...pagingReceivers(paging),
    ],
  };
}

export interface PrometheusSettings {
  /** Default 1 (2 for HA: both scrape everything, Alertmanager deduplicates). */
  replicas?: number;
  /** Default 15d (the slowest burn-rate window is 3d). */
  retention?: string;
  /** Volume per replica in GiB. Default 100. */
  storageGi?: number;
  /** Default requests 1 cpu / 4Gi, limit 8Gi. */
  resources?: { requests: { cpu: string; memory: string }; limits: { memory: string } };
}

export interface ObservabilityArgs {
  /** What the workloads area hands over: scrape targets (namespaces, pod labels, metrics ports), queues, replicas. */
  services: WorkloadServices;
  /** SLA numbers and thresholds: infra/slos.ts slosFor(tier). */
  slos: SloTable;
  /** The stack's SNS alert topic; Alertmanager publishes every alert to it. */
  alertTopicArn: pulumi.Input<string>;
  /** KMS key of the topic, when it is encrypted with a customer managed key. */
  alertTopicKmsKeyArn?: pulumi.Input<string>;
  /** Cluster OIDC provider: Alertmanager gets an IRSA role allowed sns:Publish on the topic. Absent for an existing cluster. */
  oidc?: ClusterOidc;
  /**
   * Existing cluster (no `oidc`): IAM role created outside this stack for Alertmanager's service account
   * (attach `alertmanagerPolicy` to it). Without it Alertmanager uses the pod's default AWS credentials.
   */
  alertmanagerRoleArn?: pulumi.Input<string>;
  /**
   * Ollama's own Prometheus endpoint, if a build or sidecar exports one. Ollama itself has no /metrics
   * (ollama/ollama#3144), so by default its health is watched through kube-state-metrics only.
   */
  ollamaMetrics?: { port: number; path: string };
  prometheus?: PrometheusSettings;
  /** Default 2 (an Alertmanager cluster survives a node drain). */
  alertmanagerReplicas?: number;
  /** StorageClass of the Prometheus and Alertmanager volumes. Default: the cluster's default class. */
  storageClassName?: string;
  /** Scrape and rule evaluation interval. Default 30s. */
  scrapeInterval?: string;
  /**
   * Paging channels beside SNS: critical alerts page through PagerDuty, warnings go to Slack (./paging.ts).
   * Credentials are secrets, mounted into Alertmanager from a Kubernetes Secret and read from files.
   */
  paging?: {
    /** Secret: Slack incoming-webhook URL. */
    slackWebhookUrl?: pulumi.Input<string>;
    /** Default "#ops-alerts". */
    slackChannel?: string;
    /** Secret: PagerDuty Events API v2 routing (integration) key. */
    pagerdutyRoutingKey?: pulumi.Input<string>;
  };
}

/** The Prometheus URL this component serves, as prometheus-adapter must be configured with it. */
export function prometheusUrlFor(namespace: string): string {
  return `http://${KUBE_PROMETHEUS_STACK.releaseName}-prometheus.${namespace}.svc`;
}

const DURATION = /^\d+(ms|s|m|h|d|w|y)$/;
const QUANTITY = /^\d+(\.\d+)?(m|Ki|Mi|Gi|Ti)?$/;

/** Throw a clear error for bad Observability args (called before anything is registered). */
export function validateObservabilityArgs(name: string, args: ObservabilityArgs): void {
  const fail = (msg: string) => {
    throw new Error(`Observability ${name}: ${msg}`);
  };
  const s = args.services;
  const ns = s.monitoringNamespace;
  if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(ns)) fail(`services.monitoringNamespace ${JSON.stringify(ns)} is not a valid namespace name`);
  if (s.prometheusUrl !== prometheusUrlFor(ns)) {
    fail(`services.prometheusUrl ${JSON.stringify(s.prometheusUrl)} is not where this component serves Prometheus; expected ${JSON.stringify(prometheusUrlFor(ns))}`);
  }
  if (typeof args.alertTopicArn === "string") snsTopicRegion(args.alertTopicArn);
  const p = args.prometheus ?? {};
  if (p.replicas !== undefined && (!Number.isInteger(p.replicas) || p.replicas < 1)) fail(`prometheus.replicas must be an integer >= 1; got ${p.replicas}`);
  if (p.storageGi !== undefined && (!Number.isInteger(p.storageGi) || p.storageGi < 10)) fail(`prometheus.storageGi must be an integer >= 10; got ${p.storageGi}`);
  if (p.retention !== undefined && !DURATION.test(p.retention)) fail(`prometheus.retention must be a duration such as 15d; got ${JSON.stringify(p.retention)}`);
  if (p.resources) {
    const q = [p.resources.requests.cpu, p.resources.requests.memory, p.resources.limits.memory];
    if (!q.every((v) => QUANTITY.test(v))) fail(`prometheus.resources must be Kubernetes quantities; got ${JSON.stringify(p.resources)}`);
  }
  const am = args.alertmanagerReplicas;
  if (am !== undefined && (!Number.isInteger(am) || am < 1)) fail(`alertmanagerReplicas must be an integer >= 1; got ${am}`);
  if (args.scrapeInterval !== undefined && !DURATION.test(args.scrapeInterval)) fail(`scrapeInterval must be a duration such as 30s; got ${JSON.stringify(args.scrapeInterval)}`);
  if (args.paging?.slackChannel !== undefined && args.paging.slackWebhookUrl === undefined) fail("paging.slackChannel is set but paging.slackWebhookUrl is not; the channel needs the webhook");
  try {
    validatePagingReceivers(pagingReceiversOf(args.paging));
  } catch (e) {
    fail((e as Error).message);
  }
  if (args.oidc && args.alertmanagerRoleArn) fail("give either oidc (this stack creates Alertmanager's role) or alertmanagerRoleArn (an existing role), not both");
  const port = (arg: string, v: number | undefined) => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 65535)) fail(`${arg} must be a port 1 to 65535; got ${v}`);
  };
  port("services.api.metricsPort", s.api.metricsPort);
  port("services.workers.metricsPort", s.workers.metricsPort);
  port("services.pgbouncer.metricsPort", s.pgbouncer?.metricsPort);
  port("ollamaMetrics.port", args.ollamaMetrics?.port);
  if (args.ollamaMetrics && !s.ollama) fail("ollamaMetrics is set but services.ollama is absent");
  for (const [arg, path] of [["services.api.metricsPath", s.api.metricsPath], ["services.workers.metricsPath", s.workers.metricsPath], ["ollamaMetrics.path", args.ollamaMetrics?.path]] as const) {
    if (path !== undefined && !path.startsWith("/")) fail(`${arg} must be an absolute path such as /metrics; got ${JSON.stringify(path)}`);
  }
}

/** Which paging receivers the args turn on (the credentials themselves stay in the Secret). */
export function pagingReceiversOf(paging: ObservabilityArgs["paging"]): PagingReceivers {
  return {
    ...(paging?.slackWebhookUrl !== undefined ? { slack: { channel: paging.slackChannel ?? "#ops-alerts" } } : {}),
    ...(paging?.pagerdutyRoutingKey !== undefined ? { pagerduty: true } : {}),
  };
}

/** What the rules watch, from the workloads' contract. */
export function ruleTargets(services: WorkloadServices): RuleTargets {
  return {
    api: { namespace: services.api.namespace },
    workers: {
      namespace: services.workers.namespace,
      queues: services.workers.queues.map((q) => ({ name: q.name, averageJobSeconds: q.averageJobSeconds })),
      maxReplicas: services.workers.replicas.max,
    },
    ...(services.pgbouncer?.metricsPort !== undefined ? { pgbouncer: { namespace: services.pgbouncer.namespace } } : {}),
    ...(services.ollama ? { ollama: { namespace: services.ollama.namespace } } : {}),
  };
}

/** A scrape target: pods of one namespace by labels, one declared container port. */
export interface ScrapeTarget {
  name: string;
  namespace: string;
  podLabels: Record<string, string>;
  port: number;
  path: string;
}

/** The pods Prometheus scrapes: API, workers, the PgBouncer exporter and Ollama when they export metrics. */
export function scrapeTargets(services: WorkloadServices, ollamaMetrics?: { port: number; path: string }): ScrapeTarget[] {
  const { api, workers, pgbouncer, ollama } = services;
  const targets: ScrapeTarget[] = [
    { name: "api", namespace: api.namespace, podLabels: api.podLabels, port: api.metricsPort, path: api.metricsPath },
    { name: "workers", namespace: workers.namespace, podLabels: workers.podLabels, port: workers.metricsPort, path: workers.metricsPath },
  ];
  if (pgbouncer?.metricsPort !== undefined) targets.push({ name: "pgbouncer", namespace: pgbouncer.namespace, podLabels: pgbouncer.podLabels, port: pgbouncer.metricsPort, path: "/metrics" });
  if (ollama && ollamaMetrics) targets.push({ name: "ollama", namespace: ollama.namespace, podLabels: ollama.podLabels, port: ollamaMetrics.port, path: ollamaMetrics.path });
  return targets;
}

/** PodMonitor spec (the monitor lives in the monitoring namespace and selects pods in the target's). */
export function podMonitorSpec(target: ScrapeTarget, interval: string) {
  return {
    namespaceSelector: { matchNames: [target.namespace] },
    selector: { matchLabels: { ...target.podLabels } },
    // portNumber selects the container port by number (the contract gives numbers, not port names).
    podMetricsEndpoints: [{ portNumber: target.port, path: target.path, interval, scrapeTimeout: "10s" }],
  };
}

export interface StackValuesInput {
  namespace: string;
  alertmanagerConfig: pulumi.Input<Record<string, unknown>>;
  alertmanagerRoleArn?: pulumi.Input<string>;
  prometheus: Required<PrometheusSettings>;
  alertmanagerReplicas: number;
  scrapeInterval: string;
  storageClassName?: string;
  /** Secrets of the monitoring namespace mounted into Alertmanager at /etc/alertmanager/secrets/<name>/. */
  alertmanagerSecrets?: string[];
}

/** Helm values of kube-prometheus-stack. No secret goes in here: Grafana reads its admin from a Secret. */
export function kubePrometheusStackValues(v: StackValuesInput) {
  const system = { ...NODE_POOLS.system.labels };
  const p = v.prometheus;
  const storageClass = v.storageClassName ? { storageClassName: v.storageClassName } : {};
  return {
    // EKS runs the control plane; its etcd, scheduler and controller manager cannot be scraped, and kube-proxy
    // binds its metrics to localhost.
    kubeEtcd: { enabled: false },
    kubeControllerManager: { enabled: false },
    kubeScheduler: { enabled: false },
    kubeProxy: { enabled: false },
    defaultRules: {
      create: true,
      rules: { etcd: false, kubeControllerManager: false, kubeSchedulerAlerting: false, kubeSchedulerRecording: false, kubeProxy: false },
    },
    prometheusOperator: { nodeSelector: system, admissionWebhooks: { patch: { nodeSelector: system } } },
    "kube-state-metrics": { nodeSelector: system },
    // Node metrics from every node, spot and GPU pools included.
    "prometheus-node-exporter": { tolerations: [{ operator: "Exists", effect: "NoSchedule" }] },
    prometheus: {
      prometheusSpec: {
        replicas: p.replicas,
        retention: p.retention,
        // Leave 10% of the volume free so compaction never fills it.
        retentionSize: `${Math.floor(p.storageGi * 0.9)}GB`,
        scrapeInterval: v.scrapeInterval,
        evaluationInterval: v.scrapeInterval,
        // Pick up every PodMonitor / ServiceMonitor / PrometheusRule, not only those labelled for this release.
        ruleSelectorNilUsesHelmValues: false,
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        probeSelectorNilUsesHelmValues: false,
        nodeSelector: system,
        resources: p.resources,
        storageSpec: {
          volumeClaimTemplate: { spec: { ...storageClass, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: `${p.storageGi}Gi` } } } },
        },
      },
    },
    alertmanager: {
      serviceAccount: {
        create: true,
        name: ALERTMANAGER_SERVICE_ACCOUNT,
        annotations: v.alertmanagerRoleArn ? { "eks.amazonaws.com/role-arn": v.alertmanagerRoleArn } : {},
      },
      config: v.alertmanagerConfig,
      // The SNS subject and attributes are Alertmanager templates: Helm must not render them.
      tplConfig: false,
      alertmanagerSpec: {
        replicas: v.alertmanagerReplicas,
        ...(v.alertmanagerSecrets?.length ? { secrets: v.alertmanagerSecrets } : {}),
        nodeSelector: system,
        resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
        // Silences and notification state survive restarts.
        storage: { volumeClaimTemplate: { spec: { ...storageClass, accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } } } },
      },
    },
    grafana: {
      enabled: true,
      nodeSelector: system,
      admin: { existingSecret: GRAFANA_ADMIN_SECRET.name, userKey: GRAFANA_ADMIN_SECRET.userKey, passwordKey: GRAFANA_ADMIN_SECRET.passwordKey },
      defaultDashboardsTimezone: "utc",
      sidecar: {
        dashboards: {
          enabled: true,
          label: Object.keys(DASHBOARD_LABEL)[0],
          labelValue: Object.values(DASHBOARD_LABEL)[0],
          searchNamespace: v.namespace,
        },
      },
      "grafana.ini": { users: { allow_sign_up: false }, "auth.anonymous": { enabled: false }, analytics: { reporting_enabled: false, check_for_updates: false } },
      resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "512Mi" } },
    },
  };
}

/** The dashboards shipped, by ConfigMap suffix; the database one once PgBouncer's exporter is scraped. */
export function dashboards(slos: SloTable, services: WorkloadServices): Record<string, Dashboard> {
  const t = ruleTargets(services);
  return {
    api: apiDashboard(slos, t.api),
    queues: queuesDashboard(slos, t.workers),
    ...(t.pgbouncer ? { database: databaseDashboard(slos, t.pgbouncer) } : {}),
  };
}

const PART_OF = { "app.kubernetes.io/part-of": "finishthisidea-observability", "app.kubernetes.io/managed-by": "pulumi" };

/**
 * Monitoring of the platform's workloads in the cluster: kube-prometheus-stack (Prometheus, Alertmanager,
 * Grafana, kube-state-metrics, node exporter) as a pinned Helm release, PodMonitors for the API, the workers,
 * the PgBouncer exporter (and Ollama when it exports metrics), the SLO / queue / resource PrometheusRules from
 * the SLO table, Alertmanager routed to the stack's SNS topic (IRSA role with sns:Publish on that topic only),
 * and the API / queues / database dashboards as ConfigMaps for Grafana's sidecar. Grafana's admin password is
 * a random password kept in a Secret (the chart reads it through `admin.existingSecret`), never in values.
 *
 * Existing cluster (no `oidc`): no role is created. There is no e-mail fallback (Alertmanager would need an SMTP
 * relay and credentials this stack does not have); alerts still go to SNS, signed with `alertmanagerRoleArn`'s
 * role when given, else with the pod's default AWS credentials. Attach `alertmanagerPolicy` to that identity.
 */
export class Observability extends pulumi.ComponentResource {
  readonly namespace: string;
  /** Helm release name (fixes the in-cluster service names). */
  readonly releaseName: string;
  readonly release: k8s.helm.v3.Release;
  /** In-cluster Prometheus URL (port 9090), what prometheus-adapter queries. */
  readonly prometheusUrl: string;
  /** Alertmanager's IRSA role; absent for an existing cluster. */
  readonly alertmanagerRoleArn?: pulumi.Output<string>;
  /** IAM policy (JSON) Alertmanager's identity needs: sns:Publish on the alert topic. */
  readonly alertmanagerPolicy: pulumi.Output<string>;
  /** Secret (in `namespace`) holding Grafana's admin user and password. */
  readonly grafanaAdminSecretName: string;
  /** In-cluster Services of Grafana (port 80) and Alertmanager (port 9093), for `kubectl port-forward`. */
  readonly grafanaServiceName: string;
  readonly alertmanagerServiceName: string;
  /** PrometheusRule object names. */
  readonly ruleNames: string[];
  /** Grafana dashboard uids. */
  readonly dashboardUids: string[];

  constructor(name: string, args: ObservabilityArgs, opts?: pulumi.ComponentResourceOptions) {
    validateObservabilityArgs(name, args);
    const ruleSets = buildRuleSets(args.slos, ruleTargets(args.services));
    const boards = dashboards(args.slos, args.services);
    super("finishthisidea:observability:Observability", name, {}, opts);
    const child = { parent: this };
    const ns = args.services.monitoringNamespace;
    const interval = args.scrapeInterval ?? "30s";

    // node-exporter needs the host's network, PID namespace and /proc: this namespace cannot enforce `restricted`.
    const namespace = new k8s.core.v1.Namespace(`${name}-namespace`, {
      metadata: {
        name: ns,
        labels: { ...PART_OF, "pod-security.kubernetes.io/enforce": "privileged", "pod-security.kubernetes.io/warn": "baseline" },
      },
    }, child);
    const inNamespace = { ...child, dependsOn: [namespace] };

    const password = new random.RandomPassword(`${name}-grafana-admin`, { length: 32, special: false }, child);
    const adminSecret = new k8s.core.v1.Secret(`${name}-grafana-admin`, {
      metadata: { name: GRAFANA_ADMIN_SECRET.name, namespace: ns, labels: PART_OF },
      type: "Opaque",
      stringData: {
        [GRAFANA_ADMIN_SECRET.userKey]: GRAFANA_ADMIN_SECRET.user,
        [GRAFANA_ADMIN_SECRET.passwordKey]: pulumi.secret(password.result),
      },
    }, inNamespace);

    this.alertmanagerPolicy = pulumi
      .all([args.alertTopicArn, args.alertTopicKmsKeyArn])
      .apply(([topic, key]) => snsPublishPolicy(topic, key));
    let roleArn: pulumi.Input<string> | undefined = args.alertmanagerRoleArn;
    if (args.oidc) {
      const role = irsaRole(`${name}-alertmanager`, args.oidc, ns, ALERTMANAGER_SERVICE_ACCOUNT, child);
      new aws.iam.RolePolicy(`${name}-alertmanager-sns`, { role: role.id, policy: this.alertmanagerPolicy }, child);
      this.alertmanagerRoleArn = role.arn;
      roleArn = role.arn;
    } else if (!roleArn) {
      pulumi.log.warn(`Observability ${name}: no cluster OIDC and no alertmanagerRoleArn; Alertmanager signs SNS calls with the pod's default AWS credentials. Grant them alertmanagerPolicy (sns:Publish on the alert topic).`, this);
    }

    const paging = pagingReceiversOf(args.paging);
    const pagingCredentials = {
      ...(args.paging?.slackWebhookUrl !== undefined ? { [PAGING_SECRET.slackWebhookKey]: pulumi.secret(args.paging.slackWebhookUrl) } : {}),
      ...(args.paging?.pagerdutyRoutingKey !== undefined ? { [PAGING_SECRET.pagerdutyRoutingKeyKey]: pulumi.secret(args.paging.pagerdutyRoutingKey) } : {}),
    };
    const pagingSecret = Object.keys(pagingCredentials).length === 0 ? undefined : new k8s.core.v1.Secret(`${name}-alertmanager-paging`, {
      metadata: { name: PAGING_SECRET.name, namespace: ns, labels: PART_OF },
      type: "Opaque",
      stringData: pagingCredentials,
    }, inNamespace);

    const p = args.prometheus ?? {};
    this.release = new k8s.helm.v3.Release(`${name}-${KUBE_PROMETHEUS_STACK.chart}`, {
      name: KUBE_PROMETHEUS_STACK.releaseName,
      chart: KUBE_PROMETHEUS_STACK.chart,
      version: KUBE_PROMETHEUS_STACK.version,
      repositoryOpts: { repo: KUBE_PROMETHEUS_STACK.repo },
      namespace: ns,
      createNamespace: false,
      atomic: true,
      cleanupOnFail: true,
      timeout: 900,
      maxHistory: 10,
      values: kubePrometheusStackValues({
        namespace: ns,
        alertmanagerConfig: pulumi.output(args.alertTopicArn).apply((topic) => alertmanagerConfig(topic, paging)),
        alertmanagerSecrets: pagingSecret ? [PAGING_SECRET.name] : [],
        alertmanagerRoleArn: roleArn,
        prometheus: {
          replicas: p.replicas ?? 1,
          retention: p.retention ?? "15d",
          storageGi: p.storageGi ?? 100,
          resources: p.resources ?? { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "8Gi" } },
        },
        alertmanagerReplicas: args.alertmanagerReplicas ?? 2,
        scrapeInterval: interval,
        storageClassName: args.storageClassName,
      }),
    }, { ...child, dependsOn: [namespace, adminSecret, ...(pagingSecret ? [pagingSecret] : [])] });
    // Monitors and rules are custom resources of the CRDs the release installs.
    const afterRelease = { ...child, dependsOn: [this.release] };

    for (const target of scrapeTargets(args.services, args.ollamaMetrics)) {
      new k8s.apiextensions.CustomResource(`${name}-${target.name}-monitor`, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PodMonitor",
        metadata: { name: target.name, namespace: ns, labels: PART_OF },
        spec: podMonitorSpec(target, interval),
      }, afterRelease);
    }

    this.ruleNames = ruleSets.map((set) => {
      const ruleName = `finishthisidea-${set.name}`;
      new k8s.apiextensions.CustomResource(`${name}-${set.name}-rules`, {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: ruleName, namespace: ns, labels: PART_OF },
        spec: { groups: set.groups },
      }, afterRelease);
      return ruleName;
    });

    for (const [key, board] of Object.entries(boards)) {
      new k8s.core.v1.ConfigMap(`${name}-dashboard-${key}`, {
        metadata: { name: `dashboard-${key}`, namespace: ns, labels: { ...PART_OF, ...DASHBOARD_LABEL } },
        data: { [`${board.uid}.json`]: JSON.stringify(board) },
      }, inNamespace);
    }

    this.namespace = ns;
    this.releaseName = KUBE_PROMETHEUS_STACK.releaseName;
    this.prometheusUrl = prometheusUrlFor(ns);
    this.grafanaAdminSecretName = GRAFANA_ADMIN_SECRET.name;
    this.grafanaServiceName = `${this.releaseName}-grafana`;
    this.alertmanagerServiceName = `${this.releaseName}-alertmanager`;
    this.dashboardUids = Object.values(boards).map((b) => b.uid);
    this.registerOutputs({
      namespace: this.namespace,
      prometheusUrl: this.prometheusUrl,
      alertmanagerRoleArn: this.alertmanagerRoleArn,
      alertmanagerPolicy: this.alertmanagerPolicy,
      ruleNames: this.ruleNames,
      dashboardUids: this.dashboardUids,
    });
  }
}
