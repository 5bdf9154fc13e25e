/**
 * Runs one component (or any resource-building function) under Pulumi's mocks, outside the whole program,
 * and records what it registers in the same shape as the program harness (type, name, parent, inputs,
 * secretInputs, options). For testing a component with fake args before or beside its wiring.
 */
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockOutputs } from "../tools/mock-outputs";
import type { PlatformConfig } from "../infra/config";
import { withoutStackTraces, type RegisteredResource } from "../tools/program";

// Internal but exported: resolves once every RPC the program issued has completed.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs: () => Promise<void> };

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

function plain(value: any): any {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== "object") return value;
  if (value.__pulumiUnknown === true) return "<computed>";
  if (SECRET_SIG in value) return plain(value.value);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

async function secretPaths(value: unknown, path = ""): Promise<string[]> {
  if (pulumi.Output.isInstance(value)) return (await pulumi.isSecret(value)) ? [path] : [];
  if (value === null || typeof value !== "object" || pulumi.Resource.isInstance(value)) return [];
  const nested = await Promise.all(Object.entries(value as Record<string, unknown>).map(([k, v]) => secretPaths(v, path ? `${path}.${k}` : k)));
  return nested.flat();
}

class TestRoot extends pulumi.ComponentResource {
  constructor(opts: pulumi.ComponentResourceOptions) {
    super("test:index:Root", "root", {}, opts);
  }
}

const nameOf = (r: unknown): string | undefined => (r as { __name?: string } | undefined)?.__name;

/** Mock config: only the fields mock outputs read. */
const MOCK_CONFIG = { primaryRegion: "us-east-1" } as PlatformConfig;

/**
 * Build resources inside `build(parent)` under mocks (`preview` false by default so applies run) and return
 * every resource registered below the test root. Without the SDK's debugging aids, as the whole program runs
 * (tools/program.ts `withoutStackTraces`), unless `debugRuntime` (which a test uses to show they change nothing).
 */
export function runComponent<T>(build: (parent: pulumi.ComponentResource) => T, options: { preview?: boolean; debugRuntime?: boolean } = {}): Promise<{ resources: RegisteredResource[]; result: T }> {
  return options.debugRuntime ? evaluateComponent(build, options) : withoutStackTraces(() => evaluateComponent(build, options));
}

async function evaluateComponent<T>(build: (parent: pulumi.ComponentResource) => T, options: { preview?: boolean }): Promise<{ resources: RegisteredResource[]; result: T }> {
  const preview = options.preview ?? false;
  const inputs = new Map<string, { inputs: Record<string, any>; provider?: string }>();
  await pulumi.runtime.setMocks({
    newResource(args) {
      inputs.set(`${args.type}::${args.name}`, { inputs: args.inputs, provider: args.provider });
      return { id: `${args.name}-id`, state: preview ? {} : { ...args.inputs, ...mockOutputs(args, MOCK_CONFIG) } };
    },
    call(args) {
      return mockCall(args, MOCK_CONFIG);
    },
  }, "finishthisidea", "component-test", preview);

  const captured: { resource: pulumi.Resource; type: string; name: string; parent?: pulumi.Resource; opts: any; props: Record<string, unknown> }[] = [];
  const root = new TestRoot({
    transformations: [({ resource, type, name, props, opts }) => {
      captured.push({ resource, type, name, parent: opts.parent, opts, props: props ?? {} });
      return undefined;
    }],
  });
  let result: T;
  try {
    result = build(root);
  } catch (err) {
    // Let the root finish registering before the next setMocks replaces the mock monitor.
    await new Promise((resolve) => root.urn.apply(resolve));
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    throw err;
  }

  const urns = new Map<unknown, string>();
  for (let seen = -1; seen !== captured.length;) {
    seen = captured.length;
    await Promise.all(captured.filter((c) => !urns.has(c)).map(async (c) => urns.set(c, await new Promise<string>((resolve) => c.resource.urn.apply(resolve)))));
  }
  const counts = new Map<string, number>();
  for (const u of urns.values()) counts.set(u, (counts.get(u) ?? 0) + 1);
  const clashes = [...counts].filter(([, n]) => n > 1).map(([u]) => u);
  if (clashes.length > 0) throw new Error(`Resources registered twice under one name:\n  ${clashes.join("\n  ")}`);

  const resources = await Promise.all(captured.map(async (c): Promise<RegisteredResource> => {
    const reg = inputs.get(`${c.type}::${c.name}`);
    let component: string | undefined;
    for (let r: any = c.resource; r && !component; r = r.__parentResource) {
      if (String(r.__pulumiType ?? "").startsWith("finishthisidea:")) component = nameOf(r);
    }
    return {
      urn: urns.get(c)!,
      type: c.type,
      name: c.name,
      parent: nameOf(c.parent),
      parentType: (c.parent as any)?.__pulumiType,
      component,
      custom: reg !== undefined,
      inputs: plain(reg?.inputs ?? {}),
      secretInputs: await secretPaths(c.props),
      options: {
        protect: Boolean(c.opts.protect),
        aliases: c.opts.aliases ?? [],
        dependsOn: (Array.isArray(c.opts.dependsOn) ? c.opts.dependsOn : c.opts.dependsOn ? [c.opts.dependsOn] : []).map((d: unknown) => nameOf(d) ?? "<output>"),
        provider: reg?.provider?.split("::").slice(0, -1).join("::").split("::").pop(),
        ignoreChanges: c.opts.ignoreChanges ?? [],
        deleteBeforeReplace: Boolean(c.opts.deleteBeforeReplace),
        retainOnDelete: Boolean(c.opts.retainOnDelete),
      },
    };
  }));
  // Every RPC of this build (registerOutputs included) completes against this build's mock monitor, not the next's.
  await waitForRPCs();
  return { resources, result };
}

export function find(resources: RegisteredResource[], type: string, name: string): RegisteredResource {
  const r = resources.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`No ${type} named ${name}; registered: ${resources.filter((x) => x.type === type).map((x) => x.name).join(", ") || "(none)"}`);
  return r;
}
