import type { Check } from "../types.js";
import { rdsConnectionLoggingOff } from "./rds-connection-logging-off.js";
import { rdsIamAuthDisabled } from "./rds-iam-auth-disabled.js";
import { rdsLogsNotExported } from "./rds-logs-not-exported.js";
import { rdsMasterPasswordUnmanaged } from "./rds-master-password-unmanaged.js";
import { rdsPublicAccess } from "./rds-public-access.js";
import { rdsStorageUnencrypted } from "./rds-storage-unencrypted.js";
import { rdsTlsNotEnforced } from "./rds-tls-not-enforced.js";

export const rdsChecks: Check[] = [
  rdsPublicAccess,
  rdsStorageUnencrypted,
  rdsTlsNotEnforced,
  rdsIamAuthDisabled,
  rdsLogsNotExported,
  rdsMasterPasswordUnmanaged,
  rdsConnectionLoggingOff,
];
