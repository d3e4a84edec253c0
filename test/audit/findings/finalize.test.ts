import { describe, expect, it } from "vitest";
import { auditResult } from "../../../lib/audit/engine.js";
import { findingId } from "../../../lib/audit/findings/ids.js";
import { outcomeOf } from "../../../lib/audit/findings/model.js";
import { muteIsActive } from "../../../lib/audit/findings/mutes.js";
import { config, dbInstance, inventory, missing, NOW, ok, partition, run, securityGroup, tcp } from "../../support/builders.js";

const SG = "sg-0000000000000db01";
const openEstate = inventory(
  partition({
    dbInstances: ok([dbInstance("queue-db")]),
    securityGroups: ok([securityGroup(SG, [tcp(5432, { cidrs: ["198.51.100.0/24"] })])]),
    dbParameters: {
      "queue-pg16": ok([
        { ParameterName: "rds.force_ssl", ParameterValue: "1" },
        { ParameterName: "log_connections", ParameterValue: "1" },
      ]),
    },
  }),
);
const base = { targets: { rds: ["queue-db"] }, network: { allowedCidrs: ["10.20.0.0/16"] } };

describe("finding ids", () => {
  it("are the same for the same check, resource and subject, and differ otherwise", () => {
    const resource = { id: SG, account: "111122223333", region: "eu-west-1" };
    expect(findingId("sg-unapproved-cidr", resource, "198.51.100.0/24 tcp 5432")).toBe(
      findingId("sg-unapproved-cidr", { ...resource }, "198.51.100.0/24 tcp 5432"),
    );
    expect(findingId("sg-unapproved-cidr", resource, "198.51.100.0/24 tcp 5432")).not.toBe(
      findingId("sg-unapproved-cidr", resource, "198.51.100.0/24 tcp 6379"),
    );
    expect(findingId("sg-unapproved-cidr", resource, undefined)).toMatch(/^[0-9a-f]{32}$/);
  });

  it("are stable across runs", () => {
    const first = run(config(base), openEstate).map((f) => f.id);
    const second = run(config(base), openEstate).map((f) => f.id);
    expect(second).toEqual(first);
  });
});

describe("mutes", () => {
  const mute = (expires: string, subject?: string) => ({
    check: "sg-unapproved-cidr" as const,
    resource: SG,
    ...(subject ? { subject } : {}),
    reason: "VPN egress range, approved in CHG-1234",
    expires,
  });
  const cidrFinding = (mutes: ReturnType<typeof mute>[]) =>
    run(config({ ...base, mutes }), openEstate).find((f) => f.checkId === "sg-unapproved-cidr");

  it("turns a matching FAIL into MUTED with the reason and expiry", () => {
    const f = cidrFinding([mute("2027-03-31", "198.51.100.0/24 tcp 5432")]);
    expect(f?.status).toBe("MUTED");
    expect(f?.evidence.mute).toEqual({ reason: "VPN egress range, approved in CHG-1234", expires: "2027-03-31" });
  });

  it("without a subject, matches every subject of the resource", () => {
    expect(cidrFinding([mute("2027-03-31")])?.status).toBe("MUTED");
  });

  it("may name just the source of a network subject, as the contract's example does", () => {
    expect(cidrFinding([mute("2027-03-31", "198.51.100.0/24")])?.status).toBe("MUTED");
    expect(cidrFinding([mute("2027-03-31", "198.51.100.0/2")])?.status).toBe("FAIL");
  });

  it("does not match another subject", () => {
    expect(cidrFinding([mute("2027-03-31", "203.0.113.0/24 tcp 5432")])?.status).toBe("FAIL");
  });

  it("no longer applies once expired, and the finding says so", () => {
    const f = cidrFinding([mute("2026-11-24")]);
    expect(f?.status).toBe("FAIL");
    expect(f?.message).toContain("expired on 2026-11-24");
    expect(f?.evidence.muteExpired).toMatchObject({ expires: "2026-11-24" });
  });

  it("holds through the whole expiry day (UTC)", () => {
    expect(muteIsActive({ expires: "2026-11-25" }, NOW)).toBe(true);
    expect(muteIsActive({ expires: "2026-11-25" }, new Date("2026-11-26T00:00:00Z"))).toBe(false);
  });
});

describe("config overrides", () => {
  it("applies severity overrides and skips disabled checks", () => {
    const findings = run(
      config({ ...base, checks: { disabled: ["rds-iam-auth-disabled"], severity: { "sg-unapproved-cidr": "critical" } } }),
      openEstate,
    );
    expect(findings.find((f) => f.checkId === "sg-unapproved-cidr")?.severity).toBe("critical");
    expect(findings.some((f) => f.checkId === "rds-iam-auth-disabled")).toBe(false);
  });

  it("cannot disable audit-error", () => {
    const inv = inventory(
      partition({ dbInstances: ok([dbInstance("queue-db")]), securityGroups: missing("inv/ec2-describe-security-groups.json") }),
    );
    const findings = run(config({ ...base, checks: { disabled: ["audit-error"] } }), inv);
    expect(findings.some((f) => f.checkId === "audit-error")).toBe(true);
  });
});

describe("audit-error", () => {
  it("names what was not observed and every check it blocked, once per source", () => {
    const inv = inventory(
      partition({ dbInstances: ok([dbInstance("queue-db")]), securityGroups: missing("inv/ec2-describe-security-groups.json") }),
    );
    const findings = run(config(base), inv);
    const errors = findings.filter((f) => f.checkId === "audit-error");
    expect(errors).toHaveLength(2); // the security groups file, and the parameter group file
    const sgError = errors.find((f) => f.resource.id === "inv/ec2-describe-security-groups.json");
    expect(sgError?.status).toBe("ERROR");
    expect(sgError?.evidence.blocked).toEqual([
      `sg-all-traffic on ${SG}`,
      `sg-unapproved-cidr on ${SG}`,
      `sg-unapproved-source-group on ${SG}`,
      `sg-world-ingress on ${SG}`,
    ]);
    expect(findings.filter((f) => f.checkId.startsWith("sg-")).every((f) => f.status === "ERROR")).toBe(true);
  });

  it("is raised when nothing at all was audited, so an empty run is never compliant", () => {
    const findings = run(config({ targets: { rds: [] } }), inventory(partition()));
    expect(findings.map((f) => [f.checkId, f.status, f.resource.id])).toEqual([["audit-error", "ERROR", "targets"]]);
    expect(outcomeOf(findings)).toBe("incomplete");
  });

  it("names a missing file stably, whatever the inventory directory is called", () => {
    const at = (dir: string) =>
      run(
        config(base),
        inventory(
          partition({
            origin: { kind: "offline", dir },
            dbInstances: ok([dbInstance("queue-db")]),
            securityGroups: ok([securityGroup(SG, [])]),
          }),
        ),
      )
        .filter((f) => f.checkId === "audit-error")
        .map((f) => f.id);
    expect(at("./inv")).toEqual(at("/tmp/elsewhere/inv"));
  });

  it("makes the run incomplete, never compliant", () => {
    const inv = inventory(partition({ dbInstances: missing("inv/rds-describe-db-instances.json"), dbClusters: ok([]) }));
    const findings = run(config(base), inv);
    expect(outcomeOf(findings)).toBe("incomplete");
    expect(findings.filter((f) => f.status === "PASS")).toEqual([]);
  });
});

describe("run result", () => {
  it("counts statuses and derives the outcome", () => {
    const findings = run(config(base), openEstate);
    const result = auditResult(findings, NOW, NOW);
    expect(result.schemaVersion).toBe(1);
    expect(result.run.outcome).toBe("violations");
    expect(result.run.counts.FAIL).toBe(findings.filter((f) => f.status === "FAIL").length);
    expect(result.run.id).toMatch(/^20261125T120000Z-[0-9a-f]{8}$/);
  });

  it("orders findings worst first", () => {
    const findings = run(config(base), openEstate);
    expect(findings[0]?.status).toBe("FAIL");
    expect(findings.at(-1)?.status).toBe("PASS");
  });
});
