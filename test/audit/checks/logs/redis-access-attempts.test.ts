/**
 * redis-access-attempts on in-memory observations: ACL LOG entries as the probe records
 * them (Redis 7.0 and 7.2 forms), judged over the period.
 */
import { describe, expect, it } from "vitest";
import { redisAccessAttempts } from "../../../../lib/audit/checks/logs/redis-access-attempts.js";
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
