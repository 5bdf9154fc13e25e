/**
 * Capacity against the scaling plan (seed 002): peak jobs per hour against max workers x 3600 / job time; LLM
 * generations in parallel (Ollama replicas x OLLAMA_NUM_PARALLEL) against the peak's need, the rest carried by
 * the cloud-LLM fallback when the tier has one; API pods at max x the HPA's per-pod request target against the
 * peak requests per second. The assumptions are the tier's data and are printed beside the result.
 */
import type { PlanModel } from "../model";
import type { Finding, RuleResult } from "../types";

export interface CapacityAssumptions {
  peakJobsPerHour: number;
  peakRequestsPerSecond: number;
  /** Average seconds a worker spends on one job (the main queue's). */
  jobSeconds: number;
  generationsPerJob: number;
  generationSeconds: number;
  cloudFallback: boolean;
}

export function checkCapacity(model: PlanModel, a: CapacityAssumptions): RuleResult {
  const failures: Finding[] = [];
  const notes: string[] = [];
  const fail = (resource: string, problem: string, fix: string) => failures.push({ rule: "capacity", resource, problem, fix });
  let checks = 0;

  const scaled = model.objects.get("ScaledObject") ?? [];
  const workers = scaled[0];
  if (workers) {
    checks++;
    const max = Number(workers.spec.maxReplicaCount ?? 0);
    const perHour = Math.floor((max * 3600) / a.jobSeconds);
    const line = `${max} workers x 3600 s / ${a.jobSeconds} s per job = ${perHour} jobs/hour against a peak of ${a.peakJobsPerHour}`;
    if (perHour < a.peakJobsPerHour) fail(`ScaledObject ${workers.namespace}/${workers.name}`, `${line} (short ${a.peakJobsPerHour - perHour})`, `raise workers.replicas.max to ${Math.ceil((a.peakJobsPerHour * a.jobSeconds) / 3600)} (and workers.nodes.max with it)`);
    else notes.push(line);
  }

  const ollama = (model.objects.get("StatefulSet") ?? []).find((s) => s.spec.template?.spec?.containers?.some((c: any) => (c.env ?? []).some((e: any) => e.name === "OLLAMA_NUM_PARALLEL")));
  const need = (a.peakJobsPerHour * a.generationsPerJob * a.generationSeconds) / 3600;
  checks++;
  const replicas = Number(ollama?.spec.replicas ?? 0);
  const parallel = Number(ollama?.spec.template.spec.containers.flatMap((c: any) => c.env ?? []).find((e: any) => e.name === "OLLAMA_NUM_PARALLEL")?.value ?? 0);
  const have = replicas * parallel;
  const llmLine = `LLM: ${a.peakJobsPerHour} jobs/hour x ${a.generationsPerJob} generation(s) x ${a.generationSeconds} s = ${need.toFixed(1)} in parallel; Ollama ${replicas} x ${parallel} = ${have}`;
  if (have >= need) notes.push(llmLine);
  else if (a.cloudFallback) notes.push(`${llmLine}; the cloud-LLM fallback carries ${Math.round((1 - have / need) * 100)}% of generations at peak`);
  else fail(ollama ? `StatefulSet ${ollama.namespace}/${ollama.name}` : "Ollama", `${llmLine} (short ${(need - have).toFixed(1)}) and the tier has no cloud-LLM fallback`, `raise gpu.ollamaReplicas to ${Math.ceil(need / Math.max(1, parallel))} (and gpu.nodes.max with it), or enable the cloud fallback`);

  for (const hpa of model.objects.get("HorizontalPodAutoscaler") ?? []) {
    const rps = (hpa.spec.metrics ?? []).find((m: any) => m.type === "Pods" && /requests_per_second/.test(m.pods?.metric?.name ?? ""));
    if (!rps) continue;
    checks++;
    const perPod = Number(rps.pods.target.averageValue);
    const capacity = Number(hpa.spec.maxReplicas) * perPod;
    const line = `API: ${hpa.spec.maxReplicas} pods x ${perPod} requests/s per pod = ${capacity} against a peak of ${a.peakRequestsPerSecond}`;
    if (capacity < a.peakRequestsPerSecond) fail(`HorizontalPodAutoscaler ${hpa.namespace}/${hpa.name}`, `${line} (short ${a.peakRequestsPerSecond - capacity})`, `raise api.replicas.max to ${Math.ceil(a.peakRequestsPerSecond / perPod)} (and api.nodes.max with it)`);
    else notes.push(line);
  }
  return { rule: "capacity", title: "Capacity against the scaling plan", checks, failures, notes };
}
