import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { settingsHolders, settingsOf } from "./subjects.js";

export const rdsStorageUnencrypted: Check = {
  meta: {
    id: "rds-storage-unencrypted",
    title: "Database storage not encrypted",
    severity: "high",
    resourceType: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
    rationale:
      "Job payloads often carry personal data and credentials; unencrypted storage leaves them readable in snapshots, backups and replicas shared by mistake.",
    remediation:
      "Encryption cannot be turned on in place: snapshot the database, copy the snapshot with `aws rds copy-db-snapshot --kms-key-id …`, restore from the encrypted copy, and switch the application over.",
    references: ["AWS Security Hub RDS.3", "CIS AWS Foundations Benchmark 2.3.1"],
  },
  evaluate(ctx) {
    return settingsHolders(ctx).map((b) => {
      const s = settingsOf(b);
      return s.StorageEncrypted === true
        ? pass("rds-storage-unencrypted", b.resource, `${b.resource.id} encrypts its storage.`, {
            StorageEncrypted: true,
            KmsKeyId: s.KmsKeyId,
          })
        : fail(
            "rds-storage-unencrypted",
            b.resource,
            undefined,
            `${b.resource.id} does not encrypt its storage: restore it from an encrypted snapshot copy.`,
            { StorageEncrypted: s.StorageEncrypted ?? false },
          );
    });
  },
};
