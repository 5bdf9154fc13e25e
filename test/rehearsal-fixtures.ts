/** Hand-built plan models for the rehearsal rules' pure tests: a PlanModel written out, not built from resources. */
import type { K8sObject, NodePool, PlanModel, PodGroup } from "../rehearsal/model";
import type { RegisteredResource } from "../tools/program";

export const pod = (id: string, o: Partial<PodGroup> = {}): PodGroup => ({
  id, kind: "Deployment", name: id, namespace: "app", labels: {}, nodeSelector: {}, tolerations: [], nodeTerms: [], cpuMilli: 100, memoryMiB: 100, gpus: 0,
  replicas: 1, daemonSet: false, ports: [], claims: [], refs: [], envKeys: [], envKeysHidden: false, env: {}, configDeps: [], ...o,
});
export const pool = (resource: string, o: Partial<NodePool> = {}): NodePool => ({
  resource, pool: resource, labels: {}, taints: [], instanceTypes: ["t3.medium"], min: 1, max: 4, subnetCount: 3, ...o,
});
export const resource = (type: string, name: string, inputs: Record<string, any> = {}, o: Partial<RegisteredResource> = {}): RegisteredResource => ({
  urn: `urn:pulumi:test::p::${type}::${name}`, type, name, custom: true, inputs, secretInputs: [], inputDependencies: [],
  options: { protect: false, aliases: [], dependsOn: [], ignoreChanges: [], deleteBeforeReplace: false, retainOnDelete: false }, ...o,
} as RegisteredResource);
export const obj = (kind: string, name: string, namespace: string | undefined, spec: any = {}, metadata: any = {}, inputs: Record<string, any> = {}): K8sObject => ({
  resource: resource(`kubernetes:x/v1:${kind}`, `${name}-${kind}`, { metadata: { name, namespace, ...metadata }, spec, ...inputs }), kind, name, namespace, spec, metadata: { name, namespace, ...metadata },
});
export const model = (o: Partial<PlanModel> & { objectList?: K8sObject[] } = {}): PlanModel => {
  const objects = new Map<string, K8sObject[]>();
  for (const x of o.objectList ?? []) objects.set(x.kind, [...(objects.get(x.kind) ?? []), x]);
  const resources = o.resources ?? [];
  const { objectList: _, ...rest } = o;
  return { resources, byUrn: new Map(resources.map((r) => [r.urn, r])), pools: [], pods: [], objects, namespaces: new Map(), releases: [], ...rest };
};
