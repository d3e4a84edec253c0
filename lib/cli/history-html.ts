/** `history --format html`: the evidence report over what the history query returned. */

import type { CheckId } from "../audit/checks/ids.js";
import { checkMeta } from "../audit/checks/registry.js";
import type { Config } from "../audit/config/schema.js";
import type { Finding } from "../audit/findings/model.js";
import { renderHtmlReport } from "../audit/report/html.js";
import { type Store, verifyChain } from "../audit/store/index.js";
import type { HistoryData } from "./history.js";

/** An open violation as a finding, so the report's table can show it with its remediation. */
function openAsFinding(state: Extract<HistoryData, { kind: "open" }>["open"][number]): Finding {
  const meta = checkMeta(state.checkId as CheckId);
  return {
    id: state.findingId,
    checkId: state.checkId,
    status: state.status,
    severity: state.severity,
    resource: state.resource,
    ...(state.subject !== undefined ? { subject: state.subject } : {}),
    message: state.message,
    evidence: { openSince: state.openSince ?? null, lastSeen: state.lastSeen, lastRunId: state.lastRunId },
    remediation: meta.remediation,
    references: [...meta.references],
  };
}

/** The chain's state for the report, as `verify` computes it. */
export async function chainStatus(store: Store, now: Date) {
  const report = await verifyChain(store, { now });
  return report.ok
    ? { status: "intact" as const, checkedRuns: report.verified }
    : { status: "broken" as const, checkedRuns: report.verified, ...(report.broken ? { firstBadRunId: report.broken.runId } : {}) };
}

/**
 * Runs: the chart over the period, the findings of its latest run (the state the period
 * ended in) and the chain status. Findings and open violations: those rows.
 */
export async function renderHistoryHtml(data: HistoryData, store: Store, now = new Date(), config?: Config): Promise<string> {
  const generatedAt = now.toISOString();
  const policy = config ? { config } : {};
  switch (data.kind) {
    case "runs": {
      const latest = data.runs[0];
      return renderHtmlReport({
        title: "queue-auditor history",
        history: { runs: data.runs.map((r) => r.run).reverse() },
        findings: latest ? await store.runFindings(latest.run.id) : [],
        chain: await chainStatus(store, now),
        generatedAt,
        ...policy,
      });
    }
    case "findings":
      return renderHtmlReport({
        title: "queue-auditor history: findings",
        findings: data.rows.map((r) => r.finding),
        generatedAt,
        ...policy,
      });
    case "open":
      return renderHtmlReport({ title: "queue-auditor: open violations", findings: data.open.map(openAsFinding), generatedAt, ...policy });
  }
}
