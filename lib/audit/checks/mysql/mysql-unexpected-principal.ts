import { parseAccount } from "../../config/mysql.js";
import type { CheckResult } from "../../findings/model.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { hiddenEventErrors } from "./hidden-events.js";
import { hiddenTriggerErrors } from "./hidden-triggers.js";
import { cutPath } from "./sql.js";
import { eachMysqlTable, inMysqlPolicy, isPlatformAccount, payloadNote, payloadWrites, sqlFix } from "./targets.js";

export const mysqlUnexpectedPrincipal: Check = {
  meta: {
    id: "mysql-unexpected-principal",
    title: "Account outside the policy can use the queue table",
    severity: "high",
    resourceType: "MySQL::Table",
    rationale:
      "Every account that can read the queue sees job arguments (often personal data and tokens); every account that can write it can enqueue code the workers will run. Access arrives through database patterns, roles (nested, default or SET ROLE), mandatory roles, PROXY and DEFINER routines and views, so the table's own grants do not tell who can use it.",
    remediation:
      "Cut the path shown in the evidence: `REVOKE 'queue_rw' FROM 'intern'@'%';`, `REVOKE SELECT ON `app\\_%`.* FROM 'reporting'@'%';`, `REVOKE PROXY ON 'app_worker'@'10.20.%' FROM 'carol'@'%';` — or, if the access is intended, add the account to the policy's `principals`.",
    references: ["https://dev.mysql.com/doc/refman/8.4/en/privilege-system.html", "https://mariadb.com/kb/en/grant/"],
  },
  evaluate(ctx) {
    return eachMysqlTable(ctx, "mysql-unexpected-principal", "the users", ({ view, table, access, resource }) => {
      const out: CheckResult[] = [];
      const allowed: string[] = [];
      for (const p of access.principals) {
        if (!p.login) continue;
        if (inMysqlPolicy(view.policy, p.account) || isPlatformAccount(p.account)) {
          allowed.push(p.account);
          continue;
        }
        // The auditor's own access is mysql-auditor-overprivileged's to report.
        if (p.account === `${view.catalog.currentUser.user}@${view.catalog.currentUser.host}`) continue;
        const payload = payloadWrites(table, p.privileges, p.columnOnly);
        const account = parseAccount(p.account);
        out.push({
          ...fail(
            "mysql-unexpected-principal",
            resource,
            p.account,
            `Account ${p.account} is not in the policy but holds ${p.privileges.join(", ")} on ${table.qualified} (${p.paths[0]?.text}): cut that path or add the account to the policy.${payloadNote(table, payload)}`,
            {
              privileges: p.privileges,
              columnOnly: p.columnOnly,
              paths: p.paths.map((x) => x.text),
              ...(payload.length > 0 ? { payloadWrites: payload } : {}),
            },
          ),
          fix: sqlFix(
            `Remove every path that gives ${p.account} access to ${table.qualified}`,
            p.paths.map((x) => cutPath(account, x)),
          ),
        });
      }
      // A hidden trigger could give an account outside the policy access it does not have yet.
      const failing = new Set(out.map((r) => r.subject));
      // A hidden event, the same way.
      const outsidePolicy = (account: string, gains: readonly string[]) =>
        inMysqlPolicy(view.policy, account) || isPlatformAccount(account) || failing.has(account) ? [] : [...gains];
      out.push(
        ...hiddenTriggerErrors("mysql-unexpected-principal", view, access, resource, outsidePolicy),
        ...hiddenEventErrors("mysql-unexpected-principal", view, access, resource, outsidePolicy),
      );
      if (out.length > 0) return out;
      return [
        pass("mysql-unexpected-principal", resource, `Only accounts of the policy can use ${table.qualified}.`, {
          principals: allowed.sort(),
        }),
      ];
    });
  },
};
