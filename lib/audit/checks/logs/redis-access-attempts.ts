/**
 * Who tried, on Redis: the server's own `ACL LOG` (read by the live probe on the audit
 * user's session) judged over the period. Lives beside pg-access-attempts: the same
 * switch (`logs:`), the same threshold, the same shape of evidence.
 */
import type { RedisTarget } from "../../config/schema.js";
import type { CheckResult, ObservationError, ResourceRef } from "../../findings/model.js";
import { WEAK_PASSWORD_TRIAL_MAX_ATTEMPTS } from "../../model/weak-password-trial.js";
import { addressOf, entriesGone } from "../../probes/redis/acl-log.js";
import type { RedisAclLogEntry, RedisAclLogObservation } from "../../probes/redis/types.js";
import { globMatches } from "../redis/acl/glob.js";
import { notProbed, redisSubjects, where } from "../redis/targets.js";
import { fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";
import { andMore, NAMED, shown, shownAddress } from "./shown.js";

const ID = "redis-access-attempts";

/** Entries shown in evidence per kind; the totals count them all. */
const SHOWN = 20;

/** Redis's default `acllog-max-len`: a log holding this many entries may have dropped older ones (Redis < 7.2 says no more). */
export const DEFAULT_ACLLOG_MAX_LEN = 128;

export const redisAccessAttempts: Check = {
  meta: {
    id: ID,
    title: "Access attempts on the queue's Redis",
    severity: "high",
    resourceType: "Redis::Endpoint",
    rationale:
      "ACL users say who could reach the queue; Redis's own ACL log says who tried. Repeated failed AUTH from one address is password guessing; a user outside the policy refused a command, key or channel, or any user refused a queue key, holds a credential and is probing beyond it.",
    remediation:
      "Investigate the sources in the evidence (`ACL LOG 20` shows them with their client info): block the address in the security group, rotate the password of the targeted user (`ACL SETUSER NAME resetpass >NEW`; ElastiCache `modify-user`), turn off a user that should not be used (`ACL SETUSER NAME off`), or add it to the policy if it is a legitimate principal.",
    references: [
      "https://redis.io/docs/latest/commands/acl-log/",
      "https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/",
    ],
  },
  evaluate(ctx) {
    const settings = ctx.config.logs;
    if (!settings) return [];
    const out: CheckResult[] = [];
    for (const { target, resource, observation } of redisSubjects(ctx)) {
      const what = `the access attempts in the ACL log of ${target.name}`;
      if (!target.credentials) {
        out.push(
          unobserved(
            ID,
            resource,
            {
              source: `redis://${where(target)} ACL LOG`,
              reason: `${target.name} has no credentials: the ACL log is read on the audit user's session (give the target credentials of a user with +acl|log)`,
              code: "NoCredentials",
            },
            what,
          ),
        );
        continue;
      }
      if (!observation) {
        out.push(unobserved(ID, resource, notProbed(target), what));
        continue;
      }
      const log = observation.aclLog;
      if (!log) {
        const cause: ObservationError = {
          source: `redis://${where(target)} ACL LOG`,
          reason: `the probe of ${target.name} did not read the ACL log`,
          code: "NotProbed",
        };
        out.push(unobserved(ID, resource, cause, what));
        continue;
      }
      if (log.outcome !== "read" || !log.entries || !log.readAt) {
        const cause: ObservationError = log.error ?? {
          source: `redis://${where(target)} ACL LOG`,
          reason: `the ACL log was not read (${log.outcome}${log.reply ? `: ${log.reply}` : ""}); the audit user needs +acl|log`,
          code: log.outcome === "forbidden" ? "Forbidden" : "NotRead",
        };
        out.push(unobserved(ID, resource, cause, what));
        continue;
      }
      const since = periodStart(ctx.inventory.partitions, log.readAt, settings.lookbackMinutes);
      out.push(...judge(target, resource, log, log.entries, log.readAt, settings.failedLoginThreshold, since));
    }
    return out;
  },
};

/**
 * Where the judged period starts: the log period the run read PostgreSQL's logs over (the
 * previous recorded run's start, which the collector sets on every partition), so Redis and
 * PostgreSQL are judged over the same period; without one (no earlier run known, an
 * inventory without logs), the `lookbackMinutes` before the ACL log's read.
 */
export function periodStart(partitions: readonly { logsSince?: string }[], readAt: string, lookbackMinutes: number): string {
  const readMs = Date.parse(readAt);
  const starts = partitions.map((p) => (p.logsSince ? Date.parse(p.logsSince) : Number.NaN)).filter((t) => t < readMs);
  const start = starts.length > 0 ? Math.min(...starts) : readMs - lookbackMinutes * 60_000;
  return new Date(start).toISOString();
}

interface Tally {
  count: number;
  first: string;
  last: string;
}

const firstOf = (e: RedisAclLogEntry) => e.first ?? e.last;

function bump<T extends Tally>(map: Map<string, T>, key: string, e: RedisAclLogEntry, make: () => Omit<T, keyof Tally>): T {
  const seen = map.get(key);
  if (seen) {
    seen.count += e.count;
    if (firstOf(e) < seen.first) seen.first = firstOf(e);
    if (e.last > seen.last) seen.last = e.last;
    return seen;
  }
  const fresh = { ...make(), count: e.count, first: firstOf(e), last: e.last } as T;
  map.set(key, fresh);
  return fresh;
}

const seen = (t: Tally) => ({ count: t.count, first: t.first, last: t.last });

/** The users whose denials are the policy's own business: admins, principals and the audit user. */
function policyUsers(t: RedisTarget): Set<string> {
  return new Set([...t.admins, ...Object.keys(t.principals), ...(t.credentials ? [t.credentials.username] : [])]);
}

/** Attempts one weak-password trial makes per user: the canary and the list. */
const TRIAL_ATTEMPTS = WEAK_PASSWORD_TRIAL_MAX_ATTEMPTS;

/**
 * The weak-password trial (docs/weak-passwords.md) fails its AUTHs on a connection logged in
 * as the audit user, so Redis records them with `user=AUDITOR` in the client info; a stranger
 * cannot make such an entry without the audit user's password. Up to one trial's attempts
 * are taken off such an entry; what Redis grouped into it beyond that still counts.
 */
function withoutOwnTrial(e: RedisAclLogEntry, target: RedisTarget): RedisAclLogEntry[] {
  const auditor = target.credentials?.username;
  if (e.reason !== "auth" || !auditor || auditor === "default" || e.clientUser !== auditor) return [e];
  const foreign = e.count - Math.min(e.count, TRIAL_ATTEMPTS);
  return foreign > 0 ? [{ ...e, count: foreign }] : [];
}

function judge(
  target: RedisTarget,
  resource: ResourceRef,
  log: RedisAclLogObservation,
  entries: readonly RedisAclLogEntry[],
  readAt: string,
  threshold: number,
  since: string,
): CheckResult[] {
  const period = `from ${since} to ${readAt}`;
  const inPeriod = entries.filter((e) => e.last >= since).flatMap((e) => withoutOwnTrial(e, target));
  const oldest = entries.reduce<string | undefined>((min, e) => (min === undefined || e.last < min ? e.last : min), undefined);
  const gone = entriesGone(entries);
  // The ring drops the least recently updated entry first, so what is gone was last updated before `oldest`.
  const mayHaveLost = entries.length >= log.limit || (gone === undefined ? entries.length >= DEFAULT_ACLLOG_MAX_LEN : gone > 0);
  const policy = target.keys.length > 0;
  const base = {
    source: `ACL LOG ${log.limit} on ${where(target)}`,
    since,
    until: readAt,
    entriesRead: entries.length,
    entriesInPeriod: inPeriod.length,
    ...(oldest ? { oldestEntryUpdated: oldest } : {}),
    ...(gone !== undefined ? { entriesGone: gone } : {}),
    ...(mayHaveLost ? { logFull: true } : {}),
    policy: policy ? target.name : null,
  };
  const out: CheckResult[] = [];

  if (mayHaveLost && oldest !== undefined && oldest >= since) {
    const lost =
      gone !== undefined && gone > 0
        ? `${gone} older entries are gone`
        : entries.length >= log.limit
          ? `the log holds at least the ${log.limit} entries read`
          : `it holds ${entries.length} entries, the default acllog-max-len`;
    out.push(
      unobserved(
        ID,
        resource,
        {
          source: `redis://${where(target)} ACL LOG`,
          reason: `the ACL log of ${target.name} reaches back only to ${oldest}, inside the period ${period}, and ${lost}: attempts earlier in the period may have been dropped from the ring (raise acllog-max-len, or audit more often)`,
          code: "AclLogFull",
        },
        `the access attempts in the ACL log of ${target.name}`,
      ),
    );
  }

  // 1. Password guessing: failed AUTH per source address (Redis keeps the last client of a group).
  const perAddress = new Map<string, Tally & { users: Map<string, number> }>();
  for (const e of inPeriod) {
    if (e.reason !== "auth") continue;
    const t = bump(perAddress, addressOf(e.clientAddr), e, () => ({ users: new Map<string, number>() }));
    t.users.set(e.username, (t.users.get(e.username) ?? 0) + e.count);
  }
  const guessing = [...perAddress.entries()].filter(([, t]) => t.count >= threshold).sort((x, y) => y[1].count - x[1].count);
  if (guessing.length > 0) {
    const sources = guessing.map(
      ([address, t]) =>
        `${shownAddress(address, "(unknown)")} (${t.count}, users ${[...t.users.keys()].slice(0, NAMED).map(shown).join(", ")}${andMore(t.users.size)})`,
    );
    out.push(
      fail(
        ID,
        resource,
        "failed-logins",
        `${target.name}: ${guessing.length} address(es) failed to AUTH ${threshold} times or more ${period}: ${sources.slice(0, NAMED).join("; ")}. Block the source and rotate the targeted passwords.`,
        {
          ...base,
          threshold,
          sources: guessing.slice(0, SHOWN).map(([address, t]) => ({
            address: shownAddress(address, "(unknown)"),
            ...seen(t),
            users: Object.fromEntries([...t.users].slice(0, SHOWN).map(([u, n]) => [shown(u), n])),
          })),
        },
      ),
    );
  }

  if (policy) {
    const allowed = policyUsers(target);
    type Denial = Tally & { user: string; reason: string; object: string; address: string };
    const denials = (keep: (e: RedisAclLogEntry) => boolean) => {
      const map = new Map<string, Denial>();
      for (const e of inPeriod) {
        if (e.reason === "auth" || !keep(e)) continue;
        const address = addressOf(e.clientAddr);
        bump(map, [e.username, e.reason, e.object, address].join("\u0000"), e, () => ({
          user: e.username,
          reason: e.reason,
          object: e.object,
          address,
        }));
      }
      return [...map.values()].sort((a, b) => b.count - a.count);
    };
    const shownDenial = (d: Denial) => ({
      user: shown(d.user),
      reason: d.reason,
      object: shown(d.object),
      address: shownAddress(d.address, "(unknown)"),
      ...seen(d),
    });
    const line = (d: Denial) => `${shown(d.user)} ${d.reason} ${shown(d.object)} from ${shownAddress(d.address, "(unknown)")} (${d.count})`;

    // 2. A user outside the policy was refused a command, key or channel.
    const outsiders = denials((e) => !allowed.has(e.username));
    if (outsiders.length > 0) {
      out.push(
        fail(
          ID,
          resource,
          "denied-access",
          `${target.name}: user(s) outside the policy were refused ${period}: ${outsiders.slice(0, NAMED).map(line).join(", ")}${andMore(outsiders.length)}. The ACL held, but someone holds a credential and is probing beyond it.`,
          { ...base, denied: outsiders.slice(0, SHOWN).map(shownDenial) },
        ),
      );
    }
    // 3. A policy user (admin, principal, the audit user) was refused a queue key: a credential used beyond its role.
    const queueKey = (e: RedisAclLogEntry) => e.reason === "key" && target.keys.some((p) => globMatches(p, e.object));
    const insiders = denials((e) => allowed.has(e.username) && queueKey(e));
    if (insiders.length > 0) {
      out.push(
        fail(
          ID,
          resource,
          "denied-queue-keys",
          `${target.name}: user(s) of the policy were refused queue keys ${period}: ${insiders.slice(0, NAMED).map(line).join(", ")}${andMore(insiders.length)}. A credential is being used beyond its role (or the client needs access the policy does not give).`,
          { ...base, denied: insiders.slice(0, SHOWN).map(shownDenial) },
        ),
      );
    }
  }

  if (out.length === 0) {
    const failed = inPeriod.filter((e) => e.reason === "auth").reduce((n, e) => n + e.count, 0);
    const denied = inPeriod.filter((e) => e.reason !== "auth").reduce((n, e) => n + e.count, 0);
    const judged = policy
      ? `${denied} denied command(s), key(s) or channel(s), none by a user outside the policy of ${target.name} nor on a queue key`
      : `${target.name} has no access policy (keys / queue), so denials were not judged`;
    const lostNote = mayHaveLost
      ? ` The log is full (older entries were dropped), but its oldest entry (${oldest}) predates the period.`
      : "";
    out.push(
      pass(
        ID,
        resource,
        `${target.name}: read ${entries.length} ACL log entr${entries.length === 1 ? "y" : "ies"} (ACL LOG ${log.limit}), ${inPeriod.length} updated ${period}: ${failed} failed AUTH, none reaching ${threshold} from one address; ${judged}.${lostNote}`,
        { ...base, threshold, summary: summary(inPeriod) },
      ),
    );
  }
  return out;
}

function summary(entries: readonly RedisAclLogEntry[]) {
  const byReason: Record<string, number> = {};
  const byUser = new Map<string, number>();
  for (const e of entries) {
    byReason[e.reason] = (byReason[e.reason] ?? 0) + e.count;
    byUser.set(e.username, (byUser.get(e.username) ?? 0) + e.count);
  }
  return { byReason, byUser: Object.fromEntries([...byUser].slice(0, SHOWN).map(([u, n]) => [shown(u), n])) };
}
