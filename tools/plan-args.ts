/**
 * The plan's command line, parsed apart from running it (so it is tested without a program run):
 * `<stack | path>` or `--diff <a> <b>`, with at most one of `--json` / `--markdown`, or `--help`.
 */
import { UsageError } from "./cli";

export const PLAN_USAGE = [
  "usage: npm run plan -- <stack | path/to/Pulumi.<stack>.yaml> [--json | --markdown]",
  "       npm run plan -- --diff <stackA> <stackB> [--json | --markdown]",
].join("\n");

export const PLAN_HELP = `${PLAN_USAGE}

The offline plan: runs the program in preview mode under Pulumi's mock engine (no CLI, credentials or network)
and reports the resources by component, key sizes, the cost estimate and the policy results.

  <stack>         a stack name (reads Pulumi.<stack>.yaml beside Pulumi.yaml), or the path of a stack file,
                  relative to the directory you run the command in
  --diff A B      what differs between the plans of two stacks, with the cost delta
  --json          the whole plan (or diff) as JSON
  --markdown      the PR-comment report, with a Mermaid architecture diagram
  --help, -h      this text

Exit codes: 0 planned; 1 invalid config, a failed run, a mandatory policy violation or a rehearsal failure
(either side of --diff); 2 a usage mistake.`;

export type PlanFormat = "text" | "json" | "markdown";
export type PlanArgs = { help: true } | { help: false; stacks: string[]; diff: boolean; format: PlanFormat };

export function parsePlanArgs(argv: string[]): PlanArgs {
  if (argv.includes("--help") || argv.includes("-h")) return { help: true };
  const flags = argv.filter((a) => a.startsWith("-"));
  const positional = argv.filter((a) => !a.startsWith("-"));
  const unknown = flags.filter((f) => !["--json", "--markdown", "--diff"].includes(f));
  if (unknown.length > 0) throw new UsageError(`unknown option${unknown.length > 1 ? "s" : ""} ${unknown.join(", ")} (see --help)`);
  if (flags.includes("--json") && flags.includes("--markdown")) throw new UsageError("--json and --markdown are two output formats: choose one");
  const diff = flags.includes("--diff");
  const format: PlanFormat = flags.includes("--json") ? "json" : flags.includes("--markdown") ? "markdown" : "text";
  if (diff) {
    if (positional.length !== 2) {
      throw new UsageError(`--diff compares two stacks; got ${positional.length === 0 ? "none" : `${positional.length} (${positional.join(", ")})`}`);
    }
    return { help: false, stacks: [positional[0], positional[1]], diff, format };
  }
  if (positional.length === 0) throw new UsageError("which stack? name one (staging, prod) or the path of a stack file");
  if (positional.length > 1) throw new UsageError(`one stack at a time; got ${positional.join(", ")} (use --diff to compare two)`);
  return { help: false, stacks: [positional[0]], diff, format };
}
