import type { CheckResult } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { accessFix } from "./acl/fix.js";
import { judgedTargets, roleOf } from "./acl/judged.js";
import { shownName } from "./acl/quote.js";
import { accessEvidence, enabledUsers, PAYLOAD_NOTE, unreadResults } from "./acl/verdicts.js";

const ID = "redis-excess-access";

export const redisExcessAccess: Check = {
  meta: {
    id: ID,
    title: "Redis principal has more than its policy",
    severity: "high",
    resourceType: "Redis::User",
    rationale:
      "A principal allowed only to read the queue that can also change it can enqueue arbitrary jobs for the workers to run; one allowed to use the queue that can also run FLUSHALL, CONFIG, MIGRATE or ACL SETUSER can wipe, move or take over the whole server.",
    remediation:
      "Narrow the user to its policy: `%R~queue:*` instead of `~queue:*` for a reader, and remove keyspace- and server-wide commands (`-@dangerous`, or `-flushall -flushdb -config …`).",
    references: ["Redis ACL: https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/"],
  },
  evaluate(ctx) {
    const out: CheckResult[] = [];
    for (const t of judgedTargets(ctx)) {
      out.push(...unreadResults(ID, t, "what the principals can do"));
      if (!t.ok) continue;
      let failed = false;
      for (const { user, access, userId } of enabledUsers(t)) {
        if (roleOf(t.target, user.name) !== "principal") continue;
        const allowed = t.target.principals[user.name] ?? [];
        const allow = { read: allowed.includes("read"), write: allowed.includes("write") };
        const excess: string[] = [];
        if (access.read && !allow.read) excess.push(`reads the queue keys (${access.read.rule})`);
        if (access.write && !allow.write) excess.push(`changes the queue keys (${access.write.rule})`);
        if (access.dangerous.length > 0) {
          excess.push(`can run ${access.dangerous.map((d) => `${d.command} (${d.effect}; ${d.rule})`).join(", ")}`);
        }
        if (excess.length === 0) continue;
        failed = true;
        out.push({
          ...fail(
            ID,
            t.resource,
            user.name,
            `Principal ${shownName(user.name)} of ${t.target.name} is allowed [${allowed.join(", ")}] but ${excess.join("; ")}; ${PAYLOAD_NOTE}.`,
            { source: t.source.description, rules: user.rules, allowed, ...(userId ? { userId } : {}), ...access },
          ),
          fix: accessFix(
            { user: user.name, rules: user.rules, queueKeys: t.target.keys, ...(userId ? { elastiCacheUserId: userId } : {}) },
            { allow, revoke: access.dangerous.map((d) => d.command.toLowerCase().replace(" ", "|")) },
            `Narrow ${shownName(user.name)} to [${allowed.join(", ")}] on the queue keys and take away ${access.dangerous.length > 0 ? access.dangerous.map((d) => d.command).join(", ") : "nothing else"}.`,
          ),
        });
      }
      if (!failed && t.unreadable.length === 0) {
        out.push(
          pass(ID, t.resource, `On ${t.target.name}, every principal can do what its policy allows and no more.`, accessEvidence(t)),
        );
      }
    }
    return out;
  },
};
