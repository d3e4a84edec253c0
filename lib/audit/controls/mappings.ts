/**
 * Which controls of which frameworks each check gives evidence for. One table of data, not
 * code scattered over checks: a check names the *control objectives* it tests (profiles),
 * and each profile carries the framework controls with the one-line reason the mapping
 * holds. A PASS of the check is evidence the control operated for that resource; a FAIL is
 * an open exception against it.
 *
 * Frameworks and editions: SOC 2 (2017 Trust Services Criteria, revised points of focus
 * 2022), PCI DSS v4.0.1, ISO/IEC 27001:2022 Annex A, NIST SP 800-53 Rev. 5; CIS AWS
 * Foundations Benchmark v3.0.0 and the CIS PostgreSQL 16 Benchmark where an item exists
 * (those two are optional: most checks have no CIS item; CIS PostgreSQL items are named by title, since their numbers move between editions). docs/controls.md explains the
 * choices and where they differ from Prowler's public mappings.
 */

export const REQUIRED_FRAMEWORKS = ["SOC 2", "PCI DSS 4.0", "ISO/IEC 27001:2022", "NIST SP 800-53 r5"] as const;
export const OPTIONAL_FRAMEWORKS = ["CIS AWS Foundations 3.0", "CIS PostgreSQL 16"] as const;
export type Framework = (typeof REQUIRED_FRAMEWORKS)[number] | (typeof OPTIONAL_FRAMEWORKS)[number];

export interface ControlRef {
  framework: Framework;
  control: string;
  /** One line: why a result of this check is evidence for this control. */
  why: string;
}

type Profile =
  | "network-restriction"
  | "public-endpoint"
  | "least-privilege"
  | "privileged-access"
  | "access-review"
  | "authentication"
  | "credential-lifecycle"
  | "encryption-in-transit"
  | "encryption-at-rest"
  | "logging"
  | "monitoring-attempts"
  | "auditor-integrity"
  | "configuration-hardening";

const c = (framework: Framework, control: string, why: string): ControlRef => ({ framework, control, why });

const PROFILES: Readonly<Record<Profile, readonly ControlRef[]>> = {
  "network-restriction": [
    c("SOC 2", "CC6.6", "restricts logical access to the backend from outside the approved network boundary"),
    c("PCI DSS 4.0", "1.3", "network access to and from the system holding the queue data is restricted to what is necessary"),
    c("ISO/IEC 27001:2022", "A.8.20", "network security controls protect the backend's network service"),
    c("ISO/IEC 27001:2022", "A.8.22", "the backend is segregated from networks that have no need to reach it"),
    c("NIST SP 800-53 r5", "SC-7", "boundary protection: only approved sources reach the backend port"),
  ],
  "public-endpoint": [
    c("SOC 2", "CC6.6", "the backend is not reachable from outside the system boundary"),
    c("PCI DSS 4.0", "1.4.1", "controls are in place between trusted and untrusted networks"),
    c("ISO/IEC 27001:2022", "A.8.20", "the backend's network service is not exposed beyond the internal network"),
    c("NIST SP 800-53 r5", "SC-7", "boundary protection: no public interface on the backend"),
  ],
  "least-privilege": [
    c("SOC 2", "CC6.1", "logical access to the queue data is limited to authorised principals"),
    c("SOC 2", "CC6.3", "access is granted according to the documented policy (roles and their privileges)"),
    c("PCI DSS 4.0", "7.2", "access to system components and data is assigned by need to know and least privilege"),
    c("ISO/IEC 27001:2022", "A.5.15", "the access control policy for the queue is enforced in the backend itself"),
    c("ISO/IEC 27001:2022", "A.8.3", "access to information (the job payloads) is restricted"),
    c("NIST SP 800-53 r5", "AC-6", "least privilege: only the privileges the policy allows are held"),
    c("NIST SP 800-53 r5", "AC-3", "access enforcement on the queue tables and keys"),
  ],
  "privileged-access": [
    c("SOC 2", "CC6.1", "privileged (superuser-like) access is limited to the named admins"),
    c("PCI DSS 4.0", "7.2.2", "privileges are assigned by job function; privileged access is limited"),
    c("ISO/IEC 27001:2022", "A.8.2", "privileged access rights are restricted and managed"),
    c("NIST SP 800-53 r5", "AC-6", "least privilege for privileged accounts (AC-6(5))"),
  ],
  "access-review": [
    c("SOC 2", "CC6.2", "the access actually held is compared with the authorised list on every run"),
    c("PCI DSS 4.0", "7.2.4", "user accounts and their privileges are reviewed against the policy"),
    c("ISO/IEC 27001:2022", "A.5.18", "access rights are reviewed against what is authorised"),
    c("NIST SP 800-53 r5", "AC-2", "account management: accounts with access are identified and reviewed"),
  ],
  authentication: [
    c("SOC 2", "CC6.1", "the backend authenticates every client before granting access"),
    c("PCI DSS 4.0", "8.3", "strong authentication is established for users and system accounts"),
    c("ISO/IEC 27001:2022", "A.8.5", "secure authentication to the backend"),
    c("NIST SP 800-53 r5", "IA-2", "identification and authentication of the clients"),
  ],
  "credential-lifecycle": [
    c("SOC 2", "CC6.1", "credentials for the queue backend are managed and rotated"),
    c("PCI DSS 4.0", "8.6", "system and application account credentials are managed and changed periodically"),
    c("PCI DSS 4.0", "8.3.9", "passwords/passphrases are changed at least every 90 days or access is analysed"),
    c("ISO/IEC 27001:2022", "A.5.17", "authentication information is allocated and managed"),
    c("NIST SP 800-53 r5", "IA-5", "authenticator management: rotation and storage of secrets"),
  ],
  "encryption-in-transit": [
    c("SOC 2", "CC6.7", "queue data moving between clients and the backend is protected"),
    c("PCI DSS 4.0", "4.2.1", "strong cryptography protects data during transmission"),
    c("ISO/IEC 27001:2022", "A.8.24", "cryptography is used on connections to the backend"),
    c("NIST SP 800-53 r5", "SC-8", "transmission confidentiality and integrity"),
  ],
  "encryption-at-rest": [
    c("SOC 2", "CC6.1", "stored queue data is protected by encryption"),
    c("PCI DSS 4.0", "3.5", "stored data is rendered unreadable where it is stored"),
    c("ISO/IEC 27001:2022", "A.8.24", "cryptography protects the stored data"),
    c("NIST SP 800-53 r5", "SC-28", "protection of information at rest"),
  ],
  logging: [
    c("SOC 2", "CC7.2", "the backend's own logs are kept so anomalies can be detected"),
    c("PCI DSS 4.0", "10.2", "audit logs record access to the system holding the data"),
    c("ISO/IEC 27001:2022", "A.8.15", "logs of activity on the backend are produced and kept"),
    c("NIST SP 800-53 r5", "AU-2", "event logging of connections and authentication"),
  ],
  "monitoring-attempts": [
    c("SOC 2", "CC7.2", "access attempts are monitored and anomalies alerted"),
    c("PCI DSS 4.0", "10.4", "audit logs are reviewed to identify anomalies or suspicious activity"),
    c("ISO/IEC 27001:2022", "A.8.16", "activities are monitored for anomalous behaviour"),
    c("NIST SP 800-53 r5", "AU-6", "audit record review, analysis and reporting"),
  ],
  "auditor-integrity": [
    c("SOC 2", "CC4.1", "the monitoring activity itself is complete; gaps are reported, not hidden"),
    c("PCI DSS 4.0", "10.7", "failures of critical security control systems are detected and reported"),
    c("ISO/IEC 27001:2022", "A.8.16", "the monitoring of the backends operates, and says when it could not"),
    c("NIST SP 800-53 r5", "CA-7", "continuous monitoring reports what it could not assess"),
  ],
  "configuration-hardening": [
    c("SOC 2", "CC7.1", "configuration weaknesses that open new access are detected"),
    c("PCI DSS 4.0", "2.2", "system components are configured and managed securely"),
    c("ISO/IEC 27001:2022", "A.8.9", "configuration of the backend is managed"),
    c("NIST SP 800-53 r5", "CM-6", "configuration settings are established and enforced"),
  ],
};

/** Check id -> the control objectives its results are evidence for, plus benchmark items. */
const CHECK_PROFILES: Readonly<Record<string, { profiles: readonly Profile[]; extra?: readonly ControlRef[] }>> = {
  "sg-world-ingress": {
    profiles: ["network-restriction", "public-endpoint"],
    extra: [
      c("CIS AWS Foundations 3.0", "5.2", "no security group allows ingress from 0.0.0.0/0 to remote server administration ports"),
      c("CIS AWS Foundations 3.0", "5.3", "no security group allows ingress from ::/0 to remote server administration ports"),
    ],
  },
  "sg-unapproved-cidr": { profiles: ["network-restriction"] },
  "sg-unapproved-source-group": { profiles: ["network-restriction"] },
  "sg-all-traffic": { profiles: ["network-restriction", "configuration-hardening"] },
  "net-public-subnet": { profiles: ["public-endpoint", "network-restriction"] },
  "net-nacl-open": {
    profiles: ["network-restriction"],
    extra: [c("CIS AWS Foundations 3.0", "5.1", "no network ACL allows ingress from 0.0.0.0/0 to remote server administration ports")],
  },
  "net-foreign-route": { profiles: ["network-restriction"] },
  "rds-public-access": {
    profiles: ["public-endpoint"],
    extra: [c("CIS AWS Foundations 3.0", "2.3.3", "public access is not given to RDS instances")],
  },
  "rds-storage-unencrypted": {
    profiles: ["encryption-at-rest"],
    extra: [c("CIS AWS Foundations 3.0", "2.3.1", "encryption-at-rest is enabled for RDS instances")],
  },
  "rds-tls-not-enforced": {
    profiles: ["encryption-in-transit"],
    extra: [c("CIS PostgreSQL 16", "Ensure TLS is enabled and configured correctly", "the server refuses unencrypted connections")],
  },
  "rds-iam-auth-disabled": { profiles: ["authentication", "credential-lifecycle"] },
  "rds-logs-not-exported": { profiles: ["logging"] },
  "rds-master-password-unmanaged": { profiles: ["credential-lifecycle"] },
  "rds-connection-logging-off": {
    profiles: ["logging"],
    extra: [c("CIS PostgreSQL 16", "Ensure 'log_connections' is enabled", "connections leave a trace in the server log")],
  },
  "cache-auth-disabled": { profiles: ["authentication"] },
  "cache-default-user-open": { profiles: ["authentication", "least-privilege"] },
  "cache-transit-encryption": { profiles: ["encryption-in-transit"] },
  "cache-at-rest-unencrypted": { profiles: ["encryption-at-rest"] },
  "cache-auth-token-stale": { profiles: ["credential-lifecycle"] },
  "cache-logs-not-delivered": { profiles: ["logging"] },
  "secret-rotation-disabled": { profiles: ["credential-lifecycle"] },
  "pg-public-privilege": {
    profiles: ["least-privilege"],
    extra: [c("CIS PostgreSQL 16", "Ensure excessive DML privileges are revoked", "PUBLIC holds no DML privilege on the queue tables")],
  },
  "pg-unexpected-principal": { profiles: ["least-privilege", "access-review"] },
  "pg-excess-privilege": { profiles: ["least-privilege", "access-review"] },
  "pg-missing-privilege": { profiles: ["access-review"] },
  "pg-runtime-role-owns-table": { profiles: ["privileged-access", "least-privilege"] },
  "pg-default-privileges": { profiles: ["least-privilege", "configuration-hardening"] },
  "pg-public-schema-create": {
    profiles: ["configuration-hardening", "least-privilege"],
  },
  "pg-superuser-roles": {
    profiles: ["privileged-access"],
    extra: [
      c(
        "CIS PostgreSQL 16",
        "Ensure excessive administrative privileges are revoked",
        "superuser-like roles are limited to the named admins",
      ),
    ],
  },
  "pg-auditor-overprivileged": { profiles: ["auditor-integrity", "least-privilege"] },
  // An unpinned SECURITY DEFINER function lets any caller act as its owner: privilege escalation and hardening.
  "pg-unsafe-definer-function": { profiles: ["privileged-access", "configuration-hardening"] },
  "redis-unauthenticated": { profiles: ["authentication"] },
  "redis-plaintext": { profiles: ["encryption-in-transit"] },
  "redis-default-user-open": { profiles: ["authentication", "least-privilege"] },
  "mysql-unexpected-principal": { profiles: ["least-privilege", "access-review"] },
  "mysql-excess-privilege": { profiles: ["least-privilege", "access-review"] },
  "mysql-missing-privilege": { profiles: ["access-review"] },
  "mysql-wildcard-account": { profiles: ["least-privilege", "authentication"] },
  "mysql-account-without-password": { profiles: ["authentication"] },
  "mysql-superuser-accounts": { profiles: ["privileged-access"] },
  "mysql-tls-not-required": { profiles: ["encryption-in-transit"] },
  "mysql-auditor-overprivileged": { profiles: ["auditor-integrity", "least-privilege"] },
  "redis-unexpected-user": { profiles: ["least-privilege", "access-review"] },
  "redis-excess-access": { profiles: ["least-privilege", "access-review"] },
  "redis-dangerous-commands": { profiles: ["privileged-access", "least-privilege"] },
  "redis-nopass-user": { profiles: ["authentication"] },
  // A password any scanner tries first is authentication in name only: the authentication controls' evidence.
  "redis-weak-password": { profiles: ["authentication"] },
  // The same for a PostgreSQL role: a guessable password (or trust) is a failed authentication control.
  "pg-weak-password": { profiles: ["authentication"] },
  "pg-access-attempts": { profiles: ["monitoring-attempts"] },
  // Redis's ACL log is the backend's own record of failed AUTH and denied commands: reviewing it is the monitoring control.
  "redis-access-attempts": { profiles: ["monitoring-attempts"] },
  "audit-error": { profiles: ["auditor-integrity"] },
  "cloudtrail-management-events-off": {
    profiles: ["auditor-integrity", "monitoring-attempts"],
    extra: [
      c("PCI DSS 4.0", "10.2.1", "audit logs record the administrative changes that open access to the queue"),
      c("NIST SP 800-53 r5", "AU-12", "audit record generation for changes in every audited account and region"),
    ],
  },
};

/** The controls a check's results are evidence for; empty for a check without a mapping. */
export function controlsOf(checkId: string): readonly ControlRef[] {
  const entry = CHECK_PROFILES[checkId];
  if (!entry) return [];
  return [...entry.profiles.flatMap((p) => PROFILES[p]), ...(entry.extra ?? [])];
}

/** Check ids with a mapping (the manifest test compares them with the registry). */
export function mappedCheckIds(): readonly string[] {
  return Object.keys(CHECK_PROFILES);
}

/** `FRAMEWORK control` labels, deduplicated, in table order: for CSV cells and ASFF RelatedRequirements. */
export function controlLabels(checkId: string): string[] {
  return [...new Set(controlsOf(checkId).map((ref) => `${ref.framework} ${ref.control}`))];
}
