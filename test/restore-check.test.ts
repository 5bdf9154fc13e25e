import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { RESTORE_CHECK, RestoreCheck, restoreCheckPolicy, restoreCheckScript } from "../components/observability/restore-check";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";
import { k8sSchemaProblems } from "./k8s-schema";

/**
 * Run the rendered script with bash against stub `aws` and `psql` commands that log their arguments; the stubs
 * answer like the real CLIs for the calls the script makes. `fail` makes one step fail.
 */
function runScript(fail: "none" | "psql" | "no-snapshot" | "restore"): { status: number | null; calls: string[]; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "restore-check-"));
  try {
    const log = path.join(dir, "calls.log");
    const stub = (body: string) => `#!/bin/bash\necho "$(basename "$0") $*" >> "${log}"\n${body}\n`;
    fs.writeFileSync(path.join(dir, "aws"), stub([
      'case "$1 $2" in',
      `  "rds describe-db-snapshots") ${fail === "no-snapshot" ? "echo None" : "echo rds:db-2026-11-30-03-10"} ;;`,
      `  "rds restore-db-instance-from-db-snapshot") ${fail === "restore" ? "exit 254" : "echo '{}'"} ;;`,
      '  "rds describe-db-instances") echo db-restore.abc.us-east-1.rds.amazonaws.com ;;',
      "esac",
    ].join("\n")), { mode: 0o755 });
    fs.writeFileSync(path.join(dir, "psql"), stub(fail === "psql" ? 'echo "psql: error: connection refused" >&2; exit 2' : "echo 412"), { mode: 0o755 });
    const env = { PATH: `${dir}:/usr/bin:/bin`, REGION: "us-east-1", DB_INSTANCE: "db", SUBNET_GROUP: "db-subnets", SECURITY_GROUP: "sg-1", DB_NAME: "finishthisidea", DB_USER: "app", PGPASSWORD: "x" };
    const r = spawnSync("bash", ["-c", restoreCheckScript()], { env, encoding: "utf8" });
    const calls = fs.existsSync(log) ? fs.readFileSync(log, "utf8").trim().split("\n").map((l) => l.split(" ").slice(0, 3).join(" ")) : [];
    return { status: r.status, calls, stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe("restore check script", () => {
  it("is valid bash", () => {
    expect(spawnSync("bash", ["-n", "-c", restoreCheckScript()]).status).toBe(0);
  });

  it("restores the latest snapshot, queries it, records success and duration, then deletes the instance", () => {
    const r = runScript("none");
    expect(r.status, r.stderr).toBe(0);
    expect(r.calls).toEqual([
      "aws rds describe-db-snapshots", "aws rds restore-db-instance-from-db-snapshot", "aws rds wait", "aws rds describe-db-instances",
      "psql host=db-restore.abc.us-east-1.rds.amazonaws.com port=5432", "aws cloudwatch put-metric-data", "aws cloudwatch put-metric-data",
      "aws rds delete-db-instance", "aws rds wait",
    ]);
  });

  it("records failure and still deletes the instance when the check query fails", () => {
    const r = runScript("psql");
    expect(r.status).not.toBe(0);
    expect(r.calls.slice(-3)).toEqual(["aws cloudwatch put-metric-data", "aws rds delete-db-instance", "aws rds wait"]);
    expect(r.stderr).toMatch(/restore check failed/);
  });

  it("records failure without deleting anything when there is no snapshot or the restore is refused", () => {
    for (const fail of ["no-snapshot", "restore"] as const) {
      const r = runScript(fail);
      expect(r.status, fail).not.toBe(0);
      expect(r.calls.at(-1), fail).toBe("aws cloudwatch put-metric-data");
      expect(r.calls.some((c) => c.includes("delete-db-instance")), fail).toBe(false);
    }
  });

  it("writes the metric the alarms watch", () => {
    expect(restoreCheckScript()).toContain(`--namespace "${RESTORE_CHECK.namespace}"`);
    expect(restoreCheckScript()).toContain(`metric ${RESTORE_CHECK.successMetric} 1`);
  });
});

describe("restore check role", () => {
  it("may delete only throwaway instances of this database and write only its metric namespace", () => {
    const doc = JSON.parse(restoreCheckPolicy("us-east-1", "123456789012", "db", "arn:aws:kms:us-east-1:123456789012:key/k"));
    const byId = Object.fromEntries(doc.Statement.map((s: any) => [s.Sid, s]));
    expect(byId.DeleteThrowaway).toEqual({ Sid: "DeleteThrowaway", Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: "arn:aws:rds:us-east-1:123456789012:db:db-restore-check-*" });
    expect(byId.Metrics.Condition).toEqual({ StringEquals: { "cloudwatch:namespace": "FinishThisIdea/RestoreCheck" } });
    expect(JSON.stringify(doc)).not.toMatch(/"rds:\*"|"Action":"\*"/);
  });
});

describe("RestoreCheck", () => {
  let resources: RegisteredResource[];
  beforeAll(async () => {
    ({ resources } = await runComponent((parent) => {
      const provider = new aws.Provider("aws-restore-check-us-east-1", { region: "us-east-1" }, { parent });
      const k8sProvider = new k8s.Provider("k8s", { kubeconfig: "{}" }, { parent });
      return new RestoreCheck("restore-check", {
        namePrefix: "finishthisidea-prod",
        region: "us-east-1",
        provider,
        oidc: { providerArn: "arn:aws:iam::123456789012:oidc-provider/x", issuerUrl: "https://oidc.eks.us-east-1.amazonaws.com/id/X" },
        database: { instanceId: "db", subnetGroupName: "db-subnets", securityGroupId: "sg-1", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k", databaseName: "finishthisidea", username: "app", password: pulumi.secret("pw") },
        alertTopicArn: "arn:aws:sns:us-east-1:123456789012:alerts",
      }, { parent, providers: [k8sProvider] });
    }));
  });

  it("runs daily after the backup window, one at a time, with the script and the password from a Secret", async () => {
    const cron = find(resources, "kubernetes:batch/v1:CronJob", "restore-check-cronjob").inputs;
    expect(cron.spec).toMatchObject({ schedule: "30 5 * * *", concurrencyPolicy: "Forbid" });
    const pod = cron.spec.jobTemplate.spec.template.spec;
    expect(pod.serviceAccountName).toBe("restore-check");
    expect(pod.containers[0].env).toContainEqual({ name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: "restore-check", key: "PGPASSWORD" } } });
    expect(find(resources, "kubernetes:core/v1:ConfigMap", "restore-check-script").inputs.data["restore-check.sh"]).toBe(restoreCheckScript());
    expect(find(resources, "kubernetes:core/v1:Secret", "restore-check-credentials").secretInputs).toEqual(["stringData"]);
    expect(await k8sSchemaProblems(resources)).toEqual([]);
  });

  it("alarms when a run fails and when no run reported for two days", () => {
    expect(find(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "restore-check-failed").inputs).toMatchObject({ name: "finishthisidea-prod-restore-check-failed", metricName: "RestoreCheckSuccess", statistic: "Minimum", threshold: 1, comparisonOperator: "LessThanThreshold", treatMissingData: "notBreaching" });
    expect(find(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", "restore-check-stale").inputs).toMatchObject({ statistic: "SampleCount", evaluationPeriods: 2, datapointsToAlarm: 2, treatMissingData: "breaching", period: 86400 });
  });
});
