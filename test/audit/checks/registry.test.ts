import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHECK_IDS } from "../../../lib/audit/checks/ids.js";
import { CHECKS } from "../../../lib/audit/checks/registry.js";
import { RESOURCE_TYPES, SEVERITIES } from "../../../lib/audit/findings/model.js";

/** The public contract: ids never change. A rename must fail here (cdk-nag's manifest test). */
const CATALOG = [
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
];

const DEFAULT_SEVERITY: Record<string, string> = {
  "sg-world-ingress": "critical",
  "sg-unapproved-cidr": "high",
  "sg-unapproved-source-group": "high",
  "sg-all-traffic": "medium",
  "rds-public-access": "critical",
  "rds-storage-unencrypted": "high",
  "rds-tls-not-enforced": "high",
  "rds-iam-auth-disabled": "low",
  "rds-logs-not-exported": "medium",
  "rds-master-password-unmanaged": "medium",
  "rds-connection-logging-off": "low",
  "cache-auth-disabled": "critical",
  "cache-default-user-open": "critical",
  "cache-transit-encryption": "high",
  "cache-at-rest-unencrypted": "medium",
  "cache-auth-token-stale": "medium",
  "cache-logs-not-delivered": "low",
  "secret-rotation-disabled": "medium",
  "pg-public-privilege": "critical",
  "pg-unexpected-principal": "high",
  "pg-excess-privilege": "high",
  "pg-missing-privilege": "low",
  "pg-runtime-role-owns-table": "medium",
  "pg-default-privileges": "medium",
  "pg-public-schema-create": "medium",
  "pg-superuser-roles": "high",
  "pg-auditor-overprivileged": "medium",
  "redis-unauthenticated": "critical",
  "redis-plaintext": "high",
  "redis-default-user-open": "critical",
  "audit-error": "high",
};

describe("check registry", () => {
  it("registers exactly the catalog's ids, once each, in catalog order", () => {
    expect(CHECKS.map((c) => c.meta.id)).toEqual(CATALOG);
    expect([...CHECK_IDS]).toEqual(CATALOG);
  });

  it("gives every check the default severity of CHECKS.md", () => {
    for (const check of CHECKS) expect([check.meta.id, check.meta.severity]).toEqual([check.meta.id, DEFAULT_SEVERITY[check.meta.id]]);
  });

  it("gives every check the metadata a user acts on", () => {
    for (const { meta } of CHECKS) {
      expect(meta.title.length, meta.id).toBeGreaterThan(5);
      expect(meta.title, meta.id).not.toMatch(/^Ensure /);
      expect(meta.rationale.length, meta.id).toBeGreaterThan(40);
      expect(meta.remediation.length, meta.id).toBeGreaterThan(30);
      expect(SEVERITIES).toContain(meta.severity);
      const types = Array.isArray(meta.resourceType) ? meta.resourceType : [meta.resourceType];
      for (const t of types) expect(RESOURCE_TYPES).toContain(t);
    }
  });

  it("is listed in the README's check catalog", () => {
    const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
    for (const id of CATALOG) expect(readme, id).toContain(`| \`${id}\` |`);
  });
});
