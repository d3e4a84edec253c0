import { describe, expect, it } from "vitest";
import { cidrWithin } from "../../../lib/audit/checks/network/cidr.js";
import {
  ACCOUNT,
  config,
  dbInstance,
  inventory,
  missing,
  ok,
  partition,
  rule,
  securityGroup,
  tcp,
  verdicts,
} from "../../support/builders.js";

const DB_SG = "sg-0000000000000db01";
const WORKERS = "sg-00000000000000a01";

/** One in-scope PostgreSQL instance on `port`, guarded by DB_SG with `permissions`. */
function estate(permissions: unknown[], opts: { port?: number; prefixLists?: Record<string, string[]>; extraGroups?: unknown[] } = {}) {
  return inventory(
    partition({
      dbInstances: ok([dbInstance("queue-db", { Endpoint: { Address: "queue-db.example", Port: opts.port ?? 5432 } })]),
      securityGroups: ok([securityGroup(DB_SG, permissions), ...(opts.extraGroups ?? [])]),
      prefixListEntries: Object.fromEntries(
        Object.entries(opts.prefixLists ?? {}).map(([id, cidrs]) => [id, ok(cidrs.map((Cidr) => ({ Cidr, Description: "entry" })))]),
      ),
    }),
  );
}

const cfg = config({
  targets: { rds: ["queue-db"] },
  network: { allowedCidrs: ["10.20.0.0/16", "2001:db8::/32"], allowedSecurityGroups: [WORKERS] },
});

function statuses(checkId: string, permissions: unknown[], opts?: Parameters<typeof estate>[1]) {
  return verdicts(checkId, cfg, estate(permissions, opts)).map((r) => `${r.status}${r.subject ? ` ${r.subject}` : ""}`);
}

describe("sg-world-ingress", () => {
  it("fails a TCP rule from 0.0.0.0/0 covering the port", () => {
    expect(statuses("sg-world-ingress", [tcp(5432, { cidrs: ["0.0.0.0/0"] })])).toEqual(["FAIL 0.0.0.0/0 tcp 5432"]);
  });

  it("fails ::/0 and protocol 6 and a covering port range", () => {
    expect(statuses("sg-world-ingress", [rule("6", 5000, 6000, { cidrs6: ["::/0"] })])).toEqual(["FAIL ::/0 tcp 5432"]);
  });

  it("fails protocol -1 (all ports) from the world", () => {
    expect(statuses("sg-world-ingress", [rule("-1", undefined, undefined, { cidrs: ["0.0.0.0/0"] })])).toEqual(["FAIL 0.0.0.0/0 all 5432"]);
  });

  it("passes a world rule whose port range misses the backend port", () => {
    expect(statuses("sg-world-ingress", [tcp([6379, 6380], { cidrs: ["0.0.0.0/0"], cidrs6: ["::/0"] })])).toEqual(["PASS"]);
  });

  it("never lets a UDP or ICMP rule reach a TCP backend", () => {
    expect(
      statuses("sg-world-ingress", [rule("udp", 5432, 5432, { cidrs: ["0.0.0.0/0"] }), rule("icmp", -1, -1, { cidrs: ["0.0.0.0/0"] })]),
    ).toEqual(["PASS"]);
  });

  it("judges the backend's real port, not the engine default", () => {
    expect(statuses("sg-world-ingress", [tcp(5432, { cidrs: ["0.0.0.0/0"] })], { port: 15432 })).toEqual(["PASS"]);
    expect(statuses("sg-world-ingress", [tcp(15432, { cidrs: ["0.0.0.0/0"] })], { port: 15432 })).toEqual(["FAIL 0.0.0.0/0 tcp 15432"]);
  });

  it("expands managed prefix lists and finds the world inside one", () => {
    const permissions = [tcp(5432, { prefixLists: ["pl-0123456789abcdef0"] })];
    expect(statuses("sg-world-ingress", permissions, { prefixLists: { "pl-0123456789abcdef0": ["10.20.1.0/24", "0.0.0.0/0"] } })).toEqual([
      "FAIL 0.0.0.0/0 tcp 5432",
    ]);
    expect(statuses("sg-world-ingress", permissions, { prefixLists: { "pl-0123456789abcdef0": ["10.20.1.0/24"] } })).toEqual(["PASS"]);
  });

  it("is an ERROR, never a PASS, when a prefix list's entries were not captured", () => {
    const results = verdicts("sg-world-ingress", cfg, estate([tcp(5432, { prefixLists: ["pl-0aaaaaaaaaaaaaaaa"] })]));
    expect(results.map((r) => r.status)).toEqual(["ERROR"]);
    expect(results[0]?.cause?.source).toBe("inv/ec2-get-managed-prefix-list-entries/pl-0aaaaaaaaaaaaaaaa.json");
  });

  it("is an ERROR when the security groups file is missing", () => {
    const inv = inventory(
      partition({ dbInstances: ok([dbInstance("queue-db")]), securityGroups: missing("inv/ec2-describe-security-groups.json") }),
    );
    expect(verdicts("sg-world-ingress", cfg, inv).map((r) => r.status)).toEqual(["ERROR"]);
  });

  it("does not report a group that guards nothing in scope", () => {
    const open = securityGroup("sg-0000000000000beef", [tcp(5432, { cidrs: ["0.0.0.0/0"] })]);
    const results = verdicts("sg-world-ingress", cfg, estate([], { extraGroups: [open] }));
    expect(results.map((r) => r.resource.id)).toEqual([DB_SG]);
  });
});

describe("sg-unapproved-cidr", () => {
  it("allows a /24 inside an approved /16 and fails one outside it", () => {
    expect(statuses("sg-unapproved-cidr", [tcp(5432, { cidrs: ["10.20.5.0/24"] })])).toEqual(["PASS"]);
    expect(statuses("sg-unapproved-cidr", [tcp(5432, { cidrs: ["10.21.5.0/24"] })])).toEqual(["FAIL 10.21.5.0/24 tcp 5432"]);
  });

  it("fails a block wider than the approved one that contains it", () => {
    expect(statuses("sg-unapproved-cidr", [tcp(5432, { cidrs: ["10.0.0.0/8"] })])).toEqual(["FAIL 10.0.0.0/8 tcp 5432"]);
  });

  it("handles IPv6 containment", () => {
    expect(statuses("sg-unapproved-cidr", [tcp(5432, { cidrs6: ["2001:db8:1::/48"] })])).toEqual(["PASS"]);
    expect(statuses("sg-unapproved-cidr", [tcp(5432, { cidrs6: ["2001:db9::/48"] })])).toEqual(["FAIL 2001:db9::/48 tcp 5432"]);
  });

  it("leaves world CIDRs to sg-world-ingress, so one fault is reported once", () => {
    expect(statuses("sg-unapproved-cidr", [tcp(5432, { cidrs: ["0.0.0.0/0"] })])).toEqual(["PASS"]);
  });

  it("checks CIDRs that come from a prefix list", () => {
    expect(
      statuses("sg-unapproved-cidr", [tcp(5432, { prefixLists: ["pl-0123456789abcdef0"] })], {
        prefixLists: { "pl-0123456789abcdef0": ["198.51.100.0/24"] },
      }),
    ).toEqual(["FAIL 198.51.100.0/24 tcp 5432"]);
  });

  it("ignores CIDRs on rules that do not reach the port", () => {
    expect(
      statuses("sg-unapproved-cidr", [tcp(22, { cidrs: ["198.51.100.0/24"] }), rule("udp", 5432, 5432, { cidrs: ["198.51.100.0/24"] })]),
    ).toEqual(["PASS"]);
  });
});

describe("sg-unapproved-source-group", () => {
  it("allows an approved group and the group itself", () => {
    expect(statuses("sg-unapproved-source-group", [tcp(5432, { groups: [WORKERS, DB_SG] })])).toEqual(["PASS"]);
  });

  it("fails an unapproved group", () => {
    expect(statuses("sg-unapproved-source-group", [tcp(5432, { groups: ["sg-00000000000000b02"] })])).toEqual([
      "FAIL sg-00000000000000b02 tcp 5432",
    ]);
  });

  it("fails another account's group and names the account", () => {
    const results = verdicts(
      "sg-unapproved-source-group",
      cfg,
      estate([tcp(5432, { groups: [{ GroupId: "sg-00000000000000c03", UserId: "999988887777" }] })]),
    );
    expect(results.map((r) => [r.status, r.subject])).toEqual([["FAIL", "999988887777/sg-00000000000000c03 tcp 5432"]]);
    expect(results[0]?.evidence.otherAccount).toBe(true);
  });

  it("approves the probe's own security groups (deploy.probeSecurityGroupIds), saying why; an unlisted look-alike still fails", () => {
    const PROBE = "sg-00000000000000e09";
    const withProbe = config({
      targets: { rds: ["queue-db"] },
      network: { allowedSecurityGroups: [WORKERS] },
      deploy: { probeSecurityGroupIds: [PROBE] },
    });
    const [approved] = verdicts("sg-unapproved-source-group", withProbe, estate([tcp(5432, { groups: [PROBE, WORKERS] })]));
    expect(approved?.status).toBe("PASS");
    expect(approved?.message).toContain(`(${PROBE}: the auditor's probe)`);
    expect(approved?.evidence.approvedSources).toEqual([
      {
        group: PROBE,
        reason: "listed in deploy.probeSecurityGroupIds: the auditor's own probe, which connects to the backend to audit it",
      },
      { group: WORKERS, reason: "listed in network.allowedSecurityGroups" },
    ]);
    // Without the deploy key the same rule is a violation.
    expect(statuses("sg-unapproved-source-group", [tcp(5432, { groups: [PROBE] })])).toEqual([`FAIL ${PROBE} tcp 5432`]);
    const lookAlike = verdicts("sg-unapproved-source-group", withProbe, estate([tcp(5432, { groups: ["sg-00000000000000e08"] })]));
    expect(lookAlike.map((r) => r.status)).toEqual(["FAIL"]);
  });

  it("approves a probe placement's security groups (deploy.probes[].securityGroupIds), naming the placement", () => {
    const PLACED = "sg-00000000000000e07";
    const withPlacement = config({
      targets: { rds: ["queue-db"] },
      network: { allowedSecurityGroups: [WORKERS] },
      deploy: {
        probes: [
          {
            account: "111122223333",
            region: "eu-west-1",
            vpc: { id: "vpc-0a1b2c3d4e5f60001", subnetIds: ["subnet-0a1b2c3d4e5f60001"] },
            securityGroupIds: [PLACED],
          },
        ],
      },
    });
    const [approved] = verdicts("sg-unapproved-source-group", withPlacement, estate([tcp(5432, { groups: [PLACED] })]));
    expect(approved?.status).toBe("PASS");
    expect(approved?.message).toContain(`(${PLACED}: the auditor's probe)`);
    expect(approved?.evidence.approvedSources).toEqual([
      {
        group: PLACED,
        reason: "listed in deploy.probes[0].securityGroupIds: the auditor's own probe, which connects to the backend to audit it",
      },
    ]);
    expect(statuses("sg-unapproved-source-group", [tcp(5432, { groups: [PLACED] })])).toEqual([`FAIL ${PLACED} tcp 5432`]);
  });

  it("does not take another account's group with the same id as a self-reference", () => {
    const results = verdicts(
      "sg-unapproved-source-group",
      cfg,
      estate([tcp(5432, { groups: [{ GroupId: DB_SG, UserId: "999988887777" }] })]),
    );
    expect(results.map((r) => r.status)).toEqual(["FAIL"]);
  });
});

describe("sg-all-traffic", () => {
  it("fails an all-traffic rule from another source, whatever the port", () => {
    expect(statuses("sg-all-traffic", [rule("-1", undefined, undefined, { groups: [WORKERS] })], { port: 6379 })).toEqual([
      `FAIL ${WORKERS} all`,
    ]);
  });

  it("allows an all-traffic self-reference", () => {
    expect(statuses("sg-all-traffic", [rule("-1", undefined, undefined, { groups: [DB_SG] })])).toEqual(["PASS"]);
  });

  it("passes TCP-only rules", () => {
    expect(statuses("sg-all-traffic", [tcp(5432, { cidrs: ["0.0.0.0/0"] })])).toEqual(["PASS"]);
  });
});

describe("scope", () => {
  it("reports every attached group and nothing else, with the account and region", () => {
    const second = securityGroup("sg-0000000000000db02", [tcp(5432, { cidrs: ["0.0.0.0/0"] })]);
    const inv = inventory(
      partition({
        dbInstances: ok([
          dbInstance("queue-db", { VpcSecurityGroups: [{ VpcSecurityGroupId: DB_SG }, { VpcSecurityGroupId: "sg-0000000000000db02" }] }),
          dbInstance("other-db", { VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-0000000000000db03" }] }),
        ]),
        securityGroups: ok([
          securityGroup(DB_SG, []),
          second,
          securityGroup("sg-0000000000000db03", [tcp(5432, { cidrs: ["0.0.0.0/0"] })]),
        ]),
      }),
    );
    const results = verdicts("sg-world-ingress", cfg, inv);
    expect(results.map((r) => [r.resource.id, r.status])).toEqual([
      [DB_SG, "PASS"],
      ["sg-0000000000000db02", "FAIL"],
    ]);
    expect(results[1]?.resource).toMatchObject({ account: ACCOUNT, region: "eu-west-1", type: "AWS::EC2::SecurityGroup" });
  });
});

describe("cidrWithin", () => {
  it.each([
    ["10.20.5.0/24", "10.20.0.0/16", true],
    ["10.20.0.0/16", "10.20.0.0/16", true],
    ["10.0.0.0/8", "10.20.0.0/16", false],
    ["10.20.5.7/32", "10.20.0.0/16", true],
    ["2001:db8:1::/48", "2001:db8::/32", true],
    ["10.20.5.0/24", "2001:db8::/32", false],
  ])("%s within %s is %s", (inner, outer, expected) => {
    expect(cidrWithin(inner, outer)).toBe(expected);
  });
});
