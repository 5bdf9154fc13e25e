/**
 * policy/thresholds.ts against hand-checkable literals (issue 19: every mutant of the pack's shared data must
 * fail a test). Tier numbers are the presets of infra/tiers.ts; GPU counts are the public EC2 instance specs.
 */
import { describe, expect, it } from "vitest";
import {
  CURRENT_CLOUDFRONT_TLS,
  LOAD_BALANCER_PATTERN,
  MIN_SPOT_INSTANCE_TYPES,
  POOL_LABEL,
  PUBLIC_LB_PORTS,
  REQUIRED_EKS_LOGS,
  REQUIRED_TAGS,
  allowedTypesFor,
  autoscalerCapsFor,
  gpuCeiling,
  gpusPerInstance,
  isTierName,
  maxGpusFor,
  tierRank,
} from "../policy/thresholds";

describe("tier names and ranks", () => {
  it("knows the four tiers, smallest first, and nothing else", () => {
    expect((["mvp", "growth", "scale", "enterprise"] as const).map((t) => tierRank(t))).toEqual([0, 1, 2, 3]);
    for (const t of ["mvp", "growth", "scale", "enterprise"]) expect(isTierName(t)).toBe(true);
    for (const v of ["", "MVP", "startup", "prod", undefined, null, 0, ["mvp"]]) expect(isTierName(v)).toBe(false);
  });
});

describe("allowedTypesFor: the tier's types and the smaller tiers', once each, nothing above", () => {
  it("mvp: its own api, worker, spot and GPU types (t3.large listed once)", () => {
    expect(allowedTypesFor("mvp")).toEqual({
      instanceTypes: ["t3.medium", "t3.large", "t3a.large", "m5.large", "m5a.large", "g4dn.2xlarge"],
      dbInstanceClasses: ["db.t3.medium"],
      cacheNodeTypes: ["cache.t3.medium"],
    });
  });
  it("growth adds its own after mvp's", () => {
    expect(allowedTypesFor("growth")).toEqual({
      instanceTypes: [
        "t3.medium", "t3.large", "t3a.large", "m5.large", "m5a.large", "g4dn.2xlarge",
        "c5.xlarge", "c5.2xlarge", "c5a.2xlarge", "c5d.2xlarge", "c6i.2xlarge", "c6a.2xlarge", "g5.2xlarge",
      ],
      dbInstanceClasses: ["db.t3.medium", "db.r5.xlarge"],
      cacheNodeTypes: ["cache.t3.medium", "cache.r6g.large"],
    });
  });
  it("enterprise allows every tier's cache node type; scale does not get enterprise's", () => {
    expect(allowedTypesFor("enterprise").cacheNodeTypes).toEqual(["cache.t3.medium", "cache.r6g.large", "cache.r6g.xlarge", "cache.r6g.2xlarge"]);
    expect(allowedTypesFor("scale").cacheNodeTypes).not.toContain("cache.r6g.2xlarge");
    expect(allowedTypesFor("enterprise").instanceTypes).toContain("m5.8xlarge");
  });
});

describe("gpusPerInstance", () => {
  it("reads multi-GPU types from the table (EC2 specs)", () => {
    expect(gpusPerInstance("g4dn.12xlarge")).toBe(4);
    expect(gpusPerInstance("g5.48xlarge")).toBe(8);
    expect(gpusPerInstance("p4d.24xlarge")).toBe(8);
    expect(gpusPerInstance("g5.2xlarge")).toBe(1);
  });
  it("counts a GPU or accelerator family missing from the table as 1 per instance", () => {
    expect(gpusPerInstance("g6e.xlarge")).toBe(1);
    expect(gpusPerInstance("p2.xlarge")).toBe(1);
    expect(gpusPerInstance("inf2.xlarge")).toBe(1);
    expect(gpusPerInstance("trn1.2xlarge")).toBe(1);
  });
  it("counts 0 for CPU types, including names that only contain a GPU family further in", () => {
    expect(gpusPerInstance("c5.xlarge")).toBe(0);
    expect(gpusPerInstance("m5.large")).toBe(0);
    expect(gpusPerInstance("t3.medium")).toBe(0);
    // Not at the start of the name: not a GPU family ("ml." is SageMaker's prefix, not an EC2 type).
    expect(gpusPerInstance("ml.g5.xlarge")).toBe(0);
    expect(gpusPerInstance("ml.p3.2xlarge")).toBe(0);
    expect(gpusPerInstance("ml.inf2.xlarge")).toBe(0);
    expect(gpusPerInstance("ml.trn1.2xlarge")).toBe(0);
    // A family letter without a generation digit is not one either.
    expect(gpusPerInstance("gx.large")).toBe(0);
    expect(gpusPerInstance("px.large")).toBe(0);
    expect(gpusPerInstance("infx.large")).toBe(0);
    expect(gpusPerInstance("trnx.large")).toBe(0);
  });
});

describe("GPU ceilings", () => {
  it("multiply the node maximum by the GPUs per instance", () => {
    expect(gpuCeiling({ instanceType: "g5.12xlarge", nodes: { max: 3 } })).toBe(12);
    expect(gpuCeiling({ instanceType: "p4d.24xlarge", nodes: { max: 2 } })).toBe(16);
    expect(gpuCeiling({ instanceType: "g4dn.2xlarge", nodes: { max: 5 } })).toBe(5);
  });
  it("count at least one GPU per node, even for a type the table and the families do not know", () => {
    expect(gpuCeiling({ instanceType: "c5.xlarge", nodes: { max: 3 } })).toBe(3);
  });
  it("per tier: every preset's GPU type has one GPU, so the cap is its GPU node maximum", () => {
    expect(maxGpusFor("mvp")).toBe(2);
    expect(maxGpusFor("growth")).toBe(6);
    expect(maxGpusFor("scale")).toBe(14);
    expect(maxGpusFor("enterprise")).toBe(48);
  });
});

describe("autoscalerCapsFor", () => {
  it("mvp and growth: node maxima per pool and replica maxima from the presets", () => {
    expect(autoscalerCapsFor("mvp")).toEqual({ nodes: { system: 6, workers: 8, gpu: 2 }, apiReplicas: 6, workerReplicas: 8 });
    expect(autoscalerCapsFor("growth")).toEqual({ nodes: { system: 17, workers: 167, gpu: 6 }, apiReplicas: 50, workerReplicas: 500 });
  });
});

describe("the pack's shared constants", () => {
  it("tags, pool label, TLS policies, public ports, EKS logs, SPOT floor", () => {
    expect(REQUIRED_TAGS).toEqual(["stack", "tier", "component", "cost-center"]);
    expect(POOL_LABEL).toBe("finishthisidea.io/pool");
    expect(CURRENT_CLOUDFRONT_TLS).toEqual(["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"]);
    expect(PUBLIC_LB_PORTS).toEqual([80, 443]);
    expect(REQUIRED_EKS_LOGS).toEqual(["api", "audit", "authenticator"]);
    expect(MIN_SPOT_INSTANCE_TYPES).toBe(4);
  });
  it("the load-balancer pattern matches LB names and descriptions as words, not inside other words", () => {
    const lb = new RegExp(LOAD_BALANCER_PATTERN);
    for (const name of ["alb", "api-alb-sg", "nlb-public", "elb", "web lb", "load balancer", "load-balancer", "loadbalancer"]) expect(lb.test(name)).toBe(true);
    for (const name of ["database", "club-sg", "albatross", "elbow", "redis-sg", "workers"]) expect(lb.test(name)).toBe(false);
  });
});
