/**
 * `npm run plan -- <stack> [--json]`: the offline plan. Runs the real program in preview mode under mocks,
 * with config from Pulumi.<stack>.yaml; needs no Pulumi CLI, credentials or network.
 */
import { ConfigError } from "../infra/config";
import { readStackFile } from "../infra/stack-file";
import { buildPlanReport, renderPlanText } from "./plan-report";
import { runStack } from "./program";

const USAGE = "usage: npm run plan -- <stack | path/to/Pulumi.<stack>.yaml> [--json]";

async function main(argv: string[]): Promise<number> {
  const flags = new Set(argv.filter((a) => a.startsWith("--")));
  const positional = argv.filter((a) => !a.startsWith("--"));
  const unknown = [...flags].filter((f) => !["--json"].includes(f));
  if (positional.length !== 1 || unknown.length > 0) {
    console.error(unknown.length > 0 ? `unknown option ${unknown.join(", ")}\n${USAGE}` : USAGE);
    return 2;
  }
  const file = readStackFile(positional[0]);
  const run = await runStack(file.raw, file.project, file.stack, { preview: true });
  const plan = buildPlanReport(run);
  console.log(flags.has("--json") ? JSON.stringify(plan, null, 2) : renderPlanText(plan));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof ConfigError ? err.message : `plan failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
