import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { DatabaseSizing } from "./sizing";

export type { DatabaseSizing } from "./sizing";

export interface DatabaseEndpoints {
  /** Writer endpoint host name (no port). */
  writerHost: pulumi.Output<string>;
  port: number;
  databaseName: string;
  username: string;
  /** Secret. */
  password: pulumi.Output<string>;
  /** Postgres max_connections, for PgBouncer pool sizing. */
  maxConnections: number;
  /** Reader host names by region (primary region included when it has an in-region replica). */
  readerHosts: Record<string, pulumi.Output<string>[]>;
  /** The in-region replicas' host names: the only readers a client in the primary region may be handed. */
  localReaderHosts: pulumi.Output<string>[];
  /** Identifiers for alarms. */
  primaryInstanceId: pulumi.Output<string>;
  replicaInstanceIds: pulumi.Output<string>[];
  /** The same replicas by region (in-region replicas under the primary region): alarms live in each region. */
  replicaInstanceIdsByRegion: Record<string, pulumi.Output<string>[]>;
  /** Where a restore of the primary's snapshots lands (the restore check): its subnet group, security group and key. */
  restoreTarget: { subnetGroupName: pulumi.Output<string>; securityGroupId: pulumi.Output<string>; kmsKeyArn: pulumi.Output<string> };
}

/** Engine settings that do not vary by tier. */
export const POSTGRES = {
  engine: "postgres",
  /** Major version only: minor upgrades apply in the maintenance window. */
  engineVersion: "16",
  parameterGroupFamily: "postgres16",
  port: 5432,
  logExports: ["postgresql", "upgrade"],
  /** Statements slower than this are logged (log_min_duration_statement). */
  slowQueryMs: 500,
  /** The free Performance Insights retention. */
  performanceInsightsRetentionDays: 7,
  backupWindow: "03:00-04:00",
  maintenanceWindow: "sun:04:30-sun:05:30",
  caCertIdentifier: "rds-ca-rsa2048-g1",
  /** AWS limit on read replicas of one RDS PostgreSQL instance. */
  maxReplicas: 15,
  /** RDS automated backup retention bounds; 7 is the platform's floor (point-in-time recovery for a week). */
  backupRetentionDays: { min: 7, max: 35 },
  passwordLength: 32,
  /** Bounds of statementTimeoutMs / idleInTransactionTimeoutMs: at least 1 s, at most 1 h (longer work sets its own per session). */
  timeoutMs: { min: 1_000, max: 3_600_000 },
} as const;

/** Static parameters need a reboot to take effect; RDS rejects "immediate" for them. */
export interface PostgresParameter {
  name: string;
  value: string;
  applyMethod: "immediate" | "pending-reboot";
}

/**
 * The parameter group of the primary and every replica (replicas need max_connections >= the primary's). The two
 * timeouts are dynamic: changing them applies without a reboot, which is what makes them an overload lever.
 */
export function postgresParameters(p: Pick<DatabaseSizing, "maxConnections" | "statementTimeoutMs" | "idleInTransactionTimeoutMs">): PostgresParameter[] {
  return [
    { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
    { name: "log_min_duration_statement", value: String(POSTGRES.slowQueryMs), applyMethod: "immediate" },
    { name: "max_connections", value: String(p.maxConnections), applyMethod: "pending-reboot" },
    { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
    { name: "statement_timeout", value: String(p.statementTimeoutMs), applyMethod: "immediate" },
    { name: "idle_in_transaction_session_timeout", value: String(p.idleInTransactionTimeoutMs), applyMethod: "immediate" },
  ];
}

export interface ReplicaSpec {
  /** Child resource name suffix, stable per slot so adding a region does not rename others. */
  key: string;
  region: string;
  crossRegion: boolean;
}

/** The read replicas a preset asks for: in-region ones first, then one per replica region. */
export function replicaPlan(preset: Pick<DatabaseSizing, "inRegionReplicas" | "replicaRegions">): ReplicaSpec[] {
  return [
    ...Array.from({ length: preset.inRegionReplicas }, (_, i) => ({ key: `replica-${i + 1}`, region: "", crossRegion: false })),
    ...preset.replicaRegions.map((region) => ({ key: `replica-${region}`, region, crossRegion: true })),
  ];
}

/** postgresql:// URL with the credentials percent-encoded and TLS required (rds.force_ssl rejects plain connections). */
export function postgresUrl(c: { host: string; port: number; database: string; username: string; password: string }): string {
  return `postgresql://${encodeURIComponent(c.username)}:${encodeURIComponent(c.password)}@${c.host}:${c.port}/${encodeURIComponent(c.database)}?sslmode=require`;
}

export interface DatabaseArgs {
  /** VPC of the primary (and of in-region replicas). */
  vpcId: pulumi.Input<string>;
  /** Private subnets of the primary region (at least two AZs for the DB subnet group). */
  subnetIds: pulumi.Input<string>[];
  /** Security groups admitted on 5432 (the cluster's node security group). Nothing else is admitted. */
  allowedSecurityGroupIds: pulumi.Input<string>[];
  /** The tier's database preset. */
  preset: DatabaseSizing;
  primaryRegion: string;
  /** AWS provider per region (one per component and region: `(r) => ctx.aws.get("database", r)`). */
  providerFor: (region: string) => aws.Provider;
  /**
   * DB subnet group per cross-region replica region (the platform passes a ReplicaNetwork's). Replicas cannot use
   * the primary VPC's subnets in another region: where a region has no entry, the subnet group is omitted and
   * RDS places the replica in that region's default subnet group (default VPC), still not publicly accessible.
   */
  replicaSubnetGroupNames?: Record<string, pulumi.Input<string>>;
  /** Security groups per cross-region replica region (of that region's VPC); default: that VPC's default group. */
  replicaSecurityGroupIds?: Record<string, pulumi.Input<string>[]>;
  /** Region receiving copies of the automated backups when the preset's crossRegionBackups is on. Default: the preset's backupRegion, else the first replica region. */
  backupRegion?: string;
  /** Default "finishthisidea". */
  databaseName?: string;
  /** Master user name. Default "app". */
  username?: string;
}

const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;

/** Throws on args RDS would reject (or that break the platform's floors), naming the arg and what is allowed. */
export function validateDatabaseArgs(name: string, args: DatabaseArgs): void {
  const p = args.preset;
  const fail = (msg: string) => {
    throw new Error(`Database ${name}: ${msg}`);
  };
  if (!/^db\./.test(p.instanceClass)) fail(`preset.instanceClass "${p.instanceClass}" is not an RDS instance class; expected e.g. "db.r5.xlarge"`);
  if (!Number.isInteger(p.inRegionReplicas) || p.inRegionReplicas < 0) fail(`preset.inRegionReplicas ${p.inRegionReplicas} must be an integer >= 0`);
  if (p.replicaRegions.includes(args.primaryRegion)) fail(`preset.replicaRegions ${JSON.stringify(p.replicaRegions)} include the primary region "${args.primaryRegion}"; use inRegionReplicas for replicas there`);
  if (new Set(p.replicaRegions).size !== p.replicaRegions.length) fail(`preset.replicaRegions ${JSON.stringify(p.replicaRegions)} repeat a region`);
  const replicas = p.inRegionReplicas + p.replicaRegions.length;
  if (replicas > POSTGRES.maxReplicas) fail(`${replicas} read replicas requested; RDS allows at most ${POSTGRES.maxReplicas}`);
  const { min, max } = POSTGRES.backupRetentionDays;
  if (!Number.isInteger(p.backupRetentionDays) || p.backupRetentionDays < min || p.backupRetentionDays > max) {
    fail(`preset.backupRetentionDays ${p.backupRetentionDays} must be an integer from ${min} to ${max}`);
  }
  if (!Number.isInteger(p.allocatedStorageGb) || p.allocatedStorageGb < 20 || p.allocatedStorageGb > 65_536) fail(`preset.allocatedStorageGb ${p.allocatedStorageGb} must be an integer from 20 to 65536 (gp3)`);
  // RDS requires at least 10% headroom above the allocation for storage autoscaling.
  if (!Number.isInteger(p.maxAllocatedStorageGb) || p.maxAllocatedStorageGb < Math.ceil((p.allocatedStorageGb * 11) / 10) || p.maxAllocatedStorageGb > 65_536) {
    fail(`preset.maxAllocatedStorageGb ${p.maxAllocatedStorageGb} must be an integer from ${Math.ceil((p.allocatedStorageGb * 11) / 10)} (allocatedStorageGb + 10%) to 65536`);
  }
  if (!Number.isInteger(p.maxConnections) || p.maxConnections < 10 || p.maxConnections > 262_143) fail(`preset.maxConnections ${p.maxConnections} must be an integer from 10 to 262143`);
  for (const key of ["statementTimeoutMs", "idleInTransactionTimeoutMs"] as const) {
    const { min, max } = POSTGRES.timeoutMs;
    if (!Number.isInteger(p[key]) || p[key] < min || p[key] > max) fail(`preset.${key} ${p[key]} must be an integer from ${min} to ${max} ms (0, which turns the timeout off, is refused)`);
  }
  if (args.subnetIds.length < 2) fail(`subnetIds has ${args.subnetIds.length} subnet(s); a DB subnet group needs subnets in at least two AZs`);
  for (const key of ["replicaSubnetGroupNames", "replicaSecurityGroupIds"] as const) {
    const stray = Object.keys(args[key] ?? {}).filter((r) => !p.replicaRegions.includes(r));
    if (stray.length > 0) fail(`${key} names ${JSON.stringify(stray)}, which are not replica regions ${JSON.stringify(p.replicaRegions)}`);
  }
  const backupRegion = args.backupRegion ?? p.backupRegion ?? p.replicaRegions[0];
  if (p.crossRegionBackups && backupRegion === undefined) fail("preset.crossRegionBackups is on but there is no backupRegion and no replica region to default to");
  if (p.crossRegionBackups && backupRegion === args.primaryRegion) fail(`backupRegion "${backupRegion}" is the primary region; backups must be copied to another region`);
  const dbName = args.databaseName ?? "finishthisidea";
  if (!IDENTIFIER.test(dbName)) fail(`databaseName "${dbName}" must be 1-63 lowercase letters, digits or _ starting with a letter`);
  const user = args.username ?? "app";
  if (!IDENTIFIER.test(user) || ["postgres", "rdsadmin", "admin"].includes(user)) fail(`username "${user}" must be 1-63 lowercase letters, digits or _ starting with a letter, and not a reserved name (postgres, rdsadmin, admin)`);
}

/**
 * RDS PostgreSQL 16: an encrypted, private primary (Multi-AZ per tier) with PITR backups, Performance Insights,
 * log exports and a tuned parameter group; read replicas in the primary region and in the tier's replica regions,
 * each region with its own KMS key and parameter group; optional cross-region copies of the automated backups.
 * The master password is a @pulumi/random password kept secret end to end.
 */
export class Database extends pulumi.ComponentResource {
  readonly writerHost: pulumi.Output<string>;
  readonly port: number = POSTGRES.port;
  readonly databaseName: string;
  readonly username: string;
  /** Secret. */
  readonly password: pulumi.Output<string>;
  readonly maxConnections: number;
  readonly primaryRegion: string;
  /** Reader host names by region (the primary region included when it has in-region replicas). */
  readonly readerHosts: Record<string, pulumi.Output<string>[]>;
  readonly primaryInstanceId: pulumi.Output<string>;
  readonly replicaInstanceIds: pulumi.Output<string>[];
  /** Replica identifiers by region (the `databaseReplicaIdentifiers` stack output). */
  readonly replicaInstanceIdsByRegion: Record<string, pulumi.Output<string>[]>;
  /** Secret: postgresql:// URL of the writer, credentials percent-encoded, sslmode=require. */
  readonly connectionString: pulumi.Output<string>;
  /** The security group of the primary and in-region replicas. */
  readonly securityGroupId: pulumi.Output<string>;
  /** KMS key ARN per region (storage, Performance Insights, backup copies). */
  readonly kmsKeyArns: Record<string, pulumi.Output<string>>;
  /** The primary's DB subnet group. */
  readonly subnetGroupName: pulumi.Output<string>;
  /** The primary region's key (its snapshots are encrypted with it). */
  readonly primaryKmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: DatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
    super("finishthisidea:data:Database", name, {}, opts);
    validateDatabaseArgs(name, args);
    const p = args.preset;
    const primaryRegion = args.primaryRegion;
    this.databaseName = args.databaseName ?? "finishthisidea";
    this.username = args.username ?? "app";
    this.maxConnections = p.maxConnections;
    this.primaryRegion = primaryRegion;
    const inRegion = (region: string) => ({ parent: this, provider: args.providerFor(region) });

    // One key per region: an encrypted replica or backup copy must use a key in its own region.
    const replicas = replicaPlan(p);
    const backupRegion = p.crossRegionBackups ? args.backupRegion ?? p.backupRegion ?? p.replicaRegions[0] : undefined;
    const keyRegions = [...new Set([primaryRegion, ...p.replicaRegions, ...(backupRegion ? [backupRegion] : [])])];
    const keys = new Map(keyRegions.map((region) => [region, new aws.kms.Key(`${name}-kms-${region}`, {
      description: `PostgreSQL ${name} storage, Performance Insights and backups (${region})`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    }, { ...inRegion(region), protect: true })]));
    const keyArn = (region: string) => keys.get(region)!.arn;

    const parameterGroups = new Map([primaryRegion, ...p.replicaRegions].map((region) => [region, new aws.rds.ParameterGroup(`${name}-params-${region}`, {
      family: POSTGRES.parameterGroupFamily,
      description: `PostgreSQL 16 for ${name}: pg_stat_statements, slow query log, TLS only`,
      parameters: postgresParameters(p),
    }, inRegion(region))]));

    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
      vpcId: args.vpcId,
      description: `PostgreSQL ${name}: ${POSTGRES.port} from the cluster only`,
    }, inRegion(primaryRegion));
    args.allowedSecurityGroupIds.forEach((source, i) => new aws.vpc.SecurityGroupIngressRule(`${name}-sg-ingress-${i}`, {
      securityGroupId: sg.id,
      referencedSecurityGroupId: source,
      ipProtocol: "tcp",
      fromPort: POSTGRES.port,
      toPort: POSTGRES.port,
      description: "PostgreSQL from the cluster",
    }, inRegion(primaryRegion)));

    const subnetGroup = new aws.rds.SubnetGroup(`${name}-subnets`, {
      subnetIds: args.subnetIds,
      description: `Private subnets of PostgreSQL ${name}`,
    }, inRegion(primaryRegion));

    // URL-safe specials only, so the password needs no escaping in connection strings or PgBouncer's userlist.
    const generated = new random.RandomPassword(`${name}-master-password`, {
      length: POSTGRES.passwordLength,
      special: true,
      overrideSpecial: "-_.~",
      minUpper: 1,
      minLower: 1,
      minNumeric: 1,
    }, { parent: this });
    // The mock engine does not apply additionalSecretOutputs: wrap explicitly so it is secret everywhere.
    this.password = pulumi.secret(generated.result);

    const common = {
      instanceClass: p.instanceClass,
      port: POSTGRES.port,
      publiclyAccessible: false,
      storageType: "gp3",
      maxAllocatedStorage: p.maxAllocatedStorageGb,
      storageEncrypted: true,
      performanceInsightsEnabled: true,
      performanceInsightsRetentionPeriod: POSTGRES.performanceInsightsRetentionDays,
      enabledCloudwatchLogsExports: [...POSTGRES.logExports],
      autoMinorVersionUpgrade: true,
      caCertIdentifier: POSTGRES.caCertIdentifier,
      maintenanceWindow: POSTGRES.maintenanceWindow,
      copyTagsToSnapshot: true,
      deletionProtection: p.deletionProtection,
      // Short-lived IAM tokens for people and jobs (break-glass, migrations); the apps keep their passwords.
      iamDatabaseAuthenticationEnabled: true,
    };

    const primary = new aws.rds.Instance(`${name}-primary`, {
      ...common,
      engine: POSTGRES.engine,
      engineVersion: POSTGRES.engineVersion,
      allowMajorVersionUpgrade: false,
      multiAz: p.multiAz,
      dbName: this.databaseName,
      username: this.username,
      password: this.password,
      dbSubnetGroupName: subnetGroup.name,
      vpcSecurityGroupIds: [sg.id],
      parameterGroupName: parameterGroups.get(primaryRegion)!.name,
      allocatedStorage: p.allocatedStorageGb,
      kmsKeyId: keyArn(primaryRegion),
      performanceInsightsKmsKeyId: keyArn(primaryRegion),
      backupRetentionPeriod: p.backupRetentionDays,
      backupWindow: POSTGRES.backupWindow,
      // Keep the automated backups (and their PITR window) if the instance is ever deleted.
      deleteAutomatedBackups: false,
      skipFinalSnapshot: !p.deletionProtection,
      finalSnapshotIdentifier: p.deletionProtection ? `${name}-primary-final`.replace(/[^a-zA-Z0-9-]/g, "-").replace(/-+/g, "-") : undefined,
    }, { ...inRegion(primaryRegion), protect: true, additionalSecretOutputs: ["password"] });

    this.readerHosts = {};
    this.replicaInstanceIdsByRegion = {};
    this.replicaInstanceIds = [];
    for (const spec of replicas) {
      const region = spec.crossRegion ? spec.region : primaryRegion;
      const replica = new aws.rds.Instance(`${name}-${spec.key}`, {
        ...common,
        // In-region: the source's identifier (the replica inherits its subnet group). Cross-region: its ARN.
        replicateSourceDb: spec.crossRegion ? primary.arn : primary.identifier,
        multiAz: false,
        kmsKeyId: keyArn(region),
        performanceInsightsKmsKeyId: keyArn(region),
        parameterGroupName: parameterGroups.get(region)!.name,
        ...(spec.crossRegion
          ? { dbSubnetGroupName: args.replicaSubnetGroupNames?.[region], vpcSecurityGroupIds: args.replicaSecurityGroupIds?.[region] }
          : { vpcSecurityGroupIds: [sg.id] }),
        // Replicas are rebuilt from the primary; RDS refuses a final snapshot of a replica.
        skipFinalSnapshot: true,
      }, { ...inRegion(region), protect: true });
      (this.readerHosts[region] ??= []).push(replica.address);
      (this.replicaInstanceIdsByRegion[region] ??= []).push(replica.identifier);
      this.replicaInstanceIds.push(replica.identifier);
    }

    if (backupRegion) {
      new aws.rds.InstanceAutomatedBackupsReplication(`${name}-backups-${backupRegion}`, {
        sourceDbInstanceArn: primary.arn,
        kmsKeyId: keyArn(backupRegion),
        retentionPeriod: p.backupRetentionDays,
      }, { ...inRegion(backupRegion), protect: true });
    }

    this.writerHost = primary.address;
    this.primaryInstanceId = primary.identifier;
    this.securityGroupId = sg.id;
    this.subnetGroupName = subnetGroup.name;
    this.primaryKmsKeyArn = keyArn(primaryRegion);
    this.kmsKeyArns = Object.fromEntries([...keys].map(([region, key]) => [region, key.arn]));
    this.connectionString = pulumi.secret(pulumi.all([primary.address, this.password]).apply(([host, password]) =>
      postgresUrl({ host, port: POSTGRES.port, database: this.databaseName, username: this.username, password })));

    this.registerOutputs({ ...this.endpoints, connectionString: this.connectionString });
  }

  /** The contract the workloads and observability areas consume. */
  get endpoints(): DatabaseEndpoints {
    return {
      writerHost: this.writerHost,
      port: this.port,
      databaseName: this.databaseName,
      username: this.username,
      password: this.password,
      maxConnections: this.maxConnections,
      readerHosts: this.readerHosts,
      localReaderHosts: this.readerHosts[this.primaryRegion] ?? [],
      primaryInstanceId: this.primaryInstanceId,
      replicaInstanceIds: this.replicaInstanceIds,
      replicaInstanceIdsByRegion: this.replicaInstanceIdsByRegion,
      restoreTarget: { subnetGroupName: this.subnetGroupName, securityGroupId: this.securityGroupId, kmsKeyArn: this.primaryKmsKeyArn },
    };
  }
}
