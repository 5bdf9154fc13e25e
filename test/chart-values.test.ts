import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { CHART_PINS } from "../components/cluster/versions";
import { chartDefaults, coveredBy, FIXTURES, imdsOnlyKeys, unknownValuePaths, type TemplateRead } from "./chart-values";
import { ofType, runTier, type RegisteredResource } from "./harness";

/**
 * Keys the program sets that the chart's defaults do not list, with the template line (at the pinned version)
 * that reads them. Anything else missing from the defaults is a key Helm would silently ignore.
 */
const READ_BY_TEMPLATE: TemplateRead[] = [
  {
    chart: "aws-for-fluent-bit",
    path: "additionalInputs",
    template: "stable/aws-for-fluent-bit/templates/configmap.yaml:44 at commit 2942cdce (chart 0.2.0)",
    line: "{{- if .Values.additionalInputs }}",
  },
  {
    chart: "aws-for-fluent-bit",
    path: "priorityClassName",
    template: "stable/aws-for-fluent-bit/templates/daemonset.yaml:33 at commit 2942cdce (chart 0.2.0)",
    line: "{{- if .Values.priorityClassName }}",
  },
  {
    chart: "cluster-autoscaler",
    path: "extraArgs.*",
    template: "charts/cluster-autoscaler/templates/deployment.yaml:132 at cluster-autoscaler-chart-9.51.0",
    line: "{{- range $key, $value := .Values.extraArgs }} - --{{ $key | mustRegexFind \"^[^_]+\" }}={{ $value }}",
  },
];

/**
 * cluster-autoscaler flags the program passes through extraArgs, each where CA 1.33 defines it
 * (kubernetes/autoscaler cluster-autoscaler/config/flags/flags.go at cluster-autoscaler-1.33.6).
 */
const CLUSTER_AUTOSCALER_FLAGS: Record<string, string> = {
  "scale-down-unneeded-time": "flags.go:83",
  "max-graceful-termination-sec": "flags.go:120",
  expander: "flags.go:143",
  "skip-nodes-with-system-pods": "flags.go:196",
  "skip-nodes-with-local-storage": "flags.go:197",
};

/** kube-prometheus-stack's subcharts (its Chart.yaml `dependencies` at this version), by values key. */
const KPS_SUBCHARTS_OF = "83.4.2";
const KPS_SUBCHARTS: Record<string, string> = {
  grafana: "grafana-11.6.1",
  "kube-state-metrics": "kube-state-metrics-7.2.2",
  "prometheus-node-exporter": "prometheus-node-exporter-4.53.1",
};

const subchartDefaults = (chart: string) => chart === "kube-prometheus-stack"
  ? Object.fromEntries(Object.entries(KPS_SUBCHARTS).map(([key, dir]) => [key, chartDefaults(dir.replace(/-[\d.]+$/, ""), dir.match(/[\d.]+$/)![0])]))
  : {};

describe("Helm values the program sets exist in each pinned chart", () => {
  let releases: RegisteredResource[];
  beforeAll(async () => {
    // Growth builds every release: the EKS add-ons, prometheus-adapter and kube-prometheus-stack.
    releases = ofType(await runTier("growth", {}, { preview: false }), "kubernetes:helm.sh/v3:Release");
  });

  it("releases every pinned chart at its pinned version", () => {
    const released = releases.map((r) => `${r.inputs.name}@${r.inputs.version}`).sort();
    expect(released).toEqual(Object.values(CHART_PINS).map((p) => `${p.chart}@${p.version}`).sort());
  });

  it("sets no values key the chart's defaults lack, unless a listed template line reads it", () => {
    const ignored: string[] = [];
    const used = new Set<TemplateRead>();
    for (const r of releases) {
      const { name, version, values } = r.inputs;
      for (const path of unknownValuePaths(values, chartDefaults(name, version), subchartDefaults(name))) {
        const read = coveredBy(path, READ_BY_TEMPLATE, name);
        if (read) used.add(read);
        else ignored.push(`${name} ${version}: ${path}`);
      }
    }
    expect(ignored).toEqual([]);
    // A listed read the program no longer needs is stale: drop it.
    expect(READ_BY_TEMPLATE.filter((r) => !used.has(r))).toEqual([]);
  });

  it("replaces metrics-server's defaultArgs with the chart's own, changing only the address types", () => {
    const ms = releases.find((r) => r.inputs.name === "metrics-server")!;
    const chartArgs = chartDefaults("metrics-server", ms.inputs.version).defaultArgs as string[];
    const flag = (a: string) => a.split("=")[0];
    // The chart renders defaultArgs then args: setting the flag in args would pass it twice.
    expect(ms.inputs.values.args ?? []).toEqual([]);
    expect(ms.inputs.values.defaultArgs.map(flag)).toEqual(chartArgs.map(flag));
    expect(ms.inputs.values.defaultArgs.filter((a: string) => !chartArgs.includes(a))).toEqual(["--kubelet-preferred-address-types=InternalIP"]);
  });

  it("passes cluster-autoscaler only flags CA 1.33 defines", () => {
    const ca = releases.find((r) => r.inputs.name === "cluster-autoscaler")!;
    expect(Object.keys(ca.inputs.values.extraArgs).sort()).toEqual(Object.keys(CLUSTER_AUTOSCALER_FLAGS).sort());
  });

  it("sets no IMDS-mode key on the termination handler in queue-processor mode", () => {
    const nth = releases.find((r) => r.inputs.name === "aws-node-termination-handler")!;
    expect(nth.inputs.values.enableSqsTerminationDraining).toBe(true);
    const yaml = readFileSync(join(FIXTURES, `aws-node-termination-handler-${nth.inputs.version}`, "values.yaml"), "utf8");
    const imdsOnly = imdsOnlyKeys(yaml);
    // The chart documents these as IMDS-only at 0.27.6 (its deployment template, rendered in queue-processor mode, never reads them).
    expect(imdsOnly).toEqual(expect.arrayContaining(["enableSpotInterruptionDraining", "enableScheduledEventDraining", "enableRebalanceMonitoring", "enableRebalanceDraining"]));
    expect(Object.keys(nth.inputs.values).filter((k) => imdsOnly.includes(k))).toEqual([]);
  });
});

describe("the fixtures", () => {
  const pinned = Object.values(CHART_PINS).map((p) => `${p.chart}-${p.version}`);

  it("are exactly the pinned charts and kube-prometheus-stack's subcharts, each listed with its source", () => {
    // A bumped kube-prometheus-stack may depend on other subchart versions: re-read its Chart.yaml.
    expect(CHART_PINS.kubePrometheusStack.version).toBe(KPS_SUBCHARTS_OF);
    const dirs = readdirSync(FIXTURES).filter((d) => statSync(join(FIXTURES, d)).isDirectory()).sort();
    expect(dirs).toEqual([...pinned, ...Object.values(KPS_SUBCHARTS)].sort());
    const readme = readFileSync(join(FIXTURES, "README.md"), "utf8");
    for (const d of dirs) {
      const [, chart, version] = /^(.*)-(\d+\.\d+\.\d+)$/.exec(d)!;
      expect(readme).toMatch(new RegExp(`^\\| ${chart} \\| ${version.replace(/\./g, "\\.")} \\| https://github\\.com/`, "m"));
    }
  });
});

describe("the conformance check itself", () => {
  const defaults = { replicas: 1, nodeSelector: {}, image: { tag: "" }, extraArgs: { v: 4 }, rules: { default: true, custom: [] } };

  it("accepts keys in the defaults and anything under a free-form default", () => {
    expect(unknownValuePaths({ replicas: 2, nodeSelector: { a: "b" }, image: { tag: "v1" }, rules: { custom: [{ x: 1 }] } }, defaults)).toEqual([]);
  });

  it("catches a misspelled or nested unknown key, and a subchart key neither chart has", () => {
    expect(unknownValuePaths({ replica: 2, image: { tags: "v1" } }, defaults)).toEqual(["replica", "image.tags"]);
    const parent = { grafana: { enabled: true } };
    const sub = { grafana: { nodeSelector: {}, admin: { existingSecret: "" } } };
    expect(unknownValuePaths({ grafana: { enabled: true, nodeSelector: { a: "b" }, admin: { existingSecret: "s" } } }, parent, sub)).toEqual([]);
    expect(unknownValuePaths({ grafana: { nodeSelektor: {} } }, parent, sub)).toEqual(["grafana.nodeSelektor"]);
  });

  it("a chart bump without its fixture fails, naming what to copy", () => {
    expect(() => chartDefaults("cluster-autoscaler", "9.99.0")).toThrow(/no default values for cluster-autoscaler 9.99.0: copy the chart's values.yaml at that release tag to test\/fixtures\/charts\/cluster-autoscaler-9.99.0\/values.yaml/);
  });

  it("covers a prefix entry and reads IMDS-only keys from the chart's comments", () => {
    expect(coveredBy("extraArgs.expander", READ_BY_TEMPLATE, "cluster-autoscaler")).toBe(READ_BY_TEMPLATE.find((r) => r.chart === "cluster-autoscaler"));
    expect(coveredBy("extraArgs.expander", READ_BY_TEMPLATE, "keda")).toBeUndefined();
    expect(imdsOnlyKeys("# enableX If true, do it. Only used in IMDS mode.\nenableX: true\n# queueURL Listens for messages\nqueueURL: \"\"\n")).toEqual(["enableX"]);
  });
});
