/**
 * Verification of the run hash chain (format 3). For every run record: its hash must be
 * the hash of its fields, its seal (a MAC only the recording function can make) must
 * hold, it must link to the previous run and sit at the next position, and unless it is
 * past retention its findings must match the `findingsHash` it records. The chain head
 * must be sealed and agree with the last run. Finding states must agree with the last
 * verified run that touched them, and notification marks with their sealed receipts.
 *
 * Expiry is never taken from the TTL attribute alone: a run may be past retention only by
 * its hashed and sealed `recordedAt` + `retentionDays`, and a run may be missing only when
 * the sealed `priorExpiresAt` of the run after it (or the head's `expiresAt`, for the end
 * of the chain) says every earlier run had expired by now. Verifying nothing is not
 * "intact": a store with no verifiable run fails and says what is missing.
 */
import type { Finding } from "../findings/model.js";
import { CHAIN_VERSION, expiryOf, findingsHash, GENESIS_HASH, runHash } from "./canonical.js";
import { notificationDisagreement, type Occurrence, type StateIssue, stateDisagreement } from "./chain-states.js";
import { type ChainSeal, headSealMessage, type ReceiptMark, receiptSealMessage, runSealMessage } from "./seal.js";
import type { Store, StoredRun } from "./types.js";

export type { StateIssue } from "./chain-states.js";

export interface BrokenLink {
  seq: number;
  runId: string;
  startedAt: string;
  reason: string;
}

export interface ChainReport {
  ok: boolean;
  /** Runs whose record, seal and findings verified. */
  verified: number;
  /** Runs past retention whose sealed record verified but whose findings are partly swept. */
  expired: number;
  /** Runs no longer stored whose absence retention explains. */
  gone: number;
  lastSeq?: number;
  lastHash?: string;
  /** The first run (or the head) that does not verify. */
  broken?: BrokenLink;
  /** What made the chain unverifiable as a whole (no key, another format, nothing verified). */
  problem?: string;
  /** States that disagree with the chain; at most `MAX_STATE_ISSUES` listed. */
  stateIssues: StateIssue[];
  stateIssueCount: number;
}

const MAX_STATE_ISSUES = 20;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

export async function verifyChain(store: Store, opts: { now?: Date } = {}): Promise<ChainReport> {
  const nowSeconds = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  const seal = store.seal;
  let verified = 0;
  let expired = 0;
  let gone = 0;
  const report = (extra: Partial<ChainReport>): ChainReport => ({
    ok: false,
    verified,
    expired,
    gone,
    stateIssues: [],
    stateIssueCount: 0,
    ...extra,
  });
  const fail = (run: { seq: number; run: { id: string; startedAt: string } }, reason: string) =>
    report({ broken: { seq: run.seq, runId: run.run.id, startedAt: run.run.startedAt, reason } });
  if (!seal) {
    return report({
      problem: `${store.description} has no chain key to check seals with: set QUEUE_AUDITOR_CHAIN_KEY to the KMS HMAC key (the stack output ChainKeyArn)`,
    });
  }

  let prev: StoredRun | undefined;
  const hashes = new Map<number, string>();
  const occurrences = new Map<string, Occurrence>();
  const liveRunIds = new Set<string>();
  let oldestStartedAt: string | undefined;
  for await (const stored of store.chainRuns()) {
    if (stored.v !== CHAIN_VERSION) {
      return report({
        problem: `run #${stored.seq} is chain format ${stored.v ?? "2 or earlier"}; this version verifies format ${CHAIN_VERSION} only. Start a new chain by recording into a new local directory (--store local:DIR) or a new table; keep this store unchanged as the evidence it is, verified by the queue-auditor version that wrote it`,
      });
    }
    const why = await recordDisagreement(stored, seal);
    if (why) return fail(stored, why);
    const expected = (prev?.seq ?? 0) + 1;
    if (stored.seq > expected) {
      const range = expected === stored.seq - 1 ? `run #${expected} is` : `runs #${expected} to #${stored.seq - 1} are`;
      if (stored.priorExpiresAt === undefined || stored.priorExpiresAt > nowSeconds) {
        const kept =
          stored.priorExpiresAt === undefined ? "" : `: this run records that earlier runs are kept until ${iso(stored.priorExpiresAt)}`;
        return fail(stored, `${range} missing before this run, and retention does not explain it${kept}`);
      }
      gone += stored.seq - expected;
    } else if (prev && stored.prevHash !== prev.hash) {
      return fail(stored, `prevHash does not match the hash of run #${prev.seq} (${prev.run.id})`);
    }
    if (stored.seq === 1 && stored.prevHash !== GENESIS_HASH) {
      return fail(stored, "the first run does not start the chain (prevHash is not the genesis hash)");
    }
    const pastRetention = (stored.expiresAt ?? 0) <= nowSeconds;
    const findings = await store.runFindings(stored.run.id);
    const intact = findings.length === stored.findingCount && findingsHash(findings) === stored.findingsHash;
    if (!intact && !pastRetention) {
      return fail(
        stored,
        findings.length !== stored.findingCount
          ? `has ${findings.length} findings stored, the run recorded ${stored.findingCount}`
          : "its findings do not match its hash (a finding was changed, added or replaced)",
      );
    }
    if (intact) {
      verified++;
      for (const finding of findings) remember(occurrences, stored, finding);
      if (!pastRetention) liveRunIds.add(stored.run.id);
    } else {
      expired++;
    }
    oldestStartedAt ??= stored.run.startedAt;
    hashes.set(stored.seq, stored.hash);
    prev = stored;
  }

  const head = await store.chainHead();
  const lastSeq = prev?.seq ?? 0;
  const headFail = (reason: string) => report({ broken: { seq: head?.seq ?? lastSeq, runId: head?.runId ?? "", startedAt: "", reason } });
  if (!head) {
    if (prev)
      return headFail(
        `the chain head is missing: runs are recorded up to #${lastSeq}, but the sealed head that names the last run is gone`,
      );
    const states = await store.loadStates();
    if (states.size > 0) {
      return report({
        problem: `no run records and no chain head, but ${states.size} finding state(s) remain: the run records were deleted`,
      });
    }
    return report({ problem: `no runs recorded in ${store.description}: nothing to verify` });
  }
  if (!head.mac || !(await seal.verify(headSealMessage(head), head.mac))) {
    return headFail(
      `the chain head (run #${head.seq}) is not sealed by ${seal.description}: it was written by someone without the chain key`,
    );
  }
  if (head.seq > lastSeq) {
    const range = head.seq === lastSeq + 1 ? `run #${head.seq} is` : `runs #${lastSeq + 1} to #${head.seq} are`;
    if (head.expiresAt === undefined || head.expiresAt > nowSeconds) {
      const kept = head.expiresAt === undefined ? "" : ` (the head records runs kept until ${iso(head.expiresAt)})`;
      return headFail(`the chain head names run #${head.seq}, but ${range} missing from the end and retention does not explain it${kept}`);
    }
    gone += head.seq - lastSeq;
  } else if (hashes.has(head.seq) && hashes.get(head.seq) !== head.hash) {
    return headFail(`the chain head's hash is not the hash of run #${head.seq}: that run was rewritten`);
  }
  if (verified === 0) {
    const left = [expired ? `${expired} past retention with findings swept` : "", gone ? `${gone} gone with retention` : ""]
      .filter(Boolean)
      .join(", ");
    return report({
      problem: `nothing verified: the chain head names run #${head.seq}, but no run's findings could be checked${left ? ` (${left})` : ""}`,
    });
  }

  const issues = await checkStates(store, seal, occurrences, liveRunIds, { oldestStartedAt, someGone: gone + expired > 0 });
  return {
    ok: issues.length === 0,
    verified,
    expired,
    gone,
    ...(prev ? { lastSeq: prev.seq, lastHash: prev.hash } : {}),
    stateIssues: issues.slice(0, MAX_STATE_ISSUES),
    stateIssueCount: issues.length,
  };
}

/** The run record against its own hash and seal, before any of its findings are read. */
async function recordDisagreement(stored: StoredRun, seal: ChainSeal): Promise<string | undefined> {
  if (stored.findingsHash === undefined || stored.retentionDays === undefined || stored.expiresAt === undefined) {
    return "the run record lacks its findingsHash, retentionDays or expiresAt";
  }
  const hash = runHash({
    seq: stored.seq,
    prevHash: stored.prevHash,
    run: stored.run,
    findingsHash: stored.findingsHash,
    findingCount: stored.findingCount,
    scope: stored.scope,
    recordedAt: stored.recordedAt,
    retentionDays: stored.retentionDays,
    expiresAt: stored.expiresAt,
    ...(stored.priorExpiresAt !== undefined ? { priorExpiresAt: stored.priorExpiresAt } : {}),
  });
  if (hash !== stored.hash) return "the run record does not match its hash (a field of the run, its expiry included, was changed)";
  if (stored.expiresAt !== expiryOf(stored.recordedAt, stored.retentionDays)) {
    return "its expiry is not its recording time plus its retention";
  }
  if (!stored.mac || !(await seal.verify(runSealMessage({ seq: stored.seq, runId: stored.run.id, hash }), stored.mac))) {
    return `its hash is not sealed by ${seal.description}: the run was written or rewritten by someone without the chain key`;
  }
  return undefined;
}

function remember(occurrences: Map<string, Occurrence>, run: StoredRun, finding: Finding): void {
  occurrences.set(finding.id, { runId: run.run.id, seq: run.seq, startedAt: run.run.startedAt, finding });
}

async function checkStates(
  store: Store,
  seal: ChainSeal,
  occurrences: ReadonlyMap<string, Occurrence>,
  liveRunIds: ReadonlySet<string>,
  past: { oldestStartedAt: string | undefined; someGone: boolean },
): Promise<StateIssue[]> {
  const states = await store.loadStates();
  const issues: StateIssue[] = [];
  const receipts = new Map<string, Promise<readonly ReceiptMark[] | undefined>>();
  const receiptOf = (runId: string) => {
    let found = receipts.get(runId);
    if (!found) {
      found = sealedReceipt(store, seal, runId);
      receipts.set(runId, found);
    }
    return found;
  };
  for (const state of states.values()) {
    const seen = occurrences.get(state.findingId);
    let reason: string | undefined;
    if (!seen) {
      // Its last run may have expired before the state did (TTL sweeps within days).
      const mayHaveExpired = past.someGone && past.oldestStartedAt !== undefined && state.lastSeen < past.oldestStartedAt;
      if (!mayHaveExpired) reason = `the state names run ${state.lastRunId}, but no verified run records this finding`;
    } else {
      reason = stateDisagreement(state, seen);
    }
    reason ??= state.lastNotifiedRunId
      ? notificationDisagreement(state, await receiptOf(state.lastNotifiedRunId))
      : notificationDisagreement(state, undefined);
    if (reason) issues.push({ findingId: state.findingId, reason });
  }
  // Every finding of a live run has a state (states expire with the last run that wrote them).
  for (const [findingId, seen] of occurrences) {
    if (liveRunIds.has(seen.runId) && !states.has(findingId)) {
      issues.push({ findingId, reason: `run #${seen.seq} (${seen.runId}) records this finding, but its state is missing` });
    }
  }
  return issues;
}

async function sealedReceipt(store: Store, seal: ChainSeal, runId: string): Promise<readonly ReceiptMark[] | undefined> {
  const receipt = await store.notifiedReceipt(runId);
  if (!receipt?.mac) return undefined;
  return (await seal.verify(receiptSealMessage(receipt), receipt.mac)) ? receipt.marks : undefined;
}
