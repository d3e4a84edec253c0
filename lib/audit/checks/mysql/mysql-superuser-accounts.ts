import type { CheckResult } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { key, type SuperPath, superuserPath } from "./access/model.js";
import { loginAccounts } from "./accounts.js";
import { accountSql, revokeFirstHop } from "./sql.js";
import { eachMysqlServer, isPlatformAccount } from "./targets.js";

const PRIVILEGE_NAME = /^[A-Z_ ]+$/;

export function superuserFix(account: { user: string; host: string }, path: SuperPath): string[] {
  if (path.first) {
    const cut = revokeFirstHop(account, path.first);
    return cut ? [cut] : [];
  }
  const names = path.how.filter((h) => PRIVILEGE_NAME.test(h));
  return names.length > 0 ? [`REVOKE ${names.join(", ")} ON *.* FROM ${accountSql(path.holder)};`] : [];
}

export const mysqlSuperuserAccounts: Check = {
  meta: {
    id: "mysql-superuser-accounts",
    title: "Account with superuser-like powers outside the admins",
    severity: "high",
    resourceType: "MySQL::Server",
    rationale:
      "SUPER, FILE, CREATE USER, global GRANT OPTION, ROLE_ADMIN, SET_USER_ID / SET USER or write access to the grant tables (the mysql schema) let an account give itself, or anyone, any privilege, read or write files, or run code as another definer: the queue's grants no longer bind it.",
    remediation:
      "`REVOKE SUPER, FILE ON *.* FROM 'ops'@'%';` or break the role path shown, or add the account to the policy's `admins` if it is one.",
    references: [
      "https://dev.mysql.com/doc/refman/8.4/en/privileges-provided.html",
      "CIS Oracle MySQL Benchmark: Ensure administrative privileges are limited",
    ],
  },
  evaluate(ctx) {
    return eachMysqlServer(ctx, "mysql-superuser-accounts", "superuser-like accounts", (view, resource) => {
      const out: CheckResult[] = [];
      const admins: string[] = [];
      const me = key(view.catalog.currentUser);
      for (const a of loginAccounts(view)) {
        const k = key(a);
        if (isPlatformAccount(k) || k === me) continue;
        const path = superuserPath(view.catalog, view.index, a);
        if (!path) continue;
        if (view.policy.admins.has(k)) {
          admins.push(k);
          continue;
        }
        out.push({
          ...fail(
            "mysql-superuser-accounts",
            resource,
            k,
            `Account ${k} has superuser-like powers (${path.text}) but is not an admin of the policy: remove them.`,
            { how: path.how, path: path.text },
          ),
          fix: ((commands) =>
            commands.length > 0
              ? { text: `Remove ${path.how.join(", ")} from ${k}`, commands, kind: "sql" as const }
              : {
                  text: `Remove ${path.how.join(", ")} from ${k} (a mandatory role or a database grant: see the path)`,
                  commands: [],
                  kind: "manual" as const,
                })(superuserFix(a, path)),
        });
      }
      if (out.length > 0) return out;
      return [
        pass("mysql-superuser-accounts", resource, `Only the policy's admins have superuser-like powers on ${view.target.name}.`, {
          admins,
        }),
      ];
    });
  },
};
