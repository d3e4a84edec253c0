import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ArtifactError, artifactKey, CHUNK_BYTES, getPartition, putPartition } from "../../lambda/support/artifacts.js";
import { readOfflineInventory } from "../../lib/audit/inventory/offline.js";
import type { InventoryPartition } from "../../lib/audit/inventory/types.js";
import { fixtureConfig, type LambdaEnv, startLambdaEnv } from "./support.js";

describe("partition artifacts in DynamoDB", () => {
  let env: LambdaEnv;
  beforeAll(async () => {
    env = await startLambdaEnv(fixtureConfig("clean"));
  });
  afterAll(() => env.close());

  it("round-trips a real partition under one key", async () => {
    const [partition] = (await readOfflineInventory("test/fixtures/inventory/clean")).partitions as [InventoryPartition];
    const key = artifactKey("exec-1", partition.account, partition.region);
    const stats = await putPartition(env.dynamo.client, env.artifactsTable, key, partition);
    expect(stats.chunks).toBe(1);
    expect(await getPartition(env.dynamo.client, env.artifactsTable, key)).toEqual(partition);
  });

  it("splits a partition larger than one item into chunks and joins them back", async () => {
    const [base] = (await readOfflineInventory("test/fixtures/inventory/clean")).partitions as [InventoryPartition];
    // Random descriptions do not compress: several items' worth of gzip.
    const groups = Array.from({ length: 600 }, (_, i) => ({
      GroupId: `sg-${String(i).padStart(17, "0")}`,
      Description: randomBytes(1500).toString("base64"),
    }));
    const big: InventoryPartition = { ...base, securityGroups: { ok: true, value: groups } };
    const stats = await putPartition(env.dynamo.client, env.artifactsTable, "exec-2/big", big);
    expect(stats.bytes).toBeGreaterThan(2 * CHUNK_BYTES);
    expect(stats.chunks).toBe(Math.ceil(stats.bytes / CHUNK_BYTES));
    expect(await getPartition(env.dynamo.client, env.artifactsTable, "exec-2/big")).toEqual(big);
  });

  it("says so when an artifact is missing (expired or never written)", async () => {
    await expect(getPartition(env.dynamo.client, env.artifactsTable, "exec-3/none")).rejects.toThrow(
      new ArtifactError("artifact exec-3/none: not found (expired, or never written)"),
    );
  });
});
