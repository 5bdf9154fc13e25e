import * as pulumi from "@pulumi/pulumi";
import { allAliases, createUrn } from "@pulumi/pulumi/resource";
import { beforeAll, describe, expect, it } from "vitest";
import { Database, POSTGRES, postgresParameters, postgresUrl, replicaPlan, validateDatabaseArgs, type DatabaseArgs } from "../components/data/database";
import type { PlatformConfig } from "../infra/config";
import { AwsProviders } from "../infra/providers";
import { TIERS, TIER_NAMES, type TierName } from "../infra/tiers";
import { estimateCost } from "../cost/estimate";
import { MOCK_ACCOUNT_ID } from "../tools/mock-outputs";
import { loadPolicyConfig, runPolicies } from "../tools/policy-run";
import type { RegisteredResource } from "../tools/program";
import { find, runComponent } from "./component-harness";

const T = {
  instance: "aws:rds/instance:Instance",
  key: "aws:kms/key:Key",
  params: "aws:rds/parameterGroup:ParameterGroup",
  sg: "aws:ec2/securityGroup:SecurityGroup",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  subnets: "aws:rds/subnetGroup:SubnetGroup",
  backups: "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
} as const;

/** The stack a tier is deployed as: staging runs mvp, every larger tier is production. */
const envOf = (tier: TierName) => (tier === "mvp" ? "staging" : "prod");
const PRIMARY = "us-east-1";
const mockArn = (service: string, name: string) => `arn:aws:${service}:${PRIMARY}:${MOCK_ACCOUNT_ID}:${name}`;

function build(tier: TierName, over: Partial<DatabaseArgs> = {}, name = "database", opts: pulumi.ComponentResourceOptions = {}) {
  return runComponent((parent) => {
    const config = { stack: envOf(tier), tier, costCenter: "platform", primaryRegion: PRIMARY } as PlatformConfig;
    const providers = new AwsProviders(config, parent);
    return new Database(name, {
      vpcId: "vpc-123",
      subnetIds: ["subnet-a", "subnet-b", "subnet-c"],
      allowedSecurityGroupIds: ["sg-nodes"],
      preset: TIERS[tier].database,
      primaryRegion: PRIMARY,
      providerFor: providers.forComponent("database"),
      ...over,
    }, { parent, ...opts });
  });
}

/** Wait until the component registered its outputs, before the next build replaces the mock monitor. */
async function settled(db: Database): Promise<void> {
  await new Promise((resolve) => pulumi.all([db.connectionString, db.readerHosts, db.replicaInstanceIds, db.kmsKeyArns]).apply(resolve));
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** statement_timeout / idle_in_transaction_session_timeout per tier (ms, as RDS receives them): the tier reasoning in infra/tiers.ts. */
const TIMEOUTS: Record<TierName, [string, string]> = {
  mvp: ["300000", "60000"], growth: ["60000", "30000"], scale: ["30000", "15000"], enterprise: ["30000", "15000"],
};
/** Region-local readers: the plan's MVP replica, and one from Growth up where reads run at scale. */
const LOCAL_READERS: Record<TierName, number> = { mvp: 1, growth: 1, scale: 1, enterprise: 2 };

const mandatory = (resources: RegisteredResource[], tier: TierName) =>
  runPolicies(resources, { config: loadPolicyConfig(envOf(tier)).config }).violations
    .filter((v) => v.level === "mandatory" || v.message.startsWith("rule failed"))
    .map((v) => `${v.policy} ${v.resource ?? "(stack)"}: ${v.message}`);

describe("pure parts", () => {
  it("plans in-region replicas first, then one per replica region", () => {
    expect(replicaPlan({ inRegionReplicas: 2, replicaRegions: ["us-west-2", "eu-west-1"] })).toEqual([
      { key: "replica-1", region: "", crossRegion: false },
      { key: "replica-2", region: "", crossRegion: false },
      { key: "replica-us-west-2", region: "us-west-2", crossRegion: true },
      { key: "replica-eu-west-1", region: "eu-west-1", crossRegion: true },
    ]);
  });

  it("loads pg_stat_statements at boot, logs slow queries, sets max_connections, forces TLS and applies the overload timeouts without a reboot", () => {
    expect(postgresParameters({ maxConnections: 1_000, statementTimeoutMs: 60_000, idleInTransactionTimeoutMs: 30_000 })).toEqual([
      { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
      { name: "log_min_duration_statement", value: "500", applyMethod: "immediate" },
      { name: "max_connections", value: "1000", applyMethod: "pending-reboot" },
      { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
      { name: "statement_timeout", value: "60000", applyMethod: "immediate" },
      { name: "idle_in_transaction_session_timeout", value: "30000", applyMethod: "immediate" },
    ]);
  });

  it("refuses a timeout of 0 (off) or over an hour, naming the preset field", () => {
    const baseArgs = () => ({ vpcId: "vpc-1", subnetIds: ["a", "b"], allowedSecurityGroupIds: [], primaryRegion: PRIMARY, providerFor: () => { throw new Error("unused"); } });
    const preset = { ...TIERS.growth.database, statementTimeoutMs: 0 };
    expect(() => validateDatabaseArgs("db", { ...baseArgs(), preset })).toThrow(/preset\.statementTimeoutMs 0 must be an integer from 1000 to 3600000 ms/);
    const idle = { ...TIERS.growth.database, idleInTransactionTimeoutMs: 7_200_000 };
    expect(() => validateDatabaseArgs("db", { ...baseArgs(), preset: idle })).toThrow(/preset\.idleInTransactionTimeoutMs 7200000/);
  });

  it("percent-encodes credentials in the connection URL and requires TLS", () => {
    expect(postgresUrl({ host: "db.example", port: 5432, database: "app", username: "app", password: "a@b/c:d" }))
      .toBe("postgresql://app:a%40b%2Fc%3Ad@db.example:5432/app?sslmode=require");
  });
});

describe.each(TIER_NAMES)("Database, tier %s", (tier) => {
  const preset = TIERS[tier].database;
  let resources: RegisteredResource[];
  let db: Database;
  beforeAll(async () => {
    ({ resources, result: db } = await build(tier));
  });
  const instances = () => resources.filter((r) => r.type === T.instance);

  it("runs a private, encrypted PostgreSQL 16 primary sized from the tier", () => {
    const primary = find(resources, T.instance, "database-primary");
    expect(primary.inputs).toMatchObject({
      engine: "postgres",
      engineVersion: "16",
      instanceClass: preset.instanceClass,
      multiAz: preset.multiAz,
      storageType: "gp3",
      allocatedStorage: preset.allocatedStorageGb,
      maxAllocatedStorage: preset.maxAllocatedStorageGb,
      storageEncrypted: true,
      kmsKeyId: mockArn("kms", `database-kms-${PRIMARY}`),
      publiclyAccessible: false,
      port: 5432,
      dbName: "finishthisidea",
      username: "app",
      dbSubnetGroupName: "database-subnets-mock",
      vpcSecurityGroupIds: ["database-sg-id"],
      parameterGroupName: `database-params-${PRIMARY}-mock`,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: mockArn("kms", `database-kms-${PRIMARY}`),
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
    });
    expect(primary.options.provider).toBe(`aws-database-${PRIMARY}`);
    expect(find(resources, T.subnets, "database-subnets").inputs.subnetIds).toEqual(["subnet-a", "subnet-b", "subnet-c"]);
  });

  it("keeps point-in-time backups for the tier's retention (at least 7 days)", () => {
    const primary = find(resources, T.instance, "database-primary").inputs;
    expect(primary.backupRetentionPeriod).toBe(preset.backupRetentionDays);
    expect(primary.backupRetentionPeriod).toBeGreaterThanOrEqual(7);
    expect(primary.deleteAutomatedBackups).toBe(false);
  });

  it("protects prod tiers from deletion and takes a final snapshot", () => {
    const primary = find(resources, T.instance, "database-primary").inputs;
    expect(primary.deletionProtection).toBe(preset.deletionProtection);
    if (tier === "mvp") {
      expect(primary.skipFinalSnapshot).toBe(true);
      expect(primary.finalSnapshotIdentifier).toBeUndefined();
    } else {
      expect(primary.deletionProtection).toBe(true);
      expect(primary.skipFinalSnapshot).toBe(false);
      expect(primary.finalSnapshotIdentifier).toBe("database-primary-final");
    }
  });

  it("places the tier's read replicas, each cross-region one with the primary's ARN and a key in its own region", () => {
    const replicas = instances().filter((r) => r.inputs.replicateSourceDb !== undefined);
    expect(replicas).toHaveLength(preset.inRegionReplicas + preset.replicaRegions.length);
    const inRegion = replicas.filter((r) => r.options.provider === `aws-database-${PRIMARY}`);
    expect(inRegion.map((r) => r.name)).toEqual(Array.from({ length: preset.inRegionReplicas }, (_, i) => `database-replica-${i + 1}`));
    for (const r of inRegion) {
      expect(r.inputs).toMatchObject({ replicateSourceDb: "database-primary-mock", kmsKeyId: mockArn("kms", `database-kms-${PRIMARY}`), vpcSecurityGroupIds: ["database-sg-id"] });
    }
    for (const region of preset.replicaRegions) {
      const r = find(resources, T.instance, `database-replica-${region}`);
      expect(r.options.provider).toBe(`aws-database-${region}`);
      expect(r.inputs.replicateSourceDb).toBe(mockArn("rds", "database-primary"));
      const key = find(resources, T.key, `database-kms-${region}`);
      expect(key.options.provider).toBe(`aws-database-${region}`);
      expect(r.inputs.kmsKeyId).toBe(mockArn("kms", key.name));
      expect(r.inputs.performanceInsightsKmsKeyId).toBe(mockArn("kms", key.name));
      const params = find(resources, T.params, `database-params-${region}`);
      expect(params.options.provider).toBe(`aws-database-${region}`);
      expect(r.inputs.parameterGroupName).toBe(`${params.name}-mock`);
      // No VPC of ours in that region: the default subnet group, never public.
      expect(r.inputs.dbSubnetGroupName).toBeUndefined();
      expect(r.inputs.publiclyAccessible).toBe(false);
    }
    for (const r of replicas) {
      expect(r.inputs).toMatchObject({ instanceClass: preset.instanceClass, storageType: "gp3", maxAllocatedStorage: preset.maxAllocatedStorageGb, skipFinalSnapshot: true, multiAz: false });
      expect(r.inputs.password).toBeUndefined();
    }
    expect(Object.keys(db.readerHosts).sort()).toEqual([...(preset.inRegionReplicas > 0 ? [PRIMARY] : []), ...preset.replicaRegions].sort());
    expect(db.replicaInstanceIds).toHaveLength(replicas.length);
  });

  it("gives every region the same parameter group (family postgres16)", () => {
    const groups = resources.filter((r) => r.type === T.params);
    expect(groups.map((g) => g.name).sort()).toEqual([PRIMARY, ...preset.replicaRegions].map((r) => `database-params-${r}`).sort());
    for (const g of groups) {
      expect(g.inputs.family).toBe("postgres16");
      expect(g.inputs.parameters).toEqual(expect.arrayContaining([
        { name: "shared_preload_libraries", value: "pg_stat_statements", applyMethod: "pending-reboot" },
        { name: "max_connections", value: String(preset.maxConnections), applyMethod: "pending-reboot" },
        { name: "rds.force_ssl", value: "1", applyMethod: "immediate" },
        expect.objectContaining({ name: "log_min_duration_statement" }),
        { name: "statement_timeout", value: TIMEOUTS[tier][0], applyMethod: "immediate" },
        { name: "idle_in_transaction_session_timeout", value: TIMEOUTS[tier][1], applyMethod: "immediate" },
      ]));
    }
    expect(db.maxConnections).toBe(preset.maxConnections);
  });

  it("hands out only the in-region replicas as the primary region's readers", () => {
    expect(db.endpoints.localReaderHosts).toHaveLength(LOCAL_READERS[tier]);
    expect(db.endpoints.localReaderHosts).toEqual(db.readerHosts[PRIMARY] ?? []);
  });

  it("copies automated backups to another region only when the tier asks", () => {
    const copies = resources.filter((r) => r.type === T.backups);
    if (!preset.crossRegionBackups) {
      expect(copies).toEqual([]);
      return;
    }
    const region = preset.backupRegion ?? preset.replicaRegions[0];
    expect(copies.map((c) => c.name)).toEqual([`database-backups-${region}`]);
    expect(copies[0].options.provider).toBe(`aws-database-${region}`);
    expect(copies[0].inputs).toEqual({ sourceDbInstanceArn: mockArn("rds", "database-primary"), kmsKeyId: mockArn("kms", `database-kms-${region}`), retentionPeriod: preset.backupRetentionDays });
  });

  it("admits 5432 only from the given security group", () => {
    const sg = find(resources, T.sg, "database-sg").inputs;
    expect(sg.vpcId).toBe("vpc-123");
    expect(sg.ingress ?? []).toEqual([]);
    expect(resources.filter((r) => r.type === T.ingress).map((r) => r.inputs)).toEqual([{
      securityGroupId: "database-sg-id",
      referencedSecurityGroupId: "sg-nodes",
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
      description: "PostgreSQL from the cluster",
    }]);
  });

  it("protects every stateful resource and rotates every key", () => {
    const stateful = resources.filter((r) => [T.instance, T.key, T.backups].includes(r.type as never));
    expect(stateful.length).toBeGreaterThan(1);
    expect(stateful.filter((r) => !r.options.protect).map((r) => r.name)).toEqual([]);
    for (const key of resources.filter((r) => r.type === T.key)) expect(key.inputs.enableKeyRotation).toBe(true);
  });

  it("keeps the password secret in the instance inputs and in every output that carries it", async () => {
    expect(find(resources, T.instance, "database-primary").secretInputs).toEqual(["password"]);
    expect(await pulumi.isSecret(db.password)).toBe(true);
    expect(await pulumi.isSecret(db.endpoints.password)).toBe(true);
    expect(await pulumi.isSecret(db.connectionString)).toBe(true);
    const url = await new Promise<string>((resolve) => db.connectionString.apply(resolve));
    expect(url).toBe("postgresql://app:mock-password-for-database-master-password@database-primary.abc123.us-east-1.rds.amazonaws.com:5432/finishthisidea?sslmode=require");
    expect(JSON.stringify(resources.filter((r) => r.type !== T.instance).map((r) => r.inputs))).not.toContain("mock-password-for");
  });

  it("exposes the DatabaseEndpoints contract", async () => {
    const e = db.endpoints;
    expect({ port: e.port, databaseName: e.databaseName, username: e.username, maxConnections: e.maxConnections })
      .toEqual({ port: POSTGRES.port, databaseName: "finishthisidea", username: "app", maxConnections: preset.maxConnections });
    expect(await new Promise((resolve) => e.writerHost.apply(resolve))).toBe("database-primary.abc123.us-east-1.rds.amazonaws.com");
    expect(await new Promise((resolve) => e.primaryInstanceId.apply(resolve))).toBe("database-primary-mock");
  });

  it("passes every mandatory policy rule of its environment", () => {
    expect(mandatory(resources, tier)).toEqual([]);
  });

  it("is priced by the cost estimate: every instance, Multi-AZ doubled", () => {
    const estimate = estimateCost(resources.map((r) => ({ type: r.type, name: r.name, component: r.component, inputs: r.inputs })));
    expect(estimate.unpriced.filter((u) => u.type === T.instance)).toEqual([]);
    const primary = estimate.lines.find((l) => l.resource === "database-primary")!;
    expect(primary.basis).toContain(`${preset.instanceClass}${preset.multiAz ? " Multi-AZ x2" : ""}`);
    expect(estimate.lines.filter((l) => l.type === T.instance)).toHaveLength(instances().length);
  });
});

describe("Database options", () => {
  it("uses given subnet and security groups for cross-region replicas", async () => {
    const { resources } = await build("growth", {
      replicaSubnetGroupNames: { "us-west-2": "usw2-private" },
      replicaSecurityGroupIds: { "us-west-2": ["sg-usw2"] },
    });
    expect(find(resources, T.instance, "database-replica-us-west-2").inputs).toMatchObject({ dbSubnetGroupName: "usw2-private", vpcSecurityGroupIds: ["sg-usw2"] });
    expect(find(resources, T.instance, "database-replica-eu-west-1").inputs.dbSubnetGroupName).toBeUndefined();
  });

  it("keeps every child when the component is renamed with an alias", async () => {
    const before = await build("growth");
    await settled(before.result);
    const after = await build("growth", {}, "db", { aliases: [{ name: "database" }] });
    const urn = (o: pulumi.Output<string>) => new Promise<string>((resolve) => o.apply(resolve));
    // Full-chain URNs as the engine computes them (the mock monitor shortens the parent chain).
    const oldUrns = new Set(await Promise.all(before.resources.filter((r) => r.parent === "database").map((r) => urn(createUrn(r.name, r.type, before.result)))));
    const children = after.resources.filter((r) => r.parent === "db");
    expect(children).toHaveLength(oldUrns.size);
    // The SDK's own computation of the aliases a child inherits from its renamed parent.
    const inherited = await Promise.all(children.map((c) => Promise.all(allAliases([], c.name, c.type, after.result, "db").map(urn))));
    const missing = children.filter((_, i) => !inherited[i].some((u) => oldUrns.has(u))).map((c) => c.name);
    expect(missing).toEqual([]);
    await settled(after.result);
  });

  it("is seen by the policy run: the MVP primary without deletion protection fails the prod pack", async () => {
    const { resources } = await build("mvp");
    const found = runPolicies(resources, { config: loadPolicyConfig("prod").config }).violations.filter((v) => v.level === "mandatory");
    expect(found.map((v) => `${v.policy} ${v.resource}`)).toEqual(["rds-deletion-protection database-primary"]);
  });

  it("rejects bad input naming the arg and value", async () => {
    const growth = TIERS.growth.database;
    await expect(build("growth", { preset: { ...growth, backupRetentionDays: 3 } })).rejects.toThrow(/Database database: preset.backupRetentionDays 3 must be an integer from 7 to 35/);
    await expect(build("growth", { preset: { ...growth, replicaRegions: ["us-east-1"] } })).rejects.toThrow(/replicaRegions \["us-east-1"\] include the primary region "us-east-1"/);
    await expect(build("growth", { preset: { ...growth, maxAllocatedStorageGb: 200 } })).rejects.toThrow(/maxAllocatedStorageGb 200 must be an integer from 220 \(allocatedStorageGb \+ 10%\) to 65536/);
    await expect(build("growth", { subnetIds: ["subnet-a"] })).rejects.toThrow(/subnetIds has 1 subnet\(s\)/);
    await expect(build("growth", { replicaSubnetGroupNames: { "ap-southeast-1": "x" } })).rejects.toThrow(/replicaSubnetGroupNames names \["ap-southeast-1"\], which are not replica regions/);
    await expect(build("growth", { username: "postgres" })).rejects.toThrow(/username "postgres" must be/);
    await expect(build("mvp", { preset: { ...TIERS.mvp.database, crossRegionBackups: true, backupRegion: undefined } })).rejects.toThrow(/crossRegionBackups is on but there is no backupRegion/);
  });
});
