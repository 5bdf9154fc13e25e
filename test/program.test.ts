/**
 * The whole program's wiring across areas: stack outputs by their published names with secrets kept secret,
 * data endpoints reaching the workloads only through Secrets, every stateful resource protected, surge mode
 * in both states, and the ALB name the alarms look up matching the one the Ingress sets.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { REDIS } from "../components/data/redis";
import { apiLoadBalancerName } from "../infra/contracts";
import { SECRET_STACK_OUTPUTS, STACK_OUTPUT_NAMES } from "../infra/output-names";
import { featureFlagsConfigData } from "../infra/surge";
import { TIERS, TIER_NAMES } from "../infra/tiers";
import { named, ofType, runStackFile, runTier, type ProgramRun } from "./harness";
import { k8sSchemaProblems } from "./k8s-schema";

/** Resource types that hold data or keys to data: they must be protected wherever the program registers them. */
const STATEFUL = [
  "aws:rds/instance:Instance",
  "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
  "aws:elasticache/replicationGroup:ReplicationGroup",
  "aws:s3/bucket:Bucket",
  "aws:kms/key:Key",
  "cloudflare:index/r2Bucket:R2Bucket",
];

const resolve = (value: pulumi.Input<unknown>) => new Promise<unknown>((ok) => pulumi.output(value as pulumi.Input<string>).apply((v) => ok(v)));

describe("stack outputs", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStackFile("prod", { preview: false, outputs: true });
  });

  it("exports exactly the published output names (runbooks and tools depend on them)", () => {
    expect(Object.keys(run.outputs).sort()).toEqual([...STACK_OUTPUT_NAMES].sort());
  });

  it("keeps credentials secret and everything else plain", async () => {
    for (const name of STACK_OUTPUT_NAMES) {
      const secret = await pulumi.isSecret(pulumi.output(run.outputs[name]));
      expect(secret, name).toBe(SECRET_STACK_OUTPUTS.includes(name));
    }
    expect(await resolve(run.outputs.databaseConnectionString)).toMatch(/^postgresql:\/\/app:[^@]+@.+:5432\/finishthisidea\?sslmode=require$/);
  });
});

describe("wiring between areas", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStackFile("prod", { preview: false, outputs: true });
  });

  it("points PgBouncer at the database writer and the API and workers at PgBouncer, through Secrets", async () => {
    const writer = (await resolve(run.outputs.databaseWriterEndpoint)) as string;
    const ini = named(run, "kubernetes:core/v1:ConfigMap", "pgbouncer-config").inputs.data["pgbouncer.ini"] as string;
    expect(ini).toContain(`host=${writer} port=5432`);
    for (const [app, secretName] of [["api", "api-env"], ["workers", "workers-env"]]) {
      const secret = named(run, "kubernetes:core/v1:Secret", secretName);
      expect(secret.inputs.stringData.DATABASE_URL, app).toMatch(/@pgbouncer\.pgbouncer\.svc\.cluster\.local:6432\//);
      // The whole stringData is one secret when any value in it is.
      expect(secret.secretInputs.filter((path) => path === "stringData" || path.startsWith("stringData.")), app).not.toEqual([]);
    }
    // Nothing that names or unlocks a store sits in a ConfigMap.
    for (const cm of ofType(run, "kubernetes:core/v1:ConfigMap")) {
      expect(JSON.stringify(cm.inputs.data ?? {}), cm.name).not.toMatch(/postgresql:\/\/|REDIS_PASSWORD/);
    }
  });

  it("gives the API's ALB the fixed name the CloudWatch alarms look up", () => {
    const ingress = named(run, "kubernetes:networking.k8s.io/v1:Ingress", "api-ingress");
    expect(ingress.inputs.metadata.annotations["alb.ingress.kubernetes.io/load-balancer-name"]).toBe(apiLoadBalancerName(run.config));
    expect(apiLoadBalancerName(run.config)).toBe("fti-prod-api");
  });

  it("sends every CloudWatch alarm to its region's alert topic", () => {
    const alarms = ofType(run, "aws:cloudwatch/metricAlarm:MetricAlarm");
    expect(alarms.length).toBeGreaterThan(10);
    for (const alarm of alarms) {
      expect(alarm.inputs.alarmActions, alarm.name).toHaveLength(1);
      expect(alarm.inputs.alarmActions[0], alarm.name).toMatch(/^arn:aws:sns:/);
    }
  });
});

describe.each(TIER_NAMES)("tier %s", (tier) => {
  it("registers only Kubernetes objects that validate against the official schemas", async () => {
    const run = await runTier(tier, {}, { preview: false });
    const kubernetes = run.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && !r.type.startsWith("kubernetes:helm"));
    expect(kubernetes.length).toBeGreaterThan(30);
    expect(await k8sSchemaProblems(kubernetes)).toEqual([]);
  });

  it("protects every stateful resource", async () => {
    const run = await runTier(tier);
    // The alert topics' keys encrypt only notifications in flight; nothing at rest is lost with them.
    const stateful = run.resources.filter((r) => STATEFUL.includes(r.type) && !r.name.startsWith("alerting-"));
    expect(stateful.length).toBeGreaterThan(5);
    expect(stateful.filter((r) => !r.options.protect).map((r) => `${r.type} ${r.name}`)).toEqual([]);
  });
});

describe("surge mode", () => {
  const hpaMin = (run: ProgramRun) => named(run, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa").inputs.spec.minReplicas;
  const workerMin = (run: ProgramRun) => named(run, "kubernetes:keda.sh/v1alpha1:ScaledObject", "workers-scaler").inputs.spec.minReplicaCount;
  const flags = (run: ProgramRun) => named(run, "kubernetes:core/v1:ConfigMap", "api-feature-flags").inputs.data;
  const evictionPolicy = (run: ProgramRun) =>
    named(run, "aws:elasticache/parameterGroup:ParameterGroup", "redis-params").inputs.parameters.find((p: { name: string }) => p.name === "maxmemory-policy")?.value;
  const checksum = (run: ProgramRun) => named(run, "kubernetes:apps/v1:Deployment", "api-deployment").inputs.spec.template.metadata.annotations["checksum/feature-flags"];

  it("raises the API and worker minimums, flips the flags and rolls the API, and never touches Redis eviction", async () => {
    const normal = await runTier("growth"); // surgeMode is off by default: the run other suites share
    const surge = await runTier("growth", { surgeMode: true });
    const p = TIERS.growth;

    expect(hpaMin(normal)).toBe(p.api.replicas.min);
    expect(workerMin(normal)).toBe(p.workers.replicas.min);
    expect(hpaMin(surge)).toBeGreaterThan(p.api.replicas.min);
    expect(workerMin(surge)).toBeGreaterThan(p.workers.replicas.min);
    expect(named(surge, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa").inputs.spec.maxReplicas).toBe(p.api.replicas.max);

    expect(flags(normal)).toEqual(featureFlagsConfigData(false));
    expect(flags(surge)).toMatchObject({ SURGE_MODE: "true", FEATURE_ANALYTICS: "disabled", FEATURE_RECOMMENDATIONS: "disabled", LLM_QUALITY: "fast" });
    expect(checksum(surge)).not.toBe(checksum(normal));

    expect(evictionPolicy(normal)).toBe(REDIS.maxmemoryPolicy);
    expect(evictionPolicy(surge)).toBe("noeviction");
  });
});
