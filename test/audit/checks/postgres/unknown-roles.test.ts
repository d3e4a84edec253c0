/**
 * Names the catalog does not resolve, and the shortest names: an auditor connected as a role
 * the probe did not list, a definer function whose owner is gone from pg_roles, a one-letter
 * role in the weak-password trial. The checks judge them without breaking.
 */
import { describe, expect, it } from "vitest";
import { pgAuditorOverprivileged } from "../../../../lib/audit/checks/postgres/pg-auditor-overprivileged.js";
import { pgUnsafeDefinerFunction } from "../../../../lib/audit/checks/postgres/pg-unsafe-definer-function.js";
import { pgWeakPassword } from "../../../../lib/audit/checks/postgres/pg-weak-password.js";
import { contextOf, definer, estate, grants, healthyCatalog, PUBLIC } from "./estate.js";

describe("roles the catalog does not resolve", () => {
  it("PASSes an auditor whose role the catalog does not list: it holds nothing there", () => {
    const results = pgAuditorOverprivileged.evaluate(estate([(c) => (c.currentUser = "ghost_auditor")]));
    expect(results.map((r) => [r.status, r.message])).toEqual([
      ["PASS", "The auditor's role ghost_auditor is not superuser and cannot change the audited tables."],
    ]);
  });

  it("judges a definer function whose owner is not in the catalog by what that owner holds: nothing", () => {
    const results = pgUnsafeDefinerFunction.evaluate(
      estate([(c) => c.functions?.push(definer({ owner: 99, acl: grants(PUBLIC, ["EXECUTE"], 99) }))]),
    );
    expect(results.map((r) => [r.status, r.evidence])).toEqual([["PASS", { pinned: [] }]]);
  });
});

describe("pg-weak-password with a one-letter role", () => {
  it("shows a one-character role name as it is", () => {
    const ctx = contextOf(
      [
        {
          target: "queue-db",
          catalog: healthyCatalog(),
          weakPasswords: { listSize: 18, paceMs: 200, users: [{ user: "x", outcome: "weak", attempts: 1 }] },
        },
      ],
      [{ probe: { weakPasswords: true } }],
    );
    const [result] = pgWeakPassword.evaluate(ctx);
    expect(result?.evidence.role).toBe("x");
    expect(result?.message).toMatch(/^Role x of queue-db: /);
  });
});
