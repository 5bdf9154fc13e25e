/**
 * What a tier preset decides about the data stores: plain shapes with no SDK behind them, so the tier table
 * (infra/tiers.ts) and what checks it load no cloud provider's types.
 */

/** The tier's database block (infra/tiers.ts). */
/** How big the database is and where its copies live: what a tier preset (or any caller) decides. */
export interface DatabaseSizing {
  instanceClass: string;
  multiAz: boolean;
  /** Read replicas beside the primary, in the primary region: the readers the pods are handed (DATABASE_READ_URL). */
  inRegionReplicas: number;
  /**
   * Regions of cross-region read replicas (never the primary region). Disaster-recovery copies only: they are
   * promoted in a region failover (docs/runbooks/region-failover.md). The pods run in the primary region and are
   * never handed them as readers; a reader in another region would put an inter-region round trip on every read.
   */
  replicaRegions: string[];
  allocatedStorageGb: number;
  maxAllocatedStorageGb: number;
  backupRetentionDays: number;
  /** Copy automated backups to a second region (disaster recovery). */
  crossRegionBackups: boolean;
  /** Where the backup copies go; default the first replica region. */
  backupRegion?: string;
  /** Postgres max_connections; PgBouncer's pools are sized under it. */
  maxConnections: number;
  /**
   * statement_timeout (ms) of every session unless it sets its own: the database-overload lever that cuts a
   * runaway query before it holds a pool connection for minutes. 0 (off) is refused.
   */
  statementTimeoutMs: number;
  /** idle_in_transaction_session_timeout (ms): a client that opened a transaction and went quiet frees its server connection. */
  idleInTransactionTimeoutMs: number;
  deletionProtection: boolean;
}

/** The tier's redis block (infra/tiers.ts). */
/** Node type, topology and snapshot retention: what a tier preset (or any caller) decides. */
export interface RedisSizing {
  nodeType: string;
  /** Cluster mode enabled (sharded). Off only for the single-node MVP. */
  clusterMode: boolean;
  shards: number;
  replicasPerShard: number;
  snapshotRetentionDays: number;
}
