/**
 * Attaches to each FAIL and ERROR verdict the fix built from that verdict's own values.
 * Pure: the builders read the verdict and the audit context (scope, policy, catalogs),
 * never the outside world. A check that sets its own `fix` keeps it.
 */
import type { AuditContext } from "../checks/types.js";
import type { CheckResult, Fix } from "../findings/model.js";
import { rotationFix } from "./credentials.js";
import { atRestFix, authDisabledFix, defaultUserFix, logsFix, tokenStaleFix, transitEncryptionFix } from "./elasticache.js";
import { allTrafficFix, revokeSourceFix } from "./network.js";
import { foreignRouteFix, naclOpenFix, publicSubnetFix } from "./network-path.js";
import {
  auditorFix,
  defaultPrivilegesFix,
  excessPrivilegeFix,
  missingPrivilegeFix,
  ownerFix,
  publicPrivilegeFix,
  publicSchemaCreateFix,
  superuserFix,
  unexpectedPrincipalFix,
} from "./postgres.js";
import {
  connectionLoggingFix,
  iamAuthFix,
  logsExportFix,
  masterPasswordFix,
  publicAccessFix,
  storageEncryptionFix,
  tlsFix,
} from "./rds.js";
import { defaultUserOffFix, plaintextFix } from "./redis.js";
import { unobservedFix } from "./unobserved.js";

export type FixBuilder = (result: CheckResult, ctx: AuditContext) => Fix | undefined;

/** The FAIL fix of each check on main. Checks added elsewhere set their own. */
export const FIX_BUILDERS: Readonly<Record<string, FixBuilder>> = {
  "sg-world-ingress": revokeSourceFix,
  "sg-unapproved-cidr": revokeSourceFix,
  "sg-unapproved-source-group": revokeSourceFix,
  "sg-all-traffic": allTrafficFix,
  "net-public-subnet": publicSubnetFix,
  "net-nacl-open": naclOpenFix,
  "net-foreign-route": foreignRouteFix,
  "rds-public-access": publicAccessFix,
  "rds-storage-unencrypted": storageEncryptionFix,
  "rds-tls-not-enforced": tlsFix,
  "rds-iam-auth-disabled": iamAuthFix,
  "rds-logs-not-exported": logsExportFix,
  "rds-master-password-unmanaged": masterPasswordFix,
  "rds-connection-logging-off": connectionLoggingFix,
  "cache-auth-disabled": authDisabledFix,
  "cache-default-user-open": defaultUserFix,
  "cache-transit-encryption": transitEncryptionFix,
  "cache-at-rest-unencrypted": atRestFix,
  "cache-auth-token-stale": tokenStaleFix,
  "cache-logs-not-delivered": logsFix,
  "secret-rotation-disabled": rotationFix,
  "pg-public-privilege": publicPrivilegeFix,
  "pg-unexpected-principal": unexpectedPrincipalFix,
  "pg-excess-privilege": excessPrivilegeFix,
  "pg-missing-privilege": missingPrivilegeFix,
  "pg-runtime-role-owns-table": ownerFix,
  "pg-default-privileges": defaultPrivilegesFix,
  "pg-public-schema-create": publicSchemaCreateFix,
  "pg-superuser-roles": superuserFix,
  "pg-auditor-overprivileged": auditorFix,
  "redis-unauthenticated": defaultUserOffFix,
  "redis-default-user-open": defaultUserOffFix,
  "redis-plaintext": plaintextFix,
};

export function fixFor(result: CheckResult, ctx: AuditContext): Fix | undefined {
  if (result.fix) return result.fix;
  if (result.status === "ERROR") return unobservedFix(result);
  if (result.status !== "FAIL") return undefined;
  return FIX_BUILDERS[result.checkId]?.(result, ctx);
}

/** The verdicts with their fixes (a new array; verdicts that already have one are kept as they are). */
export function withFixes(results: readonly CheckResult[], ctx: AuditContext): CheckResult[] {
  return results.map((r) => {
    if (r.fix || r.status === "PASS") return r;
    const fix = fixFor(r, ctx);
    return fix ? { ...r, fix } : r;
  });
}
