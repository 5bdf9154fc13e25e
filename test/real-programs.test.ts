import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { describeIfFound, findProgram, isCi, missingMessage, postgresBinDirs, requireProgram } from "./real-programs";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "real-programs-"));
const binA = path.join(tmp, "a");
const binB = path.join(tmp, "b");
fs.mkdirSync(binA);
fs.mkdirSync(binB);
fs.writeFileSync(path.join(binA, "tool"), "#!/bin/sh\n", { mode: 0o755 });
fs.writeFileSync(path.join(binB, "tool"), "#!/bin/sh\n", { mode: 0o755 });
fs.writeFileSync(path.join(binA, "notexec"), "data", { mode: 0o644 });
fs.mkdirSync(path.join(binA, "adir"));

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
afterEach(() => vi.unstubAllEnvs());

describe("findProgram", () => {
  it("finds an executable in the extra dirs before PATH", () => {
    expect(findProgram("tool", [binB], binA)).toBe(path.join(binB, "tool"));
    expect(findProgram("tool", [], `${binB}:${binA}`)).toBe(path.join(binB, "tool"));
  });

  it("ignores files that are not executable, directories and missing names", () => {
    expect(findProgram("notexec", [binA], "")).toBeUndefined();
    expect(findProgram("adir", [binA], "")).toBeUndefined();
    expect(findProgram("missing", [binA], binB)).toBeUndefined();
  });
});

describe("isCi", () => {
  it("is true for CI=true or 1 only", () => {
    expect(isCi({ CI: "true" })).toBe(true);
    expect(isCi({ CI: "1" })).toBe(true);
    expect(isCi({ CI: "false" })).toBe(false);
    expect(isCi({})).toBe(false);
  });
});

describe("the run / skip / fail decision", () => {
  const missing = { name: "promtool", path: undefined, installHint: "sudo apt-get install -y prometheus" };
  const found = { name: "tool", path: path.join(binA, "tool"), installHint: "unused" };

  it("names every missing program with its install command", () => {
    expect(missingMessage([missing, { name: "amtool", installHint: "sudo apt-get install -y prometheus-alertmanager" }])).toBe(
      "promtool not found; install with `sudo apt-get install -y prometheus`; amtool not found; install with `sudo apt-get install -y prometheus-alertmanager`",
    );
  });

  it("under CI=true a missing program throws, naming the install command", () => {
    vi.stubEnv("CI", "true");
    expect(() => describeIfFound(found, missing)).toThrow("CI=true requires the real programs: promtool not found; install with `sudo apt-get install -y prometheus`");
    expect(() => requireProgram("surely-not-installed-xyz", "apt-get install -y xyz", { dirs: [binA] }).describe).toThrow(/surely-not-installed-xyz not found/);
  });

  it("without CI a missing program skips with a warning instead of throwing", () => {
    vi.stubEnv("CI", "");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(() => describeIfFound(found, missing)).not.toThrow();
    expect(warn).toHaveBeenCalledWith("skipped: promtool not found; install with `sudo apt-get install -y prometheus`");
    warn.mockRestore();
  });

  it("with every program found it neither throws nor warns, CI or not", () => {
    vi.stubEnv("CI", "true");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    expect(() => describeIfFound(found)).not.toThrow();
    expect(requireProgram("tool", "unused", { dirs: [binA] }).path).toBe(path.join(binA, "tool"));
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});

describe("postgresBinDirs", () => {
  it("lists the Debian major versions newest first, numerically", () => {
    const root = path.join(tmp, "postgresql");
    for (const v in { 9: 0, 15: 0, 16: 0, common: 0 }) fs.mkdirSync(path.join(root, v), { recursive: true });
    expect(postgresBinDirs(root)).toEqual([path.join(root, "16", "bin"), path.join(root, "15", "bin"), path.join(root, "9", "bin")]);
    expect(postgresBinDirs(path.join(tmp, "none"))).toEqual([]);
  });
});
