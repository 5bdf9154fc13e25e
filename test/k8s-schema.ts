/**
 * Validates every Kubernetes object the program registers against the official API schemas, twice:
 * - at run time with the `kubernetes-models` validators (types, required fields, enums, formats);
 * - strictly, by type-checking each object as a literal of its `kubernetes-models` interface, so an unknown or
 *   misspelt field anywhere in the object (which the OpenAPI schemas allow) is an excess-property error.
 * Helm releases are not objects of the API and are skipped; their charts' own schemas apply at install.
 */
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { inject } from "vitest";
import type { RegisteredResource } from "../tools/program";

/** Packages holding models for API groups beyond the built-in ones (CRDs the program uses). */
const CRD_PACKAGES: Record<string, string> = {
  "keda.sh": "@kubernetes-models/keda",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

const NOT_OBJECTS = new Set(["kubernetes:helm.sh/v3:Release", "kubernetes:helm.sh/v4:Chart", "kubernetes:yaml/v2:ConfigGroup"]);

interface ModelRef {
  /** Module specifier exporting the model class and its `I<Kind>` interface. */
  module: string;
  kind: string;
}

/** `kubernetes:apps/v1:Deployment` -> `kubernetes-models/apps/v1/Deployment`. */
export function modelFor(type: string): ModelRef | undefined {
  const match = /^kubernetes:([^/]+)\/([^:]+):(.+)$/.exec(type);
  if (!match) return undefined;
  const [, group, version, kind] = match;
  if (group === "core") return { module: `kubernetes-models/${version}/${kind}`, kind };
  const crdPackage = CRD_PACKAGES[group];
  if (crdPackage) return { module: `${crdPackage}/${group}/${version}/${kind}`, kind };
  return { module: `kubernetes-models/${group}/${version}/${kind}`, kind };
}

/** The object as the API server would receive it. */
function manifestOf(resource: RegisteredResource): Record<string, unknown> {
  const { apiVersion, kind, ...rest } = resource.inputs;
  return { apiVersion, kind, ...rest };
}

async function runtimeProblems(resource: RegisteredResource, ref: ModelRef): Promise<string[]> {
  let Model: { new (data: unknown): { validate(): void } } | undefined;
  try {
    Model = (await import(ref.module))[ref.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return [`${resource.type} ${resource.name}: no schema found (${ref.module}); add its models package`];
  try {
    new Model(manifestOf(resource)).validate();
    return [];
  } catch (err) {
    return [`${resource.type} ${resource.name}: ${(err as Error).message.split("\n").slice(0, 6).join("; ")}`];
  }
}

const STRICT_OPTIONS: ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
  // Not the default ES2022 + DOM: the models need no DOM types, and parsing them was most of the first check.
  lib: ["lib.es2022.d.ts"],
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  types: [],
};
const parsedDeclarations = new Map<string, ts.SourceFile>();

function strictProblems(checked: { resource: RegisteredResource; ref: ModelRef }[]): string[] {
  if (checked.length === 0) return [];
  const dir = path.resolve(__dirname);
  const fileName = path.join(dir, "__k8s_strict_check__.mts");
  const lines: string[] = [];
  const spans: { start: number; end: number; resource: RegisteredResource }[] = [];
  checked.forEach(({ ref }, i) => lines.push(`import type { I${ref.kind} as T${i} } from ${JSON.stringify(ref.module)};`));
  checked.forEach(({ resource }, i) => {
    // One property per line, so a diagnostic's line points at the offending field.
    const start = lines.length;
    lines.push(...`export const r${i}: T${i} = ${JSON.stringify(manifestOf(resource), null, 1)};`.split("\n"));
    spans.push({ start, end: lines.length - 1, resource });
  });
  const source = lines.join("\n");
  const host = ts.createCompilerHost(STRICT_OPTIONS);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (f === fileName ? source : readFile(f));
  host.fileExists = ((fileExists) => (f: string) => f === fileName || fileExists(f))(host.fileExists.bind(host));
  host.getSourceFile = (f, lang, ...rest) => {
    if (f === fileName) return ts.createSourceFile(f, source, lang);
    // The standard library and the models never change: parsed (and bound) once per process, not per check.
    let file = parsedDeclarations.get(f);
    if (!file) {
      file = getSourceFile(f, lang, ...rest);
      if (file) parsedDeclarations.set(f, file);
    }
    return file;
  };
  const program = ts.createProgram([fileName], STRICT_OPTIONS, host);
  const diagnostics = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === fileName);
  return diagnostics.map((d) => {
    const line = d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line;
    const span = spans.find((s) => line >= s.start && line <= s.end);
    const where = span ? `${span.resource.type} ${span.resource.name}` : `line ${line + 1}`;
    const field = span ? source.split("\n")[line].trim().slice(0, 80) : "";
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}${field ? ` (at ${field})` : ""}`;
  });
}

/**
 * What the strict check depends on: the object with every number made 0. Field names, strings (the models have
 * string literal unions) and the shape decide the type check; a number's value never does. Tiers differ mostly
 * in numbers, so one check of a shape stands for every tier's object of that shape.
 */
function typeShape(resource: RegisteredResource, ref: ModelRef): string {
  return `${ref.module} ${JSON.stringify(manifestOf(resource), (_k, v) => (typeof v === "number" ? 0 : v))}`;
}

/** Shapes found valid by the strict check in this process (only valid ones: a problem is reported every time). */
const strictlyValid = new Set<string>();
/** The same, shared with the run's other test process through its directory (test/global-setup.ts), when there is one. */
const sharedValidDir = ((dir) => (dir ? path.join(dir, "k8s-valid-shapes") : undefined))(inject("runShareDir"));
const shapeFile = (shape: string) => path.join(sharedValidDir!, crypto.createHash("sha256").update(shape).digest("hex"));
const knownValid = (shape: string) => strictlyValid.has(shape) || (sharedValidDir !== undefined && fs.existsSync(shapeFile(shape)));
function recordValid(shape: string): void {
  strictlyValid.add(shape);
  if (!sharedValidDir) return;
  fs.mkdirSync(sharedValidDir, { recursive: true });
  fs.writeFileSync(shapeFile(shape), "");
}

/** Every problem with the Kubernetes objects among `resources`, one message each; empty when all are valid. */
export async function k8sSchemaProblems(resources: RegisteredResource[]): Promise<string[]> {
  const objects = resources.filter((r) => r.type.startsWith("kubernetes:") && !NOT_OBJECTS.has(r.type));
  const problems: string[] = [];
  const checked: { resource: RegisteredResource; ref: ModelRef }[] = [];
  for (const resource of objects) {
    const ref = modelFor(resource.type);
    if (!ref) {
      problems.push(`${resource.type} ${resource.name}: not a Kubernetes API type`);
      continue;
    }
    const found = await runtimeProblems(resource, ref);
    problems.push(...found);
    if (!found.some((p) => p.includes("no schema found"))) checked.push({ resource, ref });
  }
  const unchecked = checked.filter((c) => !knownValid(typeShape(c.resource, c.ref)));
  const strict = strictProblems(unchecked);
  const attributed = strict.every((p) => unchecked.some((c) => p.startsWith(`${c.resource.type} ${c.resource.name}:`)));
  if (attributed) for (const c of unchecked) if (!strict.some((p) => p.startsWith(`${c.resource.type} ${c.resource.name}:`))) recordValid(typeShape(c.resource, c.ref));
  return [...problems, ...strict];
}
