/**
 * What every command line tool here shares: writing output that is complete before the process exits (a pipe
 * is asynchronous: `process.exit` right after `console.log` cuts it at 64 KiB), the directory the user ran the
 * command in (npm runs scripts from the package root), usage errors that say what is wrong, and `--help`.
 */
import * as path from "node:path";

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** Write `text` and resolve once the stream has handed all of it on; a reader that went away (EPIPE) is not an error. */
export function writeAll(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => (err.code === "EPIPE" ? resolve() : reject(err));
    stream.once("error", onError);
    stream.write(text, (err) => {
      stream.off("error", onError);
      if (err) onError(err as NodeJS.ErrnoException);
      else resolve();
    });
  });
}

/** Like console.log / console.error (one line break added), but awaitable until written. */
export const out = (text: string) => writeAll(process.stdout, `${text}\n`);
export const err = (text: string) => writeAll(process.stderr, `${text}\n`);

/**
 * The directory the user ran the command in. `npm run` starts scripts in the package root and records the
 * caller's directory in INIT_CWD; run directly (`npx tsx tools/plan.ts`), the process's own cwd is it.
 */
export function invocationDir(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  return env.npm_lifecycle_event !== undefined && env.INIT_CWD ? path.resolve(env.INIT_CWD) : cwd;
}

/** Resolves once everything written so far to stdout and stderr (console.log included) has been handed on. */
export function drained(): Promise<void> {
  // Writes to a stream complete in order: an empty write's callback fires after every earlier one.
  return Promise.all([writeAll(process.stdout, ""), writeAll(process.stderr, "")]).then(() => undefined);
}

/**
 * Run a command's `main` and exit with its code only after everything it printed has been written. Usage
 * errors print the message and the usage (exit 2); `describe` turns any other error into the user's words
 * (exit 1).
 */
export function runCommand(main: () => Promise<number>, usage: string, describe: (e: unknown) => string): void {
  main()
    .then(
      (code) => code,
      async (e: unknown) => {
        if (e instanceof UsageError) {
          await err(`${e.message}\n${usage}`);
          return 2;
        }
        await err(describe(e));
        return 1;
      },
    )
    .then(async (code) => {
      await drained();
      process.exit(code);
    });
}
