import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/audit/config/load.js";
import { scheduleProblem } from "../../../lib/audit/config/schedule.js";
import type { ConfigInput } from "../../../lib/audit/config/schema.js";
import type { Finding } from "../../../lib/audit/findings/model.js";
import { muteWarnings, unmatchedMuteWarnings } from "../../../lib/audit/findings/mute-warnings.js";

const parse = (input: Omit<ConfigInput, "version">) => parseConfig({ version: 1, ...input }, "qa.yaml");
const errorOf = (input: Omit<ConfigInput, "version">) => {
  try {
    parse(input);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
};

describe("schedules EventBridge Scheduler accepts", () => {
  it.each([
    "rate(1 hour)",
    "rate(15 minutes)",
    "rate(2 days)",
    "cron(0 * * * ? *)",
    "cron(0/15 8-18 ? * MON-FRI *)",
    "cron(0 3 1 * ? 2027)",
  ])("accepts %s", (schedule) => {
    expect(scheduleProblem(schedule)).toBeUndefined();
    expect(parse({ schedule }).schedule).toBe(schedule);
  });

  it.each([
    [
      "cron(0 * * * *)",
      "expected cron() with the 6 fields EventBridge Scheduler requires (minutes hours day-of-month month day-of-week year), got 5",
    ],
    ["cron(0 12 * * * *)", "expected ? in exactly one of the day-of-month and day-of-week fields of cron(), such as cron(0 * * * ? *)"],
    ["cron(0 12 ? * ? *)", "expected ? in exactly one of the day-of-month and day-of-week fields of cron(), such as cron(0 * * * ? *)"],
    ["cron(0 ; ? * * *)", 'expected a valid hours field in cron(), got ";"'],
    ["rate(0 hours)", "expected rate(N unit) with N a positive integer, got 0"],
    ["rate(1 hours)", "expected rate(1 hour): EventBridge Scheduler takes the singular unit for 1"],
    ["rate(5 minute)", "expected rate(5 minutes): EventBridge Scheduler takes the plural unit above 1"],
    ["rate(2 weeks)", "expected a rate unit of minute(s), hour(s) or day(s), got weeks"],
  ])("refuses %s with one line naming the key", (schedule, expected) => {
    expect(errorOf({ schedule })).toBe(`qa.yaml: schedule: ${expected}`);
  });
});

describe("CIDR blocks", () => {
  it("refuses host bits set, naming the network it would be and the key", () => {
    expect(errorOf({ network: { allowedCidrs: ["10.20.0.0/16", "10.8.1.0/16"] } })).toBe(
      "qa.yaml: network.allowedCidrs[1]: expected a CIDR block without host bits: 10.8.1.0/16 has host bits set; write 10.8.0.0/16, or a longer prefix than /16 if a smaller block was meant",
    );
    expect(errorOf({ network: { allowedCidrs: ["2001:db8::1/32"] } })).toMatch(/write 2001:db8::\/32/);
  });

  it("accepts network addresses, including single hosts", () => {
    expect(parse({ network: { allowedCidrs: ["10.8.0.0/16", "10.8.1.7/32", "2001:db8::/32"] } }).network.allowedCidrs).toHaveLength(3);
  });
});

describe("mute warnings", () => {
  const NOW = new Date("2026-12-01T12:00:00Z");
  const base = {
    postgres: [
      {
        name: "queue-db",
        connection: { host: "db.example.com", database: "app", user: "auditor", password: { iam: true as const } },
        tables: ["public.delayed_jobs"],
        owner: "app_migrator",
        principals: { app_worker: ["SELECT" as const] },
      },
    ],
  };
  const mute = (m: { check: string; resource: string; subject?: string; expires?: string }) => ({
    reason: "approved in CHG-1",
    expires: "2027-03-31",
    ...m,
  });
  const warn = (mutes: Parameters<typeof mute>[0][], extra: Omit<ConfigInput, "version"> = {}) =>
    muteWarnings(parse({ ...base, ...extra, mutes: mutes.map(mute) }), NOW);

  it("warns when a network subject cannot take the check's form", () => {
    expect(warn([{ check: "sg-unapproved-cidr", resource: "sg-0a1b2c3d4e5f60002", subject: "198.51.100.0/24:5432" }])).toEqual([
      'mutes[0] (sg-unapproved-cidr on "sg-0a1b2c3d4e5f60002" subject "198.51.100.0/24:5432") can never match: a network subject is SOURCE or "SOURCE PROTOCOL PORT" (such as 198.51.100.0/24 tcp 5432), with SOURCE a CIDR or security group id',
    ]);
  });

  it("is silent for subjects of the right form", () => {
    expect(
      warn([
        { check: "sg-unapproved-cidr", resource: "sg-0a1b2c3d4e5f60002", subject: "198.51.100.0/24 tcp 5432" },
        { check: "sg-unapproved-cidr", resource: "sg-0a1b2c3d4e5f60002", subject: "198.51.100.0/24" },
        { check: "sg-unapproved-source-group", resource: "sg-0a1b2c3d4e5f60002", subject: "999988887777/sg-0a1b2c3d4e5f60003 tcp 6379" },
        { check: "pg-unexpected-principal", resource: "queue-db:public.delayed_jobs", subject: "reporting bot" },
        { check: "rds-iam-auth-disabled", resource: "queue-db" },
      ]),
    ).toEqual([]);
  });

  it("warns about a resource no finding of the check can have", () => {
    expect(
      warn([
        { check: "sg-world-ingress", resource: "queue-db" },
        { check: "pg-public-privilege", resource: "other-db:public.delayed_jobs" },
        { check: "rds-public-access", resource: "queue-db:public.delayed_jobs" },
      ]).map((w) => w.split(" can never match: ")[1]),
    ).toEqual([
      "the resource of a network finding is a security group id (sg-…)",
      "the resource of a PostgreSQL finding is TARGET, TARGET:SCHEMA or TARGET:SCHEMA.TABLE with TARGET one of postgres[].name (queue-db)",
      "the resource of a rds finding is its AWS identifier (letters, digits, hyphens)",
    ]);
  });

  it("warns about an expired mute, a mute of a disabled check and one of audit-error", () => {
    expect(
      warn(
        [
          { check: "rds-iam-auth-disabled", resource: "queue-db", expires: "2026-11-30" },
          { check: "rds-logs-not-exported", resource: "queue-db" },
          { check: "audit-error", resource: "targets" },
        ],
        { checks: { disabled: ["rds-logs-not-exported"] } },
      ),
    ).toEqual([
      'mutes[0] (rds-iam-auth-disabled on "queue-db") expired on 2026-11-30 and no longer applies; renew or remove it',
      'mutes[1] (rds-logs-not-exported on "queue-db") can never match: rds-logs-not-exported is disabled in checks.disabled, so it has no finding to silence',
      'mutes[2] (audit-error on "targets") can never match: audit-error findings are ERRORs, which mutes never silence',
    ]);
  });

  it("after an audit, names each mute that matched no violation, and not the ones that did", () => {
    const config = parse({
      mutes: [
        mute({ check: "sg-unapproved-cidr", resource: "sg-0a1b2c3d4e5f60002", subject: "198.51.100.0/24" }),
        mute({ check: "sg-unapproved-cidr", resource: "sg-0a1b2c3d4e5f60002", subject: "203.0.113.0/24" }),
      ],
    });
    const muted: Finding = {
      id: "1",
      checkId: "sg-unapproved-cidr",
      status: "MUTED",
      severity: "high",
      resource: { type: "AWS::EC2::SecurityGroup", id: "sg-0a1b2c3d4e5f60002" },
      subject: "198.51.100.0/24 tcp 5432",
      message: "m",
      evidence: {},
      remediation: "r",
      references: [],
    };
    expect(unmatchedMuteWarnings(config, [muted])).toEqual([
      'mutes[1] (sg-unapproved-cidr on "sg-0a1b2c3d4e5f60002" subject "203.0.113.0/24") matched no violation in this audit; remove it if what it silenced is fixed',
    ]);
    // A PASS on the same subject is not a violation: the mute silences nothing.
    expect(unmatchedMuteWarnings(config, [{ ...muted, status: "PASS" }])).toHaveLength(2);
  });
});
