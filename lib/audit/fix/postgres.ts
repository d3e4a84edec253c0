/**
 * Fixes for the pg-* checks: the statements that cut each access path the finding's
 * evidence names, computed again from the probe's catalog (the same memoized analysis the
 * checks use), with every identifier quoted by quote_ident's rules.
 *
 * Where a path is cut decides who else loses access. A grant is revoked at its holder when
 * no role of the policy reaches that holder; otherwise only the principal's own first
 * membership is cut. A policy principal is first granted directly what it is allowed and
 * holds, so revoking a shared path never locks it out; the policy's owner and admins are
 * never altered.
 */
import type { AccessPath, ObjectAccess, TableAccess } from "../checks/postgres/access/role-graph.js";
import { allowedOnSequences } from "../checks/postgres/pg-excess-privilege.js";
import { type ObservedTarget, targetViews } from "../checks/postgres/targets.js";
import type { AuditContext } from "../checks/types.js";
import type { CheckResult, Fix } from "../findings/model.js";
import { type PgRole, PUBLIC_OID } from "../probes/postgres/types.js";
import { pgIdent, pgQualified, pgRole } from "./quote.js";

/** Statements and what could not be fixed safely (with the reason). */
interface Cut {
  sql: string[];
  unsafe: string[];
  /** Set when a cut is more than revoking privileges of one object (a membership, an owner, an attribute). */
  broad?: boolean;
}

function viewOf(ctx: AuditContext, target: string): ObservedTarget | undefined {
  const v = targetViews(ctx).find((x) => x.target.name === target);
  return v?.ok ? v.view : undefined;
}

/** `TARGET:schema.table` → target and qualified table name. The target name itself may hold a colon. */
function splitTableId(id: string): { target: string; qualified: string } {
  const at = id.lastIndexOf(":");
  return { target: id.slice(0, at), qualified: id.slice(at + 1) };
}

function objectName(o: Pick<ObjectAccess, "kind" | "schema" | "name">): string {
  return `${o.kind === "sequence" ? "SEQUENCE" : "TABLE"} ${pgQualified(o.schema, o.name)}`;
}

/**
 * Roles of the policy whose access could depend on a membership or grant: principals, the
 * owner and admins that are not superusers (a superuser reaches every role, but needs none).
 */
function policyRoles(view: ObservedTarget): string[] {
  const admins = [...view.policy.admins].filter((name) => {
    const r = role(view, name);
    return r !== undefined && !view.graph.superuser(r.oid);
  });
  return [...view.policy.principals.keys(), view.policy.owner, ...admins];
}

function role(view: ObservedTarget, name: string): PgRole | undefined {
  return view.graph.byName.get(name);
}

/** Whether any policy role except `except` can use `holder`'s privileges. */
function policyReaches(view: ObservedTarget, holder: string, except: string): boolean {
  const h = role(view, holder);
  if (!h) return false;
  return policyRoles(view).some((name) => {
    if (name === except) return false;
    const r = role(view, name);
    return r !== undefined && view.graph.reachable(r.oid).has(h.oid);
  });
}

/** The statement that removes `chain[i] -> chain[i+1]`, by how the hop is made. */
function cutHop(view: ObservedTarget, from: string, to: string): string | undefined {
  const f = role(view, from);
  const t = role(view, to);
  if (!f || !t) return undefined;
  const reached = view.graph.reachable(f.oid).get(t.oid);
  const hop = reached?.chain.length === 2 ? (reached as { hops: string[] }).hops[0] : undefined;
  if (hop === "admin") return `REVOKE ADMIN OPTION FOR ${pgIdent(to)} FROM ${pgIdent(from)};`;
  if (hop === "createrole") return `ALTER ROLE ${pgIdent(from)} NOCREATEROLE;`;
  const member = view.catalog.memberships.some((m) => m.member === f.oid && m.role === t.oid);
  if (member) return `REVOKE ${pgIdent(to)} FROM ${pgIdent(from)};`;
  // Reached through a role `from` may grant itself: the hop is the ADMIN OPTION or CREATEROLE that allows it.
  const viaCreaterole = f.createrole && !view.catalog.memberships.some((m) => m.role === t.oid && m.admin);
  return viaCreaterole ? `ALTER ROLE ${pgIdent(from)} NOCREATEROLE;` : undefined;
}

/** The principal's own first hop: affects it alone (and roles reaching it, checked). */
function cutFirstHop(view: ObservedTarget, principal: string, path: AccessPath, cut: Cut): void {
  const next = path.chain[1];
  const blocked = policyRoles(view).find((name) => {
    if (name === principal) return false;
    const r = role(view, name);
    const p = role(view, principal);
    return r !== undefined && p !== undefined && view.graph.reachable(r.oid).has(p.oid);
  });
  const sql = next ? cutHop(view, principal, next) : undefined;
  if (!sql || blocked) {
    cut.unsafe.push(
      blocked
        ? `${path.text}: policy role ${blocked} uses ${principal}'s memberships, so cutting ${principal}'s path would cut ${blocked}'s too`
        : `${path.text}: no single statement cuts this path`,
    );
    return;
  }
  cut.sql.push(sql);
}

function privilegeList(privileges: readonly string[], columns?: readonly string[]): string {
  const cols = columns && columns.length > 0 ? ` (${columns.map(pgIdent).join(", ")})` : "";
  return privileges.map((p) => `${p}${cols}`).join(", ");
}

/**
 * Cuts one path through which `principal` holds `privileges` (a subset of the path's) on `object`.
 * `tableRef` is the table whose owner the policy fixes.
 */
function cutPath(
  view: ObservedTarget,
  principal: string,
  object: ObjectAccess,
  path: AccessPath,
  privileges: readonly string[],
  cut: Cut,
): void {
  const holder = path.chain[path.chain.length - 1] as string;
  if (path.source !== "grant" && path.source !== "column grant") cut.broad = true;
  switch (path.source) {
    case "PUBLIC":
      return; // pg-public-privilege's fix
    case "grant":
    case "column grant": {
      const columns = path.source === "column grant" ? path.columns : undefined;
      const privs = path.privileges.filter((p) => privileges.includes(p));
      if (holder === principal || !policyReaches(view, holder, principal)) {
        cut.sql.push(`REVOKE ${privilegeList(privs, columns)} ON ${objectName(object)} FROM ${pgRole(holder)};`);
      } else {
        cut.broad = true;
        cutFirstHop(view, principal, path, cut);
      }
      return;
    }
    case "owner": {
      if (holder === principal && holder !== view.policy.owner && !view.policy.admins.has(holder)) {
        if (object.kind === "sequence") cut.unsafe.push(`${path.text}: the sequence follows its table's owner; transfer the table`);
        else cut.sql.push(`ALTER TABLE ${pgQualified(object.schema, object.name)} OWNER TO ${pgIdent(view.policy.owner)};`);
      } else if (holder !== principal) {
        cutFirstHop(view, principal, path, cut);
      } else {
        cut.unsafe.push(`${path.text}: ${principal} is the policy's owner or an admin`);
      }
      return;
    }
    case "superuser":
      if (holder === principal && !view.policy.admins.has(holder)) cut.sql.push(`ALTER ROLE ${pgIdent(holder)} NOSUPERUSER;`);
      else cutFirstHop(view, principal, path, cut);
      return;
    case "rds_superuser":
    case "pg_read_all_data":
    case "pg_write_all_data":
    case "pg_maintain": {
      const member = path.chain[path.chain.length - 2];
      if (member === principal) {
        const sql = cutHop(view, principal, holder);
        if (sql) cut.sql.push(sql);
        else cut.unsafe.push(`${path.text}: no single statement cuts this path`);
      } else if (member && !policyReaches(view, member, principal) && cutHop(view, member, holder)) {
        cut.sql.push(cutHop(view, member, holder) as string);
      } else {
        cutFirstHop(view, principal, path, cut);
      }
      return;
    }
  }
}

/** GRANTs that keep a policy principal's allowed privileges once shared paths are cut. */
function keepAllowed(view: ObservedTarget, principal: string, access: TableAccess, cut: Cut): void {
  const allowed = view.policy.principals.get(principal);
  if (!allowed) return;
  const seqAllowed = allowedOnSequences(allowed);
  for (const object of [access.table, ...access.sequences]) {
    const held = object.principals.find((p) => p.role === principal)?.privileges ?? [];
    const keep = held.filter((p) => (object.kind === "table" ? allowed : seqAllowed).has(p));
    if (keep.length > 0) cut.sql.push(`GRANT ${keep.join(", ")} ON ${objectName(object)} TO ${pgIdent(principal)};`);
  }
}

function asFix(cut: Cut, text: string): Fix | undefined {
  const sql = [...new Set(cut.sql)];
  const unsafe = cut.unsafe.length > 0 ? ` Not written, because it cannot be done safely: ${cut.unsafe.join("; ")}.` : "";
  if (sql.length === 0) return { kind: "manual", text: `${text}${unsafe}`, commands: [] };
  return { kind: "sql", text: `${text}${unsafe}`, commands: sql };
}

function tableAccessOf(
  ctx: AuditContext,
  result: CheckResult,
): { view: ObservedTarget; access: TableAccess; qualified: string } | undefined {
  const { target, qualified } = splitTableId(result.resource.id);
  const view = viewOf(ctx, target);
  const access = view?.access.get(qualified);
  return view && access ? { view, access, qualified } : undefined;
}

const RUN_AS = "Run as the database owner or an admin that granted these privileges (on RDS, the master user).";

export function publicPrivilegeFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const found = tableAccessOf(ctx, result);
  if (!found) return undefined;
  const { view, access, qualified } = found;
  const cut: Cut = { sql: [], unsafe: [] };
  const table = view.catalog.tables.find((t) => `${t.schema}.${t.name}` === qualified);
  // Policy principals that hold an allowed privilege only through PUBLIC get it directly first.
  for (const principal of view.policy.principals.keys()) {
    if (!role(view, principal)) continue;
    const allowed = view.policy.principals.get(principal) as ReadonlySet<string>;
    for (const object of [access.table, ...access.sequences]) {
      const p = object.principals.find((x) => x.role === principal);
      if (!p) continue;
      const viaOthers = new Set(p.paths.filter((x) => x.source !== "PUBLIC").flatMap((x) => x.privileges));
      const ok = object.kind === "table" ? allowed : allowedOnSequences(allowed);
      const keep = object.publicPrivileges.filter((x) => ok.has(x) && !viaOthers.has(x));
      if (keep.length > 0) cut.sql.push(`GRANT ${keep.join(", ")} ON ${objectName(object)} TO ${pgIdent(principal)};`);
    }
  }
  const tablePublic = [...new Set(table?.acl.filter((a) => a.grantee === PUBLIC_OID).map((a) => a.privilege) ?? [])];
  if (tablePublic.length > 0) cut.sql.push(`REVOKE ${tablePublic.join(", ")} ON ${objectName(access.table)} FROM PUBLIC;`);
  for (const c of table?.columnAcls ?? []) {
    const privs = [...new Set(c.acl.filter((a) => a.grantee === PUBLIC_OID).map((a) => a.privilege))];
    if (privs.length > 0) cut.sql.push(`REVOKE ${privilegeList(privs, [c.column])} ON ${objectName(access.table)} FROM PUBLIC;`);
  }
  for (const s of access.sequences) {
    if (s.publicPrivileges.length > 0) cut.sql.push(`REVOKE ${s.publicPrivileges.join(", ")} ON ${objectName(s)} FROM PUBLIC;`);
  }
  return asFix(
    cut,
    `Revoke what PUBLIC holds on ${qualified} and its sequences; policy principals that used it through PUBLIC get it directly first. ${RUN_AS}`,
  );
}

export function unexpectedPrincipalFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const found = tableAccessOf(ctx, result);
  const principal = result.subject;
  if (!found || !principal) return undefined;
  const { view, access, qualified } = found;
  const cut: Cut = { sql: [], unsafe: [] };
  for (const object of [access.table, ...access.sequences]) {
    const p = object.principals.find((x) => x.role === principal);
    for (const path of p?.paths ?? []) cutPath(view, principal, object, path, path.privileges, cut);
  }
  return asFix(
    cut,
    `Cut every path by which ${principal} reaches ${qualified} (or add ${principal} to the policy if it should). ${RUN_AS}`,
  );
}

export function excessPrivilegeFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const found = tableAccessOf(ctx, result);
  const principal = result.subject;
  if (!found || !principal) return undefined;
  const { view, access, qualified } = found;
  const allowed = view.policy.principals.get(principal) ?? new Set<string>();
  const cut: Cut = { sql: [], unsafe: [] };
  for (const object of [access.table, ...access.sequences]) {
    const ok = object.kind === "table" ? allowed : allowedOnSequences(allowed);
    const p = object.principals.find((x) => x.role === principal);
    for (const path of p?.paths ?? []) {
      const excess = path.privileges.filter((x) => !ok.has(x));
      if (excess.length > 0 && path.source !== "PUBLIC") cutPath(view, principal, object, path, excess, cut);
    }
  }
  if (cut.sql.length === 0 && cut.unsafe.length === 0) {
    return {
      kind: "manual",
      text: `${principal}'s excess on ${qualified} comes through PUBLIC only: the pg-public-privilege fix removes it.`,
      commands: [],
    };
  }
  // Revoking only the excess privileges of an object keeps the allowed ones; any other cut
  // (a membership, an owner, an attribute) may take allowed ones too, so grant those directly first.
  if (cut.broad) {
    const keep: Cut = { sql: [], unsafe: [] };
    keepAllowed(view, principal, access, keep);
    cut.sql = [...keep.sql, ...cut.sql];
  }
  return asFix(
    cut,
    `Keep ${principal}'s allowed privileges as direct grants, then cut the paths that give it more on ${qualified}. ${RUN_AS}`,
  );
}

export function missingPrivilegeFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const found = tableAccessOf(ctx, result);
  const principal = result.subject;
  const e = result.evidence as { exists?: boolean; missing?: string[] };
  if (!principal) return undefined;
  if (e.exists === false || !found) {
    return {
      kind: "manual",
      text: `Role ${principal} does not exist: create it (CREATE ROLE ${pgIdent(principal)} LOGIN …, with a password from Secrets Manager or rds_iam) or remove it from the policy.`,
      commands: [],
    };
  }
  const missing = e.missing ?? [];
  if (missing.length === 0) return undefined;
  return {
    kind: "sql",
    text: `Grant ${principal} what the policy gives it on ${found.qualified} (or correct the policy).`,
    commands: [`GRANT ${missing.join(", ")} ON ${objectName(found.access.table)} TO ${pgIdent(principal)};`],
  };
}

export function ownerFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const found = tableAccessOf(ctx, result);
  if (!found) return undefined;
  const { view, access, qualified } = found;
  const current = access.table.owner;
  const intended = view.policy.owner;
  if (!role(view, intended)) {
    return {
      kind: "manual",
      text: `The policy's owner ${intended} does not exist: create it, then transfer ${qualified} to it.`,
      commands: [],
    };
  }
  const cut: Cut = {
    sql: [`ALTER TABLE ${pgQualified(access.table.schema, access.table.name)} OWNER TO ${pgIdent(intended)};`],
    unsafe: [],
  };
  // The former owner loses its implicit privileges: a policy principal keeps what it is allowed.
  const allowed = view.policy.principals.get(current);
  if (allowed) {
    const table = [...allowed].filter((p) => access.table.principals.some((x) => x.role === current && x.privileges.includes(p)));
    if (table.length > 0) cut.sql.push(`GRANT ${table.join(", ")} ON ${objectName(access.table)} TO ${pgIdent(current)};`);
    const seq = [...allowedOnSequences(allowed)];
    for (const s of access.sequences)
      if (seq.length > 0) cut.sql.push(`GRANT ${seq.join(", ")} ON ${objectName(s)} TO ${pgIdent(current)};`);
  }
  return asFix(
    cut,
    `Transfer ${qualified} (and the sequences it owns) from ${current} to ${intended}${allowed ? `, then grant ${current} what the policy allows it` : ""}. Run as a superuser or the RDS master user (a member of both roles).`,
  );
}

/** Superuser paths are about the role, not an object: cutPath uses the object for grants and owners only. */
const NO_OBJECT: ObjectAccess = { kind: "table", schema: "", name: "", owner: "", publicPrivileges: [], principals: [] };

export function superuserFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const view = viewOf(ctx, result.resource.id);
  const name = result.subject;
  const r = name ? role(view as ObservedTarget, name) : undefined;
  if (!view || !name || !r) return undefined;
  const cut: Cut = { sql: [], unsafe: [] };
  const su = view.graph.superuser(r.oid);
  if (su) {
    const chain = su.chain.map((o) => view.graph.name(o));
    const path: AccessPath = { source: "superuser", reach: su.reach, chain, privileges: [], text: view.graph.chainText(su) };
    cutPath(view, name, NO_OBJECT, path, [], cut);
  }
  const rds = view.graph.byName.get("rds_superuser");
  const viaRds = rds ? view.graph.reachable(r.oid).get(rds.oid) : undefined;
  if (viaRds) {
    const chain = viaRds.chain.map((o) => view.graph.name(o));
    const path: AccessPath = { source: "rds_superuser", reach: viaRds.reach, chain, privileges: [], text: view.graph.chainText(viaRds) };
    cutPath(view, name, NO_OBJECT, path, [], cut);
  }
  return asFix(
    cut,
    `Take superuser powers from ${name} (or add it to the policy's admins if it is one). Run as a superuser or the RDS master user.`,
  );
}

export function auditorFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const view = viewOf(ctx, result.resource.id);
  const name = result.subject;
  if (!view || !name) return undefined;
  if (view.policy.admins.has(name) || view.policy.owner === name) {
    return {
      kind: "manual",
      text: `The auditor logs in as ${name}, which the policy names as owner or admin: give the auditor its own role (docs/postgres.md) instead of changing ${name}.`,
      commands: [],
    };
  }
  if ((result.evidence as { how?: string }).how) return superuserFix(result, ctx);
  const cut: Cut = { sql: [], unsafe: [] };
  const writes = new Set(["INSERT", "UPDATE", "DELETE", "TRUNCATE", "TRIGGER", "MAINTAIN", "USAGE"]);
  for (const qualified of view.target.tables) {
    const access = view.access.get(qualified);
    for (const object of access ? [access.table, ...access.sequences] : []) {
      const p = object.principals.find((x) => x.role === name);
      for (const path of p?.paths ?? []) {
        const w = path.privileges.filter(
          (x) => writes.has(x) && (object.kind === "table" ? x !== "USAGE" : x === "UPDATE" || x === "USAGE"),
        );
        if (w.length > 0 && path.source !== "PUBLIC") cutPath(view, name, object, path, w, cut);
      }
    }
  }
  return asFix(cut, `Take write privileges on the audited tables from the auditor's role ${name}; it needs only CONNECT and the catalogs.`);
}

export function defaultPrivilegesFix(result: CheckResult): Fix | undefined {
  const grantee = result.subject;
  const schema = result.resource.id.slice(result.resource.id.lastIndexOf(":") + 1);
  const entries = (result.evidence as { entries?: { forRole: string; objects: string; privileges: string[]; scope: string }[] }).entries;
  if (!grantee || !entries) return undefined;
  const commands = entries.map((e) => {
    const where = e.scope === "database-wide" ? "" : ` IN SCHEMA ${pgIdent(schema)}`;
    return `ALTER DEFAULT PRIVILEGES FOR ROLE ${pgIdent(e.forRole)}${where} REVOKE ${[...new Set(e.privileges)].join(", ")} ON ${e.objects.toUpperCase()} FROM ${pgRole(grantee)};`;
  });
  return {
    kind: "sql",
    text: `Drop the default grants to ${grantee} (future objects only; existing ones are judged by the other checks). Run as a superuser, the RDS master user or the role each grant is FOR.`,
    commands: [...new Set(commands)],
  };
}

export function publicSchemaCreateFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const target = result.resource.id.slice(0, result.resource.id.lastIndexOf(":"));
  const schemaName = result.resource.id.slice(result.resource.id.lastIndexOf(":") + 1);
  const view = viewOf(ctx, target);
  const schema = view?.catalog.schemas.find((s) => s.name === schemaName);
  if (!view || !schema) return undefined;
  const commands: string[] = [];
  // The policy's owner creates the queue's tables (migrations): keep its CREATE if it had it only through PUBLIC.
  const owner = role(view, view.policy.owner);
  const ownerHasOwn =
    owner !== undefined && (schema.owner === owner.oid || schema.acl.some((a) => a.grantee === owner.oid && a.privilege === "CREATE"));
  if (owner && !ownerHasOwn) commands.push(`GRANT CREATE ON SCHEMA ${pgIdent(schemaName)} TO ${pgIdent(view.policy.owner)};`);
  commands.push(`REVOKE CREATE ON SCHEMA ${pgIdent(schemaName)} FROM PUBLIC;`);
  return {
    kind: "sql",
    text: `Revoke CREATE on schema ${schemaName} from PUBLIC${owner && !ownerHasOwn ? `; the policy's owner ${view.policy.owner} keeps it by a grant of its own` : ""}.`,
    commands,
  };
}
