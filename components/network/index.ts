export { Network, planSubnets, type NetworkArgs } from "./network";
export { ReplicaNetwork, siblingCidr, type ReplicaNetworkArgs } from "./replica-network";
