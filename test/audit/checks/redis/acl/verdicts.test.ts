/**
 * What the four access checks share, in memory: the PASS evidence of what every user can
 * do, the ERROR results for an unread ACL or unreadable users, and which users count.
 */
import { describe, expect, it } from "vitest";
import { type JudgedTarget, judgedTargets } from "../../../../../lib/audit/checks/redis/acl/judged.js";
import { accessEvidence, enabledUsers, PAYLOAD_NOTE, unreadResults } from "../../../../../lib/audit/checks/redis/acl/verdicts.js";
import type { ConfigInput } from "../../../../../lib/audit/config/schema.js";
import type { RedisAclObservation } from "../../../../../lib/audit/probes/redis/types.js";
import { config, context, inventory } from "../../../../support/builders.js";

type TargetInput = NonNullable<ConfigInput["redis"]>[number];

const POLICY: TargetInput = {
  name: "jobs-redis",
  endpoint: { host: "jobs.example.com", port: 6379 },
  queue: "sidekiq",
  admins: ["ops_admin"],
  principals: { sidekiq_web: ["read"] },
};

function judged(acl: RedisAclObservation | undefined): JudgedTarget {
  const observation = {
    target: "jobs-redis",
    host: "jobs.example.com",
    port: 6379,
    tls: { attempted: true, spoken: true, verified: true, trust: "system" as const },
    unauthenticated: { outcome: "noauth" as const },
    ...(acl ? { acl } : {}),
  };
  const all = judgedTargets(context(config({ redis: [POLICY] }), inventory(), { redis: [observation] }));
  expect(all).toHaveLength(1);
  return all[0] as JudgedTarget;
}
const listed = (users: string[]) =>
  judged({ username: "auditor", outcome: "read", command: "ACL LIST", users, commandsSource: "live COMMAND INFO" });
const readable = (t: JudgedTarget) => {
  expect(t.ok).toBe(true);
  return t as Extract<JudgedTarget, { ok: true }>;
};

describe("accessEvidence: what every user can do, for PASS findings", () => {
  it("gives each user's role, state and grants, and only the grants it has", () => {
    const t = readable(
      listed([
        "user ops_admin on #<redacted> ~queue:* -@all +lrange +lpush +flushall",
        "user sidekiq_web on #<redacted> %R~queue:* -@all +lrange",
        "user cache on #<redacted> ~cache:* -@all +get",
        "user retired off #<redacted> ~* -@all +lpush",
      ]),
    );
    const evidence = accessEvidence(t);
    expect(evidence.source).toBe("ACL LIST on jobs.example.com:6379 as auditor");
    expect(evidence.commandTable).toBe("live COMMAND INFO");
    expect(evidence.queueKeys).toStrictEqual(["queue:*", "queues", "schedule", "retry", "dead"]);
    const users = evidence.users as Record<string, Record<string, unknown>>;
    expect(Object.keys(users)).toStrictEqual(["ops_admin", "sidekiq_web", "cache", "retired"]);
    expect(Object.keys(users.ops_admin ?? {})).toStrictEqual(["role", "on", "can", "read", "write", "dangerous"]);
    expect(users.ops_admin?.dangerous).toStrictEqual([{ command: "FLUSHALL", effect: "deletes every key", rule: "+flushall" }]);
    expect(users.sidekiq_web).toStrictEqual({
      role: "principal",
      on: true,
      can: "reads queue:* (%R~queue:* +lrange)",
      read: { rule: "%R~queue:* +lrange", patterns: ["queue:*"], queueKeys: ["queue:*"], commands: ["lrange"], commandCount: 1 },
    });
    expect(users.cache).toStrictEqual({ role: "other", on: true, can: "reads or changes no queue key" });
    expect(users.retired).toStrictEqual({
      role: "other",
      on: false,
      can: "nothing (off: cannot log in)",
      write: {
        rule: "~* +lpush",
        patterns: ["*"],
        queueKeys: ["queue:*", "queues", "schedule", "retry", "dead"],
        commands: ["lpush"],
        commandCount: 1,
      },
    });
    expect(users.ops_admin?.role).toBe("admin");
  });
});

describe("unreadResults: ERROR, never PASS, for what was not read", () => {
  it("one ERROR for a target whose ACL was not read, naming what could not be judged", () => {
    const t = judged({ username: "auditor", outcome: "auth-failed" });
    expect(unreadResults("redis-unexpected-user", t, "who can reach the queue keys")).toStrictEqual([
      {
        checkId: "redis-unexpected-user",
        status: "ERROR",
        resource: { type: "Redis::User", id: "jobs-redis" },
        message:
          "Could not evaluate who can reach the queue keys on jobs-redis: the ACL was not read (auth-failed); the audit user needs +acl|list (redis://jobs.example.com:6379 ACL LIST).",
        evidence: {
          source: "redis://jobs.example.com:6379 ACL LIST",
          reason: "the ACL was not read (auth-failed); the audit user needs +acl|list",
          code: "AuthFailed",
        },
        cause: {
          source: "redis://jobs.example.com:6379 ACL LIST",
          reason: "the ACL was not read (auth-failed); the audit user needs +acl|list",
          code: "AuthFailed",
        },
      },
    ]);
  });

  it("one ERROR per unreadable user, with the user as subject and its name shown safely", () => {
    const t = listed(["user odd on ~* +@nosuchcategory", "user \u001b[31mx on ~* +@nosuchcategory", "user fine on ~cache:* -@all +get"]);
    const results = unreadResults("redis-nopass-user", t, "which users need a password");
    expect(results.map((r) => [r.status, r.subject, r.message])).toStrictEqual([
      [
        "ERROR",
        "odd",
        'Could not evaluate which users need a password for user odd: the rules of user odd could not be read: unknown ACL category @nosuchcategory in "+@nosuchcategory" (ACL LIST on jobs.example.com:6379 as auditor).',
      ],
      [
        "ERROR",
        "\u001b[31mx",
        'Could not evaluate which users need a password for user "\\u001b[31mx": the rules of user "\\u001b[31mx" could not be read: unknown ACL category @nosuchcategory in "+@nosuchcategory" (ACL LIST on jobs.example.com:6379 as auditor).',
      ],
    ]);
    expect(results[0]?.cause).toStrictEqual({
      source: "ACL LIST on jobs.example.com:6379 as auditor",
      reason: 'the rules of user odd could not be read: unknown ACL category @nosuchcategory in "+@nosuchcategory"',
      code: "AclRule",
    });
  });

  it("nothing for a read ACL whose users all parsed", () => {
    expect(unreadResults("redis-excess-access", listed(["user fine on ~cache:* -@all +get"]), "what the principals can do")).toStrictEqual(
      [],
    );
  });
});

describe("enabledUsers", () => {
  it("keeps on users, in ACL order, and drops off ones: they cannot log in", () => {
    const t = readable(listed(["user a on ~* +@all", "user b off ~* +@all", "user c on nopass", "user d"]));
    expect(enabledUsers(t).map((u) => u.user.name)).toStrictEqual(["a", "c"]);
  });
});

describe("PAYLOAD_NOTE", () => {
  it("says what the queue keys hold", () => {
    expect(PAYLOAD_NOTE).toBe("the queue keys hold job payloads, whose arguments may carry secrets");
  });
});
