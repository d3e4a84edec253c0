import type { UndocumentedGrant } from "../../config/policy-document.js";
import type { Config } from "../../config/schema.js";
import type { AuditResult, Finding, Outcome, Severity, Status } from "../../findings/model.js";
import type { Episode } from "../evidence/episodes.js";
import type { ScheduleExpectation } from "../evidence/gaps.js";

/** What an evidence pack's report adds: the period asked for and what happened in it. */
export interface PeriodFacts {
  since: string;
  until: string;
  runs: number;
  schedule?: ScheduleExpectation;
  episodes: Episode[];
  mutes: { check: string; resource: string; subject?: string; reason: string; expires: string; state: string }[];
  undocumented?: UndocumentedGrant[];
  toolVersion: string;
  configHash?: string;
}

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
  /** The evidence pack's period: gaps, time to resolve, mutes in effect. */
  period?: PeriodFacts;
  /** Report heading; defaults to "Job queue access audit". */
  title?: string;
}
