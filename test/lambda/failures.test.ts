import { describe, expect, it } from "vitest";
import { causeMessage, failedMysql, failedPartition, failedPostgres, failedRedis } from "../../lambda/support/failures.js";
import { configSchema } from "../../lib/audit/config/schema.js";

const config = configSchema.parse({
  version: 1,
  credentials: { secrets: ["queue-db/app"] },
  redis: [{ name: "jobs-redis", endpoint: { host: "jobs.example.com", port: 6380 } }],
});
const failure = {
  failed: true as const,
  error: "Lambda.Unknown",
  cause: JSON.stringify({ errorType: "Runtime.ExitError", errorMessage: "RequestId: x Error: Runtime exited with error: signal: killed" }),
};

describe("failure markers as observations", () => {
  it("takes the Lambda error message out of the Step Functions cause, on one line, bounded", () => {
    expect(causeMessage(failure.cause)).toBe("RequestId: x Error: Runtime exited with error: signal: killed");
    expect(causeMessage("States.Timeout\n  after 180 s")).toBe("States.Timeout after 180 s");
    expect(causeMessage("x".repeat(1000))).toHaveLength(300);
  });

  it("makes a failed collect branch an unreachable partition, every part carrying the reason", () => {
    const p = failedPartition(
      config,
      { account: "111122223333", region: "eu-west-1", accountListed: false, ...failure },
      "2026-03-01T10:00:00.000Z",
    );
    expect(p).toMatchObject({ account: "111122223333", region: "eu-west-1", securityGroups: { ok: false } });
    expect(p.securityGroups.ok === false && p.securityGroups.error).toMatchObject({
      code: "Lambda.Unknown",
      region: "eu-west-1",
      reason: "the collect step failed after its retries: Lambda.Unknown: RequestId: x Error: Runtime exited with error: signal: killed",
    });
    // The configured secret is reported unobserved with the same cause, not silently missing.
    expect(p.secrets["queue-db/app"]).toMatchObject({ ok: false });
  });

  it("makes failed probe branches observations with an error", () => {
    expect(failedPostgres({ kind: "postgres", name: "queue-db", ...failure }).error?.source).toBe("postgres:queue-db");
    expect(failedMysql({ kind: "mysql", name: "queue-mysql", ...failure }).error).toMatchObject({
      source: "mysql:queue-mysql",
      reason: expect.stringMatching(/^the probe step failed after its retries/),
    });
    expect(failedRedis(config, { kind: "redis", name: "jobs-redis", ...failure })).toMatchObject({
      target: "jobs-redis",
      host: "jobs.example.com",
      port: 6380,
      error: { source: "redis://jobs.example.com:6380" },
      unauthenticated: { outcome: "error" },
    });
    expect(failedRedis(config, { kind: "redis", name: "unknown", ...failure })).toBeUndefined();
  });
});
