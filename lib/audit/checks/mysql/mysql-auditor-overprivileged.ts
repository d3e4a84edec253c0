import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { key, superuserPath } from "./access/model.js";
import { queuePrivileges } from "./accounts.js";
import { superuserFix } from "./mysql-superuser-accounts.js";
import { cutPath } from "./sql.js";
import { eachMysqlServer } from "./targets.js";

export const mysqlAuditorOverprivileged: Check = {
  meta: {
    id: "mysql-auditor-overprivileged",
    title: "Auditor's account can read or change the queue",
    severity: "medium",
    resourceType: "MySQL::Server",
    rationale:
      "The auditor needs to read the grant tables and see the triggers and events only. An audit credential that can also read the jobs or write the queue (or holds superuser-like powers) turns the auditor itself into an attack path, and its evidence is no better than the account's integrity.",
    remediation:
      "Use the audit account of docs/mysql.md (SELECT on the grant tables and mysql.event, SHOW VIEW, TRIGGER; EVENT on MySQL) and revoke anything else: `REVOKE ALL PRIVILEGES ON `app_production`.* FROM 'queue_auditor'@'10.20.%';`.",
    references: ["https://dev.mysql.com/doc/refman/8.4/en/privileges-provided.html"],
  },
  evaluate(ctx) {
    return eachMysqlServer(ctx, "mysql-auditor-overprivileged", "the auditor's privileges", (view, resource) => {
      const me = view.catalog.currentUser;
      const name = key(me);
      const su = superuserPath(view.catalog, view.index, me);
      if (su) {
        return [
          {
            ...fail(
              "mysql-auditor-overprivileged",
              resource,
              name,
              `The auditor's account ${name} has superuser-like powers (${su.text}): use the least-privilege audit account.`,
              {
                how: su.how,
                path: su.text,
              },
            ),
            fix: { text: `Remove ${su.how.join(", ")} from the auditor`, commands: superuserFix(me, su), kind: "sql" },
          },
        ];
      }
      const held: Record<string, string[]> = {};
      const paths = [];
      for (const access of view.access.values()) {
        const p = access.principals.find((x) => x.account === name);
        const privileges = p ? queuePrivileges(view, p) : [];
        if (!p || privileges.length === 0) continue;
        held[access.qualified] = privileges;
        paths.push(...p.paths.filter((x) => x.privileges.some((y) => privileges.includes(y))));
      }
      if (Object.keys(held).length > 0) {
        const what = Object.entries(held)
          .map(([t, p]) => `${p.join(", ")} on ${t}`)
          .join("; ");
        return [
          {
            ...fail(
              "mysql-auditor-overprivileged",
              resource,
              name,
              `The auditor's account ${name} holds ${what} (${paths[0]?.text}): it must not read or change the queue.`,
              {
                tables: held,
                paths: paths.map((x) => x.text),
              },
            ),
            fix: {
              text: "Revoke the auditor's access to the queue",
              commands: [...new Set(paths.map((x) => cutPath(me, x)).filter((x) => x !== undefined))],
              kind: "sql",
            },
          },
        ];
      }
      return [
        pass(
          "mysql-auditor-overprivileged",
          resource,
          `The auditor's account ${name} has no superuser-like powers and cannot read or change the queue tables.`,
          { account: name },
        ),
      ];
    });
  },
};
