/**
 * redis-default-user-open on in-memory observations: its scope (audit credentials and
 * auth: required), the default user read as on/off, nopass or not, absent, and every reason
 * the ACL was not read as an ERROR whose cause says what to do.
 */
import { describe, expect, it } from "vitest";
import type { RedisAclObservation, RedisObservation } from "../../../../lib/audit/probes/redis/types.js";
import { creds, ENDPOINT, healthy, notProbedError, target, verdictsOf } from "./observation.js";

const ID = "redis-default-user-open";
const audited = target({ credentials: creds });
const run = (targets = [audited], observations: RedisObservation[] = [healthy()]) => verdictsOf(ID, targets, observations);
const withAcl = (acl: RedisAclObservation | undefined) => run([audited], [healthy({ acl })]);
const read = (defaultUser: RedisAclObservation["defaultUser"], command = "ACL LIST"): RedisAclObservation => ({
  username: "auditor",
  outcome: "read",
  command,
  ...(defaultUser ? { defaultUser } : {}),
});
const error = (cause: { source: string; reason: string; code: string }, what = "the default user of jobs-redis") => ({
  checkId: ID,
  status: "ERROR",
  resource: ENDPOINT,
  message: `Could not evaluate ${what}: ${cause.reason} (${cause.source}).`,
  evidence: cause,
  cause,
});

describe("redis-default-user-open", () => {
  it("fails on the default user on with nopass, quoting its rules", () => {
    const defaultUser = { on: true, nopass: true, raw: "on nopass ~* &* +@all" };
    expect(withAcl(read(defaultUser))).toStrictEqual([
      {
        checkId: ID,
        status: "FAIL",
        resource: ENDPOINT,
        subject: "default",
        message:
          'The default user of jobs-redis (jobs.example.com:6379) is on with nopass ("on nopass ~* &* +@all"): anyone who connects gets its access; turn it off.',
        evidence: { command: "ACL LIST", auditUser: "auditor", defaultUser },
      },
    ]);
  });

  it("passes when the default user is off, with what was read as evidence", () => {
    expect(run()).toStrictEqual([
      {
        checkId: ID,
        status: "PASS",
        resource: ENDPOINT,
        message: "On jobs-redis, the default user is off.",
        evidence: {
          command: "ACL GETUSER default",
          auditUser: "auditor",
          defaultUser: { on: false, nopass: false, raw: "off ~* &* -@all" },
        },
      },
    ]);
  });

  it("passes an off default user even with nopass: it cannot log in", () => {
    const defaultUser = { on: false, nopass: true, raw: "off nopass ~* &* +@all" };
    const [v, ...rest] = withAcl(read(defaultUser));
    expect(rest).toEqual([]);
    expect(v).toMatchObject({ status: "PASS", message: "On jobs-redis, the default user is off." });
    expect(v?.evidence).toStrictEqual({ command: "ACL LIST", auditUser: "auditor", defaultUser });
  });

  it("passes when the default user is on but needs a password", () => {
    const defaultUser = { on: true, nopass: false, raw: "on #<redacted> ~* +@all" };
    expect(withAcl(read(defaultUser, "ACL GETUSER default"))).toStrictEqual([
      {
        checkId: ID,
        status: "PASS",
        resource: ENDPOINT,
        message: "On jobs-redis, the default user needs a password.",
        evidence: { command: "ACL GETUSER default", auditUser: "auditor", defaultUser },
      },
    ]);
  });

  it("passes when there is no default user, saying so with a null in the evidence", () => {
    expect(withAcl(read(undefined))).toStrictEqual([
      {
        checkId: ID,
        status: "PASS",
        resource: ENDPOINT,
        message: "On jobs-redis, there is no default user.",
        evidence: { command: "ACL LIST", auditUser: "auditor", defaultUser: null },
      },
    ]);
  });

  it("gives ERROR naming the grant when the auditor may not read ACLs", () => {
    const reply = "ACL GETUSER default: -NOPERM …; ACL LIST: -NOPERM …";
    expect(withAcl({ username: "auditor", outcome: "forbidden", reply })).toStrictEqual([
      error({
        source: "redis://jobs.example.com:6379 ACL GETUSER default",
        reason: `user auditor may not read ACLs (${reply}); grant it +acl|getuser, or remove the target's credentials and rely on cache-default-user-open`,
        code: "Forbidden",
      }),
    ]);
    // No reply recorded: still the same advice; an error beside the outcome does not replace it.
    const [bare] = withAcl({
      username: "auditor",
      outcome: "forbidden",
      error: { source: "x", reason: "y", code: "Z" },
    });
    expect(bare?.cause).toStrictEqual({
      source: "redis://jobs.example.com:6379 ACL GETUSER default",
      reason:
        "user auditor may not read ACLs (refused); grant it +acl|getuser, or remove the target's credentials and rely on cache-default-user-open",
      code: "Forbidden",
    });
  });

  it("gives ERROR when the credentials are refused", () => {
    const reply = "-WRONGPASS invalid username-password pair or user is disabled.";
    expect(withAcl({ username: "auditor", outcome: "auth-failed", reply })).toStrictEqual([
      error({
        source: "redis://jobs.example.com:6379 AUTH",
        reason: `the server refused the credentials of user auditor (${reply})`,
        code: "AuthFailed",
      }),
    ]);
    expect(withAcl({ username: "auditor", outcome: "auth-failed" })[0]?.cause).toStrictEqual({
      source: "redis://jobs.example.com:6379 AUTH",
      reason: "the server refused the credentials of user auditor (refused)",
      code: "AuthFailed",
    });
  });

  it("gives ERROR with the probe's own error, or a generic cause, for any other failure", () => {
    const cause = {
      source: "secretsmanager:jobs-redis/auditor",
      reason: "the secret could not be read: AccessDenied",
      code: "AccessDenied",
    };
    expect(withAcl({ username: "auditor", outcome: "error", error: cause })).toStrictEqual([error(cause)]);
    expect(withAcl({ username: "auditor", outcome: "error" })).toStrictEqual([
      error({ source: "redis://jobs.example.com:6379 ACL", reason: "the ACL of the default user was not read", code: "UNKNOWN" }),
    ]);
  });

  it("gives ERROR, not PASS, when the probe brought no ACL reading at all", () => {
    expect(withAcl(undefined)).toStrictEqual([
      error({ source: "redis://jobs.example.com:6379 ACL", reason: "the ACL was not read", code: "NotProbed" }),
    ]);
  });

  it("gives ERROR for a target the probe did not report", () => {
    expect(run([audited], [])).toStrictEqual([notProbedError(ID, "the default user of jobs-redis")]);
  });

  it("is out of scope without audit credentials, or where the config says auth: optional", () => {
    const open = healthy({ acl: read({ on: true, nopass: true, raw: "on nopass ~* &* +@all" }) });
    expect(run([target()], [open])).toEqual([]);
    expect(run([target()], [])).toEqual([]);
    expect(run([target({ credentials: creds, auth: "optional" })], [open])).toEqual([]);
    expect(run([target({ credentials: creds, auth: "optional" })], [])).toEqual([]);
  });

  it("names the configured endpoint in messages and causes", () => {
    const t = target({ name: "other-redis", endpoint: { host: "other.example.com", port: 7000 }, credentials: creds });
    const defaultUser = { on: true, nopass: true, raw: "on nopass" };
    const [v] = run([t], [{ ...healthy({ acl: read(defaultUser) }), target: "other-redis" }]);
    expect(v?.resource).toStrictEqual({ type: "Redis::Endpoint", id: "other-redis" });
    expect(v?.message).toBe(
      'The default user of other-redis (other.example.com:7000) is on with nopass ("on nopass"): anyone who connects gets its access; turn it off.',
    );
    const [e] = run([t], [{ ...healthy({ acl: undefined }), target: "other-redis" }]);
    expect(e?.cause?.source).toBe("redis://other.example.com:7000 ACL");
  });
});
