export { verifyChain, type BrokenLink, type ChainReport } from "./chain.js";
export { canonicalJson, GENESIS_HASH, runHash } from "./canonical.js";
export { ChainConflictError, NoStoreError, RunNotFoundError, StoreError, StoreSpecError } from "./errors.js";
export { createTableInput, TTL_ATTRIBUTE } from "./keys.js";
export { DEFAULT_LOCAL_DIR, ensureTable, openStore, parseStoreSpec, type OpenStoreOptions } from "./open.js";
export { markNotified, recordRun, type RecordedRun, type RecordOptions } from "./record.js";
export type { ChainHead, HistoryRow, NotifiedMark, Store, StoredRun, TimeRange } from "./types.js";
