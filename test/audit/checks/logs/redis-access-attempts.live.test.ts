/**
 * redis-access-attempts against real redis-server processes with an ACL. The test makes
 * the attempts for real — wrong passwords for a real user and AUTH as a user that does not
 * exist, a user outside the policy refused a queue key and FLUSHALL, a reader principal
 * refused a write to the queue — then runs the live probe (which reads `ACL LOG`) and the
 * check. The worker's own work, and a principal refused a key outside the queue, are the
 * look-alikes that must stay silent.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisAccessAttempts } from "../../../../lib/audit/checks/logs/redis-access-attempts.js";
import type { AuditContext } from "../../../../lib/audit/checks/types.js";
import { type ConfigInput, configSchema } from "../../../../lib/audit/config/schema.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { probeRedis } from "../../../../lib/audit/probes/redis/index.js";
import type { RedisObservation } from "../../../../lib/audit/probes/redis/types.js";
import type { Scope } from "../../../../lib/audit/scope/index.js";
import { type RedisServer, removeDir, startRedis, tempDir } from "../../../support/redis.js";
import { session } from "../../../support/redis-client.js";
import { commandUnavailable, skipWithout } from "../../../support/services.js";

const secret = () => randomBytes(12).toString("hex");
const PW = { auditor: secret(), worker: secret(), web: secret(), intruder: secret(), wrong: secret() };
const env = { QA_AUDITOR_PW: PW.auditor };

// docs/redis.md's audit user.
const AUDITOR = `user auditor on >${PW.auditor} resetchannels -@all +acl|getuser +acl|list +acl|log +command|info +acl|cat`;
const USERS = [
  "user default off",
  AUDITOR,
  `user worker on >${PW.worker} ~queue:* resetchannels -@all +@list +@read +@write -@dangerous`,
  `user web on >${PW.web} %R~queue:* resetchannels -@all +@read -@dangerous +lpush`,
  `user intruder on >${PW.intruder} ~cache:* resetchannels -@all +get +set`,
];

type TargetInput = NonNullable<ConfigInput["redis"]>[number];
const target = (name: string, port: number | undefined): TargetInput => ({
  name,
  endpoint: { host: "127.0.0.1", port: port as number },
  tls: "optional",
  timeoutSeconds: 1,
  credentials: { username: "auditor", password: { env: "QA_AUDITOR_PW" } },
  keys: ["queue:*"],
  principals: { worker: ["read", "write"], web: ["read"] },
});

async function audit(t: TargetInput, logs: ConfigInput["logs"] | null = {}) {
  const config = configSchema.parse({ version: 1, redis: [t], ...(logs ? { logs } : {}) });
  const observations = await probeRedis(config.redis, { credentials: { env }, aclLog: true });
  const ctx: AuditContext = {
    config,
    inventory: { partitions: [] },
    scope: { backends: [], securityGroups: [], gaps: [] } as Scope,
    observations: { postgres: [], redis: observations },
    now: new Date(),
  };
  const results = redisAccessAttempts.evaluate(ctx);
  const everything = JSON.stringify({ observations, results });
  for (const s of Object.values(PW)) expect(everything).not.toContain(s);
  return { observation: observations[0] as RedisObservation, results };
}

/** One AUTH that must fail, on its own connection (as a guesser would). */
async function failedAuth(port: number | undefined, user: string): Promise<void> {
  const s = await session(port as number, user, PW.wrong);
  s.close();
  expect(s.auth).toMatch(/^-WRONGPASS/);
}

const bySubject = (results: CheckResult[], subject: string | undefined) => results.find((r) => r.subject === subject);
/** The evidence list `key` of the finding with `subject` (empty when there is none). */
const listed = <T>(results: CheckResult[], subject: string, key: string): T[] => (bySubject(results, subject)?.evidence[key] ?? []) as T[];

describe.skipIf(skipWithout("redis-server", commandUnavailable("redis-server")))("redis-access-attempts against live servers", () => {
  const dir = tempDir("redis-acllog");
  const servers: RedisServer[] = [];
  let noisy: RedisServer;
  let quiet: RedisServer;
  let lookAlike: RedisServer;
  let blind: RedisServer;

  beforeAll(async () => {
    [noisy, quiet, lookAlike, blind] = await Promise.all(
      ["noisy", "quiet", "look-alike", "blind"].map((name) =>
        startRedis(dir, name, {
          conf: name === "blind" ? [...USERS.filter((u) => !u.startsWith("user auditor")), AUDITOR.replace(" +acl|log", "")] : USERS,
        }),
      ),
    ).then((s) => {
      servers.push(...s);
      return s as [RedisServer, RedisServer, RedisServer, RedisServer];
    });

    // The noisy server: 7 wrong passwords for the real worker and 5 AUTHs as a user that does not exist.
    for (let i = 0; i < 7; i++) await failedAuth(noisy.port, "worker");
    for (let i = 0; i < 5; i++) await failedAuth(noisy.port, "ghost");
    const intruder = await session(noisy.port as number, "intruder", PW.intruder);
    expect(intruder.auth).toBe("+OK");
    expect(await intruder.line("GET", "queue:default")).toMatch(/^-NOPERM/);
    expect(await intruder.line("FLUSHALL")).toMatch(/^-NOPERM/);
    intruder.close();
    const web = await session(noisy.port as number, "web", PW.web);
    expect(await web.line("LPUSH", "queue:default", "{}")).toMatch(/^-NOPERM/);
    web.close();

    // The quiet and look-alike servers: the worker works; two mistyped passwords; a principal refused a key outside the queue.
    for (const s of [quiet, lookAlike]) {
      const worker = await session(s.port as number, "worker", PW.worker);
      expect(await worker.line("LPUSH", "queue:default", "{}")).toBe(":1");
      expect(await worker.line("RPOP", "queue:default")).toMatch(/^\$/);
      worker.close();
    }
    for (let i = 0; i < 2; i++) await failedAuth(quiet.port, "worker");
    const web2 = await session(lookAlike.port as number, "web", PW.web);
    expect(await web2.line("GET", "session:42")).toMatch(/^-NOPERM/);
    web2.close();
  }, 60_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    removeDir(dir);
  });

  it("reports the failed AUTHs per address with their users, counts and times", async () => {
    const { observation, results } = await audit(target("noisy", noisy.port));
    expect(observation.aclLog?.outcome).toBe("read");
    const f = bySubject(results, "failed-logins");
    expect(f?.status).toBe("FAIL");
    expect(f?.message).toContain("127.0.0.1 (12, users");
    const [source] = listed<{ address: string; count: number; first: string; last: string }>(results, "failed-logins", "sources");
    expect(source).toMatchObject({ address: "127.0.0.1", count: 12, users: { worker: 7, ghost: 5 } });
    const { first, last } = source ?? { first: "", last: "" };
    expect(Date.parse(last)).toBeGreaterThan(Date.now() - 60_000);
    // Redis 7.0 keeps only the last update; 7.2+ the creation time too.
    expect(first <= last).toBe(true);
    expect(f?.evidence).toMatchObject({ threshold: 10, source: `ACL LOG 1000 on 127.0.0.1:${noisy.port}` });
  });

  it("fails on a user outside the policy refused a queue key and a command, naming user, object and address", async () => {
    const { results } = await audit(target("noisy", noisy.port));
    const d = bySubject(results, "denied-access");
    expect(d?.status).toBe("FAIL");
    expect(d?.evidence.denied).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ user: "intruder", reason: "key", object: "queue:default", address: "127.0.0.1", count: 1 }),
        expect.objectContaining({ user: "intruder", reason: "command", object: "flushall", address: "127.0.0.1", count: 1 }),
      ]),
    );
    // The audit user's own refusals (none here) and the principals' are not outsiders.
    expect(listed<{ user: string }>(results, "denied-access", "denied").every((x) => x.user === "intruder")).toBe(true);
  });

  it("fails on a reader principal refused a write to the queue", async () => {
    const { results } = await audit(target("noisy", noisy.port));
    const q = bySubject(results, "denied-queue-keys");
    expect(q?.status).toBe("FAIL");
    expect(q?.evidence.denied).toEqual([expect.objectContaining({ user: "web", reason: "key", object: "queue:default", count: 1 })]);
  });

  it("never resets the log: a second read sees the same attempts", async () => {
    await audit(target("noisy", noisy.port));
    const again = await audit(target("noisy", noisy.port));
    expect(listed<{ count: number }>(again.results, "failed-logins", "sources")[0]?.count).toBe(12);
  });

  it("passes a quiet server and names what was read and the period", async () => {
    const { results } = await audit(target("quiet", quiet.port));
    expect(results).toHaveLength(1);
    const [p] = results;
    expect(p?.status).toBe("PASS");
    expect(p?.message).toMatch(
      /read \d+ ACL log entr(y|ies) \(ACL LOG 1000\), \d+ updated from \S+Z to \S+Z: 2 failed AUTH, none reaching 10/,
    );
    expect(p?.evidence).toMatchObject({ summary: { byReason: { auth: 2 } } });
  });

  it("stays silent on the worker's own work and a principal refused a key outside the queue", async () => {
    const { results } = await audit(target("look-alike", lookAlike.port));
    expect(results.map((r) => r.status)).toEqual(["PASS"]);
    expect(results[0]?.evidence).toMatchObject({ summary: { byReason: { key: 1 } } });
  });

  it("honours the configured threshold", async () => {
    const { results } = await audit(target("noisy", noisy.port), { failedLoginThreshold: 13 });
    expect(bySubject(results, "failed-logins")).toBeUndefined();
  });

  it("is an ERROR naming +acl|log when the audit user may not read the log", async () => {
    const { observation, results } = await audit(target("blind", blind.port));
    expect(observation.aclLog?.outcome).toBe("forbidden");
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: "ERROR", cause: { code: "Forbidden", reason: expect.stringContaining("+acl|log") } });
  });

  it("judges nothing without logs: (opt-in)", async () => {
    const { results } = await audit(target("noisy", noisy.port), null);
    expect(results).toEqual([]);
  });
});
