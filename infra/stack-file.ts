/**
 * Reads a stack's config straight from Pulumi.yaml and Pulumi.<stack>.yaml, without the Pulumi CLI: the offline
 * plan, the benchmark and the tests use this. Secure values cannot be decrypted here, so they become secret
 * placeholders; the program only ever passes secrets along, never reads them.
 *
 * Every way a file can be wrong (missing, binary, not YAML, empty, not a mapping, keys outside the project's
 * namespace) is reported as a ConfigError naming the file, before the schema sees any value.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { CONFIG_KEYS, ConfigError, SECRET_KEYS, type RawConfig } from "./config";

export const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Namespaces of the providers this program configures in stack files; their keys are not ours to validate. */
export const PROVIDER_NAMESPACES = ["aws", "cloudflare", "kubernetes", "random", "pulumi"] as const;

export interface StackFile {
  project: string;
  stack: string;
  /** The stack file read (absolute path). */
  file: string;
  raw: RawConfig;
}

const fail = (problem: string): never => {
  throw new ConfigError([problem]);
};

/** A file's text, refusing binary content (NUL bytes or invalid UTF-8). */
function readText(file: string, shown: string): string {
  const bytes = fs.readFileSync(file);
  try {
    if (bytes.includes(0)) throw new Error("NUL byte");
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return fail(`${shown}: is not a text file (binary content); expected a YAML file`);
  }
}

/** Parse YAML, naming the file in any syntax error (line and column come from the parser). */
function parseYaml(text: string, shown: string): unknown {
  try {
    return parse(text);
  } catch (e) {
    return fail(`${shown}: is not valid YAML: ${(e instanceof Error ? e.message : String(e)).split("\n")[0].replace(/:$/, "")}`);
  }
}

function kindOf(v: unknown): string {
  if (v === null || v === undefined) return "nothing";
  if (Array.isArray(v)) return "a list";
  return typeof v === "object" ? "a mapping" : `a ${typeof v} (${JSON.stringify(v)})`;
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The project name from Pulumi.yaml `name:`: it is the namespace of every config key (`<name>:tier`). */
export function readProjectName(root: string = PROJECT_ROOT): string {
  const file = path.join(root, "Pulumi.yaml");
  if (!fs.existsSync(file)) fail(`${file}: not found; the program needs its project file Pulumi.yaml`);
  const doc = parseYaml(readText(file, file), file);
  if (!isMapping(doc)) return fail(`${file}: expected a mapping with name:, runtime: and main:; found ${kindOf(doc)}`);
  if (typeof doc.name !== "string" || !/^[A-Za-z0-9_.-]+$/.test(doc.name)) {
    return fail(`${file}: name: is ${doc.name === undefined ? "missing" : JSON.stringify(doc.name)}; expected the project name (letters, digits, _ . -), which is also the config namespace, e.g. name: finishthisidea`);
  }
  return doc.name;
}

/**
 * One placeholder Output per text, so two reads of the same stack file give equal raw configs (the tests share
 * program runs by raw config, tools/program.ts).
 */
const placeholders = new Map<string, pulumi.Output<string>>();
const placeholderTexts = new WeakMap<object, string>();
function secretPlaceholder(text: string): pulumi.Output<string> {
  let placeholder = placeholders.get(text);
  if (!placeholder) {
    placeholders.set(text, (placeholder = pulumi.secret(text)));
    placeholderTexts.set(placeholder, text);
  }
  return placeholder;
}

/** The text a stack file's secret placeholder stands for (the same in every process), or undefined for any other Output. */
export function placeholderText(secret: object): string | undefined {
  return placeholderTexts.get(secret);
}

/** Split `<namespace>:*` values into plain values and secrets (secure values become placeholders). */
export function rawConfigFrom(config: Record<string, unknown>, where: string, namespace: string): RawConfig {
  const raw: RawConfig = { values: {}, secrets: {} };
  const problems: string[] = [];
  const ours = new Set<string>(CONFIG_KEYS);
  for (const [fullKey, value] of Object.entries(config)) {
    const colon = fullKey.indexOf(":");
    if (colon < 0) {
      problems.push(`${where}: key ${JSON.stringify(fullKey)} has no namespace; write it as ${namespace}:${fullKey}${ours.has(fullKey) ? "" : " (or <provider>:" + fullKey + ")"}`);
      continue;
    }
    const [ns, key] = [fullKey.slice(0, colon), fullKey.slice(colon + 1)];
    if (ns !== namespace) {
      // Provider config (aws:region, ...) is not ours to validate; our keys under another name are a mistake.
      if (!(PROVIDER_NAMESPACES as readonly string[]).includes(ns) && ours.has(key)) {
        problems.push(`${where}: ${fullKey} is in namespace ${JSON.stringify(ns)}, but this project (Pulumi.yaml name:) is ${JSON.stringify(namespace)}; write it as ${namespace}:${key}`);
      }
      continue;
    }
    const isSecure = isMapping(value) && "secure" in value;
    if (isSecure && (SECRET_KEYS as readonly string[]).includes(key)) {
      raw.secrets[key as (typeof SECRET_KEYS)[number]] = secretPlaceholder(`[secret ${key} from ${where}]`);
    } else if (isSecure) {
      problems.push(`${where}: ${fullKey} is encrypted, but only ${SECRET_KEYS.join(", ")} may be secrets`);
    } else {
      raw.values[key] = value;
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return raw;
}

/** Where a stack argument points: a file to read, or a stack name beside Pulumi.yaml. */
export interface StackTarget {
  file: string;
  stack: string;
  /** How to name the file in messages: as the user wrote it. */
  shown: string;
}

const STACK_FILE = /^Pulumi\.(.+)\.ya?ml$/;

/**
 * Resolve a stack argument. Anything that names an existing file, relative to `from` (the directory the user
 * ran the command in), is that file; Pulumi.yaml itself is refused. Otherwise a plain name is a stack beside
 * Pulumi.yaml in `root`, and something that looks like a path but is missing says which path, from where.
 */
export function resolveStackTarget(arg: string, from: string, root: string = PROJECT_ROOT): StackTarget {
  const candidate = path.resolve(from, arg);
  const base = path.basename(candidate);
  if (/^Pulumi\.ya?ml$/.test(base) && fs.existsSync(candidate)) {
    fail(`${arg}: is the project file, not a stack file; name a stack (${knownStacks(root).join(", ")}) or a Pulumi.<stack>.yaml file`);
  }
  if (fs.existsSync(candidate)) {
    if (!fs.statSync(candidate).isFile()) fail(`${arg}: is a directory (${candidate}); expected a Pulumi.<stack>.yaml file or a stack name`);
    return { file: candidate, stack: STACK_FILE.exec(base)?.[1] ?? base.replace(/\.ya?ml$/, ""), shown: arg };
  }
  const looksLikePath = arg.includes("/") || arg.includes(path.sep) || /\.ya?ml$/.test(arg) || arg.startsWith(".");
  if (looksLikePath) fail(`${arg}: no such file (looked for ${candidate}, relative to ${from})`);
  for (const ext of ["yaml", "yml"]) {
    const file = path.join(root, `Pulumi.${arg}.${ext}`);
    if (fs.existsSync(file)) return { file, stack: arg, shown: `Pulumi.${arg}.${ext}` };
  }
  return fail(`no stack ${JSON.stringify(arg)}: there is no Pulumi.${arg}.yaml in ${root} nor a file ${arg} in ${from}; known stacks: ${knownStacks(root).join(", ") || "(none)"}`);
}

function knownStacks(root: string): string[] {
  return fs.readdirSync(root).map((f) => STACK_FILE.exec(f)?.[1]).filter((s): s is string => s !== undefined);
}

export interface ReadOptions {
  /** The directory relative paths are resolved from; the CLI passes the user's (tools/cli.ts invocationDir). */
  from?: string;
  /** The project directory: Pulumi.yaml and the stack files named by stack. */
  root?: string;
}

/**
 * Read a stack by name (Pulumi.<stack>.yaml beside Pulumi.yaml) or by the path of a stack file
 * (`path/to/Pulumi.<stack>.yaml`, e.g. one written by a test). Throws ConfigError naming the file.
 */
export function readStackFile(stackOrPath: string, options: ReadOptions = {}): StackFile {
  const root = options.root ?? PROJECT_ROOT;
  const target = resolveStackTarget(stackOrPath, options.from ?? root, root);
  const project = readProjectName(root);
  const where = target.shown;
  const doc = parseYaml(readText(target.file, where), where);
  const expected = `expected a mapping with config: holding ${project}:<key>: <value> entries`;
  if (doc === null || doc === undefined) fail(`${where}: is empty; ${expected}`);
  if (!isMapping(doc)) return fail(`${where}: is ${kindOf(doc)} at the top level; ${expected}`);
  if (!("config" in doc)) fail(`${where}: has no config: key (top-level keys: ${Object.keys(doc).join(", ")}); ${expected}`);
  if (!isMapping(doc.config)) return fail(`${where}: config: is ${kindOf(doc.config)}; expected a mapping of ${project}:<key>: <value> entries`);
  const raw = rawConfigFrom(doc.config, where, project);
  if (Object.keys(raw.values).length === 0 && Object.keys(raw.secrets).length === 0) {
    fail(`${where}: sets no ${project}:* keys (found ${Object.keys(doc.config).join(", ") || "none"}); expected at least ${project}:tier, ${project}:domain and the other required keys (README, config keys)`);
  }
  return { project, stack: target.stack, file: target.file, raw };
}
