/**
 * Once per `vitest run`, before any test process starts: a fresh directory where the test processes share the
 * whole-program runs they evaluate (tools/program.ts `shareRuns`), removed when the run ends. Fresh each time, so
 * a run never reads what an earlier version of the program registered.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    runShareDir: string;
  }
}

export default function setup(project: TestProject): () => void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "finishthisidea-runs-"));
  project.provide("runShareDir", dir);
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
