/**
 * The four access checks (redis-unexpected-user, redis-excess-access,
 * redis-dangerous-commands, redis-nopass-user) on in-memory ACLs: the in-memory twin of
 * access-live.test.ts, with the same users as the `ACL LIST` lines the probe reads, and the
 * exact verdicts, messages, evidence and fixes.
 */
import { describe, expect, it } from "vitest";
import { judgedTargets } from "../../../../../lib/audit/checks/redis/acl/judged.js";
import { accessEvidence } from "../../../../../lib/audit/checks/redis/acl/verdicts.js";
import { redisDangerousCommands } from "../../../../../lib/audit/checks/redis/redis-dangerous-commands.js";
import { redisExcessAccess } from "../../../../../lib/audit/checks/redis/redis-excess-access.js";
import { redisNopassUser } from "../../../../../lib/audit/checks/redis/redis-nopass-user.js";
import { redisUnexpectedUser } from "../../../../../lib/audit/checks/redis/redis-unexpected-user.js";
import type { AuditContext, Check } from "../../../../../lib/audit/checks/types.js";
import type { ConfigInput } from "../../../../../lib/audit/config/schema.js";
import type { CheckResult } from "../../../../../lib/audit/findings/model.js";
import type { RedisObservation } from "../../../../../lib/audit/probes/redis/types.js";
import { cacheCluster, config, context, inventory, ok, partition, replicationGroup } from "../../../../support/builders.js";
import { splitRedisCliLine } from "../../../../support/redis-client.js";

type TargetInput = NonNullable<ConfigInput["redis"]>[number];

const POLICY: TargetInput = {
  name: "jobs-redis",
  endpoint: { host: "jobs.example.com", port: 6379 },
  queue: "sidekiq",
  admins: ["ops_admin"],
  principals: { sidekiq_worker: ["read", "write"], sidekiq_web: ["read"], reporting: ["read"] },
};

/** The users of access-live.test.ts, as ACL LIST prints them (passwords redacted). */
const USERS: Record<string, string> = {
  default: "off resetchannels -@all",
  ops_admin: "on #<redacted> ~* &* +@all",
  sidekiq_worker: "on #<redacted> resetchannels ~queue:* ~queues ~schedule ~retry ~dead -@all +@read +@write -@dangerous",
  sidekiq_web: "on #<redacted> resetchannels %R~queue:* %R~queues %R~schedule %R~retry %R~dead -@all +@read -@dangerous",
  reporting: "on #<redacted> resetchannels ~queue:* ~schedule -@all +@read +@write -@dangerous",
  stray_keys: "on #<redacted> resetchannels ~*:default ~cache:* -@all +@read +@write -@dangerous",
  analytics: "on #<redacted> resetchannels ~* -@all +@read -@dangerous",
  cache_selector: "on #<redacted> resetchannels ~cache:* -@all +get +set (~queue:* resetchannels -@all +lrange)",
  pusher: "on #<redacted> resetchannels %W~queue:* -@all +lpush",
  legacy: "on nopass resetchannels ~legacy:* -@all +get",
  cache: "on #<redacted> resetchannels ~cache:* +@all",
  ops_bot: "on #<redacted> resetchannels -@all +config|set +client|kill +replicaof",
  retired: "off #<redacted> ~* +@all",
  cache_safe: "on #<redacted> resetchannels ~cache:* +@all -@dangerous",
  events: "on #<redacted> resetchannels &jobs:* -@all +@pubsub",
};
/** Only the policy's users, each within its policy. */
const CLEAN = ["default", "ops_admin", "sidekiq_worker", "sidekiq_web", "retired", "cache_safe", "events"];

const lines = (users: Record<string, string>) => Object.entries(users).map(([name, rules]) => `user ${name} ${rules}`);

function observed(users: Record<string, string>, target: Partial<TargetInput> = {}): AuditContext {
  const observation: RedisObservation = {
    target: "jobs-redis",
    host: "jobs.example.com",
    port: 6379,
    tls: { attempted: true, spoken: true, verified: true, trust: "system" },
    unauthenticated: { outcome: "noauth", transport: "tls", reply: "-NOAUTH Authentication required." },
    acl: { username: "auditor", outcome: "read", command: "ACL LIST", users: lines(users), commandsSource: "live COMMAND INFO" },
  };
  return context(config({ redis: [{ ...POLICY, ...target }] }), inventory(), { redis: [observation] });
}
const only = (names: string[]) => Object.fromEntries(names.map((n) => [n, USERS[n] as string]));

const POLICY_KEYS = ["queue:*", "queues", "schedule", "retry", "dead"];
const SOURCE = "ACL LIST on jobs.example.com:6379 as auditor";
const PAYLOADS = "the queue keys hold job payloads, whose arguments may carry secrets";
const SAVE = "Then save it where your ACL lives (ACL SAVE with an aclfile, or the config management that writes it).";

const failing = (results: CheckResult[]) =>
  results
    .filter((r) => r.status === "FAIL")
    .map((r) => r.subject)
    .sort();
const verdictOf = (check: Check, ctx: AuditContext, subject: string) => {
  const found = check.evaluate(ctx).filter((r) => r.subject === subject);
  expect(found).toHaveLength(1);
  return found[0] as CheckResult;
};

describe("the access checks on the ACL of access-live.test.ts", () => {
  const ctx = observed(USERS);

  it("fail exactly the traps, and no control", () => {
    expect(failing(redisUnexpectedUser.evaluate(ctx))).toStrictEqual(["analytics", "cache_selector", "pusher", "stray_keys"]);
    expect(failing(redisExcessAccess.evaluate(ctx))).toStrictEqual(["reporting"]);
    expect(failing(redisDangerousCommands.evaluate(ctx))).toStrictEqual(["cache", "ops_bot"]);
    expect(failing(redisNopassUser.evaluate(ctx))).toStrictEqual(["legacy"]);
  });

  it("give no PASS beside a FAIL, and no ERROR", () => {
    for (const check of [redisUnexpectedUser, redisExcessAccess, redisDangerousCommands, redisNopassUser]) {
      expect(
        check.evaluate(ctx).map((r) => r.status),
        check.meta.id,
      ).not.toContain("PASS");
      expect(
        check.evaluate(ctx).filter((r) => r.status === "ERROR"),
        check.meta.id,
      ).toStrictEqual([]);
    }
  });
});

describe("redis-unexpected-user", () => {
  const ctx = observed(USERS);

  it("names the read-all user's rule and every queue key, and its fix takes ~* away", () => {
    const v = verdictOf(redisUnexpectedUser, ctx, "analytics");
    expect(v).toMatchObject({ checkId: "redis-unexpected-user", status: "FAIL", resource: { type: "Redis::User", id: "jobs-redis" } });
    expect(v.message).toBe(
      `User analytics of jobs-redis is not in the policy but reads them (~* +@read): queue:*, queues, schedule, retry, dead; ${PAYLOADS}. Take the queue keys out of its patterns or make it a principal.`,
    );
    expect(v.fix).toStrictEqual({
      kind: "redis-acl",
      text: `Remove analytics's read access to the queue keys; its other key patterns stay. ${SAVE}`,
      commands: ["ACL SETUSER analytics resetkeys"],
    });
  });

  it("says read and change for a pattern that is not a prefix (~*:default), keeping its other patterns", () => {
    const v = verdictOf(redisUnexpectedUser, ctx, "stray_keys");
    expect(v.message).toBe(
      `User stray_keys of jobs-redis is not in the policy but reads them (~*:default +@read +@write) and changes them (~*:default +@write): queue:*; ${PAYLOADS}. Take the queue keys out of its patterns or make it a principal.`,
    );
    expect(v.evidence).toMatchObject({
      source: SOURCE,
      rules: USERS.stray_keys,
      user: "stray_keys",
      read: { rule: "~*:default +@read +@write", patterns: ["*:default"], queueKeys: ["queue:*"] },
      write: { rule: "~*:default +@write", patterns: ["*:default"], queueKeys: ["queue:*"] },
      dangerous: [],
    });
    expect(v.fix?.text).toBe(`Remove stray_keys's read and change access to the queue keys; its other key patterns stay. ${SAVE}`);
    expect(v.fix?.commands).toStrictEqual(["ACL SETUSER stray_keys resetkeys ~cache:*"]);
  });

  it("names a selector as written, and the fix re-adds it without the queue pattern", () => {
    const v = verdictOf(redisUnexpectedUser, ctx, "cache_selector");
    expect(v.message).toBe(
      `User cache_selector of jobs-redis is not in the policy but reads them ((~queue:* resetchannels -@all +lrange)): queue:*; ${PAYLOADS}. Take the queue keys out of its patterns or make it a principal.`,
    );
    expect(v.fix?.commands).toStrictEqual(['ACL SETUSER cache_selector resetkeys ~cache:* clearselectors "(resetchannels -@all +lrange)"']);
  });

  it("says change only for the %W~ user", () => {
    const v = verdictOf(redisUnexpectedUser, ctx, "pusher");
    expect(v.message).toBe(
      `User pusher of jobs-redis is not in the policy but changes them (%W~queue:* +lpush): queue:*; ${PAYLOADS}. Take the queue keys out of its patterns or make it a principal.`,
    );
    expect(v.evidence.read).toBeUndefined();
    expect(v.fix?.text).toBe(`Remove pusher's change access to the queue keys; its other key patterns stay. ${SAVE}`);
  });

  it("names each grant's own keys when the user reads some queue keys and changes others", () => {
    const ctx = observed({ ...only(CLEAN), peeker: "on #<redacted> resetchannels %R~queue:* %W~dead -@all +@read +@write" });
    const v = verdictOf(redisUnexpectedUser, ctx, "peeker");
    expect(v.message).toBe(
      `User peeker of jobs-redis is not in the policy but reads queue:* (%R~queue:* +@read +@write) and changes dead (%W~dead +@write); ${PAYLOADS}. Take the queue keys out of its patterns or make it a principal.`,
    );
  });

  it("leaves admins, principals, off users and users on other keys alone, and says so with evidence", () => {
    const results = redisUnexpectedUser.evaluate(observed(only(CLEAN)));
    expect(results.map((r) => r.status)).toStrictEqual(["PASS"]);
    expect(results[0]?.message).toBe("On jobs-redis, only the policy's principals and admins can reach the queue keys.");
    expect(results[0]?.evidence).toMatchObject({ source: SOURCE, commandTable: "live COMMAND INFO", queueKeys: POLICY_KEYS });
    expect(Object.keys(results[0]?.evidence.users as object)).toStrictEqual(CLEAN);
  });

  it("an off user with ~* +@all stays silent: it cannot log in", () => {
    expect(redisUnexpectedUser.evaluate(observed(only(["retired"]))).map((r) => r.status)).toStrictEqual(["PASS"]);
  });
});

describe("redis-excess-access", () => {
  it("fails the principal allowed [read] that can write, and narrows its patterns to %R~", () => {
    const v = verdictOf(redisExcessAccess, observed(USERS), "reporting");
    expect(v.message).toBe(
      `Principal reporting of jobs-redis is allowed [read] but changes the queue keys (~queue:* ~schedule +@write); ${PAYLOADS}.`,
    );
    expect(v.evidence).toMatchObject({ source: SOURCE, rules: USERS.reporting, allowed: ["read"], user: "reporting" });
    expect(v.fix).toStrictEqual({
      kind: "redis-acl",
      text: `Narrow reporting to [read] on the queue keys and take away nothing else. ${SAVE}`,
      commands: ["ACL SETUSER reporting resetkeys %R~queue:* %R~schedule"],
    });
  });

  it("fails a principal that reads although allowed nothing, and one that can run a dangerous command", () => {
    const ctx = observed(
      {
        sidekiq_web: "on #<redacted> %R~queue:* -@all +lrange",
        sidekiq_worker: "on #<redacted> ~queue:* -@all +lrange +lpush +flushall",
      },
      { principals: { sidekiq_web: [], sidekiq_worker: ["read", "write"] } },
    );
    expect(verdictOf(redisExcessAccess, ctx, "sidekiq_web").message).toBe(
      `Principal sidekiq_web of jobs-redis is allowed [] but reads the queue keys (%R~queue:* +lrange); ${PAYLOADS}.`,
    );
    const worker = verdictOf(redisExcessAccess, ctx, "sidekiq_worker");
    expect(worker.message).toBe(
      `Principal sidekiq_worker of jobs-redis is allowed [read, write] but can run FLUSHALL (deletes every key; +flushall); ${PAYLOADS}.`,
    );
    expect(worker.fix?.text).toBe(`Narrow sidekiq_worker to [read, write] on the queue keys and take away FLUSHALL. ${SAVE}`);
    expect(worker.fix?.commands).toStrictEqual(["ACL SETUSER sidekiq_worker resetkeys ~queue:* -flushall"]);
  });

  it("revokes a dangerous subcommand as Redis names it (CONFIG SET as -config|set)", () => {
    const ctx = observed({ sidekiq_worker: "on #<redacted> ~queue:* -@all +lrange +lpush +config|set" });
    const v = verdictOf(redisExcessAccess, ctx, "sidekiq_worker");
    expect(v.message).toBe(
      `Principal sidekiq_worker of jobs-redis is allowed [read, write] but can run CONFIG SET (reconfigures the server (dir, dbfilename, requirepass, …); +config|set); ${PAYLOADS}.`,
    );
    expect(v.fix).toStrictEqual({
      kind: "redis-acl",
      text: `Narrow sidekiq_worker to [read, write] on the queue keys and take away CONFIG SET. ${SAVE}`,
      commands: ["ACL SETUSER sidekiq_worker resetkeys ~queue:* -config|set"],
    });
  });

  it("lists every excess of a principal allowed [write] that reads and can MIGRATE", () => {
    const ctx = observed({ reporting: "on #<redacted> ~queue:* -@all +lrange +lpush +migrate" }, { principals: { reporting: ["write"] } });
    expect(verdictOf(redisExcessAccess, ctx, "reporting").message).toBe(
      `Principal reporting of jobs-redis is allowed [write] but reads the queue keys (~queue:* +lrange +migrate); can run MIGRATE (moves queue keys to another server; ~queue:* +migrate); ${PAYLOADS}.`,
    );
  });

  it("passes principals within their policy, not judging admins or strangers", () => {
    const results = redisExcessAccess.evaluate(observed(only([...CLEAN, "analytics", "cache"])));
    expect(results.map((r) => [r.status, r.message])).toStrictEqual([
      ["PASS", "On jobs-redis, every principal can do what its policy allows and no more."],
    ]);
  });
});

describe("redis-dangerous-commands", () => {
  const ctx = observed(USERS);

  it("fails a user with keyless server commands and no key, naming each rule once", () => {
    const v = verdictOf(redisDangerousCommands, ctx, "ops_bot");
    expect(v.message).toBe(
      "User ops_bot of jobs-redis is not an admin but can run CONFIG SET (reconfigures the server (dir, dbfilename, requirepass, …)), CLIENT KILL (disconnects other clients, workers included), REPLICAOF (replaces the dataset with another server's), granted by +config|set; +client|kill; +replicaof: it can destroy or move the job queue without naming one queue key.",
    );
    expect(v.evidence).toStrictEqual({
      source: SOURCE,
      rules: USERS.ops_bot,
      dangerous: [
        { command: "CONFIG SET", effect: "reconfigures the server (dir, dbfilename, requirepass, …)", rule: "+config|set" },
        { command: "CLIENT KILL", effect: "disconnects other clients, workers included", rule: "+client|kill" },
        { command: "REPLICAOF", effect: "replaces the dataset with another server's", rule: "+replicaof" },
      ],
    });
    expect(v.fix).toStrictEqual({
      kind: "redis-acl",
      text: `Take CONFIG SET, CLIENT KILL, REPLICAOF away from ops_bot. ${SAVE}`,
      commands: ["ACL SETUSER ops_bot resetkeys -config|set -client|kill -replicaof"],
    });
  });

  it("fails +@all on other keys, the rule named once, and revokes every server-wide command", () => {
    const v = verdictOf(redisDangerousCommands, ctx, "cache");
    expect(v.message).toMatch(/^User cache of jobs-redis is not an admin but can run ACL DELUSER \(deletes users\), ACL LOAD /);
    expect(v.message).toMatch(/, SYNC \(copies the whole dataset \(replication\)\), granted by \+@all: it can destroy or move/);
    expect(v.fix?.commands).toStrictEqual([
      "ACL SETUSER cache resetkeys ~cache:* -acl|deluser -acl|load -acl|save -acl|setuser -client|kill -config|get -config|resetstat -config|rewrite -config|set -debug -failover -flushall -flushdb -keys -module|load -module|loadex -module|unload -monitor -psync -replicaof -shutdown -slaveof -swapdb -sync",
    ]);
  });

  it("takes only the dangerous commands away: its fix leaves a user reading or changing the queue keys as it does now", () => {
    // Which queue access a stranger should lose is redis-unexpected-user's fix, not this one.
    const ctx = observed({
      reader: "on #<redacted> ~queue:* ~cache:* -@all +lrange +get +flushall",
      writer: "on #<redacted> ~queue:* -@all +lpush +flushdb",
      both: "on #<redacted> ~queue:* -@all +lrange +lpush +swapdb",
    });
    const fixes = Object.fromEntries(["reader", "writer", "both"].map((name) => [name, verdictOf(redisDangerousCommands, ctx, name).fix]));
    expect(fixes).toStrictEqual({
      reader: {
        kind: "redis-acl",
        text: `Take FLUSHALL away from reader. ${SAVE}`,
        commands: ["ACL SETUSER reader resetkeys %R~queue:* ~cache:* -flushall"],
      },
      writer: {
        kind: "redis-acl",
        text: `Take FLUSHDB away from writer. ${SAVE}`,
        commands: ["ACL SETUSER writer resetkeys %W~queue:* -flushdb"],
      },
      both: {
        kind: "redis-acl",
        text: `Take SWAPDB away from both. ${SAVE}`,
        commands: ["ACL SETUSER both resetkeys ~queue:* -swapdb"],
      },
    });
  });

  it("leaves admins, principals (redis-excess-access judges them) and off users alone", () => {
    const results = redisDangerousCommands.evaluate(
      observed({
        ops_admin: USERS.ops_admin as string,
        sidekiq_worker: "on #<redacted> ~queue:* -@all +lpush +flushall",
        retired: USERS.retired as string,
        cache_safe: USERS.cache_safe as string,
      }),
    );
    expect(results.map((r) => [r.status, r.message])).toStrictEqual([
      ["PASS", "On jobs-redis, only admins can run keyspace- or server-wide commands."],
    ]);
  });
});

describe("redis-nopass-user", () => {
  it("fails an enabled nopass user other than default, saying what it can do", () => {
    const v = verdictOf(redisNopassUser, observed({ legacy: "on nopass ~queue:* -@all +lrange" }), "legacy");
    expect(v.message).toBe(
      "User legacy of jobs-redis is on with nopass: any password logs in as it, and it reads queue:* (~queue:* +lrange).",
    );
    expect(v.evidence).toStrictEqual({
      source: SOURCE,
      rules: "on nopass ~queue:* -@all +lrange",
      can: "reads queue:* (~queue:* +lrange)",
    });
    expect(v.fix).toStrictEqual({
      kind: "redis-acl",
      text: 'Give legacy a password: generate one into your secret store, put its SHA-256 in place of SHA256_OF_NEW_PASSWORD (`printf %s "$NEW_PASSWORD" | sha256sum`), and update the clients that log in as legacy.',
      commands: ["ACL SETUSER legacy resetpass #SHA256_OF_NEW_PASSWORD"],
    });
  });

  it("leaves default (other checks judge it), off users, and users whose password was set after nopass", () => {
    const results = redisNopassUser.evaluate(
      observed({
        default: "on nopass ~* +@all",
        retired: "off nopass ~* +@all",
        fixed: "on nopass #<redacted> ~cache:* -@all +get",
        reset: "on nopass resetpass ~cache:* -@all +get",
      }),
    );
    expect(results).toStrictEqual([
      {
        checkId: "redis-nopass-user",
        status: "PASS",
        resource: { type: "Redis::User", id: "jobs-redis" },
        message: "On jobs-redis, every enabled user other than default needs a password.",
        evidence: { source: SOURCE, enabledUsers: ["default", "fixed", "reset"] },
      },
    ]);
  });
});

describe("the fixes, applied to the ACL in memory", () => {
  /** What ACL SETUSER does: its rules are applied after the user's own. */
  function applied(users: Record<string, string>, results: CheckResult[]): Record<string, string> {
    const next = { ...users };
    for (const r of results) {
      for (const command of r.fix?.commands ?? []) {
        const [acl, setuser, name = "", ...rules] = splitRedisCliLine(command);
        expect([acl, setuser]).toStrictEqual(["ACL", "SETUSER"]);
        next[name] = `${next[name]} ${rules.join(" ")}`;
      }
    }
    return next;
  }

  it("clear every access finding, and leave the workers their access", () => {
    const checks = [redisUnexpectedUser, redisExcessAccess, redisDangerousCommands];
    const before = checks.flatMap((c) => c.evaluate(observed(USERS)).filter((r) => r.status === "FAIL"));
    expect(before).toHaveLength(7);
    const after = observed(applied(USERS, before));
    for (const check of checks)
      expect(
        check.evaluate(after).map((r) => r.status),
        check.meta.id,
      ).toStrictEqual(["PASS"]);
    expect(applied(USERS, before).sidekiq_worker).toBe(USERS.sidekiq_worker);
    const users = redisUnexpectedUser.evaluate(after)[0]?.evidence.users as Record<string, { can: string }>;
    expect(users.sidekiq_worker?.can).toBe(
      "reads queue:*, queues, schedule, retry, dead (~queue:* ~queues ~schedule ~retry ~dead +@read +@write); changes queue:*, queues, schedule, retry, dead (~queue:* ~queues ~schedule ~retry ~dead +@write)",
    );
    expect(users.cache?.can).toBe("reads or changes no queue key");
    expect(users.reporting?.can).toBe("reads queue:*, schedule (%R~queue:* %R~schedule +@read +@write)");
  });
});

describe("an unreadable user", () => {
  const ctx = observed({ ...only(CLEAN), odd: "on ~* +@nosuchcategory" });

  it("is an ERROR in every access check, and the target gets no PASS", () => {
    for (const check of [redisUnexpectedUser, redisExcessAccess, redisDangerousCommands, redisNopassUser]) {
      expect(
        check.evaluate(ctx).map((r) => [r.status, r.subject]),
        check.meta.id,
      ).toStrictEqual([["ERROR", "odd"]]);
    }
  });

  it("says, in each check's words, what could not be judged for that user, and why", () => {
    const cause = {
      source: SOURCE,
      reason: 'the rules of user odd could not be read: unknown ACL category @nosuchcategory in "+@nosuchcategory"',
      code: "AclRule",
    };
    const unread = (check: Check, what: string) => ({
      checkId: check.meta.id,
      status: "ERROR",
      resource: { type: "Redis::User", id: "jobs-redis" },
      message: `Could not evaluate ${what} for user odd: ${cause.reason} (${SOURCE}).`,
      evidence: cause,
      cause,
      subject: "odd",
    });
    expect(redisUnexpectedUser.evaluate(ctx)).toStrictEqual([unread(redisUnexpectedUser, "who can reach the queue keys")]);
    expect(redisExcessAccess.evaluate(ctx)).toStrictEqual([unread(redisExcessAccess, "what the principals can do")]);
    expect(redisDangerousCommands.evaluate(ctx)).toStrictEqual([
      unread(redisDangerousCommands, "which users can run keyspace-wide commands"),
    ]);
    expect(redisNopassUser.evaluate(ctx)).toStrictEqual([unread(redisNopassUser, "which users need a password")]);
  });
});

describe("the same users from ElastiCache RBAC", () => {
  const rbacUser = (id: string, name: string, accessString: string, nopass = false) => ({
    UserId: id,
    UserName: name,
    Status: "active",
    Engine: "redis",
    AccessString: accessString,
    UserGroupIds: ["queue-users"],
    Authentication: nopass ? { Type: "no-password" } : { Type: "password", PasswordCount: 1 },
  });
  const users = [
    rbacUser("cache-id", "cache", "on ~cache:* -@all +get +flushall"),
    rbacUser("analytics-id", "analytics", "on ~* -@all +get"),
    rbacUser("legacy-id", "legacy", "on ~legacy:* -@all +get", true),
    rbacUser("reporting-id", "reporting", "on ~queue:* -@all +lrange +lpush"),
  ];
  const ctx = context(
    config({ targets: { elasticache: ["jobs-redis"] }, redis: [POLICY] }),
    inventory(
      partition({
        replicationGroups: ok([replicationGroup({ AuthTokenEnabled: false, UserGroupIds: ["queue-users"] })]),
        cacheClusters: ok([cacheCluster("jobs-redis-001"), cacheCluster("jobs-redis-002")]),
        userGroups: ok([{ UserGroupId: "queue-users", Status: "active", Engine: "redis", UserIds: users.map((u) => u.UserId) }]),
        users: ok(users),
      }),
    ),
  );

  it("carry the user id and an aws-cli fix with the complete access string", () => {
    const cache = verdictOf(redisDangerousCommands, ctx, "cache");
    expect(cache.evidence.userId).toBe("cache-id");
    expect(cache.fix).toStrictEqual({
      kind: "aws-cli",
      text: "Take FLUSHALL away from cache. Replace the user's access string (ElastiCache applies it to the users' connections as it propagates).",
      commands: ["aws elasticache modify-user --user-id cache-id --access-string 'on ~cache:* -@all +get +flushall -flushall'"],
    });
    const analytics = verdictOf(redisUnexpectedUser, ctx, "analytics");
    expect(analytics.evidence).toMatchObject({ userId: "analytics-id", source: "elasticache:DescribeUsers (user group queue-users)" });
    expect(analytics.fix?.commands).toStrictEqual(["aws elasticache modify-user --user-id analytics-id --access-string 'on -@all +get'"]);
    const reporting = verdictOf(redisExcessAccess, ctx, "reporting");
    expect(reporting.evidence.userId).toBe("reporting-id");
    expect(reporting.fix?.commands).toStrictEqual([
      "aws elasticache modify-user --user-id reporting-id --access-string 'on %R~queue:* -@all +lrange +lpush'",
    ]);
  });

  it("PASS evidence names each user's ElastiCache user id", () => {
    const [t] = judgedTargets(ctx);
    expect(t?.ok).toBe(true);
    const users = t?.ok ? (accessEvidence(t).users as Record<string, unknown>) : {};
    expect(users.analytics).toStrictEqual({
      role: "other",
      on: true,
      userId: "analytics-id",
      can: "reads queue:*, queues, schedule, retry, dead (~* +get)",
      read: {
        rule: "~* +get",
        patterns: ["*"],
        queueKeys: ["queue:*", "queues", "schedule", "retry", "dead"],
        commands: ["get"],
        commandCount: 1,
      },
    });
  });

  it("a no-password user gets the ElastiCache password fix", () => {
    const legacy = verdictOf(redisNopassUser, ctx, "legacy");
    expect(legacy.evidence).toStrictEqual({
      source: "elasticache:DescribeUsers (user group queue-users)",
      rules: "on ~legacy:* -@all +get",
      userId: "legacy-id",
      can: "reads or changes no queue key",
    });
    expect(legacy.fix?.commands).toStrictEqual([
      'aws elasticache modify-user --user-id legacy-id --authentication-mode Type=password,Passwords="$NEW_PASSWORD"',
    ]);
  });
});
