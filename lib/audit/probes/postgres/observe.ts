/**
 * Reads a PgCatalog through an open connection, inside one read-only transaction so every
 * list describes the same moment. The number of queries is fixed.
 */

import {
  DEFAULT_ACLS_SQL,
  EXPRESSION_CALLS_SQL,
  functionsSql,
  MEMBERSHIPS_SQL_16,
  MEMBERSHIPS_SQL_LEGACY,
  ROLES_SQL,
  relationsSql,
  SCHEMAS_SQL,
  SERVER_SQL,
  TABLES_SQL,
  TRIGGERS_SQL,
} from "./queries.js";
import type {
  PgAclItem,
  PgCatalog,
  PgDefaultAcl,
  PgEventTrigger,
  PgExpressionCall,
  PgForeignKey,
  PgFunction,
  PgMembership,
  PgRelation,
  PgRole,
  PgRule,
  PgSchema,
  PgSequence,
  PgTable,
  PgTrigger,
} from "./types.js";
import { onlyRelations, viewBaseRelation } from "./view-base.js";

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

const nums = (v: unknown): number[] => ((v as unknown[] | null) ?? []).map(num);
const texts = (v: unknown): string[] => ((v as unknown[] | null) ?? []).map(String);

/** `pg_relation_is_updatable`'s bitmask: 1 << CmdType (UPDATE 2, INSERT 3, DELETE 4). */
function updatableEvents(mask: number): string[] {
  return [...(mask & (1 << 3) ? ["INSERT"] : []), ...(mask & (1 << 2) ? ["UPDATE"] : []), ...(mask & (1 << 4) ? ["DELETE"] : [])];
}

/** A boolean reloption as PostgreSQL parses it (parse_bool: on, true, yes, 1 and their prefixes). */
function reloptionOn(options: readonly string[], name: string): boolean {
  const entry = options.find((o) => o.toLowerCase().startsWith(`${name}=`));
  const value = entry?.slice(name.length + 1).toLowerCase() ?? "";
  return ["on", "true", "yes", "1", "t", "y", "tr", "tru", "ye"].includes(value);
}

const RULE_EVENTS: Record<string, string> = { "2": "UPDATE", "3": "INSERT", "4": "DELETE" };

function parentsOf(parents: number[]): { parents?: number[] } {
  return parents.length > 0 ? { parents } : {};
}

/** tgtype bits (trigger.h): ROW 1, BEFORE 2, INSERT 4, DELETE 8, UPDATE 16, TRUNCATE 32, INSTEAD 64. */
function trigger(r: Record<string, unknown>): PgTrigger {
  const type = num(r.type);
  return {
    name: String(r.name),
    relation: num(r.relation),
    function: num(r.function),
    events: [
      ...(type & 4 ? ["INSERT"] : []),
      ...(type & 16 ? ["UPDATE"] : []),
      ...(type & 8 ? ["DELETE"] : []),
      ...(type & 32 ? ["TRUNCATE"] : []),
    ],
    timing: type & 64 ? "INSTEAD OF" : type & 2 ? "BEFORE" : "AFTER",
    level: type & 1 ? "ROW" : "STATEMENT",
    enabled: firesInEverySession(r.enabled),
    cloned: r.cloned === true,
    ...(r.conditional === true ? { conditional: true } : {}),
    columns: texts(r.columns),
    ...(typeof r.schema === "string" && typeof r.table_name === "string" ? { schema: r.schema, table: r.table_name } : {}),
    ...(Array.isArray(r.ancestors) && r.ancestors.length > 0 ? { ancestors: ancestorsOf(r.ancestors) } : {}),
  };
}

/** What a view's stored query says (when the probe sent it): the relation it writes, those it reads with ONLY. */
function viewQueryFacts(query: unknown, reads: number[], updatable: number): Pick<PgRelation, "base" | "onlyReads"> {
  if (typeof query !== "string") return {};
  const only = onlyRelations(query).filter((r) => reads.includes(r));
  return {
    ...(updatable !== 0 && reads.length > 1 ? { base: viewBaseRelation(query) ?? "unread" } : {}),
    ...(only.length > 0 ? { onlyReads: only } : {}),
  };
}

/** A relation's ancestors as the probe's json lists them. */
function ancestorsOf(rows: unknown[]): NonNullable<PgTrigger["ancestors"]> {
  return (rows as Record<string, unknown>[]).map((a) => ({
    ...(a.oid === undefined || a.oid === null ? {} : { oid: num(a.oid) }),
    schema: String(a.schema),
    name: String(a.name),
    partitioned: a.partitioned === true,
  }));
}

const EXPRESSION_KINDS = new Set<PgExpressionCall["kind"]>([
  "default",
  "domain default",
  "generated column",
  "check",
  "domain check",
  "range type",
  "index",
  "statistics",
  "trigger condition",
  "rule",
  "policy",
]);

/**
 * A row of EXPRESSION_CALLS_SQL. A kind this code does not know cannot be judged: it fails
 * the observation (an ERROR for the database), never a silent pass.
 */
export function expressionCall(r: Record<string, unknown>): PgExpressionCall {
  const kind = String(r.kind) as PgExpressionCall["kind"];
  if (!EXPRESSION_KINDS.has(kind))
    throw new Error(
      `stored-expression query: unknown kind ${JSON.stringify(r.kind)} (expected one of ${[...EXPRESSION_KINDS].join(", ")})`,
    );
  return {
    relation: num(r.relation),
    kind,
    name: String(r.name),
    ...(r.command === null || r.command === undefined ? {} : { command: String(r.command) }),
    function: num(r.function),
    ...(typeof r.schema === "string" ? { schema: r.schema } : {}),
    ...(typeof r.table_name === "string" ? { table: r.table_name } : {}),
    ...(r.table_owner === null || r.table_owner === undefined ? {} : { tableOwner: num(r.table_owner) }),
    ...(typeof r.forced === "boolean" ? { forced: r.forced } : {}),
    ...(Array.isArray(r.roles) ? { roles: r.roles.map(num) } : {}),
    ...(r.check_only === true ? { checkOnly: true } : {}),
    ...(Array.isArray(r.ancestors) && r.ancestors.length > 0 ? { ancestors: ancestorsOf(r.ancestors) } : {}),
  };
}

/**
 * `tgenabled` / `evtenabled`: O (origin, the default) and A (always) fire in every session;
 * D never; R only where session_replication_role is replica, which an ordinary role cannot
 * set (superusers, roles granted SET on it, and logical replication's apply worker can).
 */
function firesInEverySession(enabled: unknown): boolean {
  return enabled === "O" || enabled === "A";
}

function eventTriggersOf(value: unknown): { eventTriggers?: PgEventTrigger[] } {
  const rows = (value as Record<string, unknown>[] | null) ?? [];
  if (rows.length === 0) return {};
  return {
    eventTriggers: rows.map((e) => ({
      name: String(e.name),
      event: String(e.event),
      enabled: firesInEverySession(e.enabled),
    })),
  };
}

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
      replication: r.replication === true,
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
        columns: texts(r.columns),
        rowSecurity: r.row_security === true,
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
    const namespaces: PgSchema[] = (await db.query(SCHEMAS_SQL, [schemaNames])).rows.map((row) => ({
      name: String(row.name),
      found: true,
      oid: num(row.oid),
      owner: num(row.owner),
      acl: acl(row.acl),
    }));
    const schemas: PgSchema[] = schemaNames.map((name) => namespaces.find((s) => s.name === name) ?? { name, found: false, acl: [] });
    const defaultAcls: PgDefaultAcl[] = (await db.query(DEFAULT_ACLS_SQL, [schemaNames])).rows.map((d) => ({
      role: num(d.role),
      schema: d.schema === null || d.schema === undefined ? null : String(d.schema),
      objectType: String(d.object_type),
      acl: acl(d.acl),
    }));
    const tableParams = [requested.map((t) => t.schema), requested.map((t) => t.name)];
    const relations: PgRelation[] = [];
    const rules: PgRule[] = [];
    const foreignKeys: PgForeignKey[] = [];
    for (const r of (await db.query(relationsSql(serverVersionNum), tableParams)).rows) {
      const oid = num(r.oid);
      const options = texts(r.options);
      relations.push({
        oid,
        schema: String(r.schema),
        name: String(r.name),
        relkind: String(r.relkind),
        owner: num(r.owner),
        acl: acl(r.acl),
        securityInvoker: reloptionOn(options, "security_invoker"),
        ...(options.some((o) => o.startsWith("check_option=")) ? { checkOption: true } : {}),
        updatable: updatableEvents(num(r.updatable)),
        reads: nums(r.reads),
        ...viewQueryFacts(r.view_query, nums(r.reads), num(r.updatable)),
        columnAcls: ((r.column_acls as Record<string, unknown>[] | null) ?? []).map((c) => ({ column: String(c.column), acl: acl(c.acl) })),
        ...parentsOf(nums(r.parents)),
      });
      for (const rule of (r.rules as Record<string, unknown>[] | null) ?? []) {
        rules.push({
          oid: num(rule.oid),
          name: String(rule.name),
          relation: oid,
          event: RULE_EVENTS[String(rule.event)] ?? String(rule.event),
          instead: rule.instead === true,
          ...(rule.conditional === true ? { conditional: true } : {}),
          references: nums(rule.references),
          definition: String(rule.definition ?? ""),
        });
      }
      for (const fk of (r.foreign_keys as Record<string, unknown>[] | null) ?? []) {
        foreignKeys.push({
          oid: num(fk.oid),
          name: String(fk.name),
          relation: oid,
          references: num(fk.references),
          onDelete: String(fk.on_delete),
          onUpdate: String(fk.on_update),
          columns: texts(fk.columns),
          referencedColumns: texts(fk.referenced_columns),
          deleteSets: texts(fk.delete_sets),
          deleteFires: fk.delete_fires === true,
          updateFires: fk.update_fires === true,
          defaultCalls: nums(fk.default_calls),
        });
      }
    }
    const functions: PgFunction[] = (await db.query(functionsSql(serverVersionNum), tableParams)).rows.map((f) => ({
      oid: num(f.oid),
      schema: String(f.schema),
      name: String(f.name),
      args: String(f.args ?? ""),
      kind: String(f.kind),
      owner: num(f.owner),
      securityDefiner: f.security_definer === true,
      trigger: f.trigger === true,
      acl: acl(f.acl),
      config: texts(f.config),
      language: String(f.language),
      body: String(f.body ?? ""),
      sqlStandardBody: f.sql_standard === true,
      references: nums(f.references),
      calls: nums(f.calls),
      ...eventTriggersOf(f.event_triggers),
    }));
    const triggers = (await db.query(TRIGGERS_SQL, tableParams)).rows.map(trigger);
    const expressionCalls = (await db.query(EXPRESSION_CALLS_SQL)).rows.map(expressionCall);
    return {
      serverVersionNum,
      database: String(server.database),
      currentUser: String(server.current_user),
      roles,
      memberships,
      tables: observedTables,
      schemas,
      defaultAcls,
      ...(server.database_owner === null || server.database_owner === undefined ? {} : { databaseOwner: num(server.database_owner) }),
      namespaces,
      relations,
      rules,
      foreignKeys,
      functions,
      triggers,
      expressionCalls,
    };
  } finally {
    // Read-only: nothing to keep, and ROLLBACK also ends a transaction a failed query aborted.
    await db.query("ROLLBACK").catch(() => undefined);
  }
}
