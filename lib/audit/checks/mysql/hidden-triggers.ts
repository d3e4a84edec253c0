/**
 * The ERROR a mysql-* check gives when triggers the audit account cannot see could change its
 * verdict (access/hidden-triggers.ts says when): what is hidden, who could define such a
 * trigger, who would gain, and the grant that lets the audit account see them.
 */
import type { CheckResult, ResourceRef } from "../../findings/model.js";
import type { CheckId } from "../ids.js";
import { unobserved } from "../results.js";
import { hiddenTriggerRisks } from "./access/hidden-triggers.js";
import { type MysqlTableAccess, scopeText } from "./access/model.js";
import { type Judge, judgedRisks, listed } from "./hidden-risks.js";
import { accountSql, onSql } from "./sql.js";
import type { MysqlView } from "./targets.js";

/**
 * One ERROR for the table when a hidden trigger could give an account `judged` picks more than
 * it holds (`judged` returns what would count against it: [] when nothing would), else nothing.
 */
export function hiddenTriggerErrors(
  checkId: CheckId,
  view: MysqlView,
  access: MysqlTableAccess,
  resource: ResourceRef,
  judged: Judge,
): CheckResult[] {
  const risks = judgedRisks(hiddenTriggerRisks(view.index, access), judged);
  if (risks.length === 0) return [];
  const scopes = [...new Set(risks.map((r) => scopeText(r.on)))];
  const definers = [...new Set(risks.map((r) => r.definer))];
  const accounts = [...new Set(risks.flatMap((r) => r.accounts.map((a) => a.account)))].sort();
  const grants = [...new Set(risks.map((r) => `GRANT TRIGGER ON ${onSql(r.on)} TO ${accountSql(view.catalog.currentUser)};`))];
  const cause = {
    source: `mysql:${view.target.name}`,
    reason: `the audit account cannot see the triggers on ${listed(scopes)} (information_schema shows a table's triggers only to an account holding TRIGGER on it), where ${listed(definers)} may define one that runs with its own access to ${access.qualified}; to read them: ${listed(grants)} (docs/mysql.md)`,
    code: "TRIGGERS_HIDDEN",
  };
  const result = unobserved(
    checkId,
    resource,
    cause,
    `whether triggers give ${listed(accounts)} access to ${access.qualified} beyond what the policy allows`,
    "hidden triggers",
  );
  result.evidence = {
    ...result.evidence,
    hiddenTriggers: risks.map((r) => ({ definer: r.definer, on: scopeText(r.on), gives: r.gives, accounts: r.accounts })),
  };
  return [result];
}
