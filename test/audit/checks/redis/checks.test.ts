/** The redis-* checks on in-memory observations shaped like the probe's. */
import { describe, expect, it } from "vitest";
import { redisChecks } from "../../../../lib/audit/checks/redis/index.js";
import type { AuditContext } from "../../../../lib/audit/checks/types.js";
import { type ConfigInput, configSchema } from "../../../../lib/audit/config/schema.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import type { RedisObservation } from "../../../../lib/audit/probes/redis/types.js";
import type { Scope } from "../../../../lib/audit/scope/index.js";
import { creds, healthy } from "./observation.js";

type TargetInput = NonNullable<ConfigInput["redis"]>[number];

const target = (over: Partial<TargetInput> = {}): TargetInput => ({
  name: "jobs-redis",
  endpoint: { host: "jobs.example.com", port: 6379 },
  ...over,
});
function run(targets: TargetInput[], observations: RedisObservation[]): CheckResult[] {
  const ctx: AuditContext = {
    config: configSchema.parse({ version: 1, redis: targets }),
    inventory: { partitions: [] },
    scope: { backends: [], securityGroups: [], gaps: [] } as Scope,
    observations: { postgres: [], redis: observations },
    now: new Date("2026-01-01T00:00:00Z"),
  };
  return redisChecks.flatMap((c) => c.evaluate(ctx));
}

const byCheck = (results: CheckResult[], id: string) => results.filter((r) => r.checkId === id);
const statusOf = (results: CheckResult[], id: string) => byCheck(results, id).map((r) => r.status);

describe("redis checks", () => {
  it("carry the catalog's ids, severities and resource type", () => {
    expect(redisChecks.map((c) => [c.meta.id, c.meta.severity, c.meta.resourceType])).toEqual([
      ["redis-unauthenticated", "critical", "Redis::Endpoint"],
      ["redis-plaintext", "high", "Redis::Endpoint"],
      ["redis-default-user-open", "critical", "Redis::Endpoint"],
      ["redis-unexpected-user", "high", "Redis::User"],
      ["redis-excess-access", "high", "Redis::User"],
      ["redis-dangerous-commands", "high", "Redis::User"],
      ["redis-nopass-user", "critical", "Redis::User"],
      ["redis-weak-password", "critical", "Redis::User"],
    ]);
  });

  it("pass every check on a TLS-only endpoint with AUTH and the default user off", () => {
    const results = run([target({ credentials: creds })], [healthy()]);
    expect(results.map((r) => [r.checkId, r.status])).toEqual([
      ["redis-unauthenticated", "PASS"],
      ["redis-plaintext", "PASS"],
      ["redis-default-user-open", "PASS"],
    ]);
    expect(results.every((r) => r.resource.type === "Redis::Endpoint" && r.resource.id === "jobs-redis")).toBe(true);
  });

  it("give ERROR on every check for a target the probe did not report", () => {
    const results = run([target({ credentials: creds })], []);
    expect(results.map((r) => r.status)).toEqual(["ERROR", "ERROR", "ERROR"]);
    expect(results[0]?.cause).toMatchObject({ code: "NotProbed", source: "redis://jobs.example.com:6379" });
  });

  describe("redis-unauthenticated", () => {
    it("fails on +PONG without credentials", () => {
      const r = run([target()], [healthy({ unauthenticated: { outcome: "accepted", transport: "tls", reply: "+PONG" } })]);
      expect(byCheck(r, "redis-unauthenticated")[0]).toMatchObject({ status: "FAIL", message: expect.stringContaining("+PONG") });
    });

    it("fails when only the plaintext port answers PONG", () => {
      const r = run(
        [target({ plaintextPort: 6380 })],
        [healthy({ plaintext: { port: 6380, outcome: "accepted", detail: "answered +PONG", reply: "+PONG" } })],
      );
      expect(byCheck(r, "redis-unauthenticated")[0]?.evidence.unauthenticated).toEqual([
        { transport: "plaintext", port: 6380, reply: "+PONG" },
      ]);
    });

    it("gives ERROR, not PASS, when PING got no usable answer", () => {
      const cause = {
        source: "redis://jobs.example.com:6379 PING",
        reason: "jobs.example.com:6379 did not reply within 5s",
        code: "ETIMEDOUT",
      };
      const r = run([target()], [healthy({ unauthenticated: { outcome: "error", transport: "tls", error: cause } })]);
      expect(byCheck(r, "redis-unauthenticated")[0]).toMatchObject({ status: "ERROR", cause });
    });

    it("is out of scope where the config says auth: optional", () => {
      expect(byCheck(run([target({ auth: "optional" })], [healthy()]), "redis-unauthenticated")).toEqual([]);
    });
  });

  describe("redis-plaintext", () => {
    it("fails when the endpoint answers RESP in plaintext, even with NOAUTH", () => {
      const r = run(
        [target()],
        [
          healthy({
            plaintext: { port: 6379, outcome: "accepted", detail: "answered -NOAUTH", reply: "-NOAUTH Authentication required." },
          }),
        ],
      );
      expect(byCheck(r, "redis-plaintext")[0]).toMatchObject({
        status: "FAIL",
        evidence: { plaintext: { port: 6379, outcome: "accepted" } },
      });
    });

    it("still fails on an answering plaintext port when the TLS endpoint was unreachable", () => {
      const error = {
        source: "redis://jobs.example.com:6379",
        reason: "cannot connect to jobs.example.com:6379: ETIMEDOUT",
        code: "ETIMEDOUT",
      };
      const r = run(
        [target({ plaintextPort: 6380 })],
        [
          healthy({
            error,
            unauthenticated: { outcome: "error", error },
            plaintext: { port: 6380, outcome: "accepted", detail: "answered +PONG", reply: "+PONG" },
          }),
        ],
      );
      expect(statusOf(r, "redis-plaintext")).toEqual(["FAIL"]);
    });

    it("passes but says so when the certificate did not verify", () => {
      const r = run(
        [target()],
        [
          healthy({
            tls: { attempted: true, spoken: true, protocol: "TLSv1.2", verified: false, verifyError: "CERT_HAS_EXPIRED", trust: "system" },
          }),
        ],
      );
      const v = byCheck(r, "redis-plaintext")[0];
      expect(v?.status).toBe("PASS");
      expect(v?.message).toContain("did NOT verify against the system trust store (CERT_HAS_EXPIRED)");
      expect(v?.evidence.tls).toMatchObject({ verified: false, verifyError: "CERT_HAS_EXPIRED" });
    });

    it("gives ERROR when the plaintext attempt could not tell", () => {
      const error = { source: "redis://jobs.example.com:6380 plaintext PING", reason: "no answer", code: "ETIMEDOUT" };
      const r = run(
        [target({ plaintextPort: 6380 })],
        [healthy({ plaintext: { port: 6380, outcome: "error", detail: "no usable answer", error } })],
      );
      expect(byCheck(r, "redis-plaintext")[0]).toMatchObject({ status: "ERROR", cause: error });
    });

    it("is out of scope where the config says tls: optional", () => {
      expect(byCheck(run([target({ tls: "optional" })], [healthy({ plaintext: undefined })]), "redis-plaintext")).toEqual([]);
    });
  });

  describe("redis-default-user-open", () => {
    it("fails on default on with nopass, naming the user as subject", () => {
      const acl = {
        username: "auditor",
        outcome: "read" as const,
        command: "ACL LIST",
        defaultUser: { on: true, nopass: true, raw: "on nopass ~* &* +@all" },
      };
      const v = byCheck(run([target({ credentials: creds })], [healthy({ acl })]), "redis-default-user-open")[0];
      expect(v).toMatchObject({ status: "FAIL", subject: "default", message: expect.stringContaining("on nopass ~* &* +@all") });
    });

    it("passes when the default user is on but needs a password", () => {
      const acl = {
        username: "default",
        outcome: "read" as const,
        command: "ACL GETUSER default",
        defaultUser: { on: true, nopass: false, raw: "on #<redacted> ~* +@all" },
      };
      expect(statusOf(run([target({ credentials: creds })], [healthy({ acl })]), "redis-default-user-open")).toEqual(["PASS"]);
    });

    it("gives ERROR with a cause that says what to grant when the ACL may not be read", () => {
      const acl = { username: "auditor", outcome: "forbidden" as const, reply: "ACL GETUSER default: -NOPERM …; ACL LIST: -NOPERM …" };
      const v = byCheck(run([target({ credentials: creds })], [healthy({ acl })]), "redis-default-user-open")[0];
      expect(v).toMatchObject({ status: "ERROR", cause: { code: "Forbidden", reason: expect.stringContaining("+acl|getuser") } });
    });

    it("gives ERROR when the credentials are refused", () => {
      const acl = {
        username: "auditor",
        outcome: "auth-failed" as const,
        reply: "-WRONGPASS invalid username-password pair or user is disabled.",
      };
      expect(byCheck(run([target({ credentials: creds })], [healthy({ acl })]), "redis-default-user-open")[0]?.cause?.code).toBe(
        "AuthFailed",
      );
    });

    it("is out of scope without credentials", () => {
      expect(byCheck(run([target()], [healthy({ acl: undefined })]), "redis-default-user-open")).toEqual([]);
    });
  });
});
