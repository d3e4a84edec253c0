/**
 * Helpers of the live route tests that attack as login roles (inheritance.test.ts,
 * descendants.test.ts, cycles.test.ts): the attackers' roles, the audit of the tables they
 * attack, the teardown, and a partition left detach-pending.
 */
import { expect } from "vitest";
import type { AuditContext } from "../../lib/audit/checks/types.js";
import { probePostgres } from "../../lib/audit/probes/postgres/index.js";
import { config, context } from "./builders.js";
import type { PgFixture } from "./pgFixture.js";
import { adminClient, inSession, type PgServer } from "./pgServers.js";

const q = (ident: string) => `"${ident.replace(/"/g, '""')}"`;

/** Creates each role with LOGIN and the password (bound through quote_literal, never spliced raw). */
export async function createLoginRoles(server: PgServer, roles: readonly string[], password: string): Promise<void> {
  await inSession(adminClient(server), async (admin) => {
    const literal = (await admin.query<{ q: string }>("SELECT quote_literal($1) AS q", [password])).rows[0]?.q;
    for (const r of roles) await admin.query(`CREATE ROLE ${q(r)} LOGIN PASSWORD ${literal}`);
  });
}

export async function dropRoles(server: PgServer, roles: readonly string[]): Promise<void> {
  await inSession(adminClient(server), async (admin) => {
    for (const r of roles) await admin.query(`DROP ROLE IF EXISTS ${q(r)}`);
  });
}

/** Probes the tables as the fixture's CONNECT-only audit role, expecting no principal: what the checks are given. */
export async function auditTables(fx: PgFixture, tables: string[]): Promise<AuditContext> {
  const target = fx.target({ tables, principals: {} });
  const observations = await probePostgres([target], { credentials: { env: fx.env } });
  return context(config({ postgres: [target] }), undefined, { postgres: observations });
}

/** Drops the fixture's database and the test's own roles, then stops the server. */
export async function tearDown(server: PgServer | undefined, fx: PgFixture | undefined, roles: readonly string[]): Promise<void> {
  if (!server) return;
  await fx?.drop();
  await dropRoles(server, roles);
  await server.stop();
}

/**
 * DETACH PARTITION CONCURRENTLY marks the partition detach-pending, then waits for older
 * snapshots: cancelled while it waits (as an operator's timeout would), it stays so.
 * `parent` and `partition` are qualified names the test wrote itself.
 */
export async function leaveDetachPending(server: PgServer, database: string | undefined, parent: string, partition: string): Promise<void> {
  const holder = adminClient(server, database);
  const detacher = adminClient(server, database);
  await holder.connect();
  await detacher.connect();
  try {
    await holder.query("BEGIN ISOLATION LEVEL REPEATABLE READ");
    await holder.query(`SELECT count(*) FROM ${parent}`);
    const pid = (await detacher.query("SELECT pg_backend_pid() AS pid")).rows[0].pid as number;
    const detaching = detacher.query(`ALTER TABLE ${parent} DETACH PARTITION ${partition} CONCURRENTLY`).catch((e: Error) => e);
    const pending = () =>
      inSession(
        adminClient(server, database),
        async (c) =>
          (await c.query("SELECT inhdetachpending FROM pg_inherits WHERE inhrelid = $1::regclass", [partition])).rows[0]
            ?.inhdetachpending === true,
      );
    for (let i = 0; i < 100 && !(await pending()); i++) await new Promise((r) => setTimeout(r, 50));
    await inSession(adminClient(server, database), (c) => c.query("SELECT pg_cancel_backend($1)", [pid]));
    expect(await detaching).toMatchObject({ code: "57014" });
    expect(await pending()).toBe(true);
    await holder.query("COMMIT");
  } finally {
    await holder.end();
    await detacher.end();
  }
}
