/**
 * `--store none`: nothing is remembered, so every finding is `new` and every FAIL at the
 * threshold alerts. Reads fail with NoStoreError.
 */
import type { FindingState } from "../compare/changes.js";
import type { Finding } from "../findings/model.js";
import { CHAIN_VERSION, expiryOf, findingsHash, GENESIS_HASH, plain, runHash } from "./canonical.js";
import { NoStoreError } from "./errors.js";
import type { AppendRunInput, ChainHead, HistoryRow, NotifiedReceipt, Store, StoredRun, WriteStats } from "./types.js";

const NONE = "history needs a store; --store none keeps nothing (use --store local or dynamodb:TABLE)";

export class NoStore implements Store {
  readonly description = "none";
  readonly persistent = false;
  /** Nothing is kept, so nothing is sealed. */
  readonly seal = undefined;
  async loadStates(): Promise<Map<string, FindingState>> {
    return new Map();
  }
  async appendRun(input: AppendRunInput): Promise<StoredRun & { stats: WriteStats }> {
    const run = plain(input.run);
    const findings = plain(input.findings);
    const recordedAt = input.recordedAt.toISOString();
    const content = {
      seq: 1,
      prevHash: GENESIS_HASH,
      run,
      findingsHash: findingsHash(findings),
      findingCount: findings.length,
      scope: input.scope ?? "full",
      recordedAt,
      retentionDays: input.retentionDays,
      expiresAt: expiryOf(recordedAt, input.retentionDays),
    } as const;
    return { v: CHAIN_VERSION, ...content, hash: runHash(content), stats: { requests: 0 } };
  }
  async markNotified(): Promise<void> {}
  listRuns(): Promise<StoredRun[]> {
    return Promise.reject(new NoStoreError(NONE));
  }
  getRun(): Promise<StoredRun | undefined> {
    return Promise.reject(new NoStoreError(NONE));
  }
  runFindings(): Promise<Finding[]> {
    return Promise.reject(new NoStoreError(NONE));
  }
  resourceHistory(): Promise<HistoryRow[]> {
    return Promise.reject(new NoStoreError(NONE));
  }
  checkHistory(): Promise<HistoryRow[]> {
    return Promise.reject(new NoStoreError(NONE));
  }
  openFindings(): Promise<FindingState[]> {
    return Promise.reject(new NoStoreError(NONE));
  }
  chainRuns(): AsyncIterable<StoredRun> {
    throw new NoStoreError(NONE);
  }
  chainHead(): Promise<ChainHead | undefined> {
    return Promise.reject(new NoStoreError(NONE));
  }
  notifiedReceipt(): Promise<NotifiedReceipt | undefined> {
    return Promise.reject(new NoStoreError(NONE));
  }
  async close(): Promise<void> {}
}
