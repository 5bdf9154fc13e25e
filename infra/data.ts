/**
 * Wires the data stores and the edge: PostgreSQL (primary + replicas), the Redis cluster, S3 in the tier's
 * regions plus R2, and the CloudFront distribution in front of the API and the primary bucket. Hands their
 * endpoints to the workloads and observability as DataServices; credentials stay secrets.
 */
import * as pulumi from "@pulumi/pulumi";
import { Database, RedisCluster } from "../components/data";
import { Cdn, CDN_ORIGIN_KEY_PATTERNS, EdgeWebAcl } from "../components/edge";
import { ReplicaNetwork, siblingCidr } from "../components/network";
import { ObjectStorage } from "../components/storage";
import { apiHostname, type DataServices, type PlatformContext, type StackOutputs } from "./contracts";

export function createDataServices(ctx: PlatformContext): { services: DataServices; outputs: StackOutputs } {
  const { config, network, cluster } = ctx;
  const p = config.preset;
  const namePrefix = `${config.project}-${config.stack}`;
  // With an existing cluster there is no node security group to admit: the stores then accept no one until
  // an operator adds a rule (documented in the README), rather than opening them to the whole VPC.
  const allowedSecurityGroupIds = cluster.securityGroupId ? [cluster.securityGroupId] : [];
  const privateNetwork = { vpcId: network.vpcId, subnetIds: network.privateSubnetIds, allowedSecurityGroupIds };

  // Each cross-region replica gets its own isolated VPC, numbered after the primary's range so they never overlap.
  const replicaNetworks = p.database.replicaRegions.map((region, i) => [region, new ReplicaNetwork(`replica-network-${region}`, {
    cidrBlock: siblingCidr(config.vpcCidr, i + 1),
    availabilityZones: ["a", "b", "c"].map((suffix) => `${region}${suffix}`),
  }, { parent: ctx.parent, providers: [ctx.aws.get("network", region)] })] as const);

  const database = new Database("database", {
    ...privateNetwork,
    preset: p.database,
    primaryRegion: config.primaryRegion,
    providerFor: ctx.aws.forComponent("database"),
    replicaSubnetGroupNames: Object.fromEntries(replicaNetworks.map(([region, n]) => [region, n.dbSubnetGroupName])),
    replicaSecurityGroupIds: Object.fromEntries(replicaNetworks.map(([region, n]) => [region, [n.securityGroupId]])),
  }, { parent: ctx.parent });

  const redis = new RedisCluster("redis", { ...privateNetwork, preset: p.redis }, { parent: ctx.parent, providers: [ctx.aws.get("redis")] });

  // The primary bucket's policy (owned by ObjectStorage) grants the distribution read access, and the
  // distribution reads from the bucket: the ARN is handed back once the distribution is declared.
  const [distributionArn, setDistributionArn] = pulumi.deferredOutput<string>();
  const storage = new ObjectStorage("storage", {
    bucketPrefix: namePrefix,
    primaryRegion: config.primaryRegion,
    replicaRegions: p.storage.replicaRegions,
    providerFor: ctx.aws.forComponent("storage"),
    cloudflare: { accountId: config.cloudflareAccountId, apiToken: config.secrets.cloudflareApiToken, locationHint: config.r2LocationHint },
    corsAllowedOrigins: [`https://${config.domain}`],
    cloudFrontRead: { distributionArn, keyPatterns: CDN_ORIGIN_KEY_PATTERNS },
  }, { parent: ctx.parent });
  const s = storage.endpoints;

  const cdn = new Cdn("cdn", {
    domain: config.domain,
    apiOriginHost: apiHostname(config),
    originBucket: { name: s.primaryBucketName, regionalDomainName: s.primaryBucketRegionalDomainName, region: config.primaryRegion },
    providerFor: ctx.aws.forComponent("cdn"),
    namePrefix,
    waf: config.waf,
  }, { parent: ctx.parent });
  setDistributionArn(cdn.distributionArn);

  // api.<domain> points at the ALB, a second public entry: it gets the CDN's rules in a regional web ACL.
  const apiWaf = config.waf.enabled
    ? new EdgeWebAcl("api-waf", { scope: "REGIONAL", requestsPer5Minutes: config.waf.requestsPer5Minutes, protects: apiHostname(config) }, { parent: ctx.parent, providers: [ctx.aws.get("api-waf")] })
    : undefined;

  const services: DataServices = {
    database: database.endpoints,
    redis: redis.endpoints,
    storage: s,
    cdn: { distributionId: cdn.distributionId, domainName: cdn.domainName, ...(apiWaf ? { apiWebAclArn: apiWaf.arn } : {}) },
  };
  const outputs: StackOutputs = {
    databaseWriterEndpoint: database.writerHost,
    databaseReaderEndpoints: database.readerHosts,
    databasePrimaryIdentifier: database.primaryInstanceId,
    databaseReplicaIdentifiers: database.replicaInstanceIdsByRegion,
    databaseConnectionString: pulumi.secret(database.connectionString),
    redisEndpoint: redis.host,
    redisReplicationGroupId: redis.replicationGroupId,
    bucketNames: s.bucketNames,
    r2BucketName: s.r2BucketName,
    r2Endpoint: s.r2Endpoint,
    cdnDomainName: cdn.domainName,
    cdnDistributionId: cdn.distributionId,
    cdnCertificateValidationRecords: cdn.certificateValidationRecords,
  };
  return { services, outputs };
}
