/**
 * The network path on in-memory estates: every kind of route target as the evidence and
 * net-foreign-route name it, which route table and network ACL a subnet uses, the ERRORs for
 * what is not in the data, the reachability sentence layer by layer, net-public-subnet's
 * message and evidence, and the probe's own evidence of a path.
 */
import { describe, expect, it } from "vitest";
import { netPublicSubnet } from "../../../../lib/audit/checks/network/net-public-subnet.js";
import { type BackendPath, backendPaths, classifyRoute } from "../../../../lib/audit/checks/network/path.js";
import { probePath } from "../../../../lib/audit/checks/network/probe-path.js";
import { publicAddress, reachabilitySentence } from "../../../../lib/audit/checks/network/reachability.js";
import type { Observations } from "../../../../lib/audit/checks/types.js";
import type { InventoryPartition } from "../../../../lib/audit/inventory/types.js";
import {
  ACCOUNT,
  config,
  context,
  dbInstance,
  dbSubnetGroup,
  inventory,
  ok,
  PRIVATE_SUBNETS,
  partition,
  privateNetwork,
  securityGroup,
  tcp,
  verdicts,
} from "../../../support/builders.js";

const VPC = "vpc-0a1b2c3d4e5f60001";
const [SUBNET_A, SUBNET_B] = PRIVATE_SUBNETS as [string, string];
const DB_SG = "sg-0000000000000db01";
const ACL = "acl-00000000000000a01";
const ACL_B = "acl-00000000000000b02";

type Route = Record<string, string>;
const LOCAL: Route = { DestinationCidrBlock: "10.20.0.0/16", GatewayId: "local", State: "active" };
const NAT: Route = { DestinationCidrBlock: "0.0.0.0/0", NatGatewayId: "nat-00000000000000a01", State: "active" };
const IGW: Route = { DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-00000000000000a01", State: "active" };

function table(id: string, routes: Route[], assoc: { main?: boolean; subnets?: string[] } = { main: true }) {
  return {
    RouteTableId: id,
    VpcId: VPC,
    Associations: [
      ...(assoc.main ? [{ Main: true, RouteTableAssociationId: `rtbassoc-${id}`, RouteTableId: id }] : []),
      ...(assoc.subnets ?? []).map((SubnetId) => ({
        Main: false,
        RouteTableAssociationId: `rtbassoc-${SubnetId}`,
        RouteTableId: id,
        SubnetId,
      })),
    ],
    Routes: [LOCAL, ...routes],
  };
}

type Entry = Record<string, unknown>;
const allow = (n: number, cidr: string): Entry => ({
  RuleNumber: n,
  RuleAction: "allow",
  Protocol: "-1",
  Egress: false,
  [cidr.includes(":") ? "Ipv6CidrBlock" : "CidrBlock"]: cidr,
});
const deny = (n: number, cidr: string): Entry => ({ ...allow(n, cidr), RuleAction: "deny" });

function acl(entries: Entry[], subnets = PRIVATE_SUBNETS, id = ACL) {
  return {
    NetworkAclId: id,
    VpcId: VPC,
    IsDefault: false,
    Associations: subnets.map((SubnetId) => ({ NetworkAclAssociationId: `aclassoc-${SubnetId}`, NetworkAclId: id, SubnetId })),
    Entries: entries,
  };
}

interface Estate {
  tables?: unknown[];
  acls?: unknown[];
  sg?: unknown[];
  instances?: unknown[];
  parts?: Record<string, unknown>;
}

/** queue-db (PostgreSQL, 5432) in the builders' two private subnets, behind DB_SG; by default a NACL admitting 10.20.0.0/16. */
function estate(e: Estate = {}) {
  return inventory(
    partition({
      dbInstances: ok(e.instances ?? [dbInstance("queue-db")]),
      securityGroups: ok([securityGroup(DB_SG, e.sg ?? [tcp(5432, { cidrs: ["10.20.0.0/16"] })])]),
      routeTables: ok(e.tables ?? [table("rtb-main", [NAT])]),
      networkAcls: ok(e.acls ?? [acl([allow(100, "10.20.0.0/16")])]),
      ...e.parts,
    }),
  );
}

/** The Aurora cluster `queue-cluster` in the private subnet group, listing `members`. */
const queueCluster = (members: string[] = ["queue-1"]) => ({
  DBClusterIdentifier: "queue-cluster",
  DBClusterArn: "arn:aws:rds:eu-west-1:111122223333:cluster:queue-cluster",
  Engine: "aurora-postgresql",
  Port: 5432,
  DBSubnetGroup: "queue-private",
  DBClusterMembers: members.map((DBInstanceIdentifier) => ({ DBInstanceIdentifier, IsClusterWriter: true })),
  VpcSecurityGroups: [{ VpcSecurityGroupId: DB_SG, Status: "active" }],
});

const cfg = config({ targets: { rds: ["queue-db", "queue-db-2"] }, network: { allowedCidrs: ["10.20.0.0/16", "2001:db8::/32"] } });
const judge = (checkId: string, e: Estate = {}, c = cfg) => verdicts(checkId, c, estate(e));
const reach = (e: Estate) => judge("net-public-subnet", e)[0]?.evidence.reachability;

/** A route table holding one route to every kind of target AWS has. */
const EVERY_KIND: Route[] = [
  NAT,
  { DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: "eigw-00000000000000a01", State: "active" },
  { DestinationCidrBlock: "10.30.0.0/16", TransitGatewayId: "tgw-00000000000000a01", State: "active" },
  { DestinationCidrBlock: "10.40.0.0/16", VpcPeeringConnectionId: "pcx-00000000000000a01", State: "active" },
  { DestinationCidrBlock: "10.50.0.0/16", GatewayId: "vgw-00000000000000a01", State: "active", Origin: "EnableVgwRoutePropagation" },
  { DestinationCidrBlock: "10.60.0.0/16", CoreNetworkArn: "arn:aws:networkmanager::111122223333:core-network/core-network-0a1" },
  { DestinationCidrBlock: "10.70.0.0/16", LocalGatewayId: "lgw-00000000000000a01", State: "active" },
  { DestinationCidrBlock: "10.80.0.0/16", NetworkInterfaceId: "eni-00000000000000a01", State: "active" },
  { DestinationCidrBlock: "10.90.0.0/16", InstanceId: "i-00000000000000a01", State: "active" },
  { DestinationCidrBlock: "10.100.0.0/16", CarrierGatewayId: "cagw-00000000000000a01", State: "active" },
  { DestinationCidrBlock: "10.110.0.0/16", GatewayId: "igw-00000000000000a01", State: "active" },
  { DestinationPrefixListId: "pl-00000000000000a01", TransitGatewayId: "tgw-00000000000000a01", State: "active" },
  { DestinationCidrBlock: "10.120.0.0/16", GatewayId: "igw-00000000000000a01", State: "blackhole" },
  { DestinationCidrBlock: "10.130.0.0/16", GatewayId: "gw-00000000000000a01", State: "active" },
  { Origin: "CreateRoute" },
];

describe("route targets", () => {
  it("tells every kind of target apart in the subnet evidence", () => {
    const [r] = judge("net-public-subnet", { tables: [table("rtb-main", EVERY_KIND)] });
    expect(r?.status).toBe("PASS");
    expect((r?.evidence.subnets as { routes: string[] }[] | undefined)?.[0]?.routes).toEqual([
      "10.20.0.0/16 -> local (local)",
      "0.0.0.0/0 -> nat-00000000000000a01 (nat)",
      "::/0 -> eigw-00000000000000a01 (egress-only-internet)",
      "10.30.0.0/16 -> tgw-00000000000000a01 (transit-gateway)",
      "10.40.0.0/16 -> pcx-00000000000000a01 (peering)",
      "10.50.0.0/16 -> vgw-00000000000000a01 (vpn-gateway)",
      "10.60.0.0/16 -> arn:aws:networkmanager::111122223333:core-network/core-network-0a1 (core-network)",
      "10.70.0.0/16 -> lgw-00000000000000a01 (local-gateway)",
      "10.80.0.0/16 -> eni-00000000000000a01 (network-interface)",
      "10.90.0.0/16 -> i-00000000000000a01 (network-interface)",
      "10.100.0.0/16 -> cagw-00000000000000a01 (internet)",
      "10.110.0.0/16 -> igw-00000000000000a01 (internet)",
      "pl-00000000000000a01 -> tgw-00000000000000a01 (transit-gateway)",
      "10.120.0.0/16 -> igw-00000000000000a01 (internet, blackhole)",
      "10.130.0.0/16 -> gw-00000000000000a01 (other)",
      "(unknown) -> (none) (other)",
    ]);
  });

  it("net-foreign-route reports the routes to other networks, each with its kind, and nothing local, NAT'd, to an interface or gone", () => {
    const results = judge("net-foreign-route", { tables: [table("rtb-main", EVERY_KIND)] });
    expect(results.map((r) => r.subject)).toEqual([
      "10.30.0.0/16 via tgw-00000000000000a01",
      "10.40.0.0/16 via pcx-00000000000000a01",
      "10.50.0.0/16 via vgw-00000000000000a01",
      "10.60.0.0/16 via arn:aws:networkmanager::111122223333:core-network/core-network-0a1",
      "10.70.0.0/16 via lgw-00000000000000a01",
      "10.100.0.0/16 via cagw-00000000000000a01",
      "10.110.0.0/16 via igw-00000000000000a01",
      "pl-00000000000000a01 via tgw-00000000000000a01",
    ]);
    const says = (i: number) => results[i]?.message.split(", outside")[0];
    expect(says(0)).toBe("rtb-main routes 10.30.0.0/16 to transit gateway tgw-00000000000000a01");
    expect(says(1)).toBe("rtb-main routes 10.40.0.0/16 to VPC peering connection pcx-00000000000000a01");
    expect(says(2)).toBe("rtb-main routes 10.50.0.0/16 to VPN gateway vgw-00000000000000a01 (propagated)");
    expect(says(3)).toBe(
      "rtb-main routes 10.60.0.0/16 to Cloud WAN core network arn:aws:networkmanager::111122223333:core-network/core-network-0a1",
    );
    expect(says(4)).toBe("rtb-main routes 10.70.0.0/16 to Outposts local gateway lgw-00000000000000a01");
    expect(says(5)).toBe("rtb-main routes 10.100.0.0/16 to internet gateway cagw-00000000000000a01");
    expect(results[0]?.message).toBe(
      "rtb-main routes 10.30.0.0/16 to transit gateway tgw-00000000000000a01, outside network.allowedCidrs: queue-db may be reachable from there if the other side routes back and the security groups and network ACLs admit it.",
    );
    expect(results[0]?.evidence).toStrictEqual({
      routeTable: "rtb-main",
      destination: "10.30.0.0/16",
      target: "tgw-00000000000000a01",
      targetKind: "transit-gateway",
      backends: ["queue-db"],
      subnets: PRIVATE_SUBNETS,
    });
    expect(results[2]?.evidence.origin).toBe("EnableVgwRoutePropagation");
    expect(results[0]?.resource).toEqual({ type: "AWS::EC2::RouteTable", id: "rtb-main", account: ACCOUNT, region: "eu-west-1" });
  });

  it("a carrier gateway's default route makes the subnet public, like an internet gateway's", () => {
    const carrier = { DestinationCidrBlock: "0.0.0.0/0", CarrierGatewayId: "cagw-00000000000000a01", State: "active" };
    const [r] = judge("net-public-subnet", { tables: [table("rtb-main", [carrier])] });
    expect(r?.status).toBe("FAIL");
    expect(r?.evidence.internetRoutes).toEqual(["rtb-main sends 0.0.0.0/0 to cagw-00000000000000a01"]);
  });

  it("a default route to an internet gateway is the public-subnet check's, not a foreign route; a blackhole carries nothing", () => {
    const v6 = { DestinationIpv6CidrBlock: "::/0", GatewayId: "igw-00000000000000a01", State: "active" };
    const gone = { DestinationCidrBlock: "10.30.0.0/16", TransitGatewayId: "tgw-00000000000000a01", State: "blackhole" };
    const [r] = judge("net-foreign-route", { tables: [table("rtb-main", [IGW, v6, gone])] });
    expect(r?.status).toBe("PASS");
    expect(r?.message).toBe(`rtb-main (subnets ${SUBNET_A}, ${SUBNET_B} of queue-db) routes to no network outside network.allowedCidrs.`);
    expect(r?.evidence).toStrictEqual({
      routes: [
        "10.20.0.0/16 -> local (local)",
        "0.0.0.0/0 -> igw-00000000000000a01 (internet)",
        "::/0 -> igw-00000000000000a01 (internet)",
        "10.30.0.0/16 -> tgw-00000000000000a01 (transit-gateway)",
      ],
      backends: ["queue-db"],
      subnets: PRIVATE_SUBNETS,
    });
  });

  it("net-foreign-route names a route table the export gives no id or routes as (unnamed), with every subnet and backend it serves", () => {
    const { RouteTableId: _, Routes: __, ...bare } = table("rtb-main", [], { subnets: [SUBNET_A, SUBNET_B] });
    const [r] = judge("net-foreign-route", { tables: [bare], instances: [dbInstance("queue-db"), dbInstance("queue-db-2")] });
    expect([r?.status, r?.resource.id]).toEqual(["PASS", "(unnamed)"]);
    expect(r?.message).toBe(
      `(unnamed) (subnets ${SUBNET_A}, ${SUBNET_B} of queue-db, queue-db-2) routes to no network outside network.allowedCidrs.`,
    );
    expect(r?.evidence).toStrictEqual({ routes: [], backends: ["queue-db", "queue-db-2"], subnets: [SUBNET_A, SUBNET_B] });
  });

  it("net-foreign-route names every backend a table serves once, and each route once", () => {
    const peering = { DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: "pcx-00000000000000a01", State: "active" };
    const instances = [dbInstance("queue-db"), dbInstance("queue-db-2", { DBSubnetGroup: dbSubnetGroup([SUBNET_B]) })];
    const results = judge("net-foreign-route", { tables: [table("rtb-main", [peering])], instances });
    expect(results.map((r) => r.subject)).toEqual(["172.31.0.0/16 via pcx-00000000000000a01"]);
    expect(results[0]?.message).toContain(": queue-db, queue-db-2 may be reachable from there");
    expect(results[0]?.evidence.backends).toEqual(["queue-db", "queue-db-2"]);
    expect(results[0]?.evidence.subnets).toEqual(PRIVATE_SUBNETS);
  });

  it("each route table is judged on its own", () => {
    const peering = { DestinationCidrBlock: "172.31.0.0/16", VpcPeeringConnectionId: "pcx-00000000000000a01", State: "active" };
    const tables = [table("rtb-main", [NAT]), table("rtb-b", [peering], { subnets: [SUBNET_B] })];
    const results = judge("net-foreign-route", { tables });
    expect(results.map((r) => [r.status, r.resource.id, r.evidence.subnets])).toEqual([
      ["PASS", "rtb-main", [SUBNET_A]],
      ["FAIL", "rtb-b", [SUBNET_B]],
    ]);
  });
});

describe("which route table and network ACL a subnet uses", () => {
  it("an explicit association wins over the main table, whichever the export lists first", () => {
    const tables = [table("rtb-public", [IGW], { subnets: [SUBNET_B] }), table("rtb-main", [NAT])];
    const [r] = judge("net-public-subnet", { tables });
    expect(r?.status).toBe("FAIL");
    expect(r?.evidence.publicSubnets).toEqual([SUBNET_B]);
    expect(r?.evidence.subnets).toEqual([
      {
        subnetId: SUBNET_A,
        cidr: "10.20.1.0/24",
        vpcId: VPC,
        routeTable: "rtb-main",
        routeTableAssociation: "main",
        routes: ["10.20.0.0/16 -> local (local)", "0.0.0.0/0 -> nat-00000000000000a01 (nat)"],
        networkAcl: ACL,
      },
      {
        subnetId: SUBNET_B,
        cidr: "10.20.2.0/24",
        vpcId: VPC,
        routeTable: "rtb-public",
        routeTableAssociation: "explicit",
        routes: ["10.20.0.0/16 -> local (local)", "0.0.0.0/0 -> igw-00000000000000a01 (internet)"],
        networkAcl: ACL,
      },
    ]);
    expect(r?.evidence.subnetsFrom).toBe("DB subnet group queue-private");
  });

  it("each subnet uses the network ACL associated with it", () => {
    const acls = [acl([allow(100, "10.20.0.0/16")], [SUBNET_A]), acl([allow(100, "0.0.0.0/0")], [SUBNET_B], ACL_B)];
    const results = judge("net-nacl-open", { acls });
    expect(results.map((r) => [r.status, r.resource.id, r.evidence.subnets])).toEqual([
      ["PASS", ACL, [SUBNET_A]],
      ["FAIL", ACL_B, [SUBNET_B]],
    ]);
  });

  it("is an ERROR when no route table serves a subnet, or no network ACL is associated with it", () => {
    const noTable = judge("net-foreign-route", { tables: [table("rtb-elsewhere", [NAT], { subnets: ["subnet-0000000000000ffff"] })] });
    expect(noTable.map((r) => [r.status, r.resource.id])).toEqual([["ERROR", "queue-db"]]);
    expect(noTable[0]?.message).toContain(
      `subnet ${SUBNET_A} of queue-db has no explicitly associated route table and the main route table of ${VPC} is not in the route tables data`,
    );
    expect(noTable[0]?.message).toContain("Could not evaluate the routes of queue-db's subnets");
    const noAcl = judge("net-nacl-open", { acls: [acl([allow(100, "10.20.0.0/16")], [SUBNET_A])] });
    expect(noAcl.map((r) => [r.status, r.resource.id])).toEqual([["ERROR", "queue-db"]]);
    expect(noAcl[0]?.message).toContain(`no network ACL associated with subnet ${SUBNET_B} of queue-db is in the network ACLs data`);
    expect(noAcl[0]?.message).toContain("Could not evaluate the network ACLs of queue-db");
    const [pub] = judge("net-public-subnet", { acls: [] });
    expect(pub?.message).toContain("Could not evaluate the subnets and routes of queue-db");
  });

  it("judges an Aurora cluster through its member instances", () => {
    const c = config({ targets: { rds: ["queue-cluster"] }, network: { allowedCidrs: ["10.20.0.0/16"] } });
    const member = dbInstance("queue-1", { DBClusterIdentifier: "queue-cluster", PubliclyAccessible: true });
    const cluster = queueCluster();
    const inv = estate({ instances: [member], tables: [table("rtb-main", [IGW])], parts: { dbClusters: ok([cluster]) } });
    const results = verdicts("net-public-subnet", c, inv);
    expect(results.map((r) => [r.resource.id, r.status, r.severity])).toEqual([["queue-1", "FAIL", "critical"]]);
  });
});

describe("the reachability sentence, layer by layer", () => {
  const publicTables = [table("rtb-main", [IGW])];
  const worldSg = [tcp(5432, { cidrs: ["0.0.0.0/0"] })];

  it("no, for a public subnet without a public address", () => {
    expect(reach({ tables: publicTables })).toBe(
      `reachable from the internet: no — public subnets ${SUBNET_A}, ${SUBNET_B}, but not publicly accessible`,
    );
  });

  it("no, with a public address but no security group admitting the internet", () => {
    const tables = [table("rtb-main", [NAT]), table("rtb-public", [IGW], { subnets: [SUBNET_B] })];
    expect(reach({ tables, instances: [dbInstance("queue-db", { PubliclyAccessible: true })] })).toBe(
      `reachable from the internet: no — public subnet ${SUBNET_B} and a public address, but no security group admits the internet`,
    );
  });

  it("no, when the network ACL denies the world the security group admits", () => {
    expect(
      reach({
        tables: publicTables,
        sg: worldSg,
        acls: [acl([deny(90, "0.0.0.0/0"), allow(100, "10.20.0.0/16")])],
        instances: [dbInstance("queue-db", { PubliclyAccessible: true })],
      }),
    ).toBe(
      `reachable from the internet: no — public subnets ${SUBNET_A}, ${SUBNET_B} and a public address, but NACL ${ACL} rule 90 denies it`,
    );
  });

  it("asks the network ACL about the world the group admits: ::/0 when that is all it admits", () => {
    const e = {
      tables: publicTables,
      sg: [tcp(5432, { cidrs6: ["::/0"] })],
      instances: [dbInstance("queue-db", { PubliclyAccessible: true })],
    };
    expect(reach({ ...e, acls: [acl([allow(100, "0.0.0.0/0")])] })).toBe(
      `reachable from the internet: no — public subnets ${SUBNET_A}, ${SUBNET_B} and a public address, but NACL ${ACL} default rule denies it`,
    );
    expect(reach({ ...e, acls: [acl([allow(100, "0.0.0.0/0"), allow(110, "::/0")])] })).toBe(
      `reachable from the internet: yes — IGW route in rtb-main, public address, NACL ${ACL} rule 110 and ${DB_SG}`,
    );
  });

  it("names the sources outside the approved ranges: the groups' CIDRs and the foreign routes' destinations, not groups nor prefix lists", () => {
    const peering = { DestinationCidrBlock: "198.51.100.0/24", VpcPeeringConnectionId: "pcx-00000000000000a01", State: "active" };
    const toList = { DestinationPrefixListId: "pl-00000000000000a01", TransitGatewayId: "tgw-00000000000000a01", State: "active" };
    const sg = [tcp(5432, { cidrs: ["203.0.113.9/32", "10.20.4.0/24"], cidrs6: ["::/0"], groups: ["sg-00000000000000b02"] })];
    expect(reach({ sg, tables: [table("rtb-main", [NAT, peering, toList])], acls: [acl([allow(100, "0.0.0.0/0")])] })).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.9/32: yes — NACL ${ACL} rule 100 and ${DB_SG}; from 198.51.100.0/24: no — no security group admits it`,
    );
  });

  it("a world rule admits what a foreign route brings in; a group's range only what it overlaps", () => {
    const peering = { DestinationCidrBlock: "198.51.100.0/24", VpcPeeringConnectionId: "pcx-00000000000000a01", State: "active" };
    const next = { DestinationCidrBlock: "203.0.113.128/25", VpcPeeringConnectionId: "pcx-00000000000000a02", State: "active" };
    const sg = [tcp(5432, { cidrs: ["0.0.0.0/0", "203.0.113.0/25"] })];
    expect(reach({ sg, tables: [table("rtb-main", [NAT, peering, next])], acls: [acl([allow(100, "0.0.0.0/0")])] })).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/25: yes — NACL ${ACL} rule 100 and ${DB_SG}; from 198.51.100.0/24: yes — NACL ${ACL} rule 100 and ${DB_SG}; from 203.0.113.128/25: yes — NACL ${ACL} rule 100 and ${DB_SG}`,
    );
    const narrow = [tcp(5432, { cidrs: ["203.0.113.0/25"] })];
    expect(reach({ sg: narrow, tables: [table("rtb-main", [NAT, next])], acls: [acl([allow(100, "0.0.0.0/0")])] })).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/25: yes — NACL ${ACL} rule 100 and ${DB_SG}; from 203.0.113.128/25: no — no security group admits it`,
    );
  });

  it("names the entry that decides a denied source: never a UDP entry, one of the other family, or one without a CIDR", () => {
    const sg = [tcp(5432, { cidrs: ["203.0.113.0/24"] })];
    const { CidrBlock: _, ...noCidr } = deny(80, "0.0.0.0/0");
    const udp = { ...deny(90, "203.0.113.0/24"), Protocol: "17" };
    expect(reach({ sg, acls: [acl([noCidr, udp, deny(95, "::/0"), allow(100, "10.20.0.0/16")])] })).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/24: no — NACL ${ACL} default rule denies it`,
    );
    expect(reach({ sg, acls: [acl([noCidr, udp, deny(95, "::/0"), allow(100, "10.20.0.0/16"), deny(110, "203.0.113.0/25")])] })).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/24: no — NACL ${ACL} rule 110 denies it`,
    );
  });

  it("a security group source that is not a CIDR is named, and no group is said to admit it", () => {
    expect(reach({ sg: [tcp(5432, { cidrs: ["203.0.113.9"] })] })).toBe(
      "reachable from the internet: no — private subnets, no IGW route; from 203.0.113.9: no — no security group admits it",
    );
  });

  it("an IPv6 range no network ACL entry covers is denied by the default rule", () => {
    expect(reach({ sg: [tcp(5432, { cidrs6: ["2001:db9::/48"] })] })).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 2001:db9::/48: no — NACL ${ACL} default rule denies it`,
    );
  });

  it("one subnet's network ACL admitting a source is enough; denials are named per ACL", () => {
    const sg = [tcp(5432, { cidrs: ["203.0.113.0/24"] })];
    const open = [acl([deny(90, "203.0.113.0/24")], [SUBNET_A]), acl([allow(100, "0.0.0.0/0")], [SUBNET_B], ACL_B)];
    expect(reach({ sg, acls: open })).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/24: yes — NACL ${ACL_B} rule 100 and ${DB_SG}`,
    );
    const closed = [acl([deny(90, "203.0.113.0/24")], [SUBNET_A]), acl([], [SUBNET_B], ACL_B)];
    expect(reach({ sg, acls: closed })).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/24: no — NACL ${ACL} rule 90 denies it, NACL ${ACL_B} default rule denies it`,
    );
  });

  it("names at most four sources and counts the rest", () => {
    const cidrs = (n: number) => Array.from({ length: n }, (_, i) => `203.0.113.${i}/32`);
    const four = reach({ sg: [tcp(5432, { cidrs: cidrs(4) })] }) as string;
    expect(four.split("; ")).toHaveLength(5);
    expect(four).not.toContain("more sources");
    const five = reach({ sg: [tcp(5432, { cidrs: cidrs(5) })] }) as string;
    expect(five.split("; ")).toHaveLength(6);
    expect(five).toContain(`from 203.0.113.3/32: no — NACL ${ACL} default rule denies it`);
    expect(five).not.toContain("from 203.0.113.4/32");
    expect(five.endsWith("; and 1 more sources (see the network findings)")).toBe(true);
  });

  it("is unknown when the endpoint port is not in the inventory", () => {
    const unknown = dbInstance("queue-db", { Endpoint: { Address: "queue-db.example" }, DbInstancePort: 0 });
    expect(reach({ instances: [unknown] })).toBe("reachable from the internet: unknown — the endpoint port is not in the inventory");
  });
});

describe("what net-public-subnet says of a public backend", () => {
  it("names every public subnet and internet route, and what makes it reachable", () => {
    const tables = [table("rtb-main", [IGW, { DestinationIpv6CidrBlock: "::/0", GatewayId: "igw-00000000000000a01", State: "active" }])];
    const [r] = judge("net-public-subnet", {
      tables,
      instances: [dbInstance("queue-db", { PubliclyAccessible: true })],
      sg: [tcp(5432, { cidrs: ["0.0.0.0/0"], cidrs6: ["::/0"] })],
    });
    expect(r?.severity).toBe("critical");
    expect(r?.message).toBe(
      `queue-db may sit in public subnets ${SUBNET_A}, ${SUBNET_B} (rtb-main sends 0.0.0.0/0 to igw-00000000000000a01; rtb-main sends ::/0 to igw-00000000000000a01): move it to subnets without an internet gateway route. With that, it is publicly accessible and ${DB_SG} admits the internet: it is reachable from the internet.`,
    );
    expect(r?.evidence).toMatchObject({
      publicSubnets: PRIVATE_SUBNETS,
      internetRoutes: ["rtb-main sends 0.0.0.0/0 to igw-00000000000000a01", "rtb-main sends ::/0 to igw-00000000000000a01"],
      publiclyAccessible: true,
      worldOpenGroups: [DB_SG],
    });
  });

  it("says the groups admit the internet when there are several", () => {
    const second = "sg-0000000000000db02";
    const inv = inventory(
      partition({
        dbInstances: ok([dbInstance("queue-db", { VpcSecurityGroups: [{ VpcSecurityGroupId: DB_SG }, { VpcSecurityGroupId: second }] })]),
        securityGroups: ok([
          securityGroup(DB_SG, [tcp(5432, { cidrs: ["0.0.0.0/0"] })]),
          securityGroup(second, [tcp(5432, { cidrs: ["0.0.0.0/0"] })]),
        ]),
        routeTables: ok([table("rtb-main", [IGW])]),
      }),
    );
    const [r] = verdicts("net-public-subnet", cfg, inv);
    expect(r?.message).toContain(`With that, ${DB_SG}, ${second} admit the internet: it is reachable from the internet.`);
    expect(r?.evidence.publiclyAccessible).toBe(false);
  });
});

describe("the probe's own evidence of a path", () => {
  const HOST = "queue-db.c9akciq32.eu-west-1.rds.amazonaws.com";
  const pgTarget = (name: string, host = HOST) => ({
    name,
    connection: { host, database: "app", user: "auditor", password: { env: "PGPASSWORD" } },
    tables: ["public.delayed_jobs"],
    owner: "app_migrator",
    principals: {},
  });
  const probeSaid = (input: Record<string, unknown>, observations: Partial<Observations>) => {
    const c = config({ targets: { rds: ["queue-db"] }, network: { allowedCidrs: ["10.20.0.0/16"] }, ...input });
    // The check itself: the other families would read these observations too.
    const [r] = netPublicSubnet.evaluate(context(c, estate(), observations));
    return r;
  };

  it("from where the CLI ran when the config has no deploy.vpc, matched by the endpoint in any case", () => {
    const r = probeSaid(
      { postgres: [pgTarget("primary", HOST.toUpperCase())] },
      { postgres: [{ target: "primary", catalog: undefined }] as never },
    );
    expect(r?.message).toContain(
      `The probe connected to ${HOST.toUpperCase()}:5432 from where the CLI ran (the config has no deploy.vpc).`,
    );
    expect(r?.evidence.probe).toStrictEqual({
      via: "from where the CLI ran (the config has no deploy.vpc)",
      targets: [{ kind: "postgres", name: "primary", host: HOST.toUpperCase(), port: 5432, connected: true }],
    });
  });

  it("from another VPC, and what the probe saw when it could not connect", () => {
    const other = { id: "vpc-0a1b2c3d4e5f60009", subnetIds: ["subnet-0a1b2c3d4e5f60009"] };
    const r = probeSaid(
      { postgres: [pgTarget("queue-db", "10.20.1.5")], deploy: { vpc: other } },
      { postgres: [{ target: "queue-db", error: { reason: "connect ETIMEDOUT" } }] as never },
    );
    const via = `from ${other.id} (subnets subnet-0a1b2c3d4e5f60009), another VPC than the backend's ${VPC}: through peering or a transit gateway`;
    expect(r?.message).toContain(`The probe could not connect to 10.20.1.5:5432 ${via} (connect ETIMEDOUT).`);
    expect(r?.evidence.probe).toStrictEqual({
      via,
      probeVpc: other.id,
      probeSubnets: other.subnetIds,
      targets: [{ kind: "postgres", name: "queue-db", host: "10.20.1.5", port: 5432, connected: false, error: "connect ETIMEDOUT" }],
    });
  });

  it("matches MySQL and Redis targets too, and ignores targets of other backends or never probed", () => {
    const r = probeSaid(
      {
        postgres: [pgTarget("elsewhere", "other-db.example"), pgTarget("unprobed")],
        mysql: [
          {
            name: "queue-db",
            connection: { host: "10.20.1.6", user: "queue_auditor", password: { iam: true } },
            tables: ["app.delayed_jobs"],
            principals: {},
          },
        ],
        redis: [
          {
            name: "cache",
            endpoint: { host: HOST, port: 6380 },
            credentials: { username: "auditor", password: { secret: "cache/auditor" } },
            queue: "sidekiq",
          },
        ],
      },
      {
        postgres: [{ target: "elsewhere", catalog: undefined }] as never,
        mysql: [{ target: "queue-db", error: { reason: "Access denied" } }] as never,
        redis: [{ target: "cache" }] as never,
      },
    );
    expect((r?.evidence.probe as { targets: unknown[] } | undefined)?.targets).toStrictEqual([
      { kind: "mysql", name: "queue-db", host: "10.20.1.6", port: 3306, connected: false, error: "Access denied" },
      { kind: "redis", name: "cache", host: HOST, port: 6380, connected: true },
    ]);
    expect(r?.message).toContain(`The probe connected to ${HOST}:6380 from where the CLI ran`);
  });

  it("inside the backend's own VPC: names every probe subnet and every target it connected to", () => {
    const own = { id: VPC, subnetIds: ["subnet-0a1b2c3d4e5f60010", "subnet-0a1b2c3d4e5f60011"] };
    const r = probeSaid(
      { postgres: [pgTarget("queue-db", "10.20.1.5"), pgTarget("writer")], deploy: { vpc: own } },
      {
        postgres: [
          { target: "queue-db", catalog: undefined },
          { target: "writer", catalog: undefined },
        ] as never,
      },
    );
    expect(r?.message).toContain(
      `The probe connected to 10.20.1.5:5432, ${HOST}:5432 from inside ${VPC} (subnets subnet-0a1b2c3d4e5f60010, subnet-0a1b2c3d4e5f60011), the backend's own VPC, over its local route.`,
    );
  });

  it("from another VPC: names every probe subnet and every target it could not connect to, with the first one's error", () => {
    const other = { id: "vpc-0a1b2c3d4e5f60009", subnetIds: ["subnet-0a1b2c3d4e5f60009", "subnet-0a1b2c3d4e5f60019"] };
    const r = probeSaid(
      { postgres: [pgTarget("queue-db", "10.20.1.5"), pgTarget("writer")], deploy: { vpc: other } },
      {
        postgres: [
          { target: "queue-db", error: { reason: "connect ETIMEDOUT" } },
          { target: "writer", error: { reason: "connect ECONNREFUSED" } },
        ] as never,
      },
    );
    expect(r?.message).toContain(
      `The probe could not connect to 10.20.1.5:5432, ${HOST}:5432 from ${other.id} (subnets subnet-0a1b2c3d4e5f60009, subnet-0a1b2c3d4e5f60019), another VPC than the backend's ${VPC}: through peering or a transit gateway (connect ETIMEDOUT).`,
    );
  });

  it("names every VPC the backend's subnets are in, once, and none for a subnet whose VPC is not recorded", () => {
    const VPC_2 = "vpc-0a1b2c3d4e5f60002";
    const SUBNET_C = "subnet-00000000000000a03";
    const subnet = (SubnetId: string, VpcId: string | undefined, i: number) => ({
      SubnetId,
      ...(VpcId ? { VpcId } : {}),
      CidrBlock: `10.20.${i}.0/24`,
      State: "available",
      OwnerId: ACCOUNT,
    });
    const inv = estate({
      instances: [dbInstance("queue-db", { DBSubnetGroup: dbSubnetGroup([SUBNET_A, SUBNET_B, SUBNET_C]) })],
      tables: [table("rtb-main", [NAT]), { ...table("rtb-b", [NAT], { subnets: [SUBNET_B] }), VpcId: VPC_2 }],
      acls: [acl([allow(100, "10.20.0.0/16")], [SUBNET_A, SUBNET_B, SUBNET_C])],
      parts: { subnets: ok([subnet(SUBNET_A, VPC, 1), subnet(SUBNET_B, VPC_2, 2), subnet(SUBNET_C, undefined, 3)]) },
    });
    const other = { id: "vpc-0a1b2c3d4e5f60009", subnetIds: ["subnet-0a1b2c3d4e5f60009"] };
    const c = config({
      targets: { rds: ["queue-db"] },
      network: { allowedCidrs: ["10.20.0.0/16"] },
      postgres: [pgTarget("queue-db")],
      deploy: { vpc: other },
    });
    const [r] = netPublicSubnet.evaluate(context(c, inv, { postgres: [{ target: "queue-db", catalog: undefined }] as never }));
    expect((r?.evidence.probe as { via: string } | undefined)?.via).toBe(
      `from ${other.id} (subnets subnet-0a1b2c3d4e5f60009), another VPC than the backend's ${VPC}, ${VPC_2}: through peering or a transit gateway`,
    );
  });

  it("a MySQL-only config: its target of this backend with its own observation, not a target of another host or one never probed", () => {
    const mysqlTarget = (name: string, host: string) => ({
      name,
      connection: { host, user: "queue_auditor", password: { iam: true } },
      tables: ["app.delayed_jobs"],
      principals: {},
    });
    const r = probeSaid(
      { mysql: [mysqlTarget("replica", "other-db.example"), mysqlTarget("queue-db", "10.20.1.6"), mysqlTarget("unprobed", HOST)] },
      {
        mysql: [
          { target: "replica", catalog: undefined },
          { target: "queue-db", error: { reason: "Access denied" } },
        ] as never,
      },
    );
    expect(r?.evidence.probe).toStrictEqual({
      via: "from where the CLI ran (the config has no deploy.vpc)",
      targets: [{ kind: "mysql", name: "queue-db", host: "10.20.1.6", port: 3306, connected: false, error: "Access denied" }],
    });
  });

  it("a Redis target the probe could not reach keeps its error, and a Redis target never probed is left out", () => {
    const redisTarget = (name: string) => ({
      name,
      endpoint: { host: HOST, port: 6380 },
      credentials: { username: "auditor", password: { secret: "cache/auditor" } },
      queue: "sidekiq" as const,
    });
    const r = probeSaid(
      { redis: [redisTarget("cache"), redisTarget("unprobed")] },
      { redis: [{ target: "cache", error: { reason: "connect ETIMEDOUT" } }] as never },
    );
    expect(r?.evidence.probe).toStrictEqual({
      via: "from where the CLI ran (the config has no deploy.vpc)",
      targets: [{ kind: "redis", name: "cache", host: HOST, port: 6380, connected: false, error: "connect ETIMEDOUT" }],
    });
    expect(r?.message).toContain(
      `The probe could not connect to ${HOST}:6380 from where the CLI ran (the config has no deploy.vpc) (connect ETIMEDOUT).`,
    );
  });

  it("an instance without an endpoint yet is matched by its name", () => {
    const inv = estate({ instances: [dbInstance("queue-db", { Endpoint: undefined })] });
    const c = config({ targets: { rds: ["queue-db"] }, network: { allowedCidrs: ["10.20.0.0/16"] }, postgres: [pgTarget("queue-db")] });
    const [r] = netPublicSubnet.evaluate(context(c, inv, { postgres: [{ target: "queue-db", catalog: undefined }] as never }));
    expect((r?.evidence.probe as { targets: unknown[] } | undefined)?.targets).toStrictEqual([
      { kind: "postgres", name: "queue-db", host: HOST, port: 5432, connected: true },
    ]);
  });

  it("an Aurora cluster is matched by its writer and reader endpoints, and by its writer alone when it has no reader", () => {
    const cluster = (id: string, endpoints: Record<string, string>) => ({
      DBClusterIdentifier: id,
      DBClusterArn: `arn:aws:rds:eu-west-1:111122223333:cluster:${id}`,
      Engine: "aurora-postgresql",
      Port: 5432,
      DBSubnetGroup: "queue-private",
      VpcSecurityGroups: [{ VpcSecurityGroupId: DB_SG, Status: "active" }],
      ...endpoints,
    });
    const inv = estate({
      instances: [],
      parts: {
        dbClusters: ok([
          cluster("queue-cluster", { Endpoint: "queue-cluster.cluster-c9.example", ReaderEndpoint: "queue-cluster.cluster-ro-c9.example" }),
          cluster("lone-cluster", { Endpoint: "lone-cluster.cluster-c9.example" }),
        ]),
      },
    });
    const hosts = [
      "queue-cluster.cluster-c9.example",
      "queue-cluster.cluster-ro-c9.example",
      "lone-cluster.cluster-c9.example",
      "other.example",
    ];
    const other = { id: "vpc-0a1b2c3d4e5f60009", subnetIds: ["subnet-0a1b2c3d4e5f60009"] };
    const c = config({
      targets: { rds: ["queue-cluster", "lone-cluster"] },
      postgres: hosts.map((host, i) => pgTarget(`t${i}`, host)),
      deploy: { vpc: other },
    });
    const ctx = context(c, inv, { postgres: hosts.map((_, i) => ({ target: `t${i}`, catalog: undefined })) as never });
    const probed = (id: string) => {
      const backend = ctx.scope.backends.find((b) => b.resource.id === id);
      expect(backend?.kind).toBe("rds-cluster");
      return backend && probePath(ctx, { backend, from: "", subnets: [] });
    };
    const main = probed("queue-cluster");
    expect((main?.evidence.targets as { host: string }[] | undefined)?.map((t) => t.host)).toEqual(hosts.slice(0, 2));
    // No subnet of the cluster is known here: the message says so rather than name no VPC.
    expect(main?.text).toBe(
      `The probe connected to ${hosts[0]}:5432, ${hosts[1]}:5432 from ${other.id} (subnets subnet-0a1b2c3d4e5f60009), another VPC than the backend's (unknown): through peering or a transit gateway.`,
    );
    expect((probed("lone-cluster")?.evidence.targets as { host: string }[] | undefined)?.map((t) => t.host)).toEqual([hosts[2]]);
  });

  it("says nothing of a probe when no target is about this backend", () => {
    const r = probeSaid(
      { postgres: [pgTarget("elsewhere", "other-db.example")] },
      { postgres: [{ target: "elsewhere", catalog: undefined }] as never },
    );
    expect(r?.message).toBe(`queue-db's subnets (${SUBNET_A}, ${SUBNET_B}) have no route to an internet gateway.`);
    expect(r?.evidence).not.toHaveProperty("probe");
  });
});

describe("the probe's evidence for ElastiCache backends, matched by any of their endpoints", () => {
  const redisTarget = (name: string, host: string) => ({
    name,
    endpoint: { host, port: 6379 },
    credentials: { username: "auditor", password: { secret: `${name}/auditor` } },
    queue: "sidekiq" as const,
  });
  /** Which of `hosts` (one redis target each, all probed) the probe evidence of `id`'s verdict names; `inScope`: the backends audited. */
  function matched(id: string, parts: Record<string, unknown>, hosts: string[], inScope = [id]) {
    const targets = hosts.map((host, i) => redisTarget(`t${i}`, host));
    const c = config({ targets: { elasticache: inScope }, network: { allowedCidrs: ["10.20.0.0/16"] }, redis: targets });
    const inv = inventory(partition({ securityGroups: ok([securityGroup("sg-00000000000000c01", [])]), ...parts }));
    const results = netPublicSubnet.evaluate(context(c, inv, { redis: targets.map((t) => ({ target: t.name })) as never }));
    const r = results.find((x) => x.resource.id === id);
    return ((r?.evidence.probe as { targets: { host: string }[] } | undefined)?.targets ?? []).map((t) => t.host);
  }
  const node = (address: string) => ({ CacheNodeId: "0001", Endpoint: { Address: address, Port: 6379 } });

  it("a replication group: its configuration, primary and reader endpoints and its member nodes", () => {
    const group = {
      ReplicationGroupId: "jobs-redis",
      MemberClusters: ["jobs-redis-001"],
      ConfigurationEndpoint: { Address: "config.jobs.example", Port: 6379 },
      NodeGroups: [
        {
          NodeGroupId: "0001",
          PrimaryEndpoint: { Address: "primary.jobs.example", Port: 6379 },
          ReaderEndpoint: { Address: "reader.jobs.example", Port: 6379 },
        },
      ],
      Engine: "redis",
    };
    const member = {
      CacheClusterId: "jobs-redis-001",
      ReplicationGroupId: "jobs-redis",
      Engine: "redis",
      CacheSubnetGroupName: "queue-private",
      CacheNodes: [node("node1.jobs.example")],
      SecurityGroups: [{ SecurityGroupId: "sg-00000000000000c01" }],
    };
    const hosts = ["config.jobs.example", "primary.jobs.example", "reader.jobs.example", "node1.jobs.example", "other.example"];
    expect(matched("jobs-redis", { replicationGroups: ok([group]), cacheClusters: ok([member]) }, hosts)).toEqual(hosts.slice(0, 4));
  });

  it("a cache cluster: its configuration endpoint and its nodes", () => {
    const cluster = {
      CacheClusterId: "jobs-locks",
      Engine: "redis",
      CacheSubnetGroupName: "queue-private",
      ConfigurationEndpoint: { Address: "config.locks.example", Port: 6379 },
      CacheNodes: [node("node1.locks.example"), { CacheNodeId: "0002" }],
      SecurityGroups: [{ SecurityGroupId: "sg-00000000000000c01" }],
    };
    const hosts = ["config.locks.example", "node1.locks.example", "other.example"];
    expect(matched("jobs-locks", { cacheClusters: ok([cluster]) }, hosts)).toEqual(hosts.slice(0, 2));
  });

  it("endpoints a backend does not have yet are skipped, and the ones it has still match", () => {
    const group = {
      ReplicationGroupId: "jobs-redis",
      MemberClusters: ["jobs-redis-001"],
      NodeGroups: [{ NodeGroupId: "0001" }, { NodeGroupId: "0002", PrimaryEndpoint: { Address: "primary.jobs.example", Port: 6379 } }],
      Engine: "redis",
    };
    const member = {
      CacheClusterId: "jobs-redis-001",
      ReplicationGroupId: "jobs-redis",
      Engine: "redis",
      CacheSubnetGroupName: "queue-private",
      CacheNodes: [{ CacheNodeId: "0001" }, node("node2.jobs.example")],
      SecurityGroups: [{ SecurityGroupId: "sg-00000000000000c01" }],
    };
    const hosts = ["primary.jobs.example", "node2.jobs.example", "other.example"];
    expect(matched("jobs-redis", { replicationGroups: ok([group]), cacheClusters: ok([member]) }, hosts)).toEqual(hosts.slice(0, 2));
    const cluster = {
      CacheClusterId: "jobs-locks",
      Engine: "redis",
      CacheSubnetGroupName: "queue-private",
      CacheNodes: [node("node1.locks.example")],
      SecurityGroups: [{ SecurityGroupId: "sg-00000000000000c01" }],
    };
    expect(matched("jobs-locks", { cacheClusters: ok([cluster]) }, ["node1.locks.example"])).toEqual(["node1.locks.example"]);
    const serverless = (name: string, endpoints: Record<string, unknown>) => ({
      ServerlessCacheName: name,
      Engine: "valkey",
      SubnetIds: PRIVATE_SUBNETS,
      SecurityGroupIds: ["sg-00000000000000c01"],
      ...endpoints,
    });
    const caches = ok([
      serverless("writer-only", { Endpoint: { Address: "writer-only.example", Port: 6379 } }),
      serverless("reader-only", { ReaderEndpoint: { Address: "reader-only.example", Port: 6380 } }),
    ]);
    const both = ["writer-only.example", "reader-only.example"];
    expect(matched("writer-only", { serverlessCaches: caches }, both, ["writer-only", "reader-only"])).toEqual([both[0]]);
    expect(matched("reader-only", { serverlessCaches: caches }, both, ["writer-only", "reader-only"])).toEqual([both[1]]);
  });

  it("a serverless cache: its endpoint and its reader endpoint", () => {
    const cache = {
      ServerlessCacheName: "jobs-serverless",
      Engine: "valkey",
      Endpoint: { Address: "jobs-serverless.example", Port: 6379 },
      ReaderEndpoint: { Address: "reader.jobs-serverless.example", Port: 6380 },
      SubnetIds: PRIVATE_SUBNETS,
      SecurityGroupIds: ["sg-00000000000000c01"],
    };
    const hosts = ["jobs-serverless.example", "reader.jobs-serverless.example", "other.example"];
    expect(matched("jobs-serverless", { serverlessCaches: ok([cache]) }, hosts)).toEqual(hosts.slice(0, 2));
  });
});

describe("what the network path is built from", () => {
  /** The builders' subnets, `drop` without its VpcId. */
  const subnetsWithout = (drop: string) => {
    const subnets = privateNetwork().subnets;
    return ok((subnets.ok ? subnets.value : []).map(({ VpcId, ...s }) => (s.SubnetId === drop ? s : { ...s, VpcId })));
  };

  it("a route AWS gives no State is active, and carries an origin only when AWS names one", () => {
    expect(classifyRoute({ DestinationCidrBlock: "10.30.0.0/16", TransitGatewayId: "tgw-00000000000000a01" })).toStrictEqual({
      destination: "10.30.0.0/16",
      target: "tgw-00000000000000a01",
      kind: "transit-gateway",
      state: "active",
    });
  });

  it("a route table without routes leads nowhere", () => {
    const { Routes: _, ...bare } = table("rtb-main", []);
    const [r] = judge("net-public-subnet", { tables: [bare] });
    expect(r?.status).toBe("PASS");
    expect((r?.evidence.subnets as { routes: string[] }[] | undefined)?.map((s) => s.routes)).toEqual([[], []]);
  });

  it("the ERRORs for a gap in the path name the file that lacks it", () => {
    const absent = "subnet-0000000000000ffff";
    const noSubnet = judge("net-public-subnet", { instances: [dbInstance("queue-db", { DBSubnetGroup: dbSubnetGroup([absent]) })] });
    const noTable = judge("net-public-subnet", { tables: [] });
    const noAcl = judge("net-public-subnet", { acls: [] });
    expect([noSubnet, noTable, noAcl].map((rs) => rs.map((r) => [r.status, r.evidence]))).toStrictEqual([
      [
        [
          "ERROR",
          {
            source: "inv/ec2-describe-subnets.json",
            reason: `subnet ${absent} of queue-db is not in the subnets data`,
            code: "NotCaptured",
          },
        ],
      ],
      [
        [
          "ERROR",
          {
            source: "inv/ec2-describe-route-tables.json",
            reason: `subnet ${SUBNET_A} of queue-db has no explicitly associated route table and the main route table of ${VPC} is not in the route tables data`,
            code: "NotCaptured",
          },
        ],
      ],
      [
        [
          "ERROR",
          {
            source: "inv/ec2-describe-network-acls.json",
            reason: `no network ACL associated with subnet ${SUBNET_A} of queue-db is in the network ACLs data`,
            code: "NotCaptured",
          },
        ],
      ],
    ]);
  });

  it("says 'its VPC' when neither the subnet nor the subnet group names the VPC whose main table is missing", () => {
    const group = { ...dbSubnetGroup(), VpcId: undefined };
    const [r] = judge("net-foreign-route", {
      tables: [],
      instances: [dbInstance("queue-db", { DBSubnetGroup: group })],
      parts: { subnets: subnetsWithout(SUBNET_A) },
    });
    expect(r?.evidence.reason).toBe(
      `subnet ${SUBNET_A} of queue-db has no explicitly associated route table and the main route table of its VPC is not in the route tables data`,
    );
  });

  it("a subnet the data gives no VPC uses the main table of the VPC each backend's subnet group names", () => {
    const OTHER_VPC = "vpc-0a1b2c3d4e5f60002";
    const other = { ...table("rtb-other", [IGW]), VpcId: OTHER_VPC };
    const instances = [
      dbInstance("queue-db", { DBSubnetGroup: dbSubnetGroup([SUBNET_A]) }),
      dbInstance("queue-db-2", { DBSubnetGroup: { ...dbSubnetGroup([SUBNET_A]), VpcId: OTHER_VPC } }),
    ];
    const results = judge("net-public-subnet", {
      instances,
      tables: [table("rtb-main", [NAT]), other],
      parts: { subnets: subnetsWithout(SUBNET_A) },
    });
    expect(results.map((r) => [r.resource.id, r.status, (r.evidence.subnets as { routeTable: string }[])[0]?.routeTable])).toEqual([
      ["queue-db", "PASS", "rtb-main"],
      ["queue-db-2", "FAIL", "rtb-other"],
    ]);
  });

  it("when the data associates a subnet with two route tables, the first listed is the one judged", () => {
    const tables = [
      table("rtb-first", [NAT], { subnets: [SUBNET_A] }),
      table("rtb-second", [IGW], { subnets: [SUBNET_A] }),
      table("rtb-main", [NAT]),
    ];
    const [r] = judge("net-public-subnet", { tables });
    expect(r?.status).toBe("PASS");
    expect((r?.evidence.subnets as { routeTable: string }[] | undefined)?.map((s) => s.routeTable)).toEqual(["rtb-first", "rtb-main"]);
  });

  it("audits of inventories that share one subnets list each judge their own route tables and network ACLs", () => {
    const shared = privateNetwork().subnets;
    const audit = (tables: unknown[], acls: unknown[]) =>
      verdicts(
        "net-public-subnet",
        cfg,
        inventory(
          partition({
            dbInstances: ok([dbInstance("queue-db")]),
            securityGroups: ok([securityGroup(DB_SG, [tcp(5432, { cidrs: ["203.0.113.0/24"] })])]),
            subnets: shared,
            routeTables: ok(tables),
            networkAcls: ok(acls),
          }),
        ),
      )[0]?.evidence.reachability;
    const tables = [table("rtb-main", [NAT])];
    const closed = [acl([])];
    const open = [acl([allow(100, "0.0.0.0/0")], PRIVATE_SUBNETS, ACL_B)];
    expect(audit(tables, closed)).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/24: no — NACL ${ACL} default rule denies it`,
    );
    expect(audit(tables, open)).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/24: yes — NACL ${ACL_B} rule 100 and ${DB_SG}`,
    );
    expect(audit([table("rtb-main", [IGW])], open)).toBe(
      `reachable from the internet: no — public subnets ${SUBNET_A}, ${SUBNET_B}, but not publicly accessible; from 203.0.113.0/24: yes — NACL ${ACL_B} rule 100 and ${DB_SG}`,
    );
  });
});

describe("which RDS backends the network checks judge", () => {
  const c = config({ targets: { rds: ["queue-cluster"] }, network: { allowedCidrs: ["10.20.0.0/16"] } });

  it("an Aurora cluster none of whose instances is in the data is an ERROR, not left out", () => {
    const results = verdicts("net-public-subnet", c, estate({ instances: [], parts: { dbClusters: ok([queueCluster([])]) } }));
    expect(results.map((r) => [r.resource.id, r.status, r.evidence.reason])).toEqual([
      ["queue-cluster", "ERROR", "no member instance of cluster queue-cluster with a DBSubnetGroup is in the DB instances data"],
    ]);
  });

  it("a member instance that bears its cluster's name is judged itself", () => {
    const member = dbInstance("queue-cluster", { DBClusterIdentifier: "queue-cluster" });
    const results = verdicts(
      "net-public-subnet",
      c,
      estate({ instances: [member], parts: { dbClusters: ok([queueCluster(["queue-cluster"])]) } }),
    );
    expect(results.map((r) => [r.resource.type, r.resource.id, r.status])).toEqual([["AWS::RDS::DBInstance", "queue-cluster", "PASS"]]);
  });
});

describe("the public address of an Aurora cluster judged itself (its members name it only in DBClusterMembers)", () => {
  const c = config({ targets: { rds: ["queue-cluster"] }, network: { allowedCidrs: ["10.20.0.0/16"] } });
  const cluster = queueCluster();
  const clusterEstate = (
    publiclyAccessible: boolean,
    where: { account?: string; region?: string } = {},
    member: Record<string, unknown> = {},
    members = cluster.DBClusterMembers,
  ) =>
    partition({
      ...where,
      dbInstances: ok([dbInstance("queue-1", { PubliclyAccessible: publiclyAccessible, ...member })]),
      dbClusters: ok([{ ...cluster, DBClusterMembers: members }]),
      securityGroups: ok([securityGroup(DB_SG, [tcp(5432, { cidrs: ["0.0.0.0/0"] })])]),
      routeTables: ok([table("rtb-main", [IGW])]),
      networkAcls: ok([acl([allow(100, "0.0.0.0/0")])]),
    });
  const said = (cfg: typeof c, ...partitions: InventoryPartition[]) =>
    verdicts("net-public-subnet", cfg, inventory(...partitions)).map((r) => [
      `${r.resource.account}/${r.resource.region}`,
      r.resource.id,
      r.evidence.reachability,
    ]);
  const HERE = `${ACCOUNT}/eu-west-1`;
  const no = `reachable from the internet: no — public subnets ${SUBNET_A}, ${SUBNET_B}, but not publicly accessible`;
  const yes = `reachable from the internet: yes — IGW route in rtb-main, public address, NACL ${ACL} rule 100 and ${DB_SG}`;

  it("has none when its member has none", () => {
    expect(said(c, clusterEstate(false))).toEqual([
      [HERE, "queue-cluster", no],
      [HERE, "queue-1", no],
    ]);
  });

  it("has one when its member has one", () => {
    expect(said(c, clusterEstate(true))).toEqual([
      [HERE, "queue-cluster", yes],
      [HERE, "queue-1", yes],
    ]);
  });

  it("asked directly, has the public address of a member that names it, listed or not", () => {
    const { scope } = context(c, inventory(clusterEstate(true, {}, { DBClusterIdentifier: "queue-cluster" }, [])));
    expect(scope.backends.map((b) => [b.resource.id, publicAddress(b, scope)])).toEqual([
      ["queue-cluster", true],
      ["queue-1", true],
    ]);
  });

  it("does not take one from a public instance outside it, nor from a same-named cluster's in another account or region", () => {
    const withOther = {
      ...clusterEstate(false),
      dbInstances: ok([dbInstance("queue-1"), dbInstance("reports-db", { PubliclyAccessible: true })]),
    };
    const named = { DBClusterIdentifier: "queue-cluster" };
    const both = config({ targets: { rds: ["queue-cluster", "reports-db"] }, network: { allowedCidrs: ["10.20.0.0/16"] } });
    expect(
      said(
        both,
        withOther,
        clusterEstate(true, { account: "444455556666" }, named),
        clusterEstate(true, { region: "eu-central-1" }, named),
      ),
    ).toEqual([
      [HERE, "queue-cluster", no],
      [HERE, "queue-1", no],
      [HERE, "reports-db", yes],
      ["444455556666/eu-west-1", "queue-1", yes],
      [`${ACCOUNT}/eu-central-1`, "queue-1", yes],
    ]);
  });
});

describe("the reachability sentence, source by source", () => {
  const SECOND_SG = "sg-0000000000000db02";
  const twoGroups = (rules: unknown[], parts: Record<string, unknown> = {}) =>
    inventory(
      partition({
        dbInstances: ok([
          dbInstance("queue-db", {
            PubliclyAccessible: true,
            VpcSecurityGroups: [{ VpcSecurityGroupId: DB_SG }, { VpcSecurityGroupId: SECOND_SG }],
          }),
        ]),
        securityGroups: ok([securityGroup(DB_SG, rules), securityGroup(SECOND_SG, rules)]),
        routeTables: ok([table("rtb-main", [NAT])]),
        networkAcls: ok([acl([allow(100, "0.0.0.0/0")], [SUBNET_A]), acl([allow(100, "0.0.0.0/0")], [SUBNET_B], ACL_B)]),
        ...parts,
      }),
    );
  const sentence = (inv: ReturnType<typeof inventory>) => verdicts("net-public-subnet", cfg, inv)[0]?.evidence.reachability;

  it("names every network ACL and every security group that admit a source", () => {
    expect(sentence(twoGroups([tcp(5432, { cidrs: ["203.0.113.0/24"] })]))).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/24: yes — NACL ${ACL} rule 100, NACL ${ACL_B} rule 100 and ${DB_SG}, ${SECOND_SG}`,
    );
  });

  it("names every route table with an internet route and every group admitting the world, and says (unnamed) for what has no id", () => {
    const { RouteTableId: _, ...unnamedTable } = table("rtb-b", [IGW], { subnets: [SUBNET_B] });
    const { NetworkAclId: __, ...unnamedAcl } = acl([allow(100, "0.0.0.0/0")]);
    const inv = twoGroups([tcp(5432, { cidrs: ["0.0.0.0/0"] })], {
      routeTables: ok([table("rtb-main", [IGW]), unnamedTable]),
      networkAcls: ok([unnamedAcl]),
    });
    expect(sentence(inv)).toBe(
      `reachable from the internet: yes — IGW route in rtb-main, (unnamed), public address, NACL (unnamed) rule 100 and ${DB_SG}, ${SECOND_SG}`,
    );
  });

  it("a source that is not a CIDR is never said to overlap one that is", () => {
    expect(reach({ sg: [tcp(5432, { cidrs: ["203.0.113.9", "198.51.100.0/24"] })], acls: [acl([allow(100, "0.0.0.0/0")])] })).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.9: no — no security group admits it; from 198.51.100.0/24: yes — NACL ${ACL} rule 100 and ${DB_SG}`,
    );
  });

  it("each backend's sources are judged by its own subnets' network ACLs", () => {
    const instances = [
      dbInstance("queue-db", { DBSubnetGroup: dbSubnetGroup([SUBNET_A]) }),
      dbInstance("queue-db-2", { DBSubnetGroup: dbSubnetGroup([SUBNET_B]) }),
    ];
    const acls = [acl([allow(100, "0.0.0.0/0")], [SUBNET_A]), acl([deny(90, "203.0.113.0/24")], [SUBNET_B], ACL_B)];
    const results = judge("net-public-subnet", { instances, acls, sg: [tcp(5432, { cidrs: ["203.0.113.0/24"] })] });
    expect(results.map((r) => r.evidence.reachability)).toEqual([
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/24: yes — NACL ${ACL} rule 100 and ${DB_SG}`,
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/24: no — NACL ${ACL_B} rule 90 denies it`,
    ]);
  });

  it("a public backend no security group guards is not reachable from the internet", () => {
    const instances = [dbInstance("queue-db", { PubliclyAccessible: true, VpcSecurityGroups: [] })];
    expect(reach({ instances, tables: [table("rtb-main", [IGW])] })).toBe(
      `reachable from the internet: no — public subnets ${SUBNET_A}, ${SUBNET_B} and a public address, but no security group admits the internet`,
    );
  });

  it("is unknown, with the reason, for a backend whose path could not be judged", () => {
    const { scope } = context(cfg, estate({ acls: [] }));
    const [path] = backendPaths(scope);
    expect(path?.subnets).toEqual([]);
    expect(reachabilitySentence(path as BackendPath, scope, cfg)).toBe(
      `reachable from the internet: unknown — no network ACL associated with subnet ${SUBNET_A} of queue-db is in the network ACLs data`,
    );
  });
});
