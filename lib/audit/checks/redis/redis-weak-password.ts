import type { CheckResult } from "../../findings/model.js";
import { unobserved } from "../results.js";
import type { Check } from "../types.js";
import { trialResults } from "../weak-passwords.js";
import { passwordFix } from "./acl/fix.js";
import { shownName } from "./acl/quote.js";
import { notProbed, redisSubjects, where } from "./targets.js";

const ID = "redis-weak-password";

export const redisWeakPassword: Check = {
  meta: {
    id: ID,
    title: "Redis user with a default or common password",
    severity: "critical",
    resourceType: "Redis::User",
    rationale:
      "A password from the short public list every scanner tries first (empty, the user's own name, `password`, `foobared`, `changeme`, …) is no password: anyone who reaches the port logs in as the user within seconds. Only checked with `probe.weakPasswords: true`; which password matched is never recorded.",
    remediation:
      "Give the user a long random password now (`ACL SETUSER NAME resetpass >$(openssl rand -hex 32)`, or `#SHA256` of it; ElastiCache `aws elasticache modify-user --user-id ID --passwords …`), update its clients from your secret store, and look in redis-access-attempts and `ACL LOG` for who may already have used it.",
    references: [
      "https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/",
      "docs/weak-passwords.md (the list, the pace, what the target's logs show)",
    ],
  },
  evaluate(ctx) {
    const out: CheckResult[] = [];
    for (const { target, observation } of redisSubjects(ctx)) {
      if (!target.probe?.weakPasswords) continue;
      // A verdict on the endpoint's users, like the other per-user checks (same id: the target's name).
      const resource = { type: "Redis::User" as const, id: target.name };
      if (!observation) {
        out.push(unobserved(ID, resource, notProbed(target), `which users of ${target.name} accept a listed password`));
        continue;
      }
      out.push(
        ...trialResults(
          {
            checkId: ID,
            resource,
            target: target.name,
            where: where(target),
            noun: "user",
            shown: shownName,
            fix: (user) => passwordFix(user, undefined),
            missing: {
              source: `redis://${where(target)} AUTH`,
              reason: `the probe of ${target.name} did not try the weak-password list`,
              code: "NotProbed",
            },
          },
          observation.weakPasswords,
        ),
      );
    }
    return out;
  },
};
