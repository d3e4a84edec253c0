/**
 * The chain seal: a MAC over every run hash, the chain head and every delivery receipt,
 * made with a key the writer of findings does not need to hold for anything else. Anyone
 * who can write the table but cannot use the key can delete or edit items, and verify
 * notices, but cannot make an edited run, head or receipt look genuine again.
 *
 * What is sealed is a short canonical message naming the kind of item, so a MAC made for
 * one kind can never be replayed as another.
 */
import { CHAIN_VERSION, canonicalJson } from "./canonical.js";

export interface ChainSeal {
  /** What the key is, for messages: a key file path or a KMS key id. Never key material. */
  readonly description: string;
  /** The MAC of `message`, base64. */
  sign(message: string): Promise<string>;
  /** True when `mac` is the MAC of `message` under this key; false when it is not. */
  verify(message: string, mac: string): Promise<boolean>;
}

export function runSealMessage(run: { seq: number; runId: string; hash: string }): string {
  return canonicalJson({ v: CHAIN_VERSION, kind: "run", seq: run.seq, runId: run.runId, hash: run.hash });
}

export function headSealMessage(head: { seq: number; runId: string; hash: string; expiresAt?: number }): string {
  return canonicalJson({
    v: CHAIN_VERSION,
    kind: "head",
    seq: head.seq,
    runId: head.runId,
    hash: head.hash,
    expiresAt: head.expiresAt,
  });
}

export interface ReceiptMark {
  findingId: string;
  lastNotifiedAt: string;
  lastNotifiedChange: string;
  notifiedEpisode?: string;
}

export function receiptSealMessage(receipt: { runId: string; marks: readonly ReceiptMark[] }): string {
  const marks = [...receipt.marks].sort((a, b) => (a.findingId < b.findingId ? -1 : a.findingId > b.findingId ? 1 : 0));
  return canonicalJson({ v: CHAIN_VERSION, kind: "notified", runId: receipt.runId, marks });
}
