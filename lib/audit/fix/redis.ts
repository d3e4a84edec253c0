/**
 * Fixes for the live Redis checks. `ACL SETUSER default off` closes the door only when the
 * auditor has a named user of its own (so the audit keeps working); otherwise, and on
 * ElastiCache (where ACL commands are AWS's), the fix says what must change first.
 */
import type { AuditContext } from "../checks/types.js";
import type { RedisTarget } from "../config/schema.js";
import type { CheckResult, Fix } from "../findings/model.js";

function targetOf(ctx: AuditContext, result: CheckResult): RedisTarget | undefined {
  return ctx.config.redis.find((t) => t.name === result.resource.id);
}

const isElastiCache = (t: RedisTarget) => /\.cache\.amazonaws\.com(\.cn)?$/i.test(t.endpoint.host);

const PERSIST =
  "ACL SETUSER changes memory only: persist them with ACL SAVE (aclfile) or CONFIG REWRITE (users in redis.conf), or the next restart reopens the door.";

export function defaultUserOffFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const target = targetOf(ctx, result);
  if (!target) return undefined;
  if (isElastiCache(target)) {
    return {
      kind: "manual",
      text: `${target.name} is ElastiCache, whose users are managed by AWS: attach a user group whose default user is off (see the cache-default-user-open and cache-auth-disabled fixes).`,
      commands: [],
    };
  }
  const auditUser = target.credentials?.username;
  if (!auditUser || auditUser === "default") {
    return {
      kind: "manual",
      text: `Client change first: the auditor and any client without a user name log in as default on ${target.name}. Create ACL users for the workers and the auditor (ACL SETUSER name on >password ~queue-keys +@…), move every client to its user, then turn the default user off.`,
      commands: ["ACL SETUSER default off"],
    };
  }
  return {
    kind: "redis-acl",
    text: `Turn the default user of ${target.name} off: clients that connect without a user name stop working (the auditor logs in as ${auditUser}, so the audit keeps running). ${PERSIST}`,
    commands: ["ACL SETUSER default off"],
  };
}

export function plaintextFix(result: CheckResult, ctx: AuditContext): Fix | undefined {
  const target = targetOf(ctx, result);
  const port = (result.evidence as { plaintext?: { port?: number } }).plaintext?.port;
  if (!target) return undefined;
  if (isElastiCache(target)) {
    return {
      kind: "manual",
      text: `${target.name} is ElastiCache: switch its TransitEncryptionMode to required once every client uses TLS (see the cache-transit-encryption fix).`,
      commands: [],
    };
  }
  return {
    kind: "manual",
    text: `Client change first: once the plaintext listener${port ? ` on port ${port}` : ""} is closed, only TLS clients can connect to ${target.name}. Move every client to TLS (tls-port), then close it (Redis 7: CONFIG SET port 0, and port 0 in redis.conf).`,
    commands: ["CONFIG SET port 0"],
  };
}
