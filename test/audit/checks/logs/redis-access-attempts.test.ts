/**
 * redis-access-attempts on in-memory observations: ACL LOG entries as the probe records
 * them (Redis 7.0 and 7.2 forms), judged over the period.
 */
import { describe, expect, it } from "vitest";
import { periodStart, redisAccessAttempts } from "../../../../lib/audit/checks/logs/redis-access-attempts.js";
import type { RedisAclLogEntry, RedisObservation } from "../../../../lib/audit/probes/redis/types.js";
import { config, context, inventory, partition } from "../../../support/builders.js";
import { aclEntry, redisLogCfg, redisLogObservation } from "../cases/logs.js";

const judge = (entries: RedisAclLogEntry[], cfg = redisLogCfg, over: Partial<RedisObservation> = {}) =>
  redisAccessAttempts.evaluate(context(cfg, undefined, { redis: [{ ...redisLogObservation(entries), ...over }] }));

describe("redis-access-attempts", () => {
  it("judges only entries updated in the period (logs.lookbackMinutes before the read)", () => {
    const r = judge([aclEntry({ ageSeconds: 3700, count: 50, clientAddr: "203.0.113.9:1" })]);
    expect(r).toHaveLength(1);
    expect(r[0]?.status).toBe("PASS");
    expect(r[0]?.message).toContain("0 updated from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z");
  });

  it("judges from the previous run's start when the run read its logs since then, as pg-access-attempts does", () => {
    const sinceLastRun = inventory(partition({ logsSince: "2026-11-25T09:00:00.000Z" }));
    const judged = redisAccessAttempts.evaluate(
      context(redisLogCfg, sinceLastRun, {
        redis: [redisLogObservation([aclEntry({ ageSeconds: 3700, count: 50, clientAddr: "203.0.113.9:1" })])],
      }),
    );
    expect(judged.map((x) => [x.status, x.subject])).toEqual([["FAIL", "failed-logins"]]);
    expect(judged[0]?.evidence).toMatchObject({ since: "2026-11-25T09:00:00.000Z", until: "2026-11-25T12:00:00.000Z" });
  });

  it("falls back to logs.lookbackMinutes when the recorded period starts after the read", () => {
    const later = inventory(partition({ logsSince: "2026-11-25T12:30:00.000Z" }));
    const judged = redisAccessAttempts.evaluate(
      context(redisLogCfg, later, {
        redis: [redisLogObservation([aclEntry({ ageSeconds: 3700, count: 50, clientAddr: "203.0.113.9:1" })])],
      }),
    );
    expect(judged.map((x) => x.status)).toEqual(["PASS"]);
    expect(judged[0]?.evidence).toMatchObject({ since: "2026-11-25T11:00:00.000Z" });
  });

  it("adds failed AUTHs from one address over users, with the 7.2 first time", () => {
    const r = judge([
      aclEntry({ ageSeconds: 10, count: 6, username: "admin", clientAddr: "203.0.113.9:2", first: "2026-11-25T11:40:00.000Z", entryId: 1 }),
      aclEntry({ ageSeconds: 20, count: 4, username: "root", clientAddr: "203.0.113.9:3", entryId: 0 }),
      aclEntry({ ageSeconds: 30, count: 9, username: "x", clientAddr: "198.51.100.7:3", entryId: 2 }),
    ]);
    expect(r.map((x) => [x.status, x.subject])).toEqual([["FAIL", "failed-logins"]]);
    expect(r[0]?.evidence.sources).toEqual([
      {
        address: "203.0.113.9",
        count: 10,
        first: "2026-11-25T11:40:00.000Z",
        last: "2026-11-25T11:59:50.000Z",
        users: { admin: 6, root: 4 },
      },
    ]);
    expect(r[0]?.evidence).toMatchObject({ entriesGone: 0 });
  });

  it("escapes user names and objects chosen by the client", () => {
    const r = judge([
      aclEntry({ ageSeconds: 5, reason: "command", object: "flushall", username: "evil\n\u001b[2Jok", clientUser: "evil" }),
    ]);
    const f = r.find((x) => x.subject === "denied-access");
    expect(f?.message).toContain('"evil\\n\\u001b[2Jok"');
    expect(f?.message.includes("\n") || f?.message.includes("\u001b")).toBe(false);
    expect(f?.evidence.denied).toEqual([expect.objectContaining({ user: '"evil\\n\\u001b[2Jok"' })]);
  });

  it("does not count the audit user's own refused commands, nor principals refused outside the queue", () => {
    const r = judge([
      aclEntry({ ageSeconds: 5, reason: "command", object: "command|info", username: "auditor" }),
      aclEntry({ ageSeconds: 6, reason: "key", object: "cache:1", username: "sidekiq_worker" }),
    ]);
    expect(r.map((x) => x.status)).toEqual(["PASS"]);
  });

  it("is an ERROR when the ring is full and its oldest entry lies inside the period (7.2 ids say entries are gone)", () => {
    const entries = Array.from({ length: 128 }, (_, i) =>
      aclEntry({ ageSeconds: 10 + i, username: `u${i}`, clientAddr: `198.51.100.${i % 200}:1`, entryId: 500 - i }),
    );
    const r = judge(entries);
    const e = r.find((x) => x.status === "ERROR");
    expect(e?.cause).toMatchObject({ code: "AclLogFull", reason: expect.stringContaining("373 older entries are gone") });
    expect(e?.cause?.reason).toContain("acllog-max-len");
  });

  it("passes a full ring whose oldest entry predates the period, and says the log is full", () => {
    const entries = Array.from({ length: 128 }, (_, i) => aclEntry({ ageSeconds: 4000 + i, username: `u${i}` }));
    const r = judge(entries);
    expect(r.map((x) => x.status)).toEqual(["PASS"]);
    expect(r[0]?.evidence).toMatchObject({ logFull: true, entriesRead: 128, entriesInPeriod: 0 });
    expect(r[0]?.message).toContain("The log is full");
  });

  it("is an ERROR for a target without credentials, or a log the probe could not read", () => {
    const noCreds = config({ logs: {}, redis: [{ name: "jobs-redis", endpoint: { host: "10.0.0.5" } }] });
    const r1 = redisAccessAttempts.evaluate(context(noCreds, undefined, { redis: [redisLogObservation([])] }));
    expect(r1[0]).toMatchObject({ status: "ERROR", cause: { code: "NoCredentials" } });
    const r2 = judge([], redisLogCfg, {
      aclLog: { outcome: "error", limit: 1000, error: { source: "redis://h:6379", reason: "timed out", code: "ETIMEDOUT" } },
    });
    expect(r2[0]).toMatchObject({ status: "ERROR", cause: { code: "ETIMEDOUT" } });
  });

  it("without an access policy judges failed AUTHs only, and the PASS says so", () => {
    const cfg = config({
      logs: {},
      redis: [{ name: "jobs-redis", endpoint: { host: "10.0.0.5" }, credentials: { username: "auditor", password: { env: "X" } } }],
    });
    const r = judge([aclEntry({ ageSeconds: 5, reason: "command", object: "flushall", username: "stranger" })], cfg);
    expect(r.map((x) => x.status)).toEqual(["PASS"]);
    expect(r[0]?.message).toContain("has no access policy");
  });
});

describe("the weak-password trial's own attempts", () => {
  const trialCfg = config({ logs: {}, redis: [{ ...redisLogCfg.redis[0], probe: { weakPasswords: true } }] } as Parameters<
    typeof config
  >[0]);
  it("takes up to one trial's AUTHs off an entry logged under the audit user's session, and counts the excess", () => {
    const own = aclEntry({ ageSeconds: 5, count: 19, username: "sidekiq_worker", clientUser: "auditor", clientAddr: "10.0.9.9:1" });
    expect(judge([own], trialCfg).map((r) => r.status)).toEqual(["PASS"]);
    const merged = { ...own, count: 31 };
    const r = judge([merged], trialCfg);
    expect(r.find((x) => x.subject === "failed-logins")?.evidence.sources).toEqual([
      expect.objectContaining({ address: "10.0.9.9", count: 12 }),
    ]);
  });
});

describe("redis-access-attempts: what a verdict says", () => {
  const HOST = "master.jobs-redis.abc123.euw1.cache.amazonaws.com:6379";
  const PERIOD = "from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z";
  const base = (entriesRead: number, entriesInPeriod: number, oldest: string) => ({
    source: `ACL LOG 1000 on ${HOST}`,
    since: "2026-11-25T11:00:00.000Z",
    until: "2026-11-25T12:00:00.000Z",
    entriesRead,
    entriesInPeriod,
    oldestEntryUpdated: oldest,
    policy: "jobs-redis",
  });
  const ago = (seconds: number) => new Date(Date.parse("2026-11-25T12:00:00.000Z") - seconds * 1000).toISOString();

  it("passes a quiet period, counting failed AUTHs and denials, with the totals by reason and user", () => {
    const r = judge([
      aclEntry({ ageSeconds: 60, count: 2 }),
      aclEntry({ ageSeconds: 120, reason: "key", object: "session:42", username: "sidekiq_web", count: 3 }),
      aclEntry({ ageSeconds: 5000, count: 40, username: "old" }),
    ]);
    expect(r).toHaveLength(1);
    expect(r[0]?.message).toBe(
      `jobs-redis: read 3 ACL log entries (ACL LOG 1000), 2 updated ${PERIOD}: 2 failed AUTH, none reaching 10 from one address; 3 denied command(s), key(s) or channel(s), none by a user outside the policy of jobs-redis nor on a queue key.`,
    );
    expect(r[0]?.evidence).toStrictEqual({
      ...base(3, 2, ago(5000)),
      threshold: 10,
      summary: { byReason: { auth: 2, key: 3 }, byUser: { sidekiq_worker: 2, sidekiq_web: 3 } },
    });
    const single = judge([aclEntry({ ageSeconds: 60 })]);
    expect(single[0]?.message).toMatch(/^jobs-redis: read 1 ACL log entry \(ACL LOG 1000\), 1 updated/);
    const none = judge([]);
    expect(none[0]?.evidence).toStrictEqual({
      source: `ACL LOG 1000 on ${HOST}`,
      since: "2026-11-25T11:00:00.000Z",
      until: "2026-11-25T12:00:00.000Z",
      entriesRead: 0,
      entriesInPeriod: 0,
      policy: "jobs-redis",
      threshold: 10,
      summary: { byReason: {}, byUser: {} },
    });
  });

  it("counts an entry updated exactly at the period's start", () => {
    expect(judge([aclEntry({ ageSeconds: 3600, count: 10, clientAddr: "203.0.113.9:1" })]).map((x) => x.subject)).toEqual([
      "failed-logins",
    ]);
  });

  it("fails naming the guessing addresses, most failures first, an unknown one as (unknown)", () => {
    const r = judge([
      aclEntry({ ageSeconds: 10, count: 10, username: "admin", clientAddr: "203.0.113.9:2" }),
      aclEntry({ ageSeconds: 20, count: 12, username: "root", clientAddr: "" }),
      aclEntry({ ageSeconds: 30, count: 9, username: "x", clientAddr: "198.51.100.7:3" }),
    ]);
    expect(r).toHaveLength(1);
    expect(r[0]?.message).toBe(
      `jobs-redis: 2 address(es) failed to AUTH 10 times or more ${PERIOD}: (unknown) (12, users root); 203.0.113.9 (10, users admin). Block the source and rotate the targeted passwords.`,
    );
    expect(r[0]?.evidence).toStrictEqual({
      ...base(3, 3, ago(30)),
      threshold: 10,
      sources: [
        { address: "(unknown)", count: 12, first: ago(20), last: ago(20), users: { root: 12 } },
        { address: "203.0.113.9", count: 10, first: ago(10), last: ago(10), users: { admin: 10 } },
      ],
    });
  });

  it("takes the earliest first and the latest last of an address's entries", () => {
    const r = judge([
      aclEntry({ ageSeconds: 100, count: 5, clientAddr: "203.0.113.9:2", first: ago(900) }),
      aclEntry({ ageSeconds: 10, count: 5, clientAddr: "203.0.113.9:3", first: ago(500) }),
      aclEntry({ ageSeconds: 50, count: 5, clientAddr: "203.0.113.9:4" }),
    ]);
    expect(r[0]?.evidence.sources).toEqual([expect.objectContaining({ count: 15, first: ago(900), last: ago(10) })]);
  });

  it("fails naming users outside the policy that were refused, and where from", () => {
    const r = judge([
      aclEntry({ ageSeconds: 5, reason: "command", object: "flushall", username: "stranger", clientAddr: "10.9.9.9:1", count: 2 }),
      aclEntry({ ageSeconds: 6, reason: "key", object: "bull:x", username: "stranger", clientAddr: "", count: 4 }),
      aclEntry({ ageSeconds: 7, reason: "command", object: "flushall", username: "stranger", clientAddr: "10.9.9.9:2", count: 1 }),
    ]);
    expect(r.map((x) => x.subject)).toEqual(["denied-access"]);
    expect(r[0]?.message).toBe(
      `jobs-redis: user(s) outside the policy were refused ${PERIOD}: stranger key bull:x from (unknown) (4), stranger command flushall from 10.9.9.9 (3). The ACL held, but someone holds a credential and is probing beyond it.`,
    );
    expect(r[0]?.evidence).toStrictEqual({
      ...base(3, 3, ago(7)),
      denied: [
        { user: "stranger", reason: "key", object: "bull:x", address: "(unknown)", count: 4, first: ago(6), last: ago(6) },
        { user: "stranger", reason: "command", object: "flushall", address: "10.9.9.9", count: 3, first: ago(7), last: ago(5) },
      ],
    });
  });

  it("fails when a user of the policy was refused a queue key, and only a queue key", () => {
    const r = judge([
      aclEntry({ ageSeconds: 5, reason: "key", object: "queue:default", username: "sidekiq_web", clientAddr: "10.20.1.7:1" }),
      aclEntry({ ageSeconds: 6, reason: "command", object: "flushall", username: "sidekiq_web" }),
      aclEntry({ ageSeconds: 7, reason: "channel", object: "queue:default", username: "sidekiq_web" }),
    ]);
    expect(r.map((x) => x.subject)).toEqual(["denied-queue-keys"]);
    expect(r[0]?.message).toBe(
      `jobs-redis: user(s) of the policy were refused queue keys ${PERIOD}: sidekiq_web key queue:default from 10.20.1.7 (1). A credential is being used beyond its role (or the client needs access the policy does not give).`,
    );
    expect(r[0]?.evidence.denied).toEqual([
      { user: "sidekiq_web", reason: "key", object: "queue:default", address: "10.20.1.7", count: 1, first: ago(5), last: ago(5) },
    ]);
  });

  it("is an ERROR saying why the log was not read: not probed, not read at all, forbidden, or another outcome", () => {
    const noLog = judge([], redisLogCfg, { aclLog: undefined });
    expect(noLog[0]?.cause).toEqual({
      source: `redis://${HOST} ACL LOG`,
      reason: "the probe of jobs-redis did not read the ACL log",
      code: "NotProbed",
    });
    expect(noLog[0]?.message).toBe(
      `Could not evaluate the access attempts in the ACL log of jobs-redis: the probe of jobs-redis did not read the ACL log (redis://${HOST} ACL LOG).`,
    );
    const forbidden = judge([], redisLogCfg, { aclLog: { outcome: "forbidden", limit: 1000, reply: "-NOPERM no permission" } });
    expect(forbidden[0]?.cause).toEqual({
      source: `redis://${HOST} ACL LOG`,
      reason: "the ACL log was not read (forbidden: -NOPERM no permission); the audit user needs +acl|log",
      code: "Forbidden",
    });
    const other = judge([], redisLogCfg, { aclLog: { outcome: "error", limit: 1000 } });
    expect(other[0]?.cause).toEqual({
      source: `redis://${HOST} ACL LOG`,
      reason: "the ACL log was not read (error); the audit user needs +acl|log",
      code: "NotRead",
    });
    // Read, but without its entries or the time of the read: not judged either.
    expect(judge([], redisLogCfg, { aclLog: { outcome: "read", limit: 1000, readAt: "2026-11-25T12:00:00.000Z" } })[0]?.status).toBe(
      "ERROR",
    );
    expect(judge([], redisLogCfg, { aclLog: { outcome: "read", limit: 1000, entries: [] } })[0]?.status).toBe("ERROR");
  });

  it("is an ERROR naming the target without credentials, and one the probe never reached", () => {
    const noCreds = config({ logs: {}, redis: [{ name: "jobs-redis", endpoint: { host: "10.0.0.5" } }] });
    const [r] = redisAccessAttempts.evaluate(context(noCreds, undefined, { redis: [redisLogObservation([])] }));
    expect(r?.cause).toEqual({
      source: "redis://10.0.0.5:6379 ACL LOG",
      reason:
        "jobs-redis has no credentials: the ACL log is read on the audit user's session (give the target credentials of a user with +acl|log)",
      code: "NoCredentials",
    });
    const [unprobed] = redisAccessAttempts.evaluate(context(redisLogCfg, undefined, { redis: [] }));
    expect(unprobed?.status).toBe("ERROR");
    expect(redisAccessAttempts.evaluate(context({ ...redisLogCfg, logs: undefined }, undefined, { redis: [] }))).toEqual([]);
  });

  it("says how the ring may have lost entries: gone by id, full at the read's limit, or at the default length", () => {
    const ring = (n: number, withIds: boolean) =>
      Array.from({ length: n }, (_, i) =>
        aclEntry({
          ageSeconds: 10 + i,
          username: `u${i}`,
          clientAddr: `198.51.100.${i % 200}:1`,
          ...(withIds ? { entryId: n - 1 - i } : {}),
        }),
      );
    const atLimit = judge(ring(5, true), redisLogCfg, {
      aclLog: { outcome: "read", limit: 5, readAt: "2026-11-25T12:00:00.000Z", entries: ring(5, true) },
    });
    const full = atLimit.find((x) => x.status === "ERROR");
    expect(full?.cause?.reason).toBe(
      `the ACL log of jobs-redis reaches back only to ${ago(14)}, inside the period ${PERIOD}, and the log holds at least the 5 entries read: attempts earlier in the period may have been dropped from the ring (raise acllog-max-len, or audit more often)`,
    );
    expect(full?.cause?.code).toBe("AclLogFull");
    const defaultLength = judge(ring(128, false)).find((x) => x.status === "ERROR");
    expect(defaultLength?.cause?.reason).toContain("and it holds 128 entries, the default acllog-max-len:");
    // 7.2 ids show nothing is gone: a log of 128 entries lost none.
    expect(judge(ring(128, true)).map((x) => x.status)).toEqual(["PASS"]);
    expect(judge(ring(127, false)).map((x) => x.status)).toEqual(["PASS"]);
  });

  it("passes a full ring whose oldest entry predates the period, naming that entry", () => {
    const entries = Array.from({ length: 128 }, (_, i) => aclEntry({ ageSeconds: 4000 + i, username: `u${i}` }));
    const [r] = judge(entries);
    expect(r?.message).toMatch(
      new RegExp(
        `The log is full \\(older entries were dropped\\), but its oldest entry \\(${ago(4127).replaceAll(".", "\\.")}\\) predates the period\\.$`,
      ),
    );
  });

  it("leaves the trial's allowance to entries of the audit user's session failing AUTH, never to the default user's", () => {
    const trialCfg = config({ logs: {}, redis: [{ ...redisLogCfg.redis[0], probe: { weakPasswords: true } }] } as Parameters<
      typeof config
    >[0]);
    const asAuditor = (over: Partial<RedisAclLogEntry>) =>
      aclEntry({ ageSeconds: 5, count: 19, clientUser: "auditor", clientAddr: "10.0.9.9:1", ...over });
    expect(judge([asAuditor({ clientUser: "someone" })], trialCfg).map((r) => r.subject)).toEqual(["failed-logins"]);
    expect(judge([asAuditor({ count: 20 })], trialCfg).map((r) => r.status)).toEqual(["PASS"]);
    const defaultAuditor = config({
      logs: {},
      redis: [{ ...redisLogCfg.redis[0], credentials: { username: "default", password: { env: "X" } } }],
    } as Parameters<typeof config>[0]);
    expect(judge([asAuditor({ clientUser: "default" })], defaultAuditor).map((r) => r.subject)).toEqual(["failed-logins"]);
  });
});

describe("redis-access-attempts: what else a verdict pins", () => {
  const HOST = "master.jobs-redis.abc123.euw1.cache.amazonaws.com:6379";
  const PERIOD = "from 2026-11-25T11:00:00.000Z to 2026-11-25T12:00:00.000Z";
  const trialCfg = config({ logs: {}, redis: [{ ...redisLogCfg.redis[0], probe: { weakPasswords: true } }] } as Parameters<
    typeof config
  >[0]);

  it("counts and names only the stranger when the audit user's trial failed AUTH from the same address", () => {
    const r = judge(
      [
        aclEntry({ ageSeconds: 5, count: 19, username: "sidekiq_worker", clientUser: "auditor", clientAddr: "10.0.9.9:1" }),
        aclEntry({ ageSeconds: 6, count: 10, username: "admin", clientUser: "default", clientAddr: "10.0.9.9:2" }),
      ],
      trialCfg,
    );
    expect(r.map((x) => x.subject)).toEqual(["failed-logins"]);
    expect(r[0]?.message).toBe(
      `jobs-redis: 1 address(es) failed to AUTH 10 times or more ${PERIOD}: 10.0.9.9 (10, users admin). Block the source and rotate the targeted passwords.`,
    );
    expect(r[0]?.evidence).toMatchObject({ entriesRead: 2, entriesInPeriod: 1 });
    expect(r[0]?.evidence.sources).toStrictEqual([
      { address: "10.0.9.9", count: 10, first: "2026-11-25T11:59:54.000Z", last: "2026-11-25T11:59:54.000Z", users: { admin: 10 } },
    ]);
  });

  it("passes a period holding only the trial's own failed AUTHs, judging none of them", () => {
    const r = judge([aclEntry({ ageSeconds: 5, count: 19, clientUser: "auditor", clientAddr: "10.0.9.9:1" })], trialCfg);
    expect(r[0]?.message).toBe(
      `jobs-redis: read 1 ACL log entry (ACL LOG 1000), 0 updated ${PERIOD}: 0 failed AUTH, none reaching 10 from one address; 0 denied command(s), key(s) or channel(s), none by a user outside the policy of jobs-redis nor on a queue key.`,
    );
    expect(r[0]?.evidence).toMatchObject({ entriesInPeriod: 0, summary: { byReason: {}, byUser: {} } });
  });

  it("takes the trial's allowance off failed AUTHs only: the audit user refused a queue key is reported", () => {
    const r = judge(
      [
        aclEntry({
          ageSeconds: 5,
          reason: "key",
          object: "queue:default",
          username: "auditor",
          clientUser: "auditor",
          clientAddr: "10.0.9.9:1",
        }),
      ],
      trialCfg,
    );
    expect(r.map((x) => x.subject)).toEqual(["denied-queue-keys"]);
    expect(r[0]?.message).toContain(": auditor key queue:default from 10.0.9.9 (1).");
  });

  it("does not count a user's refused commands as failed AUTHs, however many come from one address", () => {
    const r = judge([
      aclEntry({ ageSeconds: 5, reason: "command", object: "flushall", username: "stranger", clientAddr: "10.9.9.9:1", count: 12 }),
    ]);
    expect(r.map((x) => x.subject)).toEqual(["denied-access"]);
  });

  it("keeps apart two refusals whose user, object and address would run together", () => {
    const r = judge([
      aclEntry({ ageSeconds: 5, reason: "key", object: "bull:x1", username: "stranger", clientAddr: "0.9.9.9:1", count: 2 }),
      aclEntry({ ageSeconds: 6, reason: "key", object: "bull:x", username: "stranger", clientAddr: "10.9.9.9:1", count: 1 }),
    ]);
    expect(r[0]?.message).toBe(
      `jobs-redis: user(s) outside the policy were refused ${PERIOD}: stranger key bull:x1 from 0.9.9.9 (2), stranger key bull:x from 10.9.9.9 (1). The ACL held, but someone holds a credential and is probing beyond it.`,
    );
    expect(r[0]?.evidence.denied).toHaveLength(2);
  });

  it("names every user of a guessing address in the message, comma-separated", () => {
    const r = judge([
      aclEntry({ ageSeconds: 10, count: 6, username: "admin", clientAddr: "203.0.113.9:2" }),
      aclEntry({ ageSeconds: 20, count: 4, username: "root", clientAddr: "203.0.113.9:3" }),
    ]);
    expect(r[0]?.message).toBe(
      `jobs-redis: 1 address(es) failed to AUTH 10 times or more ${PERIOD}: 203.0.113.9 (10, users admin, root). Block the source and rotate the targeted passwords.`,
    );
  });

  it("names every user of the policy refused a queue key, comma-separated", () => {
    const r = judge([
      aclEntry({ ageSeconds: 5, reason: "key", object: "queue:default", username: "sidekiq_web", clientAddr: "10.20.1.7:1", count: 2 }),
      aclEntry({ ageSeconds: 6, reason: "key", object: "queue:mailers", username: "sidekiq_worker", clientAddr: "10.20.1.8:1" }),
    ]);
    expect(r[0]?.message).toBe(
      `jobs-redis: user(s) of the policy were refused queue keys ${PERIOD}: sidekiq_web key queue:default from 10.20.1.7 (2), sidekiq_worker key queue:mailers from 10.20.1.8 (1). A credential is being used beyond its role (or the client needs access the policy does not give).`,
    );
  });

  it("names at most five users of a guessing address and counts the rest; the evidence keeps twenty", () => {
    const r = judge(Array.from({ length: 22 }, (_, i) => aclEntry({ ageSeconds: 5, username: `u${i}`, clientAddr: "203.0.113.9:1" })));
    expect(r[0]?.message).toBe(
      `jobs-redis: 1 address(es) failed to AUTH 10 times or more ${PERIOD}: 203.0.113.9 (22, users u0, u1, u2, u3, u4 and 17 more). Block the source and rotate the targeted passwords.`,
    );
    const sources = r[0]?.evidence.sources as { users: Record<string, number> }[] | undefined;
    expect(sources?.[0]?.users).toStrictEqual(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`u${i}`, 1])));
  });

  it("names at most five guessing addresses, counting them all; the evidence keeps twenty", () => {
    const r = judge(Array.from({ length: 22 }, (_, i) => aclEntry({ ageSeconds: 5, count: 10, clientAddr: `203.0.113.${i}:1` })));
    expect(r[0]?.message).toBe(
      `jobs-redis: 22 address(es) failed to AUTH 10 times or more ${PERIOD}: 203.0.113.0 (10, users sidekiq_worker); 203.0.113.1 (10, users sidekiq_worker); 203.0.113.2 (10, users sidekiq_worker); 203.0.113.3 (10, users sidekiq_worker); 203.0.113.4 (10, users sidekiq_worker). Block the source and rotate the targeted passwords.`,
    );
    expect((r[0]?.evidence.sources as { address: string }[] | undefined)?.map((x) => x.address)).toEqual(
      Array.from({ length: 20 }, (_, i) => `203.0.113.${i}`),
    );
  });

  it("names at most five refusals of users outside the policy and counts the rest; the evidence keeps twenty", () => {
    const r = judge(
      Array.from({ length: 22 }, (_, i) =>
        aclEntry({ ageSeconds: 5, reason: "command", object: "flushall", username: `s${i}`, clientAddr: "10.9.9.9:1" }),
      ),
    );
    expect(r[0]?.message).toBe(
      `jobs-redis: user(s) outside the policy were refused ${PERIOD}: s0 command flushall from 10.9.9.9 (1), s1 command flushall from 10.9.9.9 (1), s2 command flushall from 10.9.9.9 (1), s3 command flushall from 10.9.9.9 (1), s4 command flushall from 10.9.9.9 (1) and 17 more. The ACL held, but someone holds a credential and is probing beyond it.`,
    );
    expect((r[0]?.evidence.denied as { user: string }[] | undefined)?.map((d) => d.user)).toEqual(
      Array.from({ length: 20 }, (_, i) => `s${i}`),
    );
  });

  it("names at most five queue keys refused to users of the policy and counts the rest; the evidence keeps twenty", () => {
    const r = judge(
      Array.from({ length: 22 }, (_, i) =>
        aclEntry({ ageSeconds: 5, reason: "key", object: `queue:q${i}`, username: "sidekiq_web", clientAddr: "10.20.1.7:1" }),
      ),
    );
    expect(r[0]?.message).toBe(
      `jobs-redis: user(s) of the policy were refused queue keys ${PERIOD}: sidekiq_web key queue:q0 from 10.20.1.7 (1), sidekiq_web key queue:q1 from 10.20.1.7 (1), sidekiq_web key queue:q2 from 10.20.1.7 (1), sidekiq_web key queue:q3 from 10.20.1.7 (1), sidekiq_web key queue:q4 from 10.20.1.7 (1) and 17 more. A credential is being used beyond its role (or the client needs access the policy does not give).`,
    );
    expect((r[0]?.evidence.denied as { object: string }[] | undefined)?.map((d) => d.object)).toEqual(
      Array.from({ length: 20 }, (_, i) => `queue:q${i}`),
    );
  });

  it("says nothing of more when five users outside the policy were refused", () => {
    const r = judge(
      Array.from({ length: 5 }, (_, i) => aclEntry({ ageSeconds: 5, reason: "command", object: "flushall", username: `s${i}` })),
    );
    expect(r[0]?.message).toContain("s4 command flushall from 10.20.1.5 (1). The ACL held");
  });

  it("keeps twenty users in a quiet period's totals by user", () => {
    const r = judge(Array.from({ length: 22 }, (_, i) => aclEntry({ ageSeconds: 5, username: `u${i}`, clientAddr: `203.0.113.${i}:1` })));
    expect(r.map((x) => x.status)).toEqual(["PASS"]);
    expect(r[0]?.evidence.summary).toStrictEqual({
      byReason: { auth: 22 },
      byUser: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`u${i}`, 1])),
    });
  });

  it("is an ERROR when the ring is full and its oldest entry is exactly at the period's start", () => {
    // That entry is inside the period (it is judged, above), so entries dropped before it
    // may have been updated in the same second, inside the period too: the log does not
    // reach back past the start, and what it lost cannot be ruled out.
    const ring = Array.from({ length: 5 }, (_, i) => aclEntry({ ageSeconds: 3600 - i, username: `u${i}` }));
    const r = judge(ring, redisLogCfg, { aclLog: { outcome: "read", limit: 5, readAt: "2026-11-25T12:00:00.000Z", entries: ring } });
    const e = r.find((x) => x.status === "ERROR");
    expect(e?.cause).toStrictEqual({
      source: `redis://${HOST} ACL LOG`,
      reason: `the ACL log of jobs-redis reaches back only to 2026-11-25T11:00:00.000Z, inside the period ${PERIOD}, and the log holds at least the 5 entries read: attempts earlier in the period may have been dropped from the ring (raise acllog-max-len, or audit more often)`,
      code: "AclLogFull",
    });
    expect(e?.message).toBe(
      `Could not evaluate the access attempts in the ACL log of jobs-redis: ${e?.cause?.reason} (redis://${HOST} ACL LOG).`,
    );
  });

  it("does not judge a log whose read did not succeed, whatever entries it carries", () => {
    const r = judge([], redisLogCfg, {
      aclLog: { outcome: "error", limit: 1000, readAt: "2026-11-25T12:00:00.000Z", entries: [aclEntry({ ageSeconds: 5, count: 50 })] },
    });
    expect(r.map((x) => [x.status, x.cause?.code])).toEqual([["ERROR", "NotRead"]]);
  });
});

describe("where the judged period starts", () => {
  it("is the earliest recorded log period before the read, else the lookback before the read", () => {
    const readAt = "2026-11-25T12:00:00.000Z";
    expect(periodStart([{ logsSince: "2026-11-25T10:00:00.000Z" }, { logsSince: "2026-11-25T09:00:00.000Z" }, {}], readAt, 60)).toBe(
      "2026-11-25T09:00:00.000Z",
    );
    expect(periodStart([{ logsSince: readAt }], readAt, 30)).toBe("2026-11-25T11:30:00.000Z");
    expect(periodStart([], readAt, 90)).toBe("2026-11-25T10:30:00.000Z");
  });
});
