/**
 * Whole-program test harness: runs the real infra/ program under Pulumi's mocks for a stack file or a tier
 * with overrides, and returns every registered resource (type, name, parent, inputs, options).
 */
import { readStackFile } from "../infra/stack-file";
import type { TierName } from "../infra/tiers";
import type { CommandIo } from "../tools/plan";
import { runStack, type ProgramRun, type RegisteredResource, type RunOptions } from "../tools/program";
import { rawConfigWith } from "./config-harness";

export { problemsFor, rawConfigWith } from "./config-harness";

export type { ProgramRun, RegisteredResource };

/** Run the program for a stack file in this repository (Pulumi.<stack>.yaml). */
export function runStackFile(stack: string, options?: RunOptions): Promise<ProgramRun> {
  const file = readStackFile(stack);
  return runStack(file.raw, file.project, file.stack, options);
}

/** Run the program for a tier (config otherwise staging's), optionally with more config values. */
export function runTier(tier: TierName, values: Record<string, unknown> = {}, options?: RunOptions): Promise<ProgramRun> {
  return runStack(rawConfigWith({ tier, ...values }), "finishthisidea", `test-${tier}`, options);
}

export function ofType(run: ProgramRun, type: string): RegisteredResource[] {
  return run.resources.filter((r) => r.type === type);
}

export function named(run: ProgramRun, type: string, name: string): RegisteredResource {
  const found = run.resources.find((r) => r.type === type && r.name === name);
  if (!found) {
    const names = ofType(run, type).map((r) => r.name);
    throw new Error(`No ${type} named ${name}; registered: ${names.join(", ") || "(none of this type)"}`);
  }
  return found;
}

/** Children (direct or nested) of a component, by component name. */
export function inComponent(run: ProgramRun, component: string): RegisteredResource[] {
  return run.resources.filter((r) => r.component === component && r.name !== component);
}

/**
 * A command's `main` run in this process, so it shares the program runs the suites already evaluated; the
 * result has spawnSync's shape (exit code, what it printed).
 */
export async function runCommand(
  main: (argv: string[], io: CommandIo) => Promise<number>,
  ...argv: string[]
): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const status = await main(argv, {
    out: (text) => {
      stdout += `${text}\n`;
    },
    err: (text) => {
      stderr += `${text}\n`;
    },
  });
  return { status, stdout, stderr };
}
