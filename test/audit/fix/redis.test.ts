/** Redis fixes: ACL SETUSER only when the auditor keeps its own user; otherwise, and on ElastiCache, what must change first. */
import { describe, expect, it } from "vitest";
import type { AuditContext } from "../../../lib/audit/checks/types.js";
import type { Config } from "../../../lib/audit/config/schema.js";
import type { CheckResult } from "../../../lib/audit/findings/model.js";
import { fixFor } from "../../../lib/audit/fix/index.js";
import { config } from "../../support/builders.js";

const result = (checkId: string, target: string, evidence: Record<string, unknown> = {}): CheckResult => ({
  checkId,
  status: "FAIL",
  resource: { type: "Redis::Endpoint", id: target },
  message: "m",
  evidence,
});

function ctx(cfg: Config): AuditContext {
  return {
    config: cfg,
    inventory: { partitions: [] },
    scope: { backends: [], securityGroups: [], gaps: [] },
    observations: { postgres: [], redis: [] },
    now: new Date(),
  };
}

const redis = (name: string, host: string, username?: string) => ({
  name,
  endpoint: { host, port: 16390 },
  tls: "required" as const,
  auth: "required" as const,
  ...(username ? { credentials: { username, password: { env: "X" } } } : {}),
});

describe("Redis fixes", () => {
  it("turns the default user off where the auditor has a user of its own", () => {
    const c = ctx(config({ redis: [redis("sessions-7", "10.0.0.5", "ops_reader")] }));
    const f = fixFor(result("redis-default-user-open", "sessions-7"), c);
    expect(f).toMatchObject({ kind: "redis-acl", commands: ["ACL SETUSER default off"] });
    expect(f?.text).toContain("ops_reader");
  });

  it("is client-change-first when the auditor itself logs in as default, and for a plaintext listener", () => {
    const c = ctx(config({ redis: [redis("sessions-7", "10.0.0.5")] }));
    expect(fixFor(result("redis-unauthenticated", "sessions-7"), c)).toMatchObject({ kind: "manual" });
    const p = fixFor(result("redis-plaintext", "sessions-7", { plaintext: { port: 16391 } }), c);
    expect(p).toMatchObject({ kind: "manual", commands: ["CONFIG SET port 0"] });
    expect(p?.text).toContain("port 16391");
  });

  it("points an ElastiCache endpoint at the AWS fix: its ACL is AWS's", () => {
    const c = ctx(config({ redis: [redis("jobs-ec", "master.jobs-ec.abc123.apse2.cache.amazonaws.com", "ops_reader")] }));
    expect(fixFor(result("redis-default-user-open", "jobs-ec"), c)).toMatchObject({ kind: "manual", commands: [] });
  });
});
