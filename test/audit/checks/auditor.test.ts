import { describe, expect, it } from "vitest";
import { auditError, gapResult } from "../../../lib/audit/checks/auditor/audit-error.js";
import { config, context, dbInstance, inventory, ok, partition } from "../../support/builders.js";

describe("audit-error from scope resolution's gaps", () => {
  it("turns each gap into an ERROR verdict carrying the gap's resource, subject, message and cause", () => {
    const gap = {
      resource: { type: "QueueAuditor::Source" as const, id: "targets/queue-db" },
      subject: "queue-db",
      message: "Target queue-db was not found.",
      cause: { source: "targets", reason: "not found", code: "TargetNotFound" },
    };
    expect(gapResult(gap)).toEqual({
      checkId: "audit-error",
      status: "ERROR",
      resource: gap.resource,
      subject: "queue-db",
      message: "Target queue-db was not found.",
      evidence: {},
      cause: gap.cause,
    });
  });

  it("reports every gap of the scope, and nothing when scope resolved everything", () => {
    const cfg = config({ targets: { rds: ["queue-db", "jobs-db"] } });
    const gaps = auditError.evaluate(context(cfg, inventory(partition({ dbInstances: ok([dbInstance("other-db")]) }))));
    expect(gaps.map((r) => `${r.status} ${r.resource.id} ${r.subject}`)).toEqual([
      "ERROR targets/queue-db queue-db",
      "ERROR targets/jobs-db jobs-db",
    ]);
    const none = auditError.evaluate(
      context(cfg, inventory(partition({ dbInstances: ok([dbInstance("queue-db"), dbInstance("jobs-db")]) }))),
    );
    expect(none).toEqual([]);
  });
});
