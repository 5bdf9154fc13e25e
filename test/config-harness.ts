/**
 * Config as the suites vary it: staging's stack file with values layered on top, and the problems config
 * validation reports. No program behind it, so config suites load neither the SDKs nor the platform (and a
 * mutation run over infra/config.ts runs them per mutant in milliseconds).
 */
import { ConfigError, resolveConfig, type RawConfig } from "../infra/config";
import { readStackFile } from "../infra/stack-file";

/** Staging's stack file with the given values layered on top (e.g. another tier, overrides, a bad value). */
export function rawConfigWith(values: Record<string, unknown>, secrets: Partial<RawConfig["secrets"]> = {}): RawConfig {
  const base = readStackFile("staging").raw;
  return { values: { ...base.values, ...values }, secrets: { ...base.secrets, ...secrets } };
}

/** The problems resolveConfig reports for staging's config with these values (and secrets) on top; throws if it accepts it. */
export function problemsFor(values: Record<string, unknown>, secrets: Partial<RawConfig["secrets"]> = {}, project = "finishthisidea"): string[] {
  try {
    resolveConfig(rawConfigWith(values, secrets), project, "test");
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("config was accepted");
}
