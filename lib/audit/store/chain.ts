/**
 * Verification of the run hash chain: every run's stored hash must equal the hash of its
 * content as stored now, link to the previous run's hash, and sit at the next sequence
 * number; the chain head must not point past the last run (runs cut off the end).
 *
 * Runs past their TTL are skipped: DynamoDB deletes expired items within days, not at
 * once, so a partly deleted old run is expiry, not tampering. The first run after them
 * anchors the chain (its prevHash cannot be checked against a deleted run).
 */
import { GENESIS_HASH, runHash } from "./canonical.js";
import type { Store, StoredRun } from "./types.js";

export interface BrokenLink {
  seq: number;
  runId: string;
  startedAt: string;
  reason: string;
}

export interface ChainReport {
  ok: boolean;
  /** Runs whose hash was recomputed. */
  verified: number;
  /** Runs skipped because their TTL has passed. */
  expired: number;
  lastSeq?: number;
  lastHash?: string;
  broken?: BrokenLink;
}

export async function verifyChain(store: Store, opts: { now?: Date } = {}): Promise<ChainReport> {
  const nowSeconds = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  let prev: StoredRun | undefined;
  let verified = 0;
  let expired = 0;
  const fail = (run: { seq: number; run: { id: string; startedAt: string } }, reason: string): ChainReport => ({
    ok: false,
    verified,
    expired,
    broken: { seq: run.seq, runId: run.run.id, startedAt: run.run.startedAt, reason },
  });

  for await (const stored of store.chainRuns()) {
    if (stored.expiresAt !== undefined && stored.expiresAt <= nowSeconds) {
      expired++;
      prev = undefined;
      continue;
    }
    if (prev && stored.seq !== prev.seq + 1) {
      return fail(stored, `run #${prev.seq + 1} to #${stored.seq - 1} missing before this run`);
    }
    if (prev && stored.prevHash !== prev.hash) {
      return fail(stored, `prevHash does not match the hash of run #${prev.seq} (${prev.run.id})`);
    }
    if (!prev && expired === 0 && stored.seq !== 1) {
      return fail(stored, `runs #1 to #${stored.seq - 1} missing before this run`);
    }
    if (!prev && expired === 0 && stored.prevHash !== GENESIS_HASH) {
      return fail(stored, "the first run does not start the chain (prevHash is not the genesis hash)");
    }
    const findings = await store.runFindings(stored.run.id);
    if (findings.length !== stored.findingCount) {
      return fail(stored, `has ${findings.length} findings stored, the run recorded ${stored.findingCount}`);
    }
    const hash = runHash({ seq: stored.seq, prevHash: stored.prevHash, run: stored.run, findings });
    if (hash !== stored.hash) return fail(stored, "content does not match its hash (the run or one of its findings was changed)");
    verified++;
    prev = stored;
  }
  const head = await store.chainHead();
  const cutOff = prev ? head !== undefined && head.seq > prev.seq : head !== undefined && expired === 0;
  if (head && cutOff) {
    return {
      ok: false,
      verified,
      expired,
      broken: {
        seq: head.seq,
        runId: head.runId,
        startedAt: "",
        reason: `the chain head names run #${head.seq} but the last recorded run is #${prev?.seq ?? 0}: runs were removed from the end`,
      },
    };
  }
  return { ok: true, verified, expired, ...(prev ? { lastSeq: prev.seq, lastHash: prev.hash } : {}) };
}
