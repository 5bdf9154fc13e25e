import { describe, expect, it } from "vitest";
import type { RegisteredResource } from "../tools/program";
import { k8sSchemaProblems, modelFor } from "./k8s-schema";

function resource(type: string, inputs: Record<string, unknown>): RegisteredResource {
  return {
    urn: `urn:pulumi:test::p::${type}::x`, type, name: String((inputs.metadata as any)?.name ?? "x"), custom: true, inputs, secretInputs: [],
    options: { protect: false, aliases: [], dependsOn: [], ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false },
  };
}

const deployment = (container: Record<string, unknown>) => resource("kubernetes:apps/v1:Deployment", {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api", namespace: "app" },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: "api" } },
    template: { metadata: { labels: { app: "api" } }, spec: { containers: [{ name: "api", image: "api:1.0.0", ...container }] } },
  },
});

describe("k8sSchemaProblems", () => {
  it("maps resource types to model modules", () => {
    expect(modelFor("kubernetes:core/v1:Service")).toEqual({ module: "kubernetes-models/v1/Service", kind: "Service" });
    expect(modelFor("kubernetes:networking.k8s.io/v1:Ingress")?.module).toBe("kubernetes-models/networking.k8s.io/v1/Ingress");
    expect(modelFor("kubernetes:keda.sh/v1alpha1:ScaledObject")?.module).toBe("@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject");
  });

  it("accepts a valid object", async () => {
    expect(await k8sSchemaProblems([deployment({ ports: [{ containerPort: 3000 }] })])).toEqual([]);
  });

  it("checks a shape once: the same object with other numbers passes unchecked, a changed type is checked again", async () => {
    expect(await k8sSchemaProblems([deployment({ ports: [{ containerPort: 8080 }] })])).toEqual([]);
    // A port the runtime schema accepts (an int) but the interface refuses as a string: caught although the
    // object's shape with a number passed above.
    const problems = await k8sSchemaProblems([deployment({ ports: [{ containerPort: 8080, hostIP: 7 }] })]);
    expect(problems.join("\n")).toMatch(/hostIP|number/);
  });

  it("catches a misspelt field deep in the pod spec", async () => {
    const problems = await k8sSchemaProblems([deployment({ imagePullPolicyy: "Always" })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("kubernetes:apps/v1:Deployment api");
    expect(problems[0]).toContain("imagePullPolicyy");
  });

  it("catches a wrong type and a missing required field", async () => {
    const problems = await k8sSchemaProblems([deployment({ ports: [{ containerPort: "http" }] })]);
    expect(problems.join("\n")).toMatch(/containerPort/);
    const noSelector = resource("kubernetes:apps/v1:Deployment", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "n" }, spec: { template: {} } });
    expect((await k8sSchemaProblems([noSelector])).join("\n")).toMatch(/selector/);
  });

  it("validates KEDA custom resources", async () => {
    const scaled = resource("kubernetes:keda.sh/v1alpha1:ScaledObject", {
      apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject", metadata: { name: "w" },
      spec: { scaleTargetRef: { name: "workers" }, triggers: [{ type: "redis-cluster", metadata: { listName: "q" } }], minReplicaCountt: 2 },
    });
    expect((await k8sSchemaProblems([scaled])).join("\n")).toContain("minReplicaCountt");
  });

  it("refuses an object whose API group has no schema package", async () => {
    const unknown = resource("kubernetes:example.com/v1:Widget", { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } });
    expect(await k8sSchemaProblems([unknown])).toEqual([expect.stringContaining("no schema found")]);
  });
});
