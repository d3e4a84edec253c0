/**
 * The network-path checks on in-memory estates shaped like the AWS CLI's output of
 * DescribeSubnets, DescribeRouteTables, DescribeNetworkAcls and DescribeCacheSubnetGroups:
 * public and private subnets, the main-table fallback, NACL order traps, IPv6, peering,
 * transit gateway and VPN routes, and what could not be observed.
 */
import { describe, expect, it } from "vitest";
import { evaluateChecks } from "../../../lib/audit/engine.js";
import { config, dbInstance, inventory, missing, ok, partition, securityGroup, tcp, verdicts } from "../../support/builders.js";

const VPC = "vpc-0a1b2c3d4e5f60001";
const PRIVATE_A = "subnet-0a1b2c3d4e5f60001";
const PRIVATE_B = "subnet-0a1b2c3d4e5f60002";
const PUBLIC_A = "subnet-0a1b2c3d4e5f60003";
const DB_SG = "sg-0000000000000db01";
const ACL = "acl-0a1b2c3d4e5f60001";

const subnet = (id: string, cidr: string) => ({
  AvailabilityZone: "eu-west-1a",
  AvailableIpAddressCount: 250,
  CidrBlock: cidr,
  DefaultForAz: false,
  MapPublicIpOnLaunch: false,
  State: "available",
  SubnetId: id,
  VpcId: VPC,
  OwnerId: "111122223333",
  Ipv6CidrBlockAssociationSet: [],
  SubnetArn: `arn:aws:ec2:eu-west-1:111122223333:subnet/${id}`,
});
const SUBNETS = [subnet(PRIVATE_A, "10.20.1.0/24"), subnet(PRIVATE_B, "10.20.2.0/24"), subnet(PUBLIC_A, "10.20.3.0/24")];

const route = (destination: string, target: Record<string, string>, extra: Record<string, string> = {}) => ({
  [destination.includes(":") ? "DestinationIpv6CidrBlock" : "DestinationCidrBlock"]: destination,
  ...target,
  Origin: "CreateRoute",
  State: "active",
  ...extra,
});
const LOCAL = { DestinationCidrBlock: "10.20.0.0/16", GatewayId: "local", Origin: "CreateRouteTable", State: "active" };
const NAT = route("0.0.0.0/0", { NatGatewayId: "nat-0a1b2c3d4e5f60001" });
const IGW = route("0.0.0.0/0", { GatewayId: "igw-0a1b2c3d4e5f60001" });

function table(id: string, routes: unknown[], assoc: { main?: boolean; subnets?: string[] }) {
  return {
    Associations: [
      ...(assoc.main
        ? [{ Main: true, RouteTableAssociationId: `rtbassoc-${id}`, RouteTableId: id, AssociationState: { State: "associated" } }]
        : []),
      ...(assoc.subnets ?? []).map((s) => ({
        Main: false,
        RouteTableAssociationId: `rtbassoc-${s}`,
        RouteTableId: id,
        SubnetId: s,
        AssociationState: { State: "associated" },
      })),
    ],
    PropagatingVgws: [],
    RouteTableId: id,
    Routes: [LOCAL, ...routes],
    Tags: [],
    VpcId: VPC,
    OwnerId: "111122223333",
  };
}

const entry = (n: number, action: "allow" | "deny", cidr: string, protocol = "6", ports?: [number, number], egress = false) => ({
  [cidr.includes(":") ? "Ipv6CidrBlock" : "CidrBlock"]: cidr,
  Egress: egress,
  ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
  Protocol: protocol,
  RuleAction: action,
  RuleNumber: n,
});
const DEFAULT_DENY = [entry(32767, "deny", "0.0.0.0/0", "-1"), entry(32768, "deny", "::/0", "-1")];
const EGRESS_ALL = [entry(100, "allow", "0.0.0.0/0", "-1", undefined, true), entry(32767, "deny", "0.0.0.0/0", "-1", undefined, true)];

function acl(inbound: unknown[], subnets = [PRIVATE_A, PRIVATE_B, PUBLIC_A], id = ACL) {
  return {
    Associations: subnets.map((s) => ({ NetworkAclAssociationId: `aclassoc-${s}`, NetworkAclId: id, SubnetId: s })),
    Entries: [...EGRESS_ALL, ...inbound, ...DEFAULT_DENY],
    IsDefault: false,
    NetworkAclId: id,
    Tags: [],
    VpcId: VPC,
    OwnerId: "111122223333",
  };
}

const dbSubnetGroup = (subnets: string[]) => ({
  DBSubnetGroup: {
    DBSubnetGroupName: "queue-subnets",
    DBSubnetGroupDescription: "queue",
    VpcId: VPC,
    SubnetGroupStatus: "Complete",
    Subnets: subnets.map((SubnetIdentifier) => ({
      SubnetIdentifier,
      SubnetAvailabilityZone: { Name: "eu-west-1a" },
      SubnetOutpost: {},
      SubnetStatus: "Active",
    })),
  },
});

interface Estate {
  subnets?: string[];
  tables?: unknown[];
  inbound?: unknown[];
  sg?: unknown[];
  instance?: Record<string, unknown>;
  parts?: Record<string, unknown>;
}

/** queue-db (PostgreSQL, 5432) in `subnets`; by default private subnets on the main table, a NACL admitting the VPC only. */
function estate(e: Estate = {}) {
  return inventory(
    partition({
      dbInstances: ok([dbInstance("queue-db", { ...dbSubnetGroup(e.subnets ?? [PRIVATE_A, PRIVATE_B]), ...e.instance })]),
      securityGroups: ok([securityGroup(DB_SG, e.sg ?? [tcp(5432, { cidrs: ["10.20.0.0/16"] })])]),
      subnets: ok(SUBNETS),
      routeTables: ok(e.tables ?? [table("rtb-main", [NAT], { main: true })]),
      networkAcls: ok([acl(e.inbound ?? [entry(100, "allow", "10.20.0.0/16", "6", [5432, 5432])])]),
      cacheSubnetGroups: ok([]),
      ...e.parts,
    }),
  );
}

const cfg = config({ targets: { rds: ["queue-db"] }, network: { allowedCidrs: ["10.20.0.0/16", "2001:db8::/32"] } });
const said = (checkId: string, e: Estate = {}, c = cfg) =>
  verdicts(checkId, c, estate(e)).map((r) => `${r.status}${r.severity ? ` ${r.severity}` : ""}${r.subject ? ` ${r.subject}` : ""}`);

describe("net-public-subnet", () => {
  it("passes private subnets that fall back to the VPC's main table, and says so", () => {
    const [r] = verdicts("net-public-subnet", cfg, estate());
    expect(r?.status).toBe("PASS");
    expect(r?.message).toBe(`queue-db's subnets (${PRIVATE_A}, ${PRIVATE_B}) have no route to an internet gateway.`);
    expect(r?.evidence.subnets).toEqual([
      expect.objectContaining({ subnetId: PRIVATE_A, routeTable: "rtb-main", routeTableAssociation: "main", networkAcl: ACL }),
      expect.objectContaining({ subnetId: PRIVATE_B, routeTable: "rtb-main", routeTableAssociation: "main" }),
    ]);
    expect(r?.evidence.reachability).toBe("reachable from the internet: no — private subnets, no IGW route");
  });

  it("fails a subnet whose explicit route table sends 0.0.0.0/0 to an internet gateway, though the main table is private", () => {
    const tables = [table("rtb-main", [NAT], { main: true }), table("rtb-public", [IGW], { subnets: [PUBLIC_A] })];
    const [r] = verdicts("net-public-subnet", cfg, estate({ subnets: [PRIVATE_A, PUBLIC_A], tables }));
    expect(r?.status).toBe("FAIL");
    expect(r?.severity).toBeUndefined(); // high: neither public nor world-open
    expect(r?.message).toBe(
      `queue-db may sit in public subnet ${PUBLIC_A} (rtb-public sends 0.0.0.0/0 to igw-0a1b2c3d4e5f60001): move it to subnets without an internet gateway route.`,
    );
    expect(r?.fix?.kind).toBe("manual");
    expect(r?.fix?.text).toContain(`holds public subnet ${PUBLIC_A}`);
  });

  it("passes a subnet explicitly associated with a private table, though the main table has the internet route", () => {
    const tables = [table("rtb-main", [IGW], { main: true }), table("rtb-private", [NAT], { subnets: [PRIVATE_A, PRIVATE_B] })];
    expect(said("net-public-subnet", { tables })).toEqual(["PASS"]);
  });

  it("is critical for a publicly accessible instance, and for one a security group opens to the world", () => {
    const tables = [table("rtb-main", [IGW], { main: true })];
    expect(said("net-public-subnet", { tables, instance: { PubliclyAccessible: true } })).toEqual(["FAIL critical"]);
    expect(said("net-public-subnet", { tables, sg: [tcp(5432, { cidrs6: ["::/0"] })] })).toEqual(["FAIL critical"]);
    // A world rule on another port is no aggravation.
    expect(said("net-public-subnet", { tables, sg: [tcp(6379, { cidrs: ["0.0.0.0/0"] })] })).toEqual(["FAIL"]);
  });

  it("treats ::/0 to an internet gateway as public, but not ::/0 to an egress-only gateway, nor a blackhole route", () => {
    const v6 = (target: Record<string, string>, extra: Record<string, string> = {}) => [
      table("rtb-main", [NAT, route("::/0", target, extra)], { main: true }),
    ];
    expect(said("net-public-subnet", { tables: v6({ GatewayId: "igw-0a1b2c3d4e5f60001" }) })).toEqual(["FAIL"]);
    expect(said("net-public-subnet", { tables: v6({ EgressOnlyInternetGatewayId: "eigw-0a1b2c3d4e5f60001" }) })).toEqual(["PASS"]);
    expect(said("net-public-subnet", { tables: v6({ GatewayId: "igw-0a1b2c3d4e5f60001" }, { State: "blackhole" }) })).toEqual(["PASS"]);
  });

  it("is an ERROR, never a PASS, when a network file is missing or a subnet is not in it", () => {
    const acls = { networkAcls: missing("inv/ec2-describe-network-acls.json") };
    for (const checkId of ["net-public-subnet", "net-nacl-open", "net-foreign-route"]) {
      const results = verdicts(checkId, cfg, estate({ parts: acls }));
      expect(results.map((r) => [r.status, r.resource.id])).toEqual([["ERROR", "queue-db"]]);
      expect(results[0]?.message).toContain("inv/ec2-describe-network-acls.json");
    }
    const noSubnet = verdicts("net-public-subnet", cfg, estate({ parts: { subnets: ok([]) } }));
    expect(noSubnet.map((r) => r.status)).toEqual(["ERROR"]);
    expect(noSubnet[0]?.message).toContain(`subnet ${PRIVATE_A} of queue-db is not in the subnets data`);
    // An instance without a DBSubnetGroup in its record cannot be placed.
    const unplaced = verdicts("net-public-subnet", cfg, estate({ instance: { DBSubnetGroup: undefined } }));
    expect(unplaced.map((r) => r.status)).toEqual(["ERROR"]);
    // A partition recorded before the network path existed: not observed, not empty.
    const older = partition({ dbInstances: ok([dbInstance("queue-db", dbSubnetGroup([PRIVATE_A]))]) });
    for (const key of ["subnets", "routeTables", "networkAcls", "cacheSubnetGroups"] as const) delete older[key];
    expect(verdicts("net-public-subnet", cfg, inventory(older)).map((r) => r.status)).toEqual(["ERROR"]);
  });

  it("finds a cache cluster's subnets through its cache subnet group, and an absent group is an ERROR", () => {
    const cache = {
      CacheClusterId: "jobs-locks",
      Engine: "redis",
      CacheSubnetGroupName: "queue-caches",
      CacheNodes: [{ CacheNodeId: "0001", Endpoint: { Address: "jobs-locks.example", Port: 6379 } }],
      SecurityGroups: [{ SecurityGroupId: DB_SG, Status: "active" }],
      ARN: "arn:aws:elasticache:eu-west-1:111122223333:cluster:jobs-locks",
    };
    const group = {
      CacheSubnetGroupName: "queue-caches",
      CacheSubnetGroupDescription: "caches",
      VpcId: VPC,
      Subnets: [{ SubnetIdentifier: PUBLIC_A, SubnetAvailabilityZone: { Name: "eu-west-1a" }, SupportedNetworkTypes: ["ipv4"] }],
      ARN: "arn:aws:elasticache:eu-west-1:111122223333:subnetgroup:queue-caches",
      SupportedNetworkTypes: ["ipv4"],
    };
    const c = config({ targets: { elasticache: ["jobs-locks"] }, network: { allowedCidrs: ["10.20.0.0/16"] } });
    const inv = (groups: unknown[]) =>
      inventory(
        partition({
          cacheClusters: ok([cache]),
          securityGroups: ok([securityGroup(DB_SG, [tcp(6379, { cidrs: ["0.0.0.0/0"] })])]),
          subnets: ok(SUBNETS),
          routeTables: ok([table("rtb-main", [NAT], { main: true }), table("rtb-public", [IGW], { subnets: [PUBLIC_A] })]),
          networkAcls: ok([acl([entry(100, "allow", "10.20.0.0/16", "6", [6379, 6379])])]),
          cacheSubnetGroups: ok(groups),
        }),
      );
    const [r] = verdicts("net-public-subnet", c, inv([group]));
    expect([r?.status, r?.severity]).toEqual(["FAIL", "critical"]); // world-open group
    expect(r?.evidence.reachability).toBe(
      `reachable from the internet: no — public subnet ${PUBLIC_A}, but ElastiCache nodes get no public address`,
    );
    const [gone] = verdicts("net-public-subnet", c, inv([]));
    expect(gone?.status).toBe("ERROR");
    expect(gone?.message).toContain("cache subnet group queue-caches of jobs-locks is not in the cache subnet groups data");
  });
});

describe("net-nacl-open", () => {
  const nacl = (inbound: unknown[]) => said("net-nacl-open", { inbound });

  it("passes a NACL that admits the port from approved ranges only, with the default * deny for the rest", () => {
    const [r] = verdicts("net-nacl-open", cfg, estate());
    expect(r?.status).toBe("PASS");
    expect(r?.message).toBe(
      `${ACL} admits port 5432 of queue-db only from network.allowedCidrs (rule 100 allows tcp 5432 from 10.20.0.0/16 (port 5432)).`,
    );
    // Stateless: the replies' way out is information only.
    expect(r?.evidence.returnTraffic).toEqual([
      "replies to 10.20.0.0/16 leave by outbound rule 100",
      "replies to 2001:db8::/32 on some ephemeral ports are denied (no outbound rule): its clients may not complete a connection",
    ]);
  });

  it("an allow after a deny for the same range admits nothing: the lowest rule number wins", () => {
    expect(nacl([entry(90, "deny", "0.0.0.0/0", "6", [5432, 5432]), entry(100, "allow", "0.0.0.0/0", "-1")])).toEqual(["PASS"]);
  });

  it("a deny after an allow protects nothing", () => {
    expect(nacl([entry(100, "allow", "0.0.0.0/0", "6", [5432, 5432]), entry(200, "deny", "0.0.0.0/0", "6", [5432, 5432])])).toEqual([
      "FAIL rule 100 0.0.0.0/0 tcp 5432",
    ]);
  });

  it("a deny of part of the world before an allow of all of it still leaves the rest open", () => {
    const [r] = verdicts(
      "net-nacl-open",
      cfg,
      estate({ inbound: [entry(90, "deny", "203.0.113.0/24", "-1"), entry(100, "allow", "0.0.0.0/0", "-1")] }),
    );
    expect(r?.subject).toBe("rule 100 0.0.0.0/0 tcp 5432");
    // 2^32 less the denied /24 and the approved /16.
    expect(r?.evidence.addressesOutsideApproved).toBe(String(2 ** 32 - 256 - 65536));
  });

  it("judges port ranges and protocols: the ephemeral range covers 5432, other ranges and UDP do not", () => {
    expect(nacl([entry(120, "allow", "0.0.0.0/0", "6", [1024, 65535])])).toEqual(["FAIL rule 120 0.0.0.0/0 tcp 5432"]);
    expect(nacl([entry(120, "allow", "0.0.0.0/0", "6", [8000, 8999])])).toEqual(["PASS"]);
    expect(nacl([entry(120, "allow", "0.0.0.0/0", "17")])).toEqual(["PASS"]);
    expect(nacl([entry(120, "allow", "198.51.100.0/24", "-1")])).toEqual(["FAIL rule 120 198.51.100.0/24 tcp 5432"]);
  });

  it("judges IPv6 on its own: ::/0 fails, an approved IPv6 range passes, an IPv4 deny does not cover IPv6", () => {
    expect(nacl([entry(90, "deny", "0.0.0.0/0", "-1"), entry(100, "allow", "::/0", "6", [5432, 5432])])).toEqual([
      "FAIL rule 100 ::/0 tcp 5432",
    ]);
    expect(nacl([entry(100, "allow", "2001:db8:1::/48", "6", [5432, 5432])])).toEqual(["PASS"]);
  });

  it("is high when the world is admitted into a public subnet", () => {
    const tables = [table("rtb-main", [IGW], { main: true })];
    expect(said("net-nacl-open", { tables, inbound: [entry(100, "allow", "0.0.0.0/0", "-1")] })).toEqual([
      "FAIL high rule 100 0.0.0.0/0 tcp 5432",
    ]);
  });

  it("fixes it with allow entries for the approved ranges and a deny, just before the allowing rule", () => {
    const [r] = verdicts(
      "net-nacl-open",
      cfg,
      estate({ inbound: [entry(50, "allow", "10.20.0.0/16", "6", [5432, 5432]), entry(120, "allow", "0.0.0.0/0", "6", [1024, 65535])] }),
    );
    expect(r?.fix).toEqual({
      kind: "aws-cli",
      text: `Deny tcp 5432 from 0.0.0.0/0 in ${ACL} just before rule 120, after allowing it from 10.20.0.0/16 (approved). Rule 120 keeps admitting its other ports.`,
      commands: [
        `aws ec2 create-network-acl-entry --region eu-west-1 --network-acl-id ${ACL} --ingress --rule-number 118 --protocol 6 --port-range From=5432,To=5432 --cidr-block 10.20.0.0/16 --rule-action allow`,
        `aws ec2 create-network-acl-entry --region eu-west-1 --network-acl-id ${ACL} --ingress --rule-number 119 --protocol 6 --port-range From=5432,To=5432 --cidr-block 0.0.0.0/0 --rule-action deny`,
      ],
    });
    // No room between rules 119 and 120: renumbering is left to a person.
    const [tight] = verdicts(
      "net-nacl-open",
      cfg,
      estate({ inbound: [entry(119, "allow", "10.20.0.0/16", "6", [5432, 5432]), entry(120, "allow", "0.0.0.0/0", "-1")] }),
    );
    expect(tight?.fix?.kind).toBe("manual");
  });
});

describe("net-foreign-route", () => {
  const routes = (...extra: unknown[]) => said("net-foreign-route", { tables: [table("rtb-main", [NAT, ...extra], { main: true })] });

  it("passes a table whose routes stay local, NAT'd or inside the approved ranges", () => {
    expect(routes(route("10.20.128.0/17", { TransitGatewayId: "tgw-0a1b2c3d4e5f60001" }))).toEqual(["PASS"]);
  });

  it("reports peering, transit gateway and propagated VPN routes to unapproved ranges as information, with the route", () => {
    const [pcx, tgw, vgw] = verdicts(
      "net-foreign-route",
      cfg,
      estate({
        tables: [
          table(
            "rtb-main",
            [
              NAT,
              route("172.31.0.0/16", { VpcPeeringConnectionId: "pcx-0a1b2c3d4e5f60001" }),
              route("10.99.0.0/16", { TransitGatewayId: "tgw-0a1b2c3d4e5f60001" }),
              route("192.168.0.0/16", { GatewayId: "vgw-0a1b2c3d4e5f60001" }, { Origin: "EnableVgwRoutePropagation" }),
            ],
            { main: true },
          ),
        ],
      }),
    );
    expect([pcx?.status, pcx?.subject]).toEqual(["FAIL", "172.31.0.0/16 via pcx-0a1b2c3d4e5f60001"]);
    expect(tgw?.subject).toBe("10.99.0.0/16 via tgw-0a1b2c3d4e5f60001");
    expect(vgw?.message).toBe(
      "rtb-main routes 192.168.0.0/16 to VPN gateway vgw-0a1b2c3d4e5f60001 (propagated), outside network.allowedCidrs: queue-db may be reachable from there if the other side routes back and the security groups and network ACLs admit it.",
    );
    expect(pcx?.fix?.text).toContain(
      "aws ec2 delete-route --region eu-west-1 --route-table-id rtb-main --destination-cidr-block 172.31.0.0/16",
    );
  });
});

describe("reachability in one sentence", () => {
  it("names the NACL rule and the group that admit an unapproved range, and what stops another", () => {
    const [r] = verdicts(
      "net-public-subnet",
      cfg,
      estate({
        sg: [tcp(5432, { cidrs: ["10.20.0.0/16", "203.0.113.0/24", "198.51.100.0/24"] })],
        inbound: [entry(90, "deny", "198.51.100.0/24", "-1"), entry(100, "allow", "0.0.0.0/0", "6", [5432, 5432])],
      }),
    );
    expect(r?.evidence.reachability).toBe(
      `reachable from the internet: no — private subnets, no IGW route; from 203.0.113.0/24: yes — NACL ${ACL} rule 100 and ${DB_SG}; from 198.51.100.0/24: no — NACL ${ACL} rule 90 denies it`,
    );
  });

  it("says yes for the internet only when route, address, NACL and group all let it in", () => {
    const [r] = verdicts(
      "net-public-subnet",
      cfg,
      estate({
        tables: [table("rtb-main", [IGW], { main: true })],
        instance: { PubliclyAccessible: true },
        sg: [tcp(5432, { cidrs: ["0.0.0.0/0"] })],
        inbound: [entry(100, "allow", "0.0.0.0/0", "-1")],
      }),
    );
    expect(r?.evidence.reachability).toBe(
      `reachable from the internet: yes — IGW route in rtb-main, public address, NACL ${ACL} rule 100 and ${DB_SG}`,
    );
  });
});

describe("the probe's own evidence", () => {
  it("says which path the probe used when it connected", () => {
    const c = config({
      targets: { rds: ["queue-db"] },
      network: { allowedCidrs: ["10.20.0.0/16"] },
      postgres: [
        {
          name: "queue-db",
          connection: {
            host: "queue-db.c9akciq32.eu-west-1.rds.amazonaws.com",
            database: "app",
            user: "auditor",
            password: { env: "PGPASSWORD" },
          },
          tables: ["public.delayed_jobs"],
          owner: "app_migrator",
          principals: {},
        },
      ],
      deploy: { vpc: { id: VPC, subnetIds: [PRIVATE_A] } },
    });
    const [r] = evaluateChecks({
      config: c,
      inventory: estate(),
      observations: { postgres: [{ target: "queue-db", catalog: undefined }] },
      now: new Date("2026-11-25T12:00:00Z"),
    }).filter((x) => x.checkId === "net-public-subnet");
    expect(r?.status).toBe("PASS");
    expect(r?.message).toContain(
      `The probe connected to queue-db.c9akciq32.eu-west-1.rds.amazonaws.com:5432 from inside ${VPC} (subnets ${PRIVATE_A}), the backend's own VPC, over its local route.`,
    );
  });
});
