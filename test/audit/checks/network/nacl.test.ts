/**
 * net-nacl-open on in-memory network ACLs: how entries are read (order, direction,
 * protocol spellings, missing CIDRs and port ranges), what a FAIL says and counts, what a
 * PASS says, and the return-traffic information.
 */
import { describe, expect, it } from "vitest";
import { decidingRule, describeNaclRule, returnTraffic } from "../../../../lib/audit/checks/network/nacl.js";
import { config, dbInstance, inventory, ok, PRIVATE_SUBNETS, partition, securityGroup, tcp, verdicts } from "../../../support/builders.js";

const ACL = "acl-00000000000000a01";
const DB_SG = "sg-0000000000000db01";
const VPC = "vpc-0a1b2c3d4e5f60001";

type Entry = Record<string, unknown>;
const inbound = (n: number, action: "allow" | "deny", cidr: string, protocol = "6", ports?: [number, number]): Entry => ({
  RuleNumber: n,
  RuleAction: action,
  Protocol: protocol,
  Egress: false,
  [cidr.includes(":") ? "Ipv6CidrBlock" : "CidrBlock"]: cidr,
  ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
});
const outbound = (n: number, action: "allow" | "deny", cidr: string, protocol = "6", ports?: [number, number]): Entry => ({
  ...inbound(n, action, cidr, protocol, ports),
  Egress: true,
});
const DENY_REST = [inbound(32767, "deny", "0.0.0.0/0", "-1"), outbound(32767, "deny", "0.0.0.0/0", "-1")];

const networkAcl = (entries: Entry[]) => ({
  NetworkAclId: ACL,
  VpcId: VPC,
  IsDefault: false,
  Associations: PRIVATE_SUBNETS.map((SubnetId) => ({ NetworkAclAssociationId: `aclassoc-${SubnetId}`, NetworkAclId: ACL, SubnetId })),
  Entries: entries,
});

const PUBLIC_TABLE = {
  RouteTableId: "rtb-00000000000000a01",
  VpcId: VPC,
  Associations: [{ Main: true, RouteTableAssociationId: "rtbassoc-00000000000000a01", RouteTableId: "rtb-00000000000000a01" }],
  Routes: [
    { DestinationCidrBlock: "10.20.0.0/16", GatewayId: "local", State: "active" },
    { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-0a1b2c3d4e5f60001", State: "active" },
  ],
};

const cfg = config({ targets: { rds: ["queue-db"] }, network: { allowedCidrs: ["10.20.0.0/16", "2001:db8::/32"] } });

/** queue-db (5432) in the builders' private subnets, whose one network ACL has exactly `entries`. */
function estate(entries: Entry[], opts: { public?: boolean; instances?: unknown[] } = {}) {
  return inventory(
    partition({
      dbInstances: ok(opts.instances ?? [dbInstance("queue-db")]),
      securityGroups: ok([securityGroup(DB_SG, [tcp(5432, { cidrs: ["10.20.0.0/16"] })])]),
      networkAcls: ok([networkAcl(entries)]),
      ...(opts.public ? { routeTables: ok([PUBLIC_TABLE]) } : {}),
    }),
  );
}

const judge = (entries: Entry[], opts?: Parameters<typeof estate>[1], c = cfg) => verdicts("net-nacl-open", c, estate(entries, opts));
const said = (entries: Entry[], opts?: Parameters<typeof estate>[1]) =>
  judge(entries, opts).map((r) => `${r.status}${r.severity ? ` ${r.severity}` : ""}${r.subject ? ` ${r.subject}` : ""}`);

describe("net-nacl-open reads the entries as AWS does", () => {
  it("takes the lowest rule number first, whatever order the export lists the entries in", () => {
    const [r] = judge([inbound(100, "allow", "0.0.0.0/0", "-1"), inbound(90, "deny", "0.0.0.0/0", "6", [5432, 5432]), ...DENY_REST]);
    expect(r?.status).toBe("PASS");
    expect(r?.message).toBe(`${ACL} admits port 5432 of queue-db only from network.allowedCidrs (no entry admits them at all).`);
    expect(r?.evidence.allowingRules).toEqual([]);
  });

  it("counts an entry without an Egress flag as inbound, and an outbound entry never as inbound", () => {
    const { Egress: _, ...bare } = inbound(100, "allow", "0.0.0.0/0", "-1");
    expect(said([bare, ...DENY_REST])).toEqual(["FAIL rule 100 0.0.0.0/0 tcp 5432"]);
    expect(said([outbound(100, "allow", "0.0.0.0/0", "-1"), ...DENY_REST])).toEqual(["PASS"]);
  });

  it("reads the protocol as hand-made exports spell it: tcp and all in any case; udp never carries TCP", () => {
    const [spelled] = judge([inbound(100, "allow", "0.0.0.0/0", "TCP", [5432, 5432]), ...DENY_REST]);
    expect(spelled?.subject).toBe("rule 100 0.0.0.0/0 tcp 5432");
    expect(spelled?.message).toContain(`${ACL} rule 100 allows protocol TCP 5432 from 0.0.0.0/0, which admits the internet`);
    expect(said([inbound(100, "allow", "0.0.0.0/0", "All"), ...DENY_REST])).toEqual(["FAIL rule 100 0.0.0.0/0 tcp 5432"]);
    expect(said([inbound(100, "allow", "0.0.0.0/0", "udp", [5432, 5432]), ...DENY_REST])).toEqual(["PASS"]);
  });

  it("takes a TCP entry without a complete port range as covering every port", () => {
    const [r] = judge([inbound(100, "allow", "198.51.100.0/24"), ...DENY_REST]);
    expect(r?.subject).toBe("rule 100 198.51.100.0/24 tcp 5432");
    expect(r?.message).toBe(
      `${ACL} rule 100 allows tcp from 198.51.100.0/24, which admits 198.51.100.0/24, outside network.allowedCidrs, to port 5432 of queue-db: deny it before rule 100, or narrow the rule.`,
    );
    expect(r?.evidence).not.toHaveProperty("portRange");
    const half = { ...inbound(100, "allow", "198.51.100.0/24"), PortRange: { To: 5000 } };
    expect(said([half, ...DENY_REST])).toEqual(["FAIL rule 100 198.51.100.0/24 tcp 5432"]);
    const fromOnly = { ...inbound(100, "allow", "198.51.100.0/24"), PortRange: { From: 6000 } };
    expect(said([fromOnly, ...DENY_REST])).toEqual(["FAIL rule 100 198.51.100.0/24 tcp 5432"]);
  });

  it("judges the port range at both ends", () => {
    expect(said([inbound(100, "allow", "0.0.0.0/0", "6", [5432, 6000]), ...DENY_REST])).toEqual(["FAIL rule 100 0.0.0.0/0 tcp 5432"]);
    expect(said([inbound(100, "allow", "0.0.0.0/0", "6", [5000, 5432]), ...DENY_REST])).toEqual(["FAIL rule 100 0.0.0.0/0 tcp 5432"]);
    expect(said([inbound(100, "allow", "0.0.0.0/0", "6", [5433, 6000]), ...DENY_REST])).toEqual(["PASS"]);
    expect(said([inbound(100, "allow", "0.0.0.0/0", "6", [5000, 5431]), ...DENY_REST])).toEqual(["PASS"]);
  });

  it("skips an entry without a CIDR: it decides nothing, and the next entry still does", () => {
    const { CidrBlock: _, ...noCidr } = inbound(90, "deny", "0.0.0.0/0", "-1");
    expect(said([noCidr, inbound(100, "allow", "0.0.0.0/0", "-1"), ...DENY_REST])).toEqual(["FAIL rule 100 0.0.0.0/0 tcp 5432"]);
    const { CidrBlock: __, ...noCidrAllow } = inbound(90, "allow", "0.0.0.0/0", "-1");
    expect(said([noCidrAllow, ...DENY_REST])).toEqual(["PASS"]);
  });

  it("an allow that an earlier entry shadowed entirely admits nothing, even when it is not the same range", () => {
    expect(
      said([inbound(90, "deny", "0.0.0.0/0", "-1"), inbound(100, "allow", "198.51.100.0/24", "6", [5432, 5432]), ...DENY_REST]),
    ).toEqual(["PASS"]);
  });
});

describe("what a net-nacl-open FAIL says and counts", () => {
  it("names the internet for a world entry, with the rule as AWS shows it and every inbound rule number", () => {
    const [r] = judge([inbound(90, "deny", "203.0.113.0/24", "6", [22, 22]), inbound(100, "allow", "0.0.0.0/0", "-1"), ...DENY_REST]);
    expect(r?.message).toBe(
      `${ACL} rule 100 allows all traffic from 0.0.0.0/0, which admits the internet to port 5432 of queue-db: deny it before rule 100, or narrow the rule.`,
    );
    expect(r?.severity).toBeUndefined(); // medium: the subnets are private
    expect(r?.evidence).toMatchObject({
      networkAclId: ACL,
      ruleNumber: 100,
      cidr: "0.0.0.0/0",
      protocol: "-1",
      port: 5432,
      addressesOutsideApproved: String(2 ** 32 - 65536),
      backends: ["queue-db"],
      subnets: PRIVATE_SUBNETS,
      approvedCidrs: ["10.20.0.0/16"],
      inboundRuleNumbers: [90, 100, 32767],
    });
    expect(r?.evidence).not.toHaveProperty("portRange");
  });

  it("says all traffic, without ports, for an all-protocol entry that carries a port range", () => {
    const [r] = judge([{ ...inbound(100, "allow", "0.0.0.0/0", "-1"), PortRange: { From: 0, To: 65535 } }, ...DENY_REST]);
    expect(r?.message).toBe(
      `${ACL} rule 100 allows all traffic from 0.0.0.0/0, which admits the internet to port 5432 of queue-db: deny it before rule 100, or narrow the rule.`,
    );
  });

  it("gives the port range of a TCP entry, and counts a single address as one", () => {
    const [r] = judge([inbound(120, "allow", "198.51.100.7/32", "6", [1024, 65535]), ...DENY_REST]);
    expect(r?.message).toBe(
      `${ACL} rule 120 allows tcp 1024-65535 from 198.51.100.7/32, which admits 198.51.100.7/32, outside network.allowedCidrs, to port 5432 of queue-db: deny it before rule 120, or narrow the rule.`,
    );
    expect(r?.evidence.portRange).toEqual({ from: 1024, to: 65535 });
    expect(r?.evidence.addressesOutsideApproved).toBe("1");
  });

  it("counts IPv6 against the approved IPv6 ranges only, and names only those", () => {
    const [r] = judge([inbound(100, "allow", "::/0", "6", [5432, 5432]), ...DENY_REST]);
    expect(r?.subject).toBe("rule 100 ::/0 tcp 5432");
    expect(r?.message).toContain("rule 100 allows tcp 5432 from ::/0, which admits the internet");
    expect(r?.evidence.addressesOutsideApproved).toBe(String(2n ** 128n - 2n ** 96n));
    expect(r?.evidence.approvedCidrs).toEqual(["2001:db8::/32"]);
  });

  it("is high only for the world admitted into a public subnet, not for a narrower range there", () => {
    expect(said([inbound(100, "allow", "198.51.100.0/24", "-1"), ...DENY_REST], { public: true })).toEqual([
      "FAIL rule 100 198.51.100.0/24 tcp 5432",
    ]);
    expect(said([inbound(100, "allow", "0.0.0.0/0", "-1"), ...DENY_REST], { public: true })).toEqual([
      "FAIL high rule 100 0.0.0.0/0 tcp 5432",
    ]);
  });

  it("judges each backend port on its own and names only the backends on that port", () => {
    const second = dbInstance("queue-db-2", { Endpoint: { Address: "queue-db-2.example", Port: 5433 } });
    const c = config({ targets: { rds: ["queue-db", "queue-db-2"] }, network: { allowedCidrs: ["10.20.0.0/16"] } });
    const instances = [second, dbInstance("queue-db")];
    const results = verdicts(
      "net-nacl-open",
      c,
      estate([inbound(100, "allow", "0.0.0.0/0", "6", [5433, 5433]), ...DENY_REST], { instances }),
    );
    expect(results).toHaveLength(1);
    const [r] = results;
    expect(r?.subject).toBe("rule 100 0.0.0.0/0 tcp 5433");
    expect(r?.evidence.backends).toEqual(["queue-db-2"]);
    expect(r?.message).toContain("to port 5433 of queue-db-2:");
    const [p] = verdicts(
      "net-nacl-open",
      c,
      estate([inbound(100, "allow", "10.20.0.0/16", "6", [5432, 5433]), ...DENY_REST], { instances }),
    );
    expect(p?.message).toBe(
      `${ACL} admits ports 5432, 5433 of queue-db-2, queue-db only from network.allowedCidrs (rule 100 allows tcp 5432-5433 from 10.20.0.0/16 (port 5432); rule 100 allows tcp 5432-5433 from 10.20.0.0/16 (port 5433)).`,
    );
    expect(p?.evidence).toMatchObject({ ports: [5432, 5433], backends: ["queue-db-2", "queue-db"], subnets: PRIVATE_SUBNETS });
  });

  it("is an ERROR for a backend whose port is not known, naming it", () => {
    const unknown = dbInstance("queue-db", { Endpoint: { Address: "queue-db.example" }, DbInstancePort: 0 });
    const results = judge([inbound(100, "allow", "0.0.0.0/0", "-1"), ...DENY_REST], { instances: [unknown] });
    expect(results.map((r) => [r.status, r.resource.id, r.subject])).toEqual([["ERROR", "queue-db", "port of queue-db"]]);
    expect(results[0]?.message).toBe(
      "Could not evaluate which network ACL entries reach queue-db: the endpoint port of queue-db is not in the inventory (queue-db).",
    );
    expect(results[0]?.cause).toMatchObject({ source: "queue-db", code: "PortUnknown" });
  });

  it("names every backend on the port in one FAIL", () => {
    const c = config({ targets: { rds: ["queue-db", "queue-db-2"] }, network: { allowedCidrs: ["10.20.0.0/16"] } });
    const instances = [dbInstance("queue-db"), dbInstance("queue-db-2")];
    const results = verdicts("net-nacl-open", c, estate([inbound(100, "allow", "0.0.0.0/0", "-1"), ...DENY_REST], { instances }));
    expect(results.map((r) => r.message)).toEqual([
      `${ACL} rule 100 allows all traffic from 0.0.0.0/0, which admits the internet to port 5432 of queue-db, queue-db-2: deny it before rule 100, or narrow the rule.`,
    ]);
  });

  it("names a network ACL the export gives no id as (unnamed)", () => {
    const { NetworkAclId: _, ...unnamed } = networkAcl([inbound(100, "allow", "10.20.0.0/16", "6", [5432, 5432]), ...DENY_REST]);
    const inv = inventory(partition({ dbInstances: ok([dbInstance("queue-db")]), networkAcls: ok([unnamed]) }));
    const [r] = verdicts("net-nacl-open", cfg, inv);
    expect([r?.status, r?.resource.id]).toEqual(["PASS", "(unnamed)"]);
    expect(r?.message).toBe(
      "(unnamed) admits port 5432 of queue-db only from network.allowedCidrs (rule 100 allows tcp 5432 from 10.20.0.0/16 (port 5432)).",
    );
  });
});

describe("the return traffic a net-nacl-open PASS reports", () => {
  const allowVpc = inbound(100, "allow", "10.20.0.0/16", "6", [5432, 5432]);
  const replies = (out: Entry[]) => judge([allowVpc, ...out, ...DENY_REST])[0]?.evidence.returnTraffic as string[] | undefined;

  it("names each outbound rule that lets the replies out, once", () => {
    expect(replies([outbound(100, "allow", "10.20.0.0/16", "6", [1024, 65535])])).toEqual([
      "replies to 10.20.0.0/16 leave by outbound rule 100",
      "replies to 2001:db8::/32 on some ephemeral ports are denied (no outbound rule): its clients may not complete a connection",
    ]);
    expect(
      replies([
        outbound(100, "allow", "10.20.0.0/16", "6", [1024, 32768]),
        outbound(110, "allow", "10.20.0.0/16", "6", [32769, 65535]),
      ])?.[0],
    ).toBe("replies to 10.20.0.0/16 leave by outbound rule 100, 110");
  });

  it("names the outbound rule that denies part of the ephemeral range", () => {
    expect(replies([outbound(100, "allow", "10.20.0.0/16", "6", [1024, 32767])])?.[0]).toBe(
      "replies to 10.20.0.0/16 on some ephemeral ports are denied (outbound rule 32767): its clients may not complete a connection",
    );
    expect(replies([outbound(100, "allow", "10.20.0.0/16", "6", [32768, 65535])])?.[0]).toBe(
      "replies to 10.20.0.0/16 on some ephemeral ports are denied (outbound rule 32767): its clients may not complete a connection",
    );
    expect(replies([outbound(100, "allow", "10.20.0.0/16", "6", [1024, 65534])])?.[0]).toContain("are denied (outbound rule 32767)");
  });

  it("does not let an outbound entry of the other address family or a disjoint range carry the replies", () => {
    expect(replies([outbound(100, "allow", "::/0", "-1"), outbound(110, "allow", "192.168.0.0/16", "-1")])?.[0]).toBe(
      "replies to 10.20.0.0/16 on some ephemeral ports are denied (outbound rule 32767): its clients may not complete a connection",
    );
    expect(replies([outbound(100, "allow", "::/0", "-1")])?.[1]).toBe("replies to 2001:db8::/32 leave by outbound rule 100");
  });

  it("does not let a UDP entry carry the replies, and skips an outbound entry without a CIDR", () => {
    const { CidrBlock: _, ...noCidr } = outbound(90, "deny", "0.0.0.0/0", "-1");
    expect(replies([noCidr, outbound(100, "allow", "10.20.0.0/16", "17", [1024, 65535])])?.[0]).toBe(
      "replies to 10.20.0.0/16 on some ephemeral ports are denied (outbound rule 32767): its clients may not complete a connection",
    );
    expect(replies([noCidr, outbound(100, "allow", "10.20.0.0/16", "-1")])?.[0]).toBe("replies to 10.20.0.0/16 leave by outbound rule 100");
  });
});

describe("what the network ACL reading tells the reachability sentence", () => {
  const acl = networkAcl([inbound(90, "deny", "198.51.100.0/24"), inbound(100, "allow", "0.0.0.0/0"), ...DENY_REST]);

  it("the entry that denies a range, described as a deny", () => {
    const rule = decidingRule(acl, 5432, "198.51.100.7/32");
    expect(rule).toStrictEqual({ ruleNumber: 90, action: "deny", cidr: "198.51.100.0/24", protocol: "6" });
    expect(rule && describeNaclRule(rule)).toBe("rule 90 denies tcp from 198.51.100.0/24");
  });

  it("return traffic to what is not a CIDR is unknown, not guessed", () => {
    expect(returnTraffic(acl, "queue-db.example")).toBe("unknown (queue-db.example is not a CIDR)");
  });
});
