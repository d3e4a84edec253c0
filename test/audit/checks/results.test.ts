/**
 * The verdict builders every check phrases its results with, the registry's lookup by id, and
 * the clock the time-based checks judge by.
 */
import { describe, expect, it } from "vitest";
import { checkMeta } from "../../../lib/audit/checks/registry.js";
import { ageInDays, asOf, fail, pass, unobserved } from "../../../lib/audit/checks/results.js";
import type { ResourceRef } from "../../../lib/audit/findings/model.js";

const resource: ResourceRef = { type: "AWS::RDS::DBInstance", id: "queue-db", account: "111122223333", region: "eu-west-1" };

describe("verdict builders", () => {
  it("builds a PASS with its message and evidence, and no subject", () => {
    expect(pass("rds-public-access", resource, "queue-db is not publicly accessible.", { PubliclyAccessible: false })).toStrictEqual({
      checkId: "rds-public-access",
      status: "PASS",
      resource,
      message: "queue-db is not publicly accessible.",
      evidence: { PubliclyAccessible: false },
    });
    expect(pass("rds-public-access", resource, "ok").evidence).toStrictEqual({});
  });

  it("builds a FAIL with a subject only when one is given", () => {
    expect(fail("rds-logs-not-exported", resource, "postgresql", "not exported", { expected: "postgresql" })).toStrictEqual({
      checkId: "rds-logs-not-exported",
      status: "FAIL",
      resource,
      subject: "postgresql",
      message: "not exported",
      evidence: { expected: "postgresql" },
    });
    // A verdict on the whole resource carries no subject key: its finding is the resource's own.
    expect(fail("rds-public-access", resource, undefined, "open")).toStrictEqual({
      checkId: "rds-public-access",
      status: "FAIL",
      resource,
      message: "open",
      evidence: {},
    });
    expect(fail("rds-public-access", resource, "", "open").subject).toBe("");
  });

  it("builds an ERROR saying what could not be evaluated, why and from where, with the cause", () => {
    const cause = { source: "inv/rds-describe-db-instances.json", reason: "the file is missing from the inventory", code: "NotCaptured" };
    expect(unobserved("rds-public-access", resource, cause, "the public access of queue-db", "PubliclyAccessible")).toStrictEqual({
      checkId: "rds-public-access",
      status: "ERROR",
      resource,
      subject: "PubliclyAccessible",
      message:
        "Could not evaluate the public access of queue-db: the file is missing from the inventory (inv/rds-describe-db-instances.json).",
      evidence: { source: "inv/rds-describe-db-instances.json", reason: "the file is missing from the inventory", code: "NotCaptured" },
      cause,
    });
    const uncoded = { source: "queue-db", reason: "unreadable" };
    const r = unobserved("rds-public-access", resource, uncoded, "x");
    expect(r.evidence).toStrictEqual({ source: "queue-db", reason: "unreadable" });
    expect("subject" in r).toBe(false);
  });
});

describe("the registry's lookup by id", () => {
  it("gives a registered check's metadata and refuses an unknown id", () => {
    expect(checkMeta("rds-public-access")).toMatchObject({ id: "rds-public-access", severity: "critical" });
    expect(() => checkMeta("rds-public-acces")).toThrow("no check is registered with id rds-public-acces");
  });
});

describe("the time a time-based check judges by", () => {
  const now = new Date("2026-11-25T12:00:00Z");

  it("is the capture time of the data when it is known and readable, else the run's clock", () => {
    expect(asOf({ capturedAt: "2026-11-01T00:00:00.000Z" }, now).toISOString()).toBe("2026-11-01T00:00:00.000Z");
    expect(asOf({ capturedAt: undefined }, now)).toBe(now);
    expect(asOf({ capturedAt: "" }, now)).toBe(now);
    expect(asOf({ capturedAt: "yesterday" }, now)).toBe(now);
  });

  it("counts whole days, rounding down, and none for a missing or unreadable timestamp", () => {
    expect(ageInDays("2026-11-24T12:00:00Z", now)).toBe(1);
    expect(ageInDays("2026-11-24T12:00:01Z", now)).toBe(0);
    expect(ageInDays("2026-11-25T12:00:00Z", now)).toBe(0);
    expect(ageInDays("2026-08-27T12:00:00Z", now)).toBe(90);
    expect(ageInDays(undefined, now)).toBeUndefined();
    expect(ageInDays("", now)).toBeUndefined();
    expect(ageInDays("not a date", now)).toBeUndefined();
  });
});
