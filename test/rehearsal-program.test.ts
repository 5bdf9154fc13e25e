/**
 * The rehearsal over the real program: every tier would run (0 failures), and the fixes it asked for are in
 * what the program registers. One program run per tier, shared by its tests.
 */
import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { rehearse, RULE_NAMES, type RehearsalReport } from "../rehearsal";
import { TIER_NAMES, type TierName } from "../infra/tiers";
import { runStack } from "../tools/program";
import { named, rawConfigWith, runTier, type ProgramRun } from "./harness";

/** A cloud LLM key, as prod configures one: above MVP, Ollama carries the average hour and the cloud the peak. */
const CLOUD_LLM = { openaiApiKey: pulumi.secret("sk-test-placeholder") };

const runs = new Map<TierName, Promise<{ run: ProgramRun; report: RehearsalReport }>>();
/** One program run (and rehearsal) per tier, whichever test asks first. */
function rehearsed(tier: TierName) {
  if (!runs.has(tier)) {
    const raw = rawConfigWith({ tier }, CLOUD_LLM);
    runs.set(tier, runStack(raw, "finishthisidea", `test-${tier}`).then((run) => ({ run, report: rehearse(run.resources, run.config) })));
  }
  return runs.get(tier)!;
}
const T = 120_000;

describe.each(TIER_NAMES)("rehearsal of tier %s", (tier) => {
  it("runs every rule and finds nothing that would not run", async () => {
    const { report } = await rehearsed(tier);
    expect(report.rules.map((r) => r.rule)).toEqual([...RULE_NAMES]);
    for (const r of report.rules) expect([r.rule, r.checks > 0]).toEqual([r.rule, true]);
    expect(report.failures).toEqual([]);
  }, T);

  it("gives Prometheus and Alertmanager a default gp3 class their claims name", async () => {
    const { run } = await rehearsed(tier);
    const sc = named(run, "kubernetes:storage.k8s.io/v1:StorageClass", "cluster-default-storage-class").inputs;
    expect(sc).toMatchObject({ metadata: { name: "gp3", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }, provisioner: "ebs.csi.aws.com", volumeBindingMode: "WaitForFirstConsumer", parameters: { type: "gp3", encrypted: "true" } });
    const values = named(run, "kubernetes:helm.sh/v3:Release", "observability-kube-prometheus-stack").inputs.values;
    expect(values.prometheus.prometheusSpec.storageSpec.volumeClaimTemplate.spec.storageClassName).toBe("gp3");
    expect(values.alertmanager.alertmanagerSpec.storage.volumeClaimTemplate.spec.storageClassName).toBe("gp3");
  }, T);
});

describe("the capacity rule on the real program", () => {
  it("fails Growth without a cloud LLM key: 3 Ollama replicas cannot carry the peak alone", async () => {
    const run = await runTier("growth");
    const capacity = rehearse(run.resources, run.config).failures.filter((f) => f.rule === "capacity");
    expect(capacity.map((f) => f.problem)).toEqual([
      "LLM: 10000 jobs/hour x 1 generation(s) x 30 s = 83.3 in parallel; Ollama 3 x 4 = 12 (short 71.3) and the tier has no cloud-LLM fallback",
    ]);
  }, T);
});

describe("what the rehearsal made the tiers change", () => {
  it("MVP workers request 1500m CPU, one per 2-vCPU node; larger tiers keep the plan's 2 CPU", async () => {
    const worker = async (tier: TierName) => named((await rehearsed(tier)).run, "kubernetes:apps/v1:Deployment", "workers-deployment").inputs.spec.template.spec.containers[0].resources;
    expect(await worker("mvp")).toEqual({ requests: { cpu: "1500m", memory: "4Gi" }, limits: { cpu: "2", memory: "4Gi" } });
    expect((await worker("growth")).requests).toEqual({ cpu: "2", memory: "4Gi" });
  }, T);

  it("MVP Prometheus fits a t3.medium; MVP system nodes reach 6, Scale worker nodes 167", async () => {
    const mvp = (await rehearsed("mvp")).run;
    expect(named(mvp, "kubernetes:helm.sh/v3:Release", "observability-kube-prometheus-stack").inputs.values.prometheus.prometheusSpec.resources)
      .toEqual({ requests: { cpu: "500m", memory: "1536Mi" }, limits: { memory: "2560Mi" } });
    expect(named(mvp, "aws:eks/nodeGroup:NodeGroup", "cluster-system").inputs.scalingConfig.maxSize).toBe(6);
    expect(named((await rehearsed("scale")).run, "aws:eks/nodeGroup:NodeGroup", "cluster-workers").inputs.scalingConfig.maxSize).toBe(167);
  }, T);

  it("prints the capacity assumptions beside the result", async () => {
    const { report } = await rehearsed("growth");
    expect(report.assumptions).toMatchObject({ peakJobsPerHour: 10_000, jobSeconds: 45 });
    const capacity = report.rules.find((r) => r.rule === "capacity")!;
    expect(capacity.notes).toContain("500 workers x 3600 s / 45 s per job = 40000 jobs/hour against a peak of 10000");
  }, T);
});
