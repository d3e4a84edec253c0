/**
 * Every check id. Ids are public contract (mutes, overrides, stored history refer to
 * them): add freely, never rename. Kept apart from the registry so the config schema
 * can validate ids without loading any check.
 */
export const CHECK_IDS = [
  "sg-world-ingress",
  "sg-unapproved-cidr",
  "sg-unapproved-source-group",
  "sg-all-traffic",
  "rds-public-access",
  "rds-storage-unencrypted",
  "rds-tls-not-enforced",
  "rds-iam-auth-disabled",
  "rds-logs-not-exported",
  "rds-master-password-unmanaged",
  "rds-connection-logging-off",
  "cache-auth-disabled",
  "cache-default-user-open",
  "cache-transit-encryption",
  "cache-at-rest-unencrypted",
  "cache-auth-token-stale",
  "cache-logs-not-delivered",
  "secret-rotation-disabled",
  "pg-public-privilege",
  "pg-unexpected-principal",
  "pg-excess-privilege",
  "pg-missing-privilege",
  "pg-runtime-role-owns-table",
  "pg-default-privileges",
  "pg-public-schema-create",
  "pg-superuser-roles",
  "pg-auditor-overprivileged",
  "redis-unauthenticated",
  "redis-plaintext",
  "redis-default-user-open",
  "audit-error",
] as const;

export type CheckId = (typeof CHECK_IDS)[number];
