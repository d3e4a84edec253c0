/**
 * The verdicts of a weak-password trial (docs/weak-passwords.md), shared by pg-weak-password
 * and redis-weak-password, over plain observations: what each outcome makes of a user, what a
 * PASS names, and that nothing unknown ever passes.
 */
import { describe, expect, it } from "vitest";
import { type TrialSubject, trialResults } from "../../../lib/audit/checks/weak-passwords.js";
import type { WeakPasswordObservation, WeakPasswordUser } from "../../../lib/audit/model/weak-password-trial.js";

const subject = (noun: "role" | "user"): TrialSubject => ({
  checkId: "pg-weak-password",
  resource: { type: "PostgreSQL::Database", id: "queue-db" },
  target: "queue-db (db.example.com:5432)",
  where: "db.example.com:5432",
  noun,
  // Marks every name that went through `shown`, so a test sees which did.
  shown: (name) => `<${name}>`,
  fix: (user) => ({ text: `Set a strong password for ${user}.`, commands: [`ALTER ROLE ${user} PASSWORD '…';`], kind: "sql" }),
  missing: { source: "queue-db", reason: "the probe did not run the trial", code: "NotCaptured" },
});
const role = subject("role");
const trial = (users: WeakPasswordUser[], more: Partial<WeakPasswordObservation> = {}): WeakPasswordObservation => ({
  listSize: 18,
  paceMs: 250,
  users,
  ...more,
});
const line = (r: { status: string; subject?: string }) => `${r.status}${r.subject ? ` ${r.subject}` : ""}`;

describe("weak-password trial verdicts", () => {
  it("is an ERROR, never a PASS, when no trial was brought or it could not start", () => {
    const [none, ...rest] = trialResults(role, undefined);
    expect(rest).toEqual([]);
    expect(none?.status).toBe("ERROR");
    expect(none?.cause).toEqual(role.missing);
    expect(none?.message).toBe(
      "Could not evaluate which roles of queue-db (db.example.com:5432) accept a listed password: the probe did not run the trial (queue-db).",
    );
    const refused = { source: "db.example.com:5432", reason: "connection refused", code: "ECONNREFUSED" };
    const [failed] = trialResults(role, trial([{ user: "app_worker", outcome: "weak", attempts: 3 }], { error: refused }));
    expect(failed).toMatchObject({ status: "ERROR", cause: refused });
  });

  it("fails a role that logged in with a listed password, naming it (made safe) and how, with the fix for it", () => {
    const results = trialResults(role, trial([{ user: "app_worker", outcome: "weak", attempts: 4 }]));
    expect(results).toHaveLength(1);
    const [r] = results;
    expect(r?.status).toBe("FAIL");
    expect(r?.subject).toBe("app_worker");
    expect(r?.message).toBe(
      "Role <app_worker> of queue-db (db.example.com:5432): a password from the documented weak-password list (docs/weak-passwords.md) logged in as it. Anyone who reaches db.example.com:5432 can be this role.",
    );
    expect(r?.evidence).toEqual({ role: "<app_worker>", outcome: "weak", attempts: 4, listSize: 18 });
    expect(r?.fix).toEqual({
      text: "Set a strong password for app_worker.",
      commands: ["ALTER ROLE app_worker PASSWORD '…';"],
      kind: "sql",
    });
  });

  it("fails a user that accepts any password, saying so", () => {
    const [r] = trialResults(subject("user"), trial([{ user: "dashboard", outcome: "any-password", attempts: 1 }]));
    expect(r?.message).toBe(
      "User <dashboard> of queue-db (db.example.com:5432): a random password logged in as it: it accepts any password. Anyone who reaches db.example.com:5432 can be this user.",
    );
    expect(r?.evidence).toEqual({ user: "<dashboard>", outcome: "any-password", attempts: 1, listSize: 18 });
  });

  it("is an ERROR for a role whose trial did not finish, with its own cause or a generic one", () => {
    const tls = { source: "db.example.com:5432", reason: "TLS handshake failed", code: "TLS" };
    const results = trialResults(
      role,
      trial([
        { user: "app_worker", outcome: "error", attempts: 2, error: tls },
        { user: "reporting", outcome: "error", attempts: 0 },
        { user: "app_web", outcome: "strong", attempts: 19 },
      ]),
    );
    expect(results.map(line)).toEqual(["ERROR app_worker", "ERROR reporting"]);
    expect(results[0]?.cause).toEqual(tls);
    expect(results[0]?.message).toBe(
      "Could not evaluate whether role <app_worker> of queue-db (db.example.com:5432) accepts a listed password: TLS handshake failed (db.example.com:5432).",
    );
    expect(results[1]?.cause).toEqual({ source: "db.example.com:5432", reason: "the trial did not finish", code: "TrialError" });
  });

  it("is an ERROR for the roles beyond the bound, naming the first five of them", () => {
    const users = [{ user: "app_worker", outcome: "strong" as const, attempts: 19 }];
    const results = trialResults(role, trial(users, { notTried: ["a", "b", "c", "d", "e", "f"] }));
    expect(results.map(line)).toEqual(["ERROR"]);
    expect(results[0]?.cause).toEqual({
      source: "db.example.com:5432",
      reason: "6 role(s) beyond the first 1 were not tried (<a>, <b>, <c>, <d>, <e>)",
      code: "TooManyUsers",
    });
    expect(results[0]?.message).toBe(
      "Could not evaluate which roles of queue-db (db.example.com:5432) accept a listed password: 6 role(s) beyond the first 1 were not tried (<a>, <b>, <c>, <d>, <e>) (db.example.com:5432).",
    );
    expect(trialResults(role, trial(users, { notTried: [] })).map(line)).toEqual(["PASS"]);
  });

  it("passes only when every role was tried and refused, naming the list, the pace, the roles and those that cannot log in", () => {
    const results = trialResults(
      role,
      trial([
        { user: "app_worker", outcome: "strong", attempts: 19 },
        { user: "app_web", outcome: "strong", attempts: 19 },
        { user: "old_batch", outcome: "cannot-login", attempts: 1, detail: 'role "old_batch" is not permitted to log in' },
      ]),
    );
    expect(results).toHaveLength(1);
    expect(results[0]?.status).toBe("PASS");
    expect(results[0]?.message).toBe(
      "queue-db (db.example.com:5432): tried the 18-password list of docs/weak-passwords.md (and a random password) 250 ms apart: none of <app_worker>, <app_web> accepted; <old_batch> cannot log in.",
    );
    expect(results[0]?.evidence).toEqual({
      paceMs: 250,
      listSize: 18,
      roles: [
        { role: "<app_worker>", outcome: "strong", attempts: 19 },
        { role: "<app_web>", outcome: "strong", attempts: 19 },
        { role: "<old_batch>", outcome: "cannot-login", attempts: 1 },
      ],
    });
  });

  it("passes a trial with no role to try, and says so", () => {
    const [r] = trialResults(subject("user"), trial([]));
    expect(r?.message).toBe(
      "queue-db (db.example.com:5432): tried the 18-password list of docs/weak-passwords.md (and a random password) 250 ms apart: no user to try.",
    );
    expect(r?.evidence).toEqual({ paceMs: 250, listSize: 18, users: [] });
    const [closedOnly] = trialResults(
      role,
      trial([
        { user: "old_batch", outcome: "cannot-login", attempts: 1 },
        { user: "legacy", outcome: "cannot-login", attempts: 1 },
      ]),
    );
    expect(closedOnly?.message).toMatch(/: no role to try; <old_batch>, <legacy> cannot log in\.$/);
  });

  it("gives no PASS beside a FAIL: one weak role among strong ones is the only verdict", () => {
    const results = trialResults(
      role,
      trial([
        { user: "app_web", outcome: "strong", attempts: 19 },
        { user: "app_worker", outcome: "weak", attempts: 4 },
      ]),
    );
    expect(results.map(line)).toEqual(["FAIL app_worker"]);
  });
});
