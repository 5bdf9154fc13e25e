/**
 * The GitHub workflows: every file validates against the GitHub workflow schema (action-validator, the
 * SchemaStore schema compiled into its WASM build: nothing is fetched), and the delivery rules hold — fork PRs
 * get no secrets, deploys never overlap on a stack, promotion waits for the protected environment, permissions
 * are least-privilege, actions are pinned to exact versions, and no run script interpolates untrusted input.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { validateWorkflow } from "@action-validator/core";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const DIR = path.join(__dirname, "..", ".github", "workflows");
const FORK_GUARD = "github.event.pull_request.head.repo.full_name == github.repository";

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  "runs-on"?: string;
  environment?: string | { name: string };
  concurrency?: string | { group: string; "cancel-in-progress"?: boolean | string };
  permissions?: string | Record<string, string>;
  needs?: string | string[];
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, any>;
  permissions?: string | Record<string, string>;
  concurrency?: Job["concurrency"];
  jobs: Record<string, Job>;
}

const files = fs.readdirSync(DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(DIR, f), "utf8")]));
const workflows = new Map(files.map((f) => [f, parse(texts.get(f)!) as Workflow]));

const allSteps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps);
const runs = (job: Job) => job.steps.map((s) => s.run ?? "").join("\n");
const usesStep = (job: Job, action: string) => job.steps.find((s) => s.uses?.startsWith(`${action}@`));
function byTrigger(trigger: string): [string, Workflow] {
  const found = [...workflows].filter(([, wf]) => trigger in wf.on);
  expect(found.map(([f]) => f), `exactly one workflow on ${trigger}`).toHaveLength(1);
  return found[0];
}

describe("workflow files", () => {
  it("there are workflows for pull requests, pushes to main and manual promotion", () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const trigger of ["pull_request", "push"]) byTrigger(trigger);
    expect([...workflows].filter(([, wf]) => "workflow_dispatch" in wf.on).map(([f]) => f).sort()).toEqual(["mutation.yml", "promote.yml"]);
  });

  it.each(files)("%s validates against the GitHub workflow schema", (file) => {
    const result = validateWorkflow(texts.get(file)!);
    expect(result.errors, JSON.stringify(result.errors, null, 2)).toEqual([]);
  });

  it("the validator rejects broken workflows (so the check above can fail)", () => {
    const good = texts.get(files[0])!;
    expect(validateWorkflow(good).errors).toEqual([]);
    // A misspelt step key, a job without runs-on, an unknown permission level, a bad trigger.
    expect(validateWorkflow(good.replace(/\n(\s+)with:/, "\n$1wiht:")).errors.length).toBeGreaterThan(0);
    expect(validateWorkflow("on: push\njobs:\n  a:\n    steps:\n      - run: echo\n").errors.length).toBeGreaterThan(0);
    expect(validateWorkflow("on: push\npermissions:\n  contents: reed\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo\n").errors.length).toBeGreaterThan(0);
    expect(validateWorkflow("on: pushh\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - run: echo\n").errors.length).toBeGreaterThan(0);
  });

  it.each(files)("%s: least-privilege permissions (read-only default, every job declares its own, no write-all)", (file) => {
    const wf = workflows.get(file)!;
    expect(wf.permissions).toEqual({ contents: "read" });
    for (const [name, job] of Object.entries(wf.jobs)) {
      expect(typeof job.permissions, `${file} job ${name} declares permissions`).toBe("object");
      const perms = job.permissions as Record<string, string>;
      for (const [scope, level] of Object.entries(perms)) expect(["read", "write", "none"], `${name}.${scope}`).toContain(level);
      // Each write grant is used by the job: OIDC for AWS, comments for PR tools, pushes for the promotion PR.
      if (perms["id-token"] === "write") expect(usesStep(job, "aws-actions/configure-aws-credentials"), `${name} uses id-token`).toBeDefined();
      if (perms["pull-requests"] === "write") {
        const comments = job.steps.some((s) => s.uses?.startsWith("marocchino/sticky-pull-request-comment@") || s.with?.["comment-on-pr"] === true || s.uses?.startsWith("peter-evans/create-pull-request@"));
        expect(comments, `${name} writes to pull requests`).toBe(true);
      }
      if (perms.contents === "write") expect(usesStep(job, "peter-evans/create-pull-request"), `${name} pushes a branch`).toBeDefined();
    }
    expect(texts.get(file)).not.toMatch(/write-all|read-all/);
  });

  it.each(files)("%s: every action is pinned to an exact release or commit", (file) => {
    const uses = allSteps(workflows.get(file)!).map((s) => s.uses).filter((u): u is string => u !== undefined);
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u, u).toMatch(/^[\w.-]+\/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/);
  });

  it.each(files)("%s: no run script interpolates event data or inputs (passed through env instead)", (file) => {
    for (const step of allSteps(workflows.get(file)!)) {
      expect(step.run ?? "", step.name ?? step.run).not.toMatch(/\$\{\{\s*(github\.event|inputs|github\.head_ref)/);
    }
  });

  it("no workflow runs on pull_request_target (which would hand secrets to fork code)", () => {
    for (const [file, wf] of workflows) expect(Object.keys(wf.on), file).not.toContain("pull_request_target");
  });

  it("the npm scripts the workflows call exist", () => {
    const scripts = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")).scripts as Record<string, string>;
    for (const [file, wf] of workflows) {
      for (const job of Object.values(wf.jobs)) {
        for (const m of runs(job).matchAll(/npm run (?:--silent )?([\w:-]+)/g)) expect(Object.keys(scripts), `${file}: npm run ${m[1]}`).toContain(m[1]);
      }
    }
  });
});

describe("pull requests", () => {
  let wf: Workflow;
  beforeAll(() => {
    wf = byTrigger("pull_request")[1];
  });

  it("runs npm ci and npm test", () => {
    const all = Object.values(wf.jobs).map(runs).join("\n");
    expect(all).toMatch(/npm ci\b/);
    expect(all).toMatch(/npm test\b/);
  });

  it("plans each stack as Markdown plus the staging -> prod diff, posted as one sticky comment", () => {
    const job = Object.values(wf.jobs).find((j) => runs(j).includes("--markdown"))!;
    expect(job).toBeDefined();
    const script = runs(job);
    // Every stack file (Pulumi.<stack>.yaml) of the repository, so a new stack is reported without editing this.
    expect(script).toContain("for file in Pulumi.*.yaml");
    expect(script).toContain('plan -- "$stack" --markdown');
    expect(script).toContain("plan -- --diff staging prod --markdown");
    const comment = usesStep(job, "marocchino/sticky-pull-request-comment")!;
    expect(comment).toBeDefined();
    expect(comment.with?.header, "a fixed header makes the comment sticky (updated, not duplicated)").toBe("offline-plan");
    expect(comment.with?.path).toBe("plan-report.md");
    expect(comment.if).toBe(FORK_GUARD);
    expect((job.permissions as Record<string, string>)["pull-requests"]).toBe("write");
  });

  it("the real preview runs through pulumi/actions with the policy pack, never for forks, only with credentials", () => {
    const [name, job] = Object.entries(wf.jobs).find(([, j]) => j.steps.some((s) => s.with?.command === "preview"))!;
    expect(job.if, name).toContain(FORK_GUARD);
    expect(job.if).toContain("vars.AWS_ROLE_ARN != ''");
    const preview = usesStep(job, "pulumi/actions")!;
    expect(preview.with).toMatchObject({ command: "preview", policyPacks: "policy", "comment-on-pr": true });
    expect(preview.with?.policyPackConfigs).toBe("policy-pack-config.json");
    expect(job.steps.some((s: any) => typeof s.run === "string" && s.run.includes("tools/policy-config.ts \"${{ matrix.stack }}\" policy-pack-config.json"))).toBe(true);
    // Every step after the credentials check runs only when the token (or a backend) is there.
    const check = job.steps.findIndex((s) => s.id === "creds");
    expect(check).toBe(0);
    for (const step of job.steps.slice(1)) expect(step.if, step.name ?? step.uses).toBe("steps.creds.outputs.ok == 'true'");
  });

  it("secrets appear only in fork-guarded jobs", () => {
    for (const [name, job] of Object.entries(wf.jobs)) {
      if (JSON.stringify(job).includes("secrets.")) expect(job.if ?? "", name).toContain(FORK_GUARD);
    }
  });
});

describe("deploy on push to main", () => {
  it("runs pulumi up on staging with the policy pack, one deploy at a time (never cancelled)", () => {
    const [, wf] = byTrigger("push");
    expect(wf.on.push.branches).toEqual(["main"]);
    const jobs = Object.values(wf.jobs).filter((j) => usesStep(j, "pulumi/actions")?.with?.command === "up");
    expect(jobs).toHaveLength(1);
    const job = jobs[0];
    const up = usesStep(job, "pulumi/actions")!;
    expect(up.with).toMatchObject({ command: "up", "stack-name": "staging", policyPacks: "policy", policyPackConfigs: "policy-pack-config.json" });
    expect(job.steps.some((s: any) => s.run === "npx tsx tools/policy-config.ts staging policy-pack-config.json")).toBe(true);
    expect(job.concurrency).toEqual({ group: expect.stringContaining("staging"), "cancel-in-progress": false });
    expect(usesStep(job, "aws-actions/configure-aws-credentials")?.with?.["role-to-assume"]).toBe("${{ vars.AWS_ROLE_ARN }}");
  });
});

describe("promotion", () => {
  let job: Job;
  beforeAll(() => {
    const wf = workflows.get("promote.yml")!;
    expect(Object.keys(wf.on)).toEqual(["workflow_dispatch"]);
    const jobs = Object.values(wf.jobs).filter((j) => runs(j).includes("npm run promote"));
    expect(jobs).toHaveLength(1);
    job = jobs[0];
  });

  it("waits for the protected production environment", () => {
    expect(job.environment).toBe("production");
  });

  it("runs the promotion tool from staging to prod with --yes", () => {
    const script = runs(job);
    expect(script).toContain("--from staging --to prod --yes");
    expect(script).toMatch(/npm run promote -- /);
    // The CLI is installed before the tool runs (it refuses without it).
    const install = job.steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@") && !s.with?.command);
    const promote = job.steps.findIndex((s) => (s.run ?? "").includes("npm run promote"));
    expect(install).toBeGreaterThanOrEqual(0);
    expect(install).toBeLessThan(promote);
  });

  it("never overlaps another update of prod", () => {
    expect(job.concurrency).toEqual({ group: expect.stringContaining("prod"), "cancel-in-progress": false });
  });
});

describe("mutation testing", () => {
  it("runs npm run mutate weekly and on demand, and never on pull requests or pushes", () => {
    const wf = workflows.get("mutation.yml")!;
    expect(Object.keys(wf.on).sort()).toEqual(["schedule", "workflow_dispatch"]);
    expect(wf.on.schedule).toEqual([{ cron: "17 3 * * 1" }]);
    const jobs = Object.values(wf.jobs).filter((j) => runs(j).includes("npm run mutate"));
    expect(jobs).toHaveLength(1);
    for (const [file, other] of workflows) if (file !== "mutation.yml") expect(Object.values(other.jobs).map(runs).join("\n"), file).not.toContain("mutate");
  });

  it("npm test does not run Stryker; npm run mutate does, over the module tests only", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8"));
    expect(pkg.scripts.test).toBe("vitest run");
    expect(pkg.scripts.mutate).toBe("tsx tools/mutate.ts");
    const stryker = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "stryker.config.json"), "utf8"));
    expect(stryker).toMatchObject({ testRunner: "vitest", checkers: ["typescript"], coverageAnalysis: "perTest", thresholds: { break: 90 } });
    expect(stryker.concurrency).toBeLessThanOrEqual(2);
  });
});
