/**
 * Runs before every test file. Files share one worker process (vitest.config.mts: `isolate: false`), so a
 * whole-program run evaluated by one suite is read by every other suite that asks for the same stack and mode.
 */
import { shareRuns } from "../tools/program";

shareRuns();
