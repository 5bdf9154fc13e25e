export { Addons, ADDON_CHARTS, type AddonsArgs, type AddonsAwsArgs } from "./addons";
export { ApiTier, type ApiTierArgs } from "./api-tier";
export { NetworkAccess, type AccessRule, type NetworkAccessArgs, type PodPeer } from "./network-access";
export { GPU_INSTANCE_SPECS, OLLAMA_IMAGE_REPOSITORY, OllamaCluster, type OllamaClusterArgs } from "./ollama";
export * from "./pgbouncer";
export { queueKey, WAITING_KEYS, WorkerFleet, type QueueSpec, type WorkerFleetArgs } from "./worker-fleet";
