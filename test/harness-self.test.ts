/**
 * Self-test of the whole-program harness (tools/program.ts): a tiny program of known resources, registered
 * with and without each option, and what the harness reports for it. The "every stateful resource is
 * protected" tests elsewhere read `options.protect`; this is what keeps that reading honest.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { PlatformConfig } from "../infra/config";
import { resolveConfig } from "../infra/config";
import { readStackFile } from "../infra/stack-file";
import { runProgram, type ProgramBuilder, type ProgramRun, type RegisteredResource } from "../tools/program";

/** What the fake program registers instead of the platform (set per test before runProgram). */
const program = { build: (_root: unknown) => ({}) as Record<string, unknown> };

/** A root component standing where the platform would, running `program.build` under it. */
class Root extends pulumi.ComponentResource {
  constructor(opts?: pulumi.ComponentResourceOptions) {
    super("finishthisidea:platform:Platform", "root", {}, opts);
    this.registerOutputs({});
  }
}
const buildFake: ProgramBuilder = (_config, opts) => program.build(new Root(opts)) as unknown as ReturnType<ProgramBuilder>;

class Box extends pulumi.ComponentResource {
  constructor(name: string, opts?: pulumi.ComponentResourceOptions) {
    super("finishthisidea:test:Box", name, {}, opts);
  }
}

let config: PlatformConfig;
beforeAll(() => {
  config = resolveConfig(readStackFile("staging").raw, "finishthisidea", "staging");
});

const byName = (run: ProgramRun, name: string): RegisteredResource => {
  const r = run.resources.find((x) => x.name === name);
  if (!r) throw new Error(`${name} not registered; have ${run.resources.map((x) => x.name).join(", ")}`);
  return r;
};

describe("tools/program.ts reports each resource option as registered", () => {
  let run: ProgramRun;
  beforeAll(async () => {
    program.build = (root) => {
      const parent = root as pulumi.Resource;
      const openBox = new Box("open-box", { parent });
      const provider = new aws.Provider("east", { region: "us-east-1" }, { parent });
      const plain = new aws.sqs.Queue("plain", {}, { parent });
      new aws.sqs.Queue("protected", {}, { parent, protect: true });
      new aws.sqs.Queue("explicitly-unprotected", {}, { parent, protect: false });
      new aws.sqs.Queue("ignoring", { tags: { a: "b" } }, { parent, ignoreChanges: ["tags", "lifecycleRules"] });
      new aws.sqs.Queue("renamed", {}, { parent, aliases: [{ name: "old-name" }, { type: "finishthisidea:old:Queue", parent: pulumi.rootStackResource }, { parent: openBox }] });
      new aws.sqs.Queue("retained", {}, { parent, retainOnDelete: true, deleteBeforeReplace: true });
      new aws.sqs.Queue("after-plain", {}, { parent, dependsOn: [plain], provider });
      const box = new Box("box", { parent, protect: true });
      new aws.sqs.Queue("in-protected-box", {}, { parent: box });
      new aws.sqs.Queue("in-open-box", { name: pulumi.secret("hidden-name"), tags: { team: "platform" } }, { parent: openBox });
      return {};
    };
    run = await runProgram(config, { preview: true }, buildFake);
  });

  it("protect: true only where set (or inherited from a protected parent), false otherwise", () => {
    const protectedNames = run.resources.filter((r) => r.options.protect).map((r) => r.name).sort();
    expect(protectedNames).toEqual(["box", "in-protected-box", "protected"]);
    expect(byName(run, "plain").options.protect).toBe(false);
    expect(byName(run, "explicitly-unprotected").options.protect).toBe(false);
  });

  it("a resource with no options reports the empty defaults, as a whole", () => {
    expect(byName(run, "plain").options).toEqual({
      protect: false, aliases: [], dependsOn: [], provider: undefined, ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false,
    });
  });

  it("ignoreChanges, aliases, retainOnDelete, deleteBeforeReplace, dependsOn and an explicit provider", () => {
    expect(byName(run, "ignoring").options.ignoreChanges).toEqual(["tags", "lifecycleRules"]);
    expect(byName(run, "renamed").options.aliases).toEqual([
      { name: "old-name", type: undefined, parent: undefined },
      { name: undefined, type: "finishthisidea:old:Queue", parent: "<root stack>" },
      { name: undefined, type: undefined, parent: "open-box" },
    ]);
    expect(byName(run, "retained").options).toMatchObject({ retainOnDelete: true, deleteBeforeReplace: true });
    expect(byName(run, "after-plain").options).toMatchObject({ dependsOn: ["plain"], provider: "east" });
    for (const name of ["plain", "protected", "ignoring", "in-open-box"]) {
      expect(byName(run, name).options, name).toMatchObject({ aliases: [], dependsOn: [], retainOnDelete: false, deleteBeforeReplace: false });
    }
  });

  it("parents, components, secret inputs and plain inputs", () => {
    const inBox = byName(run, "in-open-box");
    expect(inBox).toMatchObject({ parent: "open-box", parentType: "finishthisidea:test:Box", component: "open-box", custom: true });
    expect(inBox.secretInputs).toEqual(["name"]);
    expect(inBox.inputs).toMatchObject({ name: "hidden-name", tags: { team: "platform" } });
    expect(byName(run, "plain").secretInputs).toEqual([]);
    expect(byName(run, "plain")).toMatchObject({ parent: "root", component: "root" });
    expect(byName(run, "box")).toMatchObject({ custom: false, component: "box" });
  });
});

describe("tools/program.ts refuses what the real engine refuses", () => {
  it("two resources of one type and name under one parent", async () => {
    program.build = (root) => {
      const parent = root as pulumi.Resource;
      new aws.sqs.Queue("twin", {}, { parent });
      new aws.sqs.Queue("twin", {}, { parent });
      return {};
    };
    await expect(runProgram(config, { preview: true }, buildFake)).rejects.toThrow(/Resources registered twice under one name.*\n.*aws:sqs\/queue:Queue::twin/);
  });
});
