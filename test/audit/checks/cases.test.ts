/**
 * The meta-test: every registered check has an in-memory case it must FAIL and one it must
 * PASS (test/audit/checks/cases/), judged by the registered check itself. Live-server
 * tests prove a check against a real server; these prove, on every run and without one,
 * that the check can tell a violation from a healthy estate.
 */
import { existsSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { CHECK_IDS, CHECKS } from "../../../lib/audit/checks/registry.js";
import type { Check } from "../../../lib/audit/checks/types.js";
import type { CheckResult } from "../../../lib/audit/findings/model.js";
import type { CheckCase, CheckCases } from "./cases/case.js";
import { FAMILY_CASES } from "./cases/index.js";
import { errorProblem, failProblem, passProblem, silentProblem } from "./cases/judge.js";

/** Checks that never PASS: they report only what could not be observed, so their cases are ERROR and silence. */
const ERROR_ONLY: ReadonlySet<string> = new Set(["audit-error"]);

const CHECKS_DIR = fileURLToPath(new URL("../../../lib/audit/checks/", import.meta.url));

/** The family folder holding `lib/audit/checks/<family>/<id>.ts`, where a check's module lives. */
function familyOf(id: string): string | undefined {
  return readdirSync(CHECKS_DIR, { withFileTypes: true }).find((d) => d.isDirectory() && existsSync(`${CHECKS_DIR}${d.name}/${id}.ts`))
    ?.name;
}

/** Where an engineer adds the cases of `id`: the one line the failure prints. */
function whereToAdd(id: string): string {
  const family = familyOf(id);
  const file = `test/audit/checks/cases/${family ?? "<family>"}.ts`;
  const newFamily =
    family !== undefined && !(family in FAMILY_CASES) ? ` (a new family: create ${file} and list it in cases/index.ts)` : "";
  return `check ${id} has no in-memory cases: add "${id}": { fail: {...}, pass: {...} } to ${file}${newFamily}, built with test/support/builders.ts (shape: cases/case.ts)`;
}

const cases = new Map<string, { family: string; cases: CheckCases }>();
const duplicates: string[] = [];
for (const [family, table] of Object.entries(FAMILY_CASES)) {
  for (const [id, c] of Object.entries(table)) {
    if (cases.has(id)) duplicates.push(`${id} in cases/${family}.ts and cases/${cases.get(id)?.family}.ts`);
    cases.set(id, { family, cases: c });
  }
}

const byId = new Map<string, Check>(CHECKS.map((c) => [c.meta.id, c]));

describe("every registered check has an in-memory FAIL case and PASS case", () => {
  it("has cases for every registered check", () => {
    expect(CHECK_IDS.length).toBeGreaterThanOrEqual(44);
    expect(CHECK_IDS.filter((id) => !cases.has(id)).map(whereToAdd)).toEqual([]);
  });

  it("has no cases for an id the registry does not hold, and each id once", () => {
    const stray = [...cases].filter(([id]) => !byId.has(id)).map(([id, c]) => `${id} in cases/${c.family}.ts is not a registered check id`);
    expect([...stray, ...duplicates]).toEqual([]);
  });

  it("keeps each family's cases in the file named after its folder", () => {
    const misplaced = [...cases]
      .filter(([id, c]) => byId.has(id) && familyOf(id) !== undefined && familyOf(id) !== c.family)
      .map(([id, c]) => `${id} is in cases/${c.family}.ts; its module is in lib/audit/checks/${familyOf(id)}/`);
    expect(misplaced).toEqual([]);
  });

  it("uses the ERROR-and-silence form only for the checks that never PASS", () => {
    const wrongForm = [...cases].filter(([id, c]) => "error" in c.cases !== ERROR_ONLY.has(id)).map(([id]) => id);
    expect(wrongForm).toEqual([]);
  });

  describe.each(CHECK_IDS.filter((id) => cases.has(id)))("%s", (id) => {
    const check = byId.get(id) as Check;
    const c = cases.get(id)?.cases as CheckCases;
    if ("fail" in c) {
      it(`FAILs given ${c.fail.given}`, () => expect(failProblem(check, c.fail)).toBeUndefined());
      it(`PASSes given ${c.pass.given}`, () => expect(passProblem(check, c.pass)).toBeUndefined());
    } else {
      it(`gives ERROR given ${c.error.given}`, () => expect(errorProblem(check, c.error)).toBeUndefined());
      it(`is silent given ${c.silent.given}`, () => expect(silentProblem(check, c.silent)).toBeUndefined());
    }
  });
});

describe("the meta-test's judge (it must be able to fail)", () => {
  const planted = (...statuses: CheckResult["status"][]): Check => ({
    meta: { ...(CHECKS[0] as Check).meta, id: "planted" },
    evaluate: () =>
      statuses.map((status) => ({
        checkId: "planted",
        status,
        resource: { type: "AWS::EC2::SecurityGroup", id: "sg-1" },
        message: "",
        evidence: {},
      })),
  });
  const any: CheckCase = { given: "anything", context: () => ({}) as never, resource: "sg-1" };

  it("rejects a check that always passes, or says nothing, as a FAIL case", () => {
    expect(failProblem(planted("PASS"), any)).toMatch(/did not FAIL sg-1/);
    expect(failProblem(planted(), any)).toMatch(/returned \[\]/);
    expect(failProblem(planted("FAIL"), { ...any, subject: "someone" })).toMatch(/did not FAIL/);
    expect(failProblem(planted("FAIL"), any)).toBeUndefined();
  });

  it("rejects a check that fails, errs or says nothing as a PASS case", () => {
    expect(passProblem(planted("PASS", "FAIL"), any)).toMatch(/did not PASS/);
    expect(passProblem(planted("ERROR"), any)).toMatch(/did not PASS/);
    expect(passProblem(planted(), any)).toMatch(/did not PASS/);
    expect(passProblem(planted("PASS"), any)).toBeUndefined();
  });

  it("tells an engineer who adds a check where its cases go", () => {
    expect(whereToAdd("rds-public-access")).toContain("test/audit/checks/cases/rds.ts");
    expect(whereToAdd("brand-new-check")).toContain("test/audit/checks/cases/<family>.ts");
  });
});
