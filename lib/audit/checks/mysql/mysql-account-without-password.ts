import type { CheckResult } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { key } from "./access/model.js";
import { describeReach, loginAccounts, queueReach } from "./accounts.js";
import { accountSql } from "./sql.js";
import { eachMysqlServer, inMysqlPolicy, isPlatformAccount } from "./targets.js";

export const mysqlAccountWithoutPassword: Check = {
  meta: {
    id: "mysql-account-without-password",
    title: "Account logs in without a password",
    severity: "high",
    resourceType: "MySQL::Server",
    rationale:
      "Anyone who can reach the port logs in as an account with an empty password and gets all it holds, roles and proxies included. A password-expired account is no safer: its first session may set a new password and then use every privilege.",
    remediation:
      "Set a password (`ALTER USER 'app_web'@'10.20.%' IDENTIFIED BY '…';`, or IAM authentication on RDS) or lock the account (`ALTER USER … ACCOUNT LOCK;`).",
    references: [
      "https://dev.mysql.com/doc/refman/8.4/en/assigning-passwords.html",
      "CIS Oracle MySQL Benchmark: Ensure passwords are set for all MySQL accounts",
    ],
  },
  evaluate(ctx) {
    return eachMysqlServer(ctx, "mysql-account-without-password", "account credentials", (view, resource) => {
      const out: CheckResult[] = [];
      for (const a of loginAccounts(view)) {
        const k = key(a);
        if (a.hasCredential || isPlatformAccount(k)) continue;
        const reach = queueReach(view, a);
        const inPolicy = inMysqlPolicy(view.policy, k);
        out.push({
          ...fail(
            "mysql-account-without-password",
            resource,
            k,
            `Account ${k} (${a.plugin || "no plugin"}) logs in with no password${a.passwordExpired ? " (expired: the first session may set one and then use every privilege)" : ""}${reach ? ` and holds ${describeReach(reach)}` : ""}: set a password or lock it.`,
            { plugin: a.plugin, passwordExpired: a.passwordExpired, ...(reach ? { tables: reach.tables, paths: reach.paths } : {}) },
          ),
          fix: inPolicy
            ? { text: `Give ${k} a password (or IAM authentication); locking it would stop the queue`, commands: [], kind: "manual" }
            : { text: `Lock ${k} until it has a password`, commands: [`ALTER USER ${accountSql(a)} ACCOUNT LOCK;`], kind: "sql" },
        });
      }
      if (out.length > 0) return out;
      return [pass("mysql-account-without-password", resource, `Every account that can log in to ${view.target.name} needs a credential.`)];
    });
  },
};
