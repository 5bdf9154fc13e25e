/**
 * The CrossGuard policy pack. This is the only module that constructs the PolicyPack (constructing it starts
 * the analyzer's gRPC server): `pulumi preview --policy-pack policy [--policy-pack-config policy/config/prod.json]`.
 */
import { PolicyPack } from "@pulumi/policy";
import { ALL_RULES, PACK_NAME } from "./rules";

new PolicyPack(PACK_NAME, {
  description: "FinishThisIdea guardrails: security (S3, RDS, ElastiCache, CloudFront, security groups, EKS, IMDSv2, KMS, Kubernetes workloads) and cost (tier ceilings, SPOT workers, tags, lifecycles, monthly budget).",
  enforcementLevel: "mandatory",
  policies: ALL_RULES,
});
