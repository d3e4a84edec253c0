export { canonicalJson, GENESIS_HASH, runHash } from "./canonical.js";
export { type BrokenLink, type ChainReport, verifyChain } from "./chain.js";
export { ChainConflictError, NoStoreError, RunNotFoundError, StoreError, StoreSpecError } from "./errors.js";
export { createTableInput, TTL_ATTRIBUTE } from "./keys.js";
export { DEFAULT_LOCAL_DIR, ensureTable, type OpenStoreOptions, openStore, parseStoreSpec } from "./open.js";
export type { ChainHead, HistoryRow, NotifiedMark, Store, StoredRun, TimeRange } from "./types.js";
