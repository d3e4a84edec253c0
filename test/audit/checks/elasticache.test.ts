import { describe, expect, it } from "vitest";
import { accessStringIsOn } from "../../../lib/audit/checks/elasticache/cache-default-user-open.js";
import { cacheCluster, config, inventory, missing, ok, partition, replicationGroup, verdicts } from "../../support/builders.js";

const cfg = config({ targets: { elasticache: ["jobs-redis"] }, credentials: { maxAgeDays: 90 } });

function estate(group: Record<string, unknown>, parts: Parameters<typeof partition>[0] = {}) {
  return inventory(
    partition({
      replicationGroups: ok([replicationGroup(group)]),
      cacheClusters: ok([cacheCluster("jobs-redis-001"), cacheCluster("jobs-redis-002")]),
      ...parts,
    }),
  );
}

const status = (checkId: string, inv: ReturnType<typeof estate>) =>
  verdicts(checkId, cfg, inv).map((r) => `${r.status}${r.subject ? ` ${r.subject}` : ""}`);

describe("cache-auth-disabled", () => {
  it("fails without AUTH token and user group, passes with either", () => {
    expect(status("cache-auth-disabled", estate({ AuthTokenEnabled: false }))).toEqual(["FAIL"]);
    expect(status("cache-auth-disabled", estate({}))).toEqual(["PASS"]);
    expect(status("cache-auth-disabled", estate({ AuthTokenEnabled: false, UserGroupIds: ["queue-users"] }))).toEqual(["PASS"]);
  });
});

describe("cache-default-user-open", () => {
  const users = (defaultUser: Record<string, unknown>) =>
    ok([
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
        AccessString: "on ~jobs:* +@all",
        UserGroupIds: ["queue-users"],
        Authentication: { Type: "password", PasswordCount: 1 },
      },
    ]);
  const groups = ok([{ UserGroupId: "queue-users", Status: "active", Engine: "redis", UserIds: ["queue-default", "worker"] }]);
  const rbac = { AuthTokenEnabled: false, UserGroupIds: ["queue-users"] };

  it("fails a default user that is on with no password", () => {
    expect(status("cache-default-user-open", estate(rbac, { userGroups: groups, users: users({}) }))).toEqual([
      "FAIL queue-users/queue-default",
    ]);
  });

  it("passes a default user that is off, or that needs a password", () => {
    expect(status("cache-default-user-open", estate(rbac, { userGroups: groups, users: users({ AccessString: "off -@all" }) }))).toEqual([
      "PASS",
    ]);
    expect(
      status(
        "cache-default-user-open",
        estate(rbac, { userGroups: groups, users: users({ Authentication: { Type: "password", PasswordCount: 1 } }) }),
      ),
    ).toEqual(["PASS"]);
  });

  it("is an ERROR when the users were not exported", () => {
    expect(
      status("cache-default-user-open", estate(rbac, { userGroups: groups, users: missing("inv/elasticache-describe-users.json") })),
    ).toEqual(["ERROR"]);
  });

  it("says nothing for a cache without RBAC (cache-auth-disabled covers it)", () => {
    expect(status("cache-default-user-open", estate({}))).toEqual([]);
  });

  it.each([
    ["on ~* +@all", true],
    ["off ~* +@all", false],
    ["on ~* +@all off", false],
    ["~* +@all", true],
  ])("access string %s is on: %s", (access, expected) => {
    expect(accessStringIsOn(access)).toBe(expected);
  });
});

describe("cache-transit-encryption", () => {
  it("fails when disabled and when the mode is preferred", () => {
    expect(status("cache-transit-encryption", estate({ TransitEncryptionEnabled: false, TransitEncryptionMode: undefined }))).toEqual([
      "FAIL TransitEncryptionEnabled",
    ]);
    expect(status("cache-transit-encryption", estate({ TransitEncryptionMode: "preferred" }))).toEqual(["FAIL TransitEncryptionMode"]);
    expect(status("cache-transit-encryption", estate({}))).toEqual(["PASS"]);
  });
});

describe("cache-at-rest-unencrypted and cache-logs-not-delivered", () => {
  it("follow the group's settings", () => {
    expect(status("cache-at-rest-unencrypted", estate({ AtRestEncryptionEnabled: false }))).toEqual(["FAIL"]);
    expect(status("cache-at-rest-unencrypted", estate({}))).toEqual(["PASS"]);
    expect(status("cache-logs-not-delivered", estate({ LogDeliveryConfigurations: [{ LogType: "slow-log", Status: "active" }] }))).toEqual([
      "FAIL engine-log",
    ]);
    expect(
      status("cache-logs-not-delivered", estate({ LogDeliveryConfigurations: [{ LogType: "engine-log", Status: "disabling" }] })),
    ).toEqual(["FAIL engine-log"]);
    expect(status("cache-logs-not-delivered", estate({}))).toEqual(["PASS"]);
  });
});

describe("cache-auth-token-stale", () => {
  it("judges the token's age as of the capture time, not the clock", () => {
    // Captured 2026-11-01; token set 2026-07-01 = 123 days before capture.
    expect(status("cache-auth-token-stale", estate({ AuthTokenLastModifiedDate: "2026-07-01T00:00:00.000Z" }))).toEqual(["FAIL"]);
    // 2026-08-10 is 83 days before capture (but 107 before NOW): still fresh.
    expect(status("cache-auth-token-stale", estate({ AuthTokenLastModifiedDate: "2026-08-10T00:00:00.000Z" }))).toEqual(["PASS"]);
  });

  it("falls back to the creation time and skips caches without a token", () => {
    expect(status("cache-auth-token-stale", estate({ AuthTokenLastModifiedDate: undefined }))).toEqual(["FAIL"]);
    expect(status("cache-auth-token-stale", estate({ AuthTokenEnabled: false }))).toEqual([]);
  });
});

describe("cache scope", () => {
  it("audits the security groups and real port of the member clusters", () => {
    const inv = estate({ NodeGroups: [{ PrimaryEndpoint: { Address: "x", Port: 6380 } }] });
    const sg = verdicts("sg-world-ingress", cfg, inv);
    expect(sg.map((r) => r.resource.id)).toEqual(["sg-00000000000000c01"]);
    expect(sg[0]?.status).toBe("ERROR"); // the group itself is not in the (empty) security groups export
  });

  it("does not take a missing member cluster's security groups as none", () => {
    const onlyOne = inventory(
      partition({ replicationGroups: ok([replicationGroup()]), cacheClusters: ok([cacheCluster("jobs-redis-001")]) }),
    );
    const sg = verdicts("audit-error", cfg, onlyOne);
    expect(sg.map((r) => r.message)).toEqual([
      expect.stringContaining("member cluster jobs-redis-002 of jobs-redis is not in the cache clusters export"),
    ]);
    const none = inventory(partition({ replicationGroups: ok([replicationGroup()]), cacheClusters: ok([]) }));
    expect(verdicts("audit-error", cfg, none).map((r) => r.status)).toEqual(["ERROR"]);
  });

  it("reports a member-cluster target whose replication group was not exported", () => {
    const c = config({ targets: { elasticache: ["jobs-redis-001"] } });
    const inv = inventory(partition({ replicationGroups: ok([]), cacheClusters: ok([cacheCluster("jobs-redis-001")]) }));
    expect(verdicts("audit-error", c, inv).map((r) => [r.status, r.cause?.code])).toEqual([["ERROR", "ParentNotFound"]]);
  });

  it("treats serverless caches as TLS-only and encrypted, and needs a user group for auth", () => {
    const serverless = {
      ServerlessCacheName: "jobs-serverless",
      Engine: "valkey",
      Status: "available",
      Endpoint: { Address: "jobs-serverless-abc.serverless.euw1.cache.amazonaws.com", Port: 6379 },
      ReaderEndpoint: { Address: "jobs-serverless-abc.serverless.euw1.cache.amazonaws.com", Port: 6380 },
      SecurityGroupIds: ["sg-00000000000000c02"],
      ARN: "arn:aws:elasticache:eu-west-1:111122223333:serverlesscache:jobs-serverless",
    };
    const c = config({ targets: { elasticache: ["jobs-serverless"] } });
    const inv = inventory(partition({ serverlessCaches: ok([serverless]) }));
    expect(verdicts("cache-transit-encryption", c, inv).map((r) => r.status)).toEqual(["PASS"]);
    expect(verdicts("cache-at-rest-unencrypted", c, inv).map((r) => r.status)).toEqual(["PASS"]);
    expect(verdicts("cache-auth-disabled", c, inv).map((r) => r.status)).toEqual(["FAIL"]);
    expect(verdicts("cache-logs-not-delivered", c, inv)).toEqual([]);
  });

  it("selects caches by tag through the list-tags export, and a missing tags file is an ERROR", () => {
    const c = config({ targets: { tag: { key: "queue-backend", value: "delayed_job" } } });
    const tagged = estate({}, { cacheTags: { "jobs-redis": ok([{ Key: "queue-backend", Value: "delayed_job" }]) } });
    expect(verdicts("cache-auth-disabled", c, tagged).map((r) => r.resource.id)).toEqual(["jobs-redis"]);
    const untold = estate({});
    expect(verdicts("cache-auth-disabled", c, untold)).toEqual([]);
    expect(verdicts("audit-error", c, untold).map((r) => r.status)).toEqual(["ERROR"]);
  });
});
