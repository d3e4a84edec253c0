import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { describe, expect, it } from "vitest";
import { batchPut } from "../../../lib/audit/store/batch.js";
import { StoreError } from "../../../lib/audit/store/errors.js";

type Req = { PutRequest: { Item: { n: number } } };

/** A fake DynamoDB that leaves the last `unprocessed` items of each request unprocessed, `times` times. */
function fakeDoc(unprocessed: number, times: number) {
  const calls: number[][] = [];
  let left = times;
  const doc = {
    send: async (cmd: { input: { RequestItems: Record<string, Req[]> } }) => {
      const reqs = cmd.input.RequestItems.t ?? [];
      calls.push(reqs.map((r) => r.PutRequest.Item.n));
      if (left > 0) {
        left--;
        return { UnprocessedItems: { t: reqs.slice(reqs.length - unprocessed) } };
      }
      return { UnprocessedItems: {} };
    },
  };
  return { doc: doc as unknown as DynamoDBDocumentClient, calls };
}

describe("batchPut", () => {
  it("writes in batches of 25 and retries unprocessed items with jittered exponential backoff", async () => {
    const { doc, calls } = fakeDoc(2, 2);
    const sleeps: number[] = [];
    const items = Array.from({ length: 30 }, (_, n) => ({ n }));
    const stats = await batchPut(doc, "t", items, {
      concurrency: 1,
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
      baseDelayMs: 100,
    });

    expect(calls).toEqual([Array.from({ length: 25 }, (_, n) => n), [23, 24], [23, 24], Array.from({ length: 5 }, (_, n) => 25 + n)]);
    expect(sleeps).toEqual([50, 100]);
    expect(stats.requests).toBe(4);
  });

  it("fails loudly when throttling outlasts the retries", async () => {
    const { doc } = fakeDoc(1, 100);
    await expect(batchPut(doc, "t", [{ n: 1 }], { maxAttempts: 3, sleep: async () => {} })).rejects.toThrow(StoreError);
  });
});
