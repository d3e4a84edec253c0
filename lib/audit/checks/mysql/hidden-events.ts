/**
 * The ERROR a mysql-* check gives when scheduled events the audit account cannot read could
 * change its verdict (access/hidden-events.ts says when): who could define such an event, who
 * would gain, and the grant that lets the audit account read the events.
 */
import type { CheckResult, ResourceRef } from "../../findings/model.js";
import type { CheckId } from "../ids.js";
import { unobserved } from "../results.js";
import { hiddenEventRisks } from "./access/hidden-events.js";
import { type MysqlTableAccess, scopeText } from "./access/model.js";
import { type Judge, judgedRisks, listed } from "./hidden-risks.js";
import { accountSql } from "./sql.js";
import type { MysqlView } from "./targets.js";

/**
 * One ERROR for the table when an unread event could give an account `judged` picks more than
 * it holds (`judged` returns what would count against it: [] when nothing would), else nothing.
 */
export function hiddenEventErrors(
  checkId: CheckId,
  view: MysqlView,
  access: MysqlTableAccess,
  resource: ResourceRef,
  judged: Judge,
): CheckResult[] {
  const risks = judgedRisks(hiddenEventRisks(view.index, access), judged);
  if (risks.length === 0) return [];
  const definers = risks.map((r) => r.definer);
  const accounts = [...new Set(risks.flatMap((r) => r.accounts.map((a) => a.account)))].sort();
  const auditor = accountSql(view.catalog.currentUser);
  const grant = view.catalog.flavor === "mariadb" ? `GRANT SELECT ON mysql.event TO ${auditor};` : `GRANT EVENT ON *.* TO ${auditor};`;
  const cause = {
    source: `mysql:${view.target.name}`,
    reason: `the audit account cannot read the scheduled events, which run as their definers (${listed(definers)} may be one, with its own access to ${access.qualified}), so whoever may replace a routine an event calls is not known; to read them: ${grant} (docs/mysql.md)`,
    code: "EVENTS_HIDDEN",
  };
  const result = unobserved(
    checkId,
    resource,
    cause,
    `whether scheduled events give ${listed(accounts)} access to ${access.qualified} beyond what the policy allows`,
    "hidden events",
  );
  result.evidence = {
    ...result.evidence,
    hiddenEvents: risks.map((r) => ({ definer: r.definer, on: r.on.map(scopeText), gives: r.gives, accounts: r.accounts })),
  };
  return [result];
}
