import type { CheckResult, Fix } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { AuditContext, Check } from "../types.js";
import { key } from "./access/model.js";
import { loginAccounts, queueReach } from "./accounts.js";
import { accountSql } from "./sql.js";
import { eachMysqlServer, inMysqlPolicy, isPlatformAccount } from "./targets.js";

/** The in-scope RDS instance or cluster of the same name (how MySQL targets join their AWS resource). */
function rdsOf(ctx: AuditContext, name: string) {
  return ctx.scope.backends.find((b) => (b.kind === "rds-instance" || b.kind === "rds-cluster") && b.resource.id === name);
}

function serverFix(ctx: AuditContext, target: string): Fix {
  const rds = rdsOf(ctx, target);
  if (rds?.kind === "rds-cluster" && rds.cluster.DBClusterParameterGroup) {
    return {
      text: `Set require_secure_transport = ON in ${rds.cluster.DBClusterParameterGroup}`,
      commands: [
        `aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name ${rds.cluster.DBClusterParameterGroup} --parameters ParameterName=require_secure_transport,ParameterValue=ON,ApplyMethod=immediate`,
      ],
      kind: "aws-cli",
    };
  }
  const group = rds?.kind === "rds-instance" ? rds.instance.DBParameterGroups?.[0]?.DBParameterGroupName : undefined;
  if (group && !group.startsWith("default.")) {
    return {
      text: `Set require_secure_transport = ON in ${group}`,
      commands: [
        `aws rds modify-db-parameter-group --db-parameter-group-name ${group} --parameters ParameterName=require_secure_transport,ParameterValue=ON,ApplyMethod=immediate`,
      ],
      kind: "aws-cli",
    };
  }
  if (rds)
    return {
      text: `Attach a custom parameter group with require_secure_transport = ON to ${target} (default groups cannot be changed)`,
      commands: [],
      kind: "manual",
    };
  return { text: "Require TLS for every connection", commands: ["SET PERSIST require_secure_transport = ON;"], kind: "sql" };
}

export const mysqlTlsNotRequired: Check = {
  meta: {
    id: "mysql-tls-not-required",
    title: "Server or queue account accepts unencrypted connections",
    severity: "high",
    resourceType: "MySQL::Server",
    rationale:
      "Unless the server refuses plaintext (require_secure_transport) or the account requires TLS (REQUIRE SSL), a misconfigured worker sends its password and every job in clear text across the network, where anyone who captures traffic reads or alters them.",
    remediation:
      "Set `require_secure_transport = ON` (on RDS in the parameter group: `aws rds modify-db-parameter-group … ParameterName=require_secure_transport,ParameterValue=ON`), or at least `ALTER USER 'app_worker'@'10.20.%' REQUIRE SSL;` for each queue account.",
    references: [
      "https://dev.mysql.com/doc/refman/8.4/en/using-encrypted-connections.html",
      "Amazon RDS User Guide: Requiring SSL/TLS for all connections to a MySQL DB instance",
    ],
  },
  evaluate(ctx) {
    return eachMysqlServer(ctx, "mysql-tls-not-required", "TLS enforcement", (view, resource) => {
      const rds = rdsOf(ctx, view.target.name);
      const joined = rds ? { rdsResource: rds.resource.id } : {};
      if (view.catalog.requireSecureTransport) {
        return [
          pass("mysql-tls-not-required", resource, `${view.target.name} refuses unencrypted connections (require_secure_transport = ON).`, {
            requireSecureTransport: true,
            ...joined,
          }),
        ];
      }
      const out: CheckResult[] = [
        {
          ...fail(
            "mysql-tls-not-required",
            resource,
            "require_secure_transport",
            `${view.target.name} accepts unencrypted connections (require_secure_transport = OFF): set it to ON.`,
            { requireSecureTransport: false, ...joined },
          ),
          fix: serverFix(ctx, view.target.name),
        },
      ];
      // Without the server-wide rule, each account that can use the queue must require TLS itself.
      for (const a of loginAccounts(view)) {
        const k = key(a);
        if (a.sslType !== "" || isPlatformAccount(k)) continue;
        if (!inMysqlPolicy(view.policy, k) && !queueReach(view, a)) continue;
        out.push({
          ...fail(
            "mysql-tls-not-required",
            resource,
            k,
            `Account ${k} can use the queue over plaintext (no REQUIRE SSL) while the server allows it: require TLS for it.`,
            {
              sslType: a.sslType,
              ...joined,
            },
          ),
          fix: { text: `Require TLS for ${k}`, commands: [`ALTER USER ${accountSql(a)} REQUIRE SSL;`], kind: "sql" },
        });
      }
      return out;
    });
  },
};
