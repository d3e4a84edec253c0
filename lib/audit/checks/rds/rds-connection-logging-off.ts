import type { CheckResult } from "../../findings/model.js";
import { fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";
import {
  applyFailed,
  applyFailedMessage,
  effectiveParameter,
  engineFamily,
  isOn,
  pendingNote,
  settingsHolders,
  settingsOf,
} from "./subjects.js";

export const rdsConnectionLoggingOff: Check = {
  meta: {
    id: "rds-connection-logging-off",
    title: "PostgreSQL connection logging off",
    severity: "low",
    resourceType: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
    rationale:
      "With log_connections off, the log does not show who connected to the queue database, from where and as which role; an unexpected login leaves no trace to investigate.",
    remediation:
      "Set `log_connections = 1` in the instance's parameter group (cluster parameter group for Aurora), and export the postgresql log.",
    references: ["CIS PostgreSQL Benchmark: Ensure 'log_connections' is enabled"],
  },
  evaluate(ctx) {
    return settingsHolders(ctx)
      .filter((b) => engineFamily(settingsOf(b).Engine) === "postgres")
      .map((b): CheckResult => {
        const lookup = effectiveParameter(b, "log_connections");
        if (!lookup.ok) return unobserved("rds-connection-logging-off", b.resource, lookup.error, `log_connections of ${b.resource.id}`);
        const { value, group, groupKind, applyStatus } = lookup.parameter;
        const evidence = {
          parameter: "log_connections",
          value: value ?? null,
          origin: value === undefined ? "engine default (off)" : `${groupKind} ${group}`,
          ...(applyStatus ? { parameterApplyStatus: applyStatus } : {}),
        };
        if (isOn(value) && applyFailed(lookup.parameter)) {
          return fail(
            "rds-connection-logging-off",
            b.resource,
            "log_connections",
            applyFailedMessage(b.resource.id, lookup.parameter, value),
            evidence,
          );
        }
        return isOn(value)
          ? pass(
              "rds-connection-logging-off",
              b.resource,
              `${b.resource.id} logs connections (log_connections = ${value}).${pendingNote(lookup.parameter)}`,
              evidence,
            )
          : fail(
              "rds-connection-logging-off",
              b.resource,
              "log_connections",
              `${b.resource.id} does not log connections: set log_connections to 1 in ${groupKind} ${group}.`,
              evidence,
            );
      });
  },
};
