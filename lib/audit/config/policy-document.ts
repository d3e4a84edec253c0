/**
 * The access policy as a document: for each backend the config names, who may do what to
 * the queue, and why (the `reason` and `owner` a principal or admin may carry). The HTML
 * report, the evidence pack and `config check` print this one shape, for PostgreSQL, MySQL
 * and Redis alike. A principal or admin without a reason is listed in `undocumented`: the
 * policy still holds, but an auditor will ask why that access exists.
 */
import type { Config, PolicyNote } from "./schema.js";

export type PolicyRole = "owner" | "admin" | "principal";

export interface PolicyGrant {
  /** A role (PostgreSQL), USER@HOST (MySQL) or ACL user (Redis). */
  name: string;
  as: PolicyRole;
  /** What it may do to the queue: privileges, access words, or "all". */
  allow: string[];
  reason?: string;
  owner?: string;
}

export interface BackendPolicy {
  engine: "PostgreSQL" | "MySQL" | "Redis";
  /** The config target's name. */
  target: string;
  /** What the policy protects: tables or key patterns. */
  protects: string[];
  grants: PolicyGrant[];
}

export interface UndocumentedGrant {
  engine: BackendPolicy["engine"];
  target: string;
  name: string;
  as: PolicyRole;
}

const withNote = (grant: PolicyGrant, note: PolicyNote | undefined): PolicyGrant => ({
  ...grant,
  ...(note?.reason !== undefined ? { reason: note.reason } : {}),
  ...(note?.owner !== undefined ? { owner: note.owner } : {}),
});

const byName = (a: PolicyGrant, b: PolicyGrant) => a.name.localeCompare(b.name);

export function policyDocument(config: Pick<Config, "postgres" | "mysql" | "redis">): BackendPolicy[] {
  const out: BackendPolicy[] = [];
  for (const t of config.postgres) {
    const notes = t.notes ?? {};
    out.push({
      engine: "PostgreSQL",
      target: t.name,
      protects: [...t.tables],
      grants: [
        // The owner is implied by the schema (it runs migrations), so it needs no reason of its own.
        { name: t.owner, as: "owner", allow: ["all"], reason: "owns the queue tables (runs the migrations)" },
        ...t.admins.map((a) => withNote({ name: a, as: "admin", allow: ["all"] }, notes[a])).sort(byName),
        ...Object.entries(t.principals)
          .map(([name, allow]) => withNote({ name, as: "principal", allow: [...allow] }, notes[name]))
          .sort(byName),
      ],
    });
  }
  for (const t of config.mysql) {
    out.push({
      engine: "MySQL",
      target: t.name,
      protects: [...t.tables, ...(t.queue && t.database ? [`${t.database} (${t.queue} tables)`] : [])],
      grants: [
        ...t.admins
          .map((a) =>
            typeof a === "string"
              ? { name: a, as: "admin" as const, allow: ["all"] }
              : withNote({ name: a.name, as: "admin", allow: ["all"] }, a),
          )
          .sort(byName),
        ...Object.entries(t.principals)
          .map(([name, v]) =>
            Array.isArray(v)
              ? { name, as: "principal" as const, allow: [...v] }
              : withNote({ name, as: "principal", allow: [...v.allow] }, v),
          )
          .sort(byName),
      ],
    });
  }
  for (const t of config.redis) {
    const notes = t.notes ?? {};
    out.push({
      engine: "Redis",
      target: t.name,
      protects: [...t.keys],
      grants: [
        ...t.admins.map((a) => withNote({ name: a, as: "admin", allow: ["all"] }, notes[a])).sort(byName),
        ...Object.entries(t.principals)
          .map(([name, allow]) => withNote({ name, as: "principal", allow: [...allow] }, notes[name]))
          .sort(byName),
      ],
    });
  }
  return out;
}

/** Admins and principals whose access carries no reason. */
export function undocumentedGrants(policy: readonly BackendPolicy[]): UndocumentedGrant[] {
  return policy.flatMap((b) =>
    b.grants.filter((g) => g.as !== "owner" && !g.reason).map((g) => ({ engine: b.engine, target: b.target, name: g.name, as: g.as })),
  );
}
