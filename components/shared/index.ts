export { irsaRole, irsaTrustPolicy, type ClusterOidc } from "./irsa";
