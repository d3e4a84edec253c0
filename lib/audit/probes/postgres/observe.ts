/**
 * Reads a PgCatalog through an open connection, inside one read-only transaction so every
 * list describes the same moment. The number of queries is fixed.
 */

import { DEFAULT_ACLS_SQL, MEMBERSHIPS_SQL_16, MEMBERSHIPS_SQL_LEGACY, ROLES_SQL, SCHEMAS_SQL, SERVER_SQL, TABLES_SQL } from "./queries.js";
import type { PgAclItem, PgCatalog, PgDefaultAcl, PgMembership, PgRole, PgSchema, PgSequence, PgTable } from "./types.js";

/** The part of pg.Client the observation uses, so tests and benchmarks can count queries. */
export interface Queryable {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

export interface QualifiedName {
  schema: string;
  name: string;
}

/** `schema.table` of the config (validated there: exactly one '.', no quotes). */
export function splitTableName(qualified: string): QualifiedName {
  const dot = qualified.indexOf(".");
  return { schema: qualified.slice(0, dot), name: qualified.slice(dot + 1) };
}

const num = (v: unknown): number => Number(v);
const numOrUndef = (v: unknown): number | undefined => (v === null || v === undefined ? undefined : Number(v));

function acl(value: unknown): PgAclItem[] {
  return ((value as Record<string, unknown>[] | null) ?? []).map((a) => ({
    grantee: num(a.grantee),
    grantor: num(a.grantor),
    privilege: String(a.privilege),
    grantable: a.grantable === true,
  }));
}

export async function readCatalog(db: Queryable, tables: readonly string[]): Promise<PgCatalog> {
  const requested = tables.map(splitTableName);
  const schemaNames = [...new Set(requested.map((t) => t.schema))];
  await db.query("BEGIN READ ONLY");
  try {
    const server = (await db.query(SERVER_SQL)).rows[0] ?? {};
    const serverVersionNum = num(server.version_num);
    const roles: PgRole[] = (await db.query(ROLES_SQL)).rows.map((r) => ({
      oid: num(r.oid),
      name: String(r.name),
      login: r.login === true,
      superuser: r.superuser === true,
      inherit: r.inherit === true,
      bypassrls: r.bypassrls === true,
      createrole: r.createrole === true,
    }));
    const memberships: PgMembership[] = (await db.query(serverVersionNum >= 160000 ? MEMBERSHIPS_SQL_16 : MEMBERSHIPS_SQL_LEGACY)).rows.map(
      (m) => ({
        member: num(m.member),
        role: num(m.role),
        admin: m.admin === true,
        inherit: m.inherit === true,
        set: m.set === true,
      }),
    );
    const tableRows = (await db.query(TABLES_SQL, [requested.map((t) => t.schema), requested.map((t) => t.name)])).rows;
    const observedTables: PgTable[] = tableRows.map((r) => {
      const found = r.oid !== null && r.oid !== undefined;
      const table: PgTable = {
        schema: String(r.schema_name),
        name: String(r.table_name),
        found,
        acl: acl(r.acl),
        columnAcls: ((r.column_acls as Record<string, unknown>[] | null) ?? []).map((c) => ({
          column: String(c.column),
          acl: acl(c.acl),
        })),
        sequences: ((r.sequences as Record<string, unknown>[] | null) ?? []).map(
          (s): PgSequence => ({
            oid: num(s.oid),
            schema: String(s.schema),
            name: String(s.name),
            owner: num(s.owner),
            column: s.column === null || s.column === undefined ? null : String(s.column),
            acl: acl(s.acl),
          }),
        ),
      };
      if (found) {
        table.oid = num(r.oid);
        table.owner = numOrUndef(r.owner);
        table.relkind = String(r.relkind);
      }
      return table;
    });
    const schemaRows = (await db.query(SCHEMAS_SQL, [schemaNames])).rows;
    const schemas: PgSchema[] = schemaNames.map((name) => {
      const row = schemaRows.find((s) => s.name === name);
      if (!row) return { name, found: false, acl: [] };
      return { name, found: true, oid: num(row.oid), owner: num(row.owner), acl: acl(row.acl) };
    });
    const defaultAcls: PgDefaultAcl[] = (await db.query(DEFAULT_ACLS_SQL, [schemaNames])).rows.map((d) => ({
      role: num(d.role),
      schema: d.schema === null || d.schema === undefined ? null : String(d.schema),
      objectType: String(d.object_type),
      acl: acl(d.acl),
    }));
    return {
      serverVersionNum,
      database: String(server.database),
      currentUser: String(server.current_user),
      roles,
      memberships,
      tables: observedTables,
      schemas,
      defaultAcls,
    };
  } finally {
    // Read-only: nothing to keep, and ROLLBACK also ends a transaction a failed query aborted.
    await db.query("ROLLBACK").catch(() => undefined);
  }
}
