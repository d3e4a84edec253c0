/**
 * What every mysql-* check walks: the configured targets paired with what the probe saw, the
 * resource ids of CONTRACTS.md (MySQL::Table TARGET:DATABASE.TABLE, MySQL::Server TARGET),
 * the policy, and the effective access (computed once per catalog and shared by the checks).
 */
import { type MysqlPolicy, type MysqlQueueTable, mysqlPolicy, mysqlQueueTables } from "../../config/mysql.js";
import type { MysqlTarget } from "../../config/schema.js";
import type { CheckResult, Fix, ObservationError, ResourceRef } from "../../findings/model.js";
import type { MysqlCatalog } from "../../probes/mysql/types.js";
import type { CheckId } from "../ids.js";
import { unobserved } from "../results.js";
import type { AuditContext } from "../types.js";
import { computeMysqlAccess, GrantIndex, type MysqlTableAccess, PLATFORM_ACCOUNTS } from "./access/model.js";

export interface MysqlView {
  target: MysqlTarget;
  policy: MysqlPolicy;
  catalog: MysqlCatalog;
  index: GrantIndex;
  tables: MysqlQueueTable[];
  access: Map<string, MysqlTableAccess>;
}

export type MysqlTargetView =
  | { ok: true; target: MysqlTarget; view: MysqlView }
  | { ok: false; target: MysqlTarget; error: ObservationError };

export const serverRef = (target: string): ResourceRef => ({ type: "MySQL::Server", id: target });
export const mysqlTableRef = (target: string, qualified: string): ResourceRef => ({ type: "MySQL::Table", id: `${target}:${qualified}` });

/** Accounts the policy names: judged by excess/missing privilege, never as unexpected. */
export function inMysqlPolicy(policy: MysqlPolicy, account: string): boolean {
  return policy.admins.has(account) || policy.principals.has(account);
}

export function isPlatformAccount(account: string): boolean {
  return PLATFORM_ACCOUNTS.has(account);
}

const memo = new WeakMap<MysqlCatalog, { index: GrantIndex; access: Map<string, MysqlTableAccess> }>();

export function mysqlViews(ctx: AuditContext): MysqlTargetView[] {
  return ctx.config.mysql.map((target) => {
    const observation = (ctx.observations.mysql ?? []).find((o) => o.target === target.name);
    if (!observation)
      return { ok: false, target, error: { source: `mysql:${target.name}`, reason: `server ${target.name} was not probed` } };
    if (observation.error || !observation.catalog) {
      return {
        ok: false,
        target,
        error: observation.error ?? { source: `mysql:${target.name}`, reason: `server ${target.name} returned no catalog` },
      };
    }
    const catalog = observation.catalog;
    const tables = mysqlQueueTables(target);
    let m = memo.get(catalog);
    if (!m) {
      const index = new GrantIndex(catalog);
      m = {
        index,
        access: computeMysqlAccess(
          catalog,
          tables.map((t) => ({ db: t.database, table: t.table })),
          index,
        ),
      };
      memo.set(catalog, m);
    }
    return { ok: true, target, view: { target, policy: mysqlPolicy(target), catalog, index: m.index, tables, access: m.access } };
  });
}

export interface MysqlTableUnderAudit {
  view: MysqlView;
  table: MysqlQueueTable;
  access: MysqlTableAccess;
  resource: ResourceRef;
}

export function tableMissing(target: MysqlTarget, qualified: string): ObservationError {
  return {
    source: `mysql:${target.name}`,
    reason: `table ${qualified} does not exist (or the audit account cannot see it: it needs SHOW VIEW on *.*)`,
    code: "ER_NO_SUCH_TABLE",
  };
}

/** Calls `judge` for each configured table that was observed; ERROR results for the rest. */
export function eachMysqlTable(
  ctx: AuditContext,
  checkId: CheckId,
  what: string,
  judge: (t: MysqlTableUnderAudit) => CheckResult[],
): CheckResult[] {
  const out: CheckResult[] = [];
  for (const v of mysqlViews(ctx)) {
    for (const table of mysqlQueueTables(v.target)) {
      const resource = mysqlTableRef(v.target.name, table.qualified);
      if (!v.ok) {
        out.push(unobserved(checkId, resource, v.error, `${what} of ${table.qualified}`));
        continue;
      }
      const found = v.view.catalog.tables.some((t) => t.db === table.database && t.table === table.table);
      const access = v.view.access.get(table.qualified);
      if (!found || !access) {
        out.push(unobserved(checkId, resource, tableMissing(v.target, table.qualified), `${what} of ${table.qualified}`));
        continue;
      }
      out.push(...judge({ view: v.view, table, access, resource }));
    }
  }
  return out;
}

export function eachMysqlServer(
  ctx: AuditContext,
  checkId: CheckId,
  what: string,
  judge: (view: MysqlView, resource: ResourceRef) => CheckResult[],
): CheckResult[] {
  return mysqlViews(ctx).flatMap((v) => {
    const resource = serverRef(v.target.name);
    return v.ok ? judge(v.view, resource) : [unobserved(checkId, resource, v.error, `${what} of ${v.target.name}`)];
  });
}

export function sqlFix(text: string, commands: readonly (string | undefined)[]): Fix {
  const list = [...new Set(commands.filter((c): c is string => c !== undefined))];
  return list.length > 0
    ? { text, commands: list, kind: "sql" }
    : { text: `${text} (no single statement does it: see the evidence's paths)`, commands: [], kind: "manual" };
}

/** Payload columns a set of privileges can write: every one for table-wide INSERT/UPDATE, else the granted columns. */
export function payloadWrites(table: MysqlQueueTable, privileges: readonly string[], columnOnly: Record<string, string[]>): string[] {
  if (table.payloadColumns.length === 0) return [];
  const hit = new Set<string>();
  for (const p of ["INSERT", "UPDATE"]) {
    if (!privileges.includes(p)) continue;
    const cols = columnOnly[p];
    for (const c of table.payloadColumns) if (!cols || cols.includes(c)) hit.add(c);
  }
  return [...hit];
}

export function payloadNote(table: MysqlQueueTable, columns: readonly string[]): string {
  return columns.length > 0
    ? ` Write access to ${table.qualified}.${columns.join(", ")} is code execution on the workers: they run what that column names.`
    : "";
}
