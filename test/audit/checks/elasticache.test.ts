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

describe("ElastiCache checks: what a verdict says", () => {
  const one = (checkId: string, inv: ReturnType<typeof estate>, c = cfg) => {
    const results = verdicts(checkId, c, inv);
    expect(results).toHaveLength(1);
    const [r] = results;
    if (!r) throw new Error("no verdict");
    return r;
  };
  /** A stand-alone Redis cache cluster (no replication group), as DescribeCacheClusters returns it. */
  const solo = (overrides: Record<string, unknown> = {}) =>
    inventory(
      partition({
        cacheClusters: ok([
          {
            ...cacheCluster("solo-redis"),
            ReplicationGroupId: undefined,
            AuthTokenEnabled: true,
            AuthTokenLastModifiedDate: "2026-10-01T08:00:00.000Z",
            TransitEncryptionEnabled: true,
            TransitEncryptionMode: "required",
            AtRestEncryptionEnabled: true,
            CacheClusterCreateTime: "2025-01-10T08:00:00.000Z",
            LogDeliveryConfigurations: [{ LogType: "engine-log", DestinationType: "kinesis-firehose", Status: "active" }],
            ...overrides,
          },
        ]),
      }),
    );
  const soloCfg = config({ targets: { elasticache: ["solo-redis"] }, credentials: { maxAgeDays: 90 } });
  /** A serverless cache (always TLS and encrypted; auth only through a user group). */
  const serverless = (overrides: Record<string, unknown> = {}) =>
    inventory(
      partition({
        serverlessCaches: ok([
          {
            ServerlessCacheName: "jobs-serverless",
            Engine: "valkey",
            Status: "available",
            Endpoint: { Address: "jobs-serverless-abc.serverless.euw1.cache.amazonaws.com", Port: 6379 },
            SecurityGroupIds: ["sg-00000000000000c02"],
            ...overrides,
          },
        ]),
      }),
    );
  const serverlessCfg = config({ targets: { elasticache: ["jobs-serverless"] } });

  describe("cache-auth-disabled", () => {
    it("fails naming the cache and both ways to fix it, with what it saw", () => {
      const r = one("cache-auth-disabled", estate({ AuthTokenEnabled: false }));
      expect(r.status).toBe("FAIL");
      expect(r.subject).toBeUndefined();
      expect(r.message).toBe("jobs-redis accepts clients without credentials: attach an RBAC user group or set an AUTH token.");
      expect(r.evidence).toEqual({ AuthTokenEnabled: false, userGroupIds: [] });
      expect(one("cache-auth-disabled", estate({ AuthTokenEnabled: undefined })).status).toBe("FAIL");
    });

    it("passes saying which authentication the cache requires", () => {
      const token = one("cache-auth-disabled", estate({}));
      expect(token.message).toBe("jobs-redis requires authentication (AUTH token).");
      expect(token.evidence).toEqual({ AuthTokenEnabled: true, userGroupIds: [] });
      const groups = one("cache-auth-disabled", estate({ AuthTokenEnabled: false, UserGroupIds: ["queue-users", "ops-users"] }));
      expect(groups.message).toBe("jobs-redis requires authentication (RBAC user group queue-users, ops-users).");
      expect(groups.evidence).toEqual({ AuthTokenEnabled: false, userGroupIds: ["queue-users", "ops-users"] });
    });

    it("judges a stand-alone cache cluster by its own AUTH token", () => {
      expect(one("cache-auth-disabled", solo(), soloCfg)).toMatchObject({ status: "PASS", resource: { id: "solo-redis" } });
      expect(one("cache-auth-disabled", solo({ AuthTokenEnabled: false }), soloCfg).status).toBe("FAIL");
    });

    it("passes a serverless cache only through its user group (it has no AUTH token)", () => {
      const r = one("cache-auth-disabled", serverless({ UserGroupId: "queue-users" }), serverlessCfg);
      expect(r.status).toBe("PASS");
      expect(r.message).toBe("jobs-serverless requires authentication (RBAC user group queue-users).");
      expect(r.evidence).toEqual({ AuthTokenEnabled: false, userGroupIds: ["queue-users"] });
      expect(one("cache-auth-disabled", serverless({ AuthTokenEnabled: true }), serverlessCfg).status).toBe("FAIL");
    });
  });

  describe("cache-default-user-open", () => {
    const defaultUser = {
      UserId: "queue-default",
      UserName: "default",
      Status: "active",
      Engine: "redis",
      AccessString: "on ~* +@all",
      Authentication: { Type: "no-password" },
    };
    const worker = {
      UserId: "worker",
      UserName: "worker",
      Status: "active",
      Engine: "redis",
      AccessString: "on ~jobs:* +@all",
      Authentication: { Type: "password", PasswordCount: 1 },
    };
    const group = (id: string, userIds?: string[]) => ({ UserGroupId: id, Status: "active", Engine: "redis", UserIds: userIds });
    const rbac = (groupIds: string[], groups: unknown[], users: unknown[]) =>
      estate({ AuthTokenEnabled: false, UserGroupIds: groupIds }, { userGroups: ok(groups), users: ok(users) });
    const judged = (inv: ReturnType<typeof estate>) =>
      verdicts("cache-default-user-open", cfg, inv).map((r) => `${r.status}${r.subject ? ` ${r.subject}` : ""}`);

    it("fails naming the group, the user and its access string, with what it saw", () => {
      const r = one(
        "cache-default-user-open",
        rbac(["queue-users"], [group("queue-users", ["queue-default", "worker"])], [defaultUser, worker]),
      );
      expect(r.status).toBe("FAIL");
      expect(r.subject).toBe("queue-users/queue-default");
      expect(r.message).toBe(
        'User group queue-users of jobs-redis lets anyone in as `default` (user queue-default, no password, access "on ~* +@all"): replace it with a default user that is off.',
      );
      expect(r.evidence).toEqual({
        userGroupId: "queue-users",
        userId: "queue-default",
        userName: "default",
        authenticationType: "no-password",
        accessString: "on ~* +@all",
      });
    });

    it("passes naming every group it checked", () => {
      const r = one(
        "cache-default-user-open",
        rbac(["queue-users", "ops-users"], [group("queue-users", ["worker"]), group("ops-users", [])], [defaultUser, worker]),
      );
      expect(r.status).toBe("PASS");
      expect(r.message).toBe("The default user of queue-users, ops-users is off or needs a password.");
      expect(r.evidence).toEqual({ userGroupIds: ["queue-users", "ops-users"] });
      expect(judged(rbac(["queue-users"], [group("queue-users")], []))).toEqual(["PASS"]);
    });

    it("fails only for a user named default with no password that is on", () => {
      const members = [group("queue-users", ["queue-default"])];
      expect(judged(rbac(["queue-users"], members, [{ ...defaultUser, UserName: "queue-default" }]))).toEqual(["PASS"]);
      expect(judged(rbac(["queue-users"], members, [{ ...defaultUser, Authentication: undefined }]))).toEqual(["PASS"]);
      expect(judged(rbac(["queue-users"], members, [{ ...defaultUser, AccessString: "on ~* +@all off" }]))).toEqual(["PASS"]);
      expect(judged(rbac(["queue-users"], members, [{ ...defaultUser, AccessString: undefined }]))).toEqual([
        "FAIL queue-users/queue-default",
      ]);
    });

    it("fails the open group and does not pass the cache when another of its groups is fine", () => {
      const inv = rbac(
        ["ops-users", "queue-users"],
        [group("ops-users", ["worker"]), group("queue-users", ["queue-default"])],
        [defaultUser, worker],
      );
      expect(judged(inv)).toEqual(["FAIL queue-users/queue-default"]);
    });

    it("is an ERROR naming the user group when the groups or the users could not be read", () => {
      const noGroups = one(
        "cache-default-user-open",
        estate(
          { AuthTokenEnabled: false, UserGroupIds: ["queue-users", "ops-users"] },
          { userGroups: missing("inv/elasticache-describe-user-groups.json"), users: ok([defaultUser]) },
        ),
      );
      expect(noGroups.status).toBe("ERROR");
      expect(noGroups.message).toBe(
        "Could not evaluate the members of user group queue-users, ops-users: the file is missing from the inventory (inv/elasticache-describe-user-groups.json).",
      );
      const noUsers = one(
        "cache-default-user-open",
        estate(
          { AuthTokenEnabled: false, UserGroupIds: ["queue-users", "ops-users"] },
          { userGroups: ok([group("queue-users", ["queue-default"])]), users: missing("inv/elasticache-describe-users.json") },
        ),
      );
      expect(noUsers.message).toBe(
        "Could not evaluate the users of user group queue-users, ops-users: the file is missing from the inventory (inv/elasticache-describe-users.json).",
      );
    });

    it("is an ERROR, never a PASS, for a group or a member user missing from the export", () => {
      const noGroup = one("cache-default-user-open", rbac(["queue-users"], [group("ops-users", [])], []));
      expect(noGroup.status).toBe("ERROR");
      expect(noGroup.subject).toBe("queue-users");
      expect(noGroup.message).toBe(
        "Could not evaluate user group queue-users: user group queue-users is not in the described user groups (queue-users).",
      );
      expect(noGroup.cause).toEqual({
        source: "queue-users",
        reason: "user group queue-users is not in the described user groups",
        code: "NotCaptured",
        account: "111122223333",
        region: "eu-west-1",
      });
      const noUser = one("cache-default-user-open", rbac(["queue-users"], [group("queue-users", ["worker", "ghost"])], [worker]));
      expect(noUser.status).toBe("ERROR");
      expect(noUser.subject).toBe("queue-users/ghost");
      expect(noUser.message).toBe("Could not evaluate user ghost: user ghost of queue-users is not in the described users (ghost).");
      expect(noUser.cause).toEqual({
        source: "ghost",
        reason: "user ghost of queue-users is not in the described users",
        code: "NotCaptured",
        account: "111122223333",
        region: "eu-west-1",
      });
    });

    it("checks a serverless cache's user group", () => {
      const inv = inventory(
        partition({
          serverlessCaches: ok([{ ServerlessCacheName: "jobs-serverless", Engine: "valkey", UserGroupId: "queue-users" }]),
          userGroups: ok([group("queue-users", ["queue-default"])]),
          users: ok([defaultUser]),
        }),
      );
      expect(verdicts("cache-default-user-open", serverlessCfg, inv).map((r) => `${r.status} ${r.subject}`)).toEqual([
        "FAIL queue-users/queue-default",
      ]);
    });

    it.each([
      ["  on ~* +@all  ", true],
      ["off", false],
      ["  off  ", false],
      ["on ~*   +@all   off", false],
      ["off ~* on", true],
      ["on ~off* +@all", true],
      ["", true],
    ])("reads the access string %j as on: %s (the last on/off token decides)", (access, expected) => {
      expect(accessStringIsOn(access)).toBe(expected);
    });

    it("reads a missing access string as on (AWS's default)", () => {
      expect(accessStringIsOn(undefined)).toBe(true);
    });
  });

  describe("cache-transit-encryption", () => {
    it("says why it fails: encryption off, or plaintext still accepted", () => {
      const off = one("cache-transit-encryption", estate({ TransitEncryptionEnabled: undefined, TransitEncryptionMode: undefined }));
      expect(off.status).toBe("FAIL");
      expect(off.message).toBe("jobs-redis does not encrypt connections: enable in-transit encryption in required mode.");
      expect(off.evidence).toEqual({ TransitEncryptionEnabled: false, TransitEncryptionMode: null });
      const preferred = one("cache-transit-encryption", estate({ TransitEncryptionMode: "preferred" }));
      expect(preferred.message).toBe(
        "jobs-redis still accepts plaintext connections (TransitEncryptionMode preferred): switch to required.",
      );
      expect(preferred.evidence).toEqual({ TransitEncryptionEnabled: true, TransitEncryptionMode: "preferred" });
    });

    it("passes encrypted-only connections, and a serverless cache as TLS-only", () => {
      const r = one("cache-transit-encryption", estate({}));
      expect(r.message).toBe("jobs-redis accepts encrypted connections only.");
      expect(r.evidence).toEqual({ TransitEncryptionEnabled: true, TransitEncryptionMode: "required" });
      const s = one("cache-transit-encryption", serverless(), serverlessCfg);
      expect(s.message).toBe("jobs-serverless is serverless, and serverless caches accept TLS connections only.");
      expect(s.evidence).toEqual({ serverless: true });
    });

    it("judges a stand-alone cache cluster by its own settings", () => {
      expect(one("cache-transit-encryption", solo(), soloCfg).status).toBe("PASS");
      expect(one("cache-transit-encryption", solo({ TransitEncryptionMode: "preferred" }), soloCfg).status).toBe("FAIL");
    });
  });

  describe("cache-at-rest-unencrypted", () => {
    it("says whether the data is encrypted at rest", () => {
      const off = one("cache-at-rest-unencrypted", estate({ AtRestEncryptionEnabled: undefined }));
      expect(off.status).toBe("FAIL");
      expect(off.message).toBe("jobs-redis does not encrypt its data at rest: recreate it with at-rest encryption.");
      expect(off.evidence).toEqual({ AtRestEncryptionEnabled: false });
      const on = one("cache-at-rest-unencrypted", estate({}));
      expect(on.message).toBe("jobs-redis encrypts its data at rest.");
      expect(on.evidence).toEqual({ AtRestEncryptionEnabled: true });
    });

    it("passes a serverless cache with its KMS key, if any, as evidence", () => {
      const s = one("cache-at-rest-unencrypted", serverless(), serverlessCfg);
      expect(s.message).toBe("jobs-serverless is serverless, and serverless caches always encrypt data at rest.");
      expect(s.evidence).toEqual({ serverless: true, KmsKeyId: null });
      const kms = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      expect(one("cache-at-rest-unencrypted", serverless({ KmsKeyId: kms }), serverlessCfg).evidence).toEqual({
        serverless: true,
        KmsKeyId: kms,
      });
    });

    it("judges a stand-alone cache cluster by its own settings", () => {
      expect(one("cache-at-rest-unencrypted", solo(), soloCfg).status).toBe("PASS");
      expect(one("cache-at-rest-unencrypted", solo({ AtRestEncryptionEnabled: false }), soloCfg).status).toBe("FAIL");
    });
  });

  describe("cache-auth-token-stale", () => {
    it("allows exactly maxAgeDays and fails the day after, saying how old the token is", () => {
      // Captured 2026-11-01: 2026-08-03 is 90 days before, 2026-08-02 is 91.
      const at = one("cache-auth-token-stale", estate({ AuthTokenLastModifiedDate: "2026-08-03T00:00:00.000Z" }));
      expect(at.status).toBe("PASS");
      expect(at.message).toBe("jobs-redis's AUTH token is 90 days old (limit 90).");
      expect(at.evidence).toEqual({
        AuthTokenLastModifiedDate: "2026-08-03T00:00:00.000Z",
        ageDays: 90,
        maxAgeDays: 90,
        asOf: "2026-11-01T00:00:00.000Z",
      });
      const over = one("cache-auth-token-stale", estate({ AuthTokenLastModifiedDate: "2026-08-02T00:00:00.000Z" }));
      expect(over.status).toBe("FAIL");
      expect(over.subject).toBeUndefined();
      expect(over.message).toBe("jobs-redis's AUTH token is 91 days old (limit 90): rotate it.");
    });

    it("counts from the creation time when the token was never changed, and says so in the evidence", () => {
      const r = one("cache-auth-token-stale", estate({ AuthTokenLastModifiedDate: undefined }));
      expect(r.message).toBe("jobs-redis's AUTH token is 659 days old (limit 90): rotate it.");
      expect(r.evidence).toMatchObject({ AuthTokenLastModifiedDate: null, ageDays: 659 });
      expect(one("cache-auth-token-stale", solo({ AuthTokenLastModifiedDate: undefined }), soloCfg).message).toBe(
        "solo-redis's AUTH token is 659 days old (limit 90): rotate it.",
      );
    });

    it("is an ERROR when neither the token's change nor the creation time is known", () => {
      const r = one("cache-auth-token-stale", estate({ AuthTokenLastModifiedDate: undefined, ReplicationGroupCreateTime: undefined }));
      expect(r.status).toBe("ERROR");
      expect(r.message).toBe(
        "Could not evaluate the AUTH token's age: neither AuthTokenLastModifiedDate nor a creation time is in the inventory (jobs-redis).",
      );
      expect(r.cause).toEqual({
        source: "jobs-redis",
        reason: "neither AuthTokenLastModifiedDate nor a creation time is in the inventory",
        code: "NotCaptured",
        account: "111122223333",
        region: "eu-west-1",
      });
    });

    it("skips a cache without an AUTH token, and a serverless cache", () => {
      expect(verdicts("cache-auth-token-stale", cfg, estate({ AuthTokenEnabled: undefined }))).toEqual([]);
      expect(verdicts("cache-auth-token-stale", serverlessCfg, serverless())).toEqual([]);
    });
  });

  describe("cache-logs-not-delivered", () => {
    it("passes an engine log being delivered, enabled or modified, naming where it goes", () => {
      for (const Status of ["active", "enabling", "modifying"]) {
        const r = one(
          "cache-logs-not-delivered",
          estate({ LogDeliveryConfigurations: [{ LogType: "engine-log", DestinationType: "cloudwatch-logs", LogFormat: "json", Status }] }),
        );
        expect(r.status, Status).toBe("PASS");
        expect(r.message).toBe("jobs-redis delivers its engine log to cloudwatch-logs.");
        expect(r.evidence).toEqual({ LogDeliveryConfigurations: [{ LogType: "engine-log", DestinationType: "cloudwatch-logs", Status }] });
      }
    });

    it("fails an engine log without a delivering status, and a cache without log delivery", () => {
      const disabled = one(
        "cache-logs-not-delivered",
        estate({ LogDeliveryConfigurations: [{ LogType: "engine-log", Status: undefined }] }),
      );
      expect(disabled.status).toBe("FAIL");
      expect(disabled.message).toBe("jobs-redis does not deliver its engine log: enable engine-log delivery.");
      const none = one("cache-logs-not-delivered", estate({ LogDeliveryConfigurations: undefined }));
      expect(none).toMatchObject({ status: "FAIL", subject: "engine-log", evidence: { LogDeliveryConfigurations: [] } });
    });

    it("judges a stand-alone cache cluster by its own log delivery", () => {
      expect(one("cache-logs-not-delivered", solo(), soloCfg).message).toBe("solo-redis delivers its engine log to kinesis-firehose.");
      expect(one("cache-logs-not-delivered", solo({ LogDeliveryConfigurations: [] }), soloCfg).status).toBe("FAIL");
    });
  });
});
