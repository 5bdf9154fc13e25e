/**
 * What the offline plan records of each registered resource (tools/program.ts fills it). Plain shapes with no SDK
 * behind them: the rehearsal, the policy runner and the reports read them without loading the program.
 */
import type { PlatformConfig } from "../infra/config";

export interface ResourceOptionsRecord {
  protect: boolean;
  /** Aliases as given: names or `{ name, type, parent }` objects (parents by name). */
  aliases: unknown[];
  /** Names of resources this one explicitly depends on. */
  dependsOn: string[];
  /** Name of the provider resource that manages it (explicit or inherited), if any. */
  provider?: string;
  ignoreChanges: string[];
  deleteBeforeReplace: boolean;
  retainOnDelete: boolean;
}

export interface RegisteredResource {
  urn: string;
  type: string;
  name: string;
  /** Name of the parent resource; undefined only for the root Platform component. */
  parent?: string;
  /** Type of the parent resource. */
  parentType?: string;
  /** Nearest enclosing `finishthisidea:*` component (itself for a component), for grouping. */
  component?: string;
  custom: boolean;
  inputs: Record<string, any>;
  /** Paths of inputs (e.g. `stringData.DATABASE_URL`) that were Pulumi secrets when the program passed them. */
  secretInputs: string[];
  /** URNs of the resources whose outputs flow into this one's inputs (the program's wiring; drawn by --markdown). */
  inputDependencies?: string[];
  options: ResourceOptionsRecord;
}

/** What the reports read of a run: the resolved config and every registered resource (not the stack outputs). */
export interface RegisteredPlan {
  config: PlatformConfig;
  resources: RegisteredResource[];
}
