import type { FindingState, NotifiedChange } from "../compare/changes.js";
import type { Finding, RunSummary } from "../findings/model.js";
import type { ChainSeal, ReceiptMark } from "./seal.js";

/** A run as recorded: its summary plus its place in the hash chain. */
export interface StoredRun {
  /** Chain format (3). A record without it was written by format 2 or earlier. */
  v?: number;
  seq: number;
  run: RunSummary;
  /** SHA-256 (hex) of the canonical run content (see canonical.ts). */
  hash: string;
  prevHash: string;
  /** SHA-256 of the run's findings; the record can be checked without them. */
  findingsHash?: string;
  findingCount: number;
  scope: "full" | "partial";
  /** Wall-clock time of recording (never `--now`). */
  recordedAt: string;
  retentionDays?: number;
  /** TTL, epoch seconds: recordedAt + retentionDays. */
  expiresAt?: number;
  /** The latest expiry of any earlier run (hashed); absent for run #1. */
  priorExpiresAt?: number;
  /** The chain seal's MAC of `runSealMessage` (base64). */
  mac?: string;
}

export interface ChainHead {
  seq: number;
  runId: string;
  hash: string;
  /** The latest expiry of any run up to the head's: when every run may have expired. */
  expiresAt?: number;
  /** The chain seal's MAC of `headSealMessage` (base64). */
  mac?: string;
}

/** What `markNotified` delivered for one run, sealed so a state cannot claim a delivery that did not happen. */
export interface NotifiedReceipt {
  runId: string;
  marks: ReceiptMark[];
  mac?: string;
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
  /** When the run is recorded: the wall clock, never an audit's `--now`. */
  recordedAt: Date;
  scope?: "full" | "partial";
}

export interface NotifiedMark {
  findingId: string;
  /** The run whose notification was delivered: its sealed receipt backs the mark. */
  runId: string;
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
  /** The key that seals runs, the head and receipts; undefined when the store keeps nothing. */
  readonly seal: ChainSeal | undefined;
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
  /** The sealed delivery receipt of a run, if its notification was delivered. */
  notifiedReceipt(runId: string): Promise<NotifiedReceipt | undefined>;
  close(): Promise<void>;
}
