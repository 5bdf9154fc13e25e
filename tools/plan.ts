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

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith("--")));
  const positional = argv.filter((a) => !a.startsWith("--"));
  const unknown = [...flags].filter((f) => !["--json", "--markdown", "--diff"].includes(f));
  if (positional.length !== (flags.has("--diff") ? 2 : 1) || unknown.length > 0 || (flags.has("--json") && flags.has("--markdown"))) {
    console.error(unknown.length > 0 ? `unknown option ${unknown.join(", ")}\n${USAGE}` : USAGE);
    return 2;
  }
  if (flags.has("--diff")) {
    // Built one after the other in this process (runProgram sets the mocks again for each).
    const diff = diffPlans(await offlinePlan(positional[0]), await offlinePlan(positional[1]));
    console.log(flags.has("--json") ? JSON.stringify(diff, null, 2) : flags.has("--markdown") ? renderDiffMarkdown(diff) : renderDiffText(diff));
    return 0;
  }
  const file = readStackFile(positional[0]);
  const run = await runStack(file.raw, file.project, file.stack, { preview: true });
  const plan = buildPlanReport(run);
  console.log(flags.has("--json") ? JSON.stringify(plan, null, 2) : flags.has("--markdown") ? renderPlanMarkdown(plan) : renderPlanText(plan));
  // A mandatory guardrail violation fails the plan (CI gates on it), whatever the output format.
  return plan.policy.mandatoryViolations > 0 ? 1 : 0;
}

// Exit only once stdout is flushed: on a pipe (`| jq`, CI capturing output) process.exit would cut a large
// --json document short. Writes are ordered, so the empty write's callback runs after the report's.
const exitAfterFlush = (code: number) => process.stdout.write("", () => process.exit(code));

main(process.argv.slice(2)).then(
  exitAfterFlush,
  (err) => {
    console.error(err instanceof ConfigError ? err.message : `plan failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
