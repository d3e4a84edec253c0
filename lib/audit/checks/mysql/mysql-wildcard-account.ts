import { parseAccount } from "../../config/mysql.js";
import type { CheckResult } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { key } from "./access/model.js";
import { hostSpecificity, hostsOverlap, isAnyHost } from "./access/patterns.js";
import { describeReach, loginAccounts, queueReach } from "./accounts.js";
import { accountSql } from "./sql.js";
import { eachMysqlServer, inMysqlPolicy, isPlatformAccount } from "./targets.js";

export const mysqlWildcardAccount: Check = {
  meta: {
    id: "mysql-wildcard-account",
    title: "Anonymous or any-host account reaches the queue",
    severity: "high",
    resourceType: "MySQL::Server",
    rationale:
      "An anonymous account (''@host) lets anyone log in with any user name; an account at host '%' accepts its password from every address. When such an account can use the queue, or when an anonymous account matches where the policy's accounts connect from (the server then picks the more specific anonymous row, so the worker logs in as nobody), the policy no longer says who uses the queue.",
    remediation:
      "`DROP USER ''@'localhost';`, or narrow the host (`RENAME USER 'intern'@'%' TO 'intern'@'10.20.%';`), or list the account in the policy if '%' is intended.",
    references: [
      "https://dev.mysql.com/doc/refman/8.4/en/connection-access.html",
      "CIS Oracle MySQL Benchmark: Ensure no anonymous accounts exist",
    ],
  },
  evaluate(ctx) {
    return eachMysqlServer(ctx, "mysql-wildcard-account", "anonymous and any-host accounts", (view, resource) => {
      const out: CheckResult[] = [];
      const policyAccounts = [...view.policy.principals.keys(), ...view.policy.admins].map(parseAccount);
      for (const a of loginAccounts(view)) {
        const k = key(a);
        if (isPlatformAccount(k)) continue;
        const anonymous = a.user === "";
        const anyHost = isAnyHost(a.host);
        if (!anonymous && !anyHost) continue;
        const reach = queueReach(view, a);
        const shadows = anonymous
          ? policyAccounts
              .filter((p) => p.user !== "" && hostsOverlap(p.host, a.host) && hostSpecificity(a.host) > hostSpecificity(p.host))
              .map(key)
          : [];
        if (!anonymous && (!reach || inMysqlPolicy(view.policy, k))) continue;
        if (anonymous && !reach && shadows.length === 0) continue;
        const parts = [
          ...(reach ? [`holds ${describeReach(reach)} (${reach.paths[0]})`] : []),
          ...(shadows.length > 0 ? [`is picked instead of ${shadows.join(", ")} for clients from ${a.host}`] : []),
        ];
        out.push({
          ...fail(
            "mysql-wildcard-account",
            resource,
            k,
            `${anonymous ? "Anonymous account" : "Any-host account"} ${k} ${parts.join(" and ")}: ${anonymous ? "drop it" : "narrow its host or add it to the policy"}.`,
            { anonymous, anyHost, ...(reach ? { tables: reach.tables, paths: reach.paths } : {}), shadows },
          ),
          fix: anonymous
            ? { text: `Drop the anonymous account ${k}`, commands: [`DROP USER ${accountSql(a)};`], kind: "sql" }
            : {
                text: `Narrow ${k} to the network its clients use (for example your VPC's range)`,
                commands: [`RENAME USER ${accountSql(a)} TO ${accountSql({ user: a.user, host: "10.20.%" })};`],
                kind: "manual",
              },
        });
      }
      if (out.length > 0) return out;
      return [pass("mysql-wildcard-account", resource, `No anonymous or any-host account reaches the queue on ${view.target.name}.`)];
    });
  },
};
