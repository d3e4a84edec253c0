import type { Check } from "../types.js";
import { cacheAtRestUnencrypted } from "./cache-at-rest-unencrypted.js";
import { cacheAuthDisabled } from "./cache-auth-disabled.js";
import { cacheAuthTokenStale } from "./cache-auth-token-stale.js";
import { cacheDefaultUserOpen } from "./cache-default-user-open.js";
import { cacheLogsNotDelivered } from "./cache-logs-not-delivered.js";
import { cacheTransitEncryption } from "./cache-transit-encryption.js";

export const elasticacheChecks: Check[] = [
  cacheAuthDisabled,
  cacheDefaultUserOpen,
  cacheTransitEncryption,
  cacheAtRestUnencrypted,
  cacheAuthTokenStale,
  cacheLogsNotDelivered,
];
