/**
 * BatchWriteItem in chunks of 25, retrying UnprocessedItems with exponential backoff and
 * full jitter (DynamoDB returns them under throttling; dropping them would silently lose
 * evidence).
 */
import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { StoreError } from "./errors.js";

export interface BatchOptions {
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Chunks in flight at once. */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface BatchStats {
  requests: number;
}

const BATCH = 25;

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

export function batchPut(
  doc: DynamoDBDocumentClient,
  table: string,
  items: readonly Record<string, unknown>[],
  opts: BatchOptions = {},
): Promise<BatchStats> {
  return batchWrite(
    doc,
    table,
    items.map((Item) => ({ PutRequest: { Item } })),
    opts,
  );
}

/** Deletes the items with these primary keys, with the same chunking and retries as batchPut. */
export function batchDelete(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  opts: BatchOptions = {},
): Promise<BatchStats> {
  return batchWrite(
    doc,
    table,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
    opts,
  );
}

async function batchWrite(
  doc: DynamoDBDocumentClient,
  table: string,
  writes: readonly WriteRequest[],
  opts: BatchOptions,
): Promise<BatchStats> {
  const stats: BatchStats = { requests: 0 };
  const chunks: WriteRequest[][] = [];
  for (let i = 0; i < writes.length; i += BATCH) chunks.push(writes.slice(i, i + BATCH));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const chunk = chunks[next++];
      if (chunk) await writeChunk(doc, table, chunk, opts, stats);
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 8, chunks.length) }, worker));
  return stats;
}

async function writeChunk(
  doc: DynamoDBDocumentClient,
  table: string,
  chunk: WriteRequest[],
  opts: BatchOptions,
  stats: BatchStats,
): Promise<void> {
  const maxAttempts = opts.maxAttempts ?? 10;
  const base = opts.baseDelayMs ?? 50;
  const cap = opts.maxDelayMs ?? 5_000;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const random = opts.random ?? Math.random;
  let requests = chunk;
  for (let attempt = 0; ; attempt++) {
    stats.requests++;
    const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
    const left = out.UnprocessedItems?.[table] ?? [];
    if (left.length === 0) return;
    if (attempt + 1 >= maxAttempts) {
      throw new StoreError(`DynamoDB left ${left.length} item(s) unprocessed after ${maxAttempts} attempts (throttled)`);
    }
    requests = left as typeof requests;
    await sleep(Math.floor(random() * Math.min(cap, base * 2 ** attempt)));
  }
}
