import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { Network } from "../components/network/network";
import { resolveConfig, type PlatformConfig } from "../infra/config";
import type { DataServices, PlatformContext, WorkloadServices } from "../infra/contracts";
import { AwsProviders } from "../infra/providers";
import { TIERS, TIER_NAMES, type TierName } from "../infra/tiers";
import { BULLMQ_QUEUES, createWorkloads, databaseUrl, readRouting, SERVICES, workloadReplicas } from "../infra/workloads";
import { ollamaResources } from "../components/k8s/ollama";
import { maxDbConnections, parseIni } from "../components/k8s/pgbouncer/config";
import { loadPolicyConfig, runPolicies } from "../tools/policy-run";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";
import { rawConfigWith } from "./harness";
import { k8sSchemaProblems } from "./k8s-schema";

const OIDC = { providerArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X", issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/X" };

function configFor(tier: TierName, values: Record<string, unknown> = {}, secrets: Record<string, pulumi.Output<string>> = {}): PlatformConfig {
  return resolveConfig(rawConfigWith({ tier, ...values }, secrets), "finishthisidea", `test-${tier}`);
}

/** Data services as infra/data.ts hands them over (fake endpoints, secrets as secrets). */
function fakeData(clusterMode: boolean, maxConnections: number): DataServices {
  return {
    database: {
      writerHost: pulumi.output("db.abc.us-east-1.rds.amazonaws.com"), port: 5432, databaseName: "finishthisidea", username: "app",
      password: pulumi.secret("p@ss/word"), maxConnections, primaryInstanceId: pulumi.output("db"),
      readerHosts: { "us-east-1": [pulumi.output("db-r1.abc.us-east-1.rds.amazonaws.com")], "us-west-2": [pulumi.output("db-r2.abc.us-west-2.rds.amazonaws.com")] },
      localReaderHosts: [pulumi.output("db-r1.abc.us-east-1.rds.amazonaws.com")],
      replicaInstanceIds: [], replicaInstanceIdsByRegion: {},
      restoreTarget: { subnetGroupName: pulumi.output("db-subnets"), securityGroupId: pulumi.output("sg-db"), kmsKeyArn: pulumi.output("arn:aws:kms:us-east-1:123456789012:key/db") },
    },
    redis: { host: pulumi.output("clustercfg.redis.abc.cache.amazonaws.com"), port: 6379, clusterMode, tls: true, authToken: pulumi.secret("redis-auth-token"), replicationGroupId: pulumi.output("redis") },
    storage: {
      bucketNames: { "us-east-1": pulumi.output("fti-uploads-use1") },
      bucketArns: [pulumi.output("arn:aws:s3:::fti-uploads-use1")],
      kmsKeyArns: [pulumi.output("arn:aws:kms:us-east-1:123456789012:key/k")],
      primaryBucketName: pulumi.output("fti-uploads-use1"), primaryBucketArn: pulumi.output("arn:aws:s3:::fti-uploads-use1"),
      primaryBucketRegionalDomainName: pulumi.output("fti-uploads-use1.s3.us-east-1.amazonaws.com"),
      r2BucketName: pulumi.output("fti-r2"), r2Endpoint: pulumi.output("https://acct.r2.cloudflarestorage.com"),
      r2AccessKeyId: pulumi.secret("r2-key-id"), r2SecretAccessKey: pulumi.secret("r2-secret-key"),
    },
    cdn: { distributionId: pulumi.output("E2CDN"), domainName: pulumi.output("d1.cloudfront.net") },
    // Asserted rather than annotated: the data area's contract is growing (cdn, replicas by region) while this is written.
  } as DataServices;
}

async function run(config: PlatformConfig, existingCluster = false) {
  return runComponent((parent) => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "{}" }, { parent });
    const ctx: PlatformContext = {
      config,
      parent,
      aws: new AwsProviders(config, parent),
      network: { vpcId: pulumi.output("vpc-123") } as unknown as Network,
      cluster: existingCluster ? { provider } : { provider, name: pulumi.output(`finishthisidea-${config.stack}`), oidc: OIDC, securityGroupId: pulumi.output("sg-1") },
    };
    return createWorkloads(ctx, fakeData(config.preset.redis.clusterMode, config.preset.database.maxConnections));
  });
}

describe.each(TIER_NAMES)("tier %s", (tier) => {
  it("sizes the API HPA and the worker ScaledObject from the tier", async () => {
    const { resources } = await run(configFor(tier));
    const preset = TIERS[tier];
    const hpa = find(resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa").inputs.spec;
    expect([hpa.minReplicas, hpa.maxReplicas]).toEqual([preset.api.replicas.min, preset.api.replicas.max]);
    const so = find(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject", "workers-scaler").inputs.spec;
    expect([so.minReplicaCount, so.maxReplicaCount]).toEqual([preset.workers.replicas.min, preset.workers.replicas.max]);
    expect(new Set(so.triggers.map((t: any) => t.type))).toEqual(new Set([preset.redis.clusterMode ? "redis-cluster" : "redis"]));
  });

  it("sizes PgBouncer in front of the writer and Ollama on the GPU pool from the tier", async () => {
    const config = configFor(tier);
    const { resources } = await run(config);
    const preset = TIERS[tier];
    expect(find(resources, "kubernetes:apps/v1:Deployment", "pgbouncer-deployment").inputs.spec.replicas).toBe(preset.pgbouncer.replicas);
    const ini = parseIni(find(resources, "kubernetes:core/v1:ConfigMap", "pgbouncer-config").inputs.data["pgbouncer.ini"]);
    // The writer pool and the read pool over the in-region reader only (never the us-west-2 DR replica).
    expect(ini.databases).toEqual({
      finishthisidea: "host=db.abc.us-east-1.rds.amazonaws.com port=5432 dbname=finishthisidea",
      finishthisidea_read: "host=db-r1.abc.us-east-1.rds.amazonaws.com port=5432 dbname=finishthisidea",
    });
    expect(Number(ini.pgbouncer.max_db_connections)).toBe(maxDbConnections({ databaseMaxConnections: preset.database.maxConnections, replicas: preset.pgbouncer.replicas }));
    expect((preset.pgbouncer.replicas + 1) * Number(ini.pgbouncer.max_db_connections)).toBeLessThan(preset.database.maxConnections);
    const sts = find(resources, "kubernetes:apps/v1:StatefulSet", "ollama-statefulset").inputs.spec;
    expect(sts.replicas).toBe(preset.gpu.ollamaReplicas);
    const c = sts.template.spec.containers[0];
    expect(c.image).toBe(`docker.io/ollama/ollama:${config.imageTags.ollama}`);
    expect(c.resources).toEqual(ollamaResources(preset.gpu.instanceType));
    expect(sts.template.spec.initContainers[0].env).toContainEqual({ name: "OLLAMA_PULL_MODELS", value: config.ollamaModels.join(" ") });
    expect(sts.volumeClaimTemplates[0].spec).toMatchObject({ storageClassName: "fast-ssd", resources: { requests: { storage: "100Gi" } } });
  });
});

describe("workloads wiring (growth)", () => {
  let resources: RegisteredResource[];
  let services: WorkloadServices;
  beforeAll(async () => {
    ({ resources, result: { services } } = await run(configFor("growth")));
  });

  it("gives API and workers the database (through PgBouncer), Redis and buckets only through Secrets", () => {
    for (const name of ["api-env", "workers-env"]) {
      const s = find(resources, "kubernetes:core/v1:Secret", name);
      expect(s.secretInputs).toEqual(["stringData"]);
      expect(s.inputs.stringData).toMatchObject({
        DATABASE_URL: "postgresql://app:p%40ss%2Fword@pgbouncer.pgbouncer.svc.cluster.local:6432/finishthisidea",
        // Routing is off by default: reads go to the writer's pool (read-after-write stays consistent).
        DATABASE_READ_URL: "postgresql://app:p%40ss%2Fword@pgbouncer.pgbouncer.svc.cluster.local:6432/finishthisidea",
        REDIS_HOST: "clustercfg.redis.abc.cache.amazonaws.com",
        REDIS_PASSWORD: "redis-auth-token",
        S3_BUCKET: "fti-uploads-use1",
        R2_BUCKET: "fti-r2",
        R2_ACCESS_KEY_ID: "r2-key-id",
        R2_SECRET_ACCESS_KEY: "r2-secret-key",
      });
    }
    const literals = JSON.stringify(resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment" || r.type === "kubernetes:core/v1:ConfigMap").map((r) => r.inputs));
    for (const value of ["p%40ss", "redis-auth-token", "fti-uploads-use1", "clustercfg.redis", "r2-key-id", "r2-secret-key"]) expect(literals).not.toContain(value);
  });

  it("says in the pod template whether reads go to replicas, so flipping the switch rolls the pods", () => {
    for (const name of ["api-deployment", "workers-deployment"]) {
      expect(find(resources, "kubernetes:apps/v1:Deployment", name).inputs.spec.template.spec.containers[0].env).toContainEqual({ name: "READ_REPLICA_ENABLED", value: "false" });
    }
  });

  it("routes DATABASE_READ_URL to the read pool when readReplicaRouting is on", async () => {
    const { resources: routed } = await run(configFor("growth", { readReplicaRouting: true }));
    for (const name of ["api-env", "workers-env"]) {
      const s = find(routed, "kubernetes:core/v1:Secret", name);
      expect(s.secretInputs).toEqual(["stringData"]);
      expect(s.inputs.stringData.DATABASE_READ_URL).toBe("postgresql://app:p%40ss%2Fword@pgbouncer.pgbouncer.svc.cluster.local:6432/finishthisidea_read");
      expect(s.inputs.stringData.DATABASE_URL).toBe("postgresql://app:p%40ss%2Fword@pgbouncer.pgbouncer.svc.cluster.local:6432/finishthisidea");
    }
    expect(find(routed, "kubernetes:apps/v1:Deployment", "api-deployment").inputs.spec.template.spec.containers[0].env).toContainEqual({ name: "READ_REPLICA_ENABLED", value: "true" });
  });

  it("gives the workers (only) the LLM keys through their Secret, and the router through a ConfigMap that rolls them", async () => {
    const { resources: keyed } = await run(configFor("growth", {}, { openaiApiKey: pulumi.secret("sk-test-openai"), anthropicApiKey: pulumi.secret("sk-ant-test") }));
    const workers = find(keyed, "kubernetes:core/v1:Secret", "workers-env");
    expect(workers.secretInputs).toEqual(["stringData"]);
    expect(workers.inputs.stringData).toMatchObject({ OPENAI_API_KEY: "sk-test-openai", ANTHROPIC_API_KEY: "sk-ant-test" });
    expect(Object.keys(find(keyed, "kubernetes:core/v1:Secret", "api-env").inputs.stringData)).not.toContain("OPENAI_API_KEY");
    const plainObjects = JSON.stringify(keyed.filter((r) => r.type !== "kubernetes:core/v1:Secret").map((r) => r.inputs));
    expect(plainObjects).not.toContain("sk-test-openai");
    expect(plainObjects).not.toContain("sk-ant-test");
    const cm = find(keyed, "kubernetes:core/v1:ConfigMap", "workers-config").inputs;
    expect(JSON.parse(cm.data.LLM_ROUTER).providers).toEqual(["anthropic", "openai"]);
    const pod = find(keyed, "kubernetes:apps/v1:Deployment", "workers-deployment").inputs.spec.template;
    expect(pod.spec.containers[0].envFrom).toContainEqual({ configMapRef: { name: "workers-config" } });
    expect(pod.metadata.annotations["checksum/config"]).toMatch(/^[0-9a-f]{64}$/);
    // Without keys (the default stack): Ollama-only.
    expect(JSON.parse(find(resources, "kubernetes:core/v1:ConfigMap", "workers-config").inputs.data.LLM_ROUTER)).toMatchObject({ routes: [], providers: [] });
    expect(Object.keys(find(resources, "kubernetes:core/v1:Secret", "workers-env").inputs.stringData)).not.toContain("OPENAI_API_KEY");
  });

  it("points the workers at Ollama's client service", () => {
    const env = find(resources, "kubernetes:apps/v1:Deployment", "workers-deployment").inputs.spec.template.spec.containers[0].env;
    const url = `http://ollama.${SERVICES.ollama.namespace}.svc.cluster.local:${SERVICES.ollama.port}`;
    expect(env).toContainEqual({ name: "OLLAMA_HOST", value: url });
    expect(env).toContainEqual({ name: "OLLAMA_URL", value: url });
  });

  it("lets only the API and workers reach PgBouncer, and only workers reach Ollama", () => {
    const pg = find(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "network-access-pgbouncer-clients").inputs;
    expect(pg.metadata.namespace).toBe("pgbouncer");
    // The policies select the pods the components label.
    expect(pg.spec.podSelector.matchLabels).toEqual(find(resources, "kubernetes:apps/v1:Deployment", "pgbouncer-deployment").inputs.spec.selector.matchLabels);
    expect(find(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "network-access-ollama-clients").inputs.spec.podSelector.matchLabels)
      .toEqual(find(resources, "kubernetes:apps/v1:StatefulSet", "ollama-statefulset").inputs.spec.selector.matchLabels);
    expect(pg.spec.policyTypes).toEqual(["Ingress"]);
    const clientRule = pg.spec.ingress.find((r: any) => r.ports[0].port === 6432);
    expect(clientRule.from.map((f: any) => f.namespaceSelector.matchLabels["kubernetes.io/metadata.name"]).sort()).toEqual(["api", "workers"]);
    expect(clientRule.from.map((f: any) => f.podSelector.matchLabels["app.kubernetes.io/name"]).sort()).toEqual(["api", "workers"]);
    const ollama = find(resources, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "network-access-ollama-clients").inputs;
    expect(ollama.spec.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "workers" } }, podSelector: { matchLabels: { "app.kubernetes.io/name": "workers", "app.kubernetes.io/instance": "workers" } } }],
      ports: [{ protocol: "TCP", port: 11434 }],
    }]);
  });

  it("scopes the IRSA roles to the platform's buckets and keys", () => {
    for (const role of ["api-irsa-buckets", "workers-irsa-buckets"]) {
      const resourcesOf = JSON.parse(find(resources, "aws:iam/rolePolicy:RolePolicy", role).inputs.policy).Statement.flatMap((s: any) => s.Resource);
      expect(resourcesOf).toEqual(["arn:aws:s3:::fti-uploads-use1", "arn:aws:s3:::fti-uploads-use1/*", "arn:aws:kms:us-east-1:123456789012:key/k"]);
    }
  });

  it("makes the KEDA objects wait for KEDA and the Ingress for the load balancer controller", () => {
    expect(find(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject", "workers-scaler").options.dependsOn).toContain("addons-keda");
    expect(find(resources, "kubernetes:keda.sh/v1alpha1:TriggerAuthentication", "workers-redis-auth").options.dependsOn).toContain("addons-keda");
    expect(find(resources, "kubernetes:networking.k8s.io/v1:Ingress", "api-ingress").options.dependsOn).toContain("addons-aws-load-balancer-controller");
  });

  it("hands observability the names, ports and queues it scrapes and alarms on", async () => {
    expect(services.api).toMatchObject({ namespace: "api", deploymentName: "api", hpaName: "api", metricsPort: 3000, hostname: "api.staging.finishthisidea.com", replicas: TIERS.growth.api.replicas });
    expect(services.workers).toMatchObject({ namespace: "workers", scaledObjectName: "workers", hpaName: "workers-keda", metricsPort: 9090, replicas: TIERS.growth.workers.replicas });
    expect(services.workers.queues.map((q) => q.keys)).toEqual(BULLMQ_QUEUES.map((q) => [`bull:{${q.name}}:wait`, `bull:{${q.name}}:prioritized`]));
    expect(services.addonNamespaces).toMatchObject({ keda: "keda", metricsServer: "metrics-server", clusterAutoscaler: "cluster-autoscaler" });
    expect(services.monitoringNamespace).toBe("monitoring");
    expect(services.pgbouncer).toMatchObject({ namespace: "pgbouncer", port: 6432, metricsPort: 9127, replicas: TIERS.growth.pgbouncer.replicas });
    expect(services.ollama).toMatchObject({ namespace: "ollama", port: 11434, url: "http://ollama.ollama.svc.cluster.local:11434", replicas: TIERS.growth.gpu.ollamaReplicas });
    const resolve = (v: pulumi.Input<string> | undefined) => new Promise((r) => pulumi.output(v).apply(r));
    expect([await resolve(services.pgbouncer?.name), await resolve(services.ollama?.name)]).toEqual(["pgbouncer", "ollama"]);
  });

  it("passes every mandatory policy rule", () => {
    const report = runPolicies(resources, { config: loadPolicyConfig("prod").config });
    expect(report.violations.filter((v) => v.level === "mandatory").map((v) => `${v.policy} ${v.resource}: ${v.message}`)).toEqual([]);
  });

  it("registers only objects that validate against the official schemas", async () => {
    expect(await k8sSchemaProblems(resources)).toEqual([]);
  });
});

describe("workloads helpers", () => {
  it("takes every replica minimum from workloadReplicas (overrides flow through it)", () => {
    const config = configFor("mvp", { overrides: { api: { replicas: { min: 3, max: 5 } }, workers: { replicas: { min: 5, max: 7 } } } });
    expect(workloadReplicas(config)).toEqual({ api: { min: 3, max: 5 }, workers: { min: 5, max: 7 } });
  });

  it("percent-encodes the database credentials", () => {
    expect(databaseUrl("app", "a:b@c/d", "h", 6432, "db")).toBe("postgresql://app:a%3Ab%40c%2Fd@h:6432/db");
  });

  it("deploys no Ollama at all (and gives the workers no Ollama URL) when the tier has 0 Ollama replicas", async () => {
    // Without Ollama the config needs a cloud key (else the workers have no LLM at all).
    const { resources, result } = await run(configFor("mvp", { overrides: { gpu: { ollamaReplicas: 0 } } }, { anthropicApiKey: pulumi.secret("sk-ant-test") }));
    expect(resources.filter((r) => r.name.startsWith("ollama") || r.name === "network-access-ollama-clients")).toEqual([]);
    expect(result.services.ollama).toBeUndefined();
    const env = find(resources, "kubernetes:apps/v1:Deployment", "workers-deployment").inputs.spec.template.spec.containers[0].env;
    expect(env.map((e: any) => e.name)).not.toContain("OLLAMA_HOST");
    expect(JSON.parse(find(resources, "kubernetes:core/v1:ConfigMap", "workers-config").inputs.data.LLM_ROUTER)).toMatchObject({ ollama: null, providers: ["anthropic"] });
    expect(find(resources, "kubernetes:apps/v1:Deployment", "pgbouncer-deployment").inputs.spec.replicas).toBe(TIERS.mvp.pgbouncer.replicas);
    expect(await k8sSchemaProblems(resources)).toEqual([]);
  });

  it("refuses PgBouncer pools that cannot fit the database at the config stage, before any resource exists", () => {
    expect(() => configFor("growth", { overrides: { database: { maxConnections: 100 } } })).toThrow(/finishthisidea:overrides\.database\.maxConnections: got 100; expected room for every PgBouncer pool: PgBouncer pool sizing: 4 pods \(3 replicas \+ 1 being replaced\)/);
  });

  it("on an existing cluster creates no IAM roles and installs no AWS-integrated add-ons", async () => {
    const { resources } = await run(configFor("mvp"), true);
    expect(resources.filter((r) => r.type.startsWith("aws:iam/"))).toEqual([]);
    expect(resources.filter((r) => r.type === "kubernetes:helm.sh/v3:Release").map((r) => r.inputs.chart).sort()).toEqual(["keda", "metrics-server", "nvidia-device-plugin", "prometheus-adapter"]);
    expect(find(resources, "kubernetes:core/v1:ServiceAccount", "api-sa").inputs.metadata.annotations).toEqual({});
  });
});

describe("readRouting", () => {
  it("names the read pool only when routing is on, and refuses routing without one", () => {
    expect(readRouting(false, "app", "app_read")).toEqual({ database: "app", replicas: false });
    expect(readRouting(true, "app", "app_read")).toEqual({ database: "app_read", replicas: true });
    expect(readRouting(false, "app", undefined)).toEqual({ database: "app", replicas: false });
    expect(() => readRouting(true, "app", undefined)).toThrow(/no read pool/);
  });
});
