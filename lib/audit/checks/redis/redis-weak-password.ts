import type { CheckResult } from "../../findings/model.js";
import type { WeakPasswordUser } from "../../probes/weak-passwords.js";
import { fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";
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
    for (const { target, resource, observation } of redisSubjects(ctx)) {
      if (!target.probe?.weakPasswords) continue;
      const what = `which users of ${target.name} accept a listed password`;
      if (!observation) {
        out.push(unobserved(ID, resource, notProbed(target), what));
        continue;
      }
      const trial = observation.weakPasswords;
      if (!trial || trial.error) {
        const cause = trial?.error ?? {
          source: `redis://${where(target)} AUTH`,
          reason: `the probe of ${target.name} did not try the weak-password list`,
          code: "NotProbed",
        };
        out.push(unobserved(ID, resource, cause, what));
        continue;
      }
      let bad = false;
      for (const u of trial.users) {
        const name = shownName(u.user);
        if (u.outcome === "weak" || u.outcome === "any-password") {
          bad = true;
          const how =
            u.outcome === "weak"
              ? "a password from the documented weak-password list (docs/weak-passwords.md) logged in as it"
              : "a random password logged in as it: it accepts any password (nopass)";
          out.push({
            ...fail(ID, resource, u.user, `User ${name} of ${target.name}: ${how}. Anyone who reaches ${where(target)} can be this user.`, {
              user: name,
              outcome: u.outcome,
              attempts: u.attempts,
              listSize: trial.listSize,
            }),
            fix: passwordFix(u.user, undefined),
          });
        } else if (u.outcome === "error") {
          bad = true;
          const cause = u.error ?? { source: `redis://${where(target)} AUTH`, reason: "the trial did not finish", code: "TrialError" };
          out.push(unobserved(ID, resource, cause, `whether user ${name} of ${target.name} accepts a listed password`, u.user));
        }
      }
      if (trial.notTried?.length) {
        bad = true;
        out.push(
          unobserved(
            ID,
            resource,
            {
              source: `redis://${where(target)} AUTH`,
              reason: `${trial.notTried.length} user(s) beyond the first ${trial.users.length} were not tried (${trial.notTried.slice(0, 5).map(shownName).join(", ")}…)`,
              code: "TooManyUsers",
            },
            what,
          ),
        );
      }
      if (!bad) out.push(pass(ID, resource, passMessage(target.name, trial.listSize, trial.paceMs, trial.users), evidence(trial.users)));
    }
    return out;
  },
};

function passMessage(name: string, listSize: number, paceMs: number, users: readonly WeakPasswordUser[]): string {
  const strong = users.filter((u) => u.outcome === "strong").map((u) => shownName(u.user));
  const closed = users.filter((u) => u.outcome === "cannot-login").map((u) => shownName(u.user));
  const tried = strong.length > 0 ? `none of ${strong.join(", ")} accepted` : "no user to try";
  return `${name}: tried the ${listSize}-password list of docs/weak-passwords.md (and a random password) ${paceMs} ms apart: ${tried}${closed.length ? `; ${closed.join(", ")} cannot log in` : ""}.`;
}

function evidence(users: readonly WeakPasswordUser[]) {
  return { users: users.map((u) => ({ user: shownName(u.user), outcome: u.outcome, attempts: u.attempts })) };
}
