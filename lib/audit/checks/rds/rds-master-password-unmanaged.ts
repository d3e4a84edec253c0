import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { settingsHolders, settingsOf } from "./subjects.js";

export const rdsMasterPasswordUnmanaged: Check = {
  meta: {
    id: "rds-master-password-unmanaged",
    title: "Master password not managed by Secrets Manager",
    severity: "medium",
    resourceType: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
    rationale:
      "A master password set by hand lives in someone's notes or a pipeline variable and is never rotated; RDS-managed secrets are stored in Secrets Manager and rotated automatically.",
    remediation: "`aws rds modify-db-instance --db-instance-identifier queue-db --manage-master-user-password --apply-immediately`.",
    references: [
      "Amazon RDS User Guide: Password management with Amazon RDS and AWS Secrets Manager",
      "Amazon RDS API Reference: MasterUserSecret (SecretStatus impaired: cannot be rotated)",
    ],
  },
  evaluate(ctx) {
    return settingsHolders(ctx).map((b) => {
      const secret = settingsOf(b).MasterUserSecret;
      // `impaired`: the secret still works but RDS cannot rotate it (it lost access to the secret or its KMS key).
      if (secret?.SecretArn && secret.SecretStatus === "impaired") {
        return fail(
          "rds-master-password-unmanaged",
          b.resource,
          undefined,
          `${b.resource.id}'s managed master secret is impaired (SecretStatus impaired): RDS can no longer rotate it, usually because it lost access to the secret or its KMS key; restore that access, or turn --manage-master-user-password off and on again.`,
          { MasterUserSecret: { SecretArn: secret.SecretArn, SecretStatus: secret.SecretStatus } },
        );
      }
      return secret?.SecretArn
        ? pass("rds-master-password-unmanaged", b.resource, `${b.resource.id}'s master password is managed by Secrets Manager.`, {
            MasterUserSecret: { SecretArn: secret.SecretArn, SecretStatus: secret.SecretStatus },
          })
        : fail(
            "rds-master-password-unmanaged",
            b.resource,
            undefined,
            `${b.resource.id}'s master password is not managed by Secrets Manager: turn on --manage-master-user-password.`,
            { MasterUserSecret: null },
          );
    });
  },
};
