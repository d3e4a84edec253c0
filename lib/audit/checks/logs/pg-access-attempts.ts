import type { PostgresTarget } from "../../config/schema.js";
import type { CheckResult } from "../../findings/model.js";
import { postgresLogGroupOf } from "../../inventory/aws/needs.js";
import type { AccessAttempts, LogGroupRead, Seen } from "../../inventory/logs/types.js";
import { logReadBoundReason } from "../../inventory/logs/types.js";
import { observedEntry } from "../../inventory/types.js";
import { WEAK_PASSWORD_TRIAL_MAX_ATTEMPTS } from "../../model/weak-password-trial.js";
import { effectiveParameter, isOn, type RdsBackend, settingsHolders } from "../rds/subjects.js";
import { fail, pass, unobserved } from "../results.js";
import type { AuditContext, Check } from "../types.js";
import { andMore, NAMED, shown, shownAddress } from "./shown.js";

const ID = "pg-access-attempts";

/** Roles RDS itself runs (monitoring, replication): their connections are the platform's, not an intrusion. */
const PLATFORM_ROLES = new Set(["rdsadmin", "rdsrepladmin", "rdstopmgr"]);

/** Entries shown in evidence per kind; the totals count them all. */
const SHOWN = 20;

export const pgAccessAttempts: Check = {
  meta: {
    id: ID,
    title: "Access attempts on the queue database",
    severity: "high",
    resourceType: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
    rationale:
      "Grants say who could reach the queue; the database's own log says who tried and who did. Repeated failed logins from one address are password guessing; a role outside the policy that connected, was refused a queue table, or read or wrote it (pgAudit) is an intrusion or a forgotten credential in use.",
    remediation:
      "Investigate the sources in the evidence: block the address in the security group, rotate the password of the targeted role, disable or drop a role that should not connect (`ALTER ROLE name NOLOGIN;`), or add it to the policy if it is a legitimate principal.",
    references: [
      "https://www.postgresql.org/docs/current/runtime-config-logging.html",
      "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_LogAccess.Concepts.PostgreSQL.html",
    ],
  },
  evaluate(ctx) {
    const settings = ctx.config.logs;
    if (!settings) return [];
    const out: CheckResult[] = [];
    for (const b of settingsHolders(ctx)) {
      const group = postgresLogGroupOf(b);
      if (!group) continue;
      const read = observedEntry(b.partition, "logEvents", group);
      if (!read.ok) {
        out.push(unobserved(ID, b.resource, read.error, `the access attempts in ${group}`));
        continue;
      }
      out.push(...judge(ctx, b, read.value, settings.failedLoginThreshold));
    }
    return out;
  },
};

function targetOf(ctx: AuditContext, b: RdsBackend): PostgresTarget | undefined {
  return ctx.config.postgres.find((t) => t.name === b.resource.id);
}

function allowedRoles(t: PostgresTarget): Set<string> {
  return new Set([t.owner, ...t.admins, ...Object.keys(t.principals), t.connection.user, ...PLATFORM_ROLES]);
}

/** `public.delayed_jobs` and its sequences, as a log message may name them (with or without the schema). */
function queueObjects(t: PostgresTarget): Set<string> {
  const names = [...t.tables, ...(t.sequences ?? [])];
  return new Set(names.flatMap((q) => [q, q.slice(q.indexOf(".") + 1)]));
}

const seen = (s: Seen) => ({ count: s.count, first: s.first, last: s.last });

function period(read: LogGroupRead): string {
  const since = read.since || "the start of the captured events";
  return `from ${since} to ${read.until || "the capture"}`;
}

function judge(ctx: AuditContext, b: RdsBackend, read: LogGroupRead, threshold: number): CheckResult[] {
  const where = { source: `logs:FilterLogEvents ${read.logGroupName}`, account: b.partition.account, region: b.partition.region };
  if (read.bound) {
    return [
      unobserved(
        ID,
        b.resource,
        { ...where, reason: logReadBoundReason(read), code: "BoundReached" },
        `the access attempts in ${read.logGroupName}`,
      ),
    ];
  }
  if (read.events === 0) {
    const lookup = effectiveParameter(b, "log_connections");
    if (lookup.ok && isOn(lookup.parameter.value)) {
      return [
        unobserved(
          ID,
          b.resource,
          {
            ...where,
            reason: `${read.logGroupName} holds no connection line ${period(read)} although log_connections is on: the log is not reaching CloudWatch Logs (export off, or delivery delayed)`,
            code: "EmptyLog",
          },
          `the access attempts in ${read.logGroupName}`,
        ),
      ];
    }
  }
  const a = read.attempts;
  const target = targetOf(ctx, b);
  const base = {
    logGroup: read.logGroupName,
    since: read.since || null,
    until: read.until || null,
    eventsRead: read.events,
    ...(read.pages > 0 ? { pages: read.pages } : {}),
    policy: target ? target.name : null,
  };
  const out: CheckResult[] = [];

  // 1. Password guessing: failed logins per source address.
  const perAddress = new Map<string, { count: number; first: string; last: string; users: Map<string, number> }>();
  for (const found of a.failedLogins) {
    // The auditor's weak-password trial names its own database: up to one trial's attempts per role and address are its.
    const f =
      found.kind === "weak-password-trial" ? { ...found, count: Math.max(0, found.count - WEAK_PASSWORD_TRIAL_MAX_ATTEMPTS) } : found;
    if (f.count === 0) continue;
    const e = perAddress.get(f.address) ?? { count: 0, first: f.first, last: f.last, users: new Map() };
    e.count += f.count;
    if (f.first < e.first) e.first = f.first;
    if (f.last > e.last) e.last = f.last;
    e.users.set(f.user, (e.users.get(f.user) ?? 0) + f.count);
    perAddress.set(f.address, e);
  }
  const guessing = [...perAddress.entries()].filter(([, e]) => e.count >= threshold).sort((x, y) => y[1].count - x[1].count);
  if (guessing.length > 0 || a.droppedEvents > 0) {
    const sources = guessing.map(
      ([address, e]) =>
        `${shownAddress(address, "(local)")} (${e.count}, users ${[...e.users.keys()].slice(0, NAMED).map(shown).join(", ")}${andMore(e.users.size)})`,
    );
    const spray = a.droppedEvents > 0 ? ` ${a.droppedEvents} more events came from too many distinct sources to count one by one.` : "";
    out.push(
      fail(
        ID,
        b.resource,
        "failed-logins",
        `${b.resource.id}: ${guessing.length} address(es) failed to log in ${threshold} times or more ${period(read)}: ${sources.slice(0, NAMED).join("; ")}.${spray} Block the source and rotate the targeted passwords.`,
        {
          ...base,
          threshold,
          ...(a.droppedEvents > 0 ? { droppedEvents: a.droppedEvents } : {}),
          sources: guessing.slice(0, SHOWN).map(([address, e]) => ({
            address: shownAddress(address, "(local)"),
            ...seen(e),
            users: Object.fromEntries([...e.users].slice(0, SHOWN).map(([u, n]) => [shown(u), n])),
          })),
        },
      ),
    );
  }

  if (target) {
    const allowed = allowedRoles(target);
    const queue = queueObjects(target);
    // 2. A role outside the policy connected to the queue's database.
    const strangers = a.connections.filter((c) => c.database === target.connection.database && !allowed.has(c.user));
    if (strangers.length > 0) {
      out.push(
        fail(
          ID,
          b.resource,
          "unexpected-connections",
          `${b.resource.id}: role(s) outside the policy of ${target.name} connected to ${shown(target.connection.database)} ${period(read)}: ${strangers
            .slice(0, NAMED)
            .map((c) => `${shown(c.user)} from ${shownAddress(c.address, "(local)")} (${c.count})`)
            .join(", ")}${andMore(strangers.length)}. Find who uses the credential; disable the role or add it to the policy.`,
          { ...base, connections: strangers.slice(0, SHOWN).map((c) => ({ user: shown(c.user), address: shown(c.address), ...seen(c) })) },
        ),
      );
    }
    // 3. A role outside the policy was refused a queue table or sequence.
    const refused = a.denied.filter((d) => queue.has(d.object) && !allowed.has(d.user));
    if (refused.length > 0) {
      out.push(
        fail(
          ID,
          b.resource,
          "denied-access",
          `${b.resource.id}: role(s) outside the policy tried to use the queue ${period(read)} and were refused: ${refused
            .slice(0, NAMED)
            .map((d) => `${shown(d.user)} on ${d.objectKind} ${shown(d.object)} from ${shownAddress(d.address, "(local)")} (${d.count})`)
            .join(", ")}${andMore(refused.length)}. The grants held, but someone holds a credential and is probing the queue.`,
          {
            ...base,
            denied: refused.slice(0, SHOWN).map((d) => ({
              user: shown(d.user),
              address: shown(d.address),
              object: shown(d.object),
              objectKind: d.objectKind,
              ...seen(d),
            })),
          },
        ),
      );
    }
    // 4. pgAudit saw a role outside the policy read or write a queue table.
    const audited = a.audited.filter(
      (x) => (x.auditClass === "READ" || x.auditClass === "WRITE") && queue.has(x.object) && !allowed.has(x.user),
    );
    if (audited.length > 0) {
      out.push(
        fail(
          ID,
          b.resource,
          "audited-access",
          `${b.resource.id}: pgAudit recorded role(s) outside the policy using the queue ${period(read)}: ${audited
            .slice(0, NAMED)
            .map((x) => `${shown(x.user)} ${x.auditClass} ${shown(x.object)} (${x.count})`)
            .join(", ")}${andMore(audited.length)}. Revoke the path that let them in (see pg-unexpected-principal).`,
          {
            ...base,
            audited: audited.slice(0, SHOWN).map((x) => ({
              user: shown(x.user),
              address: shown(x.address),
              auditClass: x.auditClass,
              object: shown(x.object),
              ...seen(x),
            })),
          },
        ),
      );
    }
  }

  if (out.length === 0) {
    const failed = a.failedLogins.reduce((n, f) => n + f.count, 0);
    const judged = target
      ? `no role outside the policy of ${target.name} connected, was refused or was audited using the queue`
      : `no postgres[] target named ${b.resource.id} gives a policy, so connections and denials were not judged`;
    out.push(
      pass(
        ID,
        b.resource,
        `${b.resource.id}: read ${read.events} event(s) of ${read.logGroupName} ${period(read)}: ${failed} failed login(s), none reaching ${threshold} from one address; ${judged}.`,
        { ...base, threshold, summary: summary(a) },
      ),
    );
  }
  return out;
}

function summary(a: AccessAttempts) {
  const total = (xs: readonly Seen[]) => xs.reduce((n, x) => n + x.count, 0);
  return {
    failedLogins: total(a.failedLogins),
    connections: total(a.connections),
    connectionsByUser: Object.fromEntries(
      [...a.connections.reduce((m, c) => m.set(c.user, (m.get(c.user) ?? 0) + c.count), new Map<string, number>())]
        .slice(0, SHOWN)
        .map(([u, n]) => [shown(u), n]),
    ),
    denied: total(a.denied),
    audited: total(a.audited),
  };
}
