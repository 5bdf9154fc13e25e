/**
 * `npm run plan -- <stack> [--json | --markdown]`, `npm run plan -- --diff <stackA> <stackB> [--json | --markdown]`:
 * the offline plan (and the difference between two stacks' plans). Runs the real program in preview mode under mocks,
 * with config from Pulumi.<stack>.yaml; needs no Pulumi CLI, credentials or network.
 */
import { ConfigError } from "../infra/config";
import { readStackFile } from "../infra/stack-file";
import { diffPlans, offlinePlan, renderDiffMarkdown, renderDiffText } from "./plan-diff";
import { renderPlanMarkdown } from "./plan-markdown";
import { buildPlanReport, renderPlanText } from "./plan-report";
import { runStack } from "./program";

const USAGE = "usage: npm run plan -- <stack | path/to/Pulumi.<stack>.yaml> [--json | --markdown]\n       npm run plan -- --diff <stackA> <stackB> [--json | --markdown]";

/** Where a command prints: the console when run as a command, a buffer when a test calls `main` in-process. */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

const CONSOLE_IO: CommandIo = { out: (text) => console.log(text), err: (text) => console.error(text) };

/** The command: prints the plan and returns the exit code (1 on bad config or a mandatory violation, 2 on usage). */
export async function main(argv: string[], io: CommandIo = CONSOLE_IO): Promise<number> {
  try {
    return await runPlan(argv, io);
  } catch (err) {
    io.err(err instanceof ConfigError ? err.message : `plan failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
}

async function runPlan(argv: string[], io: CommandIo): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith("--")));
  const positional = argv.filter((a) => !a.startsWith("--"));
  const unknown = [...flags].filter((f) => !["--json", "--markdown", "--diff"].includes(f));
  if (positional.length !== (flags.has("--diff") ? 2 : 1) || unknown.length > 0 || (flags.has("--json") && flags.has("--markdown"))) {
    io.err(unknown.length > 0 ? `unknown option ${unknown.join(", ")}\n${USAGE}` : USAGE);
    return 2;
  }
  if (flags.has("--diff")) {
    // Built one after the other in this process (runProgram sets the mocks again for each).
    const diff = diffPlans(await offlinePlan(positional[0]), await offlinePlan(positional[1]));
    io.out(flags.has("--json") ? JSON.stringify(diff, null, 2) : flags.has("--markdown") ? renderDiffMarkdown(diff) : renderDiffText(diff));
    return 0;
  }
  const file = readStackFile(positional[0]);
  const run = await runStack(file.raw, file.project, file.stack, { preview: true });
  const plan = buildPlanReport(run);
  io.out(flags.has("--json") ? JSON.stringify(plan, null, 2) : flags.has("--markdown") ? renderPlanMarkdown(plan) : renderPlanText(plan));
  // A mandatory guardrail violation fails the plan (CI gates on it), whatever the output format.
  return plan.policy.mandatoryViolations > 0 ? 1 : 0;
}

// Run as a command (`tsx tools/plan.ts`); the tests import `main` instead.
if (require.main === module) main(process.argv.slice(2)).then((code) => process.exit(code));
