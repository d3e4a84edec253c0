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
  return reachByAccount(view).get(key(account));
}

const memo = new WeakMap<MysqlView["access"], Map<string, QueueReach>>();

/** Every account's reach over all queue tables, built once per observed catalog. */
function reachByAccount(view: MysqlView): Map<string, QueueReach> {
  let byAccount = memo.get(view.access);
  if (byAccount) return byAccount;
  byAccount = new Map();
  for (const access of view.access.values()) {
    for (const p of access.principals) {
      let r = byAccount.get(p.account);
      if (!r) {
        r = { tables: {}, paths: [] };
        byAccount.set(p.account, r);
      }
      r.tables[access.qualified] = p.privileges;
      r.paths.push(...p.paths.map((x) => x.text));
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
