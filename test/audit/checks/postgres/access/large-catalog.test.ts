import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { computeEffectiveAccess } from "../../../../../lib/audit/checks/postgres/access/object-access.js";
import type { TableAccess } from "../../../../../lib/audit/checks/postgres/access/role-graph.js";
import { postgresChecks } from "../../../../../lib/audit/checks/postgres/index.js";
import type { AuditContext } from "../../../../../lib/audit/checks/types.js";
import type { CheckResult } from "../../../../../lib/audit/findings/model.js";
import type { Inventory } from "../../../../../lib/audit/inventory/types.js";
import type { Scope } from "../../../../../lib/audit/scope/index.js";
import { config, NOW } from "../../../../support/builders.js";
import { largePgCatalog } from "../../../../support/pgLargeCatalog.js";

/**
 * The verdicts of the whole model at bench size, pinned by digest: a change that makes the
 * evaluation faster must leave every finding, path and evidence string as it was. When a
 * change is meant to alter verdicts, set PG_LARGE_DUMP=file to write them, review the diff
 * against the previous dump, and pin the new digest.
 *
 * `results` is the digest of the check results before the evaluation was made fast
 * (2026-12-06). `access` changed once on purpose then: a route a role holds only through
 * PUBLIC is no longer repeated as a path of every role (it is in `publicRoutes`, and its
 * privileges stay in each role's `privileges`); every other path and privilege was compared
 * one by one with the previous model's and found equal.
 *
 * Both changed on purpose on 2026-12-07: a SECURITY DEFINER trigger function whose
 * search_path is not pinned runs with the writer's path, so whoever fires it may act as its
 * owner (a route of its own, "unsafe definer function", and a pg-unsafe-definer-function
 * FAIL); half the catalog's definer trigger functions now pin their path, so both kinds stay
 * covered. The old model on the new catalog still gave the old digests. Compared one by one:
 * no principal gained or lost a privilege in `access` (8,200 paths added, all through the
 * unpinned triggers; 15 "definer trigger" paths of those triggers replaced by them); the
 * results gained 2,090 pg-unexpected-principal FAILs (roles that may insert into a table
 * with such a trigger) and 10 pg-unsafe-definer-function FAILs, 510 FAILs gained the new
 * paths, and nothing else changed.
 */
const digest = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex");

describe("the access model at bench size (500 roles, 200 tables, 220 views, 1,030 functions)", () => {
  const { catalog, target } = largePgCatalog();
  const ctx: AuditContext = {
    config: config({ postgres: [target] }),
    inventory: {} as Inventory,
    scope: {} as Scope,
    observations: { postgres: [{ target: target.name, catalog }], redis: [] },
    now: NOW,
  };
  // Evaluated by the first test that needs it, not while the file is collected: a mutation run
  // ties a mutant to the tests that ran its code, and code run at collection counts for every
  // test of the area (the whole area's tests for each of the model's ~1,500 mutants).
  let model: { results: CheckResult[]; access: Record<string, TableAccess> } | undefined;
  const evaluated = () => {
    if (!model) {
      model = {
        results: postgresChecks.flatMap((c) => c.evaluate(ctx)),
        access: Object.fromEntries(computeEffectiveAccess(catalog, { include: Object.keys(target.principals) })),
      };
      if (process.env.PG_LARGE_DUMP) writeFileSync(process.env.PG_LARGE_DUMP, JSON.stringify(model, null, 1));
    }
    return model;
  };

  it("gives the same results and paths as the model before its evaluation was made fast", () => {
    // First: the test that evaluates the model is the one a mutation run ties its code to.
    const { results, access } = evaluated();
    expect({ results: results.length, failures: results.filter((r) => r.status === "FAIL").length }).toEqual(PINNED.counts);
    expect(digest(results)).toBe(PINNED.results);
    expect(digest(access)).toBe(PINNED.access);
  });

  it("reaches every kind of route, so the digest pins them all", () => {
    const { results, access } = evaluated();
    const sources = new Set(Object.values(access).flatMap((a) => a.table.principals.flatMap((p) => p.paths.map((path) => path.source))));
    expect([...sources].sort()).toEqual(
      expect.arrayContaining([
        "column grant",
        "definer function",
        "definer trigger",
        "grant",
        "owner",
        "rule",
        "schema owner",
        "superuser",
        "trigger function owner",
        "unsafe definer function",
        "view",
      ]),
    );
    expect(results.filter((r) => r.status === "FAIL").length).toBeGreaterThan(100);
  });
});

// Re-pinned on 2026-12-07: a trigger function's owner is now given SELECT too (its code sees
// every row written); the dumps before and after differed in those paths only.
const PINNED = {
  counts: { results: 4707, failures: 4298 },
  results: "c1610677e7a43dc401c14b4bb8b3d9d94318e3fca722134bdcab3e7f770dc00d",
  access: "78881b04432c0d66308a9427f5116c85eb0fbdf04943e157bdd59da2f72f11b9",
};
