export { ObjectStorage, r2Endpoint, type ObjectStorageArgs, type StorageEndpoints, type StorageLifecycle } from "./object-storage";
