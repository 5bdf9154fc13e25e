/**
 * The plan's reports: `--markdown` (counts by component, cost, policy, a Mermaid diagram drawn from the
 * program's wiring) and `--diff` between two stacks, on the real staging and prod stacks.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { diffPlans, isEmptyDiff, offlinePlan, renderDiffMarkdown, renderDiffText, sizeLeaves, type PlanDiff } from "../tools/plan-diff";
import { main as planMain } from "../tools/plan";
import { architecture, renderMermaid, renderPlanMarkdown } from "../tools/plan-markdown";
import type { ComponentSummary, PlanReport } from "../tools/plan-report";
import type { RegisteredResource } from "../tools/program";
import { runCommand } from "./harness";

const ROOT = path.join(__dirname, "..");

let staging: PlanReport;
let prod: PlanReport;
let diff: PlanDiff;

beforeAll(async () => {
  staging = await offlinePlan("staging");
  prod = await offlinePlan("prod");
  diff = diffPlans(staging, prod);
});

/** The body of the first ```mermaid block. */
function mermaidBlock(md: string): string {
  const m = /```mermaid\n([\s\S]*?)\n```/.exec(md);
  expect(m, "a mermaid block").not.toBeNull();
  return m![1];
}

const nodeId = (name: string) => `c_${name.replace(/[^A-Za-z0-9_]/g, "_")}`;

describe("--markdown", () => {
  it("has a Mermaid flowchart with a node (or group) for every registered component", () => {
    const chart = mermaidBlock(renderPlanMarkdown(prod));
    expect(chart.split("\n")[0]).toBe("flowchart TB");
    const root = prod.components.find((c) => c.parent === undefined)!;
    for (const c of prod.components) {
      if (c.name === root.name) continue;
      expect(chart, c.name).toMatch(new RegExp(`(^|\\s)(subgraph )?${nodeId(c.name)}\\["${c.name}<br/>${c.type.split(":").pop()} · ${c.total} resources"\\]`, "m"));
    }
    expect(prod.components.length).toBeGreaterThan(2);
  });

  it("the diagram is well formed: subgraphs closed, every edge between declared nodes", () => {
    const chart = mermaidBlock(renderPlanMarkdown(prod));
    const lines = chart.split("\n").map((l) => l.trim());
    expect(lines.filter((l) => l.startsWith("subgraph ")).length).toBe(lines.filter((l) => l === "end").length);
    const declared = new Set(lines.map((l) => /^(?:subgraph )?([cl]_\w+)\[/.exec(l)?.[1]).filter(Boolean));
    const edges = lines.filter((l) => l.includes("-->"));
    expect(edges.length).toBeGreaterThan(0);
    for (const e of edges) {
      const m = /^(c_\w+) --> (c_\w+)$/.exec(e) ?? /^(l_\w+) -->\|"[^"]+"\| (l_\w+)$/.exec(e);
      expect(m, e).not.toBeNull();
      expect(declared.has(m![1]) && declared.has(m![2]), e).toBe(true);
    }
  });

  it("groups the components by layer, and labels each pair of layers once", () => {
    const lines = mermaidBlock(renderPlanMarkdown(prod)).split("\n").map((l) => l.trim());
    const layers = lines.filter((l) => l.startsWith("subgraph l_"));
    expect(layers).toEqual([
      'subgraph l_network_cluster["Network and cluster"]',
      'subgraph l_data["Data"]',
      'subgraph l_workloads["Workloads"]',
      'subgraph l_edge["Edge"]',
      'subgraph l_observability["Observability"]',
    ]);
    // Inside "Data": database, redis and storage, never a workload.
    const data = lines.slice(lines.indexOf('subgraph l_data["Data"]'), lines.indexOf('subgraph l_workloads["Workloads"]'));
    expect(data.filter((l) => l.startsWith("c_")).map((l) => l.split("[")[0])).toEqual(["c_database", "c_redis", "c_storage"]);
    const layerEdges = lines.filter((l) => l.startsWith("l_")).map((l) => l.replace(/\|"[^"]*"\|/, ""));
    expect(new Set(layerEdges).size).toBe(layerEdges.length);
    expect(layerEdges).toContain("l_network_cluster --> l_workloads");
    // A label of one edge fits a comment column: at most three kinds and a count.
    for (const l of lines.filter((x) => x.startsWith("l_") && x.includes("|"))) expect(/\|"([^"]*)"\|/.exec(l)![1].split(", ").length).toBeLessThanOrEqual(4);
  });

  it("draws the wiring the program has: the cluster takes the network's subnets", () => {
    const arch = architecture(prod);
    expect(arch.edges).toContainEqual({ from: "network", to: "cluster", via: expect.arrayContaining(["Subnet"]) });
    // No edge from the root (the shared AWS providers) or within a component.
    for (const e of arch.edges) {
      expect(e.from).not.toBe(arch.root);
      expect(e.from).not.toBe(e.to);
    }
  });

  it("resource counts by component match the plan", () => {
    const md = renderPlanMarkdown(prod);
    for (const c of prod.components) {
      const row = md.split("\n").find((l) => l.includes(`| \`${c.type}\` |`) && l.includes(c.name))!;
      expect(row, c.name).toBeDefined();
      expect(row.split("|")[3].trim()).toBe(String(c.total));
      const byType = Object.values(c.counts).reduce((a, b) => a + b, 0);
      expect(byType).toBe(c.total);
    }
    expect(prod.components.reduce((n, c) => n + c.total, 0)).toBe(prod.resourceCount);
    expect(md).toContain(`| **total** | | **${prod.resourceCount}** | |`);
    expect(md).toContain(`**${prod.resourceCount} resources**`);
  });

  it("includes the cost table against the budget and the policy results", () => {
    const md = renderPlanMarkdown(prod);
    const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
    expect(md).toContain(`**${usd(prod.cost.totalUsd)}/month** against the tier budget of ${usd(prod.cost.budgetUsd)}`);
    for (const [component, n] of Object.entries(prod.cost.byComponent)) expect(md).toContain(`| ${component} | ${usd(n)} |`);
    expect(md).toContain(`Policy: \`${prod.policy.pack}\``);
    expect(md).toMatch(new RegExp(`${prod.policy.advisoryViolations} advisory \\(${prod.policy.rules.length} rules`));
  });

  it("draws edges from input references and providers, nesting child components, never to ancestors", () => {
    const comp = (name: string, module: string, parent?: string): ComponentSummary => ({ name, type: `finishthisidea:${module}:${name}`, parent, counts: {}, total: 1 });
    const res = (name: string, component: string, extra: Partial<RegisteredResource> = {}): RegisteredResource => ({
      urn: `urn:${name}`, type: `aws:test/${name}:${name}`, name, component, custom: true, inputs: {}, secretInputs: [],
      options: { protect: false, aliases: [], dependsOn: [], ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false }, ...extra,
    });
    const plan = {
      components: [comp("root", "platform"), comp("net", "network", "root"), comp("k8s", "cluster", "root"), comp("app", "k8s", "root"), comp("inner", "k8s", "app")],
      resources: [
        res("vpc", "net"),
        res("rootProvider", "root", { type: "pulumi:providers:aws" }),
        res("kube", "k8s", { type: "pulumi:providers:kubernetes" }),
        res("eks", "k8s", { inputDependencies: ["urn:vpc"], options: { ...res("x", "x").options, provider: "rootProvider" } }),
        res("deploy", "inner", { inputDependencies: ["urn:appRole"], options: { ...res("x", "x").options, provider: "kube" } }),
        res("appRole", "app"),
      ],
    };
    const arch = architecture(plan);
    expect(arch.root).toBe("root");
    expect(arch.edges).toEqual([
      { from: "k8s", to: "inner", via: ["kubernetes provider"] },
      { from: "net", to: "k8s", via: ["vpc"] },
    ]);
    const chart = renderMermaid(arch);
    expect(chart).toContain('subgraph c_app["app<br/>app · 1 resources"]');
    expect(chart).toContain('c_inner["inner<br/>inner · 1 resources"]');
    // Across layers: one labelled edge between the layer groups; within a layer: unlabelled, between components.
    expect(chart).toContain('l_network_cluster -->|"kubernetes provider"| l_workloads');
    expect(chart).toContain("c_net --> c_k8s");
  });
});

describe("--diff staging prod", () => {
  it("shows the tier change and the tier's key sizes", () => {
    expect(diff.tier).toEqual({ from: "mvp", to: "growth" });
    expect(diff.sizes).toContainEqual({ key: "api instance type", from: "t3.medium", to: "c5.xlarge" });
    expect(diff.sizes).toContainEqual({ key: "nat gateways", from: 1, to: 3 });
  });

  it("shows instance types and node group sizes that change", () => {
    const system = diff.resized.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name === "cluster-system")!;
    expect(system.changes).toContainEqual({ path: "instanceTypes", from: ["t3.medium"], to: ["c5.xlarge"] });
    expect(system.changes).toContainEqual({ path: "scalingConfig.desiredSize", from: 2, to: 7 });
    const gpu = diff.resized.find((r) => r.name === "cluster-gpu")!;
    expect(gpu.changes).toContainEqual({ path: "instanceTypes", from: ["g4dn.2xlarge"], to: ["g5.2xlarge"] });
    // Names, tags and ids that carry the stack's name are not sizes.
    for (const r of diff.resized) for (const c of r.changes) expect(c.path).not.toMatch(/tags|name|Name/);
  });

  it("shows the NAT gateway count change and the resources only prod has", () => {
    expect(diff.counts).toContainEqual({ type: "aws:ec2/natGateway:NatGateway", from: 1, to: 3 });
    const nats = diff.added.filter((r) => r.type === "aws:ec2/natGateway:NatGateway");
    expect(nats).toHaveLength(2);
    expect(nats.every((r) => r.component === "network")).toBe(true);
    // Every resource only in prod is one prod registers and staging does not.
    const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
    const inStaging = new Set(staging.resources.map(key));
    const inProd = new Set(prod.resources.map(key));
    for (const r of diff.added) expect(inProd.has(key(r)) && !inStaging.has(key(r)), key(r)).toBe(true);
    for (const r of diff.removed) expect(inStaging.has(key(r)) && !inProd.has(key(r)), key(r)).toBe(true);
    expect(prod.resourceCount - staging.resourceCount).toBe(diff.added.length - diff.removed.length);
  });

  it("shows the cost delta", () => {
    expect(diff.cost!.deltaUsd).toBeCloseTo(prod.cost.totalUsd - staging.cost.totalUsd, 6);
    expect(diff.cost!.deltaUsd).toBeGreaterThan(0);
    const sum = diff.cost!.byComponent.reduce((n, c) => n + c.deltaUsd, 0);
    expect(sum).toBeCloseTo(diff.cost!.deltaUsd, 6);
  });

  it("renders as text and Markdown", () => {
    const text = renderDiffText(diff);
    expect(text).toContain("Tier: mvp -> growth");
    expect(text).toMatch(/aws:ec2\/natGateway:NatGateway\s+1 ->\s+3/);
    expect(text).toContain("+ aws:ec2/natGateway:NatGateway network-nat-");
    expect(text).toMatch(/Monthly cost: \$[\d,]+ -> \$[\d,]+ \(\+\$[\d,]+\)/);
    const md = renderDiffMarkdown(diff);
    expect(md).toContain("| `aws:ec2/natGateway:NatGateway` | 1 | 3 | +2 |");
    expect(md).toContain("| api instance type | t3.medium | c5.xlarge |");
  });

  it("a stack against itself has no differences", () => {
    const same = diffPlans(prod, prod);
    expect(isEmptyDiff(same)).toBe(true);
    expect(renderDiffText(same)).toContain("No differences.");
  });

  it("size leaves: sizes and everything below a size key, by path", () => {
    const leaves = sizeLeaves({
      instanceTypes: ["c5.xlarge"],
      scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 2 },
      tags: { stack: "prod" },
      spec: { template: { spec: { containers: [{ name: "api", resources: { requests: { cpu: "500m" } } }] } }, replicas: 2 },
    });
    expect(Object.fromEntries(leaves)).toEqual({
      instanceTypes: ["c5.xlarge"],
      "scalingConfig.minSize": 1,
      "scalingConfig.maxSize": 3,
      "scalingConfig.desiredSize": 2,
      "spec.template.spec.containers[0].resources.requests.cpu": "500m",
      "spec.replicas": 2,
    });
  });
});

describe("npm run plan", () => {
  // In-process (main), sharing the runs above; the bad-arguments case runs the real command.
  const plan = (...args: string[]) => runCommand(planMain, ...args);
  const command = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "tools/plan.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });

  it("`plan -- prod --markdown` prints the report with a Mermaid diagram", async () => {
    const r = await plan("prod", "--markdown");
    // Exit 1 only for mandatory policy violations, which the report then shows.
    expect(r.status, r.stderr).toBe(/❌ \d+ mandatory violation/.test(r.stdout) ? 1 : 0);
    expect(r.stdout).toContain("## Offline plan: `finishthisidea/prod` (tier `growth`");
    expect(mermaidBlock(r.stdout)).toContain(`${nodeId("network")} -->`);
  });

  it("`plan -- --diff staging prod` prints the differences; bad arguments print the usage", async () => {
    const r = await plan("--diff", "staging", "prod");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("Diff staging (tier mvp");
    expect(r.stdout).toContain("Tier: mvp -> growth");
    const bad = command("--diff", "staging");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("npm run plan -- --diff <stackA> <stackB>");
  });
});
