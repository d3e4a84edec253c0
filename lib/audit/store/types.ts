import type { FindingState, NotifiedChange } from "../compare/changes.js";
import type { Finding, RunSummary } from "../findings/model.js";

/** A run as recorded: its summary plus its place in the hash chain. */
export interface StoredRun {
  seq: number;
  run: RunSummary;
  /** SHA-256 (hex) of the canonical run content, findings included. */
  hash: string;
  prevHash: string;
  findingCount: number;
  scope: "full" | "partial";
  recordedAt: string;
  /** TTL, epoch seconds. */
  expiresAt?: number;
  /** The previous run's `expiresAt` when this run was appended (hashed); absent for run #1. */
  prevExpiresAt?: number;
}

export interface ChainHead {
  seq: number;
  runId: string;
  hash: string;
  /** The head run's `expiresAt`: lets verify tell a chain that expired from one backdated. */
  expiresAt?: number;
}

/** One finding of one recorded run, as history returns it. */
export interface HistoryRow {
  runId: string;
  at: string;
  finding: Finding;
}

/** Inclusive bounds, ISO 8601. */
export interface TimeRange {
  since?: string;
  until?: string;
}

export interface AppendRunInput {
  run: RunSummary;
  /** The run's findings, `change` set. */
  findings: readonly Finding[];
  /** Next state of every finding id the run touched. */
  states: readonly FindingState[];
  retentionDays: number;
  now: Date;
  scope?: "full" | "partial";
}

export interface NotifiedMark {
  findingId: string;
  /** Only recorded when the state's episode is still this one. */
  openSince?: string;
  lastNotifiedAt: string;
  lastNotifiedChange: NotifiedChange;
  notifiedEpisode?: string;
}

export interface WriteStats {
  /** DynamoDB requests made by the last appendRun (batches, retries, puts, queries). */
  requests: number;
}

/** The one store used by the CLI and the Lambdas. */
export interface Store {
  /** `local:DIR`, `dynamodb:TABLE` or `none`. */
  readonly description: string;
  readonly persistent: boolean;
  loadStates(): Promise<Map<string, FindingState>>;
  appendRun(input: AppendRunInput): Promise<StoredRun & { stats: WriteStats }>;
  markNotified(marks: readonly NotifiedMark[]): Promise<void>;
  /** Recorded runs started within the range, newest first. */
  listRuns(range?: TimeRange & { limit?: number }): Promise<StoredRun[]>;
  getRun(runId: string): Promise<StoredRun | undefined>;
  /** Every finding of a recorded run; throws RunNotFoundError for a run that is not (fully) recorded. */
  runFindings(runId: string): Promise<Finding[]>;
  /** Findings about one resource id in recorded runs within the range, newest first. */
  resourceHistory(resourceId: string, range?: TimeRange): Promise<HistoryRow[]>;
  checkHistory(checkId: string, range?: TimeRange): Promise<HistoryRow[]>;
  /** Findings open now, longest open first. */
  openFindings(): Promise<FindingState[]>;
  /** Recorded runs in chain order (oldest first). */
  chainRuns(): AsyncIterable<StoredRun>;
  chainHead(): Promise<ChainHead | undefined>;
  close(): Promise<void>;
}
