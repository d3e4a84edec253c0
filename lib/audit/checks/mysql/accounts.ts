/** Per-account facts the server-level mysql-* checks share: queue access across tables, login. */
import type { MysqlAccount } from "../../probes/mysql/types.js";
import { key } from "./access/model.js";
import type { MysqlView } from "./targets.js";

export interface QueueReach {
  /** DATABASE.TABLE -> privileges. */
  tables: Record<string, string[]>;
  paths: string[];
}

/** What `account` can do to the queue tables, or undefined when nothing. */
export function queueReach(view: MysqlView, account: MysqlAccount): QueueReach | undefined {
  const k = key(account);
  const tables: Record<string, string[]> = {};
  const paths: string[] = [];
  for (const access of view.access.values()) {
    const p = access.principals.find((x) => x.account === k);
    if (!p) continue;
    tables[access.qualified] = p.privileges;
    paths.push(...p.paths.map((x) => x.text));
  }
  return Object.keys(tables).length > 0 ? { tables, paths } : undefined;
}

export function loginAccounts(view: MysqlView): MysqlAccount[] {
  return view.catalog.accounts.filter((a) => view.index.login(a));
}

export const describeReach = (r: QueueReach) =>
  Object.entries(r.tables)
    .map(([t, p]) => `${p.join(", ")} on ${t}`)
    .join("; ");
