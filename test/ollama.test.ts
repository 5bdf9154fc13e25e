import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NODE_POOLS } from "../components/cluster/cluster";
import { FAST_SSD, gp3Parameters, MODEL_PULL_SCRIPT, OllamaCluster, ollamaResources, type OllamaClusterArgs } from "../components/k8s/ollama";
import { TIERS, TIER_NAMES } from "../infra/tiers";
import { loadPolicyConfig, runPolicies } from "../tools/policy-run";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";
import { k8sSchemaProblems } from "./k8s-schema";

const baseArgs = (over: Partial<OllamaClusterArgs> = {}): OllamaClusterArgs => ({
  image: "docker.io/ollama/ollama:0.6.5",
  replicas: 10,
  models: ["codellama", "llama3.1:8b"],
  gpuInstanceType: "g5.2xlarge",
  ...over,
});

function build(args: OllamaClusterArgs) {
  return runComponent((parent) => {
    new aws.Provider("aws", { region: "us-east-1", defaultTags: { tags: { stack: "prod", tier: "scale", component: "ollama", "cost-center": "platform" } } }, { parent });
    return new OllamaCluster("ollama", args, { parent });
  });
}

describe("ollamaResources", () => {
  it("is the plan's 4 cpu / 16Gi requests, 8 cpu limit and one GPU where the node has room (g5.2xlarge)", () => {
    expect(ollamaResources("g5.2xlarge")).toEqual({
      requests: { cpu: "4", memory: "16Gi" },
      limits: { cpu: "8", memory: "29Gi", "nvidia.com/gpu": "1" },
    });
  });

  it("caps requests and limits to what a 4 vCPU / 16 GiB GPU node can give a pod", () => {
    for (const type of ["g4dn.xlarge", "g5.xlarge"]) {
      expect(ollamaResources(type)).toEqual({ requests: { cpu: "3500m", memory: "13Gi" }, limits: { cpu: "4", memory: "13Gi", "nvidia.com/gpu": "1" } });
    }
  });

  it.each(TIER_NAMES)("knows the %s tier's GPU instance type", (tier) => {
    expect(ollamaResources(TIERS[tier].gpu.instanceType).limits["nvidia.com/gpu"]).toBe("1");
  });

  it("rejects an unknown instance type", () => {
    expect(() => ollamaResources("p9.mega")).toThrow(/GPU instance type "p9.mega" is unknown; add it, with its source, to components\/cluster\/instance-types\.ts/);
  });
});

describe("gp3Parameters", () => {
  it("encrypts and provisions IOPS and throughput within the gp3 limits", () => {
    expect(gp3Parameters(FAST_SSD, 100)).toEqual({ type: "gp3", iops: "6000", throughput: "500", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" });
    expect(() => gp3Parameters({ iops: 20000, throughputMiBps: 500 }, 100)).toThrow(/iops must be an integer from 3000 to 16000; got 20000/);
    expect(() => gp3Parameters({ iops: 16000, throughputMiBps: 500 }, 20)).toThrow(/iops 16000 exceeds 500 per GiB of a 20Gi volume \(10000\)/);
    expect(() => gp3Parameters({ iops: 3000, throughputMiBps: 1000 }, 100)).toThrow(/throughputMiBps 1000 exceeds iops \/ 4 \(750\)/);
  });
});

describe("the model pull script (run with a fake ollama)", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "ollama-pull-"));
    // Fake CLI: `serve` runs until TERM and answers (`up`) only once it has started, as the real server does;
    // `list` fails until then; `show` knows the present models.
    fs.writeFileSync(path.join(dir, "ollama"), [
      "#!/bin/sh",
      'case "$1" in',
      '  serve) trap \'echo stopped >> "$FAKE/log"; rm -f "$FAKE/up"; exit 0\' TERM; echo serve >> "$FAKE/log"; touch "$FAKE/up"; while :; do sleep 0.05; done ;;',
      '  list) [ -f "$FAKE/up" ] ;;',
      '  show) grep -qx "$2" "$FAKE/present" ;;',
      '  pull) echo "pull $2" >> "$FAKE/log"; echo "$2" >> "$FAKE/present" ;;',
      "esac",
    ].join("\n"), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "present"), "codellama\n");
    // The script waits `sleep 1` between polls of the server: 50 ms here (the polling is what is tested, not the pause).
    fs.writeFileSync(path.join(dir, "sleep"), "#!/bin/sh\nexec /bin/sleep 0.05\n", { mode: 0o755 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = () => execFileSync("/bin/sh", ["-c", MODEL_PULL_SCRIPT], {
    // Its own TMPDIR: a server log another user's run left in /tmp would not be writable.
    env: { PATH: `${dir}:/usr/bin:/bin`, FAKE: dir, OLLAMA_PULL_MODELS: "codellama llama3.1:8b", TMPDIR: dir },
    cwd: dir,
  }).toString();

  async function stopped(): Promise<string[]> {
    for (let i = 0; i < 100 && !fs.readFileSync(path.join(dir, "log"), "utf8").includes("stopped"); i++) await new Promise((r) => setTimeout(r, 20));
    return fs.readFileSync(path.join(dir, "log"), "utf8").trim().split("\n");
  }

  it("waits for its private server, pulls only the missing models, then stops the server", async () => {
    const out = run();
    expect(out).toContain("model codellama present");
    expect(out).toContain("pulling llama3.1:8b");
    expect(await stopped()).toEqual(["serve", "pull llama3.1:8b", "stopped"]);
    expect(fs.existsSync(path.join(dir, "ollama-pull.log"))).toBe(true);
  });

  it("pulls nothing on a volume that already holds every model", async () => {
    fs.writeFileSync(path.join(dir, "log"), "");
    run();
    expect(await stopped()).toEqual(["serve", "stopped"]);
  });
});

describe("OllamaCluster", () => {
  let resources: RegisteredResource[];
  let ollama: OllamaCluster;
  beforeAll(async () => {
    ({ resources, result: ollama } = await build(baseArgs()));
  });
  const sts = () => find(resources, "kubernetes:apps/v1:StatefulSet", "ollama-statefulset");

  it("creates the fast-ssd StorageClass: encrypted gp3 with provisioned IOPS, bound where the pod lands, expandable", () => {
    expect(find(resources, "kubernetes:storage.k8s.io/v1:StorageClass", "ollama-storage-class").inputs).toMatchObject({
      metadata: { name: "fast-ssd" },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", iops: "6000", throughput: "500", encrypted: "true" },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
    });
  });

  it("gives every replica its own 100Gi fast-ssd volume at /root/.ollama, protected", () => {
    const s = sts();
    expect(s.inputs.spec.volumeClaimTemplates).toEqual([{
      metadata: { name: "models", labels: ollama.podLabels },
      spec: { accessModes: ["ReadWriteOnce"], storageClassName: "fast-ssd", resources: { requests: { storage: "100Gi" } } },
    }]);
    const c = s.inputs.spec.template.spec.containers[0];
    expect(c.volumeMounts).toContainEqual({ name: "models", mountPath: "/root/.ollama" });
    expect(s.options.protect).toBe(true);
    // Volumes survive scale-down, a deleted claim and a deleted StatefulSet (models take long to pull again).
    expect(s.inputs.spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Retain", whenScaled: "Retain" });
    const sc = find(resources, "kubernetes:storage.k8s.io/v1:StorageClass", "ollama-storage-class");
    expect(sc.inputs.reclaimPolicy).toBe("Retain");
    expect(sc.options.deleteBeforeReplace).toBe(true);
  });

  it("runs the tier's replicas in parallel on GPU nodes with one GPU each and the plan's resources", () => {
    const spec = sts().inputs.spec;
    expect(spec.replicas).toBe(10);
    expect(spec.podManagementPolicy).toBe("Parallel");
    expect(spec.serviceName).toBe("ollama-headless");
    const pod = spec.template.spec;
    expect(pod.nodeSelector).toEqual(NODE_POOLS.gpu.labels);
    expect(pod.tolerations).toEqual([{ key: "nvidia.com/gpu", operator: "Exists", effect: "NoSchedule" }]);
    expect(pod.terminationGracePeriodSeconds).toBe(120);
    expect(pod.containers[0].resources).toEqual({ requests: { cpu: "4", memory: "16Gi" }, limits: { cpu: "8", memory: "29Gi", "nvidia.com/gpu": "1" } });
    expect(pod.containers[0].image).toBe("docker.io/ollama/ollama:0.6.5");
  });

  it("configures the server: listen address, keep-alive, parallelism, model path in the volume", () => {
    const c = sts().inputs.spec.template.spec.containers[0];
    expect(c.env).toEqual([
      { name: "HOME", value: "/root" },
      { name: "OLLAMA_MODELS", value: "/root/.ollama/models" },
      { name: "OLLAMA_HOST", value: "0.0.0.0:11434" },
      { name: "OLLAMA_KEEP_ALIVE", value: "24h" },
      { name: "OLLAMA_NUM_PARALLEL", value: "4" },
      { name: "OLLAMA_MAX_LOADED_MODELS", value: "1" },
    ]);
    expect(c.args).toEqual(["serve"]);
  });

  it("pulls the models onto the volume before the server starts, on a loopback-only server", () => {
    const [init] = sts().inputs.spec.template.spec.initContainers;
    expect(init.image).toBe("docker.io/ollama/ollama:0.6.5");
    expect(init.command).toEqual(["/bin/sh", "-c", MODEL_PULL_SCRIPT]);
    expect(init.env).toContainEqual({ name: "OLLAMA_PULL_MODELS", value: "codellama llama3.1:8b" });
    expect(init.env).toContainEqual({ name: "OLLAMA_HOST", value: "127.0.0.1:11434" });
    expect(init.volumeMounts).toEqual(sts().inputs.spec.template.spec.containers[0].volumeMounts);
  });

  it("probes the HTTP API with a generous startup probe", () => {
    const c = sts().inputs.spec.template.spec.containers[0];
    expect(c.startupProbe).toMatchObject({ httpGet: { path: "/", port: "http" }, failureThreshold: 60 });
    expect(c.readinessProbe.httpGet).toEqual({ path: "/api/tags", port: "http" });
    expect(c.livenessProbe.httpGet).toEqual({ path: "/", port: "http" });
  });

  it("runs as uid 1000 with a read-only root filesystem; only HOME, the volume and /tmp are writable", () => {
    const pod = sts().inputs.spec.template.spec;
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, fsGroupChangePolicy: "OnRootMismatch", seccompProfile: { type: "RuntimeDefault" } });
    for (const c of [...pod.initContainers, ...pod.containers]) {
      expect(c.securityContext).toEqual({ runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    }
    expect(pod.containers[0].volumeMounts.map((m: any) => m.mountPath)).toEqual(["/root", "/root/.ollama", "/tmp"]);
    expect(pod.volumes.map((v: any) => Object.keys(v).filter((k) => k !== "name"))).toEqual([["emptyDir"], ["emptyDir"]]);
  });

  it("has a headless Service for pod identities, a client Service and a PDB", () => {
    expect(find(resources, "kubernetes:core/v1:Service", "ollama-headless").inputs.spec).toMatchObject({ clusterIP: "None", ports: [{ name: "http", port: 11434, targetPort: "http", protocol: "TCP" }] });
    expect(find(resources, "kubernetes:core/v1:Service", "ollama-service").inputs.spec).toMatchObject({ type: "ClusterIP", selector: ollama.podLabels });
    expect(find(resources, "kubernetes:policy/v1:PodDisruptionBudget", "ollama-pdb").inputs.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: ollama.podLabels } });
    expect(ollama.url).toBe("http://ollama.ollama.svc.cluster.local:11434");
  });

  it("validates against the official schemas and passes every mandatory policy rule", async () => {
    expect(await k8sSchemaProblems(resources)).toEqual([]);
    const report = runPolicies(resources, { config: loadPolicyConfig("prod").config });
    expect(report.violations.filter((v) => v.level === "mandatory").map((v) => `${v.policy} ${v.resource}: ${v.message}`)).toEqual([]);
  });
});

describe("OllamaCluster input", () => {
  it("sizes for a small GPU node and takes other settings", async () => {
    const { resources } = await build(baseArgs({ replicas: 1, gpuInstanceType: "g4dn.xlarge", volumeGi: 200, keepAlive: "-1", numParallel: 2 }));
    const s = find(resources, "kubernetes:apps/v1:StatefulSet", "ollama-statefulset").inputs.spec;
    expect(s.replicas).toBe(1);
    expect(s.template.spec.containers[0].resources.requests).toEqual({ cpu: "3500m", memory: "13Gi" });
    expect(s.volumeClaimTemplates[0].spec.resources.requests.storage).toBe("200Gi");
    expect(s.template.spec.containers[0].env).toContainEqual({ name: "OLLAMA_KEEP_ALIVE", value: "-1" });
    expect(s.template.spec.containers[0].env).toContainEqual({ name: "OLLAMA_NUM_PARALLEL", value: "2" });
  });

  it("rejects bad input naming the arg and value", async () => {
    await expect(build(baseArgs({ image: "docker.io/ollama/ollama:latest" }))).rejects.toThrow(/image "docker.io\/ollama\/ollama:latest" is not pinned/);
    await expect(build(baseArgs({ replicas: 0 }))).rejects.toThrow(/replicas must be an integer >= 1; got 0 \(for 0 replicas do not create the component\)/);
    await expect(build(baseArgs({ models: ["code llama; rm -rf /"] }))).rejects.toThrow(/models \["code llama; rm -rf \/"\] are not model names/);
    await expect(build(baseArgs({ models: [] }))).rejects.toThrow(/models is empty/);
    await expect(build(baseArgs({ gpuInstanceType: undefined }))).rejects.toThrow(/set gpuInstanceType/);
    await expect(build(baseArgs({ storagePerformance: { iops: 3000, throughputMiBps: 900 } }))).rejects.toThrow(/throughputMiBps 900 exceeds iops \/ 4/);
  });
});
