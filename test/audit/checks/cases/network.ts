/** In-memory cases of the sg-* checks: one PostgreSQL instance behind one security group. */
import { config, context, dbInstance, inventory, ok, partition, rule, securityGroup, tcp } from "../../../support/builders.js";
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
};
