/**
 * The stack outputs the program exports (names fixed by the platform's contract) and the Kubernetes namespaces
 * it creates: runbooks and tools may use exactly these (test/runbooks.test.ts checks every runbook against
 * them). infra/index.ts exports outputs under these names.
 */
export const STACK_OUTPUT_NAMES = [
  "tier",
  "primaryRegion",
  "vpcId",
  "clusterName",
  "kubeconfig",
  "apiUrl",
  "apiLoadBalancerHostname",
  "apiCertificateValidationRecords",
  "cdnDomainName",
  "cdnDistributionId",
  "cdnCertificateValidationRecords",
  "databaseWriterEndpoint",
  "databaseReaderEndpoints",
  "databasePrimaryIdentifier",
  "databaseReplicaIdentifiers",
  "databaseConnectionString",
  "redisEndpoint",
  "redisReplicationGroupId",
  "bucketNames",
  "r2BucketName",
  "r2Endpoint",
  "alertTopicArn",
] as const;
export type StackOutputName = (typeof STACK_OUTPUT_NAMES)[number];

/** Outputs that are Pulumi secrets (`pulumi stack output --show-secrets <name>` to read them). */
export const SECRET_STACK_OUTPUTS: readonly StackOutputName[] = ["kubeconfig", "databaseConnectionString"];

/** Namespaces the program creates, and what runs there. */
export const STACK_NAMESPACES = {
  api: 'Deployment and HPA "api"',
  workers: 'Deployment "workers", ScaledObject "workers"',
  pgbouncer: "PgBouncer",
  ollama: 'StatefulSet "ollama"',
  monitoring: "kube-prometheus-stack",
  keda: "KEDA",
  "kube-system": "cluster add-ons, Fluent Bit (aws-for-fluent-bit)",
  "restore-check": 'CronJob "restore-check" (daily restore of the latest snapshot)',
} as const;
