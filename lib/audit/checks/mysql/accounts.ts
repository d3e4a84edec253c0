/** Per-account facts the server-level mysql-* checks share: queue access across tables, login. */
import type { MysqlAccount } from "../../probes/mysql/types.js";
import { type AccountAccess, key } from "./access/model.js";
import type { MysqlView } from "./targets.js";

export interface QueueReach {
  /** DATABASE.TABLE -> privileges. */
  tables: Record<string, string[]>;
  paths: string[];
}

/** What `account` can do to the queue tables, or undefined when nothing. */
export function queueReach(view: MysqlView, account: MysqlAccount): QueueReach | undefined {
  return reachByAccount(view).get(key(account));
}

const memo = new WeakMap<MysqlView["access"], Map<string, QueueReach>>();

/**
 * What an account holds on a queue table as queue access: all of it, but for the audit
 * account's TRIGGER, which docs/mysql.md grants it so that it sees the triggers (the only
 * privilege that shows them), and which reads and writes no row.
 */
export function queuePrivileges(view: MysqlView, p: AccountAccess): string[] {
  return p.account === key(view.catalog.currentUser) ? p.privileges.filter((x) => x !== "TRIGGER") : p.privileges;
}

/** Every account's reach over all queue tables, built once per observed catalog. */
function reachByAccount(view: MysqlView): Map<string, QueueReach> {
  let byAccount = memo.get(view.access);
  if (byAccount) return byAccount;
  byAccount = new Map();
  for (const access of view.access.values()) {
    for (const p of access.principals) {
      const privileges = queuePrivileges(view, p);
      if (privileges.length === 0) continue;
      let r = byAccount.get(p.account);
      if (!r) {
        r = { tables: {}, paths: [] };
        byAccount.set(p.account, r);
      }
      r.tables[access.qualified] = privileges;
      r.paths.push(...p.paths.filter((x) => x.privileges.some((y) => privileges.includes(y))).map((x) => x.text));
    }
  }
  memo.set(view.access, byAccount);
  return byAccount;
}

export function loginAccounts(view: MysqlView): MysqlAccount[] {
  return view.catalog.accounts.filter((a) => view.index.login(a));
}

export const describeReach = (r: QueueReach) =>
  Object.entries(r.tables)
    .map(([t, p]) => `${p.join(", ")} on ${t}`)
    .join("; ");
