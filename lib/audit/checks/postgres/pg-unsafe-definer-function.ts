import type { CheckResult, Fix } from "../../findings/model.js";
import { type PgFunction, PUBLIC_OID } from "../../probes/postgres/types.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { firesTrigger, functionName } from "./access/object-access.js";
import { type AccessPath, grantPaths, kindOf, superuserPath, throughPublic } from "./access/role-graph.js";
import { quoteIdent } from "./sql.js";
import { eachDatabase, type ObservedTarget } from "./targets.js";

/** The fix: pin search_path (the function's own schema when nobody else can create in it) and close PUBLIC's EXECUTE. */
function fixFor(view: ObservedTarget, fn: PgFunction, publicExecute: boolean): Fix {
  const ownSchema = view.catalog.namespaces?.find((s) => s.name === fn.schema);
  const ownSchemaSafe =
    ownSchema !== undefined &&
    ownSchema.owner === fn.owner &&
    !ownSchema.acl.some((a) => a.privilege === "CREATE" && a.grantee !== fn.owner);
  const path = ownSchemaSafe ? `pg_catalog, ${quoteIdent(fn.schema)}, pg_temp` : "pg_catalog, pg_temp";
  const object = `${fn.kind === "p" ? "PROCEDURE" : "FUNCTION"} ${quoteIdent(fn.schema)}.${quoteIdent(fn.name)}(${fn.args})`;
  const commands = [`ALTER ${object} SET search_path = ${path};`];
  if (publicExecute) commands.push(`REVOKE EXECUTE ON ${object} FROM PUBLIC;`);
  return {
    text: `Pin the search_path of ${functionName(fn)} so that only trusted schemas are searched and pg_temp comes last${ownSchemaSafe ? "" : " (schema-qualify every name its body uses)"}${publicExecute ? ", and grant EXECUTE only to the roles that need it" : ""}.`,
    commands,
    kind: "sql",
  };
}

/**
 * Who may fire a definer trigger function: the enabled triggers that run it, and the login
 * roles (or PUBLIC) that hold one of a trigger's events on its table by any path the model
 * knows, routes included. Superusers hold everything already, and roles that are the
 * function's owner gain nothing: neither is a new way in.
 */
function firers(view: ObservedTarget, fn: PgFunction): { triggers: string[]; roles: string[]; public: boolean } {
  const triggers: string[] = [];
  const roles = new Set<string>();
  let everyone = false;
  for (const trigger of view.catalog.triggers ?? []) {
    if (!trigger.enabled || trigger.function !== fn.oid) continue;
    const on =
      view.catalog.relations?.find((r) => r.oid === trigger.relation) ?? view.catalog.tables.find((t) => t.oid === trigger.relation);
    if (!on) continue;
    triggers.push(`trigger ${trigger.name} ${trigger.timing} ${trigger.events.join(" OR ")} ON ${on.schema}.${on.name}`);
    const fires = (p: AccessPath) => firesTrigger(trigger, p);
    for (const role of view.catalog.roles) {
      if (!role.login || role.oid === fn.owner || view.graph.reachable(role.oid).has(fn.owner)) continue;
      if (superuserPath(view.graph, role)) continue;
      const paths = view.routes.held(role, trigger.relation).filter(fires);
      // What every role holds through PUBLIC is said once, as PUBLIC.
      if (paths.some(throughPublic)) everyone = true;
      if (paths.some((p) => !throughPublic(p))) roles.add(role.name);
    }
  }
  return { triggers, roles: [...roles], public: everyone };
}

/** Who may run a definer function with a search_path of their choosing, and how: for the message, the evidence and the fix. */
interface Exposure {
  /** The message's opening: what runs the function, as whom, with whose search_path. */
  runs: string;
  who: string;
  evidence: Record<string, unknown>;
  /** Only EXECUTE to PUBLIC on a callable function is worth revoking: a trigger's firing does not check it. */
  revokePublicExecute: boolean;
}

/** Undefined when nobody but the owner (or a superuser) may run it. */
function exposure(view: ObservedTarget, fn: PgFunction, ownerName: string): Exposure | undefined {
  const name = functionName(fn);
  const eventTriggers = (fn.eventTriggers ?? []).filter((e) => e.enabled);
  if (eventTriggers.length > 0) {
    // Any role's DDL fires it (a temporary table is enough, and TEMP is PUBLIC's by default;
    // `login` triggers fire on connecting): every role chooses its path.
    const triggers = eventTriggers.map((e) => `event trigger ${e.name} ON ${e.event}`);
    return {
      runs: `SECURITY DEFINER event trigger function ${name} runs as ${ownerName} in the session of whoever fires ${triggers.join(" or ")}, with that session's search_path`,
      who: "every role that may run DDL (a temporary table is enough)",
      evidence: { triggers, firedBy: ["PUBLIC"] },
      revokePublicExecute: false,
    };
  }
  if (fn.trigger) {
    const fired = firers(view, fn);
    if (fired.triggers.length === 0 || (!fired.public && fired.roles.length === 0)) return undefined;
    return {
      runs: `SECURITY DEFINER trigger function ${name} runs as ${ownerName} in the statement of whoever fires ${fired.triggers.join(" or ")}, with that writer's search_path`,
      who: fired.public ? "every role (PUBLIC may write to its table)" : fired.roles.join(", "),
      evidence: { triggers: fired.triggers, firedBy: fired.public ? ["PUBLIC", ...fired.roles] : fired.roles },
      revokePublicExecute: false,
    };
  }
  const publicExecute = fn.acl.some((a) => a.grantee === PUBLIC_OID && a.privilege === "EXECUTE");
  const executeKind = kindOf("function", view.catalog.serverVersionNum);
  const callers: string[] = [];
  for (const role of view.catalog.roles) {
    if (!role.login || role.oid === fn.owner || view.graph.reachable(role.oid).has(fn.owner)) continue;
    const paths = grantPaths(view.graph, { owner: fn.owner, acl: fn.acl, columnAcls: [] }, role, executeKind);
    // Superusers and their equivalents hold everything already: only a grant makes a new caller.
    if (paths.some((p) => p.source === "grant")) callers.push(role.name);
  }
  if (!publicExecute && callers.length === 0) return undefined;
  return {
    runs: `SECURITY DEFINER ${fn.kind === "p" ? "procedure" : "function"} ${name} runs as ${ownerName} with an unsafe search_path`,
    who: publicExecute ? "every role (EXECUTE is granted to PUBLIC)" : callers.join(", "),
    evidence: { executableBy: publicExecute ? ["PUBLIC", ...callers] : callers },
    revokePublicExecute: publicExecute,
  };
}

export const pgUnsafeDefinerFunction: Check = {
  meta: {
    id: "pg-unsafe-definer-function",
    title: "SECURITY DEFINER function with an unpinned search_path",
    severity: "high",
    resourceType: "PostgreSQL::Database",
    rationale:
      "A SECURITY DEFINER function runs as its owner. When its search_path is the caller's (not set), lists a schema others can create objects in, or does not put pg_temp last, a caller can plant a function, operator or table the body resolves by name and so run their own code as the owner: whatever the owner may do to the queue, they may do. EXECUTE belongs to PUBLIC unless revoked. A trigger function is never called, but it runs in the writer's statement with the writer's search_path: whoever may fire its trigger chooses the path, and any role's DDL fires an event trigger.",
    remediation:
      "`ALTER FUNCTION public.purge_jobs() SET search_path = pg_catalog, public, pg_temp;` (only schemas nobody untrusted can create in; schema-qualify names in the body) and `REVOKE EXECUTE ON FUNCTION public.purge_jobs() FROM PUBLIC;` then grant it to the roles that need it. A trigger function needs only the pinned path: EXECUTE is checked when a trigger is created, not when it fires.",
    references: ["https://www.postgresql.org/docs/current/sql-createfunction.html#SQL-CREATEFUNCTION-SECURITY", "CVE-2018-1058"],
  },
  evaluate(ctx) {
    return eachDatabase(ctx, "pg-unsafe-definer-function", "SECURITY DEFINER functions", (view, resource) => {
      const out: CheckResult[] = [];
      const safe: string[] = [];
      for (const fn of view.catalog.functions ?? []) {
        // A trigger function is not called, but it runs in the writer's statement with the
        // writer's search_path: whoever may fire one of its triggers chooses that path.
        if (!fn.securityDefiner) continue;
        const why = view.routes.unsafeReason(fn);
        if (!why) {
          safe.push(functionName(fn));
          continue;
        }
        // What the owner could be made to do: its access to the audited tables, or everything.
        const owner = view.graph.byOid.get(fn.owner);
        const ownerName = view.graph.name(fn.owner);
        const su = owner ? superuserPath(view.graph, owner) : undefined;
        const reaches: Record<string, string[]> = {};
        for (const t of view.catalog.tables) {
          if (!t.found || t.oid === undefined) continue;
          const held = [...new Set(view.routes.held({ oid: fn.owner, name: ownerName }, t.oid).flatMap((p) => p.privileges))];
          if (held.length > 0) reaches[`${t.schema}.${t.name}`] = held;
        }
        if (!su && Object.keys(reaches).length === 0) continue;
        const what = su
          ? `${ownerName} has superuser powers (${su.text})`
          : `${ownerName} holds ${Object.entries(reaches)
              .map(([t, p]) => `${p.join(", ")} on ${t}`)
              .join(" and ")}`;
        const exposed = exposure(view, fn, ownerName);
        if (!exposed) continue;
        const result = fail(
          "pg-unsafe-definer-function",
          resource,
          functionName(fn),
          `${exposed.runs} (${why}): ${exposed.who} can run their own code as ${ownerName}, and ${what}. Pin its search_path.`,
          {
            function: functionName(fn),
            owner: ownerName,
            reason: why,
            config: fn.config,
            ...exposed.evidence,
            ownerAccess: reaches,
            ...(su ? { ownerSuperuser: su.text } : {}),
          },
        );
        result.fix = fixFor(view, fn, exposed.revokePublicExecute);
        if (su) result.severity = "critical";
        out.push(result);
      }
      if (out.length > 0) return out;
      return [
        pass(
          "pg-unsafe-definer-function",
          resource,
          `No SECURITY DEFINER function others may execute (or fire, for a trigger function) lets them run code as a role with access to the queue in ${view.target.name}.`,
          { pinned: safe },
        ),
      ];
    });
  },
};
