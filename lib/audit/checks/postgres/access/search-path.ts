/**
 * Whether a SECURITY DEFINER function's search_path is pinned safely, following the
 * PostgreSQL documentation ("Writing SECURITY DEFINER Functions Safely", CREATE FUNCTION):
 * set it with `SET search_path`, exclude every schema writable by untrusted users, and put
 * `pg_temp` last (when it is not listed PostgreSQL searches it first for relations).
 */
import { type PgCatalog, type PgFunction, type PgSchema, PUBLIC_OID } from "../../../probes/postgres/types.js";
import type { RoleGraph } from "./role-graph.js";

/** `search_path` as PostgreSQL splits it: comma-separated, each entry possibly double-quoted. */
export function parseSearchPath(value: string): string[] {
  const out: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c === '"') {
      if (quoted && value[i + 1] === '"') {
        current += '"';
        i++;
      } else quoted = !quoted;
    } else if (c === "," && !quoted) {
      out.push(current.trim());
      current = "";
    } else current += c;
  }
  out.push(current.trim());
  return out.filter((e) => e !== "");
}

/** The function's own `SET search_path` (proconfig), or undefined when it has none. */
export function pinnedSearchPath(fn: Pick<PgFunction, "config">): string[] | undefined {
  const entry = fn.config.find((c) => c.toLowerCase().startsWith("search_path="));
  return entry === undefined ? undefined : parseSearchPath(entry.slice("search_path=".length));
}

/**
 * Roles other than `owner` that can create objects in the schema (its owner, CREATE
 * grantees, PUBLIC). A schema owned by pg_database_owner is the database owner's.
 */
function creatorsBesides(schema: PgSchema, owner: number, graph: RoleGraph, databaseOwner: number | undefined): string[] {
  const creators = new Set<string>();
  const schemaOwner = schema.owner !== undefined && graph.name(schema.owner) === "pg_database_owner" ? databaseOwner : schema.owner;
  if (schemaOwner !== undefined && schemaOwner !== owner && !graph.byOid.get(schemaOwner)?.superuser) {
    creators.add(graph.name(schemaOwner));
  }
  for (const item of schema.acl) {
    if (item.privilege !== "CREATE" || item.grantee === owner) continue;
    if (item.grantee !== PUBLIC_OID && graph.byOid.get(item.grantee)?.superuser) continue;
    creators.add(graph.name(item.grantee));
  }
  return [...creators];
}

/**
 * Why the function's search_path lets others put objects in its way, or undefined when it
 * is pinned safely. Only meaningful for SECURITY DEFINER functions.
 */
export function unsafeSearchPath(
  fn: PgFunction,
  catalog: Pick<PgCatalog, "namespaces" | "databaseOwner">,
  graph: RoleGraph,
): string | undefined {
  const path = pinnedSearchPath(fn);
  if (!path) return "search_path not pinned (no SET search_path): it is the caller's";
  const ownerName = graph.name(fn.owner);
  const entries = path.map((e) => (e === "$user" ? ownerName : e));
  const temp = entries.indexOf("pg_temp");
  if (temp === -1)
    return `search_path ${path.join(", ")} does not list pg_temp last (PostgreSQL then searches the caller's temporary schema first)`;
  if (temp !== entries.length - 1) return `search_path ${path.join(", ")} puts pg_temp before ${entries.slice(temp + 1).join(", ")}`;
  for (const name of entries) {
    if (name === "pg_temp" || name === "pg_catalog") continue;
    const schema = catalog.namespaces?.find((s) => s.name === name);
    if (!schema) continue;
    const creators = creatorsBesides(schema, fn.owner, graph, catalog.databaseOwner);
    if (creators.length > 0)
      return `search_path ${path.join(", ")} includes schema ${name}, where ${creators.join(", ")} can create objects`;
  }
  return undefined;
}
