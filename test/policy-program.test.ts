import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { validateResourceOfType, type ResourceValidationPolicy } from "@pulumi/policy";
import { beforeAll, describe, expect, it } from "vitest";
import { TIER_NAMES, type TierName } from "../infra/tiers";
import { ALL_RULES } from "../policy/rules";
import { K } from "../policy/kubernetes";
import { T } from "../policy/security";
import { main as planMain } from "../tools/plan";
import { buildPlanReport, renderPlanText } from "../tools/plan-report";
import { loadPolicyConfig, runPolicies, runPoliciesForStack, type PolicyReport } from "../tools/policy-run";
import type { RegisteredResource } from "../tools/program";
import { named, runCommand, runStackFile, runTier, type ProgramRun } from "./harness";
import { fakeRegistered } from "./policy-args";

/** The environment a tier is deployed as: staging runs mvp, every larger tier is production. */
const envOf = (tier: TierName) => (tier === "mvp" ? "staging" : "production");
const mandatory = (r: PolicyReport) => r.violations.filter((v) => v.level === "mandatory").map((v) => `${v.policy} ${v.resource ?? "(stack)"}: ${v.message}`);

describe.each(TIER_NAMES)("the real program, tier %s", (tier) => {
  it("passes every mandatory rule of the pack (with its environment's pack config)", async () => {
    const run = await runTier(tier, {}, { preview: false });
    const { config } = loadPolicyConfig(`test-${tier}`, { environment: envOf(tier), wafEnabled: false });
    const report = runPolicies(run.resources, { config });
    expect(report.rules).toHaveLength(ALL_RULES.length);
    expect(mandatory(report)).toEqual([]);
    // A rule that throws is reported, never silently passed.
    expect(report.violations.filter((v) => v.message.startsWith("rule failed"))).toEqual([]);
  });
});

/** A deep copy of a run's resources, to mutate in a test. */
const cloneResources = (run: ProgramRun): RegisteredResource[] => structuredClone(run.resources);

describe("the issue's 'done when' checks on a test program", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStackFile("prod", { preview: false });
  });

  it("the unmodified prod program has no mandatory violation", () => {
    expect(mandatory(runPoliciesForStack(run.resources, "prod"))).toEqual([]);
  });

  it("catches the worker node group switched to ON_DEMAND", () => {
    const resources = cloneResources(run);
    const workers = resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name === "cluster-workers")!;
    workers.inputs.capacityType = "ON_DEMAND";
    expect(mandatory(runPoliciesForStack(resources, "prod"))).toEqual([
      'cost-worker-capacity-spot cluster-workers: cluster-workers: worker node group runs ON_DEMAND capacity; worker capacity must be SPOT (capacityType: "SPOT") over a diversified instance list.',
    ]);
  });

  it("catches a bucket made public", () => {
    const resources = cloneResources(run);
    let pab = resources.find((r) => r.type === T.publicAccessBlock);
    if (!pab) {
      // Until the storage component lands, a guarded bucket is added beside the program's resources.
      const fake = fakeRegistered([
        { type: T.bucket, name: "test-bucket", props: { bucket: "fti-test" } },
        { type: T.publicAccessBlock, name: "test-bucket-public-access", props: { bucket: "test-bucket-id", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true } },
      ]);
      resources.push(...fake);
      pab = fake.find((r) => r.type === T.publicAccessBlock)!;
    }
    pab.inputs.blockPublicPolicy = false;
    pab.inputs.restrictPublicBuckets = false;
    const found = runPoliciesForStack(resources, "prod").violations.filter((v) => v.policy === "s3-public-access-block");
    expect(found).toEqual([expect.objectContaining({
      level: "mandatory",
      resource: pab.name,
      message: expect.stringMatching(/is publicly accessible: its public access block .* does not set blockPublicPolicy, restrictPublicBuckets to true/),
    })]);
  });

  it("catches a privileged container", () => {
    const resources = cloneResources(run);
    let workload = resources.find((r) => r.type === K.deployment || r.type === K.statefulSet);
    if (!workload) {
      const [, dep] = fakeRegistered([{ type: K.deployment, name: "test-api", component: "api", props: { spec: { template: { spec: { containers: [{ name: "api", image: "ghcr.io/x/api:1.0.0" }] } } } } }]);
      resources.push(dep);
      workload = dep;
    }
    const container = workload.inputs.spec.template.spec.containers[0];
    container.securityContext = { ...(container.securityContext ?? {}), privileged: true };
    const found = runPoliciesForStack(resources, "prod").violations.filter((v) => v.policy === "k8s-no-privileged");
    expect(found).toEqual([{
      policy: "k8s-no-privileged",
      level: "mandatory",
      resource: workload.name,
      type: workload.type,
      message: `${workload.name}: container ${container.name} is privileged (securityContext.privileged: true); privileged containers own the node.`,
    }]);
  });
});

describe("the depth classes on the real prod program", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStackFile("prod", { preview: false });
  });
  /** The mandatory violations of one rule after a change to a copy of the program's resources. */
  const after = (rule: string, change: (resources: RegisteredResource[]) => void) => {
    const resources = cloneResources(run);
    change(resources);
    return runPoliciesForStack(resources, "prod").violations.filter((v) => v.policy === rule && v.level === "mandatory").map((v) => v.resource);
  };
  const one = (resources: RegisteredResource[], type: string) => resources.find((r) => r.type === type)!;

  it("a live key under an innocent env name in the API", () => {
    expect(after("k8s-secrets-not-in-plaintext", (rs) => {
      const api = rs.find((r) => r.type === K.deployment && r.name.startsWith("api"))!;
      api.inputs.spec.template.spec.containers[0].env.push({ name: "FEATURE_BACKEND", value: "sk_live_51Habcdefghijklmnop1234" });
    })).toEqual(["api-deployment"]);
  });

  it("an evicting maxmemory-policy on the Redis parameter group", () => {
    expect(after("redis-noeviction", (rs) => {
      one(rs, "aws:elasticache/parameterGroup:ParameterGroup").inputs.parameters[0].value = "allkeys-lru";
    })).toEqual(["redis-params"]);
  });

  it("the node launch template's disk unencrypted, and a single-AZ primary on growth", () => {
    expect(after("ebs-encrypted", (rs) => {
      delete one(rs, T.launchTemplate).inputs.blockDeviceMappings[0].ebs.encrypted;
    })).toEqual(["cluster-nodes"]);
    expect(after("rds-multi-az-per-tier", (rs) => {
      rs.find((r) => r.type === T.rdsInstance && r.name === "database-primary")!.inputs.multiAz = false;
    })).toEqual(["database-primary"]);
  });

  it("the distribution without its web ACL while prod enables the WAF", () => {
    expect(after("cloudfront-waf", (rs) => {
      delete one(rs, "aws:cloudfront/distribution:Distribution").inputs.webAclId;
    })).toEqual(["cdn-distribution"]);
  });
});

describe("in-process runner", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    run = await runStackFile("staging");
  });

  it("builds the engine's args: isType for the SDK's typed helpers, notApplicable, provider, stackTags, getConfig", () => {
    const seen: string[] = [];
    const typed: ResourceValidationPolicy = {
      name: "typed",
      description: "uses validateResourceOfType, which calls args.notApplicable on other types",
      validateResource: validateResourceOfType(aws.eks.NodeGroup, (ng, args, report) => {
        seen.push(`${args.name} ${args.provider?.name} ${args.stackTags.size} ${JSON.stringify(args.getConfig())} ${args.opts.parent?.split("::").pop()}`);
        if (ng.capacityType === "SPOT") report(`${args.name} is spot`);
      }),
    };
    const report = runPolicies(run.resources, { rules: [typed], config: { typed: { enforcementLevel: "advisory", limit: 3 } } });
    expect(seen).toEqual(["cluster-system", "cluster-workers", "cluster-gpu"].map((n) => `${n} aws-cluster-us-east-1 0 {"limit":3} cluster`));
    expect(report.violations).toEqual([{ policy: "typed", level: "advisory", resource: "cluster-workers", type: "aws:eks/nodeGroup:NodeGroup", message: "cluster-workers is spot" }]);
    expect(report.mandatoryViolations).toBe(0);
    expect(report.advisoryViolations).toBe(1);
  });

  it("takes enforcement levels from the stack's environment: the budget is advisory on staging, mandatory on prod, and a disabled rule does not run", () => {
    const levels = (stack: string) => Object.fromEntries(runPoliciesForStack([], stack).rules.map((r) => [r.name, r.level]));
    expect(levels("staging")["cost-monthly-budget"]).toBe("advisory");
    expect(levels("staging")["rds-deletion-protection"]).toBe("advisory");
    expect(levels("prod")["cost-monthly-budget"]).toBe("mandatory");
    expect(levels("prod")["rds-deletion-protection"]).toBe("mandatory");
    const resources = structuredClone(run.resources);
    named({ ...run, resources }, "aws:eks/nodeGroup:NodeGroup", "cluster-workers").inputs.capacityType = "ON_DEMAND";
    const staging = loadPolicyConfig("staging").config;
    expect(runPolicies(resources, { config: { ...staging, "cost-worker-capacity-spot": "disabled" } }).violations.filter((v) => v.level === "mandatory")).toEqual([]);
    const spot = runPolicies(resources, { config: { all: "advisory" } }).violations.filter((v) => v.policy === "cost-worker-capacity-spot");
    expect(spot.map((v) => [v.resource, v.level])).toEqual([["cluster-workers", "advisory"]]);
  });

  it("checks that cost tags reach every taggable resource through its provider", () => {
    const resources = structuredClone(run.resources);
    const provider = resources.find((r) => r.name === "aws-network-us-east-1")!;
    provider.inputs.defaultTags = JSON.stringify({ tags: { stack: "staging", component: "network" } });
    const found = runPolicies(resources, { rules: ALL_RULES.filter((r) => r.name === "cost-allocation-tags") }).violations;
    const networkTaggable = resources.filter((r) => r.options.provider === "aws-network-us-east-1" && !r.type.includes("routeTableAssociation"));
    expect(found.map((v) => v.resource).sort()).toEqual(networkTaggable.map((r) => r.name).sort());
    expect(found[0].message).toMatch(/missing cost-allocation tags tier, cost-center; set them as defaultTags on provider aws-network-us-east-1/);
  });
});

describe("the plan", () => {
  it("carries the cost estimate and the policy results in its JSON and prints them, with 0 mandatory violations for prod", async () => {
    const plan = buildPlanReport(await runStackFile("prod"));
    expect(plan.cost.totalUsd).toBeGreaterThan(0);
    expect(plan.cost.budgetUsd).toBe(20_000);
    expect(plan.policy.configSource).toBe("policy/config/environments/production.json + policy/config/prod.json + finishthisidea:waf.enabled (true)");
    expect(plan.policy.mandatoryViolations).toBe(0);
    const json = JSON.parse(JSON.stringify(plan));
    expect(Object.keys(json.cost)).toEqual(["hoursPerMonth", "baseline", "lines", "unpriced", "byComponent", "totalUsd", "budgetUsd"]);
    const text = renderPlanText(plan);
    expect(text).toContain("Estimated monthly cost (node groups at desiredSize");
    expect(text).toMatch(/cluster-workers +\$3,985\.07 +34 x c5\.2xlarge SPOT/);
    expect(text).toContain("\n0 mandatory violations, ");
  });

  it("`npm run plan` exits 1 and prints the violation when a mandatory rule is broken", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "plan-"));
    const file = path.join(dir, "Pulumi.oversized.yaml");
    const prod = fs.readFileSync(path.join(__dirname, "..", "Pulumi.prod.yaml"), "utf8");
    fs.writeFileSync(file, `${prod}\n  finishthisidea:overrides:\n    workers:\n      nodes: { min: 34, max: 400, desired: 34 }\n`);
    const { status, stdout } = await runCommand(planMain, file);
    expect(status).toBe(1);
    expect(stdout).toContain("[mandatory] cost-autoscaler-caps cluster-workers: cluster-workers: maxSize 400 exceeds tier growth's workers node cap 167.");
    expect(stdout).toContain("\n1 mandatory violations, ");
  });
});
