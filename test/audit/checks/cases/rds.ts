/** In-memory cases of the rds-* checks: queue-db, an RDS for PostgreSQL 16 instance, and its parameter group. */
import { config, context, dbInstance, inventory, ok, partition } from "../../../support/builders.js";
import type { FamilyCases } from "./case.js";

const cfg = config({ targets: { rds: ["queue-db"] } });

/** A DescribeDBParameters page of queue-pg16 with these user-set values. */
function parameters(values: Record<string, string>) {
  return ok(
    Object.entries(values).map(([ParameterName, ParameterValue]) => ({
      ParameterName,
      ParameterValue,
      Source: "user",
      ApplyType: "dynamic",
      DataType: "boolean",
      IsModifiable: true,
      ApplyMethod: "pending-reboot",
    })),
  );
}

const HARDENED = { "rds.force_ssl": "1", log_connections: "1" };

/** queue-db as DescribeDBInstances returns it, with `overrides`, and its parameter group. */
const queueDb =
  (overrides: Record<string, unknown> = {}, values: Record<string, string> = HARDENED) =>
  () =>
    context(
      cfg,
      inventory(partition({ dbInstances: ok([dbInstance("queue-db", overrides)]), dbParameters: { "queue-pg16": parameters(values) } })),
    );

const hardened = {
  given: "a private, encrypted instance with IAM auth, a managed password, exported logs, TLS forced and connections logged",
  context: queueDb(),
  resource: "queue-db",
};

export const rdsCases: FamilyCases = {
  "rds-public-access": {
    fail: { given: "PubliclyAccessible: true", context: queueDb({ PubliclyAccessible: true }), resource: "queue-db" },
    pass: hardened,
  },
  "rds-storage-unencrypted": {
    fail: { given: "StorageEncrypted: false", context: queueDb({ StorageEncrypted: false }), resource: "queue-db" },
    pass: hardened,
  },
  "rds-tls-not-enforced": {
    fail: {
      given: "rds.force_ssl = 0 in the instance's parameter group",
      context: queueDb({}, { ...HARDENED, "rds.force_ssl": "0" }),
      resource: "queue-db",
    },
    pass: hardened,
  },
  "rds-iam-auth-disabled": {
    fail: {
      given: "IAMDatabaseAuthenticationEnabled: false",
      context: queueDb({ IAMDatabaseAuthenticationEnabled: false }),
      resource: "queue-db",
    },
    pass: hardened,
  },
  "rds-logs-not-exported": {
    fail: {
      given: "only the upgrade log exported to CloudWatch Logs",
      context: queueDb({ EnabledCloudwatchLogsExports: ["upgrade"] }),
      resource: "queue-db",
    },
    pass: hardened,
  },
  "rds-master-password-unmanaged": {
    fail: {
      given: "a master password RDS does not manage (no MasterUserSecret)",
      context: queueDb({ MasterUserSecret: undefined }),
      resource: "queue-db",
    },
    pass: hardened,
  },
  "rds-connection-logging-off": {
    fail: {
      given: "log_connections = 0 in the instance's parameter group",
      context: queueDb({}, { ...HARDENED, log_connections: "0" }),
      resource: "queue-db",
    },
    pass: hardened,
  },
};
