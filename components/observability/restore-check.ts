import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { irsaRole, type ClusterOidc } from "../shared/irsa";

/**
 * Restore verification: a daily CronJob restores the primary's latest automated snapshot to a throwaway instance,
 * runs a check query on it, records the outcome as CloudWatch metrics and always deletes the instance. Two alarms
 * page when a run fails or when no run has reported for two days (the job itself stopped).
 */

export const RESTORE_CHECK = {
  /** CloudWatch namespace and metrics the script writes (the alarms and the test read the same names). */
  namespace: "FinishThisIdea/RestoreCheck",
  successMetric: "RestoreCheckSuccess",
  durationMetric: "RestoreCheckDurationSeconds",
  /** After the 03:00-04:00 backup window, so the newest snapshot is hours old at most. */
  schedule: "30 5 * * *",
  /** The throwaway instance: the smallest class that restores any of the tiers' snapshots. */
  instanceClass: "db.t3.medium",
  /** Identifier prefix of throwaway instances (the role may delete only these). */
  identifierSuffix: "restore-check",
  /** Job deadline: a restore of the largest tier's snapshot takes about an hour (infra/recovery.ts pitr). */
  activeDeadlineSeconds: 4 * 3600,
  /** Images: aws CLI v2 (glibc) copied into the Debian PostgreSQL client image. */
  awsCliImage: "public.ecr.aws/aws-cli/aws-cli:2.27.50",
  psqlImage: "docker.io/library/postgres:16.9-bookworm",
  checkQuery: "SELECT count(*) FROM pg_catalog.pg_class",
} as const;

/**
 * The job's script. Every value comes from the environment (DB_INSTANCE, REGION, SUBNET_GROUP, SECURITY_GROUP,
 * DB_NAME, DB_USER, PGPASSWORD); a trap deletes the throwaway instance and records failure on any exit before
 * success is recorded.
 */
export function restoreCheckScript(): string {
  const c = RESTORE_CHECK;
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    'start=$(date +%s)',
    `target="$DB_INSTANCE-${c.identifierSuffix}-$(date -u +%Y%m%d%H%M)"`,
    "created=0",
    "metric() {",
    `  aws cloudwatch put-metric-data --region "$REGION" --namespace "${c.namespace}" --dimensions "DBInstanceIdentifier=$DB_INSTANCE" --metric-name "$1" --value "$2"`,
    "}",
    "finish() {",
    "  status=$?",
    '  if [ "$status" -ne 0 ]; then echo "restore check failed ($status)" >&2; metric ' + c.successMetric + " 0 || true; fi",
    '  if [ "$created" -eq 1 ]; then',
    '    aws rds delete-db-instance --region "$REGION" --db-instance-identifier "$target" --skip-final-snapshot --delete-automated-backups >/dev/null',
    '    aws rds wait db-instance-deleted --region "$REGION" --db-instance-identifier "$target" || true',
    "  fi",
    '  exit "$status"',
    "}",
    "trap finish EXIT",
    `snapshot=$(aws rds describe-db-snapshots --region "$REGION" --db-instance-identifier "$DB_INSTANCE" --snapshot-type automated --query 'reverse(sort_by(DBSnapshots[?Status==\`available\`], &SnapshotCreateTime))[0].DBSnapshotIdentifier' --output text)`,
    'if [ -z "$snapshot" ] || [ "$snapshot" = "None" ]; then echo "no automated snapshot of $DB_INSTANCE" >&2; exit 2; fi',
    'echo "restoring $snapshot to $target"',
    `aws rds restore-db-instance-from-db-snapshot --region "$REGION" --db-snapshot-identifier "$snapshot" --db-instance-identifier "$target" --db-instance-class ${c.instanceClass} --db-subnet-group-name "$SUBNET_GROUP" --vpc-security-group-ids "$SECURITY_GROUP" --no-multi-az --no-publicly-accessible --no-deletion-protection --tags Key=purpose,Value=${c.identifierSuffix} >/dev/null`,
    "created=1",
    'aws rds wait db-instance-available --region "$REGION" --db-instance-identifier "$target"',
    `host=$(aws rds describe-db-instances --region "$REGION" --db-instance-identifier "$target" --query 'DBInstances[0].Endpoint.Address' --output text)`,
    `rows=$(psql "host=$host port=5432 dbname=$DB_NAME user=$DB_USER sslmode=require connect_timeout=30" -tAc "${c.checkQuery}")`,
    'if ! [ "$rows" -gt 0 ] 2>/dev/null; then echo "check query returned $rows" >&2; exit 3; fi',
    `metric ${c.durationMetric} "$(( $(date +%s) - start ))"`,
    `metric ${c.successMetric} 1`,
    'echo "restore check passed: $snapshot restored, $rows catalog rows"',
  ].join("\n");
}

/** What the job's role may do: restore and delete only `<db>-restore-check-*` instances, write its metrics, use the key. */
export function restoreCheckPolicy(region: string, accountId: string, dbInstance: string, kmsKeyArn: string): string {
  const rds = (kind: string, name: string) => `arn:aws:rds:${region}:${accountId}:${kind}:${name}`;
  const throwaway = rds("db", `${dbInstance}-${RESTORE_CHECK.identifierSuffix}-*`);
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Sid: "Find", Effect: "Allow", Action: ["rds:DescribeDBSnapshots", "rds:DescribeDBInstances"], Resource: "*" },
      { Sid: "Restore", Effect: "Allow", Action: ["rds:RestoreDBInstanceFromDBSnapshot", "rds:AddTagsToResource"], Resource: [throwaway, rds("snapshot", `rds:${dbInstance}-*`), rds("subgrp", "*"), rds("og", "*"), rds("pg", "*")] },
      { Sid: "DeleteThrowaway", Effect: "Allow", Action: "rds:DeleteDBInstance", Resource: throwaway },
      { Sid: "UseKey", Effect: "Allow", Action: ["kms:CreateGrant", "kms:DescribeKey", "kms:Decrypt", "kms:GenerateDataKey*"], Resource: kmsKeyArn },
      { Sid: "Metrics", Effect: "Allow", Action: "cloudwatch:PutMetricData", Resource: "*", Condition: { StringEquals: { "cloudwatch:namespace": RESTORE_CHECK.namespace } } },
    ],
  });
}

export interface RestoreCheckArgs {
  /** Prefix of the alarm names (the stack's alarm prefix, e.g. `finishthisidea-prod`). */
  namePrefix: string;
  region: string;
  provider: aws.Provider;
  oidc?: ClusterOidc;
  database: {
    instanceId: pulumi.Input<string>;
    subnetGroupName: pulumi.Input<string>;
    securityGroupId: pulumi.Input<string>;
    kmsKeyArn: pulumi.Input<string>;
    databaseName: string;
    username: string;
    /** Secret: the master password (a restored instance keeps the snapshot's). */
    password: pulumi.Input<string>;
  };
  /** SNS topic the failure and staleness alarms notify. */
  alertTopicArn: pulumi.Input<string>;
  /** Default "restore-check". */
  namespace?: string;
  /** Cron schedule (UTC). Default RESTORE_CHECK.schedule. */
  schedule?: string;
}

export class RestoreCheck extends pulumi.ComponentResource {
  readonly namespace: string;
  readonly alarmNames: pulumi.Output<string>[];

  constructor(name: string, args: RestoreCheckArgs, opts?: pulumi.ComponentResourceOptions) {
    const schedule = args.schedule ?? RESTORE_CHECK.schedule;
    if (schedule.trim().split(/\s+/).length !== 5) throw new Error(`RestoreCheck ${name}: schedule ${JSON.stringify(schedule)} must be a 5-field cron expression such as "30 5 * * *"`);
    super("finishthisidea:observability:RestoreCheck", name, {}, opts);
    const child = { parent: this };
    const inAws = { ...child, provider: args.provider };
    const nsName = args.namespace ?? "restore-check";
    const accountId = aws.getCallerIdentityOutput({}, inAws).accountId;
    const db = args.database;

    const ns = new k8s.core.v1.Namespace(`${name}-namespace`, { metadata: { name: nsName, labels: { "pod-security.kubernetes.io/enforce": "restricted" } } }, child);
    const inNs = { ...child, dependsOn: [ns] };
    const sa = "restore-check";
    const annotations: Record<string, pulumi.Input<string>> = {};
    if (args.oidc) {
      const role = irsaRole(`${name}-role`, args.oidc, nsName, sa, inAws);
      new aws.iam.RolePolicy(`${name}-role-policy`, {
        role: role.id,
        policy: pulumi.all([accountId, db.instanceId, db.kmsKeyArn]).apply(([id, instance, key]) => restoreCheckPolicy(args.region, id, instance, key)),
      }, inAws);
      annotations["eks.amazonaws.com/role-arn"] = role.arn;
    }
    new k8s.core.v1.ServiceAccount(`${name}-service-account`, { metadata: { name: sa, namespace: nsName, annotations }, automountServiceAccountToken: true }, inNs);
    const secret = new k8s.core.v1.Secret(`${name}-credentials`, {
      metadata: { name: "restore-check", namespace: nsName },
      type: "Opaque",
      stringData: { PGPASSWORD: pulumi.secret(db.password) },
    }, inNs);
    const script = new k8s.core.v1.ConfigMap(`${name}-script`, { metadata: { name: "restore-check", namespace: nsName }, data: { "restore-check.sh": restoreCheckScript() } }, inNs);

    const hardened = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: 1000, capabilities: { drop: ["ALL"] } };
    new k8s.batch.v1.CronJob(`${name}-cronjob`, {
      metadata: { name: "restore-check", namespace: nsName },
      spec: {
        schedule,
        timeZone: "Etc/UTC",
        concurrencyPolicy: "Forbid",
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 0,
            activeDeadlineSeconds: RESTORE_CHECK.activeDeadlineSeconds,
            template: {
              spec: {
                serviceAccountName: sa,
                restartPolicy: "Never",
                securityContext: { runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } },
                initContainers: [{
                  name: "aws-cli",
                  image: RESTORE_CHECK.awsCliImage,
                  command: ["cp", "-a", "/usr/local/aws-cli/.", "/tools/aws-cli/"],
                  securityContext: hardened,
                  resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "128Mi" } },
                  volumeMounts: [{ name: "tools", mountPath: "/tools" }],
                }],
                containers: [{
                  name: "check",
                  image: RESTORE_CHECK.psqlImage,
                  command: ["/bin/bash", "/scripts/restore-check.sh"],
                  env: [
                    { name: "PATH", value: "/tools/aws-cli/v2/current/bin:/usr/local/bin:/usr/bin:/bin" },
                    { name: "HOME", value: "/tmp" },
                    { name: "REGION", value: args.region },
                    { name: "DB_INSTANCE", value: db.instanceId },
                    { name: "SUBNET_GROUP", value: db.subnetGroupName },
                    { name: "SECURITY_GROUP", value: db.securityGroupId },
                    { name: "DB_NAME", value: db.databaseName },
                    { name: "DB_USER", value: db.username },
                    { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: secret.metadata.name, key: "PGPASSWORD" } } },
                  ],
                  securityContext: hardened,
                  resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { memory: "256Mi" } },
                  volumeMounts: [{ name: "tools", mountPath: "/tools" }, { name: "scripts", mountPath: "/scripts" }, { name: "tmp", mountPath: "/tmp" }],
                }],
                volumes: [
                  { name: "tools", emptyDir: { sizeLimit: "512Mi" } },
                  { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
                  { name: "scripts", configMap: { name: script.metadata.name } },
                ],
              },
            },
          },
        },
      },
    }, inNs);

    const metric = { namespace: RESTORE_CHECK.namespace, metricName: RESTORE_CHECK.successMetric, dimensions: { DBInstanceIdentifier: db.instanceId }, period: 86_400 };
    const failed = new aws.cloudwatch.MetricAlarm(`${name}-failed`, {
      ...metric,
      name: `${args.namePrefix}-restore-check-failed`,
      alarmDescription: "The daily restore of the latest automated snapshot failed. Runbook: docs/runbooks/restore-database.md",
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      alarmActions: [args.alertTopicArn],
      okActions: [args.alertTopicArn],
    }, inAws);
    // No report for two days: the job is not running (suspended, failing to start, role broken).
    const stale = new aws.cloudwatch.MetricAlarm(`${name}-stale`, {
      ...metric,
      name: `${args.namePrefix}-restore-check-stale`,
      alarmDescription: "No restore check has reported for two days. Runbook: docs/runbooks/restore-database.md",
      statistic: "SampleCount",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      treatMissingData: "breaching",
      alarmActions: [args.alertTopicArn],
      okActions: [args.alertTopicArn],
    }, inAws);

    this.namespace = nsName;
    this.alarmNames = [failed.name, stale.name];
    this.registerOutputs({ namespace: nsName, alarmNames: this.alarmNames });
  }
}
