/**
 * Config keys of the application contract (issue 14): read routing, the database overload levers, LLM
 * provider secrets, the websocket flag. Each bad value is refused naming the key, the value and what is allowed.
 */
import { describe, expect, it } from "vitest";
import { resolveConfig } from "../infra/config";
import { problemsFor, rawConfigWith } from "./config-harness";


describe("read replica routing", () => {
  it("is off by default and can be turned on where the tier has an in-region replica", () => {
    expect(resolveConfig(rawConfigWith({ tier: "growth" }), "finishthisidea", "t").readReplicaRouting).toBe(false);
    expect(resolveConfig(rawConfigWith({ tier: "growth", readReplicaRouting: true }), "finishthisidea", "t").readReplicaRouting).toBe(true);
  });

  it("refuses a non-boolean", () => {
    expect(problemsFor({ readReplicaRouting: "yes" })).toEqual(['finishthisidea:readReplicaRouting: got "yes"; expected true or false']);
  });

  it("refuses routing reads when no replica is in the primary region (cross-region replicas are DR only)", () => {
    const problems = problemsFor({ tier: "growth", readReplicaRouting: true, overrides: { database: { inRegionReplicas: 0 } } });
    expect(problems).toEqual([expect.stringMatching(/^finishthisidea:overrides\.database\.inRegionReplicas: got 0; expected at least 1 when finishthisidea:readReplicaRouting is true/)]);
  });
});

describe("database overload timeouts", () => {
  it("refuses 0 (off), fractions and more than an hour, naming the key", () => {
    expect(problemsFor({ overrides: { database: { statementTimeoutMs: 0 } } }))
      .toEqual(["finishthisidea:overrides.database.statementTimeoutMs: got 0; expected milliseconds from 1000 to 3600000 (0, which turns the timeout off, is refused)"]);
    expect(problemsFor({ overrides: { database: { idleInTransactionTimeoutMs: 1500.5 } } }))
      .toEqual(["finishthisidea:overrides.database.idleInTransactionTimeoutMs: got 1500.5; expected whole milliseconds from 1000 to 3600000"]);
    expect(problemsFor({ overrides: { database: { statementTimeoutMs: 7_200_000 } } }))
      .toEqual(["finishthisidea:overrides.database.statementTimeoutMs: got 7200000; expected milliseconds from 1000 to 3600000 (longer work sets its own timeout per session)"]);
  });

  it("takes a new statement timeout through overrides (the overload runbook's lever)", () => {
    const config = resolveConfig(rawConfigWith({ tier: "growth", overrides: { database: { statementTimeoutMs: 15_000 }, pgbouncer: { replicas: 6 } } }), "finishthisidea", "t");
    expect(config.preset.database.statementTimeoutMs).toBe(15_000);
    expect(config.preset.pgbouncer.replicas).toBe(6);
  });
});

describe("LLM provider keys and the router", () => {
  it("accepts the keys as secrets and keeps them secret", async () => {
    const pulumi = await import("@pulumi/pulumi");
    const config = resolveConfig(rawConfigWith({}, { openaiApiKey: pulumi.secret("sk-test"), anthropicApiKey: pulumi.secret("sk-ant-test") }), "finishthisidea", "t");
    expect(await pulumi.isSecret(config.secrets.openaiApiKey!)).toBe(true);
    expect(await pulumi.isSecret(config.secrets.anthropicApiKey!)).toBe(true);
    expect(resolveConfig(rawConfigWith({}), "finishthisidea", "t").secrets.openaiApiKey).toBeUndefined();
  });

  it("refuses a key in plain text", () => {
    expect(problemsFor({ openaiApiKey: "sk-plain" })).toEqual(["finishthisidea:openaiApiKey: is set in plain text; set it with `pulumi config set --secret openaiApiKey ...`"]);
  });

  it("refuses no Ollama and no cloud key: the workers would have no LLM", () => {
    expect(problemsFor({ overrides: { gpu: { ollamaReplicas: 0 } } }))
      .toEqual(["finishthisidea:overrides.gpu.ollamaReplicas: got 0; expected at least 1 when neither finishthisidea:openaiApiKey nor finishthisidea:anthropicApiKey is set (the workers would have no LLM)"]);
  });

  it("refuses routes out of order, a last route below 1 and an unknown provider", () => {
    const routes = [
      { belowComplexity: 0.7, provider: "openai", model: "gpt-4" },
      { belowComplexity: 0.3, provider: "openai", model: "gpt-3.5-turbo" },
    ];
    expect(problemsFor({ overrides: { llm: { routes } } })).toEqual([
      "finishthisidea:overrides.llm.routes.1.belowComplexity: got 0.3; expected a value above the previous route's (0.7): routes ascend by complexity",
      "finishthisidea:overrides.llm.routes.1.belowComplexity: got 0.3; expected 1 on the last route, so every job has a route",
    ]);
    expect(problemsFor({ overrides: { llm: { routes: [{ belowComplexity: 1, provider: "mistral", model: "x" }] } } }))
      .toEqual(['finishthisidea:overrides.llm.routes.0.provider: got "mistral"; expected one of openai, anthropic']);
  });
});

describe("websockets flag", () => {
  it("is off by default and refuses a non-boolean", () => {
    expect(resolveConfig(rawConfigWith({}), "finishthisidea", "t").websockets).toBe(false);
    expect(problemsFor({ websockets: "on" })).toEqual(['finishthisidea:websockets: got "on"; expected true or false']);
  });
});
