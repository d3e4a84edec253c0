/**
 * The `redis[]` targets with an access policy, each with its ACL users judged against the
 * queue keys: from the live `ACL LIST` when the probe read it, else from the ElastiCache
 * RBAC users (DescribeUsers access strings) of the cache with the same id. A target with
 * neither is an ERROR: an unread ACL is never compliant.
 */
import type { RedisTarget } from "../../../config/schema.js";
import type { ObservationError, ResourceRef } from "../../../findings/model.js";
import { AclRuleError, type AclUser, parseAclListLine, parseUser } from "../../../model/redis/acl-rules.js";
import { BUNDLED_COMMANDS, type CommandTable } from "../../../model/redis/commands.js";
import { cacheBackends, userGroupIds } from "../../elasticache/subjects.js";
import type { AuditContext } from "../../types.js";
import { type UserAccess, userAccess } from "./access.js";

export interface JudgedUser {
  user: AclUser;
  access: UserAccess;
  /** The ElastiCache user id, when the user came from RBAC. */
  userId?: string;
}

export interface AclSource {
  kind: "acl-list" | "elasticache-rbac";
  /** `ACL LIST on 10.0.1.5:6379` or `elasticache:DescribeUsers (user group queue-users)`. */
  description: string;
  commandTable: string;
  userGroupIds?: string[];
}

export type JudgedTarget =
  | {
      ok: true;
      target: RedisTarget;
      resource: ResourceRef;
      source: AclSource;
      users: JudgedUser[];
      /** Users whose rules could not be read: each is an ERROR, never skipped. */
      unreadable: { name: string; reason: string; userId?: string }[];
    }
  | { ok: false; target: RedisTarget; resource: ResourceRef; error: ObservationError };

export type Role = "admin" | "principal" | "auditor" | "other";

export function roleOf(target: RedisTarget, name: string): Role {
  if (target.admins.includes(name)) return "admin";
  if (Object.hasOwn(target.principals, name)) return "principal";
  return "other";
}

function judge(user: AclUser, target: RedisTarget, table: CommandTable, userId?: string): JudgedUser {
  return { user, access: userAccess(user, target.keys, table), ...(userId ? { userId } : {}) };
}

function fromAclList(target: RedisTarget, lines: readonly string[], table: CommandTable) {
  const users: JudgedUser[] = [];
  const unreadable: { name: string; reason: string }[] = [];
  for (const line of lines) {
    try {
      users.push(judge(parseAclListLine(line, table), target, table));
    } catch (err) {
      if (!(err instanceof AclRuleError)) throw err;
      unreadable.push({ name: /^user (\S+)/.exec(line)?.[1] ?? "(unnamed)", reason: err.message });
    }
  }
  return { users, unreadable };
}

function elastiCacheSource(ctx: AuditContext, target: RedisTarget, resource: ResourceRef): JudgedTarget | undefined {
  const backend = cacheBackends(ctx).find((b) => b.resource.id === target.name);
  if (!backend) return undefined;
  const at: ResourceRef = { ...resource, ...(backend.resource.arn ? { arn: backend.resource.arn } : {}) };
  if (backend.resource.account) at.account = backend.resource.account;
  if (backend.resource.region) at.region = backend.resource.region;
  const groups = userGroupIds(backend);
  const where = { account: backend.partition.account, region: backend.partition.region };
  if (groups.length === 0) {
    return {
      ok: false,
      target,
      resource: at,
      error: {
        source: `elasticache:${backend.resource.id}`,
        reason: `${backend.resource.id} has no RBAC user group, so its users cannot be judged from the ElastiCache API; give the redis target audit credentials to read ACL LIST`,
        code: "NoUserGroup",
        ...where,
      },
    };
  }
  const { userGroups, users } = backend.partition;
  if (!userGroups.ok) return { ok: false, target, resource: at, error: userGroups.error };
  if (!users.ok) return { ok: false, target, resource: at, error: users.error };
  const table = BUNDLED_COMMANDS;
  const judged: JudgedUser[] = [];
  const unreadable: { name: string; reason: string; userId?: string }[] = [];
  for (const groupId of groups) {
    const group = userGroups.value.find((g) => g.UserGroupId === groupId);
    if (!group) {
      return {
        ok: false,
        target,
        resource: at,
        error: { source: groupId, reason: `user group ${groupId} is not in the described user groups`, code: "NotCaptured", ...where },
      };
    }
    for (const userId of group.UserIds ?? []) {
      const u = users.value.find((x) => x.UserId === userId);
      if (!u) {
        unreadable.push({ name: userId, userId, reason: `user ${userId} of ${groupId} is not in the described users` });
        continue;
      }
      const name = u.UserName ?? userId;
      try {
        const user = parseUser(name, u.AccessString ?? "", table);
        // Access strings carry no passwords; the authentication mode says whether one is needed.
        const type = u.Authentication?.Type;
        user.nopass = type === "no-password";
        user.passwords = u.Authentication?.PasswordCount ?? 0;
        judged.push(judge(user, target, table, userId));
      } catch (err) {
        if (!(err instanceof AclRuleError)) throw err;
        unreadable.push({ name, userId, reason: err.message });
      }
    }
  }
  return {
    ok: true,
    target,
    resource: at,
    source: {
      kind: "elasticache-rbac",
      description: `elasticache:DescribeUsers (user group ${groups.join(", ")})`,
      commandTable: `bundled ${table.source}`,
      userGroupIds: groups,
    },
    users: judged,
    unreadable,
  };
}

/** Every policy-bearing target, judged from the best source available. */
export function judgedTargets(ctx: AuditContext): JudgedTarget[] {
  const observed = new Map(ctx.observations.redis.map((o) => [o.target, o]));
  const out: JudgedTarget[] = [];
  for (const target of ctx.config.redis) {
    if (target.keys.length === 0) continue; // no access policy: the access checks do not apply
    const resource: ResourceRef = { type: "Redis::User", id: target.name };
    const acl = observed.get(target.name)?.acl;
    if (acl?.outcome === "read" && acl.users) {
      const table = acl.commands ?? BUNDLED_COMMANDS;
      const { users, unreadable } = fromAclList(target, acl.users, table);
      out.push({
        ok: true,
        target,
        resource,
        source: {
          kind: "acl-list",
          description: `ACL LIST on ${target.endpoint.host}:${target.endpoint.port} as ${acl.username}`,
          commandTable: acl.commandsSource ?? `bundled ${table.source} (${acl.commandsUnavailable ?? "live table not read"})`,
        },
        users,
        unreadable,
      });
      continue;
    }
    const rbac = elastiCacheSource(ctx, target, resource);
    if (rbac) {
      out.push(rbac);
      continue;
    }
    const live = acl
      ? (acl.error ?? {
          source: `redis://${target.endpoint.host}:${target.endpoint.port} ACL LIST`,
          reason: `the ACL was not read (${acl.outcome}${acl.reply ? `: ${acl.reply}` : ""}); the audit user needs +acl|list`,
          code: acl.outcome === "forbidden" ? "Forbidden" : acl.outcome === "auth-failed" ? "AuthFailed" : "NotRead",
        })
      : {
          source: `redis://${target.endpoint.host}:${target.endpoint.port} ACL LIST`,
          reason: `no ACL to judge ${target.name} by: give the target audit credentials (credentials:) or list its ElastiCache id in targets.elasticache`,
          code: "NoAclSource",
        };
    out.push({ ok: false, target, resource, error: live });
  }
  return out;
}
