import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { engineFamily, settingsHolders, settingsOf, unsupportedEngine } from "./subjects.js";

const MAIN_LOG = { postgres: "postgresql", mysql: "error" } as const;

export const rdsLogsNotExported: Check = {
  meta: {
    id: "rds-logs-not-exported",
    title: "Database log not exported to CloudWatch",
    severity: "medium",
    resourceType: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
    rationale:
      "The engine's main log records failed logins and permission errors; kept only on the instance it rotates away within days and is lost with the instance, so there is no evidence of who tried to reach the queue.",
    remediation:
      '`aws rds modify-db-instance --db-instance-identifier queue-db --cloudwatch-logs-export-configuration \'{"EnableLogTypes":["postgresql"]}\'` (`error` for MySQL/MariaDB).',
    references: ["AWS Security Hub RDS.9", "AWS Security Hub RDS.36"],
  },
  evaluate(ctx) {
    return settingsHolders(ctx).map((b) => {
      const s = settingsOf(b);
      const family = engineFamily(s.Engine);
      if (family === "other") {
        return unsupportedEngine("rds-logs-not-exported", b, "the exported logs");
      }
      const log = MAIN_LOG[family];
      const exported = s.EnabledCloudwatchLogsExports ?? [];
      return exported.includes(log)
        ? pass("rds-logs-not-exported", b.resource, `${b.resource.id} exports its ${log} log to CloudWatch Logs.`, {
            EnabledCloudwatchLogsExports: exported,
          })
        : fail(
            "rds-logs-not-exported",
            b.resource,
            log,
            `${b.resource.id} does not export its ${log} log to CloudWatch Logs: enable the export.`,
            { EnabledCloudwatchLogsExports: exported, expected: log },
          );
    });
  },
};
