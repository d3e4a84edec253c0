/**
 * redis-weak-password against real redis-server processes: a user whose password is
 * "password" and a `default` user with Redis's sample requirepass are found, a long random
 * password is not, and the trial never records which password matched. The trial's own
 * failed AUTHs, logged under the audit user's session, do not make redis-access-attempts fail.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisAccessAttempts } from "../../../../lib/audit/checks/logs/redis-access-attempts.js";
import { redisWeakPassword } from "../../../../lib/audit/checks/redis/redis-weak-password.js";
import type { AuditContext } from "../../../../lib/audit/checks/types.js";
import { type ConfigInput, configSchema } from "../../../../lib/audit/config/schema.js";
import { probeRedis } from "../../../../lib/audit/probes/redis/index.js";
import { WEAK_PASSWORD_PACE_MS, WEAK_PASSWORDS } from "../../../../lib/audit/probes/weak-passwords.js";
import type { Scope } from "../../../../lib/audit/scope/index.js";
import { type RedisServer, removeDir, startRedis, tempDir } from "../../../support/redis.js";
import { session } from "../../../support/redis-client.js";
import { commandUnavailable, skipWithout } from "../../../support/services.js";

const AUDITOR_PW = randomBytes(16).toString("hex");
const STRONG_PW = randomBytes(16).toString("hex");
const AUDITOR = `user auditor on >${AUDITOR_PW} resetchannels -@all +acl|getuser +acl|list +acl|log +command|info +acl|cat`;

type TargetInput = NonNullable<ConfigInput["redis"]>[number];

async function audit(t: TargetInput) {
  const config = configSchema.parse({ version: 1, logs: {}, redis: [t] });
  const redis = await probeRedis(config.redis, { credentials: { env: { QA_AUDITOR_PW: AUDITOR_PW } }, aclLog: true });
  const ctx: AuditContext = {
    config,
    inventory: { partitions: [] },
    scope: { backends: [], securityGroups: [], gaps: [] } as Scope,
    observations: { postgres: [], redis },
    now: new Date(),
  };
  const results = [...redisWeakPassword.evaluate(ctx), ...redisAccessAttempts.evaluate(ctx)];
  const everything = JSON.stringify({ redis, results });
  expect(everything).not.toContain(AUDITOR_PW);
  expect(everything).not.toContain(STRONG_PW);
  return { observation: redis[0], results };
}

const target = (name: string, port: number | undefined, weakPasswords = true): TargetInput => ({
  name,
  endpoint: { host: "127.0.0.1", port: port as number },
  tls: "optional",
  timeoutSeconds: 1,
  credentials: { username: "auditor", password: { env: "QA_AUDITOR_PW" } },
  keys: ["queue:*"],
  principals: { worker: ["read", "write"], web: ["read"] },
  probe: { weakPasswords },
});

describe.skipIf(skipWithout("redis-server", commandUnavailable("redis-server")))("redis-weak-password against live servers", () => {
  const dir = tempDir("redis-weak");
  let weak: RedisServer;
  let strong: RedisServer;

  beforeAll(async () => {
    [weak, strong] = await Promise.all([
      startRedis(dir, "weak", {
        conf: [
          "user default on >foobared ~* +@all",
          AUDITOR,
          "user worker on >password ~queue:* -@all +@list +@read +@write",
          `user web on >${STRONG_PW} %R~queue:* -@all +@read`,
        ],
      }),
      startRedis(dir, "strong", {
        conf: ["user default off", AUDITOR, `user worker on >${STRONG_PW} ~queue:* -@all +@list`, `user web on >${STRONG_PW} -@all`],
      }),
    ]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([weak?.stop(), strong?.stop()]);
    removeDir(dir);
  });

  it('finds the user whose password is "password" and the default user\'s sample requirepass, critical, without the password', async () => {
    const started = Date.now();
    const { observation, results } = await audit(target("weak", weak.port));
    const fails = results.filter((r) => r.checkId === "redis-weak-password" && r.status === "FAIL");
    expect(fails.map((f) => f.subject).sort()).toEqual(["default", "worker"]);
    expect(fails[0]?.message).toContain("a password from the documented weak-password list");
    for (const f of fails) {
      expect(JSON.stringify(f)).not.toMatch(/"password"|foobared|\bnumber \d/);
      expect(f.fix?.kind).toBe("redis-acl");
    }
    const web = observation?.weakPasswords?.users.find((u) => u.user === "web");
    expect(web).toEqual({ user: "web", outcome: "strong", attempts: WEAK_PASSWORDS.length + 1 });
    // Paced: every attempt on the endpoint at least WEAK_PASSWORD_PACE_MS after the previous one.
    const attempts = (observation?.weakPasswords?.users ?? []).reduce((n, u) => n + u.attempts, 0);
    expect(Date.now() - started).toBeGreaterThanOrEqual((attempts - 1) * WEAK_PASSWORD_PACE_MS);
    // The worker's password really is "password": a client logs in with it.
    const s = await session(weak.port as number, "worker", "password");
    s.close();
    expect(s.auth).toBe("+OK");
  }, 60_000);

  it("passes strong passwords, naming the list and the pace, and its own trial does not count as guessing", async () => {
    await audit(target("strong", strong.port));
    const { results, observation } = await audit(target("strong", strong.port));
    const weakPass = results.find((r) => r.checkId === "redis-weak-password");
    expect(weakPass?.status).toBe("PASS");
    expect(weakPass?.message).toContain(`tried the ${WEAK_PASSWORDS.length}-password list of docs/weak-passwords.md`);
    expect(weakPass?.message).toContain("none of worker, web accepted");
    // Two trials made 2 × 19 failed AUTHs per user from this address, all under the audit user's session.
    const own = observation?.aclLog?.entries?.filter((e) => e.reason === "auth") ?? [];
    expect(own.reduce((n, e) => n + e.count, 0)).toBeGreaterThanOrEqual(2 * (WEAK_PASSWORDS.length + 1));
    expect(own.every((e) => e.clientUser === "auditor")).toBe(true);
    expect(results.find((r) => r.checkId === "redis-access-attempts")?.status).toBe("PASS");
    // A stranger's guessing on the same server still counts.
    for (let i = 0; i < 12; i++) {
      const g = await session(strong.port as number, "admin", "guess");
      g.close();
    }
    const after = await audit(target("strong", strong.port, false));
    expect(after.results.find((r) => r.checkId === "redis-access-attempts")).toMatchObject({ status: "FAIL", subject: "failed-logins" });
  }, 60_000);
});
