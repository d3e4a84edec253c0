/**
 * A live test database's life: made with its roles and a CONNECT-only audit role, audited as
 * that role (the probe, then every PostgreSQL check, as a user's run makes them: the password
 * from an environment variable the audit reads), then dropped with its roles.
 */
import { postgresChecks } from "../../lib/audit/checks/postgres/index.js";
import type { PostgresTarget } from "../../lib/audit/config/schema.js";
import type { CheckResult } from "../../lib/audit/findings/model.js";
import { probePostgres } from "../../lib/audit/probes/postgres/index.js";
import { config, context } from "./builders.js";
import { auditRoleSql } from "./pgFixture.js";
import { createLoginRoles, dropRoles } from "./pgInheritance.js";
import { adminClient, inSession, type PgServer } from "./pgServers.js";

export interface LiveAudit {
  /** The target's name in the config and findings. */
  name: string;
  database: string;
  /** The audit role and its password. */
  auditor: string;
  password: string;
  /** The queue's owner and the policy's principals. */
  owner: string;
  principals: PostgresTarget["principals"];
  tables?: string[];
}

/** The checks' verdicts over one probe of the live database. */
export async function auditLive(server: PgServer, audit: LiveAudit): Promise<CheckResult[]> {
  const envName = `QA_LIVE_PG_PW_${audit.name.replace(/[^A-Za-z0-9]/g, "_").toUpperCase()}`;
  const target: PostgresTarget = {
    name: audit.name,
    connection: {
      host: server.host,
      port: server.port,
      database: audit.database,
      user: audit.auditor,
      password: { env: envName },
      tls: "disable",
      connectTimeoutSeconds: 5,
      statementTimeoutSeconds: 10,
    },
    tables: audit.tables ?? ["public.delayed_jobs"],
    owner: audit.owner,
    admins: [server.adminUser],
    principals: audit.principals,
  };
  const observations = await probePostgres([target], { credentials: { env: { [envName]: audit.password } } });
  const ctx = context(config({ postgres: [target] }), undefined, { postgres: observations });
  return postgresChecks.flatMap((c) => c.evaluate(ctx));
}

const quoted = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/** A throwaway database with its login roles and the CONNECT-only audit role (`auditor`, not among `logins`). */
export async function openLiveDatabase(
  server: PgServer,
  database: string,
  logins: string[],
  auditor: string,
  password: string,
): Promise<void> {
  await createLoginRoles(server, logins, password);
  await inSession(adminClient(server), async (c) => {
    await c.query(`CREATE DATABASE ${quoted(database)}`);
    for (const sql of auditRoleSql(auditor, password, database)) await c.query(sql);
  });
}

/** Drops the database and every role it made, and stops the server (an embedded one). */
export async function closeLiveDatabase(server: PgServer, database: string, roles: string[]): Promise<void> {
  await inSession(adminClient(server), (c) => c.query(`DROP DATABASE IF EXISTS ${quoted(database)} WITH (FORCE)`));
  await dropRoles(server, roles);
  await server.stop();
}
