import { describe, expect, it } from "vitest";
import { CLOUD_FALLBACK_PRICE, ollamaSizingCase, renderLlmRouter } from "../infra/llm";
import { LLM_ROUTER, TIERS, TIER_NAMES } from "../infra/tiers";
import { EC2_HOURLY } from "../cost/prices";

describe("the LLM router the workers read", () => {
  it("is the plan's: Ollama above 0.8 confidence, then < 0.3 small, < 0.7 mid, else the large model", () => {
    expect(JSON.parse(renderLlmRouter(LLM_ROUTER, { openai: true, anthropic: true }, "http://ollama:11434"))).toEqual({
      ollama: { url: "http://ollama:11434", minConfidence: 0.8 },
      routes: [
        { belowComplexity: 0.3, provider: "openai", model: "gpt-3.5-turbo" },
        { belowComplexity: 0.7, provider: "openai", model: "gpt-4" },
        { belowComplexity: 1, provider: "anthropic", model: "claude-3-opus" },
      ],
      providers: ["anthropic", "openai"],
    });
  });

  it("drops the routes of a provider without a key, and is Ollama-only without any", () => {
    expect(JSON.parse(renderLlmRouter(LLM_ROUTER, { openai: false, anthropic: true }, "http://o")).routes.map((r: any) => r.model)).toEqual(["claude-3-opus"]);
    expect(JSON.parse(renderLlmRouter(LLM_ROUTER, { openai: false, anthropic: false }, "http://o"))).toEqual({ ollama: { url: "http://o", minConfidence: 0.8 }, routes: [], providers: [] });
  });
});

describe("Ollama replicas per tier: GPU cost against the cloud fallback", () => {
  it("prices one busy replica's jobs on the cheapest route: 300 x (4000 x $0.5 + 1000 x $1.5) / 1M = $1.05/h", () => {
    expect(CLOUD_FALLBACK_PRICE).toMatchObject({ inputPerMTok: 0.5, outputPerMTok: 1.5 });
    const c = ollamaSizingCase({ jobsPerDay: 50_000, peakJobsPerHour: 10_000 }, 1.212);
    expect(c.cloudPerReplicaHour).toBeCloseTo(1.05, 6);
    // An A10G replica costs more per hour than the cloud calls it replaces even when always busy.
    expect(c.breakEvenBusyShare).toBeCloseTo(1.154, 3);
    expect([c.averageReplicas, c.peakReplicas]).toEqual([3, 10]);
    expect(c.reason).toMatch(/run 3 \(average load\) to 10 \(peak\) replicas/);
  });

  // Average-sized and peak-sized counts worked by hand from the tier loads (jobs/day / 24 x 0.3 / 300; peak x 0.3 / 300).
  const BOUNDS = { mvp: [1, 1], growth: [3, 10], scale: [9, 40], enterprise: [34, 160] } as const;
  it.each(TIER_NAMES)("%s runs between the average-sized and the peak-sized count", (tier) => {
    const p = TIERS[tier];
    const c = ollamaSizingCase(p.load, EC2_HOURLY[p.gpu.instanceType].usd);
    expect([c.averageReplicas, c.peakReplicas]).toEqual(BOUNDS[tier]);
    expect(p.gpu.ollamaReplicas).toBeGreaterThanOrEqual(c.averageReplicas);
    expect(p.gpu.ollamaReplicas).toBeLessThanOrEqual(c.peakReplicas);
  });
});
