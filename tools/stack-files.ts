/**
 * A stack's Pulumi.<stack>.yaml as the promotion changes it: read, edited as YAML (comments and order kept),
 * written atomically (a temp file renamed over it, so a reader or a crash sees the old file or the new one,
 * never half of one), and a marker file that says a promotion is in progress and holds the previous content.
 * Synchronous on purpose: a signal handler restores the file before the process exits.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseDocument } from "yaml";
import type { ConfigMap } from "./promotion";

/** What a promotion in progress leaves beside the stack file until it finishes or is rolled back. */
export interface PromotionMarker {
  state: "in-progress";
  from: string;
  to: string;
  startedAt: string;
  /** "written": the promoted file is in place, `up` not started; "updating": `up` was started. */
  phase: "written" | "updating";
  /** The stack file before the promotion (restored on failure) and as the promotion wrote it. */
  previous: string;
  promoted: string;
}

export interface StackFileStore {
  /** The stack file's content, or undefined when there is none. */
  read(stack: string): string | undefined;
  write(stack: string, content: string): void;
  readMarker(stack: string): PromotionMarker | undefined;
  writeMarker(stack: string, marker: PromotionMarker): void;
  clearMarker(stack: string): void;
  /** Where the marker lives (named in messages). */
  markerPath(stack: string): string;
  filePath(stack: string): string;
}

/** Write `content` to `file` atomically: a temp file beside it, flushed to disk, renamed over it. */
export function writeFileAtomic(file: string, content: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  const mode = fs.existsSync(file) ? fs.statSync(file).mode & 0o777 : 0o644;
  const fd = fs.openSync(tmp, "w", mode);
  try {
    fs.writeFileSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

const shortName = (stack: string) => stack.split("/").pop()!;

/** The stack files of a project directory (Pulumi.<stack>.yaml) and their markers (.promotion-<stack>.json). */
export function stackFileStore(dir: string): StackFileStore {
  const filePath = (stack: string) => path.join(dir, `Pulumi.${shortName(stack)}.yaml`);
  const markerPath = (stack: string) => path.join(dir, `.promotion-${shortName(stack)}.json`);
  const readIf = (file: string) => (fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined);
  return {
    filePath,
    markerPath,
    read: (stack) => readIf(filePath(stack)),
    write: (stack, content) => writeFileAtomic(filePath(stack), content),
    readMarker(stack) {
      const text = readIf(markerPath(stack));
      if (text === undefined) return undefined;
      const marker = JSON.parse(text) as PromotionMarker;
      if (marker.state !== "in-progress" || typeof marker.previous !== "string" || typeof marker.promoted !== "string") {
        throw new Error(`${markerPath(stack)} is not a promotion marker this tool wrote; inspect it and remove it`);
      }
      return marker;
    },
    writeMarker: (stack, marker) => writeFileAtomic(markerPath(stack), `${JSON.stringify(marker, null, 2)}\n`),
    clearMarker: (stack) => fs.rmSync(markerPath(stack), { force: true }),
  };
}

/**
 * A stack file with config values set (full keys; structured values as YAML mappings and lists, the way
 * `pulumi config set --path` stores them) or removed (`undefined`). Everything else, comments included, stays.
 */
export function withConfig(text: string, values: Record<string, unknown>): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`the stack file is not valid YAML: ${doc.errors[0].message.split("\n")[0]}`);
  if (!doc.has("config")) doc.set("config", doc.createNode({}));
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) doc.deleteIn(["config", key]);
    else doc.setIn(["config", key], doc.createNode(value));
  }
  return doc.toString();
}

/** The config of a stack file as the Automation API reports it (plain values; `secure:` entries as secrets). */
export function configOfStackFile(text: string): ConfigMap {
  const config = (parseDocument(text).toJS() as { config?: Record<string, unknown> } | null)?.config ?? {};
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => {
      if (v && typeof v === "object" && !Array.isArray(v) && "secure" in v) return [k, { value: "[secret]", secret: true }];
      return [k, typeof v === "object" && v !== null ? { value: JSON.stringify(v), objectValue: v, secret: false } : { value: String(v), secret: false }];
    }),
  );
}
