import type { CheckResult, ObservationError } from "../../findings/model.js";
import type { RedisAclObservation } from "../../probes/redis/types.js";
import { fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";
import { notProbed, redisSubjects, where } from "./targets.js";

/** Why the ACL was not read, as the cause of an ERROR verdict. */
function aclCause(acl: RedisAclObservation, at: string): ObservationError {
  switch (acl.outcome) {
    case "forbidden":
      return {
        source: `redis://${at} ACL GETUSER default`,
        reason: `user ${acl.username} may not read ACLs (${acl.reply ?? "refused"}); grant it +acl|getuser, or remove the target's credentials and rely on cache-default-user-open`,
        code: "Forbidden",
      };
    case "auth-failed":
      return {
        source: `redis://${at} AUTH`,
        reason: `the server refused the credentials of user ${acl.username} (${acl.reply ?? "refused"})`,
        code: "AuthFailed",
      };
    default:
      return acl.error ?? { source: `redis://${at} ACL`, reason: "the ACL of the default user was not read", code: "UNKNOWN" };
  }
}

export const redisDefaultUserOpen: Check = {
  meta: {
    id: "redis-default-user-open",
    title: "Redis default user needs no password",
    severity: "critical",
    resourceType: "Redis::Endpoint",
    rationale:
      "Redis logs every new connection in as `default`. When that user is on with `nopass`, every per-client user and password is decorative: anyone who reaches the port gets the default user's access to the job queue.",
    remediation:
      "Turn the default user off. Self-managed: `user default off` in the ACL file (or `ACL SETUSER default off` then `ACL SAVE`, after giving every client its own user). ElastiCache: `aws elasticache create-user --user-id queue-default-off --user-name default --engine redis --access-string 'off ~* -@all' --authentication-mode Type=no-password-required` then `aws elasticache modify-user-group --user-group-id queue-users --user-ids-to-add queue-default-off --user-ids-to-remove default`.",
    references: [
      "Redis ACL: https://redis.io/docs/latest/operate/oss_and_stack/management/security/acl/",
      "Amazon ElastiCache User Guide: Role-Based Access Control (RBAC)",
    ],
  },
  evaluate(ctx) {
    const out: CheckResult[] = [];
    for (const { target, resource, observation: o } of redisSubjects(ctx)) {
      // In scope only with audit credentials (CHECKS.md), and where the config demands authentication.
      if (!target.credentials || target.auth !== "required") continue;
      if (!o) {
        out.push(unobserved("redis-default-user-open", resource, notProbed(target), `the default user of ${target.name}`));
        continue;
      }
      const acl = o.acl;
      if (acl?.outcome !== "read") {
        const cause = acl
          ? aclCause(acl, where(target))
          : { source: `redis://${where(target)} ACL`, reason: "the ACL was not read", code: "NotProbed" };
        out.push(unobserved("redis-default-user-open", resource, cause, `the default user of ${target.name}`));
        continue;
      }
      const user = acl.defaultUser;
      const evidence = { command: acl.command, auditUser: acl.username, ...(user ? { defaultUser: user } : { defaultUser: null }) };
      if (user?.on && user.nopass) {
        out.push(
          fail(
            "redis-default-user-open",
            resource,
            "default",
            `The default user of ${target.name} (${where(target)}) is on with nopass ("${user.raw}"): anyone who connects gets its access; turn it off.`,
            evidence,
          ),
        );
        continue;
      }
      const why = !user ? "there is no default user" : !user.on ? "the default user is off" : "the default user needs a password";
      out.push(pass("redis-default-user-open", resource, `On ${target.name}, ${why}.`, evidence));
    }
    return out;
  },
};
