/**
 * `npm run promote -- --from staging --to prod [--yes] [--dry-run] [--force]`: promote the versions staging runs
 * to prod through Pulumi's Automation API (LocalWorkspace over this directory, so the stacks' Pulumi.<stack>.yaml
 * files are the config it reads and writes). The logic lives in tools/promotion.ts; this file only binds it to
 * the Pulumi CLI. Without the CLI on PATH it stops at once and says what to install.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as readline from "node:readline/promises";
import { MISSING_CLI, findOnPath, parsePromoteArgs, pathEntries, runPromotion, type ConfigMap, type LastUpdate, type PromoteArgs, type PromotionOps } from "./promotion";

const ROOT = path.resolve(__dirname, "..");
const POLICY_PACK = path.join(ROOT, "policy");

async function main(argv: string[]): Promise<number> {
  let args: PromoteArgs;
  try {
    args = parsePromoteArgs(argv);
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    return 2;
  }
  if (!findOnPath("pulumi", process.env.PATH)) {
    console.error(MISSING_CLI);
    return 1;
  }
  if (!fs.existsSync(path.join(POLICY_PACK, "node_modules"))) {
    console.error(`The policy pack's dependencies are not installed: run \`npm install --prefix policy\` first (preview and up run with --policy-pack policy).`);
    return 1;
  }

  // Loaded only once the CLI is known to be there (the Automation API shells out to it).
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const { decodeConfigValue } = await import("./promotion");
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
    async setConfig(name, values) {
      const s = await stack(name);
      for (const [key, value] of Object.entries(values)) {
        await s.removeConfig(key).catch(() => undefined); // absent already: nothing to remove
        if (value === undefined) continue;
        if (typeof value === "object" && value !== null) {
          await s.setAllConfig(Object.fromEntries(pathEntries(key, value).map(([k, v]) => [k, { value: v }])), true);
        } else {
          await s.setConfig(key, { value: String(value) });
        }
      }
      // `--path` may type a leaf ("12" as a number): check the stack now holds exactly what was meant.
      const now = await s.getAllConfig();
      for (const [key, value] of Object.entries(values)) {
        const got = typeof value === "string" ? now[key]?.value : decodeConfigValue(now[key]);
        if (JSON.stringify(got) !== JSON.stringify(value)) {
          throw new Error(`could not set ${key} on ${name} exactly: wanted ${JSON.stringify(value)}, the stack holds ${JSON.stringify(got)}`);
        }
      }
    },
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
    log: (text) => console.log(text),
  };
  return runPromotion(args, ops);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`promote failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);

