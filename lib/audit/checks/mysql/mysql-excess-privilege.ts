import { parseAccount } from "../../config/mysql.js";
import type { CheckResult } from "../../findings/model.js";
import type { MysqlAccountRef, MysqlCatalog } from "../../probes/mysql/types.js";
import { fail, pass } from "../results.js";
import type { Check } from "../types.js";
import { type AccessPath, rootWayIn, sameId } from "./access/model.js";
import { hiddenEventErrors } from "./hidden-events.js";
import { hiddenTriggerErrors } from "./hidden-triggers.js";
import { revokeExcess } from "./sql.js";
import { eachMysqlTable, payloadNote, payloadWrites, sqlFix } from "./targets.js";

/**
 * The revokes, and what they leave to a person: a path through a key or trigger whose grant the
 * policy needs on the queue. `queuePaths` are all the account's paths to the queue.
 */
function excessFix(
  catalog: MysqlCatalog,
  account: string,
  excess: string[],
  paths: AccessPath[],
  queuePaths: readonly AccessPath[],
  allowed: ReadonlySet<string>,
  db: string,
  table: string,
) {
  const own = new Set(queuePaths);
  const me = parseAccount(account);
  // A role is shared when it is granted to anyone else (an account or a role), or is everyone's (PUBLIC, mandatory).
  const shared = (role: MysqlAccountRef) =>
    (role.user === "PUBLIC" && role.host === "") ||
    catalog.mandatoryRoles.some((m) => sameId(m, role)) ||
    catalog.roleEdges.some((e) => sameId(e.role, role) && !sameId(e.grantee, me));
  const commands = paths.map((x) => revokeExcess(me, x, excess, allowed, db, table, own, shared));
  const left = paths.filter((_, i) => commands[i] === undefined && rootWayIn(paths[i] as AccessPath) !== undefined);
  const cutAtOwnStep = paths.filter((p) => p.kind === "proxy" || (p.kind === "role" && shared(p.holder)));
  const notes = [
    left.length > 0
      ? `the path${left.length > 1 ? "s" : ""} through a key or trigger starting from a grant that also gives what the policy allows on the queue (${left.map((p) => p.text).join("; ")}) need the key's rule (or the trigger) changed or that grant narrowed to the tables it is for`
      : "",
    cutAtOwnStep.length > 0
      ? `revoking a PROXY or a role others hold also takes what it gives within the policy: grant ${account} that directly, never through another account or a shared role`
      : "",
  ].filter((n) => n !== "");
  return sqlFix(`Revoke ${excess.join(", ")} where ${account} gets it${notes.map((n) => `; ${n}`).join("")}`, commands);
}

export const mysqlExcessPrivilege: Check = {
  meta: {
    id: "mysql-excess-privilege",
    title: "Queue account holds more than the policy allows",
    severity: "high",
    resourceType: "MySQL::Table",
    rationale:
      "A worker or web account that can DROP, ALTER or grant on the queue turns a bug or a stolen credential into lost or forged jobs; GRANT OPTION lets it hand its privileges to any account it controls.",
    remediation:
      "Revoke what exceeds the policy where it is granted (the evidence names the grant): `REVOKE DELETE, DROP ON `app_production`.`delayed_jobs` FROM 'app_web'@'10.20.%';` or, through a role, from the role.",
    references: [
      "https://dev.mysql.com/doc/refman/8.4/en/revoke.html",
      "CIS Oracle MySQL Benchmark: Ensure database privileges are limited",
    ],
  },
  evaluate(ctx) {
    return eachMysqlTable(ctx, "mysql-excess-privilege", "the policy principals' privileges", ({ view, table, access, resource }) => {
      const out: CheckResult[] = [];
      const judged: string[] = [];
      for (const [account, allowed] of view.policy.principals) {
        if (view.policy.admins.has(account)) continue;
        judged.push(account);
        const p = access.principals.find((x) => x.account === account);
        if (!p) continue;
        const excess = p.privileges.filter((x) => !allowed.has(x as never));
        if (excess.length === 0) continue;
        const paths = p.paths.filter((x) => x.privileges.some((y) => excess.includes(y)));
        const payload = payloadWrites(table, excess, p.columnOnly);
        out.push({
          ...fail(
            "mysql-excess-privilege",
            resource,
            account,
            `Account ${account} holds ${excess.join(", ")} on ${table.qualified} beyond its allowed ${[...allowed].join(", ") || "nothing"} (${paths[0]?.text}): revoke the excess.${payloadNote(table, payload)}`,
            { allowed: [...allowed], excess, paths: paths.map((x) => x.text), ...(payload.length > 0 ? { payloadWrites: payload } : {}) },
          ),
          fix: excessFix(view.catalog, account, excess, paths, p.paths, allowed as ReadonlySet<string>, table.database, table.table),
        });
      }
      // A hidden trigger could give a principal not failing already more than it is allowed.
      const failing = new Set(out.map((r) => r.subject));
      // A hidden event, the same way.
      const beyondAllowed = (account: string, gains: readonly string[]) => {
        const allowed = view.policy.principals.get(account);
        if (!allowed || view.policy.admins.has(account) || failing.has(account)) return [];
        return gains.filter((p) => !allowed.has(p as never));
      };
      out.push(
        ...hiddenTriggerErrors("mysql-excess-privilege", view, access, resource, beyondAllowed),
        ...hiddenEventErrors("mysql-excess-privilege", view, access, resource, beyondAllowed),
      );
      if (out.length > 0) return out;
      return [
        pass("mysql-excess-privilege", resource, `No policy principal holds more than it is allowed on ${table.qualified}.`, {
          principals: judged,
        }),
      ];
    });
  },
};
