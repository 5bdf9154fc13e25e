/**
 * `npm run plan -- <stack> [--json | --markdown]`, `npm run plan -- --diff <stackA> <stackB> [--json | --markdown]`:
 * the offline plan (and the difference between two stacks' plans). Runs the real program in preview mode under mocks,
 * with config from Pulumi.<stack>.yaml; needs no Pulumi CLI, credentials or network. `--help` says more.
 */
import { err, invocationDir, out, runCommand, UsageError } from "./cli";
import { PLAN_HELP, PLAN_USAGE, parsePlanArgs } from "./plan-args";

/** Where a command prints: stdout/stderr (written completely before exit) as a command, a buffer when a test calls `main`. */
export interface CommandIo {
  out(text: string): void | Promise<void>;
  err(text: string): void | Promise<void>;
}

const PROCESS_IO: CommandIo = { out, err };

// By name, not `instanceof`: infra/config (and the SDK behind it) loads only once the arguments are known good.
const isConfigError = (e: unknown): e is Error => e instanceof Error && e.name === "ConfigError";
const describeError = (e: unknown) => (isConfigError(e) ? e.message : `plan failed: ${e instanceof Error ? e.message : String(e)}`);

/** The command: prints the plan and returns the exit code (1 on bad config, a mandatory violation or a rehearsal failure; 2 on usage). */
export async function main(argv: string[], io: CommandIo = PROCESS_IO): Promise<number> {
  try {
    return await runPlan(argv, io);
  } catch (e) {
    if (e instanceof UsageError) {
      await io.err(`${e.message}\n${PLAN_USAGE}`);
      return 2;
    }
    await io.err(describeError(e));
    return 1;
  }
}

async function runPlan(argv: string[], io: CommandIo): Promise<number> {
  const args = parsePlanArgs(argv);
  if (args.help) {
    await io.out(PLAN_HELP);
    return 0;
  }
  // The program, the SDKs and the reports load after the arguments: `--help` and a usage error answer at once.
  const [{ readStackFile }, { diffPlans, offlinePlan, renderDiffMarkdown, renderDiffText }, { renderPlanMarkdown }, { buildPlanReport, planFails, renderPlanText }, { runStack }] =
    await Promise.all([import("../infra/stack-file"), import("./plan-diff"), import("./plan-markdown"), import("./plan-report"), import("./program")]);
  // Paths are the user's: relative to where they ran the command, not to the package root npm runs us in.
  const from = invocationDir();
  if (args.diff) {
    // Built one after the other in this process (runProgram sets the mocks again for each).
    const sides = [await offlinePlan(args.stacks[0], {}, from), await offlinePlan(args.stacks[1], {}, from)];
    const diff = diffPlans(sides[0], sides[1]);
    await io.out(args.format === "json" ? JSON.stringify(diff, null, 2) : args.format === "markdown" ? renderDiffMarkdown(diff) : renderDiffText(diff));
    // A side whose own plan would fail fails the diff too: CI may gate on it alone.
    const failing = sides.filter(planFails).map((p) => `${p.stack} (${p.policy.mandatoryViolations} mandatory policy violations, ${p.rehearsal.failures.length} rehearsal failures)`);
    if (failing.length > 0) await io.err(`the plan fails for ${failing.join(" and ")}: run the plan of that stack for the list`);
    return failing.length > 0 ? 1 : 0;
  }
  const file = readStackFile(args.stacks[0], { from });
  const run = await runStack(file.raw, file.project, file.stack, { preview: true });
  const plan = buildPlanReport(run);
  await io.out(args.format === "json" ? JSON.stringify(plan, null, 2) : args.format === "markdown" ? renderPlanMarkdown(plan) : renderPlanText(plan));
  // A mandatory guardrail violation or a rehearsal failure fails the plan (CI gates on it), whatever the output format.
  return planFails(plan) ? 1 : 0;
}

// Run as a command (`tsx tools/plan.ts`); the tests import `main` instead.
if (require.main === module) runCommand(() => main(process.argv.slice(2)), PLAN_USAGE, describeError);
