/**
 * Where triggers the audit account cannot see could change who reaches a queue table, pure
 * over a MysqlCatalog. information_schema.TRIGGERS lists a table's triggers only to an account
 * holding TRIGGER on it, so on tables where the audit account holds none the model sees no
 * trigger, and "no route" there would be a guess. A hidden trigger can only matter where three
 * things meet, all of them in the grant tables the audit account does read:
 *
 * - an account that may define a trigger that fires: it holds TRIGGER on the table (checked when
 *   the trigger fires, not only when it is made);
 * - that account may itself read or write the queue table: the body runs with its privileges
 *   (a read reaches the firer through a SIGNAL's message);
 * - some login account may write a table there, so fire the trigger, and would gain by it.
 *
 * Each such meeting is a risk the checks report as an ERROR (unknown is never compliant),
 * naming the grant that would let the audit account see the triggers instead.
 */
import type { MysqlAccountRef, MysqlDefinerObject } from "../../../probes/mysql/types.js";
import {
  definerHolds,
  definerIds,
  type GrantIndex,
  type GrantScope,
  key,
  type MysqlTableAccess,
  objectGrants,
  PLATFORM_ACCOUNTS,
  unreadable,
} from "./model.js";
import { hasWildcard, likeMatch } from "./patterns.js";
import { statementActions, tablesNamed } from "./sql-text.js";

const WRITES = ["INSERT", "UPDATE", "DELETE"];
/** What a hidden trigger's body could do to the queue table: write it, or read it and SIGNAL what it read. */
const GIVES = ["SELECT", ...WRITES];

export interface HiddenTriggerRisk {
  /** An account that could define a trigger there: it holds TRIGGER on `on` and reads or writes the queue table. */
  definer: string;
  /** Where it holds TRIGGER and the audit account does not: the tables whose triggers are hidden. */
  on: GrantScope;
  /** What such a trigger could do to the queue table: what the definer itself may do there. */
  gives: string[];
  /** Login accounts that may write a table in `on`, with what they would gain on the queue table. */
  accounts: { account: string; gains: string[] }[];
}

export type Scope = Exclude<GrantScope, { kind: "routine" } | { kind: "view" } | { kind: "columns" }>;

/** The scopes on which any of `ids` holds a privilege `wanted` picks. */
export function scopesWith(
  index: GrantIndex,
  ids: readonly MysqlAccountRef[],
  wanted: (privileges: readonly string[]) => boolean,
): Scope[] {
  const out: Scope[] = [];
  for (const id of ids) {
    const k = `${id.user}@${id.host.toLowerCase()}`;
    if (wanted(index.account(id)?.global ?? [])) out.push({ kind: "global" });
    for (const g of index.dbGrantsOf.get(k) ?? []) if (wanted(g.privileges)) out.push({ kind: "database", db: g.db });
    for (const g of index.tableGrantsOf.get(k) ?? []) if (wanted(g.privileges)) out.push({ kind: "table", db: g.db, table: g.table });
    for (const g of index.columnGrantsOf.get(k) ?? []) if (wanted(g.privileges)) out.push({ kind: "table", db: g.db, table: g.table });
  }
  return out;
}

const holdsTrigger = (privileges: readonly string[]) => privileges.includes("TRIGGER");
const writesAny = (privileges: readonly string[]) => privileges.some((p) => WRITES.includes(p));

/** Whether the tables of `inner` are all among those of `outer` (a pattern is read as the names it matches). */
function within(inner: Scope, outer: Scope): boolean {
  if (outer.kind === "global") return true;
  if (inner.kind === "global") return false;
  if (outer.kind === "database") {
    if (inner.kind === "database") return inner.db === outer.db || (!hasWildcard(inner.db) && likeMatch(outer.db, inner.db));
    return likeMatch(outer.db, inner.db);
  }
  return inner.kind === "table" && inner.db === outer.db && inner.table === outer.table;
}

/** Whether some table may be in both (two database patterns: when either matches the other as a name, or they are the same). */
function overlap(a: Scope, b: Scope): boolean {
  // Without case: names read from a routine's text are lower-cased, and erring here only reports more.
  const like = (pattern: string, name: string) => likeMatch(pattern, name, true);
  if (a.kind === "global" || b.kind === "global") return true;
  if (a.kind === "database" && b.kind === "database") return like(a.db, b.db) || like(b.db, a.db);
  if (a.kind === "database") return like(a.db, (b as { db: string }).db);
  if (b.kind === "database") return like(b.db, a.db);
  const t = b as { db: string; table: string };
  return a.db.toLowerCase() === t.db.toLowerCase() && a.table.toLowerCase() === t.table.toLowerCase();
}

/**
 * The DEFINER routines and views through which a user may write tables, and which: the tables
 * their text names (a view whose text is hidden: any table, as elsewhere), and which uses of the
 * object write (EXECUTE of a routine whose statements write; INSERT, UPDATE or DELETE on a view).
 */
function objectWrites(
  objects: readonly MysqlDefinerObject[],
): { object: MysqlDefinerObject; scopes: Scope[]; uses: (privileges: readonly string[]) => boolean }[] {
  const out = [];
  for (const object of objects) {
    if (object.securityType !== "DEFINER") continue;
    const def = object.definition;
    const blind = unreadable(object);
    if (object.kind !== "view" && !blind && !statementActions(def as string).some((a) => WRITES.includes(a.gives))) continue;
    const scopes: Scope[] = blind
      ? [{ kind: "global" }]
      : tablesNamed(def as string, object.db).map((k) => {
          const [db, table] = k.split("\u0000") as [string, string];
          return { kind: "table", db, table };
        });
    out.push({ object, scopes, uses: object.kind === "view" ? writesAny : () => true });
  }
  return out;
}

// Two checks ask about each table: the answer is worked out once per table's access.
const memo = new WeakMap<MysqlTableAccess, HiddenTriggerRisk[]>();

/** Each place a hidden trigger could give a login account more on db.table, or [] when the catalog says no trigger can. */
export function hiddenTriggerRisks(index: GrantIndex, access: MysqlTableAccess): HiddenTriggerRisk[] {
  let risks = memo.get(access);
  if (!risks) {
    risks = risksOf(index, access);
    memo.set(access, risks);
  }
  return risks;
}

function risksOf(index: GrantIndex, access: MysqlTableAccess): HiddenTriggerRisk[] {
  const catalog = index.catalog;
  // A hand-built catalog without triggers read: nothing hidden to judge.
  if (catalog.triggers === undefined) return [];
  const auditor = key(catalog.currentUser);
  // The audit session's roles: its own and those active at login.
  const session = index
    .reach(catalog.currentUser)
    .filter((r) => r.active && r.kind !== "proxy")
    .map((r) => r.id);
  const seen = scopesWith(index, session, holdsTrigger);
  if (seen.some((s) => s.kind === "global")) return [];
  // What each account reaches on the queue by every route the model sees (keys, DEFINER objects,
  // visible triggers): what a firer already holds, and, as a definer, more than it may there (no
  // SET ROLE, no PROXY in definer context), which errs the safe way.
  const principals = new Map(access.principals.map((p) => [p.account, p]));
  const through = objectWrites(catalog.definerObjects);
  const firers = catalog.accounts
    .filter((a) => index.login(a) && !PLATFORM_ACCOUNTS.has(key(a)) && key(a) !== auditor)
    .map((a) => {
      const ids = index.reach(a).map((r) => r.id);
      // Its own writes, and those of the DEFINER routines and views it may use (as their definers).
      const used = through.filter((w) => ids.some((id) => objectGrants(index, id, w.object).some((u) => w.uses(u.privileges))));
      return { account: key(a), writes: [...scopesWith(index, ids, writesAny), ...used.flatMap((w) => w.scopes)] };
    })
    .filter((f) => f.writes.length > 0);
  const out: HiddenTriggerRisk[] = [];
  for (const definer of catalog.accounts) {
    const held = definerHolds(index, definer, access.db, access.table);
    const reached = principals.get(key(definer))?.privileges ?? [];
    const gives = GIVES.filter((p) => held.whole.has(p) || held.columns[p] !== undefined || reached.includes(p));
    if (gives.length === 0) continue;
    const name = key(definer);
    const hidden = dedupe(scopesWith(index, definerIds(index, definer), holdsTrigger).filter((s) => !seen.some((v) => within(s, v))));
    for (const on of hidden) {
      const accounts: HiddenTriggerRisk["accounts"] = [];
      for (const f of firers) {
        if (f.account === name || !f.writes.some((w) => overlap(w, on))) continue;
        const has = principals.get(f.account);
        // Held on the whole table already, it is no gain (held on some columns, the rest is).
        const gains = gives.filter((p) => !has?.privileges.includes(p) || has.columnOnly[p] !== undefined);
        if (gains.length > 0) accounts.push({ account: f.account, gains });
      }
      if (accounts.length > 0) out.push({ definer: name, on, gives, accounts });
    }
  }
  return out;
}

export function dedupe(scopes: Scope[]): Scope[] {
  const byText = new Map(scopes.map((s) => [JSON.stringify(s), s]));
  const unique = [...byText.values()];
  // A table inside a database (or *.*) the same definer holds TRIGGER on says nothing more.
  return unique.filter((s) => !unique.some((o) => o !== s && within(s, o) && !within(o, s)));
}
