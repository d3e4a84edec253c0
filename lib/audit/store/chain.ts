/**
 * Verification of the run hash chain: every run's stored hash must equal the hash of its
 * content as stored now, link to the previous run's hash, and sit at the next sequence
 * number; the chain head must not point past the last run (runs cut off the end).
 *
 * Runs past their TTL are skipped: DynamoDB deletes expired items within days, not at
 * once, so a partly deleted old run is expiry, not tampering. Expiry is only believed
 * where it can be true and is vouched for:
 * - expired runs may only form a leading prefix of the chain (runs expire oldest first);
 *   an expired run after a verified one is a break, so backdating one run's `expiresAt`
 *   cannot hide an edit to it;
 * - the first verified run after expired or deleted runs must have recorded (in its
 *   hashed `prevExpiresAt`) that its predecessor's expiry has passed;
 * - when the last run itself is expired, the chain head's copy of its expiry must agree.
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

  let lastExpired: StoredRun | undefined;
  for await (const stored of store.chainRuns()) {
    if (stored.expiresAt !== undefined && stored.expiresAt <= nowSeconds) {
      if (prev) return fail(stored, `is marked expired but run #${prev.seq} before it is not: runs expire oldest first`);
      expired++;
      lastExpired = stored;
      continue;
    }
    if (prev && stored.seq !== prev.seq + 1) {
      return fail(stored, `run #${prev.seq + 1} to #${stored.seq - 1} missing before this run`);
    }
    if (prev && stored.prevHash !== prev.hash) {
      return fail(stored, `prevHash does not match the hash of run #${prev.seq} (${prev.run.id})`);
    }
    if (!prev && stored.seq === 1 && stored.prevHash !== GENESIS_HASH) {
      return fail(stored, "the first run does not start the chain (prevHash is not the genesis hash)");
    }
    if (!prev && stored.seq !== 1) {
      // Its predecessors are gone or expired: believe it only if this run saw them expiring by now.
      if (stored.prevExpiresAt === undefined) {
        return fail(stored, `runs #1 to #${stored.seq - 1} missing before this run`);
      }
      if (stored.prevExpiresAt > nowSeconds) {
        const was = new Date(stored.prevExpiresAt * 1000).toISOString();
        return fail(stored, `run #${stored.seq - 1} before it is missing or marked expired, but was recorded to expire at ${was}`);
      }
    }
    const findings = await store.runFindings(stored.run.id);
    if (findings.length !== stored.findingCount) {
      return fail(stored, `has ${findings.length} findings stored, the run recorded ${stored.findingCount}`);
    }
    const hash = runHash({
      seq: stored.seq,
      prevHash: stored.prevHash,
      run: stored.run,
      findings,
      scope: stored.scope,
      recordedAt: stored.recordedAt,
      expiresAt: stored.expiresAt,
      prevExpiresAt: stored.prevExpiresAt,
    });
    if (hash !== stored.hash) return fail(stored, "content does not match its hash (the run or one of its findings was changed)");
    verified++;
    prev = stored;
  }
  const head = await store.chainHead();
  const lastSeq = prev?.seq ?? lastExpired?.seq ?? 0;
  const headFail = (reason: string): ChainReport => ({
    ok: false,
    verified,
    expired,
    broken: { seq: head?.seq ?? lastSeq, runId: head?.runId ?? "", startedAt: "", reason },
  });
  if (head && head.seq > lastSeq) {
    // Past an expired tail the records may be gone already; only a live one is cut off.
    const tailExpired = head.expiresAt !== undefined ? head.expiresAt <= nowSeconds : expired > 0;
    if (prev || !tailExpired) {
      return headFail(`the chain head names run #${head.seq} but the last recorded run is #${lastSeq}: runs were removed from the end`);
    }
  }
  if (!prev && lastExpired && head && head.seq === lastExpired.seq && head.expiresAt !== undefined && head.expiresAt > nowSeconds) {
    const was = new Date(head.expiresAt * 1000).toISOString();
    return headFail(`run #${head.seq} is marked expired but the chain head records it expires at ${was}`);
  }
  return { ok: true, verified, expired, ...(prev ? { lastSeq: prev.seq, lastHash: prev.hash } : {}) };
}
