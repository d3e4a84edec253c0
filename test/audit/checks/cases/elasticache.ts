/** In-memory cases of the cache-* checks: jobs-redis, a two-node replication group, as ElastiCache describes it. */
import { cacheCluster, config, context, inventory, ok, partition, replicationGroup } from "../../../support/builders.js";
import type { FamilyCases } from "./case.js";

const cfg = config({ targets: { elasticache: ["jobs-redis"] }, credentials: { maxAgeDays: 90 } });

/** The replication group with `overrides`, its members, and `parts` of the partition (RBAC users and groups). */
const jobsRedis =
  (overrides: Record<string, unknown> = {}, parts: Parameters<typeof partition>[0] = {}) =>
  () =>
    context(
      cfg,
      inventory(
        partition({
          replicationGroups: ok([replicationGroup(overrides)]),
          cacheClusters: ok([cacheCluster("jobs-redis-001"), cacheCluster("jobs-redis-002")]),
          ...parts,
        }),
      ),
    );

const hardened = {
  given: "AUTH on, TLS required, encrypted at rest, engine log delivered, token set a month before capture",
  context: jobsRedis(),
  resource: "jobs-redis",
};

/** An RBAC user group whose `default` user has `defaultUser` on top of ElastiCache's DescribeUsers answer. */
function rbac(defaultUser: Record<string, unknown>) {
  return jobsRedis(
    { AuthTokenEnabled: false, UserGroupIds: ["queue-users"] },
    {
      userGroups: ok([{ UserGroupId: "queue-users", Status: "active", Engine: "redis", UserIds: ["queue-default", "worker"] }]),
      users: ok([
        {
          UserId: "queue-default",
          UserName: "default",
          Status: "active",
          Engine: "redis",
          AccessString: "on ~* +@all",
          UserGroupIds: ["queue-users"],
          Authentication: { Type: "no-password" },
          ...defaultUser,
        },
        {
          UserId: "worker",
          UserName: "worker",
          Status: "active",
          Engine: "redis",
          AccessString: "on ~queue:* +@list +@connection",
          UserGroupIds: ["queue-users"],
          Authentication: { Type: "password", PasswordCount: 1 },
        },
      ]),
    },
  );
}

export const elasticacheCases: FamilyCases = {
  "cache-auth-disabled": {
    fail: { given: "neither an AUTH token nor a user group", context: jobsRedis({ AuthTokenEnabled: false }), resource: "jobs-redis" },
    pass: hardened,
  },
  "cache-default-user-open": {
    fail: {
      given: "an RBAC user group whose default user is on with no password",
      context: rbac({}),
      resource: "jobs-redis",
      subject: "queue-users/queue-default",
    },
    pass: { given: "an RBAC user group whose default user is off", context: rbac({ AccessString: "off -@all" }), resource: "jobs-redis" },
  },
  "cache-transit-encryption": {
    fail: {
      given: "TransitEncryptionMode: preferred (plaintext still accepted)",
      context: jobsRedis({ TransitEncryptionMode: "preferred" }),
      resource: "jobs-redis",
    },
    pass: hardened,
  },
  "cache-at-rest-unencrypted": {
    fail: { given: "AtRestEncryptionEnabled: false", context: jobsRedis({ AtRestEncryptionEnabled: false }), resource: "jobs-redis" },
    pass: hardened,
  },
  "cache-auth-token-stale": {
    fail: {
      given: "an AUTH token last set 123 days before the capture (maxAgeDays 90)",
      context: jobsRedis({ AuthTokenLastModifiedDate: "2026-07-01T00:00:00.000Z" }),
      resource: "jobs-redis",
    },
    pass: hardened,
  },
  "cache-logs-not-delivered": {
    fail: {
      given: "only the slow log delivered, no engine log",
      context: jobsRedis({ LogDeliveryConfigurations: [{ LogType: "slow-log", Status: "active" }] }),
      resource: "jobs-redis",
      subject: "engine-log",
    },
    pass: hardened,
  },
};
