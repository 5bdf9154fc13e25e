/**
 * Runs the real platform program in-process under Pulumi's mock engine and records every resource it
 * registers: type, name, parent, inputs and options. The offline plan, the benchmark and the tests all go
 * through here, so what they report is what `pulumi up` would register.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { resolveConfig, type PlatformConfig, type RawConfig } from "../infra/config";
import type { StackOutputs } from "../infra/contracts";
import { createPlatform } from "../infra/platform";
import { placeholderText } from "../infra/stack-file";
import { mockCall, mockOutputs } from "./mock-outputs";
import type { RegisteredPlan, RegisteredResource } from "./registered";

export type { RegisteredPlan, RegisteredResource, ResourceOptionsRecord } from "./registered";

export interface ProgramRun extends RegisteredPlan {
  outputs: StackOutputs;
}

export interface RunOptions {
  /** Preview mode (the plan): unknown outputs stay unknown. Tests of derived values use false. Default true. */
  preview?: boolean;
  /**
   * The caller reads the stack outputs (live Outputs, which cannot cross processes): a shared run is then one
   * evaluated in this process, never one read from another test process (`shareRuns({ dir })`). Default false.
   */
  outputs?: boolean;
}

interface Captured {
  resource: pulumi.Resource;
  type: string;
  name: string;
  parent?: pulumi.Resource;
  opts: pulumi.CustomResourceOptions & pulumi.ComponentResourceOptions;
  props: Record<string, unknown>;
}

const nameOf = (r: unknown): string | undefined => (r as { __name?: string } | undefined)?.__name;
const typeOf = (r: unknown): string | undefined => (r as { __pulumiType?: string } | undefined)?.__pulumiType;

function describeAlias(alias: unknown): unknown {
  if (typeof alias === "string") return alias;
  if (pulumi.Output.isInstance(alias)) return "<output alias>";
  const a = alias as pulumi.Alias;
  // rootStackResource is undefined, so only an explicit `parent` key means the root stack; no key means "same parent".
  const parent = !("parent" in a) ? undefined : a.parent === pulumi.rootStackResource ? "<root stack>" : nameOf(a.parent);
  return { name: a.name, type: a.type, parent };
}

function dependsOnNames(dependsOn: pulumi.ResourceOptions["dependsOn"]): string[] {
  if (!dependsOn) return [];
  const list = Array.isArray(dependsOn) ? dependsOn : [dependsOn];
  return list.map((d) => nameOf(d) ?? "<output>");
}

/** The name inside a provider reference `urn::id` the engine passes to newResource. */
function providerName(ref: string | undefined): string | undefined {
  if (!ref) return undefined;
  const urn = ref.split("::").slice(0, -1).join("::");
  return urn.split("::").pop();
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const UNKNOWN_KEY = "__pulumiUnknown";
/** Shown for values the engine computes during the update (unknown in a preview). */
export const COMPUTED = "<computed>";

/** Inputs as the mock engine saw them, with secret wrappers removed (secretInputs keeps which were secret). */
function plainInputs(value: any): any {
  if (Array.isArray(value)) return value.map(plainInputs);
  if (value === null || typeof value !== "object") return value;
  if (value[UNKNOWN_KEY] === true) return COMPUTED;
  if (SECRET_SIG in value) return plainInputs(value.value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plainInputs(v)]));
}

/** Paths of the Outputs inside a resource's props that are secret (looked into objects and arrays). */
async function secretPaths(value: unknown, path = ""): Promise<string[]> {
  if (pulumi.Output.isInstance(value)) return (await pulumi.isSecret(value)) ? [path] : [];
  if (value === null || typeof value !== "object" || pulumi.Resource.isInstance(value)) return [];
  const entries = Object.entries(value as Record<string, unknown>);
  const nested = await Promise.all(entries.map(([k, v]) => secretPaths(v, path ? `${path}.${k}` : k)));
  return nested.flat();
}

/** Resources whose outputs an input refers to (looked into objects and arrays), for the wiring diagram. */
async function inputResources(value: unknown, seen = new Set<unknown>()): Promise<pulumi.Resource[]> {
  if (pulumi.Output.isInstance(value)) return [...(await pulumi.getAllResources(value))];
  if (pulumi.Resource.isInstance(value)) return [value];
  if (value === null || typeof value !== "object" || seen.has(value)) return [];
  seen.add(value);
  const nested = await Promise.all(Object.values(value as Record<string, unknown>).map((v) => inputResources(v, seen)));
  return nested.flat();
}

/** Evaluations shared in this process by (raw config, project, stack, mode), once `shareRuns()` was called. */
let shared: Map<string, Promise<ProgramRun>> | undefined;
/** Where runs are shared with the other test processes of the same `vitest run` (a directory it creates and removes). */
let sharedDir: string | undefined;
/** Runs of this process whose resources were read from `sharedDir`: their stack outputs stayed with the evaluator. */
const readFromDisk = new WeakSet<ProgramRun>();

/**
 * From now on, `runStack` with the same raw config, project, stack and mode returns the same run instead of
 * evaluating the program again; its resources are frozen, so no reader can change what another one reads
 * (clone them to make a broken variant). The test suites turn this on (test/setup.ts): a whole-program run
 * costs a second, and many suites read the same few. With `dir`, the resources are also shared with the other
 * processes given that directory: one evaluates, the others read its file.
 */
export function shareRuns(options: { dir?: string } = {}): void {
  shared ??= new Map();
  sharedDir = options.dir;
}

/** Secrets are Outputs (unreadable here): a run is shared only with callers passing the very same ones. */
const secretIds = new WeakMap<object, number>();
let nextSecretId = 0;
function runKey(raw: RawConfig, project: string, stack: string, preview: boolean): string {
  const secretId = (o: object) => {
    if (!secretIds.has(o)) secretIds.set(o, ++nextSecretId);
    return secretIds.get(o);
  };
  const secrets = Object.entries(raw.secrets).map(([k, o]) => [k, o === undefined ? undefined : secretId(o)]);
  return JSON.stringify([raw.values, secrets, project, stack, preview]);
}

/**
 * The same key readable by another process: secrets named by their stack-file placeholder text. A secret that is
 * no placeholder (a test's own `pulumi.secret`) has no name another process could match: such runs stay local.
 */
function processIndependentKey(raw: RawConfig, project: string, stack: string, preview: boolean): string | undefined {
  const secrets = Object.entries(raw.secrets).map(([k, o]) => [k, o === undefined ? null : placeholderText(o) ?? undefined]);
  if (secrets.some(([, text]) => text === undefined)) return undefined;
  return JSON.stringify([raw.values, secrets, project, stack, preview]);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function ownerAlive(lock: string): boolean {
  try {
    process.kill(Number(fs.readFileSync(lock, "utf8")), 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The run's resources from `dir` if another process wrote them; else evaluate here (claiming the key with a lock
 * file, so the others wait instead of evaluating it too) and write them for the others. A failed evaluation
 * writes nothing: each process then evaluates for itself and reports its own error. A lock whose process is gone
 * is taken over.
 */
export async function runSharedOnDisk(dir: string, key: string, config: PlatformConfig, options: RunOptions): Promise<ProgramRun> {
  const file = path.join(dir, `${crypto.createHash("sha256").update(key).digest("hex").slice(0, 32)}.json`);
  const lock = `${file}.lock`;
  for (;;) {
    if (fs.existsSync(file)) {
      const run = { config, resources: JSON.parse(fs.readFileSync(file, "utf8")) as RegisteredResource[] } as ProgramRun;
      Object.defineProperty(run, "outputs", {
        get() {
          throw new Error(`the run of stack ${config.stack} was read from another test process, without its stack outputs (live Outputs): pass { outputs: true } to evaluate it here`);
        },
      });
      readFromDisk.add(run);
      return run;
    }
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: "wx" });
    } catch {
      if (ownerAlive(lock)) await sleep(25);
      else fs.rmSync(lock, { force: true });
      continue;
    }
    try {
      const run = await runProgram(config, options);
      const temp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(temp, JSON.stringify(run.resources));
      fs.renameSync(temp, file);
      return run;
    } finally {
      fs.rmSync(lock, { force: true });
    }
  }
}

/** Resolve the raw config and run the program; ConfigError propagates before any resource is registered. */
export async function runStack(raw: RawConfig, project: string, stack: string, options: RunOptions = {}): Promise<ProgramRun> {
  const config = resolveConfig(raw, project, stack);
  if (!shared) return runProgram(config, options);
  const preview = options.preview ?? true;
  const key = runKey(raw, project, stack, preview);
  let run = shared.get(key);
  if (run && options.outputs && readFromDisk.has(await run)) run = undefined;
  if (!run) {
    const diskKey = sharedDir && !options.outputs ? processIndependentKey(raw, project, stack, preview) : undefined;
    const evaluated = sharedDir && diskKey ? runSharedOnDisk(sharedDir, diskKey, config, options) : runProgram(config, options);
    run = evaluated.then((r) => {
      deepFreeze(r.resources);
      return r;
    });
    shared.set(key, run);
    run.catch(() => shared?.delete(key));
  }
  return run;
}

/** The SDK's promise wrapper, called through its module object at every call site (so replacing it there takes effect). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: <T>(p: Promise<T>, ctx?: unknown) => Promise<T> };
const trackedPromise = debuggable.debuggablePromise;
const untrackedPromise = <T>(p: Promise<T>): Promise<T> => p;
/** Where each resource was declared: the SDK reads it from a whole stack trace (limit lifted), for the engine's diagnostics. */
// A private static in the SDK's typings, so reached through a plain view of the class.
const resourceClass = pulumi.Resource as unknown as { callsites: () => unknown[] };
const recordedCallsites = resourceClass.callsites;
const noCallsites = (): unknown[] => [];

type Saved = { stackTraceLimit: number; prepareStackTrace: ErrorConstructor["prepareStackTrace"] | undefined };
/** Evaluations inside `withoutStackTraces` right now; the first in sets the lean runtime, the last out restores it. */
let leanDepth = 0;
let saved: Saved | undefined;

function enterLean(): void {
  if (leanDepth++ > 0) return;
  saved = { stackTraceLimit: Error.stackTraceLimit, prepareStackTrace: Error.prepareStackTrace };
  Error.stackTraceLimit = 0;
  (Error as { prepareStackTrace?: ErrorConstructor["prepareStackTrace"] }).prepareStackTrace = undefined;
  debuggable.debuggablePromise = untrackedPromise;
  resourceClass.callsites = noCallsites;
}

function leaveLean(): void {
  if (--leanDepth > 0 || !saved) return;
  Error.stackTraceLimit = saved.stackTraceLimit;
  (Error as { prepareStackTrace?: ErrorConstructor["prepareStackTrace"] }).prepareStackTrace = saved.prepareStackTrace;
  debuggable.debuggablePromise = trackedPromise;
  resourceClass.callsites = recordedCallsites;
  saved = undefined;
}

/**
 * Evaluate under the mock engine without the SDK's debugging aids, which only a real deployment reads:
 * - a stack trace per promise and per resource (`debuggablePromise` and the resource's source position) is
 *   formatted through source maps: that was about 80% of evaluating the program. Here `Error.stackTraceLimit`
 *   is 0 and no formatter is set (V8 prints the bare message; even a plain formatter of ours cost a tenth more);
 * - the SDK records where each resource was declared (its source position, for the engine's diagnostics) from a
 *   stack trace it takes with the depth limit lifted, which the lean scope's limit cannot stop: here no call
 *   site is taken, and the mock engine never reads one;
 * - `debuggablePromise` also tags every promise and tracks it in a set for the promise-leak report printed when a
 *   `pulumi` program exits: a third of what remained. Here it hands the promise back untouched (same value, same
 *   rejection), and the registered resources are the same byte for byte (test/program-runner.test.ts).
 * Nested and concurrent evaluations share the scope; the last to finish restores all of it. A build that fails
 * is run again with everything restored (once no other evaluation is running), so the error points at the line
 * that threw.
 */
export async function withoutStackTraces<T>(build: () => Promise<T>): Promise<T> {
  enterLean();
  let failed = false;
  try {
    return await build();
  } catch {
    failed = true;
    leaveLean();
    return await build();
  } finally {
    if (!failed) leaveLean();
  }
}

/** What a run evaluates: the platform (infra/platform.ts), or a program of known resources (the harness's self-test). */
export type ProgramBuilder = (config: PlatformConfig, opts: pulumi.ComponentResourceOptions) => StackOutputs;

export async function runProgram(config: PlatformConfig, options: RunOptions = {}, build: ProgramBuilder = createPlatform): Promise<ProgramRun> {
  return withoutStackTraces(() => evaluate(config, options, build));
}

async function evaluate(config: PlatformConfig, options: RunOptions, build: ProgramBuilder): Promise<ProgramRun> {
  const preview = options.preview ?? true;
  const registered = new Map<string, { inputs: Record<string, any>; provider?: string; custom: boolean }>();
  const duplicates: string[] = [];

  await pulumi.runtime.setMocks({
    newResource(args) {
      const key = `${args.type}::${args.name}`;
      if (registered.has(key)) duplicates.push(key);
      registered.set(key, { inputs: args.inputs, provider: providerName(args.provider), custom: args.custom ?? true });
      return { id: `${args.name}-id`, state: preview ? {} : { ...args.inputs, ...mockOutputs(args, config) } };
    },
    call(args) {
      return mockCall(args, config);
    },
  }, config.project, config.stack, preview);

  const captured: Captured[] = [];
  const capture: pulumi.ResourceTransformation = ({ resource, type, name, props, opts }) => {
    captured.push({ resource, type, name, parent: opts.parent, opts, props: props ?? {} });
    return undefined;
  };

  const outputs = build(config, { transformations: [capture] });

  // Registration is asynchronous; wait until every resource seen so far has a URN, then look again in case
  // an apply registered more.
  const urns = new Map<Captured, string>();
  for (let seen = -1; seen !== captured.length;) {
    seen = captured.length;
    await Promise.all(captured.filter((c) => !urns.has(c)).map(async (c) => urns.set(c, await new Promise<string>((resolve) => c.resource.urn.apply(resolve)))));
  }
  const secretInputs = await Promise.all(captured.map((c) => secretPaths(c.props)));
  const urnOf = new Map<pulumi.Resource, string>(captured.map((c) => [c.resource, urns.get(c)!]));
  const inputDependencies = await Promise.all(captured.map(async (c) => {
    const deps = (await inputResources(c.props)).map((r) => urnOf.get(r)).filter((u): u is string => u !== undefined && u !== urns.get(c));
    return [...new Set(deps)].sort();
  }));

  const byUrn = new Map<string, number>();
  for (const urn of urns.values()) byUrn.set(urn, (byUrn.get(urn) ?? 0) + 1);
  const clashes = [...byUrn].filter(([, n]) => n > 1).map(([u]) => u).concat(duplicates);
  if (clashes.length > 0) {
    throw new Error(`Resources registered twice under one name (the real engine rejects this):\n  ${[...new Set(clashes)].join("\n  ")}`);
  }

  const resources = captured.map((c, i): RegisteredResource => {
    const reg = registered.get(`${c.type}::${c.name}`) ?? { inputs: {}, custom: false };
    let component: string | undefined;
    for (let r: any = c.resource; r && !component; r = r.__parentResource) {
      if (typeOf(r)?.startsWith("finishthisidea:")) component = nameOf(r);
    }
    return {
      urn: urns.get(c)!,
      type: c.type,
      name: c.name,
      parent: nameOf(c.parent),
      parentType: typeOf(c.parent),
      component,
      custom: reg.custom,
      inputs: plainInputs(reg.inputs),
      secretInputs: secretInputs[i],
      inputDependencies: inputDependencies[i],
      options: {
        protect: Boolean((c.resource as any).__protect ?? c.opts.protect),
        aliases: (c.opts.aliases ?? []).map(describeAlias),
        dependsOn: dependsOnNames(c.opts.dependsOn),
        provider: reg.provider ?? nameOf(c.opts.provider),
        ignoreChanges: c.opts.ignoreChanges ?? [],
        deleteBeforeReplace: Boolean(c.opts.deleteBeforeReplace),
        retainOnDelete: Boolean(c.opts.retainOnDelete),
      },
    };
  });
  return { config, resources, outputs };
}
