/**
 * Runs before every test file. Files share one worker process (vitest.config.mts: `isolate: false`), so a
 * whole-program run evaluated by one suite is read by every other suite that asks for the same stack and mode;
 * the other worker reads its resources from the run's shared directory (test/global-setup.ts) instead of
 * evaluating the program again.
 */
import { inject } from "vitest";
import { shareRuns } from "../tools/program";

shareRuns({ dir: inject("runShareDir") });
