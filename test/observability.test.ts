import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import {
  alertmanagerConfig,
  GRAFANA_ADMIN_SECRET,
  KUBE_PROMETHEUS_STACK,
  Observability,
  snsPublishPolicy,
  type ObservabilityArgs,
} from "../components/observability/observability";
import { buildRuleSets } from "../components/observability/prometheus-rules";
import type { WorkloadServices } from "../infra/contracts";
import { slosFor } from "../infra/slos";

/** Growth's table (99.95%), the one these tests were written against. */
const SLOS = slosFor("growth", { websockets: false, peakJobsPerHour: 10_000 });
import { TIERS } from "../infra/tiers";
import { BULLMQ_QUEUES, MONITORING_NAMESPACE, PROMETHEUS_URL, SERVICES } from "../infra/workloads";
import { loadPolicyConfig, runPolicies } from "../tools/policy-run";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";
import { k8sSchemaProblems } from "./k8s-schema";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const POD_MONITOR = "kubernetes:monitoring.coreos.com/v1:PodMonitor";
const PROMETHEUS_RULE = "kubernetes:monitoring.coreos.com/v1:PrometheusRule";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:finishthisidea-prod-alerts";
const OIDC = { providerArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X", issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/X" };
const labels = (app: string) => ({ "app.kubernetes.io/name": app, "app.kubernetes.io/instance": app });

/** WorkloadServices as infra/workloads.ts hands them over (growth sizes), PgBouncer and Ollama optional. */
function fakeServices(optional: { pgbouncer?: boolean; ollama?: boolean } = { pgbouncer: true, ollama: true }): WorkloadServices {
  return {
    addonNamespaces: { keda: "keda", metricsServer: "metrics-server" },
    api: {
      namespace: "api", name: pulumi.output("api"), port: 80, podLabels: labels("api"), deploymentName: "api", hpaName: "api",
      metricsPort: SERVICES.api.port, metricsPath: "/metrics", hostname: "api.finishthisidea.com", ingressName: pulumi.output("api"),
      loadBalancerHostname: pulumi.output<string | undefined>(undefined), replicas: TIERS.growth.api.replicas,
    },
    workers: {
      namespace: "workers", name: pulumi.output("workers"), port: SERVICES.workers.metricsPort, podLabels: labels("workers"),
      deploymentName: "workers", scaledObjectName: "workers", hpaName: "workers-keda", metricsPort: SERVICES.workers.metricsPort,
      metricsPath: "/metrics", queues: BULLMQ_QUEUES.map((q) => ({ ...q, keys: [`bull:{${q.name}}:wait`] })), replicas: TIERS.growth.workers.replicas,
    },
    ...(optional.pgbouncer ? { pgbouncer: { namespace: "pgbouncer", name: "pgbouncer", port: SERVICES.pgbouncer.port, podLabels: { "app.kubernetes.io/name": "pgbouncer" }, metricsPort: SERVICES.pgbouncer.metricsPort, replicas: 3 } } : {}),
    ...(optional.ollama ? { ollama: { namespace: "ollama", name: "ollama", port: SERVICES.ollama.port, podLabels: { "app.kubernetes.io/name": "ollama" }, url: "http://ollama.ollama.svc.cluster.local:11434", replicas: 3 } } : {}),
    monitoringNamespace: MONITORING_NAMESPACE,
    prometheusUrl: PROMETHEUS_URL,
  };
}

const baseArgs = (over: Partial<ObservabilityArgs> = {}): ObservabilityArgs => ({
  services: fakeServices(),
  slos: SLOS,
  alertTopicArn: pulumi.output(TOPIC),
  oidc: OIDC,
  ...over,
});

function build(args: ObservabilityArgs) {
  return runComponent((parent) => {
    // The AWS provider carries the cost-allocation default tags as infra/providers.ts sets them.
    const awsProvider = new aws.Provider("aws-observability", {
      region: "us-east-1",
      defaultTags: { tags: { stack: "prod", tier: "growth", component: "observability", "cost-center": "platform" } },
    }, { parent });
    const k8sProvider = new k8s.Provider("k8s", { kubeconfig: "{}" }, { parent });
    return new Observability("observability", args, { parent, providers: [awsProvider, k8sProvider] });
  });
}

const values = (resources: RegisteredResource[]) => find(resources, RELEASE, "observability-kube-prometheus-stack").inputs.values;

describe("Observability on an EKS cluster", () => {
  let resources: RegisteredResource[];
  let obs: Observability;
  beforeAll(async () => {
    ({ resources, result: obs } = await build(baseArgs()));
  });

  it("installs kube-prometheus-stack as a pinned chart into the monitoring namespace", () => {
    const r = find(resources, RELEASE, "observability-kube-prometheus-stack");
    expect(r.inputs).toMatchObject({
      name: "kube-prometheus-stack",
      chart: "kube-prometheus-stack",
      version: KUBE_PROMETHEUS_STACK.version,
      repositoryOpts: { repo: "https://prometheus-community.github.io/helm-charts" },
      namespace: "monitoring",
      createNamespace: false,
      atomic: true,
    });
    expect(r.inputs.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(find(resources, "kubernetes:core/v1:Namespace", "observability-namespace").inputs.metadata.name).toBe("monitoring");
    expect(r.options.dependsOn).toEqual(expect.arrayContaining(["observability-namespace", "observability-grafana-admin"]));
    // prometheus-adapter (infra/workloads.ts) queries the service this release name produces.
    expect(obs.prometheusUrl).toBe(PROMETHEUS_URL);
    expect([obs.grafanaServiceName, obs.alertmanagerServiceName]).toEqual(["kube-prometheus-stack-grafana", "kube-prometheus-stack-alertmanager"]);
  });

  it("routes every alert to the stack's SNS topic, signed for the topic's region", () => {
    const am = values(resources).alertmanager;
    expect(am.config).toEqual(alertmanagerConfig(TOPIC));
    expect(am.config.route.receiver).toBe("sns");
    expect(am.tplConfig).toBe(false);
    expect(am.config.receivers[1].sns_configs[0].subject).toContain("{{ .CommonLabels.alertname }}");
    const sns = am.config.receivers.find((r: any) => r.name === "sns");
    expect(sns.sns_configs).toEqual([expect.objectContaining({ topic_arn: TOPIC, sigv4: { region: "us-east-1" }, send_resolved: true })]);
    // Watchdog is dropped; critical alerts repeat hourly through the same receiver.
    expect(am.config.route.routes).toContainEqual({ receiver: "null", matchers: ['alertname = "Watchdog"'] });
    expect(am.config.route.routes).toContainEqual({ receiver: "sns", matchers: ['severity = "critical"'], repeat_interval: "1h" });
    expect(am.config.receivers.map((r: any) => r.name).sort()).toEqual(["null", "sns"]);
  });

  it("gives Alertmanager an IRSA role that may publish to that topic only", () => {
    const am = values(resources).alertmanager;
    expect(am.serviceAccount).toMatchObject({ create: true, name: "alertmanager" });
    expect(am.serviceAccount.annotations["eks.amazonaws.com/role-arn"]).toMatch(/observability-alertmanager$/);
    const trust = JSON.parse(find(resources, "aws:iam/role:Role", "observability-alertmanager").inputs.assumeRolePolicy);
    expect(trust.Statement[0].Condition.StringEquals["oidc.eks.us-east-1.amazonaws.com/id/X:sub"]).toBe("system:serviceaccount:monitoring:alertmanager");
    const policy = JSON.parse(find(resources, "aws:iam/rolePolicy:RolePolicy", "observability-alertmanager-sns").inputs.policy);
    expect(policy.Statement).toEqual([{ Sid: "PublishAlerts", Effect: "Allow", Action: "sns:Publish", Resource: TOPIC }]);
  });

  it("keeps Grafana's admin password a secret in a Secret the chart reads, never in the values", async () => {
    const secret = find(resources, "kubernetes:core/v1:Secret", "observability-grafana-admin");
    expect(secret.secretInputs).toEqual(["stringData"]);
    expect(secret.inputs.metadata).toMatchObject({ name: GRAFANA_ADMIN_SECRET.name, namespace: "monitoring" });
    expect(secret.inputs.stringData).toEqual({ "admin-user": "admin", "admin-password": "mock-password-for-observability-grafana-admin" });
    expect(find(resources, "random:index/randomPassword:RandomPassword", "observability-grafana-admin").inputs).toMatchObject({ length: 32 });
    const grafana = values(resources).grafana;
    expect(grafana.admin).toEqual({ existingSecret: secret.inputs.metadata.name, userKey: "admin-user", passwordKey: "admin-password" });
    const release = find(resources, RELEASE, "observability-kube-prometheus-stack");
    expect(JSON.stringify(release.inputs)).not.toContain("mock-password");
    expect(JSON.stringify(release.inputs)).not.toMatch(/adminPassword/);
    // Nothing secret in the values, so the engine does not have to hide the whole values map.
    expect(release.secretInputs).toEqual([]);
  });

  it("scrapes the API, workers and PgBouncer exporter by pod labels and declared metrics port", () => {
    const monitor = (n: string) => find(resources, POD_MONITOR, `observability-${n}-monitor`).inputs;
    expect(monitor("api").spec).toEqual({
      namespaceSelector: { matchNames: ["api"] },
      selector: { matchLabels: labels("api") },
      podMetricsEndpoints: [{ portNumber: 3000, path: "/metrics", interval: "30s", scrapeTimeout: "10s" }],
    });
    expect(monitor("workers").spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 9090, path: "/metrics" });
    expect(monitor("workers").spec.selector.matchLabels).toEqual(labels("workers"));
    expect(monitor("pgbouncer").spec).toMatchObject({ namespaceSelector: { matchNames: ["pgbouncer"] }, podMetricsEndpoints: [{ portNumber: 9127 }] });
    expect(monitor("api").metadata.namespace).toBe("monitoring");
    // Ollama serves no /metrics: it is watched through kube-state-metrics rules instead of a scrape.
    expect(resources.filter((r) => r.type === POD_MONITOR).map((r) => r.inputs.metadata.name).sort()).toEqual(["api", "pgbouncer", "workers"]);
    // Prometheus selects monitors and rules from every namespace and release.
    const spec = values(resources).prometheus.prometheusSpec;
    expect(spec).toMatchObject({ podMonitorSelectorNilUsesHelmValues: false, ruleSelectorNilUsesHelmValues: false, serviceMonitorSelectorNilUsesHelmValues: false });
  });

  it("registers the PrometheusRules built from the SLO table, after the chart's CRDs", () => {
    const expected = buildRuleSets(SLOS, {
      api: { namespace: "api" },
      workers: { namespace: "workers", queues: BULLMQ_QUEUES, maxReplicas: TIERS.growth.workers.replicas.max },
      pgbouncer: { namespace: "pgbouncer" },
      ollama: { namespace: "ollama" },
    });
    const rules = resources.filter((r) => r.type === PROMETHEUS_RULE);
    expect(rules.map((r) => r.inputs.metadata.name)).toEqual(expected.map((s) => `finishthisidea-${s.name}`));
    expect(obs.ruleNames).toEqual(rules.map((r) => r.inputs.metadata.name));
    for (const set of expected) {
      const r = find(resources, PROMETHEUS_RULE, `observability-${set.name}-rules`);
      expect(r.inputs.spec.groups).toEqual(set.groups);
      expect(r.options.dependsOn).toEqual(["observability-kube-prometheus-stack"]);
    }
    const exprs = JSON.stringify(rules.map((r) => r.inputs.spec));
    for (const needle of ["> 0.0072 and", "> 0.003 and", "> 0.0015 and", "> 0.0005 and", "http_request_duration_seconds_bucket", "> 0.1", "bullmq_job_duration_seconds_bucket", "> 180"]) {
      expect(exprs).toContain(needle);
    }
  });

  it("ships the API, queue and database dashboards as ConfigMaps for Grafana's sidecar", () => {
    const maps = resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap");
    expect(maps.map((m) => m.name).sort()).toEqual(["observability-dashboard-api", "observability-dashboard-database", "observability-dashboard-queues"]);
    for (const m of maps) {
      expect(m.inputs.metadata.labels.grafana_dashboard).toBe("1");
      expect(m.inputs.metadata.namespace).toBe("monitoring");
      const [[key, json]] = Object.entries(m.inputs.data as Record<string, string>);
      const board = JSON.parse(json);
      expect(key).toBe(`${board.uid}.json`);
      expect(board.panels.length).toBeGreaterThan(3);
    }
    expect(obs.dashboardUids).toEqual(["fti-api", "fti-queues", "fti-database"]);
    expect(values(resources).grafana.sidecar.dashboards).toMatchObject({ enabled: true, label: "grafana_dashboard", labelValue: "1" });
  });

  it("keeps the monitoring stack on the on-demand system pool and node-exporter on every node", () => {
    const v = values(resources);
    const system = { "finishthisidea.io/pool": "system" };
    expect(v.prometheus.prometheusSpec.nodeSelector).toEqual(system);
    expect(v.alertmanager.alertmanagerSpec.nodeSelector).toEqual(system);
    expect(v.grafana.nodeSelector).toEqual(system);
    expect(v["prometheus-node-exporter"].tolerations).toEqual([{ operator: "Exists", effect: "NoSchedule" }]);
    // The 3-day burn-rate window needs at least 3 days of data.
    expect(v.prometheus.prometheusSpec.retention).toBe("15d");
  });

  it("registers only objects that validate against the official schemas (CRDs included)", async () => {
    expect(resources.some((r) => r.type === PROMETHEUS_RULE) && resources.some((r) => r.type === POD_MONITOR)).toBe(true);
    expect(await k8sSchemaProblems(resources)).toEqual([]);
  });

  it("passes every mandatory policy rule of the prod pack config", () => {
    const { config, source } = loadPolicyConfig("prod");
    const report = runPolicies(resources, { config, configSource: source });
    expect(report.violations.filter((v) => v.level === "mandatory")).toEqual([]);
    expect(report.mandatoryViolations).toBe(0);
    expect(report.rules.filter((r) => r.level === "mandatory").length).toBeGreaterThan(10);
  });
});

describe("Observability options", () => {
  it("on an existing cluster creates no IAM role and annotates a given role, else uses the pod's credentials", async () => {
    const given = "arn:aws:iam::123456789012:role/alertmanager-existing";
    const { resources, result } = await build(baseArgs({ oidc: undefined, alertmanagerRoleArn: given }));
    expect(resources.filter((r) => r.type.startsWith("aws:iam/"))).toEqual([]);
    expect(values(resources).alertmanager.serviceAccount.annotations).toEqual({ "eks.amazonaws.com/role-arn": given });
    expect(values(resources).alertmanager.config.receivers[1].sns_configs[0].topic_arn).toBe(TOPIC);
    expect(result.alertmanagerRoleArn).toBeUndefined();
    const policy = await new Promise<string>((resolve) => result.alertmanagerPolicy.apply(resolve));
    expect(policy).toBe(snsPublishPolicy(TOPIC));
    const bare = await build(baseArgs({ oidc: undefined }));
    expect(values(bare.resources).alertmanager.serviceAccount.annotations).toEqual({});
  });

  it("grants the topic's KMS key when it has one, and scrapes Ollama when it exports metrics", async () => {
    const key = "arn:aws:kms:us-east-1:123456789012:key/alerts";
    const { resources } = await build(baseArgs({ alertTopicKmsKeyArn: key, ollamaMetrics: { port: 11434, path: "/metrics" } }));
    const policy = JSON.parse(find(resources, "aws:iam/rolePolicy:RolePolicy", "observability-alertmanager-sns").inputs.policy);
    expect(policy.Statement[1]).toEqual({ Sid: "EncryptedTopic", Effect: "Allow", Action: ["kms:GenerateDataKey", "kms:Decrypt"], Resource: key });
    expect(find(resources, POD_MONITOR, "observability-ollama-monitor").inputs.spec.podMetricsEndpoints[0]).toMatchObject({ portNumber: 11434, path: "/metrics" });
  });

  it("without PgBouncer's exporter or Ollama, neither scrapes nor alerts on them", async () => {
    const { resources } = await build(baseArgs({ services: fakeServices({}) }));
    expect(resources.filter((r) => r.type === POD_MONITOR).map((r) => r.inputs.metadata.name).sort()).toEqual(["api", "workers"]);
    expect(resources.filter((r) => r.type === PROMETHEUS_RULE).map((r) => r.inputs.metadata.name)).toEqual([
      "finishthisidea-api-slo", "finishthisidea-jobs-slo", "finishthisidea-surge", "finishthisidea-queues", "finishthisidea-workers",
    ]);
    // The database dashboard plots PgBouncer's exporter: shipped once it is scraped.
    expect(resources.filter((r) => r.type === "kubernetes:core/v1:ConfigMap").map((r) => r.name).sort()).toEqual(["observability-dashboard-api", "observability-dashboard-queues"]);
    expect(await k8sSchemaProblems(resources)).toEqual([]);
  });

  it("pages through PagerDuty and chats on Slack with credentials in a Secret mounted into Alertmanager, kept secret", async () => {
    const paging = { slackWebhookUrl: pulumi.secret("https://hooks.slack.com/services/T0/B0/x"), slackChannel: "#ops-alerts", pagerdutyRoutingKey: pulumi.secret("0123456789abcdef0123456789abcdef") };
    const { resources } = await build(baseArgs({ paging }));
    const secret = find(resources, "kubernetes:core/v1:Secret", "observability-alertmanager-paging");
    expect(secret.inputs.metadata).toMatchObject({ name: "alertmanager-paging", namespace: MONITORING_NAMESPACE });
    // The k8s SDK lifts a Secret's stringData into one secret Output.
    expect(secret.secretInputs).toEqual(["stringData"]);
    expect(find(resources, RELEASE, "observability-kube-prometheus-stack").secretInputs).toEqual([]);
    const am = values(resources).alertmanager;
    expect(am.alertmanagerSpec.secrets).toEqual(["alertmanager-paging"]);
    expect(am.config.receivers.map((r: any) => r.name)).toEqual(["null", "sns", "pagerduty", "slack"]);
    expect(JSON.stringify(am)).not.toContain("hooks.slack.com");
    expect(find(resources, RELEASE, "observability-kube-prometheus-stack").options.dependsOn).toContain("observability-alertmanager-paging");
    // Without channels: no Secret, nothing mounted.
    const bare = await build(baseArgs());
    expect(bare.resources.filter((r) => r.name === "observability-alertmanager-paging")).toEqual([]);
    expect(values(bare.resources).alertmanager.alertmanagerSpec.secrets).toBeUndefined();
    await expect(build(baseArgs({ paging: { slackChannel: "#ops" } }))).rejects.toThrow(/paging.slackChannel is set but paging.slackWebhookUrl is not/);
    await expect(build(baseArgs({ paging: { slackWebhookUrl: "https://hooks.slack.com/x", slackChannel: "Ops" } }))).rejects.toThrow(/slack.channel "Ops" must be a channel name/);
  });

  it("registers in a preview, where the topic ARN is not known yet", async () => {
    const { resources } = await runComponent((parent) => {
      const k8sProvider = new k8s.Provider("k8s", { kubeconfig: "{}" }, { parent });
      const topic = new aws.sns.Topic("alerts", {}, { parent });
      return new Observability("observability", baseArgs({ alertTopicArn: topic.arn }), { parent, providers: [k8sProvider] });
    }, { preview: true });
    expect(find(resources, RELEASE, "observability-kube-prometheus-stack").inputs.version).toBe(KUBE_PROMETHEUS_STACK.version);
    expect(resources.filter((r) => r.type === PROMETHEUS_RULE)).toHaveLength(7);
  });

  it("rejects bad input naming the arg and value, before registering anything", async () => {
    await expect(build(baseArgs({ services: { ...fakeServices(), prometheusUrl: "http://prometheus.monitoring.svc" } }))).rejects.toThrow(
      /services\.prometheusUrl "http:\/\/prometheus\.monitoring\.svc" is not where this component serves Prometheus; expected "http:\/\/kube-prometheus-stack-prometheus\.monitoring\.svc"/,
    );
    await expect(build(baseArgs({ alertTopicArn: "arn:aws:sqs:us-east-1:123456789012:q" }))).rejects.toThrow(/alertTopicArn "arn:aws:sqs:us-east-1:123456789012:q" is not an SNS topic ARN/);
    await expect(build(baseArgs({ services: fakeServices({}), ollamaMetrics: { port: 11434, path: "/metrics" } }))).rejects.toThrow(/ollamaMetrics is set but services\.ollama is absent/);
    await expect(build(baseArgs({ prometheus: { replicas: 0 } }))).rejects.toThrow(/prometheus\.replicas must be an integer >= 1; got 0/);
    await expect(build(baseArgs({ alertmanagerRoleArn: "arn:aws:iam::123456789012:role/x" }))).rejects.toThrow(/either oidc .* or alertmanagerRoleArn/);
    await expect(build(baseArgs({ slos: { ...SLOS, api: { ...SLOS.api, availability: 99.95 } } }))).rejects.toThrow(/api\.availability must be a fraction between 0 and 1 \(0\.9995 for 99\.95%\); got 99\.95/);
  });
});
