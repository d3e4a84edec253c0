import type { CheckResult } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import type { UserAccess } from "./acl/access.js";
import { accessFix } from "./acl/fix.js";
import { judgedTargets, roleOf } from "./acl/judged.js";
import { shownName } from "./acl/quote.js";
import { accessEvidence, enabledUsers, PAYLOAD_NOTE, unreadResults } from "./acl/verdicts.js";

const ID = "redis-unexpected-user";

/**
 * What the user does to which queue keys: "reads them (RULE) and changes them (RULE): KEYS"
 * when both reach the same keys, else each grant with its own keys (a user that reads
 * `queue:*` and changes only `dead` must not read as changing `queue:*`).
 */
function reachOf(access: UserAccess): string {
  const { read, write } = access;
  const readKeys = read?.queueKeys.join(", ");
  const writeKeys = write?.queueKeys.join(", ");
  if (read && write && readKeys !== writeKeys) return `reads ${readKeys} (${read.rule}) and changes ${writeKeys} (${write.rule})`;
  const grants = [read && `reads them (${read.rule})`, write && `changes them (${write.rule})`].filter(Boolean).join(" and ");
  return `${grants}: ${readKeys ?? writeKeys}`;
}

export const redisUnexpectedUser: Check = {
  meta: {
    id: ID,
    title: "Redis user outside the policy can reach the queue keys",
    severity: "high",
    resourceType: "Redis::User",
    rationale:
      "An enabled ACL user that is neither an admin nor a principal of the policy, yet can read or change the queue keys, can read every job's arguments or enqueue jobs the workers will run. A pattern such as `~*` or `~*:default` reaches the queue even when it was meant for a cache.",
    remediation:
      "Take the queue keys away from the user: rewrite its key patterns so none of them matches a queue key (`ACL SETUSER NAME resetkeys ~cache:*`; on ElastiCache `aws elasticache modify-user --user-id ID --access-string '…'`), or add it to `principals` if it is a worker.",
    references: ["Redis ACL: https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/"],
  },
  evaluate(ctx) {
    const out: CheckResult[] = [];
    for (const t of judgedTargets(ctx)) {
      out.push(...unreadResults(ID, t, "who can reach the queue keys"));
      if (!t.ok) continue;
      let failed = false;
      for (const { user, access, userId } of enabledUsers(t)) {
        if (roleOf(t.target, user.name) !== "other") continue;
        if (!access.read && !access.write) continue;
        failed = true;
        const what = access.read && access.write ? "read and change" : access.read ? "read" : "change";
        out.push({
          ...fail(
            ID,
            t.resource,
            user.name,
            `User ${shownName(user.name)} of ${t.target.name} is not in the policy but ${reachOf(access)}; ${PAYLOAD_NOTE}. Take the queue keys out of its patterns or make it a principal.`,
            { source: t.source.description, rules: user.rules, ...(userId ? { userId } : {}), ...access },
          ),
          fix: accessFix(
            { user: user.name, rules: user.rules, queueKeys: t.target.keys, ...(userId ? { elastiCacheUserId: userId } : {}) },
            { allow: { read: false, write: false }, revoke: [] },
            `Remove ${shownName(user.name)}'s ${what} access to the queue keys; its other key patterns stay.`,
          ),
        });
      }
      if (!failed && t.unreadable.length === 0) {
        out.push(
          pass(ID, t.resource, `On ${t.target.name}, only the policy's principals and admins can reach the queue keys.`, accessEvidence(t)),
        );
      }
    }
    return out;
  },
};
