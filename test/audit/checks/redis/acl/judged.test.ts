/**
 * Which ACL the access checks judge a redis target by, in memory: the live `ACL LIST` the
 * probe read, else the ElastiCache RBAC users of the cache with the target's name, else an
 * ERROR that says what is missing. Never a silent pass on an unread ACL.
 */
import { describe, expect, it } from "vitest";
import { judgedTargets, roleOf } from "../../../../../lib/audit/checks/redis/acl/judged.js";
import { type ConfigInput, configSchema } from "../../../../../lib/audit/config/schema.js";
import type { CommandTable } from "../../../../../lib/audit/model/redis/commands.js";
import type { RedisAclObservation, RedisObservation } from "../../../../../lib/audit/probes/redis/types.js";
import { cacheCluster, config, context, inventory, missing, ok, partition, replicationGroup } from "../../../../support/builders.js";

type TargetInput = NonNullable<ConfigInput["redis"]>[number];

const POLICY: TargetInput = {
  name: "jobs-redis",
  endpoint: { host: "jobs.example.com", port: 6379 },
  queue: "sidekiq",
  admins: ["ops_admin"],
  principals: { sidekiq_worker: ["read", "write"], sidekiq_web: ["read"] },
};
const QUEUE = ["queue:*", "queues", "schedule", "retry", "dead"];
const BUNDLED_SOURCE = "redis-server 7.0.15 COMMAND INFO and ACL CAT";

const observation = (acl: RedisAclObservation | undefined): RedisObservation => ({
  target: "jobs-redis",
  host: "jobs.example.com",
  port: 6379,
  tls: { attempted: true, spoken: true, verified: true, trust: "system" },
  unauthenticated: { outcome: "noauth", transport: "tls", reply: "-NOAUTH Authentication required." },
  ...(acl ? { acl } : {}),
});

const read = (users: string[], over: Partial<RedisAclObservation> = {}): RedisAclObservation => ({
  username: "auditor",
  outcome: "read",
  command: "ACL LIST",
  users,
  ...over,
});

/** The checks' context for `target` with the probe's `acl`, and optionally an inventory. */
const live = (acl: RedisAclObservation | undefined, target: Partial<TargetInput> = {}) =>
  judgedTargets(context(config({ redis: [{ ...POLICY, ...target }] }), inventory(), { redis: [observation(acl)] }));

describe("judgedTargets from the live ACL LIST", () => {
  it("judges every user against the target's queue keys, with the bundled table when the live one was not read", () => {
    const [t] = live(read(["user sidekiq_web on #<redacted> %R~queue:* -@all +lrange", "user retired off ~* +@all"]));
    expect(t).toMatchObject({
      ok: true,
      resource: { type: "Redis::User", id: "jobs-redis" },
      source: {
        kind: "acl-list",
        description: "ACL LIST on jobs.example.com:6379 as auditor",
        commandTable: `bundled ${BUNDLED_SOURCE} (live table not read)`,
      },
      unreadable: [],
    });
    expect(t?.target.keys).toStrictEqual(QUEUE);
    const users = t?.ok ? t.users : [];
    expect(users.map((u) => [u.user.name, u.user.on, u.access.read?.rule])).toStrictEqual([
      ["sidekiq_web", true, "%R~queue:* +lrange"],
      ["retired", false, "~* +@all"],
    ]);
    expect(users.map((u) => Object.keys(u))).toStrictEqual([
      ["user", "access"],
      ["user", "access"],
    ]);
  });

  it("names the live command table, or why the bundled one was used", () => {
    const named = live(read([], { commandsSource: "live COMMAND INFO (redis_version:7.2.4)" }))[0];
    expect(named?.ok && named.source.commandTable).toBe("live COMMAND INFO (redis_version:7.2.4)");
    const refused = live(read([], { commandsUnavailable: "COMMAND INFO: -NOPERM" }))[0];
    expect(refused?.ok && refused.source.commandTable).toBe(`bundled ${BUNDLED_SOURCE} (COMMAND INFO: -NOPERM)`);
  });

  it("reads the users with the server's own command table when the probe has it", () => {
    const table: CommandTable = {
      source: "live",
      categories: ["read"],
      commands: { lrange: { categories: ["read"], readsKeys: true, writesKeys: false, keyed: true } },
    };
    const [t] = live(read(["user reader on ~queue:* +@all"], { commands: table, commandsSource: "live" }));
    const [u] = t?.ok ? t.users : [];
    expect(u?.access.read).toStrictEqual({
      rule: "~queue:* +@all",
      patterns: ["queue:*"],
      queueKeys: ["queue:*"],
      commands: ["lrange"],
      commandCount: 1,
    });
    expect(u?.access.dangerous).toStrictEqual([]);
  });

  it("keeps a user whose rules cannot be read as unreadable, with the parser's reason", () => {
    const [t] = live(read(["user odd on ~* +@nosuchcategory", "garbage", "not user root", "user fine on ~cache:* -@all +get"]));
    expect(t?.ok && t.unreadable).toStrictEqual([
      { name: "odd", reason: 'unknown ACL category @nosuchcategory in "+@nosuchcategory"' },
      { name: "(unnamed)", reason: 'not an ACL LIST line: "garbage"' },
      { name: "(unnamed)", reason: 'not an ACL LIST line: "not user root"' },
    ]);
    expect(t?.ok && t.users.map((u) => u.user.name)).toStrictEqual(["fine"]);
  });

  it("skips a target without an access policy", () => {
    expect(live(read(["user any on ~* +@all"]), { queue: undefined, admins: [], principals: {} })).toStrictEqual([]);
  });

  it("adds the target's own key patterns to the preset's", () => {
    const [t] = live(read([]), { keys: ["sidekiq:cron:*"] });
    expect(t?.target.keys).toStrictEqual([...QUEUE, "sidekiq:cron:*"]);
  });
});

describe("judgedTargets when the ACL was not read (no ElastiCache source)", () => {
  const errorOf = (acl: RedisAclObservation | undefined) => {
    const [t] = live(acl);
    expect(t?.ok).toBe(false);
    return t && !t.ok ? t.error : undefined;
  };

  it("says the audit user was refused ACL LIST", () => {
    expect(
      errorOf({ username: "auditor", outcome: "forbidden", reply: "-NOPERM this user has no permissions to run 'acl|list'" }),
    ).toStrictEqual({
      source: "redis://jobs.example.com:6379 ACL LIST",
      reason: "the ACL was not read (forbidden: -NOPERM this user has no permissions to run 'acl|list'); the audit user needs +acl|list",
      code: "Forbidden",
    });
  });

  it("says the credentials were refused", () => {
    expect(errorOf({ username: "auditor", outcome: "auth-failed" })).toStrictEqual({
      source: "redis://jobs.example.com:6379 ACL LIST",
      reason: "the ACL was not read (auth-failed); the audit user needs +acl|list",
      code: "AuthFailed",
    });
  });

  it("says NotRead when the ACL was read without its users", () => {
    expect(errorOf({ username: "auditor", outcome: "read", command: "ACL GETUSER default" })?.code).toBe("NotRead");
  });

  it("passes the probe's own error through", () => {
    const error = { source: "redis://jobs.example.com:6379", reason: "connect ETIMEDOUT", code: "ETIMEDOUT" };
    expect(errorOf({ username: "auditor", outcome: "error", error })).toStrictEqual(error);
  });

  it("says there is no ACL source when the target has neither credentials nor an ElastiCache id", () => {
    expect(errorOf(undefined)).toStrictEqual({
      source: "redis://jobs.example.com:6379 ACL LIST",
      reason:
        "no ACL to judge jobs-redis by: give the target audit credentials (credentials:) or list its ElastiCache id in targets.elasticache",
      code: "NoAclSource",
    });
  });
});

describe("judgedTargets from ElastiCache RBAC", () => {
  const user = (id: string, name: string | undefined, accessString: string, authentication: Record<string, unknown>) => ({
    UserId: id,
    ...(name ? { UserName: name } : {}),
    Status: "active",
    Engine: "redis",
    AccessString: accessString,
    UserGroupIds: ["queue-users"],
    Authentication: authentication,
  });
  const USERS = [
    user("worker-id", "sidekiq_worker", "on ~queue:* -@all +lpush", { Type: "password", PasswordCount: 2 }),
    user("legacy-id", "legacy", "on ~legacy:* -@all +get", { Type: "no-password" }),
    user("nameless-id", undefined, "on ~cache:* -@all +get", { Type: "password", PasswordCount: 1 }),
  ];
  const rbac = (
    parts: Parameters<typeof partition>[0] = {},
    group: Record<string, unknown> = { UserGroupIds: ["queue-users"] },
    acl?: RedisAclObservation,
  ) =>
    judgedTargets(
      context(
        config({ targets: { elasticache: ["jobs-redis"] }, redis: [POLICY] }),
        inventory(
          partition({
            replicationGroups: ok([replicationGroup({ AuthTokenEnabled: false, ...group })]),
            cacheClusters: ok([cacheCluster("jobs-redis-001"), cacheCluster("jobs-redis-002")]),
            userGroups: ok([{ UserGroupId: "queue-users", Status: "active", Engine: "redis", UserIds: USERS.map((u) => u.UserId) }]),
            users: ok(USERS),
            ...parts,
          }),
        ),
        acl ? { redis: [observation(acl)] } : {},
      ),
    );
  const WHERE = { account: "111122223333", region: "eu-west-1" };

  it("judges the users of the cache's user groups, passwords from the authentication mode", () => {
    const [t] = rbac();
    expect(t).toMatchObject({
      ok: true,
      resource: {
        type: "Redis::User",
        id: "jobs-redis",
        arn: "arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:jobs-redis",
        ...WHERE,
      },
      source: {
        kind: "elasticache-rbac",
        description: "elasticache:DescribeUsers (user group queue-users)",
        commandTable: `bundled ${BUNDLED_SOURCE}`,
        userGroupIds: ["queue-users"],
      },
      unreadable: [],
    });
    const users = t?.ok ? t.users : [];
    expect(users.map((u) => [u.userId, u.user.name, u.user.nopass, u.user.passwords])).toStrictEqual([
      ["worker-id", "sidekiq_worker", false, 2],
      ["legacy-id", "legacy", true, 0],
      ["nameless-id", "nameless-id", false, 1],
    ]);
    expect(users[0]?.access.write?.rule).toBe("~queue:* +lpush");
  });

  it("prefers the live ACL LIST when the probe read it", () => {
    const [t] = rbac({}, undefined, read(["user ops_admin on ~* +@all"]));
    expect(t?.ok && [t.source.kind, t.users.map((u) => u.user.name)]).toStrictEqual(["acl-list", ["ops_admin"]]);
  });

  it("falls back to RBAC when the live ACL was refused", () => {
    const [t] = rbac({}, undefined, { username: "auditor", outcome: "forbidden", reply: "-NOPERM" });
    expect(t?.ok && t.source.kind).toBe("elasticache-rbac");
  });

  it("keeps users that are not described, or whose access string cannot be read, as unreadable", () => {
    const [t] = rbac({
      userGroups: ok([{ UserGroupId: "queue-users", Status: "active", Engine: "redis", UserIds: ["worker-id", "gone-id", "odd-id"] }]),
      users: ok([USERS[0], user("odd-id", "odd", "on ~* +@nosuchcategory", { Type: "password", PasswordCount: 1 })]),
    });
    expect(t?.ok && t.unreadable).toStrictEqual([
      { name: "gone-id", userId: "gone-id", reason: "user gone-id of queue-users is not in the described users" },
      { name: "odd", userId: "odd-id", reason: 'unknown ACL category @nosuchcategory in "+@nosuchcategory"' },
    ]);
    expect(t?.ok && t.users.map((u) => u.userId)).toStrictEqual(["worker-id"]);
  });

  it("judges every user group of the cache, in order, and a group without users adds none", () => {
    const [t] = rbac(
      {
        userGroups: ok([
          { UserGroupId: "queue-users", Status: "active", Engine: "redis", UserIds: ["worker-id"] },
          { UserGroupId: "empty-users", Status: "active", Engine: "redis" },
          { UserGroupId: "ops-users", Status: "active", Engine: "redis", UserIds: ["legacy-id"] },
        ]),
      },
      { UserGroupIds: ["ops-users", "empty-users", "queue-users"] },
    );
    expect(t?.ok && t.source).toStrictEqual({
      kind: "elasticache-rbac",
      description: "elasticache:DescribeUsers (user group ops-users, empty-users, queue-users)",
      commandTable: `bundled ${BUNDLED_SOURCE}`,
      userGroupIds: ["ops-users", "empty-users", "queue-users"],
    });
    expect(t?.ok && t.users.map((u) => u.userId)).toStrictEqual(["legacy-id", "worker-id"]);
    expect(t?.ok && t.unreadable).toStrictEqual([]);
  });

  it("a described user without an access string or authentication mode is judged as one with no rules and no password, not unreadable", () => {
    const [t] = rbac({
      userGroups: ok([{ UserGroupId: "queue-users", Status: "active", Engine: "redis", UserIds: ["bare-id"] }]),
      users: ok([{ UserId: "bare-id", UserName: "bare", Status: "active", Engine: "redis" }]),
    });
    expect(t?.ok && t.unreadable).toStrictEqual([]);
    expect(t?.ok && t.users.map((u) => [u.userId, u.user.on, u.user.nopass, u.user.passwords, u.access])).toStrictEqual([
      ["bare-id", false, false, 0, { user: "bare", on: false, nopass: false, dangerous: [], listsKeyNames: [] }],
    ]);
  });

  it("uses only the cache with the target's name: another cache's users are not this target's", () => {
    const [t] = judgedTargets(
      context(
        config({ targets: { elasticache: ["other-redis"] }, redis: [POLICY] }),
        inventory(
          partition({
            replicationGroups: ok([
              replicationGroup({
                ReplicationGroupId: "other-redis",
                ARN: "arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:other-redis",
                MemberClusters: [],
                UserGroupIds: ["queue-users"],
              }),
            ]),
            userGroups: ok([{ UserGroupId: "queue-users", Status: "active", Engine: "redis", UserIds: ["worker-id"] }]),
            users: ok(USERS),
          }),
        ),
      ),
    );
    expect(t && !t.ok && t.error.code).toBe("NoAclSource");
  });

  it("gives an error for a cache without a user group", () => {
    const [t] = rbac({}, { UserGroupIds: [] });
    expect(t && !t.ok && t.error).toStrictEqual({
      source: "elasticache:jobs-redis",
      reason:
        "jobs-redis has no RBAC user group, so its users cannot be judged from the ElastiCache API; give the redis target audit credentials to read ACL LIST",
      code: "NoUserGroup",
      ...WHERE,
    });
  });

  it("gives an error for a user group that was not described", () => {
    const [t] = rbac({ userGroups: ok([]) });
    expect(t && !t.ok && t.error).toStrictEqual({
      source: "queue-users",
      reason: "user group queue-users is not in the described user groups",
      code: "NotCaptured",
      ...WHERE,
    });
  });

  it("passes the inventory's error through when user groups or users were not captured", () => {
    const groups = rbac({ userGroups: missing("elasticache-describe-user-groups.json") })[0];
    expect(groups && !groups.ok && groups.error.source).toBe("elasticache-describe-user-groups.json");
    const users = rbac({ users: missing("elasticache-describe-users.json") })[0];
    expect(users && !users.ok && users.error.source).toBe("elasticache-describe-users.json");
  });
});

describe("roleOf", () => {
  const { redis } = configSchema.parse({
    version: 1,
    redis: [{ ...POLICY, admins: ["ops_admin", "both"], principals: { both: ["read"], web: [] } }],
  });
  const [target] = redis;
  const role = (name: string) => {
    expect(target).toBeDefined();
    return roleOf(target as (typeof redis)[number], name);
  };

  it("an admin is an admin even when also a principal", () => {
    expect(role("ops_admin")).toBe("admin");
    expect(role("both")).toBe("admin");
  });

  it("a principal is one even with no access words", () => {
    expect(role("web")).toBe("principal");
  });

  it("anyone else is other, names that are object properties included", () => {
    expect(role("stranger")).toBe("other");
    expect(role("toString")).toBe("other");
    expect(role("constructor")).toBe("other");
  });
});
