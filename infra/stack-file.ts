/**
 * Reads a stack's config straight from Pulumi.yaml and Pulumi.<stack>.yaml, without the Pulumi CLI: the offline
 * plan, the benchmark and the tests use this. Secure values cannot be decrypted here, so they become secret
 * placeholders; the program only ever passes secrets along, never reads them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { CONFIG_NAMESPACE, SECRET_KEYS, type RawConfig } from "./config";

export const PROJECT_ROOT = path.resolve(__dirname, "..");

export interface StackFile {
  project: string;
  stack: string;
  raw: RawConfig;
}

/**
 * One placeholder Output per text, so two reads of the same stack file give equal raw configs (the tests share
 * program runs by raw config, tools/program.ts).
 */
const placeholders = new Map<string, pulumi.Output<string>>();
function secretPlaceholder(text: string): pulumi.Output<string> {
  let placeholder = placeholders.get(text);
  if (!placeholder) placeholders.set(text, (placeholder = pulumi.secret(text)));
  return placeholder;
}

/** Split `finishthisidea:*` values into plain values and secrets (secure values become placeholders). */
export function rawConfigFrom(config: Record<string, unknown>, where: string): RawConfig {
  const raw: RawConfig = { values: {}, secrets: {} };
  const prefix = `${CONFIG_NAMESPACE}:`;
  for (const [fullKey, value] of Object.entries(config)) {
    if (!fullKey.startsWith(prefix)) continue; // provider config (aws:region, ...) is not ours to validate
    const key = fullKey.slice(prefix.length);
    const isSecure = typeof value === "object" && value !== null && "secure" in value;
    if (isSecure && (SECRET_KEYS as readonly string[]).includes(key)) {
      raw.secrets[key as (typeof SECRET_KEYS)[number]] = secretPlaceholder(`[secret ${key} from ${where}]`);
    } else if (isSecure) {
      throw new Error(`${where}: ${fullKey} is encrypted, but only ${SECRET_KEYS.join(", ")} may be secrets`);
    } else {
      raw.values[key] = value;
    }
  }
  return raw;
}

/**
 * Read a stack by name (Pulumi.<stack>.yaml beside Pulumi.yaml) or by the path of a stack file
 * (`path/to/Pulumi.<stack>.yaml`, e.g. one written by a test).
 */
export function readStackFile(stackOrPath: string, root: string = PROJECT_ROOT): StackFile {
  const projectFile = path.join(root, "Pulumi.yaml");
  const isPath = stackOrPath.endsWith(".yaml");
  const stackPath = isPath ? path.resolve(stackOrPath) : path.join(root, `Pulumi.${stackOrPath}.yaml`);
  const stack = isPath ? path.basename(stackPath).replace(/^Pulumi\./, "").replace(/\.yaml$/, "") : stackOrPath;
  if (!fs.existsSync(stackPath)) {
    const known = fs.readdirSync(root).filter((f) => /^Pulumi\.[^.]+\.yaml$/.test(f)).map((f) => f.split(".")[1]);
    throw new Error(`No stack file ${path.basename(stackPath)}; known stacks: ${known.join(", ")}`);
  }
  const project = parse(fs.readFileSync(projectFile, "utf8")) as { name: string };
  const stackDoc = (parse(fs.readFileSync(stackPath, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  return { project: project.name, stack, raw: rawConfigFrom(stackDoc.config ?? {}, path.basename(stackPath)) };
}
