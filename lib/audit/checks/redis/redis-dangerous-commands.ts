import type { CheckResult } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { accessFix } from "./acl/fix.js";
import { judgedTargets, roleOf } from "./acl/judged.js";
import { shownName } from "./acl/quote.js";
import { accessEvidence, enabledUsers, unreadResults } from "./acl/verdicts.js";

const ID = "redis-dangerous-commands";

export const redisDangerousCommands: Check = {
  meta: {
    id: ID,
    title: "Redis user can wipe or move the whole keyspace",
    severity: "high",
    resourceType: "Redis::User",
    rationale:
      "Key patterns do not limit keyless commands: a cache user with `~cache:* +@all` can still FLUSHALL, SWAPDB, REPLICAOF, CONFIG SET or ACL SETUSER, and so destroy, replace or take over the job queue although it cannot name one queue key.",
    remediation:
      "Take keyspace- and server-wide commands away from every user that is not an admin: `ACL SETUSER NAME -@dangerous` (or the listed commands one by one); on ElastiCache append them to the access string with `aws elasticache modify-user`.",
    references: [
      "Redis ACL categories (@dangerous, @admin, @keyspace): https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/",
    ],
  },
  evaluate(ctx) {
    const out: CheckResult[] = [];
    for (const t of judgedTargets(ctx)) {
      out.push(...unreadResults(ID, t, "which users can run keyspace-wide commands"));
      if (!t.ok) continue;
      let failed = false;
      for (const { user, access, userId } of enabledUsers(t)) {
        // Principals' dangerous commands are redis-excess-access findings; admins may do anything.
        if (roleOf(t.target, user.name) !== "other" || access.dangerous.length === 0) continue;
        failed = true;
        const list = access.dangerous.map((d) => `${d.command} (${d.effect})`).join(", ");
        const rules = [...new Set(access.dangerous.map((d) => d.rule))].join("; ");
        out.push({
          ...fail(
            ID,
            t.resource,
            user.name,
            `User ${shownName(user.name)} of ${t.target.name} is not an admin but can run ${list}, granted by ${rules}: it can destroy or move the job queue without naming one queue key.`,
            { source: t.source.description, rules: user.rules, ...(userId ? { userId } : {}), dangerous: access.dangerous },
          ),
          fix: accessFix(
            { user: user.name, rules: user.rules, queueKeys: t.target.keys, ...(userId ? { elastiCacheUserId: userId } : {}) },
            {
              allow: { read: access.read !== undefined, write: access.write !== undefined },
              revoke: access.dangerous.map((d) => d.command.toLowerCase().replace(" ", "|")),
            },
            `Take ${access.dangerous.map((d) => d.command).join(", ")} away from ${shownName(user.name)}.`,
          ),
        });
      }
      if (!failed && t.unreadable.length === 0) {
        out.push(pass(ID, t.resource, `On ${t.target.name}, only admins can run keyspace- or server-wide commands.`, accessEvidence(t)));
      }
    }
    return out;
  },
};
