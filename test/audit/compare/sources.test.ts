import { describe, expect, it } from "vitest";
import { classifyRun, type FindingState } from "../../../lib/audit/compare/changes.js";
import { sourceKey } from "../../../lib/audit/compare/sources.js";
import type { Finding, ResourceRef, Status } from "../../../lib/audit/findings/model.js";

const EU = { account: "111122223333", region: "eu-west-1" };
const US = { account: "111122223333", region: "us-east-1" };

function f(id: string, status: Status, resource: ResourceRef, over: Partial<Finding> = {}): Finding {
  return {
    id,
    checkId: "sg-world-ingress",
    status,
    severity: "high",
    resource,
    message: `finding ${id}`,
    evidence: {},
    remediation: "fix it",
    references: [],
    ...over,
  };
}
const sg = (id: string, where: typeof EU) => ({ type: "AWS::EC2::SecurityGroup" as const, id, ...where });
const pgTable = (target: string) => ({ type: "PostgreSQL::Table" as const, id: `${target}:public.delayed_jobs` });
const redis = (target: string) => ({ type: "Redis::Endpoint" as const, id: target });
const auditError = (resource: ResourceRef, blocked: string[] = []) =>
  f(`err-${resource.id}`, "ERROR", resource, { checkId: "audit-error", evidence: { blocked } });

/** The violations open before the run: one per source. */
const OPEN = [
  f("eu", "FAIL", sg("sg-eu", EU)),
  f("us", "FAIL", sg("sg-us", US)),
  f("db1", "FAIL", pgTable("db1"), { checkId: "pg-public-privilege" }),
  f("db2", "FAIL", pgTable("db2"), { checkId: "pg-public-privilege" }),
  f("cache", "FAIL", redis("jobs-redis"), { checkId: "redis-unauthenticated" }),
];

/** Classifies a run that no longer produces any of OPEN, with the given ERROR findings. */
function closedBy(errors: Finding[]): string[] {
  const prior = new Map<string, FindingState>();
  for (const s of classifyRun(OPEN, prior, { runId: "r1", at: "2026-11-01T00:00:00Z", outcome: "violations" }).states) {
    prior.set(s.findingId, s);
  }
  const run = classifyRun(errors, prior, { runId: "r2", at: "2026-11-02T00:00:00Z", outcome: "incomplete" });
  return run.departed.map((s) => s.findingId).sort();
}

describe("resolution per source", () => {
  it("an unobserved region keeps its own violations open and closes the others' absent ones", () => {
    const errors = [auditError({ type: "QueueAuditor::Source", id: "111122223333/us-east-1", ...US })];
    expect(closedBy(errors)).toEqual(["cache", "db1", "db2", "eu"]);
  });

  it("an unreachable database keeps only its own tables' violations open", () => {
    const errors = [
      f("pg-err", "ERROR", pgTable("db1"), { checkId: "pg-public-privilege" }),
      auditError({ type: "QueueAuditor::Source", id: "postgres:db1" }, ["pg-public-privilege on db1:public.delayed_jobs"]),
    ];
    expect(closedBy(errors)).toEqual(["cache", "db2", "eu", "us"]);
  });

  it("an unreachable Redis endpoint keeps only its own violations open", () => {
    const errors = [f("redis-err", "ERROR", redis("jobs-redis"), { checkId: "redis-unauthenticated" })];
    expect(closedBy(errors)).toEqual(["db1", "db2", "eu", "us"]);
  });

  it("a target that could not be found keeps the findings of that resource id open", () => {
    const errors = [auditError({ type: "QueueAuditor::Source", id: "targets/sg-eu" })];
    expect(closedBy(errors)).toEqual(["cache", "db1", "db2", "us"]);
  });

  it("a gap tied to no source closes nothing", () => {
    expect(closedBy([auditError({ type: "QueueAuditor::Source", id: "targets" })])).toEqual([]);
  });

  it("a violation whose source is unknown (no account or region) is never closed by an incomplete run", () => {
    const prior = new Map<string, FindingState>();
    const orphan = f("orphan", "FAIL", { type: "AWS::EC2::SecurityGroup", id: "sg-x" });
    for (const s of classifyRun([orphan], prior, { runId: "r1", at: "2026-11-01T00:00:00Z", outcome: "violations" }).states) {
      prior.set(s.findingId, s);
    }
    const errors = [auditError({ type: "QueueAuditor::Source", id: "111122223333/us-east-1", ...US })];
    expect(classifyRun(errors, prior, { runId: "r2", at: "2026-11-02T00:00:00Z", outcome: "incomplete" }).departed).toEqual([]);
  });

  it("names each source by its partition or target", () => {
    expect(sourceKey(sg("sg-1", EU))).toBe("aws:111122223333/eu-west-1");
    expect(sourceKey(pgTable("queue-db"))).toBe("postgres:queue-db");
    expect(sourceKey({ type: "PostgreSQL::Database", id: "queue-db" })).toBe("postgres:queue-db");
    expect(sourceKey({ type: "MySQL::Table", id: "queue-mysql:app.delayed_jobs" })).toBe("mysql:queue-mysql");
    expect(sourceKey({ type: "Redis::User", id: "jobs-redis:sidekiq" })).toBe("redis:jobs-redis");
    expect(sourceKey({ type: "QueueAuditor::Source", id: "targets/x" })).toBeUndefined();
  });
});
