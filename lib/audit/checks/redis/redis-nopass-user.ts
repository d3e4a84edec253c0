import type { CheckResult } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { describeAccess } from "./acl/access.js";
import { passwordFix } from "./acl/fix.js";
import { judgedTargets } from "./acl/judged.js";
import { shownName } from "./acl/quote.js";
import { enabledUsers, unreadResults } from "./acl/verdicts.js";

const ID = "redis-nopass-user";

export const redisNopassUser: Check = {
  meta: {
    id: ID,
    title: "Redis user logs in with any password",
    severity: "critical",
    resourceType: "Redis::User",
    rationale:
      "An enabled `nopass` user accepts every password: anyone who reaches the port and knows (or guesses) its name — names sit in every client's config — has its access. `default` is covered by redis-default-user-open and cache-default-user-open.",
    remediation:
      "Give the user a password (`ACL SETUSER NAME resetpass #SHA256`; ElastiCache `aws elasticache modify-user --user-id ID --authentication-mode Type=password,Passwords=…`) or turn it off.",
    references: ["Redis ACL (nopass): https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/"],
  },
  evaluate(ctx) {
    const out: CheckResult[] = [];
    for (const t of judgedTargets(ctx)) {
      out.push(...unreadResults(ID, t, "which users need a password"));
      if (!t.ok) continue;
      let failed = false;
      for (const { user, access, userId } of enabledUsers(t)) {
        if (user.name === "default" || !user.nopass) continue;
        failed = true;
        const can = describeAccess(access);
        out.push({
          ...fail(
            ID,
            t.resource,
            user.name,
            `User ${shownName(user.name)} of ${t.target.name} is on with nopass: any password logs in as it, and it ${can}.`,
            { source: t.source.description, rules: user.rules, ...(userId ? { userId } : {}), can },
          ),
          fix: passwordFix(user.name, userId),
        });
      }
      if (!failed && t.unreadable.length === 0) {
        const users = enabledUsers(t).map((u) => u.user.name);
        out.push(
          pass(ID, t.resource, `On ${t.target.name}, every enabled user other than default needs a password.`, {
            source: t.source.description,
            enabledUsers: users,
          }),
        );
      }
    }
    return out;
  },
};
