import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { CHART_PINS, CLUSTER_AUTOSCALER_IMAGE_TAGS, KUBERNETES_VERSION, kubernetesSupportProblems } from "../components/cluster/versions";
import { mixedShapeProblem } from "../components/cluster/instance-shapes";
import { LOAD_BALANCER_CONTROLLER_POLICY } from "../components/k8s/addons";
import { TIERS } from "../infra/tiers";

describe("Kubernetes version and add-on compatibility", () => {
  it("every pinned add-on supports the cluster's Kubernetes version", () => {
    expect(KUBERNETES_VERSION).toBe("1.33");
    expect(kubernetesSupportProblems(KUBERNETES_VERSION)).toEqual([]);
  });

  it("names the add-ons that a different Kubernetes version would break", () => {
    // KEDA 2.18 is tested on 1.31-1.33 and cluster-autoscaler's minor must equal the cluster's.
    expect(kubernetesSupportProblems("1.34")).toEqual([
      "keda 2.18.3 (app 2.18.3) supports Kubernetes 1.31 to 1.33, not 1.34",
      "cluster-autoscaler 9.51.0 (app 1.33.0) supports Kubernetes 1.33 to 1.33, not 1.34",
      "no cluster-autoscaler image for Kubernetes 1.34 (have: 1.33)",
    ]);
    expect(kubernetesSupportProblems("1.30")).toContain("keda 2.18.3 (app 2.18.3) supports Kubernetes 1.31 to 1.33, not 1.30");
    // Minor versions compare as numbers, not strings ("1.9" < "1.10").
    expect(kubernetesSupportProblems("1.33", { a: { chart: "a", version: "1", appVersion: "1", repo: "r", kubernetes: { min: "1.9", max: "1.100", source: "s" } } })).toEqual([]);
    expect(kubernetesSupportProblems("1.33", {}, { "1.33": "v1.32.1" })).toEqual(["cluster-autoscaler image v1.32.1 does not match Kubernetes 1.33"]);
  });

  it("pins a cluster-autoscaler chart whose RBAC covers CA 1.33 (9.47.0+) and an image of the cluster's minor", () => {
    const [major, minorV] = CHART_PINS.clusterAutoscaler.version.split(".").map(Number);
    expect(major === 9 && minorV >= 47).toBe(true);
    expect(CLUSTER_AUTOSCALER_IMAGE_TAGS[KUBERNETES_VERSION]).toMatch(/^v1\.33\.\d+$/);
  });

  it("writes the Kubernetes version only in components/cluster/versions.ts", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (p.endsWith(".ts") && p !== join("components", "cluster", "versions.ts")) {
          readFileSync(p, "utf8").split("\n").forEach((line, i) => {
            if (/["'`]1\.(2\d|3\d)["'`]/.test(line) || /kubernetesVersion/.test(line)) offenders.push(`${p}:${i + 1}: ${line.trim()}`);
          });
        }
      }
    };
    for (const dir of ["components", "infra", "tools"]) walk(dir);
    expect(offenders).toEqual([]);
  });

  it("labels the Load Balancer Controller's IAM policy with the app version the pinned chart deploys", () => {
    expect(LOAD_BALANCER_CONTROLLER_POLICY.appVersion).toBe(CHART_PINS.loadBalancerController.appVersion);
    const file = `components/k8s/policies/aws-load-balancer-controller-${CHART_PINS.loadBalancerController.appVersion}.json`;
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(LOAD_BALANCER_CONTROLLER_POLICY.document);
    // Statements only the v2.13+ document has (v2.11's lacks them).
    const actions = LOAD_BALANCER_CONTROLLER_POLICY.document.Statement.flatMap((s) => s.Action);
    expect(actions).toEqual(expect.arrayContaining(["ec2:DescribeIpamPools", "elasticloadbalancing:ModifyIpPools", "elasticloadbalancing:DescribeCapacityReservation"]));
  });
});

describe("spot pools of one shape", () => {
  it("each tier's worker pool has one vCPU / memory shape", () => {
    for (const [tier, p] of Object.entries(TIERS)) expect({ tier, problem: mixedShapeProblem(p.workers.spotInstanceTypes) }).toEqual({ tier, problem: undefined });
  });

  it("catches a pool mixing 16 GiB and 32 GiB types, and a type it cannot size", () => {
    expect(mixedShapeProblem(["c5.2xlarge", "c6i.2xlarge", "m5.2xlarge"])).toBe("instance types c5.2xlarge, c6i.2xlarge, m5.2xlarge mix shapes (8 vCPU / 16 GiB, 8 vCPU / 32 GiB)");
    expect(mixedShapeProblem(["c5.2xlarge", "x9.huge"])).toBe("instance types x9.huge have no entry in INSTANCE_TYPES");
  });
});
