/**
 * The LLM router the workers run (scaling plan, "LLM Router": Ollama first, then a cloud model by the job's
 * complexity) as data rendered into the workers' ConfigMap, and the reasoning behind each tier's Ollama replica
 * count as a pure function. Pure: infra/workloads.ts deploys the result.
 */

export type LlmProvider = "openai" | "anthropic";

export interface LlmRoute {
  /** The route takes jobs whose estimated complexity is below this (0..1]; the last route's is 1. */
  belowComplexity: number;
  provider: LlmProvider;
  model: string;
}

export interface LlmRouterPlan {
  /** An Ollama answer is kept when its confidence exceeds this; otherwise the job goes to the cloud routes. */
  ollamaMinConfidence: number;
  /** Ascending by belowComplexity. */
  routes: LlmRoute[];
}

/**
 * The router configuration the workers read (JSON in the `LLM_ROUTER` key of their ConfigMap). Routes whose
 * provider has no API key are dropped: with no key at all the workers run Ollama-only, as the plan starts.
 * A job whose route was dropped goes to the next route up, else stays on Ollama.
 */
export function renderLlmRouter(plan: LlmRouterPlan, providers: Record<LlmProvider, boolean>, ollamaUrl: string | undefined): string {
  return JSON.stringify({
    ollama: ollamaUrl ? { url: ollamaUrl, minConfidence: plan.ollamaMinConfidence } : null,
    routes: plan.routes.filter((r) => providers[r.provider]),
    providers: Object.keys(providers).filter((p) => providers[p as LlmProvider]).sort(),
  });
}

/** Price of one model in USD per million tokens. */
export interface TokenPrice {
  inputPerMTok: number;
  outputPerMTok: number;
  source: string;
}

const OPENAI_PRICING = "https://platform.openai.com/docs/pricing (as quoted by aimodelcalc.pages.dev/guides/openai-api-pricing.html, May 2026)";

/**
 * What Ollama replaces: the jobs Ollama answers with confidence are the simple ones (codellama 7B), which the
 * router would otherwise send to the cheapest route. So its cost is compared with that route's model.
 */
export const CLOUD_FALLBACK_PRICE: TokenPrice = { inputPerMTok: 0.5, outputPerMTok: 1.5, source: `${OPENAI_PRICING}: gpt-3.5-turbo` };

/** Assumptions of the Ollama sizing, to replace with measurements (worker metrics per model). */
export const OLLAMA_ASSUMPTIONS = {
  /** Tokens of one cleanup LLM call: the code in, the cleaned code out (assumed). */
  inputTokensPerJob: 4_000,
  outputTokensPerJob: 1_000,
  /** Jobs one Ollama replica (one A10G/T4, OLLAMA_NUM_PARALLEL 4, a 7B model) finishes per hour (assumed: ~4 streams x ~20 tok/s out, plus prefill). */
  jobsPerReplicaHour: 300,
  /** Share of jobs below the first route's complexity, the ones Ollama can take (assumed uniform complexity: 0.3). */
  ollamaEligibleShare: 0.3,
} as const;

export interface OllamaSizingCase {
  /** Replicas that keep up with the eligible jobs of an average hour (at least 1: Ollama-only works without keys). */
  averageReplicas: number;
  /** Replicas that would take every eligible job of the peak hour (the plan's "10" for Growth is of this kind). */
  peakReplicas: number;
  /** USD per hour of one replica's GPU node. */
  gpuPerHour: number;
  /** USD per hour the cloud fallback costs for the jobs one busy replica takes. */
  cloudPerReplicaHour: number;
  /** Share of the hours a replica must be busy to cost less than the cloud calls it replaces. */
  breakEvenBusyShare: number;
  reason: string;
}

/**
 * Why a tier runs the Ollama replicas it does. A replica costs its GPU node every hour; the cloud fallback costs
 * only the jobs it takes. A replica sized for the peak idles most of the day, and at the peak the jobs above
 * the average-sized fleet cost the cloud about what more GPUs would (breakEvenBusyShare near or above 1). So
 * each tier runs between the average-sized and the peak-sized count, and the cloud absorbs the peak.
 */
export function ollamaSizingCase(load: { jobsPerDay: number; peakJobsPerHour: number }, gpuPerHour: number, a = OLLAMA_ASSUMPTIONS, price = CLOUD_FALLBACK_PRICE): OllamaSizingCase {
  const cloudPerJob = (a.inputTokensPerJob * price.inputPerMTok + a.outputTokensPerJob * price.outputPerMTok) / 1e6;
  const cloudPerReplicaHour = cloudPerJob * a.jobsPerReplicaHour;
  const averageReplicas = Math.max(1, Math.ceil(((load.jobsPerDay / 24) * a.ollamaEligibleShare) / a.jobsPerReplicaHour));
  const peakReplicas = Math.max(1, Math.ceil((load.peakJobsPerHour * a.ollamaEligibleShare) / a.jobsPerReplicaHour));
  const breakEvenBusyShare = gpuPerHour / cloudPerReplicaHour;
  const reason = `a replica costs $${gpuPerHour.toFixed(3)}/h; the cloud fallback for the ${a.jobsPerReplicaHour} jobs it takes per busy hour costs ` +
    `$${cloudPerReplicaHour.toFixed(3)}/h, so it pays off only when busy ${Math.round(breakEvenBusyShare * 100)}% of the time: ` +
    `run ${averageReplicas} (average load) to ${peakReplicas} (peak) replicas and send the peak's overflow to the cloud`;
  return { averageReplicas, peakReplicas, gpuPerHour, cloudPerReplicaHour, breakEvenBusyShare, reason };
}
