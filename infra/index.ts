/**
 * Entry point `pulumi up` runs: read this stack's config, resolve the tier, build the platform, export outputs.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, SECRET_KEYS, resolveConfig, type RawConfig } from "./config";
import { createPlatform } from "./platform";

function readConfig(): RawConfig {
  // The project's name (Pulumi.yaml `name:`) is the namespace of its config keys.
  const cfg = new pulumi.Config(pulumi.getProject());
  const raw: RawConfig = { values: {}, secrets: {} };
  const prefix = `${pulumi.getProject()}:`;
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    if ((SECRET_KEYS as readonly string[]).includes(key)) continue;
    // Structured and numeric values arrive as JSON text; plain strings do not parse and stay strings.
    try {
      raw.values[key] = JSON.parse(text);
    } catch {
      raw.values[key] = text;
    }
  }
  for (const key of SECRET_KEYS) {
    const value = cfg.getSecret(key);
    if (value !== undefined) raw.secrets[key] = value;
  }
  return raw;
}

function load() {
  try {
    return resolveConfig(readConfig(), pulumi.getProject(), pulumi.getStack());
  } catch (err) {
    // A config problem is the user's to fix: show the list, not a stack trace.
    if (err instanceof ConfigError) throw new pulumi.RunError(err.message);
    throw err;
  }
}

// Every key of the returned object becomes a stack output (secrets stay secret).
export = createPlatform(load());
