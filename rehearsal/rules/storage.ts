/**
 * Storage: every volume claim (StatefulSet templates, PVCs, claims in Helm values) resolves to a StorageClass
 * the plan creates, or to the plan's default class; EBS-backed classes have the EBS CSI driver add-on with an
 * IAM role; a class that binds immediately would pick a zone before the pod does (multi-AZ node groups).
 */
import type { PlanModel } from "../model";
import type { Finding, RuleResult } from "../types";

export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
const EBS_CSI = "ebs.csi.aws.com";

export function checkStorage(model: PlanModel): RuleResult {
  const failures: Finding[] = [];
  const notes: string[] = [];
  let checks = 0;
  const fail = (resource: string, problem: string, fix: string) => failures.push({ rule: "storage", resource, problem, fix });

  const classes = (model.objects.get("StorageClass") ?? []).map((o) => ({
    name: o.name,
    isDefault: o.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true",
    provisioner: o.resource.inputs.provisioner,
    bindingMode: o.resource.inputs.volumeBindingMode ?? "Immediate",
  }));
  const defaults = classes.filter((c) => c.isDefault);
  if (defaults.length > 1) fail("StorageClass", `${defaults.length} classes are marked default (${defaults.map((c) => c.name).join(", ")}); Kubernetes picks the newest, unpredictably`, "mark exactly one class default");

  const claims = [
    ...model.pods.flatMap((p) => p.claims.map((c) => ({ owner: p.id, ...c }))),
    ...(model.objects.get("PersistentVolumeClaim") ?? []).map((o) => ({ owner: `PersistentVolumeClaim ${o.namespace}/${o.name}`, name: o.name, storageClassName: o.spec.storageClassName, size: o.spec.resources?.requests?.storage })),
  ];
  const existingCluster = !model.resources.some((r) => r.type === "aws:eks/cluster:Cluster");
  for (const c of claims) {
    checks++;
    if (c.storageClassName === undefined || c.storageClassName === null) {
      if (defaults.length === 0) {
        if (existingCluster) notes.push(`${c.owner} claim ${c.name} names no StorageClass: the existing cluster must have a default class`);
        else fail(c.owner, `claim ${c.name} (${c.size ?? "?"}) names no StorageClass and the plan marks none as default (EKS 1.30+ ships no default class): it stays Pending`, `create a default gp3 StorageClass (annotation ${DEFAULT_CLASS_ANNOTATION}: "true") or name one in the claim`);
      }
      continue;
    }
    if (!classes.some((k) => k.name === c.storageClassName)) {
      fail(c.owner, `claim ${c.name} names StorageClass ${c.storageClassName}, which the plan does not create`, `create StorageClass ${c.storageClassName} or name one of: ${classes.map((k) => k.name).join(", ") || "(none)"}`);
    }
  }

  const pools = model.pools;
  for (const k of classes) {
    checks++;
    if (k.provisioner === EBS_CSI && !existingCluster) {
      const addon = model.resources.find((r) => r.type === "aws:eks/addon:Addon" && r.inputs.addonName === "aws-ebs-csi-driver");
      if (!addon) fail(`StorageClass ${k.name}`, `provisioner ${EBS_CSI} but the plan installs no aws-ebs-csi-driver add-on: no volume is ever created`, "add the aws-ebs-csi-driver EKS add-on with an IRSA role");
      else if (!addon.inputs.serviceAccountRoleArn) fail(`StorageClass ${k.name}`, "the aws-ebs-csi-driver add-on has no serviceAccountRoleArn: the controller cannot call EC2 to create volumes", "give the add-on an IRSA role with AmazonEBSCSIDriverPolicy");
      else if (!model.resources.some((r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && String(r.inputs.policyArn).endsWith("/AmazonEBSCSIDriverPolicy"))) {
        fail(`StorageClass ${k.name}`, "the EBS CSI role has no AmazonEBSCSIDriverPolicy attached", "attach arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy to the add-on's role");
      }
    }
    if (k.bindingMode === "Immediate" && pools.some((p) => p.subnetCount > 1)) {
      fail(`StorageClass ${k.name}`, "volumeBindingMode Immediate: EBS volumes are zonal and would be created before the pod is placed, in a zone its node group may have no node in", "set volumeBindingMode: WaitForFirstConsumer");
    }
  }
  notes.push(`${claims.length} claims, ${classes.length} StorageClasses (default: ${defaults.map((d) => d.name).join(", ") || "none"})`);
  return { rule: "storage", title: "Storage", checks, failures, notes };
}
