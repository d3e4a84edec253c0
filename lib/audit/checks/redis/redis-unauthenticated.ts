import type { CheckResult } from "../../findings/model.js";
import type { RedisObservation } from "../../probes/redis/types.js";
import { fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";
import { notProbed, redisSubjects, tlsEvidence, where } from "./targets.js";

/**
 * Every connection that sent no credentials and was served as `default`: a `+PONG`, or a
 * `-NOPERM` (the server let the connection in and only the ACL refused PING itself).
 */
function openDoors(o: RedisObservation): { transport: string; port: number; reply: string }[] {
  const doors: { transport: string; port: number; reply: string }[] = [];
  const u = o.unauthenticated;
  if ((u.outcome === "accepted" || u.outcome === "noperm") && u.reply) {
    doors.push({ transport: u.transport ?? "tls", port: o.port, reply: u.reply });
  }
  const p = o.plaintext;
  if (p?.reply && /^(\+PONG|-NOPERM)/i.test(p.reply) && !(u.transport === "plaintext" && p.port === o.port)) {
    doors.push({ transport: "plaintext", port: p.port, reply: p.reply });
  }
  return doors;
}

export const redisUnauthenticated: Check = {
  meta: {
    id: "redis-unauthenticated",
    title: "Redis answers without credentials",
    severity: "critical",
    resourceType: "Redis::Endpoint",
    rationale:
      "A Redis that serves a connection which sent no credentials lets anyone who reaches the port read, change or delete the job queue: enqueue arbitrary jobs for the workers to run, drop pending ones, or read their payloads.",
    remediation:
      'Require authentication. Self-managed: turn the default user off and give each client its own user (`user default off` and `user app_worker on >PASSWORD ~queue:* +@all -@dangerous` in the ACL file, or at least `requirepass`). ElastiCache: attach an RBAC user group whose `default` user is off (`aws elasticache modify-replication-group --replication-group-id jobs-redis --user-group-ids-to-add queue-users --apply-immediately`), or set an AUTH token (`--auth-token "$TOKEN" --auth-token-update-strategy ROTATE`, with in-transit encryption on).',
    references: [
      "AWS Security Hub ElastiCache.6",
      "Redis security: https://redis.io/docs/latest/operate/oss_and_stack/management/security/",
      "Amazon ElastiCache User Guide: Authenticating with the Redis OSS AUTH command; Role-Based Access Control (RBAC)",
    ],
  },
  evaluate(ctx) {
    const out: CheckResult[] = [];
    for (const { target, resource, observation: o } of redisSubjects(ctx)) {
      if (target.auth !== "required") continue; // the config accepts unauthenticated access
      if (!o) {
        out.push(unobserved("redis-unauthenticated", resource, notProbed(target), `whether ${target.name} demands credentials`));
        continue;
      }
      const doors = openDoors(o);
      const evidence = { host: o.host, port: o.port, tls: tlsEvidence(o) };
      if (doors.length > 0) {
        const first = doors[0] as (typeof doors)[number];
        const served = /^-NOPERM/i.test(first.reply)
          ? "logs connections without credentials in as `default` (PING was refused by its ACL, other commands may not be)"
          : `answers PING without credentials (${first.reply})`;
        out.push(
          fail(
            "redis-unauthenticated",
            resource,
            undefined,
            `${target.name} (${where(target)}) ${served}: turn the default user off or require AUTH.`,
            {
              ...evidence,
              unauthenticated: doors,
            },
          ),
        );
        continue;
      }
      if (o.error) {
        out.push(unobserved("redis-unauthenticated", resource, o.error, `whether ${target.name} demands credentials`));
        continue;
      }
      const u = o.unauthenticated;
      if (u.outcome === "noauth" || u.outcome === "wrongpass") {
        out.push(
          pass("redis-unauthenticated", resource, `${target.name} (${where(target)}) refuses commands without credentials (${u.reply}).`, {
            ...evidence,
            transport: u.transport,
            reply: u.reply,
          }),
        );
        continue;
      }
      const cause = u.error ?? {
        source: `redis://${where(target)} PING`,
        reason: `no usable reply to PING without credentials${u.reply ? ` (${u.reply})` : ""}`,
        code: "UNEXPECTED",
      };
      out.push(unobserved("redis-unauthenticated", resource, cause, `whether ${target.name} demands credentials`));
    }
    return out;
  },
};
