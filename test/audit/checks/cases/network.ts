/** In-memory cases of the sg-* checks: one PostgreSQL instance behind one security group. */
import {
  config,
  context,
  dbInstance,
  inventory,
  ok,
  PRIVATE_SUBNETS,
  partition,
  privateNetwork,
  rule,
  securityGroup,
  tcp,
} from "../../../support/builders.js";
import type { FamilyCases } from "./case.js";

const DB_SG = "sg-0000000000000db01";
const WORKERS = "sg-00000000000000a01";
const STRANGER = "sg-00000000000000b07";

const cfg = config({
  targets: { rds: ["queue-db"] },
  network: { allowedCidrs: ["10.20.0.0/16"], allowedSecurityGroups: [WORKERS] },
});

/** queue-db on 5432, guarded by DB_SG with these ingress rules. */
const guarded =
  (...permissions: unknown[]) =>
  () =>
    context(
      cfg,
      inventory(partition({ dbInstances: ok([dbInstance("queue-db")]), securityGroups: ok([securityGroup(DB_SG, permissions)]) })),
    );

const ACL = "acl-00000000000000a01";
const RTB = "rtb-00000000000000a01";

/** queue-db in the builders' private subnets, with extra routes on their main table and inbound entries in their NACL. */
function onPath(change: { routes?: unknown[]; inbound?: unknown[] }) {
  return () => {
    const net = privateNetwork();
    const table = net.routeTables.ok ? (net.routeTables.value[0] as { Routes: unknown[] }) : undefined;
    const acl = net.networkAcls.ok ? (net.networkAcls.value[0] as { Entries: unknown[]; Associations: unknown[] }) : undefined;
    if (table) table.Routes.push(...(change.routes ?? []));
    if (acl) acl.Entries.unshift(...(change.inbound ?? []));
    if (acl)
      acl.Associations = PRIVATE_SUBNETS.map((SubnetId) => ({
        NetworkAclAssociationId: `aclassoc-${SubnetId}`,
        NetworkAclId: ACL,
        SubnetId,
      }));
    return context(
      cfg,
      inventory(
        partition({
          dbInstances: ok([dbInstance("queue-db")]),
          securityGroups: ok([securityGroup(DB_SG, [tcp(5432, { groups: [WORKERS] })])]),
          ...net,
        }),
      ),
    );
  };
}

const workersOnly = guarded(tcp(5432, { groups: [WORKERS], cidrs: ["10.20.4.0/24"] }));

export const networkCases: FamilyCases = {
  "sg-world-ingress": {
    fail: {
      given: "5432 open to 0.0.0.0/0",
      context: guarded(tcp(5432, { cidrs: ["0.0.0.0/0"] })),
      resource: DB_SG,
      subject: "0.0.0.0/0 tcp 5432",
    },
    pass: { given: "5432 open only to the workers' group and an approved /24", context: workersOnly, resource: DB_SG },
  },
  "sg-unapproved-cidr": {
    fail: {
      given: "5432 open to an office range outside the approved 10.20.0.0/16",
      context: guarded(tcp(5432, { cidrs: ["198.51.100.0/24"] })),
      resource: DB_SG,
      subject: "198.51.100.0/24 tcp 5432",
    },
    pass: { given: "5432 open to a /24 inside the approved /16", context: workersOnly, resource: DB_SG },
  },
  "sg-unapproved-source-group": {
    fail: {
      given: "5432 open to a security group nobody approved",
      context: guarded(tcp(5432, { groups: [STRANGER] })),
      resource: DB_SG,
      subject: `${STRANGER} tcp 5432`,
    },
    pass: { given: "5432 open only to the approved workers' group", context: workersOnly, resource: DB_SG },
  },
  "sg-all-traffic": {
    fail: {
      given: "an all-traffic rule (protocol -1) from the workers' range",
      context: guarded(rule("-1", undefined, undefined, { cidrs: ["10.20.4.0/24"] })),
      resource: DB_SG,
    },
    pass: { given: "TCP 5432 rules only", context: workersOnly, resource: DB_SG },
  },
  "net-public-subnet": {
    fail: {
      given: "queue-db's subnets use the VPC's main route table, which sends 0.0.0.0/0 to an internet gateway",
      context: onPath({
        routes: [{ DestinationCidrBlock: "0.0.0.0/0", GatewayId: "igw-0a1b2c3d4e5f60001", Origin: "CreateRoute", State: "active" }],
      }),
      resource: "queue-db",
    },
    pass: { given: "queue-db's subnets route 0.0.0.0/0 to a NAT gateway only", context: onPath({}), resource: "queue-db" },
  },
  "net-nacl-open": {
    fail: {
      given: "the subnets' network ACL allows all traffic from 0.0.0.0/0 (rule 100), as a VPC's default ACL does",
      context: onPath({ inbound: [{ RuleNumber: 100, Protocol: "-1", RuleAction: "allow", Egress: false, CidrBlock: "0.0.0.0/0" }] }),
      resource: ACL,
      subject: "rule 100 0.0.0.0/0 tcp 5432",
    },
    pass: {
      given: "the subnets' network ACL allows tcp 5432 from 10.20.0.0/16 only",
      context: onPath({
        inbound: [
          {
            RuleNumber: 100,
            Protocol: "6",
            RuleAction: "allow",
            Egress: false,
            CidrBlock: "10.20.0.0/16",
            PortRange: { From: 5432, To: 5432 },
          },
        ],
      }),
      resource: ACL,
    },
  },
  "net-foreign-route": {
    fail: {
      given: "the subnets' route table sends 172.31.0.0/16, outside the approved ranges, to a VPC peering connection",
      context: onPath({
        routes: [
          {
            DestinationCidrBlock: "172.31.0.0/16",
            VpcPeeringConnectionId: "pcx-0a1b2c3d4e5f60001",
            Origin: "CreateRoute",
            State: "active",
          },
        ],
      }),
      resource: RTB,
      subject: "172.31.0.0/16 via pcx-0a1b2c3d4e5f60001",
    },
    pass: { given: "the subnets' route table holds only the local and NAT routes", context: onPath({}), resource: RTB },
  },
};
