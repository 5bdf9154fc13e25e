/**
 * `npx tsx tools/gen-taggable-types.ts`: writes policy/aws-taggable-types.json, the type tokens of every
 * @pulumi/aws resource whose Args take a `tags` map (the ones provider default tags reach). Run it after
 * upgrading @pulumi/aws; test/policy-cost.test.ts fails when the file is out of date.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export function taggableAwsTypes(awsRoot = path.dirname(require.resolve("@pulumi/aws/package.json"))): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "node_modules" && entry.name !== "types") walk(p);
        continue;
      }
      if (!entry.name.endsWith(".js")) continue;
      const js = fs.readFileSync(p, "utf8");
      const token = /__pulumiType = '([^']+)'/.exec(js)?.[1];
      if (!token) continue;
      const dts = fs.readFileSync(p.replace(/\.js$/, ".d.ts"), "utf8");
      const args = /export interface \w+Args \{([\s\S]*?)\n\}/.exec(dts)?.[1] ?? "";
      if (/\n    tags\?: pulumi\.Input<\{\s*\[key: string\]/.test(args)) out.push(token);
    }
  };
  walk(awsRoot);
  return [...new Set(out)].sort();
}

export const TAGGABLE_FILE = path.join(__dirname, "..", "policy", "aws-taggable-types.json");

if (require.main === module) {
  const types = taggableAwsTypes();
  fs.writeFileSync(TAGGABLE_FILE, `${JSON.stringify(types, null, 0).replace(/","/g, "\",\n\"")}\n`);
  console.log(`wrote ${types.length} taggable AWS types to ${path.relative(process.cwd(), TAGGABLE_FILE)}`);
}
