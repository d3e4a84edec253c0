import type { CheckResult } from "../../findings/model.js";
import { fail, pass, unobserved } from "../results.js";
import type { Check } from "../types.js";
import {
  applyFailed,
  applyFailedMessage,
  effectiveParameter,
  engineFamily,
  forceSslDefault,
  isOn,
  pendingNote,
  settingsHolders,
  settingsOf,
  unsupportedEngine,
} from "./subjects.js";

export const rdsTlsNotEnforced: Check = {
  meta: {
    id: "rds-tls-not-enforced",
    title: "Database accepts unencrypted connections",
    severity: "high",
    resourceType: ["AWS::RDS::DBInstance", "AWS::RDS::DBCluster"],
    rationale:
      "Unless the server refuses plaintext, a misconfigured worker sends its password and every job in clear text across the VPC, where anyone who can capture traffic reads or alters them.",
    remediation:
      "Set `rds.force_ssl = 1` (PostgreSQL) or `require_secure_transport = ON` (MySQL/MariaDB) in a custom (cluster) parameter group: `aws rds modify-db-parameter-group --db-parameter-group-name queue-db-params --parameters ParameterName=rds.force_ssl,ParameterValue=1,ApplyMethod=immediate`.",
    references: [
      "Amazon RDS User Guide: Requiring an SSL/TLS connection to a PostgreSQL DB instance (rds.force_ssl; default 1 from PostgreSQL 15)",
      "Amazon Aurora User Guide: Securing Aurora PostgreSQL data with SSL/TLS (rds.force_ssl defaults to 0)",
      "Amazon RDS API Reference: DBParameterGroupStatus (ParameterApplyStatus failed-to-apply)",
      "CIS PostgreSQL Benchmark: Ensure the server requires TLS for all connections",
    ],
  },
  evaluate(ctx) {
    return settingsHolders(ctx).map((b): CheckResult => {
      const s = settingsOf(b);
      const family = engineFamily(s.Engine);
      if (family === "other") {
        return unsupportedEngine("rds-tls-not-enforced", b, "TLS enforcement");
      }
      const name = family === "postgres" ? "rds.force_ssl" : "require_secure_transport";
      const lookup = effectiveParameter(b, name);
      if (!lookup.ok) return unobserved("rds-tls-not-enforced", b.resource, lookup.error, `${name} of ${b.resource.id}`);
      const { parameter } = lookup;
      let value = parameter.value;
      let origin = `${parameter.groupKind} ${parameter.group}`;
      let defaultRule: string | undefined;
      if (value === undefined) {
        if (family === "postgres") {
          // No value in the group: the engine default applies, which differs by product and version.
          const fallback = forceSslDefault(s.Engine, s.EngineVersion);
          if (!fallback) {
            return unobserved(
              "rds-tls-not-enforced",
              b.resource,
              {
                source: b.resource.id,
                reason: `engine version ${s.EngineVersion} cannot be read`,
                code: "UnknownVersion",
                account: b.partition.account,
                region: b.partition.region,
              },
              `the default of ${name}`,
            );
          }
          value = fallback.value;
          defaultRule = fallback.rule;
        } else {
          value = "0";
          defaultRule = "MySQL/MariaDB default (OFF)";
        }
        origin = `engine default for ${s.Engine} ${s.EngineVersion}: ${defaultRule}`;
      }
      const evidence = {
        parameter: name,
        value,
        origin,
        engine: s.Engine,
        engineVersion: s.EngineVersion,
        ...(defaultRule ? { defaultRule } : {}),
        ...(parameter.applyStatus ? { parameterApplyStatus: parameter.applyStatus } : {}),
      };
      if (isOn(value) && applyFailed(parameter)) {
        return fail("rds-tls-not-enforced", b.resource, name, applyFailedMessage(b.resource.id, parameter, value), evidence);
      }
      return isOn(value)
        ? pass(
            "rds-tls-not-enforced",
            b.resource,
            `${b.resource.id} refuses unencrypted connections (${name} = ${value}, ${origin}).${pendingNote(parameter)}`,
            evidence,
          )
        : fail(
            "rds-tls-not-enforced",
            b.resource,
            name,
            `${b.resource.id} accepts unencrypted connections: ${name} is ${value} (${origin}); set it to ${family === "postgres" ? "1" : "ON"}.`,
            evidence,
          );
    });
  },
};
