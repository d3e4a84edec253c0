/**
 * redis-weak-password on in-memory observations: the in-memory twin of the live trial
 * (weak-password.live.test.ts): its scope (probe.weakPasswords), the Redis words of its verdicts
 * (user, the endpoint, the ACL fix), and that a missing trial is an ERROR, never a PASS.
 */
import { describe, expect, it } from "vitest";
import type { WeakPasswordObservation } from "../../../../lib/audit/model/weak-password-trial.js";
import type { RedisObservation } from "../../../../lib/audit/probes/redis/types.js";
import { creds, healthy, notProbedError, target, verdictsOf } from "./observation.js";

/** The endpoint's users: what every weak-password verdict on `jobs-redis` is about (its catalog type). */
const USERS = { type: "Redis::User", id: "jobs-redis" } as const;

const ID = "redis-weak-password";
const trialled = target({ credentials: creds, probe: { weakPasswords: true } });
const run = (targets = [trialled], observations: RedisObservation[] = [healthy()]) => verdictsOf(ID, targets, observations);
const withTrial = (weakPasswords: WeakPasswordObservation | undefined) => run([trialled], [healthy({ weakPasswords })]);
const trial = (users: WeakPasswordObservation["users"], more: Partial<WeakPasswordObservation> = {}): WeakPasswordObservation => ({
  listSize: 18,
  paceMs: 250,
  users,
  ...more,
});
const fixFor = (shown: string, arg: string) => ({
  kind: "redis-acl",
  text: `Give ${shown} a password: generate one into your secret store, put its SHA-256 in place of SHA256_OF_NEW_PASSWORD (\`printf %s "$NEW_PASSWORD" | sha256sum\`), and update the clients that log in as ${shown}.`,
  commands: [`ACL SETUSER ${arg} resetpass #SHA256_OF_NEW_PASSWORD`],
});

describe("redis-weak-password", () => {
  it("fails a user that logged in with a listed password, on the endpoint, with the ACL fix", () => {
    expect(withTrial(trial([{ user: "worker", outcome: "weak", attempts: 4 }]))).toStrictEqual([
      {
        checkId: ID,
        status: "FAIL",
        resource: USERS,
        subject: "worker",
        message:
          "User worker of jobs-redis: a password from the documented weak-password list (docs/weak-passwords.md) logged in as it. Anyone who reaches jobs.example.com:6379 can be this user.",
        evidence: { user: "worker", outcome: "weak", attempts: 4, listSize: 18 },
        fix: fixFor("worker", "worker"),
      },
    ]);
  });

  it("fails a user that accepts any password, quoting an odd name in the message and in the fix", () => {
    const [v, ...rest] = withTrial(trial([{ user: "job runner", outcome: "any-password", attempts: 1 }]));
    expect(rest).toEqual([]);
    expect(v).toStrictEqual({
      checkId: ID,
      status: "FAIL",
      resource: USERS,
      subject: "job runner",
      message:
        'User "job runner" of jobs-redis: a random password logged in as it: it accepts any password. Anyone who reaches jobs.example.com:6379 can be this user.',
      evidence: { user: '"job runner"', outcome: "any-password", attempts: 1, listSize: 18 },
      fix: fixFor('"job runner"', '"job runner"'),
    });
  });

  it("passes when every user refused the whole list, naming the list, the pace and the users", () => {
    const users = [
      { user: "worker", outcome: "strong", attempts: 19 },
      { user: "web", outcome: "strong", attempts: 19 },
      { user: "retired", outcome: "cannot-login", attempts: 1, detail: "user is disabled" },
    ] as const;
    expect(withTrial(trial([...users]))).toStrictEqual([
      {
        checkId: ID,
        status: "PASS",
        resource: USERS,
        message:
          "jobs-redis: tried the 18-password list of docs/weak-passwords.md (and a random password) 250 ms apart: none of worker, web accepted; retired cannot log in.",
        evidence: {
          paceMs: 250,
          listSize: 18,
          users: [
            { user: "worker", outcome: "strong", attempts: 19 },
            { user: "web", outcome: "strong", attempts: 19 },
            { user: "retired", outcome: "cannot-login", attempts: 1 },
          ],
        },
      },
    ]);
  });

  it("fails only the weak user among strong ones", () => {
    const results = withTrial(
      trial([
        { user: "web", outcome: "strong", attempts: 19 },
        { user: "worker", outcome: "weak", attempts: 2 },
      ]),
    );
    expect(results.map((r) => [r.status, r.subject])).toEqual([["FAIL", "worker"]]);
  });

  it("gives ERROR, never PASS, for a user whose trial did not finish", () => {
    const cause = { source: "redis://jobs.example.com:6379 AUTH", reason: "connection reset", code: "ECONNRESET" };
    const [v, ...rest] = withTrial(
      trial([
        { user: "web", outcome: "strong", attempts: 19 },
        { user: "worker", outcome: "error", attempts: 3, error: cause },
      ]),
    );
    expect(rest).toEqual([]);
    expect(v).toStrictEqual({
      checkId: ID,
      status: "ERROR",
      resource: USERS,
      subject: "worker",
      message:
        "Could not evaluate whether user worker of jobs-redis accepts a listed password: connection reset (redis://jobs.example.com:6379 AUTH).",
      evidence: cause,
      cause,
    });
  });

  it("gives ERROR, naming the endpoint, for users beyond the bound", () => {
    const [v] = withTrial(trial([{ user: "web", outcome: "strong", attempts: 19 }], { notTried: ["u1", "u 2"] }));
    const cause = {
      source: "jobs.example.com:6379",
      reason: '2 user(s) beyond the first 1 were not tried (u1, "u 2")',
      code: "TooManyUsers",
    };
    expect(v).toStrictEqual({
      checkId: ID,
      status: "ERROR",
      resource: USERS,
      message: `Could not evaluate which users of jobs-redis accept a listed password: ${cause.reason} (${cause.source}).`,
      evidence: cause,
      cause,
    });
  });

  it("gives ERROR with the trial's own error when no user could be tried", () => {
    const cause = { source: "redis://jobs.example.com:6379 AUTH", reason: "the audit credentials were refused", code: "AuthFailed" };
    expect(withTrial(trial([], { error: cause }))).toStrictEqual([
      {
        checkId: ID,
        status: "ERROR",
        resource: USERS,
        message:
          "Could not evaluate which users of jobs-redis accept a listed password: the audit credentials were refused (redis://jobs.example.com:6379 AUTH).",
        evidence: cause,
        cause,
      },
    ]);
  });

  it("gives ERROR when the probe brought no trial", () => {
    const cause = {
      source: "redis://jobs.example.com:6379 AUTH",
      reason: "the probe of jobs-redis did not try the weak-password list",
      code: "NotProbed",
    };
    expect(withTrial(undefined)).toStrictEqual([
      {
        checkId: ID,
        status: "ERROR",
        resource: USERS,
        message:
          "Could not evaluate which users of jobs-redis accept a listed password: the probe of jobs-redis did not try the weak-password list (redis://jobs.example.com:6379 AUTH).",
        evidence: cause,
        cause,
      },
    ]);
  });

  it("gives ERROR for a target the probe did not report", () => {
    expect(run([trialled], [])).toStrictEqual([notProbedError(ID, "which users of jobs-redis accept a listed password", USERS)]);
  });

  it("is silent without probe.weakPasswords, even beside a weak user in the observation", () => {
    const o = healthy({ weakPasswords: trial([{ user: "worker", outcome: "weak", attempts: 2 }]) });
    expect(run([target({ credentials: creds })], [o])).toEqual([]);
    expect(run([target({ credentials: creds, probe: { weakPasswords: false } })], [o])).toEqual([]);
    expect(run([target({ credentials: creds })], [])).toEqual([]);
  });

  it("names the configured endpoint, not the probed address", () => {
    const t = target({
      name: "other-redis",
      endpoint: { host: "other.example.com", port: 7000 },
      credentials: creds,
      probe: { weakPasswords: true },
    });
    const o = {
      ...healthy({ weakPasswords: trial([{ user: "worker", outcome: "weak", attempts: 2 }]) }),
      target: "other-redis",
      host: "10.0.1.5",
    };
    const [v] = run([t], [o]);
    expect(v?.resource).toStrictEqual({ type: "Redis::User", id: "other-redis" });
    expect(v?.message).toBe(
      "User worker of other-redis: a password from the documented weak-password list (docs/weak-passwords.md) logged in as it. Anyone who reaches other.example.com:7000 can be this user.",
    );
    expect(run([t], [{ ...healthy(), target: "other-redis" }])[0]?.cause?.source).toBe("redis://other.example.com:7000 AUTH");
  });
});
