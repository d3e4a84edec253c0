/**
 * Collected partitions and probe observations between their steps and evaluate. Either can
 * be far larger than a Step Functions payload (256 KB) — 10,000 security groups are
 * megabytes of JSON, a database with 5,000 roles half a megabyte — so the step stores it
 * and passes a key. It is stored gzipped, in chunks under DynamoDB's 400 KB item limit,
 * with a TTL of two days: a run's scratch data, not evidence.
 */
import { promisify } from "node:util";
import { gunzip, gzip } from "node:zlib";
import { BatchWriteItemCommand, type DynamoDBClient, paginateQuery, type WriteRequest } from "@aws-sdk/client-dynamodb";
import type { InventoryPartition } from "../../lib/audit/inventory/types.js";

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Bytes of gzip per item: well under 400 KB with the key attributes. */
export const CHUNK_BYTES = 350_000;
export const ARTIFACT_TTL_SECONDS = 2 * 86_400;
const BATCH = 25;

export class ArtifactError extends Error {
  override name = "ArtifactError";
}

export function artifactKey(runId: string, account: string, region: string): string {
  return `${runId}/${account}/${region}`;
}

/** Under the run's prefix, apart from partitions (whose second segment is a 12-digit account). */
export function probeArtifactKey(runId: string, kind: "postgres" | "redis" | "mysql", name: string): string {
  return `${runId}/probe/${kind}/${name}`;
}

export interface PutStats {
  chunks: number;
  bytes: number;
}

export function putPartition(
  client: DynamoDBClient,
  table: string,
  key: string,
  partition: InventoryPartition,
  now = new Date(),
): Promise<PutStats> {
  return putArtifact(client, table, key, partition, now);
}

export function getPartition(client: DynamoDBClient, table: string, key: string): Promise<InventoryPartition> {
  return getArtifact(client, table, key) as Promise<InventoryPartition>;
}

/** Any JSON value under `key`, replacing nothing: keys are unique per run and step. */
export async function putArtifact(client: DynamoDBClient, table: string, key: string, value: unknown, now = new Date()): Promise<PutStats> {
  const body = await gzipAsync(Buffer.from(JSON.stringify(value), "utf8"));
  const expiresAt = Math.floor(now.getTime() / 1000) + ARTIFACT_TTL_SECONDS;
  const count = Math.max(1, Math.ceil(body.length / CHUNK_BYTES));
  const requests: WriteRequest[] = [];
  for (let i = 0; i < count; i++) {
    requests.push({
      PutRequest: {
        Item: {
          pk: { S: key },
          sk: { N: String(i) },
          count: { N: String(count) },
          data: { B: body.subarray(i * CHUNK_BYTES, (i + 1) * CHUNK_BYTES) },
          expiresAt: { N: String(expiresAt) },
        },
      },
    });
  }
  for (let i = 0; i < requests.length; i += BATCH) await writeAll(client, table, requests.slice(i, i + BATCH));
  return { chunks: count, bytes: body.length };
}

/** BatchWriteItem until nothing is left unprocessed (the SDK's retry covers throttling errors, not partial batches). */
async function writeAll(client: DynamoDBClient, table: string, batch: WriteRequest[]): Promise<void> {
  let pending = batch;
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (attempt >= 8) throw new ArtifactError(`${pending.length} artifact chunk(s) stayed unprocessed after ${attempt} attempts`);
    if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(2000, 50 * 2 ** attempt) * Math.random()));
    const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: pending } }));
    pending = out.UnprocessedItems?.[table] ?? [];
  }
}

export async function getArtifact(client: DynamoDBClient, table: string, key: string): Promise<unknown> {
  const chunks: Uint8Array[] = [];
  let expected: number | undefined;
  const pages = paginateQuery(
    { client },
    { TableName: table, KeyConditionExpression: "pk = :k", ExpressionAttributeValues: { ":k": { S: key } }, ConsistentRead: true },
  );
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      expected ??= Number(item.count?.N);
      const data = item.data?.B;
      if (!data) throw new ArtifactError(`artifact ${key}: chunk ${item.sk?.N} has no data`);
      chunks.push(data);
    }
  }
  if (chunks.length === 0) throw new ArtifactError(`artifact ${key}: not found (expired, or never written)`);
  if (chunks.length !== expected) throw new ArtifactError(`artifact ${key}: ${chunks.length} of ${expected} chunks`);
  return JSON.parse((await gunzipAsync(Buffer.concat(chunks))).toString("utf8")) as unknown;
}
