import type { Config } from "../../config/schema.js";
import type { AuditResult, Finding, Outcome, Severity, Status } from "../../findings/model.js";

/** One stored run, as the history chart needs it. */
export interface HistoryRun {
  id: string;
  startedAt: string;
  outcome: Outcome;
  counts: Record<Status, number>;
  /** FAIL findings per severity; without it the chart shows the FAIL total as one band. */
  violationsBySeverity?: Partial<Record<Severity, number>>;
}

export interface ChainStatus {
  status: "intact" | "broken" | "unknown";
  checkedRuns: number;
  firstBadRunId?: string;
}

export interface HtmlReportInput {
  /** The run the report is about; absent for a history-only report. */
  result?: AuditResult;
  history?: { runs: HistoryRun[] };
  /** Findings to list when there is no single run (history reports); wins over result.findings. */
  findings?: Finding[];
  chain?: ChainStatus;
  /** For the mutes and the declared access policy. */
  config?: Config;
  /** ISO 8601; also the clock mutes are judged by (active or expired). */
  generatedAt: string;
  /** Report heading; defaults to "Job queue access audit". */
  title?: string;
}
