import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { publicAccessHolders, settingsOf } from "./subjects.js";

export const rdsPublicAccess: Check = {
  meta: {
    id: "rds-public-access",
    title: "Database publicly accessible",
    severity: "critical",
    resourceType: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
    rationale:
      "A publicly accessible instance gets a public DNS name and IP address; with an open security group rule, the job queue's database is reachable from the internet.",
    remediation:
      "Turn public access off: `aws rds modify-db-instance --db-instance-identifier queue-db --no-publicly-accessible --apply-immediately`.",
    references: ["AWS Security Hub RDS.2", "CIS AWS Foundations Benchmark 2.3.3"],
  },
  evaluate(ctx) {
    return publicAccessHolders(ctx).map((b) =>
      settingsOf(b).PubliclyAccessible === true
        ? fail("rds-public-access", b.resource, undefined, `${b.resource.id} is publicly accessible: turn PubliclyAccessible off.`, {
            PubliclyAccessible: true,
          })
        : pass("rds-public-access", b.resource, `${b.resource.id} is not publicly accessible.`, {
            PubliclyAccessible: settingsOf(b).PubliclyAccessible ?? false,
          }),
    );
  },
};
