export { Database, postgresUrl, replicaPlan, type DatabaseArgs, type DatabaseEndpoints, type DatabaseSizing } from "./database";
export { REDIS, RedisCluster, redisTopology, type RedisClusterArgs, type RedisEndpoints, type RedisSizing } from "./redis";
