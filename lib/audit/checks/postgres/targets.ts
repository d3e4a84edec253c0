/**
 * What every pg-* check walks: the configured targets paired with what the probe saw,
 * the resource ids of CONTRACTS.md, the policy, and the effective access (computed once
 * per catalog and shared by the checks).
 */
import type { PostgresTarget } from "../../config/schema.js";
import type { CheckResult, ObservationError, ResourceRef } from "../../findings/model.js";
import type { PgCatalog, PgRole, PgSchema, PgTable } from "../../probes/postgres/types.js";
import type { CheckId } from "../ids.js";
import { unobserved } from "../results.js";
import type { AuditContext } from "../types.js";
import { computeEffectiveAccess, ObjectRoutes } from "./access/object-access.js";
import { RoleGraph, type TableAccess } from "./access/role-graph.js";

export interface Policy {
  owner: string;
  admins: ReadonlySet<string>;
  principals: ReadonlyMap<string, ReadonlySet<string>>;
}

export interface ObservedTarget {
  target: PostgresTarget;
  policy: Policy;
  catalog: PgCatalog;
  graph: RoleGraph;
  /** Routes through objects and owners (views, definer functions, rules, triggers, schema owners). */
  routes: ObjectRoutes;
  access: Map<string, TableAccess>;
}

export type TargetView =
  | { ok: true; target: PostgresTarget; view: ObservedTarget }
  | { ok: false; target: PostgresTarget; error: ObservationError };

export const databaseRef = (target: string): ResourceRef => ({ type: "PostgreSQL::Database", id: target });
export const schemaRef = (target: string, schema: string): ResourceRef => ({ type: "PostgreSQL::Schema", id: `${target}:${schema}` });
export const tableRef = (target: string, qualified: string): ResourceRef => ({ type: "PostgreSQL::Table", id: `${target}:${qualified}` });

export function policyOf(target: PostgresTarget): Policy {
  return {
    owner: target.owner,
    admins: new Set(target.admins),
    principals: new Map(Object.entries(target.principals).map(([role, privileges]) => [role, new Set(privileges)])),
  };
}

/** Roles the policy names: their access is judged by pg-excess-privilege, not as unexpected. */
export function inPolicy(policy: Policy, role: string): boolean {
  return role === policy.owner || policy.admins.has(role) || policy.principals.has(role);
}

/** Allowed everything: admins and the intended owner. */
export function allowedEverything(policy: Policy, role: string): boolean {
  return role === policy.owner || policy.admins.has(role);
}

/**
 * Roles the provider runs and the customer cannot change: on RDS (recognised by its
 * rds_superuser role) the `rdsadmin` superuser. Reporting it would be noise nobody can fix.
 */
export function isPlatformRole(catalog: PgCatalog, role: PgRole | string): boolean {
  const name = typeof role === "string" ? role : role.name;
  return name === "rdsadmin" && catalog.roles.some((r) => r.name === "rds_superuser");
}

const accessMemo = new WeakMap<PgCatalog, { graph: RoleGraph; routes: ObjectRoutes; access: Map<string, TableAccess> }>();

function analysed(catalog: PgCatalog, policy: Policy) {
  let memo = accessMemo.get(catalog);
  if (!memo) {
    const graph = new RoleGraph(catalog);
    // Policy principals may be group roles; they are judged even when they cannot log in.
    const include = [...policy.principals.keys(), policy.owner, ...policy.admins];
    const routes = new ObjectRoutes(catalog, graph);
    memo = { graph, routes, access: computeEffectiveAccess(catalog, { include }, graph, routes) };
    accessMemo.set(catalog, memo);
  }
  return memo;
}

export function targetViews(ctx: AuditContext): TargetView[] {
  return ctx.config.postgres.map((target) => {
    const observation = ctx.observations.postgres.find((o) => o.target === target.name);
    if (!observation) {
      return { ok: false, target, error: { source: `postgres:${target.name}`, reason: `database ${target.name} was not probed` } };
    }
    if (observation.error || !observation.catalog) {
      return {
        ok: false,
        target,
        error: observation.error ?? { source: `postgres:${target.name}`, reason: `database ${target.name} returned no catalog` },
      };
    }
    const policy = policyOf(target);
    const { graph, routes, access } = analysed(observation.catalog, policy);
    return { ok: true, target, view: { target, policy, catalog: observation.catalog, graph, routes, access } };
  });
}

export function tableMissing(target: PostgresTarget, catalog: PgCatalog, qualified: string): ObservationError {
  const schemaFound = catalog.schemas.some((s) => s.found && qualified.startsWith(`${s.name}.`));
  return {
    source: `postgres:${target.name}`,
    reason: `table ${qualified} does not exist in database ${catalog.database}${schemaFound ? "" : " (nor does its schema)"}`,
    code: "42P01",
  };
}

export interface TableUnderAudit {
  view: ObservedTarget;
  qualified: string;
  table: PgTable;
  access: TableAccess;
  resource: ResourceRef;
}

/** Calls `judge` for each configured table that was observed; ERROR results for the rest. */
export function eachTable(ctx: AuditContext, checkId: CheckId, what: string, judge: (t: TableUnderAudit) => CheckResult[]): CheckResult[] {
  const out: CheckResult[] = [];
  for (const v of targetViews(ctx)) {
    for (const qualified of v.target.tables) {
      const resource = tableRef(v.target.name, qualified);
      if (!v.ok) {
        out.push(unobserved(checkId, resource, v.error, `${what} of ${qualified}`));
        continue;
      }
      const access = v.view.access.get(qualified);
      const table = v.view.catalog.tables.find((t) => `${t.schema}.${t.name}` === qualified);
      if (!access || !table?.found) {
        out.push(unobserved(checkId, resource, tableMissing(v.target, v.view.catalog, qualified), `${what} of ${qualified}`));
        continue;
      }
      out.push(...judge({ view: v.view, qualified, table, access, resource }));
    }
  }
  return out;
}

/** Calls `judge` for each schema holding a configured table; ERROR results when unobserved. */
export function eachSchema(
  ctx: AuditContext,
  checkId: CheckId,
  what: string,
  judge: (view: ObservedTarget, schema: PgSchema, resource: ResourceRef) => CheckResult[],
): CheckResult[] {
  const out: CheckResult[] = [];
  for (const v of targetViews(ctx)) {
    const names = [...new Set(v.target.tables.map((t) => t.slice(0, t.indexOf("."))))];
    for (const name of names) {
      const resource = schemaRef(v.target.name, name);
      if (!v.ok) {
        out.push(unobserved(checkId, resource, v.error, `${what} of schema ${name}`));
        continue;
      }
      const schema = v.view.catalog.schemas.find((s) => s.name === name);
      if (!schema?.found) {
        const cause = {
          source: `postgres:${v.target.name}`,
          reason: `schema ${name} does not exist in database ${v.view.catalog.database}`,
          code: "3F000",
        };
        out.push(unobserved(checkId, resource, cause, `${what} of schema ${name}`));
        continue;
      }
      out.push(...judge(v.view, schema, resource));
    }
  }
  return out;
}

export function eachDatabase(
  ctx: AuditContext,
  checkId: CheckId,
  what: string,
  judge: (view: ObservedTarget, resource: ResourceRef) => CheckResult[],
): CheckResult[] {
  return targetViews(ctx).flatMap((v) => {
    const resource = databaseRef(v.target.name);
    return v.ok ? judge(v.view, resource) : [unobserved(checkId, resource, v.error, `${what} of ${v.target.name}`)];
  });
}

export function listing(items: readonly string[]): string {
  return items.join(", ");
}
