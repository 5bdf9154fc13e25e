import * as aws from "@pulumi/aws";
import { beforeAll, describe, expect, it } from "vitest";
import { NODE_POOLS } from "../components/cluster/cluster";
import { ALB_SETTINGS, ApiTier, apiHpaSpec, UNAVAILABLE_RESPONSE, type ApiTierArgs } from "../components/k8s/api-tier";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";
import { k8sSchemaProblems } from "./k8s-schema";

const baseArgs = (over: Partial<ApiTierArgs> = {}): ApiTierArgs => ({
  image: "ghcr.io/finishthisidea/api:1.4.1",
  replicas: { min: 20, max: 50 },
  env: { NODE_ENV: "production" },
  secretEnv: { DATABASE_URL: "postgresql://app:s3cret@pgbouncer.pgbouncer.svc.cluster.local:6432/app", REDIS_PASSWORD: "redis-token" },
  bucketAccess: {
    oidc: { providerArn: "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X", issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/X" },
    bucketArns: ["arn:aws:s3:::uploads-use1", "arn:aws:s3:::uploads-usw2"],
    kmsKeyArns: ["arn:aws:kms:us-east-1:123456789012:key/a", "arn:aws:kms:us-west-2:123456789012:key/b"],
  },
  ingress: { host: "api.finishthisidea.com", certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c" },
  ...over,
});

function build(args: ApiTierArgs) {
  return runComponent((parent) => {
    const provider = new aws.Provider("aws", { region: "us-east-1" }, { parent });
    return new ApiTier("api", args, { parent, providers: [provider] });
  });
}

describe("apiHpaSpec", () => {
  it("is the scaling plan's HPA with the tier's bounds", () => {
    expect(apiHpaSpec("api", 20, 50)).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "api" },
      minReplicas: 20,
      maxReplicas: 50,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } },
        { type: "Resource", resource: { name: "memory", target: { type: "Utilization", averageUtilization: 80 } } },
        { type: "Pods", pods: { metric: { name: "http_requests_per_second" }, target: { type: "AverageValue", averageValue: "1000" } } },
      ],
      behavior: {
        scaleUp: {
          stabilizationWindowSeconds: 60,
          selectPolicy: "Max",
          policies: [{ type: "Percent", value: 100, periodSeconds: 60 }, { type: "Pods", value: 5, periodSeconds: 60 }],
        },
        scaleDown: { stabilizationWindowSeconds: 300, policies: [{ type: "Percent", value: 10, periodSeconds: 60 }] },
      },
    });
  });
});

describe("ApiTier", () => {
  let resources: RegisteredResource[];
  let api: ApiTier;
  beforeAll(async () => {
    ({ resources, result: api } = await build(baseArgs()));
  });

  it("registers the HPA with the tier's min/max on the Deployment", () => {
    const hpa = find(resources, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "api-hpa").inputs;
    expect(hpa.spec).toEqual(apiHpaSpec("api", 20, 50));
    expect(hpa.metadata.namespace).toBe("api");
  });

  it("runs on the on-demand pool, spread across zones, probed, hardened, draining gracefully", () => {
    const d = find(resources, "kubernetes:apps/v1:Deployment", "api-deployment");
    const pod = d.inputs.spec.template.spec;
    expect(pod.nodeSelector).toEqual(NODE_POOLS.system.labels);
    expect(pod.tolerations).toBeUndefined();
    expect(pod.topologySpreadConstraints[0]).toMatchObject({ topologyKey: "topology.kubernetes.io/zone", maxSkew: 1, whenUnsatisfiable: "DoNotSchedule" });
    expect(pod.terminationGracePeriodSeconds).toBe(60);
    expect(pod.serviceAccountName).toBe("api");
    const c = pod.containers[0];
    expect(c.image).toBe("ghcr.io/finishthisidea/api:1.4.1");
    expect(c.readinessProbe.httpGet).toEqual({ path: "/ready", port: "http" });
    expect(c.livenessProbe.httpGet).toEqual({ path: "/health", port: "http" });
    expect(c.resources).toEqual({ requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } });
    expect(c.securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(c.lifecycle.preStop).toEqual({ sleep: { seconds: 20 } });
    expect(d.inputs.spec.replicas).toBe(20);
    expect(d.options.ignoreChanges).toEqual(["spec.replicas"]);
  });

  it("keeps credentials in a Secret read through envFrom", () => {
    const secret = find(resources, "kubernetes:core/v1:Secret", "api-env");
    expect(secret.secretInputs).toEqual(["stringData"]);
    const c = find(resources, "kubernetes:apps/v1:Deployment", "api-deployment").inputs.spec.template.spec.containers[0];
    expect(c.envFrom).toEqual([{ secretRef: { name: "api-env" } }]);
    expect(JSON.stringify(c.env)).not.toMatch(/s3cret|redis-token/);
  });

  it("gives its ServiceAccount an IRSA role scoped to the platform's buckets and their keys", () => {
    const policy = JSON.parse(find(resources, "aws:iam/rolePolicy:RolePolicy", "api-irsa-buckets").inputs.policy);
    expect(policy.Statement.map((s: any) => s.Resource)).toEqual([
      ["arn:aws:s3:::uploads-use1", "arn:aws:s3:::uploads-usw2"],
      ["arn:aws:s3:::uploads-use1/*", "arn:aws:s3:::uploads-usw2/*"],
      ["arn:aws:kms:us-east-1:123456789012:key/a", "arn:aws:kms:us-west-2:123456789012:key/b"],
    ]);
    expect(JSON.stringify(policy)).not.toContain('"*"');
    const trust = JSON.parse(find(resources, "aws:iam/role:Role", "api-irsa").inputs.assumeRolePolicy);
    expect(trust.Statement[0].Condition.StringEquals["oidc.eks.us-east-1.amazonaws.com/id/X:sub"]).toBe("system:serviceaccount:api:api");
    expect(find(resources, "kubernetes:core/v1:ServiceAccount", "api-sa").inputs.metadata.annotations["eks.amazonaws.com/role-arn"]).toMatch(/api-irsa/);
  });

  it("maps the plan's nginx upstream onto the ALB ingress", () => {
    const ing = find(resources, "kubernetes:networking.k8s.io/v1:Ingress", "api-ingress").inputs;
    const a = ing.metadata.annotations;
    expect(ing.spec.ingressClassName).toBe("alb");
    expect(a["alb.ingress.kubernetes.io/target-group-attributes"]).toContain("load_balancing.algorithm.type=least_outstanding_requests");
    expect(a["alb.ingress.kubernetes.io/healthcheck-interval-seconds"]).toBe("5");
    expect(a["alb.ingress.kubernetes.io/unhealthy-threshold-count"]).toBe("3");
    expect(a["alb.ingress.kubernetes.io/healthy-threshold-count"]).toBe("2");
    expect(a["alb.ingress.kubernetes.io/healthcheck-path"]).toBe("/ready");
    expect(a["alb.ingress.kubernetes.io/load-balancer-attributes"]).toContain("idle_timeout.timeout_seconds=60");
    expect(JSON.parse(a["alb.ingress.kubernetes.io/listen-ports"])).toEqual([{ HTTP: 80 }, { HTTPS: 443 }]);
    expect(a["alb.ingress.kubernetes.io/ssl-redirect"]).toBe("443");
    expect(a["alb.ingress.kubernetes.io/certificate-arn"]).toBe("arn:aws:acm:us-east-1:123456789012:certificate/c");
    expect(Number(a["alb.ingress.kubernetes.io/healthcheck-timeout-seconds"])).toBeLessThan(ALB_SETTINGS.healthCheckIntervalSeconds);
    expect(ing.spec.rules).toEqual([{ host: "api.finishthisidea.com", http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "api", port: { name: "http" } } } }] } }]);
  });

  it("answers a JSON 503 with retry_after 30 from the fixed-response fallback", () => {
    const ing = find(resources, "kubernetes:networking.k8s.io/v1:Ingress", "api-ingress").inputs;
    const action = JSON.parse(ing.metadata.annotations["alb.ingress.kubernetes.io/actions.unavailable"]);
    expect(action.type).toBe("fixed-response");
    expect(action.fixedResponseConfig.statusCode).toBe("503");
    expect(action.fixedResponseConfig.contentType).toBe("application/json");
    expect(JSON.parse(action.fixedResponseConfig.messageBody)).toEqual({ error: "Service temporarily unavailable", retry_after: 30 });
    expect(UNAVAILABLE_RESPONSE.retryAfterSeconds).toBe(30);
    expect(ing.spec.defaultBackend).toEqual({ service: { name: "unavailable", port: { name: "use-annotation" } } });
  });

  it("has a PDB and a Service, exposes typed outputs, and validates against the official schemas", async () => {
    expect(find(resources, "kubernetes:policy/v1:PodDisruptionBudget", "api-pdb").inputs.spec).toEqual({ maxUnavailable: "10%", selector: { matchLabels: api.podLabels } });
    expect(find(resources, "kubernetes:core/v1:Service", "api-service").inputs.spec.ports).toEqual([{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }]);
    expect(api.namespace).toBe("api");
    expect(api.podLabels).toEqual({ "app.kubernetes.io/name": "api", "app.kubernetes.io/instance": "api" });
    expect(await k8sSchemaProblems(resources)).toEqual([]);
  });
});

describe("ApiTier options", () => {
  it("requests a DNS-validated certificate when none is given, and routes everything to the 503 in maintenance", async () => {
    const { resources } = await build(baseArgs({ ingress: { host: "api.example.com", maintenance: true }, bucketAccess: undefined }));
    expect(find(resources, "aws:acm/certificate:Certificate", "api-certificate").inputs).toMatchObject({ domainName: "api.example.com", validationMethod: "DNS" });
    const ing = find(resources, "kubernetes:networking.k8s.io/v1:Ingress", "api-ingress").inputs;
    expect(ing.spec.rules[0].http.paths[0].backend).toEqual({ service: { name: "unavailable", port: { name: "use-annotation" } } });
    expect(ing.metadata.annotations["alb.ingress.kubernetes.io/certificate-arn"]).toMatch(/^arn:aws:acm:/);
    // Without OIDC: no role, no annotation.
    expect(resources.filter((r) => r.type.startsWith("aws:iam/"))).toEqual([]);
    expect(find(resources, "kubernetes:core/v1:ServiceAccount", "api-sa").inputs.metadata.annotations).toEqual({});
  });

  it("rejects bad input naming the arg and value", async () => {
    await expect(build(baseArgs({ image: "ghcr.io/finishthisidea/api" }))).rejects.toThrow(/image "ghcr.io\/finishthisidea\/api" is not pinned/);
    await expect(build(baseArgs({ replicas: { min: 0, max: 5 } }))).rejects.toThrow(/replicas must be integers with 1 <= min <= max; got \{"min":0,"max":5\}/);
    await expect(build(baseArgs({ preStopSeconds: 60 }))).rejects.toThrow(/terminationGracePeriodSeconds \(60\) must exceed preStopSeconds \(60\)/);
    await expect(build(baseArgs({ secretEnv: { "database-url": "x" } }))).rejects.toThrow(/secretEnv has invalid env names \["database-url"\]/);
    await expect(build(baseArgs({ ingress: { host: "api.example.com", loadBalancerName: "a-name-much-longer-than-thirty-two-chars" } }))).rejects.toThrow(/ingress.loadBalancerName "a-name-much-longer-than-thirty-two-chars" must be 1-32 letters/);
  });
});

describe("feature flags", () => {
  it("publishes them in a ConfigMap the API reads through envFrom, and a change rolls the pods", async () => {
    const deploymentWith = async (flags: Record<string, string>) => {
      const { resources } = await build(baseArgs({ featureFlags: flags }));
      const cm = find(resources, "kubernetes:core/v1:ConfigMap", "api-feature-flags").inputs;
      const template = find(resources, "kubernetes:apps/v1:Deployment", "api-deployment").inputs.spec.template;
      return { cm, template };
    };
    const off = await deploymentWith({ FEATURE_ANALYTICS: "enabled" });
    const on = await deploymentWith({ FEATURE_ANALYTICS: "disabled" });
    expect(on.cm.data).toEqual({ FEATURE_ANALYTICS: "disabled" });
    expect(on.template.spec.containers[0].envFrom).toContainEqual({ configMapRef: { name: "api-feature-flags" } });
    expect(on.template.metadata.annotations["checksum/feature-flags"]).toMatch(/^[0-9a-f]{64}$/);
    expect(on.template.metadata.annotations["checksum/feature-flags"]).not.toBe(off.template.metadata.annotations["checksum/feature-flags"]);
  });
});
