/**
 * The chain chain.test.ts edits: three runs and one delivery, written by the real recording
 * path (`recordRun`, `markNotified`, the DynamoDB store on dynalite) and kept as JSON in
 * test/fixtures/chain/three-runs.json, so the verifier's tests read it in microseconds
 * instead of starting dynalite (what makes `npm run mutation -- chain` affordable).
 * recorded-chain.test.ts records it again and fails when the recording path has moved on;
 * then regenerate it:
 *
 *   npx tsx test/audit/store/chain-fixture.ts
 *
 * The key is a fixed test key (32 bytes of 7): it seals nothing but this fixture.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { FindingState } from "../../../lib/audit/compare/changes.js";
import type { Finding } from "../../../lib/audit/findings/model.js";
import { markNotified, recordRun } from "../../../lib/audit/record.js";
import { plain } from "../../../lib/audit/store/canonical.js";
import { HmacSeal } from "../../../lib/audit/store/seal-local.js";
import type { ChainHead, NotifiedReceipt, StoredRun } from "../../../lib/audit/store/types.js";
import { finding, memoryStore, POLICY, result } from "./helpers.js";

export const CHAIN_SEAL = new HmacSeal(() => Buffer.alloc(32, 7), "the test chain key");
export const RUN_TIMES = ["2025-05-01T00:00:00.000Z", "2025-05-02T00:00:00.000Z", "2025-05-03T00:00:00.000Z"];
const FIXTURE = fileURLToPath(new URL("../../fixtures/chain/three-runs.json", import.meta.url));

/** Everything verify reads, as plain data (maps as entry lists, as JSON keeps them). */
export interface RecordedChain {
  runs: StoredRun[];
  head: ChainHead | undefined;
  findings: [string, Finding[]][];
  states: [string, FindingState][];
  receipts: [string, NotifiedReceipt][];
}

/** r1: a opens; r2: b opens too, and the alert naming a and b is delivered; r3: a still fails, b passes. */
export async function recordChain(): Promise<RecordedChain> {
  const { store } = await memoryStore(CHAIN_SEAL);
  try {
    const perRun = [
      [finding({ id: "a" })],
      [finding({ id: "a" }), finding({ id: "b" })],
      [finding({ id: "a" }), finding({ id: "b", status: "PASS" })],
    ];
    for (const [i, findings] of perRun.entries()) {
      const when = RUN_TIMES[i] as string;
      const run = await recordRun(store, result(`r${i + 1}`, when, findings), POLICY, new Date(when));
      if (i === 1 && run.notification) await markNotified(store, run.notification, new Date(Date.parse(when) + 5000));
    }
    const runs: StoredRun[] = [];
    for await (const run of store.chainRuns()) runs.push(run);
    const findings: [string, Finding[]][] = [];
    const receipts: [string, NotifiedReceipt][] = [];
    for (const run of runs) {
      findings.push([run.run.id, await store.runFindings(run.run.id)]);
      const receipt = await store.notifiedReceipt(run.run.id);
      if (receipt) receipts.push([run.run.id, receipt]);
    }
    const states = [...(await store.loadStates())].sort(([a], [b]) => a.localeCompare(b));
    return plain({ runs, head: await store.chainHead(), findings, states, receipts });
  } finally {
    await store.close();
  }
}

export function loadRecordedChain(): RecordedChain {
  return JSON.parse(readFileSync(FIXTURE, "utf8")) as RecordedChain;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(FIXTURE, `${JSON.stringify(await recordChain(), null, 2)}\n`);
  console.log(`wrote ${FIXTURE}`);
}
