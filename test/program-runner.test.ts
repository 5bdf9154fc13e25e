/**
 * tools/program.ts itself: runs shared by raw config and mode (test/setup.ts turns sharing on), their resources
 * frozen; and the evaluation without stack traces, which restores them and still reports where a failure threw.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { RedisCluster } from "../components/data";
import { TIERS } from "../infra/tiers";
import { runProgram, runSharedOnDisk, runStack, withoutStackTraces } from "../tools/program";
import { runComponent } from "./component-harness";
import { rawConfigWith, runStackFile, runTier } from "./harness";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as { debuggablePromise: unknown };

describe("shared runs", () => {
  it("returns the same run for the same raw config and mode, another for another mode or config", async () => {
    // The runs the whole-program suites read anyway (platform, program, policy-program).
    const mvp = await runTier("mvp");
    expect(await runTier("mvp")).toBe(mvp);
    expect(await runStack(rawConfigWith({ tier: "mvp" }), "finishthisidea", "test-mvp")).toBe(mvp);
    expect(await runTier("mvp", {}, { preview: false })).not.toBe(mvp);
    const surge = await runTier("growth", { surgeMode: true });
    expect(await runTier("growth", { surgeMode: false })).not.toBe(surge);
  });

  it("freezes the shared resources: a test that changes one must clone it first", async () => {
    const run = await runStackFile("staging");
    const cluster = run.resources.find((r) => r.type === "aws:eks/cluster:Cluster")!;
    expect(() => {
      cluster.inputs.version = "1.0";
    }).toThrow(TypeError);
    expect(() => run.resources.push(cluster)).toThrow(TypeError);
    const copy = structuredClone(cluster);
    copy.inputs.version = "1.0";
    expect(copy.inputs.version).toBe("1.0");
  });
});

describe("runs shared between test processes through a directory", () => {
  const freshDir = () => fs.mkdtempSync(path.join(os.tmpdir(), "runs-test-"));

  it("evaluates once and writes the resources; the next reader gets them from the file, without the stack outputs", async () => {
    const dir = freshDir();
    const { config } = await runStackFile("staging");
    const first = await runSharedOnDisk(dir, "staging-key", config, { preview: true });
    expect(Object.keys(first.outputs).length).toBeGreaterThan(3);
    const files = fs.readdirSync(dir);
    expect(files).toEqual([expect.stringMatching(/^[0-9a-f]{32}\.json$/)]);
    const second = await runSharedOnDisk(dir, "staging-key", config, { preview: true });
    expect(second).not.toBe(first);
    expect(second.resources).toEqual(first.resources);
    expect(second.config).toBe(config);
    expect(() => second.outputs).toThrow("the run of stack staging was read from another test process, without its stack outputs (live Outputs): pass { outputs: true } to evaluate it here");
    fs.rmSync(dir, { recursive: true });
  });

  it("waits while another process holds the key, and takes over a lock whose process is gone", async () => {
    const dir = freshDir();
    const { config } = await runStackFile("staging");
    const evaluated = await runSharedOnDisk(dir, "k", config, { preview: true });
    const [file] = fs.readdirSync(dir);
    const written = fs.readFileSync(path.join(dir, file), "utf8");
    fs.rmSync(path.join(dir, file));
    // A live holder (this process): the reader waits for the file instead of evaluating.
    fs.writeFileSync(path.join(dir, `${file}.lock`), String(process.pid));
    const waiting = runSharedOnDisk(dir, "k", config, { preview: true });
    await new Promise((resolve) => setTimeout(resolve, 100));
    fs.writeFileSync(path.join(dir, file), JSON.stringify([evaluated.resources[0]]));
    fs.rmSync(path.join(dir, `${file}.lock`));
    expect((await waiting).resources).toHaveLength(1);
    // A holder that died: its lock is taken over and the run evaluated here.
    fs.rmSync(path.join(dir, file));
    fs.writeFileSync(path.join(dir, `${file}.lock`), "2147483646");
    const takenOver = await runSharedOnDisk(dir, "k", config, { preview: true });
    expect(Object.keys(takenOver.outputs).length).toBeGreaterThan(3);
    expect(fs.readFileSync(path.join(dir, file), "utf8")).toBe(written);
    expect(fs.readdirSync(dir)).toEqual([file]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe("evaluation without stack traces", () => {
  it("restores Error.stackTraceLimit after a run", async () => {
    const limit = Error.stackTraceLimit;
    const { config } = await runStackFile("staging");
    await runProgram(config);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(new Error("x").stack).toMatch(/program-runner\.test\.ts/);
  });

  it("hands the SDK its promise tracking and call-site capture back after a run, and after runs that overlap", async () => {
    const tracked = debuggable.debuggablePromise;
    const resourceClass = pulumi.Resource as unknown as { callsites: () => unknown[] };
    const callsites = resourceClass.callsites;
    let inside: unknown;
    let sitesInside: unknown[] = [];
    await withoutStackTraces(async () => {
      inside = debuggable.debuggablePromise;
      sitesInside = resourceClass.callsites();
    });
    expect(inside).not.toBe(tracked);
    expect(sitesInside).toEqual([]);
    expect(debuggable.debuggablePromise).toBe(tracked);
    expect(resourceClass.callsites).toBe(callsites);
    expect(resourceClass.callsites().length).toBeGreaterThan(2);
    // Two evaluations at once: the first to finish must not restore what the second still runs without.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const long = withoutStackTraces(async () => {
      await held;
      return [debuggable.debuggablePromise, Error.stackTraceLimit];
    });
    await withoutStackTraces(async () => undefined);
    release();
    expect(await long).toEqual([inside, 0]);
    expect(debuggable.debuggablePromise).toBe(tracked);
    expect(resourceClass.callsites).toBe(callsites);
    expect(Error.stackTraceLimit).not.toBe(0);
  });

  it("registers exactly what the SDK registers with its debugging aids on", async () => {
    const build = (parent: pulumi.ComponentResource) => new RedisCluster("redis", { vpcId: "vpc-1", subnetIds: ["subnet-a", "subnet-b"], allowedSecurityGroupIds: ["sg-1"], preset: TIERS.growth.redis }, { parent });
    const lean = await runComponent(build);
    const debug = await runComponent(build, { debugRuntime: true });
    expect(lean.resources.length).toBeGreaterThan(3);
    expect(lean.resources).toEqual(debug.resources);
  });

  it("a run that throws is run again with stack traces, so the error points at the line that threw", async () => {
    const limit = Error.stackTraceLimit;
    const { config } = await runStackFile("staging");
    // Past the config schema (which refuses it): more NAT gateways than availability zones.
    const broken = { ...config, preset: { ...config.preset, network: { ...config.preset.network, natGateways: 9 } } };
    const err = (await runProgram(broken).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/natGateways \(9\) exceeds the number of AZs/);
    expect(err.stack).toMatch(/components\/network\/network\.ts:\d+/);
    expect(Error.stackTraceLimit).toBe(limit);
  });
});
