/**
 * redis-nopass-user on in-memory ACLs: the in-memory twin of access-live.test.ts's nopass
 * user. An enabled nopass user other than default fails, whatever its access; an off one,
 * one with a password, and default (redis-default-user-open's) stay silent; an unread ACL or
 * user is an ERROR and holds the PASS back.
 */
import { describe, expect, it } from "vitest";
import type { RedisAclObservation } from "../../../../lib/audit/probes/redis/types.js";
import { ACCOUNT, inventory, ok, partition, REGION, replicationGroup } from "../../../support/builders.js";
import { creds, healthy, target, verdictsOf } from "./observation.js";

const ID = "redis-nopass-user";
const USER = { type: "Redis::User", id: "jobs-redis" } as const;
const SOURCE = "ACL LIST on jobs.example.com:6379 as auditor";
const policed = target({ credentials: creds, keys: ["queue:*"] });
const acl = (...users: string[]): RedisAclObservation => ({ username: "auditor", outcome: "read", command: "ACL LIST", users });
const run = (...users: string[]) => verdictsOf(ID, [policed], [healthy({ acl: acl(...users) })]);
const DEFAULT_OFF = "user default off nopass sanitize-payload ~* &* +@all";
const aclFix = (name: string) => ({
  kind: "redis-acl",
  text: `Give ${name} a password: generate one into your secret store, put its SHA-256 in place of SHA256_OF_NEW_PASSWORD (\`printf %s "$NEW_PASSWORD" | sha256sum\`), and update the clients that log in as ${name}.`,
  commands: [`ACL SETUSER ${name} resetpass #SHA256_OF_NEW_PASSWORD`],
});

describe("redis-nopass-user", () => {
  it("fails an enabled nopass user, saying what it can do, with its rules and the fix", () => {
    const can = "reads queue:* (~queue:* +@list +@read); changes queue:* (~queue:* +@list); can run KEYS";
    expect(run(DEFAULT_OFF, "user worker on nopass sanitize-payload ~queue:* resetchannels -@all +@list +@read")).toStrictEqual([
      {
        checkId: ID,
        status: "FAIL",
        resource: USER,
        subject: "worker",
        message: `User worker of jobs-redis is on with nopass: any password logs in as it, and it ${can}.`,
        evidence: { source: SOURCE, rules: "on nopass sanitize-payload ~queue:* resetchannels -@all +@list +@read", can },
        fix: aclFix("worker"),
      },
    ]);
  });

  it("fails a nopass user without queue access too, in a sentence that reads", () => {
    const [v, ...rest] = run(DEFAULT_OFF, "user ops on nopass sanitize-payload resetchannels -@all");
    expect(rest).toEqual([]);
    expect(v?.status).toBe("FAIL");
    expect(v?.message).toBe("User ops of jobs-redis is on with nopass: any password logs in as it, and it reads or changes no queue key.");
    expect(v?.evidence).toStrictEqual({
      source: SOURCE,
      rules: "on nopass sanitize-payload resetchannels -@all",
      can: "reads or changes no queue key",
    });
  });

  it("fails a nopass user whose only access is dangerous commands, saying which", () => {
    const [v] = run(DEFAULT_OFF, "user bot on nopass resetchannels -@all +flushall +config|set");
    expect(v?.message).toBe("User bot of jobs-redis is on with nopass: any password logs in as it, and it can run FLUSHALL, CONFIG SET.");
    expect(v?.evidence.can).toBe("can run FLUSHALL, CONFIG SET");
  });

  it("fails every nopass user, and then gives no PASS", () => {
    const results = run(DEFAULT_OFF, "user a on nopass -@all", "user web on #<redacted> ~* +@all", "user b on nopass -@all");
    expect(results.map((r) => [r.status, r.subject])).toEqual([
      ["FAIL", "a"],
      ["FAIL", "b"],
    ]);
  });

  it("passes when every enabled user but default needs a password, listing the enabled users", () => {
    // Look-alikes: default on with nopass (redis-default-user-open's), an off nopass user, users with passwords.
    const results = run(
      "user default on nopass sanitize-payload ~* &* +@all",
      "user retired off nopass ~queue:* +@all",
      "user web on #<redacted> ~queue:* +@all",
      "user worker on #<redacted> #<redacted> ~queue:* +@list",
    );
    expect(results).toStrictEqual([
      {
        checkId: ID,
        status: "PASS",
        resource: USER,
        message: "On jobs-redis, every enabled user other than default needs a password.",
        evidence: { source: SOURCE, enabledUsers: ["default", "web", "worker"] },
      },
    ]);
  });

  it("gives ERROR for a user whose rules could not be read, and then no PASS", () => {
    const results = run(DEFAULT_OFF, "user web on #<redacted> ~* +@all", "user odd on %Q~x");
    const cause = { source: SOURCE, reason: 'the rules of user odd could not be read: unknown key permission in "%Q~x"', code: "AclRule" };
    expect(results).toStrictEqual([
      {
        checkId: ID,
        status: "ERROR",
        resource: USER,
        subject: "odd",
        message: `Could not evaluate which users need a password for user odd: ${cause.reason} (${SOURCE}).`,
        evidence: cause,
        cause,
      },
    ]);
  });

  it("gives ERROR when there is no ACL to judge by", () => {
    const cause = {
      source: "redis://jobs.example.com:6379 ACL LIST",
      reason:
        "no ACL to judge jobs-redis by: give the target audit credentials (credentials:) or list its ElastiCache id in targets.elasticache",
      code: "NoAclSource",
    };
    expect(verdictsOf(ID, [target({ keys: ["queue:*"] })], [healthy({ acl: undefined })])).toStrictEqual([
      {
        checkId: ID,
        status: "ERROR",
        resource: USER,
        message: `Could not evaluate which users need a password on jobs-redis: ${cause.reason} (${cause.source}).`,
        evidence: cause,
        cause,
      },
    ]);
  });

  it("is silent on a target without an access policy (no queue keys)", () => {
    expect(verdictsOf(ID, [target({ credentials: creds })], [healthy({ acl: acl("user worker on nopass ~* +@all") })])).toEqual([]);
  });

  it("names the ElastiCache user id and fixes it with the ElastiCache API when judged from RBAC", () => {
    const inv = inventory(
      partition({
        replicationGroups: ok([replicationGroup({ ReplicationGroupId: "jobs-redis", UserGroupIds: ["queue-users"] })]),
        userGroups: ok([{ UserGroupId: "queue-users", UserIds: ["queue-default-off", "queue-worker"] }]),
        users: ok([
          { UserId: "queue-default-off", UserName: "default", Authentication: { Type: "no-password" }, AccessString: "off ~* -@all" },
          { UserId: "queue-worker", UserName: "worker", Authentication: { Type: "no-password" }, AccessString: "on ~queue:* -@all +@list" },
        ]),
      }),
    );
    const results = verdictsOf(ID, [target({ keys: ["queue:*"] })], [], {
      config: { targets: { elasticache: ["jobs-redis"] } },
      inventory: inv,
    });
    const can = "reads queue:* (~queue:* +@list); changes queue:* (~queue:* +@list)";
    expect(results).toStrictEqual([
      {
        checkId: ID,
        status: "FAIL",
        resource: {
          type: "Redis::User",
          id: "jobs-redis",
          arn: "arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:jobs-redis",
          account: ACCOUNT,
          region: REGION,
        },
        subject: "worker",
        message: `User worker of jobs-redis is on with nopass: any password logs in as it, and it ${can}.`,
        evidence: {
          source: "elasticache:DescribeUsers (user group queue-users)",
          rules: "on ~queue:* -@all +@list",
          userId: "queue-worker",
          can,
        },
        fix: {
          kind: "aws-cli",
          text: "Give worker a password (generate it into your secret store first; NEW_PASSWORD is read from the environment, never written here).",
          commands: ['aws elasticache modify-user --user-id queue-worker --authentication-mode Type=password,Passwords="$NEW_PASSWORD"'],
        },
      },
    ]);
  });
});
