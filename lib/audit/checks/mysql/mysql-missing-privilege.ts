import { parseAccount } from "../../config/mysql.js";
import type { CheckResult } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { accountSql, ident } from "./sql.js";
import { eachMysqlTable } from "./targets.js";

export const mysqlMissingPrivilege: Check = {
  meta: {
    id: "mysql-missing-privilege",
    title: "Queue account lacks a privilege the policy gives it",
    severity: "low",
    resourceType: "MySQL::Table",
    rationale:
      "Policy and reality disagree: either the policy is stale (and approves access nobody needs) or the workers will fail when they need the privilege.",
    remediation:
      "Grant what the policy says (`GRANT SELECT, INSERT ON `app_production`.`delayed_jobs` TO 'app_web'@'10.20.%';`), or correct the policy.",
    references: ["https://dev.mysql.com/doc/refman/8.4/en/grant.html"],
  },
  evaluate(ctx) {
    return eachMysqlTable(ctx, "mysql-missing-privilege", "the policy principals' privileges", ({ view, table, access, resource }) => {
      const out: CheckResult[] = [];
      for (const [account, allowed] of view.policy.principals) {
        const p = access.principals.find((x) => x.account === account);
        const exists = view.index.account(parseAccount(account)) !== undefined;
        // Column-only grants do not give the table-wide privilege the policy names.
        const held = new Set((p?.privileges ?? []).filter((x) => !p?.columnOnly[x]));
        const missing = [...allowed].filter((x) => !held.has(x));
        if (missing.length === 0) continue;
        out.push({
          ...fail(
            "mysql-missing-privilege",
            resource,
            account,
            exists
              ? `Account ${account} lacks ${missing.join(", ")} on ${table.qualified}, which the policy gives it: grant it or correct the policy.`
              : `Account ${account} of the policy does not exist on ${view.target.name}: create it or correct the policy.`,
            { missing, exists },
          ),
          fix: exists
            ? {
                text: `Grant ${account} what the policy gives it`,
                commands: [
                  `GRANT ${missing.join(", ")} ON ${ident(table.database)}.${ident(table.table)} TO ${accountSql(parseAccount(account))};`,
                ],
                kind: "sql",
              }
            : { text: `Create ${account} or remove it from the policy`, commands: [], kind: "manual" },
        });
      }
      if (out.length > 0) return out;
      return [
        pass("mysql-missing-privilege", resource, `Every policy principal holds what the policy gives it on ${table.qualified}.`, {
          principals: [...view.policy.principals.keys()],
        }),
      ];
    });
  },
};
