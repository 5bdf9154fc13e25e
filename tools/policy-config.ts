/**
 * `npx tsx tools/policy-config.ts <stack> [file]`: the pack config the in-process run uses for a stack (its
 * environment's levels, policy/config/<stack>.json overrides, settings implied by its stack config), as the
 * JSON file `pulumi preview --policy-pack policy --policy-pack-config <file>` takes. Written atomically.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadPolicyConfig } from "./policy-run";

const [stack, out] = process.argv.slice(2);
if (!stack) {
  console.error("usage: npx tsx tools/policy-config.ts <stack> [output.json]");
  process.exit(2);
}
const { config, source } = loadPolicyConfig(stack);
const text = `${JSON.stringify(config, null, 2)}\n`;
if (out) {
  const tmp = path.join(path.dirname(path.resolve(out)), `.${path.basename(out)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, out);
  console.error(`wrote ${out} (${source})`);
} else {
  process.stdout.write(text);
}
