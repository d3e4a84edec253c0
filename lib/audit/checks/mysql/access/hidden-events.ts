/**
 * Where scheduled events the audit account cannot read could change who reaches a queue
 * table, pure over a MysqlCatalog. An event runs its body as its definer on a schedule, with
 * nobody logged in; whoever may replace a routine it calls, or create a procedure it calls that
 * does not exist, runs a body of their own as that definer at the next run (access/model.ts
 * follows this for the events it reads). Where the events cannot be read, "no route" would be a
 * guess. Such a route needs two things, both in the grant tables the audit account does read:
 *
 * - an account that may be an event's definer: it holds EVENT on a database (the server checks
 *   it at every run) and may itself read or write the queue table;
 * - a login account that may create or change routines somewhere (CREATE ROUTINE creates a
 *   missing one; ALTER ROUTINE, with it, replaces one, and alone makes a DEFINER one SQL
 *   SECURITY INVOKER) and would gain by it.
 *
 * Each such meeting is a risk the checks report as an ERROR (unknown is never compliant),
 * naming the grant that would let the audit account read the events instead.
 */

import { dedupe, type Scope, scopesWith } from "./hidden-triggers.js";
import { definerHolds, definerIds, type GrantIndex, hostKey, key, type MysqlTableAccess, PLATFORM_ACCOUNTS } from "./model.js";

/** What an event's body could do to the queue table: write it, or read it (and write what it read elsewhere). */
const GIVES = ["SELECT", "INSERT", "UPDATE", "DELETE"];

export interface HiddenEventRisk {
  /** An account that may be an event's definer: it holds EVENT on `on` and reads or writes the queue table. */
  definer: string;
  /** Where it holds EVENT: where such an event may be. */
  on: Scope[];
  /** What such an event could do to the queue table: what the definer itself may do there. */
  gives: string[];
  /** Login accounts that may create or change routines, with what they would gain on the queue table. */
  accounts: { account: string; gains: string[] }[];
}

const holdsEvent = (privileges: readonly string[]) => privileges.includes("EVENT");
const changesRoutines = (privileges: readonly string[]) => privileges.includes("CREATE ROUTINE") || privileges.includes("ALTER ROUTINE");

// Two checks ask about each table: the answer is worked out once per table's access.
const memo = new WeakMap<MysqlTableAccess, HiddenEventRisk[]>();

/** Each event definer whose hidden events could give a login account more on db.table, or [] when none could. */
export function hiddenEventRisks(index: GrantIndex, access: MysqlTableAccess): HiddenEventRisk[] {
  let risks = memo.get(access);
  if (!risks) {
    risks = risksOf(index, access);
    memo.set(access, risks);
  }
  return risks;
}

function risksOf(index: GrantIndex, access: MysqlTableAccess): HiddenEventRisk[] {
  const catalog = index.catalog;
  // Read, or a hand-built catalog without events: nothing hidden. A DISABLED scheduler runs none.
  if (catalog.events !== "unreadable" || catalog.eventScheduler === "DISABLED") return [];
  const auditor = key(catalog.currentUser);
  const principals = new Map(access.principals.map((p) => [p.account, p]));
  const replacers = catalog.accounts
    .filter((a) => index.login(a) && !PLATFORM_ACCOUNTS.has(key(a)) && key(a) !== auditor)
    .filter((a) => {
      const ids = index.reach(a).map((r) => r.id);
      return (
        scopesWith(index, ids, changesRoutines).length > 0 ||
        ids.some((id) => (index.routineGrantsOf.get(hostKey(id)) ?? []).some((g) => changesRoutines(g.privileges)))
      );
    })
    .map(key);
  const out: HiddenEventRisk[] = [];
  for (const definer of catalog.accounts) {
    const on = dedupe(scopesWith(index, definerIds(index, definer), holdsEvent));
    if (on.length === 0) continue;
    const held = definerHolds(index, definer, access.db, access.table);
    const reached = principals.get(key(definer))?.privileges ?? [];
    const gives = GIVES.filter((p) => held.whole.has(p) || held.columns[p] !== undefined || reached.includes(p));
    const name = key(definer);
    const accounts: HiddenEventRisk["accounts"] = [];
    for (const account of replacers) {
      if (account === name) continue;
      const has = principals.get(account);
      // Held on the whole table already, it is no gain (held on some columns, the rest is).
      const gains = gives.filter((p) => !has?.privileges.includes(p) || has.columnOnly[p] !== undefined);
      if (gains.length > 0) accounts.push({ account, gains });
    }
    if (accounts.length > 0) out.push({ definer: name, on, gives, accounts });
  }
  return out;
}
