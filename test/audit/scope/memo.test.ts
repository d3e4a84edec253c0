import { describe, expect, it } from "vitest";
import { perScope } from "../../../lib/audit/scope/memo.js";
import type { Scope } from "../../../lib/audit/scope/types.js";

const scope = (): Scope => ({ backends: [], securityGroups: [], gaps: [] });

describe("a memo table per scope", () => {
  it("gives one scope the same table every time, made once", () => {
    let made = 0;
    const tableOf = perScope(() => {
      made++;
      return new Map<string, number>();
    });
    const s = scope();
    tableOf(s).set("sg-0123", 1);
    expect(tableOf(s).get("sg-0123")).toBe(1);
    expect(made).toBe(1);
  });

  it("gives another scope a table of its own: one audit's answers never leak into the next", () => {
    const tableOf = perScope(() => new Map<string, number>());
    const first = scope();
    tableOf(first).set("sg-0123", 1);
    const second = scope();
    expect(tableOf(second).has("sg-0123")).toBe(false);
    expect(tableOf(second)).not.toBe(tableOf(first));
  });
});
