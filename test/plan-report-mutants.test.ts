/**
 * tools/plan-report.ts over small hand-made inputs (a config with only the fields it reads, a few resources, fixed
 * cost, policy and rehearsal objects) with literal expected output (issue 19). Pure and fast: no program run;
 * test/plan-reports.test.ts covers the real staging and prod plans.
 */
import { describe, expect, it } from "vitest";
import type { PlatformConfig } from "../infra/config";
import { buildPlanReport, keySizes, maskSecrets, planFails, renderPlanText, renderPolicyResults, SECRET_MASK, type PlanReport } from "../tools/plan-report";
import type { PolicyReport } from "../tools/policy-run";
import type { ProgramRun, RegisteredResource } from "../tools/program";

/** The preset fields keySizes reads (the rest of a TierPreset is not needed here). */
const PRESET = {
  api: { instanceType: "m6i.large", replicas: { min: 2, max: 10 }, nodes: { min: 3, max: 6 } },
  workers: { spotInstanceTypes: ["c6i.large", "c5.large"], replicas: { min: 1, max: 20 }, nodes: { min: 0, max: 8 } },
  gpu: { instanceType: "g5.xlarge", gpuType: "A10G", ollamaReplicas: 2 },
  database: { instanceClass: "db.r6g.large", multiAz: true, inRegionReplicas: 2, replicaRegions: ["us-west-2"] },
  redis: { nodeType: "cache.r6g.large", clusterMode: true, shards: 3, replicasPerShard: 2 },
  storage: { replicaRegions: ["us-west-2", "eu-west-1"] },
  network: { natGateways: 3 },
  monthlyBudgetUsd: 5000,
  load: { peakJobsPerHour: 1000 },
};

const SMALL = {
  ...PRESET,
  database: { instanceClass: "db.t4g.medium", multiAz: false, inRegionReplicas: 0, replicaRegions: [] },
  redis: { nodeType: "cache.t4g.small", clusterMode: false, shards: 1, replicasPerShard: 0 },
  storage: { replicaRegions: [] },
};

const config = (preset: object = PRESET, over: object = {}): PlatformConfig =>
  ({
    project: "fti",
    stack: "qa",
    tier: "growth",
    environment: "staging",
    primaryRegion: "us-east-1",
    waf: { enabled: false },
    secrets: {},
    preset,
    ...over,
  }) as unknown as PlatformConfig;

const resource = (over: Partial<RegisteredResource> & Pick<RegisteredResource, "type" | "name">): RegisteredResource => ({
  urn: `urn:pulumi:qa::fti::${over.type}::${over.name}`,
  custom: !over.type.startsWith("finishthisidea:"),
  inputs: {},
  secretInputs: [],
  options: { protect: false, aliases: [], dependsOn: [], ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false },
  ...over,
});

describe("keySizes", () => {
  it("lists the tier's key sizes in reading order", () => {
    expect(Object.entries(keySizes(config()))).toEqual([
      ["api instance type", "m6i.large"],
      ["api replicas (HPA)", "2-10"],
      ["api nodes", "3-6"],
      ["worker instance types (SPOT)", "c6i.large, c5.large"],
      ["worker replicas (KEDA)", "1-20"],
      ["worker nodes", "0-8"],
      ["gpu instance type", "g5.xlarge (A10G)"],
      ["ollama replicas", 2],
      ["database class", "db.r6g.large Multi-AZ"],
      ["database replicas", "us-east-1, us-east-1, us-west-2"],
      ["redis", "cache.r6g.large cluster mode 3 shards x 2 replicas"],
      ["bucket regions", "us-east-1, us-west-2, eu-west-1"],
      ["nat gateways", 3],
      ["monthly budget (USD)", 5000],
    ]);
  });

  it("says single-AZ, no replicas, single node and one bucket region for a small tier", () => {
    expect(keySizes(config(SMALL))).toMatchObject({
      "database class": "db.t4g.medium",
      "database replicas": "none",
      redis: "cache.t4g.small single node",
      "bucket regions": "us-east-1",
    });
    expect(keySizes(config({ ...SMALL, database: { ...SMALL.database, inRegionReplicas: 1 } }))["database replicas"]).toBe("us-east-1");
    expect(keySizes(config({ ...SMALL, database: { ...SMALL.database, replicaRegions: ["us-west-2"] } }))["database replicas"]).toBe("us-west-2");
  });
});

describe("maskSecrets", () => {
  it("masks every secret input path, nested or top-level, in a copy", () => {
    const r = resource({
      type: "kubernetes:core/v1:Secret",
      name: "s",
      inputs: { metadata: { name: "s" }, stringData: { DATABASE_URL: "postgres://u:pw@h/db", HOST: "h" }, token: "t0k", deep: { a: { b: "x", c: "y" } } },
      secretInputs: ["stringData.DATABASE_URL", "token", "deep.a.b"],
    });
    const before = structuredClone(r);
    const masked = maskSecrets(r);
    expect(SECRET_MASK).toBe("[secret]");
    expect(masked).toEqual({
      ...before,
      inputs: { metadata: { name: "s" }, stringData: { DATABASE_URL: "[secret]", HOST: "h" }, token: "[secret]", deep: { a: { b: "[secret]", c: "y" } } },
    });
    expect(r).toEqual(before);
  });

  it("adds nothing for a secret path that is absent, however deep the missing part", () => {
    const r = resource({
      type: "kubernetes:core/v1:Secret",
      name: "s",
      inputs: { data: {}, nothing: null },
      secretInputs: ["data.password", "missing.key", "missing.deeper.key", "nothing.key", "nothing.deeper.key", "absent"],
    });
    expect(maskSecrets(r).inputs).toEqual({ data: {}, nothing: null });
  });

  it("returns a resource without secret inputs as it is, without copying it", () => {
    const r = resource({ type: "aws:s3/bucket:Bucket", name: "b", inputs: { bucket: "b" } });
    expect(maskSecrets(r)).toBe(r);
  });
});

const POLICY: PolicyReport = {
  pack: "guardrails",
  configSource: "policy/config/x.json",
  rules: [{ name: "rule-a", level: "mandatory" }, { name: "rule-b", level: "advisory" }],
  violations: [
    { policy: "rule-a", level: "mandatory", resource: "bucket-1", message: "is public" } as PolicyReport["violations"][number],
    { policy: "rule-b", level: "advisory", message: "stack lacks a tag" } as PolicyReport["violations"][number],
  ],
  mandatoryViolations: 1,
  advisoryViolations: 1,
};
const CLEAN: PolicyReport = { ...POLICY, violations: [], mandatoryViolations: 0, advisoryViolations: 0 };

describe("planFails", () => {
  const rehearsal = (failures: number) => ({ rules: [], checks: 3, failures: Array(failures).fill({ resource: "r", problem: "p", fix: "f" }), assumptions: {} });

  it("fails on a mandatory violation or a rehearsal failure, not on advisory findings", () => {
    expect(planFails({ policy: CLEAN, rehearsal: rehearsal(0) })).toBe(false);
    expect(planFails({ policy: { ...CLEAN, advisoryViolations: 3 }, rehearsal: rehearsal(0) })).toBe(false);
    expect(planFails({ policy: { ...CLEAN, mandatoryViolations: 1 }, rehearsal: rehearsal(0) })).toBe(true);
    expect(planFails({ policy: CLEAN, rehearsal: rehearsal(1) })).toBe(true);
    expect(planFails({ policy: { ...CLEAN, mandatoryViolations: 2 }, rehearsal: rehearsal(2) })).toBe(true);
  });
});

describe("renderPolicyResults", () => {
  it("prints one line per violation, (stack) for a stack-level one, then the counts", () => {
    expect(renderPolicyResults(POLICY)).toEqual([
      "Policy pack guardrails (2 rules, levels from policy/config/x.json):",
      "  [mandatory] rule-a bucket-1: is public",
      "  [advisory] rule-b (stack): stack lacks a tag",
      "1 mandatory violations, 1 advisory",
    ]);
  });

  it("says so when there is no violation", () => {
    expect(renderPolicyResults(CLEAN)).toEqual([
      "Policy pack guardrails (2 rules, levels from policy/config/x.json):",
      "  no violations",
      "0 mandatory violations, 0 advisory",
    ]);
  });
});

describe("renderPlanText", () => {
  const plan = {
    project: "fti",
    stack: "qa",
    tier: "growth",
    primaryRegion: "us-east-1",
    sizes: { "a": "x", "longer key": 3 },
    resourceCount: 17,
    components: [
      { name: "platform", type: "finishthisidea:index:Platform", counts: { "pulumi:providers:aws": 1 }, total: 1 },
      { name: "net", type: "finishthisidea:network:Network", parent: "platform", counts: { "aws:ec2/vpc:Vpc": 1, "aws:ec2/subnet:Subnet": 12 }, total: 13 },
      { name: "nat", type: "finishthisidea:network:Nat", parent: "net", counts: { "aws:ec2/natGateway:NatGateway": 2 }, total: 2 },
      { name: "db", type: "finishthisidea:data:Database", parent: "platform", counts: {}, total: 0 },
      { name: "orphan", type: "finishthisidea:x:Orphan", parent: "gone", counts: { "aws:s3/bucket:Bucket": 1 }, total: 1 },
      { name: "tools", type: "finishthisidea:index:Tools", counts: { "random:index/randomPassword:RandomPassword": 1 }, total: 1 },
    ],
    resources: [],
    cost: { hoursPerMonth: 730, baseline: "the baseline", lines: [], unpriced: [], byComponent: {}, totalUsd: 50, budgetUsd: 200 },
    policy: CLEAN,
    rehearsal: { rules: [], checks: 0, failures: [], assumptions: { peak: 1 } },
  } as PlanReport;

  it("prints the header, the aligned key sizes, the component tree with sorted counts, then cost, policy, rehearsal", () => {
    expect(renderPlanText(plan)).toBe(
      [
        "Plan for fti/qa (tier growth, us-east-1): 17 resources",
        "",
        "Key sizes:",
        "  a           x",
        "  longer key  3",
        "",
        "Resources by component:",
        "  platform (finishthisidea:index:Platform): 1 resources",
        "      1 x pulumi:providers:aws",
        "    net (finishthisidea:network:Network): 13 resources",
        "       12 x aws:ec2/subnet:Subnet",
        "        1 x aws:ec2/vpc:Vpc",
        "      nat (finishthisidea:network:Nat): 2 resources",
        "          2 x aws:ec2/natGateway:NatGateway",
        "    db (finishthisidea:data:Database): 0 resources",
        "  tools (finishthisidea:index:Tools): 1 resources",
        "      1 x random:index/randomPassword:RandomPassword",
        "",
        "Estimated monthly cost (the baseline):",
        "  total: $50.00 of a $200.00 budget (25%)",
        "",
        "Policy pack guardrails (2 rules, levels from policy/config/x.json):",
        "  no violations",
        "0 mandatory violations, 0 advisory",
        "",
        "Rehearsal (0 checks, 0 failures):",
        "  assumptions: peak=1",
      ].join("\n"),
    );
  });
});

describe("buildPlanReport", () => {
  const run = {
    config: config(),
    outputs: {},
    resources: [
      resource({ type: "finishthisidea:index:Platform", name: "platform", component: "platform" }),
      resource({ type: "pulumi:providers:aws", name: "aws", parent: "platform", component: "platform" }),
      resource({ type: "finishthisidea:network:Network", name: "net", parent: "platform", component: "net" }),
      resource({ type: "aws:ec2/subnet:Subnet", name: "net-a", parent: "net", component: "net" }),
      resource({ type: "aws:ec2/subnet:Subnet", name: "net-b", parent: "net", component: "net" }),
      resource({ type: "aws:ec2/subnet:Subnet", name: "net-c", parent: "net", component: "net" }),
      resource({ type: "aws:ec2/vpc:Vpc", name: "net-vpc", parent: "net", component: "net" }),
      resource({ type: "finishthisidea:data:Database", name: "db", parent: "platform", component: "db" }),
      resource({
        type: "kubernetes:core/v1:Secret",
        name: "loose",
        inputs: { stringData: { PASSWORD: "pw" } },
        secretInputs: ["stringData.PASSWORD"],
      }),
    ],
  } as unknown as ProgramRun;
  // Built inside each test, not while the file is collected: Stryker activates a mutant for the tests that reach it.
  const plan = () => buildPlanReport(run);

  it("names the stack and its tier and sizes", () => {
    const p = plan();
    expect([p.project, p.stack, p.tier, p.primaryRegion]).toEqual(["fti", "qa", "growth", "us-east-1"]);
    expect(p.sizes["api replicas (HPA)"]).toBe("2-10");
  });

  it("counts only real resources, each in its own component, by type", () => {
    const p = plan();
    expect(p.resourceCount).toBe(6);
    expect(p.components).toEqual([
      { name: "platform", type: "finishthisidea:index:Platform", parent: undefined, counts: { "pulumi:providers:aws": 1 }, total: 1 },
      { name: "net", type: "finishthisidea:network:Network", parent: "platform", counts: { "aws:ec2/subnet:Subnet": 3, "aws:ec2/vpc:Vpc": 1 }, total: 4 },
      { name: "db", type: "finishthisidea:data:Database", parent: "platform", counts: {}, total: 0 },
    ]);
  });

  it("keeps every resource, secrets masked", () => {
    const p = plan();
    expect(p.resources.map((r) => r.name)).toEqual(["platform", "aws", "net", "net-a", "net-b", "net-c", "net-vpc", "db", "loose"]);
    expect(p.resources[8].inputs).toEqual({ stringData: { PASSWORD: "[secret]" } });
  });

  it("prices the resources against the tier's budget, and applies the stack's environment and WAF policy settings", () => {
    const p = plan();
    expect(p.cost.budgetUsd).toBe(5000);
    expect(p.cost.hoursPerMonth).toBe(730);
    expect(p.policy.configSource).toBe("policy/config/environments/staging.json + finishthisidea:waf.enabled (false)");
    expect(p.rehearsal.assumptions.peakJobsPerHour).toBe(1000);
  });
});
