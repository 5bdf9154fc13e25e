export { Cdn, CDN_ORIGIN_KEY_PATTERNS, type CdnArgs, type ValidationRecord } from "./cdn";
