/**
 * Remediation SQL, quoted by MySQL's rules: accounts as string literals ('user'@'host', a
 * quote doubled, a backslash escaped, so the text is right with or without
 * NO_BACKSLASH_ESCAPES) and database, table and column names as backtick identifiers (a
 * backtick doubled). Database patterns keep their wildcards: REVOKE must name the grant as stored.
 */
import type { MysqlAccountRef } from "../../probes/mysql/types.js";
import { type AccessPath, type FirstHop, type GrantScope, rootWayIn } from "./access/model.js";
import { likeMatch } from "./access/patterns.js";

export function literal(text: string): string {
  // A backslash is written as a pattern-free \\ only when the server reads escapes; doubling quotes always works.
  return `'${text.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
}

export function ident(name: string): string {
  return `\`${name.replaceAll("`", "``")}\``;
}

/** 'user'@'host'; a MariaDB role (no host) is named alone; MariaDB's PUBLIC is the keyword. */
export function accountSql(a: MysqlAccountRef): string {
  if (a.user === "PUBLIC" && a.host === "") return "PUBLIC";
  return a.host === "" ? literal(a.user) : `${literal(a.user)}@${literal(a.host)}`;
}

export function onSql(scope: GrantScope): string {
  switch (scope.kind) {
    case "global":
      return "*.*";
    case "database":
      return `${ident(scope.db)}.*`;
    case "table":
    case "columns":
      return `${ident(scope.db)}.${ident(scope.table)}`;
    case "view":
      return `${ident(scope.db)}.${ident(scope.name)}`;
    case "routine":
      return `${scope.type.toUpperCase()} ${ident(scope.db)}.${ident(scope.name)}`;
  }
}

/** REVOKE of `privileges` held at the path's end (by its holder), columns included. */
export function revokeGrant(path: AccessPath, privileges: readonly string[]): string | undefined {
  // Through a foreign key: the privilege on the referenced table is what to take away.
  if (path.wayIn) return revokeGrant(path.wayIn.path, [path.wayIn.privilege]);
  // Through a definer object: the grant that lets the holder use it, where it is granted.
  const use = path.uses;
  if (use) {
    const used = path.scope.kind === "routine" ? use.privileges : privileges.filter((p) => use.privileges.includes(p));
    return revokeGrant({ ...path, scope: use.at, privileges: use.privileges, uses: undefined }, used);
  }
  const scope = path.scope;
  // A routine's grant: EXECUTE to use it, ALTER ROUTINE to replace it.
  if (scope.kind === "routine") {
    const routine = privileges.filter((p) => p === "EXECUTE" || p === "ALTER ROUTINE");
    return `REVOKE ${routine.length > 0 ? routine.join(", ") : "EXECUTE"} ON ${onSql(scope)} FROM ${accountSql(path.holder)};`;
  }
  // At a database or global scope, only what that grant holds can be revoked there (a routine's use: EXECUTE).
  const held = privileges.filter((p) => path.privileges.includes(p));
  if (held.length === 0) return undefined;
  const list =
    scope.kind === "columns" ? held.map((p) => `${p} (${(scope.columns[p] ?? []).map(ident).join(", ")})`).join(", ") : held.join(", ");
  return `REVOKE ${list} ON ${onSql(scope)} FROM ${accountSql(path.holder)};`;
}

/** The statement that cuts `account` off a path at its own first step, or undefined when only a manual change can. */
export function revokeFirstHop(account: MysqlAccountRef, first: FirstHop): string | undefined {
  switch (first.kind) {
    case "role":
      return `REVOKE ${accountSql(first.id)} FROM ${accountSql(account)};`;
    case "proxy":
      return `REVOKE PROXY ON ${accountSql(first.id)} FROM ${accountSql(account)};`;
    default:
      return undefined;
  }
}

/** What removes one account's access by one path: its own edge where there is one, else the grant itself. */
export function cutPath(account: MysqlAccountRef, path: AccessPath): string | undefined {
  if (path.first && (path.first.kind === "role" || path.first.kind === "proxy")) return revokeFirstHop(account, path.first);
  return revokeGrant(path, path.privileges);
}

/** Whether a grant of this scope holds on db.table too. */
function covers(scope: GrantScope, db: string, table: string): boolean {
  if (scope.kind === "global") return true;
  if (scope.kind === "database") return likeMatch(scope.db, db);
  return scope.kind === "table" && scope.db === db && scope.table === table;
}

/**
 * The REVOKE that takes `excess` away along `account`'s path, or undefined when it would also
 * take away a privilege `allowed` on db.table: a path through a foreign key or a trigger that
 * starts from a grant which also gives the allowed privilege on the queue (a global or database
 * grant, or one of the account's own ways into the queue, `queuePaths`: revoking it would break
 * what the policy allows; the key's rule or the trigger, or narrowing the grant, is the change
 * to make). Through PROXY it is the account's own PROXY that is revoked, never the proxied
 * account's grants; through a role others hold too (`shared`), the account's own grant of it.
 */
export function revokeExcess(
  account: MysqlAccountRef,
  path: AccessPath,
  excess: readonly string[],
  allowed: ReadonlySet<string>,
  db: string,
  table: string,
  queuePaths: ReadonlySet<AccessPath> = new Set(),
  shared: (holder: MysqlAccountRef) => boolean = () => false,
): string | undefined {
  const root = rootWayIn(path);
  // The way in is itself how the account uses the queue (a column grant on it, a view over it: a
  // trigger on the queue fired by the allowed INSERT): revoking it would take the allowed use too.
  if (root && allowed.has(root.privilege) && (covers(root.path.uses?.at ?? root.path.scope, db, table) || queuePaths.has(root.path)))
    return undefined;
  // Through PROXY the grant is another login account's own: never taken from it (it may be a
  // policy account); the account's own PROXY is what to cut.
  if (path.kind === "proxy") return path.first?.kind === "proxy" ? revokeFirstHop(account, path.first) : undefined;
  // A role other accounts hold too: revoking from it would take the privilege from them as well
  // (a policy account among them, proven live): the account's own grant of the role is cut.
  if (path.kind === "role" && shared(path.holder)) return path.first?.kind === "role" ? revokeFirstHop(account, path.first) : undefined;
  return revokeGrant(path, excess);
}
