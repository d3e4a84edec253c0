/**
 * A Distributed Map's collect run read back by the evaluate step: every discovered partition
 * is collected or an ERROR finding — a failed child, a caught failure, or no result at all.
 */
import "aws-sdk-client-mock-vitest/extend";
import { KMSClient } from "@aws-sdk/client-kms";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { artifactKey, putPartition } from "../../lambda/support/artifacts.js";
import type { DiscoveredItem, EvaluateEvent } from "../../lambda/support/contract.js";
import { type ChildExecution, MapRunError, mapRunOutcomes, NO_RESULT, readCollectRun } from "../../lambda/support/map-run.js";
import { configSchema } from "../../lib/audit/config/schema.js";
import { readOfflineInventory } from "../../lib/audit/inventory/offline.js";
import type { InventoryPartition } from "../../lib/audit/inventory/types.js";
import { DynamoStore } from "../../lib/audit/store/dynamo-store.js";
import { fakeHmacKey } from "../support/fake-kms.js";
import { fixtureConfig, type LambdaEnv, startLambdaEnv } from "./support.js";

const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const kms = mockClient(KMSClient);
const CHAIN_KEY = "arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
fakeHmacKey(kms, CHAIN_KEY);

const A = "200000000001";
const B = "200000000002";
const C = "200000000003";
const D = "200000000004";
const BUCKET = "queue-auditor-partitions";

const item = (account: string, region = "eu-west-1"): DiscoveredItem => ({ account, region, accountListed: true, unreachable: null });
const input = (account: string, region = "eu-west-1") => JSON.stringify({ ...item(account, region), runId: "exec-1" });

/** What the ResultWriter exports (Transformation NONE): the child's metadata, Input and Output as JSON strings. */
const succeeded = (account: string, output: unknown): ChildExecution => ({
  Status: "SUCCEEDED",
  Input: input(account),
  Output: JSON.stringify(output),
});
const failed = (account: string, error: string, cause: string): ChildExecution => ({
  Status: "FAILED",
  Input: input(account),
  Error: error,
  Cause: cause,
});

describe("mapRunOutcomes", () => {
  it("gives every discovered partition an outcome: its artifact, its caught failure, its failed child, or no result", () => {
    const outcomes = mapRunOutcomes(
      [item(A), item(B), item(C), item(D)],
      [
        succeeded(A, { account: A, region: "eu-west-1", key: `exec-1/${A}/eu-west-1` }),
        succeeded(B, {
          account: B,
          region: "eu-west-1",
          accountListed: true,
          failed: true,
          error: "Lambda.Unknown",
          cause: '{"errorMessage":"boom"}',
        }),
      ],
      [failed(C, "States.Timeout", "The child execution timed out.")],
    );
    expect(outcomes).toEqual([
      { account: A, region: "eu-west-1", key: `exec-1/${A}/eu-west-1` },
      { account: B, region: "eu-west-1", accountListed: true, failed: true, error: "Lambda.Unknown", cause: '{"errorMessage":"boom"}' },
      {
        account: C,
        region: "eu-west-1",
        accountListed: true,
        failed: true,
        error: "States.Timeout",
        cause: "The child execution timed out.",
      },
      { account: D, region: "eu-west-1", accountListed: true, failed: true, error: NO_RESULT, cause: expect.stringMatching(/no result/) },
    ]);
  });

  it("prefers a redriven child's success over its earlier failure", () => {
    const outcomes = mapRunOutcomes(
      [item(A)],
      [succeeded(A, { account: A, region: "eu-west-1", key: "k" })],
      [failed(A, "States.Timeout", "")],
    );
    expect(outcomes).toEqual([{ account: A, region: "eu-west-1", key: "k" }]);
  });

  it("refuses an Output that is neither an artifact key nor a failure marker", () => {
    expect(() => mapRunOutcomes([item(A)], [succeeded(A, { account: A, region: "eu-west-1" })], [])).toThrow(MapRunError);
    expect(() => mapRunOutcomes([item(A)], [{ Status: "SUCCEEDED", Output: "not json" }], [])).toThrow(/expected a JSON object/);
  });
});

/** The part of the SDK's response stream the reader uses. */
function body(value: unknown) {
  return { transformToString: async () => JSON.stringify(value) } as never;
}

/** The objects a Map Run leaves in the bucket, served by the mocked S3 client. */
function mapRunObjects(objects: Record<string, unknown>) {
  s3.on(GetObjectCommand).callsFake((req: { Bucket: string; Key: string }) => {
    if (req.Bucket !== BUCKET || !(req.Key in objects)) throw Object.assign(new Error("NoSuchKey"), { name: "NoSuchKey" });
    return { Body: body(objects[req.Key]) };
  });
}

const RUN = {
  items: { bucket: BUCKET, key: "runs/exec-1/partitions.json" },
  manifest: { bucket: BUCKET, key: "map-runs/0f1e/manifest.json" },
};

describe("readCollectRun", () => {
  afterEach(() => s3.reset());

  it("reads the items and every SUCCEEDED and FAILED file the manifest lists", async () => {
    mapRunObjects({
      "runs/exec-1/partitions.json": [item(A), item(B), item(C)],
      "map-runs/0f1e/manifest.json": {
        DestinationBucket: BUCKET,
        MapRunArn: "arn:aws:states:eu-west-1:111122223333:mapRun:Workflow/Collect:0f1e",
        ResultFiles: {
          SUCCEEDED: [
            { Key: "map-runs/0f1e/SUCCEEDED_0.json", Size: 1 },
            { Key: "map-runs/0f1e/SUCCEEDED_1.json", Size: 1 },
          ],
          FAILED: [{ Key: "map-runs/0f1e/FAILED_0.json", Size: 1 }],
          PENDING: [],
        },
      },
      "map-runs/0f1e/SUCCEEDED_0.json": [succeeded(A, { account: A, region: "eu-west-1", key: "ka" })],
      "map-runs/0f1e/SUCCEEDED_1.json": [succeeded(B, { account: B, region: "eu-west-1", key: "kb" })],
      "map-runs/0f1e/FAILED_0.json": [failed(C, "States.Runtime", "An error occurred while executing the state.")],
    });
    const outcomes = await readCollectRun(new S3Client({ region: "eu-west-1" }), RUN);
    expect(outcomes.map((o) => ("key" in o ? o.key : o.error))).toEqual(["ka", "kb", "States.Runtime"]);
  });
});

describe("gathered by the discover function, then evaluate-and-record, after a Distributed Map", () => {
  let env: LambdaEnv;
  let handler: (event: unknown) => Promise<{ runId: string; outcome: string; counts: Record<string, number> }>;
  let gather: (event: unknown) => Promise<{ key: string; count: number }>;
  const config = configSchema.parse({
    ...fixtureConfig("clean"),
    aws: { regions: ["eu-west-1"], organization: { roleName: "QueueAuditorReadOnly" } },
  });

  beforeAll(async () => {
    env = await startLambdaEnv(config);
    process.env.QUEUE_AUDITOR_CHAIN_KEY = CHAIN_KEY;
    ({ handler } = await import("../../lambda/evaluate.js"));
    ({ handler: gather } = (await import("../../lambda/discover.js")) as unknown as { handler: typeof gather });
  });
  afterEach(() => {
    s3.reset();
    sns.reset();
  });
  afterAll(() => env.close());

  it("records the collected partition and an audit-error for the failed child and for the partition with no result", async () => {
    const [partition] = (await readOfflineInventory("test/fixtures/inventory/clean")).partitions as [InventoryPartition];
    const key = artifactKey("exec-1", A, "eu-west-1");
    await putPartition(env.dynamo.client, env.artifactsTable, key, { ...partition, account: A, origin: { kind: "live" } });
    mapRunObjects({
      "runs/exec-1/partitions.json": [item(A), item(B), item(C)],
      "map-runs/0f1e/manifest.json": {
        ResultFiles: { SUCCEEDED: [{ Key: "map-runs/0f1e/SUCCEEDED_0.json" }], FAILED: [{ Key: "map-runs/0f1e/FAILED_0.json" }] },
      },
      "map-runs/0f1e/SUCCEEDED_0.json": [succeeded(A, { account: A, region: "eu-west-1", key })],
      "map-runs/0f1e/FAILED_0.json": [failed(B, "States.Timeout", "The child execution timed out.")],
    });
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    // The state machine's GatherCollectRun task: the discover function, given the Map Run's results.
    const gathered = await gather({ runId: "exec-1", collectRun: RUN });
    expect(gathered).toEqual({ key: "exec-1/collect-run", count: 3 });
    const event: EvaluateEvent = {
      partitions: [],
      collectOutcomes: gathered.key,
      probes: [],
      execution: {
        id: "arn:aws:states:eu-west-1:111122223333:execution:Workflow:exec-1",
        name: "exec-1",
        startTime: "2026-03-01T10:00:00.000Z",
      },
    };

    const out = await handler(event);

    expect(out.outcome).toBe("incomplete");
    const store = new DynamoStore(env.dynamo.client, env.storeTable, { description: "test" });
    const findings = await store.runFindings(out.runId);
    const errors = findings.filter((f) => f.checkId === "audit-error").map((f) => `${f.message} ${JSON.stringify(f.evidence)}`);
    expect(errors.some((e) => e.includes(B) && e.includes("States.Timeout"))).toBe(true);
    expect(errors.some((e) => e.includes(C) && e.includes(NO_RESULT))).toBe(true);
    expect(findings.some((f) => f.status === "PASS" && f.resource.account === A)).toBe(true);
  });
});
