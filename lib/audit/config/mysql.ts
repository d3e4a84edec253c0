/**
 * What a `mysql[]` target audits, derived from its config: the tables (listed, and those of
 * its `queue` preset in its `database`), their payload columns, and the policy's accounts.
 */
import { TABLE_PRESETS } from "./presets.js";
import type { MysqlPrivilege, MysqlTarget } from "./schema.js";

export interface MysqlAccountName {
  user: string;
  host: string;
}

/** USER@HOST split at the last '@' (host names and patterns never hold one). */
export function parseAccount(text: string): MysqlAccountName {
  const at = text.lastIndexOf("@");
  return { user: text.slice(0, at), host: text.slice(at + 1) };
}

export function accountText(a: MysqlAccountName): string {
  return `${a.user}@${a.host}`;
}

export interface MysqlQueueTable {
  database: string;
  table: string;
  /** `DATABASE.TABLE`. */
  qualified: string;
  /** Columns naming the code a worker runs (from the preset); write access to them is code execution. */
  payloadColumns: readonly string[];
}

/** The target's tables in config order: `tables` first, then the preset's, each once. */
export function mysqlQueueTables(target: Pick<MysqlTarget, "tables" | "queue" | "database">): MysqlQueueTable[] {
  const out = new Map<string, MysqlQueueTable>();
  const payload = new Map<string, readonly string[]>();
  for (const preset of Object.values(TABLE_PRESETS)) {
    for (const [table, columns] of Object.entries(preset.payloadColumns)) payload.set(table, columns);
  }
  const add = (database: string, table: string) => {
    const qualified = `${database}.${table}`;
    if (!out.has(qualified)) out.set(qualified, { database, table, qualified, payloadColumns: payload.get(table) ?? [] });
  };
  for (const t of target.tables) {
    const dot = t.indexOf(".");
    add(t.slice(0, dot), t.slice(dot + 1));
  }
  if (target.queue && target.database) for (const table of TABLE_PRESETS[target.queue].tables) add(target.database, table);
  return [...out.values()];
}

export interface MysqlPolicy {
  /** USER@HOST -> allowed privileges. */
  principals: ReadonlyMap<string, ReadonlySet<MysqlPrivilege>>;
  admins: ReadonlySet<string>;
}

export function mysqlPolicy(target: Pick<MysqlTarget, "principals" | "admins">): MysqlPolicy {
  return {
    principals: new Map(
      Object.entries(target.principals).map(([account, allowance]) => [
        account,
        new Set(Array.isArray(allowance) ? allowance : allowance.allow),
      ]),
    ),
    admins: new Set(target.admins.map((a) => (typeof a === "string" ? a : a.name))),
  };
}
