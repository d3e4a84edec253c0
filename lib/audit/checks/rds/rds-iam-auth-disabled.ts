import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { settingsHolders, settingsOf } from "./subjects.js";

export const rdsIamAuthDisabled: Check = {
  meta: {
    id: "rds-iam-auth-disabled",
    title: "IAM database authentication off",
    severity: "low",
    resourceType: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
    rationale:
      "Without IAM authentication every worker and admin needs a long-lived database password; IAM tokens expire after 15 minutes and access is revoked with an IAM policy change.",
    remediation:
      "`aws rds modify-db-instance --db-instance-identifier queue-db --enable-iam-database-authentication --apply-immediately`, then `GRANT rds_iam TO app_worker;`.",
    references: ["AWS Security Hub RDS.10", "AWS Security Hub RDS.12"],
  },
  evaluate(ctx) {
    return settingsHolders(ctx).map((b) =>
      settingsOf(b).IAMDatabaseAuthenticationEnabled === true
        ? pass("rds-iam-auth-disabled", b.resource, `${b.resource.id} accepts IAM database authentication.`, {
            IAMDatabaseAuthenticationEnabled: true,
          })
        : fail(
            "rds-iam-auth-disabled",
            b.resource,
            undefined,
            `${b.resource.id} does not accept IAM database authentication: enable it and move workers to IAM tokens.`,
            { IAMDatabaseAuthenticationEnabled: false },
          ),
    );
  },
};
