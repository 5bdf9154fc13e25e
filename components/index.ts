/** The platform's components, one namespace per type-token module (`finishthisidea:<module>:<Name>`). */
export * as cluster from "./cluster";
export * as data from "./data";
export * as edge from "./edge";
export * as k8s from "./k8s";
export * as network from "./network";
export * as observability from "./observability";
export * as storage from "./storage";
