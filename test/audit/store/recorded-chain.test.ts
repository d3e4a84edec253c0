/**
 * The chain fixture chain.test.ts verifies is what the recording path writes today: when
 * recording changes (a field, the hash, the seal message), this fails and says how to
 * regenerate it, so the verifier is never tested against records no writer makes.
 */
import { expect, it } from "vitest";
import { loadRecordedChain, recordChain } from "./chain-fixture.js";

it("test/fixtures/chain/three-runs.json is the chain recordRun writes (else: npx tsx test/audit/store/chain-fixture.ts)", async () => {
  expect(await recordChain()).toEqual(loadRecordedChain());
});
