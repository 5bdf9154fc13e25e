import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { NODE_POOLS } from "../components/cluster/cluster";
import {
  desiredWorkers,
  listLengthTarget,
  queueKey,
  scalingFormula,
  WorkerFleet,
  type QueueSpec,
  type WorkerFleetArgs,
} from "../components/k8s/worker-fleet";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";
import { k8sSchemaProblems } from "./k8s-schema";

const QUEUES: QueueSpec[] = [
  { name: "cleanup", averageJobSeconds: 45 },
  { name: "template", averageJobSeconds: 20 },
  { name: "enterprise", averageJobSeconds: 120 },
  { name: "priority", averageJobSeconds: 7 },
];

/** The scaling plan's WorkerScaler.getDesiredWorkerCount, verbatim in arithmetic. */
function planDesired(queueDepth: number, averageJobTime: number, min: number, max: number): number {
  const requiredRate = queueDepth / 60;
  return Math.max(min, Math.min(max, Math.ceil(requiredRate * averageJobTime)));
}

describe("listLengthTarget", () => {
  it("is 60 / averageJobSeconds when that is a whole number", () => {
    expect(listLengthTarget(1)).toBe(60);
    expect(listLengthTarget(20)).toBe(3);
    expect(listLengthTarget(60)).toBe(1);
  });

  it("rounds down (more workers, never fewer than the plan) and never goes below 1", () => {
    expect(listLengthTarget(45)).toBe(1); // 1.33
    expect(listLengthTarget(7)).toBe(8); // 8.57
    expect(listLengthTarget(0.5)).toBe(120);
    expect(listLengthTarget(120)).toBe(1); // 0.5: one worker per waiting job at most
    expect(listLengthTarget(3600)).toBe(1);
  });

  it("rejects a non-positive or non-finite job time, naming it", () => {
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => listLengthTarget(bad)).toThrow(/averageJobSeconds must be a positive number of seconds; got/);
    }
  });
});

describe("desiredWorkers (what KEDA + HPA compute from the formula)", () => {
  const range = { min: 2, max: 500 };

  it("equals the plan's rule for one queue whose job time divides 60", () => {
    for (const depth of [0, 1, 59, 60, 61, 300, 1_000, 10_000]) {
      const q = [{ name: "template", averageJobSeconds: 20 }];
      expect(desiredWorkers({ template: { wait: depth } }, q, range)).toBe(planDesired(depth, 20, 2, 500));
    }
  });

  it("is never below the plan's rule (or one worker per waiting job, when the plan asks for more than that)", () => {
    for (const avg of [1, 7, 13, 20, 45, 59, 90, 300]) {
      for (const depth of [1, 17, 250, 4_999]) {
        const got = desiredWorkers({ q: { wait: depth } }, [{ name: "q", averageJobSeconds: avg }], { min: 1, max: 1_000_000 });
        expect(got).toBeGreaterThanOrEqual(Math.min(planDesired(depth, avg, 1, 1_000_000), depth));
        expect(got).toBeLessThanOrEqual(depth);
      }
    }
  });

  it("counts the prioritized set with the wait list and sums the queues", () => {
    const waiting = { cleanup: { wait: 100, prioritized: 50 }, template: { wait: 30 }, priority: { prioritized: 16 } };
    // cleanup: 150 / 1, template: 30 / 3, priority: 16 / 8
    expect(desiredWorkers(waiting, QUEUES, range)).toBe(150 + 10 + 2);
  });

  it("clamps to the tier's bounds", () => {
    expect(desiredWorkers({}, QUEUES, range)).toBe(2);
    expect(desiredWorkers({ cleanup: { wait: 1_000_000 } }, QUEUES, range)).toBe(500);
  });
});

describe("scalingFormula", () => {
  it("sums both keys of every queue divided by the queue's target", () => {
    expect(scalingFormula(QUEUES)).toBe(
      "(cleanup_wait + cleanup_prioritized) / 1 + (template_wait + template_prioritized) / 3 + "
      + "(enterprise_wait + enterprise_prioritized) / 1 + (priority_wait + priority_prioritized) / 8",
    );
  });
});

const baseArgs = (over: Partial<WorkerFleetArgs> = {}): WorkerFleetArgs => ({
  image: "ghcr.io/finishthisidea/worker:1.4.1",
  replicas: { min: 100, max: 500 },
  queues: QUEUES,
  redis: { host: pulumi.output("clustercfg.redis.example.cache.amazonaws.com"), port: 6379, clusterMode: true, tls: true },
  secretEnv: { REDIS_PASSWORD: "redis-token", DATABASE_URL: "postgresql://app:pw@pgbouncer:6432/app" },
  env: { OLLAMA_HOST: "http://ollama.ollama.svc.cluster.local:11434" },
  bucketAccess: {
    oidc: { providerArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X", issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/X" },
    bucketArns: ["arn:aws:s3:::uploads"],
    kmsKeyArns: ["arn:aws:kms:us-east-1:123456789012:key/k"],
  },
  ...over,
});

function build(args: WorkerFleetArgs) {
  return runComponent((parent) => {
    const provider = new aws.Provider("aws", { region: "us-east-1" }, { parent });
    return new WorkerFleet("workers", args, { parent, providers: [provider] });
  });
}

describe("WorkerFleet (cluster-mode Redis)", () => {
  let resources: RegisteredResource[];
  beforeAll(async () => {
    ({ resources } = await build(baseArgs()));
  });

  it("runs on the spot pool with a long grace period, hardened, replicas owned by KEDA", () => {
    const d = find(resources, "kubernetes:apps/v1:Deployment", "workers-deployment");
    const pod = d.inputs.spec.template.spec;
    expect(pod.nodeSelector).toEqual(NODE_POOLS.workers.labels);
    expect(pod.tolerations).toEqual([{ key: "finishthisidea.io/spot", operator: "Equal", value: "true", effect: "NoSchedule" }]);
    expect(pod.terminationGracePeriodSeconds).toBe(600);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } });
    const c = pod.containers[0];
    expect(c.securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(c.resources.requests).toEqual({ cpu: "2", memory: "4Gi" });
    expect(c.readinessProbe.httpGet.path).toBe("/health");
    expect(d.inputs.spec.replicas).toBe(100);
    expect(d.options.ignoreChanges).toContain("spec.replicas");
    expect(d.inputs.metadata.labels).toMatchObject({ "app.kubernetes.io/name": "workers", "app.kubernetes.io/version": "1.4.1" });
  });

  it("passes credentials only through a Secret (envFrom), never as env literals", () => {
    const secret = find(resources, "kubernetes:core/v1:Secret", "workers-env");
    expect(secret.secretInputs).toEqual(["stringData"]);
    expect(Object.keys(secret.inputs.stringData).sort()).toEqual(["DATABASE_URL", "REDIS_PASSWORD"]);
    const c = find(resources, "kubernetes:apps/v1:Deployment", "workers-deployment").inputs.spec.template.spec.containers[0];
    expect(c.envFrom).toEqual([{ secretRef: { name: "workers-env" } }]);
    const literal = JSON.stringify(c.env);
    expect(literal).not.toContain("redis-token");
    expect(literal).not.toContain("pgbouncer:6432");
    expect(c.env).toContainEqual({ name: "OLLAMA_HOST", value: "http://ollama.ollama.svc.cluster.local:11434" });
  });

  it("scales with KEDA on the wait list and prioritized set of every hash-tagged queue", () => {
    const so = find(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject", "workers-scaler").inputs;
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: "apps/v1", kind: "Deployment", name: "workers" });
    expect(so.spec.minReplicaCount).toBe(100);
    expect(so.spec.maxReplicaCount).toBe(500);
    expect(so.spec.pollingInterval).toBe(15);
    expect(so.spec.cooldownPeriod).toBe(300);
    expect(so.spec.fallback).toEqual({ failureThreshold: 3, replicas: 100, behavior: "currentReplicasIfHigher" });
    expect(so.spec.triggers.map((t: any) => t.metadata.listName)).toEqual([
      "bull:{cleanup}:wait", "bull:{cleanup}:prioritized", "bull:{template}:wait", "bull:{template}:prioritized",
      "bull:{enterprise}:wait", "bull:{enterprise}:prioritized", "bull:{priority}:wait", "bull:{priority}:prioritized",
    ]);
    const byName = Object.fromEntries(so.spec.triggers.map((t: any) => [t.name, t]));
    expect(byName.template_prioritized.metadata.listLength).toBe("3");
    expect(byName.priority_wait.metadata.listLength).toBe("8");
    for (const t of so.spec.triggers) {
      expect(t.type).toBe("redis-cluster");
      expect(t.metadata).toMatchObject({ addresses: "clustercfg.redis.example.cache.amazonaws.com:6379", enableTLS: "true" });
      expect(t.metadata.password).toBeUndefined();
      expect(t.authenticationRef).toEqual({ name: "workers-redis" });
    }
    expect(so.spec.advanced.scalingModifiers).toEqual({ formula: scalingFormula(QUEUES), target: "1", metricType: "AverageValue" });
  });

  it("hands the HPA the plan's behavior: double per minute up, 10% per minute down after 5 minutes", () => {
    const behavior = find(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject", "workers-scaler").inputs.spec.advanced.horizontalPodAutoscalerConfig.behavior;
    expect(behavior.scaleUp).toMatchObject({ stabilizationWindowSeconds: 0, policies: [{ type: "Percent", value: 100, periodSeconds: 60 }] });
    expect(behavior.scaleDown).toMatchObject({ stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] });
  });

  it("authenticates KEDA to Redis through a TriggerAuthentication backed by the Secret", () => {
    const auth = find(resources, "kubernetes:keda.sh/v1alpha1:TriggerAuthentication", "workers-redis-auth").inputs;
    expect(auth.metadata).toMatchObject({ name: "workers-redis", namespace: "workers" });
    expect(auth.spec.secretTargetRef).toEqual([{ parameter: "password", name: "workers-env", key: "REDIS_PASSWORD" }]);
  });

  it("gives the service account an IRSA role limited to the given buckets and keys", () => {
    const policy = JSON.parse(find(resources, "aws:iam/rolePolicy:RolePolicy", "workers-irsa-buckets").inputs.policy);
    const resourcesOf = policy.Statement.flatMap((s: any) => s.Resource);
    expect(resourcesOf).toEqual(["arn:aws:s3:::uploads", "arn:aws:s3:::uploads/*", "arn:aws:kms:us-east-1:123456789012:key/k"]);
    const trust = JSON.parse(find(resources, "aws:iam/role:Role", "workers-irsa").inputs.assumeRolePolicy);
    expect(trust.Statement[0].Condition.StringEquals["oidc.eks.us-east-1.amazonaws.com/id/X:sub"]).toBe("system:serviceaccount:workers:workers");
    const sa = find(resources, "kubernetes:core/v1:ServiceAccount", "workers-sa").inputs;
    expect(sa.metadata.annotations["eks.amazonaws.com/role-arn"]).toMatch(/^arn:aws:iam:/);
  });

  it("has a PDB and a restricted namespace, and every object validates against the official schemas", async () => {
    expect(find(resources, "kubernetes:policy/v1:PodDisruptionBudget", "workers-pdb").inputs.spec.selector.matchLabels).toEqual({ "app.kubernetes.io/name": "workers", "app.kubernetes.io/instance": "workers" });
    expect(find(resources, "kubernetes:core/v1:Namespace", "workers-namespace").inputs.metadata.labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    expect(await k8sSchemaProblems(resources)).toEqual([]);
  });
});

describe("WorkerFleet (single-node Redis)", () => {
  it("uses the redis scaler with one address", async () => {
    const { resources } = await build(baseArgs({ redis: { host: "master.redis.example", port: 6379, clusterMode: false, tls: true }, bucketAccess: undefined }));
    const so = find(resources, "kubernetes:keda.sh/v1alpha1:ScaledObject", "workers-scaler").inputs;
    expect(new Set(so.spec.triggers.map((t: any) => t.type))).toEqual(new Set(["redis"]));
    expect(so.spec.triggers[0].metadata.address).toBe("master.redis.example:6379");
    expect(resources.filter((r) => r.type.startsWith("aws:iam/"))).toEqual([]);
  });

  it("rejects bad input with the arg, value and what is allowed", async () => {
    await expect(build(baseArgs({ image: "ghcr.io/finishthisidea/worker:latest" }))).rejects.toThrow(/image "ghcr.io\/finishthisidea\/worker:latest" is not pinned/);
    await expect(build(baseArgs({ secretEnv: { DATABASE_URL: "x" } }))).rejects.toThrow(/secretEnv has no REDIS_PASSWORD/);
    await expect(build(baseArgs({ replicas: { min: 10, max: 5 } }))).rejects.toThrow(/1 <= min <= max; got \{"min":10,"max":5\}/);
    await expect(build(baseArgs({ queues: [] }))).rejects.toThrow(/queues is empty/);
    await expect(build(baseArgs({ fallbackReplicas: 1 }))).rejects.toThrow(/fallbackReplicas must be an integer between replicas.min \(100\)/);
  });

  it("builds keys with the hash tag per queue", () => {
    expect(queueKey("bull", "cleanup", "wait")).toBe("bull:{cleanup}:wait");
  });
});
