/**
 * A route every role holds through PUBLIC (a SECURITY DEFINER function PUBLIC may execute)
 * is one finding of pg-public-privilege, and its evidence starts at PUBLIC whichever role's
 * path the access model met it on first — the auditor's own included.
 */
import { describe, expect, it } from "vitest";
import { pgPublicPrivilege } from "../../../../lib/audit/checks/postgres/pg-public-privilege.js";
import { AUDITOR, definer, estate } from "./estate.js";

describe("pg-public-privilege's route evidence", () => {
  it("starts at PUBLIC when the auditor is the first role to take the route", () => {
    const [result] = pgPublicPrivilege.evaluate(
      estate([
        (c) => c.functions?.push(definer()),
        (c) => {
          c.roles.sort((a, b) => (a.oid === AUDITOR ? -1 : b.oid === AUDITOR ? 1 : 0));
        },
      ]),
    );
    expect(result?.evidence.routes).toEqual([
      expect.stringMatching(
        /^PUBLIC -\(EXECUTE\)-> public\.purge_jobs\(\) \[SECURITY DEFINER, owner app_migrator; .* -> SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER$/,
      ),
    ]);
  });
});
