/**
 * `npm run promote -- --from staging --to prod [--yes] [--dry-run] [--force]`: promote the versions staging runs
 * to prod through Pulumi's Automation API (LocalWorkspace over this directory, so the stacks' Pulumi.<stack>.yaml
 * files are the config it reads and writes). The logic lives in tools/promotion.ts; this file only binds it to
 * the Pulumi CLI. Without the CLI on PATH it stops at once and says what to install.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { UsageError, err, out, runCommand } from "./cli";
import { MISSING_CLI, PROMOTE_HELP, PROMOTE_USAGE, findOnPath, parsePromoteArgs, runPromotion, type ConfigMap, type LastUpdate, type PromotionOps } from "./promotion";
import { stackFileStore } from "./stack-files";

const ROOT = path.resolve(__dirname, "..");
const POLICY_PACK = path.join(ROOT, "policy");
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parsePromoteArgs>;
  try {
    parsed = parsePromoteArgs(argv);
  } catch (e) {
    throw new UsageError((e instanceof Error ? e.message : String(e)).split("\n")[0]);
  }
  if ("help" in parsed) {
    await out(PROMOTE_HELP);
    return 0;
  }
  const args = parsed;
  if (!findOnPath("pulumi", process.env.PATH)) {
    await err(MISSING_CLI);
    return 1;
  }
  if (!fs.existsSync(path.join(POLICY_PACK, "node_modules"))) {
    await err(`The policy pack's dependencies are not installed: run \`npm install --prefix policy\` first (preview and up run with --policy-pack policy).`);
    return 1;
  }

  // Loaded only once the CLI is known to be there (the Automation API shells out to it).
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const { diffPlans, offlinePlan, renderDiffText } = await import("./plan-diff");

  const stacks = new Map<string, Awaited<ReturnType<typeof LocalWorkspace.selectStack>>>();
  const stack = async (name: string) => {
    if (!stacks.has(name)) stacks.set(name, await LocalWorkspace.selectStack({ stackName: name, workDir: ROOT }));
    return stacks.get(name)!;
  };
  const shortName = (name: string) => name.split("/").pop()!;
  const policyOptions = (name: string) => {
    const config = path.join(POLICY_PACK, "config", `${shortName(name)}.json`);
    return { policyPacks: [POLICY_PACK], policyPackConfigs: fs.existsSync(config) ? [config] : [] };
  };
  const stream = (out: string) => process.stdout.write(out);

  const ops: PromotionOps = {
    async lastUpdate(name) {
      const history = await (await stack(name)).history(20);
      const last = history.find((u) => u.kind === "update" || u.kind === "destroy");
      if (!last) return undefined;
      return {
        kind: last.kind,
        result: last.result,
        version: last.version,
        endTime: last.endTime ? new Date(last.endTime).toISOString() : undefined,
        config: last.config as ConfigMap | undefined,
      } satisfies LastUpdate;
    },
    async getConfig(name) {
      return (await (await stack(name)).getAllConfig()) as ConfigMap;
    },
    // The stack files live beside Pulumi.yaml; the CLI reads prod's at preview and up.
    files: stackFileStore(ROOT),
    async offlineDiff(from, to, values) {
      return renderDiffText(diffPlans(await offlinePlan(shortName(from)), await offlinePlan(shortName(to), values)));
    },
    async preview(name) {
      const result = await (await stack(name)).preview({ ...policyOptions(name), diff: true, onOutput: stream });
      const summary = Object.entries(result.changeSummary ?? {}).map(([op, n]) => `${op} ${n}`).join(", ");
      return `preview of ${name}: ${summary || "no changes"}`;
    },
    async up(name) {
      const result = await (await stack(name)).up({ ...policyOptions(name), onOutput: stream, message: `promote ${args.from} -> ${args.to}` });
      return `update of ${name}: ${result.summary.result} (version ${result.summary.version})`;
    },
    async confirm(question) {
      if (!process.stdin.isTTY) {
        console.error("No terminal to confirm on: pass --yes to update without asking (CI does).");
        return false;
      }
      const rl = readline.createInterface({ input: process.stdin, output: process.stdout });
      try {
        return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
      } finally {
        rl.close();
      }
    },
    onInterrupt(restore) {
      const handler = (signal: NodeJS.Signals) => {
        restore();
        process.stderr.write(`promote: ${signal}\n`);
        process.exit(130);
      };
      for (const s of SIGNALS) process.once(s, handler);
      return () => SIGNALS.forEach((s) => process.off(s, handler));
    },
    log: (text) => console.log(text),
  };
  return runPromotion(args, ops);
}

runCommand(() => main(process.argv.slice(2)), PROMOTE_USAGE, (e) => `promote failed: ${e instanceof Error ? e.message : String(e)}`);

