import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { RedisSizing } from "./sizing";

export type { RedisSizing } from "./sizing";

export interface RedisEndpoints {
  /** Configuration endpoint in cluster mode, primary endpoint otherwise. */
  host: pulumi.Output<string>;
  port: number;
  clusterMode: boolean;
  tls: true;
  /** Secret. */
  authToken: pulumi.Output<string>;
  replicationGroupId: pulumi.Output<string>;
}

/** Engine settings that do not vary by tier. */
export const REDIS = {
  engine: "redis",
  engineVersion: "7.1",
  parameterGroupFamily: "redis7",
  port: 6379,
  /**
   * BullMQ keeps its queues in Redis: any evicting policy silently drops jobs under memory pressure. With
   * noeviction a full Redis refuses writes instead, which BullMQ surfaces as errors and retries.
   */
  maxmemoryPolicy: "noeviction",
  maintenanceWindow: "sun:05:00-sun:06:00",
  snapshotWindow: "03:00-04:00",
  /** AUTH tokens: 16-128 printable characters; letters and digits only, so no rule on @ " / can trip. */
  authTokenLength: 64,
  /** AWS default per-shard replica limit. */
  maxReplicasPerShard: 5,
  maxShards: 500,
  snapshotRetentionDays: { min: 0, max: 35 },
} as const;

/** Set by the component from the mode: callers may not pass it. */
const DERIVED_PARAMETERS = ["cluster-enabled"];

/**
 * Parameters of the Redis parameter group: `maxmemory-policy noeviction` and `cluster-enabled` per mode, plus
 * any extra parameters. Throws if the extras try to change the eviction policy (or cluster-enabled).
 */
export function redisParameters(clusterMode: boolean, extra: Record<string, string> = {}): { name: string; value: string }[] {
  const policy = extra["maxmemory-policy"];
  if (policy !== undefined && policy !== REDIS.maxmemoryPolicy) {
    throw new Error(`Redis parameter maxmemory-policy "${policy}" is not allowed: it must stay "${REDIS.maxmemoryPolicy}" because BullMQ loses queued jobs under any evicting policy`);
  }
  const derived = Object.keys(extra).filter((k) => DERIVED_PARAMETERS.includes(k));
  if (derived.length > 0) throw new Error(`Redis parameters ${JSON.stringify(derived)} are set from the preset's clusterMode; remove them from extraParameters`);
  const rest = Object.entries(extra).filter(([k]) => k !== "maxmemory-policy").map(([name, value]) => ({ name, value }));
  return [
    { name: "maxmemory-policy", value: REDIS.maxmemoryPolicy },
    { name: "cluster-enabled", value: clusterMode ? "yes" : "no" },
    ...rest,
  ];
}

export interface RedisTopology {
  clusterMode: "enabled" | "disabled";
  /** Cluster mode off: primary plus replicas. */
  numCacheClusters?: number;
  /** Cluster mode on: shards and replicas per shard. */
  numNodeGroups?: number;
  replicasPerNodeGroup?: number;
  automaticFailoverEnabled: boolean;
  multiAzEnabled: boolean;
  /** Total cache nodes. */
  nodes: number;
}

/** Replication group shape for a preset: cluster mode on shards x (replicas + 1); off one primary plus replicas. */
export function redisTopology(preset: Pick<RedisSizing, "clusterMode" | "shards" | "replicasPerShard">): RedisTopology {
  const hasReplicas = preset.replicasPerShard > 0;
  if (preset.clusterMode) {
    return {
      clusterMode: "enabled",
      numNodeGroups: preset.shards,
      replicasPerNodeGroup: preset.replicasPerShard,
      // ElastiCache requires automatic failover in cluster mode; Multi-AZ needs a replica to fail over to.
      automaticFailoverEnabled: true,
      multiAzEnabled: hasReplicas,
      nodes: preset.shards * (preset.replicasPerShard + 1),
    };
  }
  return {
    clusterMode: "disabled",
    numCacheClusters: preset.replicasPerShard + 1,
    automaticFailoverEnabled: hasReplicas,
    multiAzEnabled: hasReplicas,
    nodes: preset.replicasPerShard + 1,
  };
}

/** The snapshot ElastiCache takes when the group is deleted: letters, digits and single hyphens, 1-255 characters. */
export function redisFinalSnapshotId(name: string): string {
  return `${name}-redis-final`.replace(/[^a-zA-Z0-9-]/g, "-").replace(/-+/g, "-").slice(0, 255);
}

export interface RedisClusterArgs {
  vpcId: pulumi.Input<string>;
  /** Private subnets (the cache subnet group). */
  subnetIds: pulumi.Input<string>[];
  /** Security groups admitted on 6379 (the cluster's node security group). Nothing else is admitted. */
  allowedSecurityGroupIds: pulumi.Input<string>[];
  /** The tier's redis preset. */
  preset: RedisSizing;
  /** Extra parameter group settings; `maxmemory-policy` may only be "noeviction", `cluster-enabled` is derived. */
  extraParameters?: Record<string, string>;
}

/** Throws on presets ElastiCache would reject, naming the field and what is allowed. */
export function validateRedisArgs(name: string, args: RedisClusterArgs): void {
  const p = args.preset;
  const fail = (msg: string) => {
    throw new Error(`RedisCluster ${name}: ${msg}`);
  };
  if (!/^cache\./.test(p.nodeType)) fail(`preset.nodeType "${p.nodeType}" is not an ElastiCache node type; expected e.g. "cache.r6g.large"`);
  if (!Number.isInteger(p.shards) || p.shards < 1 || p.shards > REDIS.maxShards) fail(`preset.shards ${p.shards} must be an integer from 1 to ${REDIS.maxShards}`);
  if (!p.clusterMode && p.shards !== 1) fail(`preset.shards is ${p.shards} but clusterMode is off; without cluster mode there is exactly 1 shard`);
  if (!Number.isInteger(p.replicasPerShard) || p.replicasPerShard < 0 || p.replicasPerShard > REDIS.maxReplicasPerShard) {
    fail(`preset.replicasPerShard ${p.replicasPerShard} must be an integer from 0 to ${REDIS.maxReplicasPerShard}`);
  }
  const { min, max } = REDIS.snapshotRetentionDays;
  if (!Number.isInteger(p.snapshotRetentionDays) || p.snapshotRetentionDays < min || p.snapshotRetentionDays > max) {
    fail(`preset.snapshotRetentionDays ${p.snapshotRetentionDays} must be an integer from ${min} to ${max}`);
  }
  if (args.subnetIds.length < 1) fail("subnetIds is empty; the cache subnet group needs private subnets");
}

/**
 * ElastiCache for Redis 7 replication group for the BullMQ queues: cluster mode per tier (MVP one node, Growth up
 * shards x replicas with automatic failover and Multi-AZ), TLS and KMS encryption at rest, an AUTH token from
 * @pulumi/random kept secret, `maxmemory-policy noeviction` pinned, 6379 open to the cluster only.
 */
export class RedisCluster extends pulumi.ComponentResource {
  /** Configuration endpoint in cluster mode, primary endpoint otherwise. */
  readonly host: pulumi.Output<string>;
  readonly port: number = REDIS.port;
  readonly clusterMode: boolean;
  readonly tls = true as const;
  /** Secret. */
  readonly authToken: pulumi.Output<string>;
  readonly replicationGroupId: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly kmsKeyArn: pulumi.Output<string>;

  constructor(name: string, args: RedisClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("finishthisidea:data:RedisCluster", name, {}, opts);
    validateRedisArgs(name, args);
    const p = args.preset;
    const parameters = redisParameters(p.clusterMode, args.extraParameters);
    const topology = redisTopology(p);
    const child = { parent: this };
    this.clusterMode = p.clusterMode;

    const key = new aws.kms.Key(`${name}-kms`, {
      description: `ElastiCache ${name} encryption at rest`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    }, { ...child, protect: true });

    const sg = new aws.ec2.SecurityGroup(`${name}-sg`, {
      vpcId: args.vpcId,
      description: `Redis ${name}: ${REDIS.port} from the cluster only`,
    }, child);
    args.allowedSecurityGroupIds.forEach((source, i) => new aws.vpc.SecurityGroupIngressRule(`${name}-sg-ingress-${i}`, {
      securityGroupId: sg.id,
      referencedSecurityGroupId: source,
      ipProtocol: "tcp",
      fromPort: REDIS.port,
      toPort: REDIS.port,
      description: "Redis from the cluster",
    }, child));

    const subnetGroup = new aws.elasticache.SubnetGroup(`${name}-subnets`, {
      subnetIds: args.subnetIds,
      description: `Private subnets of Redis ${name}`,
    }, child);

    const parameterGroup = new aws.elasticache.ParameterGroup(`${name}-params`, {
      family: REDIS.parameterGroupFamily,
      description: `Redis 7 for ${name}: noeviction (BullMQ), cluster mode ${topology.clusterMode}`,
      parameters,
    }, child);

    const token = new random.RandomPassword(`${name}-auth-token`, { length: REDIS.authTokenLength, special: false }, child);
    // The mock engine does not apply additionalSecretOutputs: wrap explicitly so it is secret everywhere.
    this.authToken = pulumi.secret(token.result);

    const { nodes: _nodes, ...shape } = topology;
    const group = new aws.elasticache.ReplicationGroup(`${name}-redis`, {
      description: `BullMQ queues (${name})`,
      engine: REDIS.engine,
      engineVersion: REDIS.engineVersion,
      nodeType: p.nodeType,
      port: REDIS.port,
      ...shape,
      parameterGroupName: parameterGroup.name,
      subnetGroupName: subnetGroup.name,
      securityGroupIds: [sg.id],
      atRestEncryptionEnabled: true,
      kmsKeyId: key.arn,
      transitEncryptionEnabled: true,
      transitEncryptionMode: "required",
      authToken: this.authToken,
      // On a token change the old token stays valid beside the new one, so clients move over without an outage.
      authTokenUpdateStrategy: "ROTATE",
      autoMinorVersionUpgrade: true,
      snapshotRetentionLimit: p.snapshotRetentionDays,
      // Deleting the group (a replacement, or a stack destroyed with protect lifted) leaves the queues on disk.
      finalSnapshotIdentifier: redisFinalSnapshotId(name),
      snapshotWindow: REDIS.snapshotWindow,
      maintenanceWindow: REDIS.maintenanceWindow,
    }, { ...child, protect: true, additionalSecretOutputs: ["authToken"] });

    this.host = p.clusterMode ? group.configurationEndpointAddress : group.primaryEndpointAddress;
    this.replicationGroupId = group.replicationGroupId;
    this.securityGroupId = sg.id;
    this.kmsKeyArn = key.arn;

    this.registerOutputs(this.endpoints);
  }

  /** The contract the workloads and observability areas consume. */
  get endpoints(): RedisEndpoints {
    return {
      host: this.host,
      port: this.port,
      clusterMode: this.clusterMode,
      tls: this.tls,
      authToken: this.authToken,
      replicationGroupId: this.replicationGroupId,
    };
  }
}
