/**
 * The CrossGuard policy pack. This is the only module that constructs the PolicyPack (constructing it starts
 * the analyzer's gRPC server): `pulumi preview --policy-pack policy [--policy-pack-config <file from tools/policy-config.ts>]`.
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_RULES, PACK_NAME } from "./rules";

new PolicyPack(PACK_NAME, {
  description: "FinishThisIdea guardrails: security (S3, RDS, ElastiCache, CloudFront, network exposure, EKS, EBS, IAM, KMS, secrets, Kubernetes workloads and RBAC), the platform's own rules, and cost (tier ceilings, SPOT workers, tags, lifecycles, monthly budget, unpriced resources).",
  enforcementLevel: "mandatory",
  policies: ALL_RULES,
});
