/**
 * Pod building blocks the application workloads (API tier, worker fleet) share: standard labels, the hardened
 * security contexts, pinned-image checks, the env Secret and the IRSA role scoped to the platform's buckets.
 * Functions only; no component lives here.
 */
import * as crypto from "node:crypto";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { irsaRole, type ClusterOidc } from "./irsa";

/** Hex SHA-256 of a rendered config, for `checksum/*` pod annotations: a config change becomes a rollout. */
export function sha256Hex(text: string): string {
  return crypto.createHash("sha256").update(text).digest("hex");
}

/** `app.kubernetes.io/*` labels; `selectorLabels` is the stable subset used in selectors. */
export function appLabels(app: string, component: string, version?: string) {
  const selector = { "app.kubernetes.io/name": app, "app.kubernetes.io/instance": app };
  return {
    selector,
    all: {
      ...selector,
      "app.kubernetes.io/component": component,
      "app.kubernetes.io/part-of": "finishthisidea",
      "app.kubernetes.io/managed-by": "pulumi",
      ...(version ? { "app.kubernetes.io/version": version } : {}),
    },
  };
}

/** Labels of an application namespace: its name (for NetworkPolicy selectors) and Pod Security `restricted`. */
export function namespaceLabels(namespace: string) {
  return {
    "kubernetes.io/metadata.name": namespace,
    "app.kubernetes.io/part-of": "finishthisidea",
    "app.kubernetes.io/managed-by": "pulumi",
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/enforce-version": "latest",
  };
}

/** Pod-level security context meeting the `restricted` Pod Security Standard. */
export const RESTRICTED_POD_SECURITY = {
  runAsNonRoot: true,
  runAsUser: 10001,
  runAsGroup: 10001,
  fsGroup: 10001,
  seccompProfile: { type: "RuntimeDefault" },
};

/** Container-level hardening: non-root, read-only root filesystem, no privilege escalation, no capabilities. */
export const HARDENED_CONTAINER = {
  runAsNonRoot: true,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

/** Throw unless `image` is `repo:tag` with a tag other than `latest` (or a digest). */
export function assertPinnedImage(component: string, arg: string, image: string): void {
  if (image.includes("@sha256:")) return;
  const last = image.split("/").pop() ?? "";
  const colon = last.lastIndexOf(":");
  const tag = colon < 0 ? "" : last.slice(colon + 1);
  if (tag === "" || tag === "latest") {
    throw new Error(`${component}: ${arg} ${JSON.stringify(image)} is not pinned; use repository:tag with a version tag (never latest) or a digest`);
  }
}

export interface Resources {
  requests: { cpu: string; memory: string };
  limits: { cpu: string; memory: string };
}

/** IAM policy for objects in the given buckets, with the KMS keys that encrypt them. */
export function bucketAccessPolicy(bucketArns: string[], kmsKeyArns: string[]): string {
  if (bucketArns.length === 0) throw new Error("bucketAccessPolicy: bucketArns is empty; expected at least one bucket ARN");
  const statements: unknown[] = [
    { Sid: "ListBuckets", Effect: "Allow", Action: ["s3:ListBucket", "s3:GetBucketLocation"], Resource: bucketArns },
    {
      Sid: "Objects",
      Effect: "Allow",
      Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      Resource: bucketArns.map((arn) => `${arn}/*`),
    },
  ];
  if (kmsKeyArns.length > 0) {
    statements.push({ Sid: "BucketKeys", Effect: "Allow", Action: ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"], Resource: kmsKeyArns });
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

export interface BucketAccess {
  oidc: ClusterOidc;
  bucketArns: pulumi.Input<string>[];
  kmsKeyArns: pulumi.Input<string>[];
}

/** IRSA role for one service account with access to exactly the given buckets (and their KMS keys). */
export function bucketAccessRole(name: string, access: BucketAccess, namespace: string, serviceAccount: string, opts: pulumi.CustomResourceOptions): aws.iam.Role {
  const role = irsaRole(name, access.oidc, namespace, serviceAccount, opts);
  new aws.iam.RolePolicy(`${name}-buckets`, {
    role: role.id,
    policy: pulumi.all([pulumi.all(access.bucketArns), pulumi.all(access.kmsKeyArns)]).apply(([b, k]) => bucketAccessPolicy(b, k)),
  }, opts);
  return role;
}

/** A Secret whose every value is a Pulumi secret, for `envFrom`. */
export function envSecret(
  name: string,
  metadata: { name: string; namespace: pulumi.Input<string>; labels: Record<string, string> },
  values: Record<string, pulumi.Input<string>>,
  opts: pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
  const stringData = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, pulumi.secret(v)]));
  return new k8s.core.v1.Secret(name, { metadata, type: "Opaque", stringData }, opts);
}

/** Env var names must be C identifiers so `envFrom` exposes them. */
export function assertEnvNames(component: string, arg: string, names: string[]): void {
  const bad = names.filter((n) => !/^[A-Z_][A-Z0-9_]*$/.test(n));
  if (bad.length > 0) throw new Error(`${component}: ${arg} has invalid env names ${JSON.stringify(bad)}; expected UPPER_SNAKE_CASE`);
}
