/**
 * pg-weak-password on in-memory trials (only targets that opted in are judged; the role
 * names chosen by others are shown safely and quoted as PostgreSQL would), and the SQL
 * quoting the pg fixes rely on.
 */
import { describe, expect, it } from "vitest";
import { pgWeakPassword } from "../../../../lib/audit/checks/postgres/pg-weak-password.js";
import { quoteIdent } from "../../../../lib/audit/checks/postgres/sql.js";
import type { PostgresObservation } from "../../../../lib/audit/probes/postgres/types.js";
import { contextOf, healthyCatalog } from "./estate.js";

const OPTED_IN = {
  probe: { weakPasswords: true },
  connection: { host: "db.internal", port: 6432, database: "app", user: "queue_auditor", password: { iam: true } },
};
const trial = (...users: { user: string; outcome: "weak" | "strong" | "any-password" | "cannot-login" }[]): PostgresObservation => ({
  target: "queue-db",
  catalog: healthyCatalog(),
  weakPasswords: { listSize: 18, paceMs: 200, users: users.map((u) => ({ ...u, attempts: 4 })) },
});

describe("pg-weak-password", () => {
  it("judges only the targets that opted in to the trial", () => {
    expect(pgWeakPassword.evaluate(contextOf([trial({ user: "app_worker", outcome: "weak" })]))).toEqual([]);
  });

  it("FAILs a role that took a listed password, with where it was reached and how to fix it", () => {
    const [result] = pgWeakPassword.evaluate(contextOf([trial({ user: "app_worker", outcome: "weak" })], [OPTED_IN]));
    expect(result).toMatchObject({
      checkId: "pg-weak-password",
      status: "FAIL",
      resource: { type: "PostgreSQL::Database", id: "queue-db" },
      subject: "app_worker",
      message:
        "Role app_worker of queue-db: a password from the documented weak-password list (docs/weak-passwords.md) logged in as it. Anyone who reaches db.internal:6432 can be this role.",
      fix: {
        kind: "manual",
        commands: [],
        text: "Give app_worker a long random password from your secret store (ALTER ROLE app_worker PASSWORD '…'; never in a shell history), update its clients, and remove any trust line for it from pg_hba.conf.",
      },
    });
  });

  it("shows a role name that is not plain quoted, with its controls escaped, and quotes it in the SQL", () => {
    const results = pgWeakPassword.evaluate(
      contextOf([trial({ user: "App Worker", outcome: "weak" }, { user: "ops\nadmin", outcome: "any-password" })], [OPTED_IN]),
    );
    expect(results.map((r) => r.message.split(" of queue-db")[0])).toEqual(['Role "App Worker"', 'Role "ops\\\\nadmin"']);
    expect(results[0]?.fix?.text).toContain(
      'Give "App Worker" a long random password from your secret store (ALTER ROLE "App Worker" PASSWORD',
    );
    expect(results[1]?.fix?.text).toContain('(ALTER ROLE "ops\\nadmin" PASSWORD');
  });

  it("shows plain names as they are: letters, digits, _ . $ - up to 63 characters", () => {
    const plain = ["app.worker-2$", "A".repeat(63)];
    const quoted = ["A".repeat(64), "app worker", "app/worker", ""];
    const results = pgWeakPassword.evaluate(
      contextOf([trial(...[...plain, ...quoted].map((user) => ({ user, outcome: "weak" as const })))], [OPTED_IN]),
    );
    expect(results.map((r) => r.evidence.role)).toEqual([...plain, ...quoted.map((q) => JSON.stringify(q))]);
  });

  it("gives ERROR for an opted-in target the probe did not reach, or that brought no trial", () => {
    const [unprobed] = pgWeakPassword.evaluate(contextOf([], [OPTED_IN]));
    expect(unprobed).toMatchObject({
      status: "ERROR",
      message:
        "Could not evaluate which roles of queue-db accept a listed password: PostgreSQL target queue-db was not probed (postgres:queue-db).",
      cause: { source: "postgres:queue-db", reason: "PostgreSQL target queue-db was not probed", code: "NotProbed" },
    });
    const [untried] = pgWeakPassword.evaluate(contextOf([{ target: "queue-db", catalog: healthyCatalog() }], [OPTED_IN]));
    expect(untried?.status).toBe("ERROR");
    expect(untried?.cause).toEqual({
      source: "postgres:queue-db",
      reason: "the probe of queue-db did not try the weak-password list",
      code: "NotProbed",
    });
  });

  it("PASSes when every role refused the list", () => {
    const results = pgWeakPassword.evaluate(contextOf([trial({ user: "app_worker", outcome: "strong" })], [OPTED_IN]));
    expect(results.map((r) => [r.status, r.resource.id])).toEqual([["PASS", "queue-db"]]);
  });
});

describe("quoteIdent (identifiers in the SQL of fixes)", () => {
  it("leaves a lower-case plain name bare", () => {
    for (const name of ["delayed_jobs", "_jobs", "jobs2", "job$s", "a"]) expect(quoteIdent(name)).toBe(name);
  });

  it("quotes names PostgreSQL would fold or reject bare", () => {
    for (const [name, quoted] of [
      ["Jobs", '"Jobs"'],
      ["2jobs", '"2jobs"'],
      ["$jobs", '"$jobs"'],
      ["my-jobs", '"my-jobs"'],
      ["jobs-", '"jobs-"'],
      ["my jobs", '"my jobs"'],
      ["", '""'],
      ['We"ird', '"We""ird"'],
      ['a"b"c', '"a""b""c"'],
    ]) {
      expect(quoteIdent(name as string)).toBe(quoted);
    }
  });

  it("quotes reserved key words, from every part of the list", () => {
    for (const word of [
      "all",
      "column",
      "concurrently",
      "current_user",
      "else",
      "ilike",
      "leading",
      "notnull",
      "select",
      "some",
      "user",
      "with",
    ]) {
      expect(quoteIdent(word)).toBe(`"${word}"`);
    }
    // Non-reserved key words and names that merely contain one stay bare.
    for (const name of ["name", "users", "all_jobs", "jobs_table"]) expect(quoteIdent(name)).toBe(name);
  });
});
