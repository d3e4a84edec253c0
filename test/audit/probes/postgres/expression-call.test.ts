/** The probe's reading of one stored-expression row: every kind it knows, and a refusal of one it does not. */
import { describe, expect, it } from "vitest";
import { expressionCall } from "../../../../lib/audit/probes/postgres/observe.js";

describe("a stored-expression row", () => {
  it("keeps the relation, kind, name and function, and the command only when the row has one", () => {
    expect(expressionCall({ relation: "16400", kind: "check", name: "jobs_check", command: null, function: "16500" })).toStrictEqual({
      relation: 16400,
      kind: "check",
      name: "jobs_check",
      function: 16500,
    });
    expect(expressionCall({ relation: 1, kind: "policy", name: "p", command: "r", function: 2 }).command).toBe("r");
  });

  it("refuses a kind it cannot judge, naming it, instead of leaving the route out", () => {
    expect(() => expressionCall({ relation: 1, kind: "publication filter", name: "x", command: null, function: 2 })).toThrow(
      /^stored-expression query: unknown kind "publication filter" \(expected one of default, .*policy\)$/,
    );
  });
});
