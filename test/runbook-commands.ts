/**
 * Runbooks as code: extract every command of a runbook, and replay the ones that change a stack (`pulumi stack
 * init`, `pulumi config set`, `jq` on the policy pack config) against copies of the stack's config, so a test can
 * plan the result and run the policy pack on it. Pure apart from `runJq` (the real jq on a temporary file).
 *
 * `pulumi config set` follows the CLI's documented rules (pulumi.com/docs/iac/cli/commands/pulumi_config_set):
 * a top-level value is always stored as a string; with `--path`, "true"/"false" become booleans, integers become
 * numbers and everything else a string; `name[i]` sets a list item. The program's entry (infra/index.ts
 * readConfig) then JSON-parses each top-level value's text, which `toRawValues` repeats here.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface RunbookCommand {
  /** 1-based line of the command's first line in the file. */
  line: number;
  /** The command with continuation lines joined and trailing comments removed. */
  text: string;
  /** From a fenced sh block, or an inline `code` span in the prose. */
  source: "block" | "inline";
}

/** Programs a runbook command may start with (after any VAR=value assignments). */
export const RUNBOOK_PROGRAMS = ["pulumi", "aws", "kubectl", "curl", "jq", "npm", "npx", "grep", "export"] as const;

/** Drop a `# comment` that starts outside quotes after whitespace. */
function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(line[i - 1]))) return line.slice(0, i).trimEnd();
  }
  return line.trimEnd();
}

/** Every command of a Markdown runbook: each logical line of a ```sh block, and inline spans starting with a program. */
export function extractCommands(markdown: string): RunbookCommand[] {
  const lines = markdown.split("\n");
  const out: RunbookCommand[] = [];
  let inBlock = false;
  let pending: { line: number; text: string } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const fence = /^\s*```(\w*)\s*$/.exec(raw);
    if (fence) {
      inBlock = !inBlock && fence[1] === "sh" ? true : inBlock && fence[1] === "" ? false : inBlock;
      continue;
    }
    if (inBlock) {
      const stripped = stripComment(raw).trim();
      const joined = pending ? `${pending.text} ${stripped}` : stripped;
      const start = pending?.line ?? i + 1;
      if (joined.endsWith("\\")) {
        pending = { line: start, text: joined.slice(0, -1).trimEnd() };
        continue;
      }
      pending = undefined;
      if (joined) out.push({ line: start, text: joined, source: "block" });
      continue;
    }
    // Inline commands stay on one line of prose; longer ones belong in a block.
    for (const m of raw.matchAll(/`([^`]+)`/g)) {
      const text = m[1].trim();
      if (new RegExp(`^(${RUNBOOK_PROGRAMS.join("|")})\\s`).test(text)) out.push({ line: i + 1, text, source: "inline" });
    }
  }
  return out;
}

/** Shell words of a command, quotes removed; `expand` rewrites `$VAR` and `$(...)` outside single quotes. */
export function shellWords(command: string, expand: (ref: string) => string = (r) => r): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated ' in: ${command}`);
      word += command.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let part = "";
      while (j < command.length && command[j] !== '"') {
        if (command[j] === "$") {
          const ref = dollarRef(command, j);
          part += expand(ref);
          j += ref.length;
        } else part += command[j++];
      }
      if (j >= command.length) throw new Error(`unterminated " in: ${command}`);
      word += part;
      inWord = true;
      i = j;
    } else if (c === "$") {
      const ref = dollarRef(command, i);
      word += expand(ref);
      inWord = true;
      i += ref.length - 1;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}

/** The `$NAME` or balanced `$(...)` starting at i. */
function dollarRef(s: string, i: number): string {
  if (s[i + 1] === "(") {
    let depth = 0;
    for (let j = i + 1; j < s.length; j++) {
      if (s[j] === "(") depth++;
      if (s[j] === ")" && --depth === 0) return s.slice(i, j + 1);
    }
    throw new Error(`unbalanced $( in: ${s}`);
  }
  const m = /^\$\{?[A-Za-z_]\w*\}?/.exec(s.slice(i));
  return m ? m[0] : "$";
}

/** A config value as `pulumi config set --path` stores it. */
export function pathValue(text: string): string | number | boolean {
  if (text === "true" || text === "false") return text === "true";
  if (/^-?\d+$/.test(text)) return Number(text);
  return text;
}

/** Split `ns:a.b[2].c` into the top-level key `ns:a` and the path below it. */
export function configPath(key: string): { top: string; path: (string | number)[] } {
  const m = /^([^.[]+)(.*)$/.exec(key);
  if (!m) throw new Error(`not a config key: ${key}`);
  const path = [...m[2].matchAll(/\.([^.[]+)|\[(\d+)\]/g)].map((p) => (p[2] !== undefined ? Number(p[2]) : p[1]));
  return { top: m[1], path };
}

/** Stack config as the CLI stores it: top-level key (with namespace) to a string or a structured value. */
export type StoredConfig = Record<string, unknown>;

/** `pulumi config set [--path] key value` applied to a copy of the stored config. */
export function applyConfigSet(config: StoredConfig, args: string[]): StoredConfig {
  const flags = args.filter((a) => a.startsWith("--"));
  const positional = args.filter((a) => !a.startsWith("--"));
  const unknown = flags.filter((f) => f !== "--path");
  if (unknown.length > 0) throw new Error(`pulumi config set: flags ${unknown.join(" ")} are not replayed here (secrets are set by hand)`);
  if (positional.length !== 2) throw new Error(`pulumi config set needs a key and a value; got ${JSON.stringify(positional)}`);
  const [key, value] = positional;
  const next = structuredClone(config);
  if (!flags.includes("--path")) {
    next[key] = value;
    return next;
  }
  const { top, path } = configPath(key);
  if (path.length === 0) {
    next[top] = value;
    return next;
  }
  let node: any = (next[top] ??= typeof path[0] === "number" ? [] : {});
  path.forEach((k, i) => {
    const last = i === path.length - 1;
    if (typeof k === "number" && (!Array.isArray(node) || k > node.length)) throw new Error(`pulumi config set --path ${key}: index ${k} is past the end of the list`);
    if (last) node[k] = pathValue(value);
    else node = node[k] ??= typeof path[i + 1] === "number" ? [] : {};
  });
  return next;
}

/** What infra/index.ts readConfig makes of the stored config: the text of each value, JSON-parsed where it parses. */
export function toRawValues(config: StoredConfig, namespace: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [full, v] of Object.entries(config)) {
    if (!full.startsWith(`${namespace}:`)) continue;
    if (typeof v === "object" && v !== null && "secure" in v) continue;
    const text = typeof v === "string" ? v : JSON.stringify(v);
    try {
      out[full.slice(namespace.length + 1)] = JSON.parse(text);
    } catch {
      out[full.slice(namespace.length + 1)] = text;
    }
  }
  return out;
}

/** Run a runbook's jq command for real in a scratch directory holding `files` (relative path -> content); returns them after. */
export function runJq(command: string, files: Record<string, string>): Record<string, string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "runbook-jq-"));
  try {
    for (const [rel, content] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
      fs.writeFileSync(path.join(dir, rel), content);
    }
    execFileSync("bash", ["-euo", "pipefail", "-c", command], { cwd: dir, stdio: "pipe" });
    return Object.fromEntries(Object.keys(files).map((rel) => [rel, fs.readFileSync(path.join(dir, rel), "utf8")]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A point where the runbook runs `pulumi up` or `pulumi preview`: what that stack and pack config would be. */
export interface PlanPoint {
  line: number;
  command: string;
  stack: string;
  config: StoredConfig;
  /** The stack's pack-config overrides file (policy/config/<stack>.json), merged over its environment's levels. */
  policyConfigPath: string;
  policyConfig: string;
}

export interface ReplayStart {
  /** The stack the runbook starts on (`pulumi stack select prod`). */
  stack: string;
  /** Stored config per stack, from the stack files. */
  stacks: Record<string, StoredConfig>;
  /** Pack config files by repository path (policy/config/<stack>.json). */
  policyConfigs: Record<string, string>;
  namespace: string;
}

/**
 * Replay a runbook's commands in order: variable assignments with literal values, `pulumi stack init` (a copy of
 * the current stack's config, as the runbook tells the reader to make), `pulumi [-s stack] config set`, `jq` on a
 * pack config file (run for real), and a plan point at every `pulumi up` / `pulumi preview`. A config value that
 * needs anything but a literal variable or `$(pulumi [-s stack] stack output tier)` throws: the test cannot
 * know what it would be.
 */
export function replayRunbook(commands: RunbookCommand[], start: ReplayStart): PlanPoint[] {
  const stacks = structuredClone(start.stacks);
  const policy = { ...start.policyConfigs };
  const vars: Record<string, string | undefined> = {};
  let current = start.stack;
  const points: PlanPoint[] = [];
  const expand = (where: RunbookCommand) => (ref: string): string => {
    const name = /^\$\{?(\w+)\}?$/.exec(ref)?.[1];
    if (name !== undefined) {
      const v = vars[name];
      if (v === undefined) throw new Error(`line ${where.line}: ${ref} has no literal value here (${where.text})`);
      return v;
    }
    const out = /^\$\(pulumi(?:\s+-s\s+(\S+))?\s+stack\s+output\s+tier\)$/.exec(ref);
    if (out) return String(stacks[out[1] ?? current]?.[`${start.namespace}:tier`]);
    throw new Error(`line ${where.line}: cannot resolve ${ref} (${where.text})`);
  };
  for (const c of commands) {
    const assign = /^([A-Za-z_]\w*)=(\S*)$/.exec(c.text);
    if (assign) {
      vars[assign[1]] = /[$`]/.test(assign[2]) ? undefined : assign[2].replace(/^["']|["']$/g, "");
      continue;
    }
    if (/^jq\s/.test(c.text)) {
      const touched = Object.keys(policy).filter((f) => c.text.includes(f));
      if (touched.length === 0) throw new Error(`line ${c.line}: jq edits no pack config file (${c.text})`);
      Object.assign(policy, runJq(c.text, Object.fromEntries(touched.map((f) => [f, policy[f]]))));
      continue;
    }
    if (!/^pulumi\s/.test(c.text)) continue;
    // Only a config value must be known; elsewhere a reference stays as written.
    const words = shellWords(c.text);
    let stack = current;
    const args = words.slice(1);
    if (args[0] === "-s") {
      stack = args[1];
      args.splice(0, 2);
    }
    const verb = args.slice(0, 2).join(" ");
    if (verb === "stack init") {
      stacks[args[2]] = structuredClone(stacks[current]);
      current = args[2];
    } else if (verb === "stack select") {
      current = args[2];
    } else if (verb === "config set") {
      const resolved = shellWords(c.text, expand(c)).slice(words[1] === "-s" ? 5 : 3);
      stacks[stack] = applyConfigSet(stacks[stack], resolved);
    } else if (args[0] === "up" || args[0] === "preview") {
      // The pack config the CLI gets is what tools/policy-config.ts writes: the stack's environment levels with
      // the stack's own overrides file on top, so the overrides file is what a runbook's edits reach.
      const policyConfigPath = `policy/config/${stack}.json`;
      points.push({ line: c.line, command: c.text, stack, config: structuredClone(stacks[stack]), policyConfigPath, policyConfig: policy[policyConfigPath] ?? "{}" });
    }
  }
  return points;
}
