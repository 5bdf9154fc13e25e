/**
 * Branches of the policy pack no other suite fails: the in-process runner reporting a rule that throws (never
 * swallowing it), the Helm-values branch of each pod rule, and the read-replica branch of the RDS rules.
 */
import { describe, expect, it } from "vitest";
import type { Rule } from "../policy/kit";
import * as Kr from "../policy/kubernetes";
import * as S from "../policy/security";
import { runRules } from "../tools/policy-engine";
import { check, fakeRegistered } from "./policy-args";

const { K } = Kr;
// The engine without the pack's rule list (tools/policy-run.ts adds it): these tests bring their own rules.
const runPolicies = (resources: Parameters<typeof runRules>[0], options: Omit<Parameters<typeof runRules>[1], "pack">) => runRules(resources, { pack: "test", ...options });
const RDS = "aws:rds/instance:Instance";

describe("the in-process runner", () => {
  const bucket = fakeRegistered([{ type: "aws:s3/bucket:Bucket", name: "b", props: {} }]);
  const throwing = (level: "mandatory" | "advisory"): Rule => ({
    name: "explodes", description: "throws", enforcementLevel: level,
    validateResource: (args) => {
      if (args.type === "aws:s3/bucket:Bucket") throw new TypeError("cannot read properties of undefined (reading 'rules')");
    },
  });

  it("reports a rule that throws as a violation of that rule, at its level, on that resource", () => {
    const report = runPolicies(bucket, { rules: [throwing("mandatory")] });
    expect(report.violations).toEqual([{
      policy: "explodes", level: "mandatory", resource: "b", type: "aws:s3/bucket:Bucket",
      message: "rule failed: cannot read properties of undefined (reading 'rules')",
    }]);
    expect(report.mandatoryViolations).toBe(1);
    expect(report.advisoryViolations).toBe(0);
  });

  it("counts an advisory rule's exception as advisory, and a stack rule's exception on the stack", () => {
    expect(runPolicies(bucket, { rules: [throwing("advisory")] })).toMatchObject({ mandatoryViolations: 0, advisoryViolations: 1 });
    const stackRule: Rule = { name: "stack-explodes", description: "throws", enforcementLevel: "mandatory", validateStack: () => { throw "not an Error"; } };
    expect(runPolicies(bucket, { rules: [stackRule] }).violations).toEqual([{ policy: "stack-explodes", level: "mandatory", message: "rule failed: not an Error" }]);
  });

  it("reports a rule returning a promise instead of passing it silently, and skips a disabled rule", () => {
    const asyncRule: Rule = { name: "async", description: "async", enforcementLevel: "mandatory", validateResource: (args) => (args.type === "aws:s3/bucket:Bucket" ? Promise.resolve() : undefined) };
    expect(runPolicies(bucket, { rules: [asyncRule] }).violations).toEqual([
      { policy: "async", level: "mandatory", resource: "b", type: "aws:s3/bucket:Bucket", message: "rule returned a promise; the in-process runner runs synchronous rules only" },
    ]);
    expect(runPolicies(bucket, { rules: [throwing("mandatory")], config: { explodes: "disabled" } }).violations).toEqual([]);
  });

  it("treats notApplicable as no violation (it is how a rule declines a type)", () => {
    const declines: Rule = { name: "declines", description: "n/a", enforcementLevel: "mandatory", validateResource: (args) => args.notApplicable("not mine") };
    expect(runPolicies(bucket, { rules: [declines] }).violations).toEqual([]);
  });
});

describe("Helm values branch of the pod rules", () => {
  const release = (values: Record<string, any>) => ({ chart: "kube-prometheus-stack", version: "75.6.1", values });
  const label = "Helm release mon (chart kube-prometheus-stack)";

  it("k8s-run-as-non-root catches runAsNonRoot false and runAsUser 0 (number or string) anywhere in the values", () => {
    expect(check(Kr.runAsNonRoot, K.helmRelease, release({
      prometheus: { prometheusSpec: { securityContext: { runAsNonRoot: false, runAsUser: 0 } } },
      grafana: { securityContext: { runAsUser: "0" } },
    }), { name: "mon" })).toEqual([
      `${label}: values prometheus.prometheusSpec.securityContext.runAsNonRoot is false; containers run as non-root.`,
      `${label}: values prometheus.prometheusSpec.securityContext.runAsUser is 0 (root); containers run as non-root.`,
      `${label}: values grafana.securityContext.runAsUser is 0 (root); containers run as non-root.`,
    ]);
    expect(check(Kr.runAsNonRoot, K.helmRelease, release({ securityContext: { runAsNonRoot: true, runAsUser: 65534 } }), { name: "mon" })).toEqual([]);
  });

  it("k8s-no-privilege-escalation catches allowPrivilegeEscalation true in values, in a list too", () => {
    expect(check(Kr.noPrivilegeEscalation, K.helmChart, release({ sidecars: [{ securityContext: { allowPrivilegeEscalation: true } }] }), { name: "mon" })).toEqual([
      `${label}: values sidecars.0.securityContext.allowPrivilegeEscalation is true; set it false.`,
    ]);
  });

  it("k8s-no-host-access catches hostPID and hostIPC in values", () => {
    expect(check(Kr.noHostAccess, K.helmRelease, release({ nodeExporter: { hostPID: true, hostIPC: true, hostNetwork: false } }), { name: "mon" })).toEqual([
      `${label}: values nodeExporter.hostPID is true; no host namespaces.`,
      `${label}: values nodeExporter.hostIPC is true; no host namespaces.`,
    ]);
  });

  it("k8s-image-pinned catches an untagged image string and a caret chart version", () => {
    expect(check(Kr.imagesPinned, K.helmRelease, { ...release({ image: "quay.io/prometheus/node-exporter" }), version: "^75.0.0" }, { name: "mon" })).toEqual([
      `${label}: chart version "^75.0.0" is not pinned; set an exact version.`,
      `${label}: values image: image quay.io/prometheus/node-exporter has no tag (pulls latest).`,
    ]);
  });

  it("an exempted release is skipped by name; the same values on another release are not", () => {
    const values = release({ securityContext: { privileged: true } });
    expect(check(Kr.noPrivileged, K.helmRelease, values, { name: "mon", config: { exempt: ["mon"] } })).toEqual([]);
    expect(check(Kr.noPrivileged, K.helmRelease, values, { name: "other", config: { exempt: ["mon"] } })).toHaveLength(1);
  });
});

describe("read-replica branch of the RDS rules", () => {
  const replica = { instanceClass: "db.t3.medium", replicateSourceDb: "arn:aws:rds:us-east-1:123456789012:db:primary" };

  it("rds-encrypted still fails a replica that turns encryption off explicitly", () => {
    expect(check(S.rdsEncrypted, RDS, { ...replica, storageEncrypted: false }, { name: "replica-1" })).toEqual([
      "replica-1: storageEncrypted is false; set storageEncrypted: true (with a KMS key).",
    ]);
    expect(check(S.rdsEncrypted, RDS, replica, { name: "replica-1" })).toEqual([]);
  });

  it("an empty replicateSourceDb is a primary: backups and deletion protection are required", () => {
    const notReplica = { instanceClass: "db.t3.medium", replicateSourceDb: "", storageEncrypted: true };
    expect(check(S.rdsBackupRetention, RDS, notReplica, { name: "db" })).toEqual(["db: backupRetentionPeriod is 0 days; at least 7 days are required."]);
    expect(check(S.rdsDeletionProtection, RDS, notReplica, { name: "db" })).toEqual(["db: deletionProtection is false; set deletionProtection: true."]);
    expect(check(S.rdsEncrypted, RDS, { ...notReplica, storageEncrypted: undefined }, { name: "db" })).toEqual([
      "db: storageEncrypted is undefined; set storageEncrypted: true (with a KMS key).",
    ]);
  });

  it("a replica with a short retention is not held to the primary's backup floor", () => {
    expect(check(S.rdsBackupRetention, RDS, { ...replica, backupRetentionPeriod: 0 }, { name: "replica-1" })).toEqual([]);
    expect(check(S.rdsDeletionProtection, RDS, { ...replica, deletionProtection: false }, { name: "replica-1" })).toEqual([]);
  });
});
