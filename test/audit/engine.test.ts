import { describe, expect, it } from "vitest";
import { evaluate, evaluateChecks } from "../../lib/audit/engine.js";
import { config, dbInstance, inventory, NOW, ok, partition } from "../support/builders.js";

const byTag = config({ targets: { tag: { key: "queue-backend", value: "delayed_job" } } });
const untagged = inventory(partition({ dbInstances: ok([dbInstance("queue-db")]) }));

describe("an audit that judged nothing", () => {
  it("is one ERROR that says nothing was audited, never an empty (compliant) report", () => {
    const findings = evaluate({ config: byTag, inventory: untagged, now: NOW });
    expect(findings.map((f) => [f.checkId, f.status, f.resource.id, f.subject])).toEqual([
      ["audit-error", "ERROR", "targets", "NothingInScope"],
    ]);
    expect(findings[0]?.message).toBe(
      "Nothing was audited: no resource matched the targets (check the ids, the tag and the accounts and regions).",
    );
  });

  it("is the same verdict before findings are made", () => {
    const results = evaluateChecks({ config: byTag, inventory: untagged, now: NOW });
    expect(results.map((r) => [r.checkId, r.status, r.resource.id, r.subject, r.cause?.code])).toEqual([
      ["audit-error", "ERROR", "targets", "NothingInScope", "NothingInScope"],
    ]);
  });

  it("is not said when a target matched: the tagged database is judged instead", () => {
    const tagged = inventory(
      partition({ dbInstances: ok([dbInstance("queue-db", { TagList: [{ Key: "queue-backend", Value: "delayed_job" }] })]) }),
    );
    const findings = evaluate({ config: byTag, inventory: tagged, now: NOW });
    expect(findings.some((f) => f.subject === "NothingInScope")).toBe(false);
    expect(findings.some((f) => f.resource.id === "queue-db")).toBe(true);
  });
});
