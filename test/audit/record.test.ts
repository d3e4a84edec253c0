/**
 * The CLI and the evaluate-and-record Lambda record and deliver through one `recordRun`:
 * the same failing SNS topic must leave both with the run recorded, the alert reported as
 * not delivered (not thrown), nothing marked notified, and the alert sent by the next run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { KMSClient } from "@aws-sdk/client-kms";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { artifactKey, putPartition } from "../../lambda/support/artifacts.js";
import type { EvaluateEvent, EvaluateOutput } from "../../lambda/support/contract.js";
import { readOfflineInventory } from "../../lib/audit/inventory/offline.js";
import type { InventoryPartition } from "../../lib/audit/inventory/types.js";
import { DynamoStore } from "../../lib/audit/store/dynamo-store.js";
import { ensureTable } from "../../lib/audit/store/open.js";
import { KmsSeal } from "../../lib/audit/store/seal-kms.js";
import { auditCommand } from "../../lib/cli/audit.js";
import { fixtureConfig, type LambdaEnv, startLambdaEnv } from "../lambda/support.js";
import { fakeHmacKey } from "../support/fake-kms.js";

const sns = mockClient(SNSClient);
// Both paths seal their runs (docs/store.md): the Lambda with the stack's KMS key, the CLI's dynamodb store with the same key by env.
const kms = mockClient(KMSClient);
const CHAIN_KEY = "arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
fakeHmacKey(kms, CHAIN_KEY);
const TOPIC = "arn:aws:sns:eu-west-1:111122223333:queue-auditor-alerts";
const INVENTORY = "test/fixtures/inventory/violations";
const THROTTLED = Object.assign(new Error("Rate exceeded"), { name: "ThrottledException" });

/** Everything one call writes to stdout and stderr, without letting it through. */
async function captured<T>(fn: () => Promise<T>): Promise<{ value: T; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const so = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => out.push(String(c)) > 0);
  const se = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => err.push(String(c)) > 0);
  try {
    return { value: await fn(), stdout: out.join(""), stderr: err.join("") };
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}

const publishedItemIds = (call: number) =>
  (
    JSON.parse(JSON.parse(sns.commandCalls(PublishCommand)[call]?.args[0].input.Message ?? "{}").lambda ?? "{}") as {
      items?: { findingId: string }[];
    }
  ).items?.map((i) => i.findingId) ?? [];

describe("one record-and-deliver for the CLI and the Lambda", () => {
  let env: LambdaEnv;
  let handler: (event: unknown) => Promise<EvaluateOutput>;
  let work: string;
  const cliTable = `cli-evidence-${process.pid}`;
  const cliStore = () =>
    new DynamoStore(env.dynamo.client, cliTable, { description: `dynamodb:${cliTable}`, seal: new KmsSeal(new KMSClient({}), CHAIN_KEY) });
  const lambdaStore = () => new DynamoStore(env.dynamo.client, env.storeTable, { description: "lambda" });
  let event: (name: string, startTime: string) => EvaluateEvent;

  beforeAll(async () => {
    process.env.QUEUE_AUDITOR_CHAIN_KEY = CHAIN_KEY;
    env = await startLambdaEnv(fixtureConfig("violations"));
    await ensureTable(env.dynamo.client, cliTable);
    ({ handler } = await import("../../lambda/evaluate.js"));
    const [partition] = (await readOfflineInventory(INVENTORY)).partitions as [InventoryPartition];
    event = (name, startTime) => ({
      partitions: [{ account: partition.account, region: partition.region, key: artifactKey(name, partition.account, partition.region) }],
      probes: [],
      execution: { id: `arn:aws:states:eu-west-1:111122223333:execution:Workflow:${name}`, name, startTime },
    });
    for (const name of ["exec-1", "exec-2"]) {
      await putPartition(env.dynamo.client, env.artifactsTable, artifactKey(name, partition.account, partition.region), {
        ...partition,
        origin: { kind: "live" },
      });
    }
    work = mkdtempSync(path.join(tmpdir(), "record-parity-"));
  });
  afterEach(() => sns.reset());
  afterAll(async () => {
    rmSync(work, { recursive: true, force: true });
    delete process.env.QUEUE_AUDITOR_CHAIN_KEY;
    await env.close();
  });

  const cliAudit = (now: string) =>
    captured(() =>
      auditCommand(
        {
          config: "test/fixtures/config/violations.yaml",
          inventory: INVENTORY,
          format: "json",
          out: path.join(work, `result-${now.slice(0, 13)}.json`),
          store: `dynamodb:${cliTable}`,
          notify: `sns:${TOPIC}`,
          failOn: "low",
          now,
        },
        { openStore: async () => cliStore() },
      ),
    );

  it("records the run and reports the failed send, in both, without marking anything notified; the next run sends it", async () => {
    sns.on(PublishCommand).rejects(THROTTLED);

    const cli = await cliAudit("2026-03-01T10:00:00Z");
    const lambda = await captured(() => handler(event("exec-1", "2026-03-01T10:00:00.000Z")));

    // Both tried the same topic, and neither threw: the CLI exits on its findings, the Lambda returns.
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn)).toEqual([TOPIC, TOPIC]);
    const planned = [publishedItemIds(0), publishedItemIds(1)];
    expect(planned[0]?.length).toBeGreaterThan(0);
    expect([...(planned[1] ?? [])].sort()).toEqual([...(planned[0] ?? [])].sort());
    expect(cli.value).toBe(1);
    expect(cli.stderr).toMatch(
      /the alert to sns:arn:aws:sns:eu-west-1:111122223333:queue-auditor-alerts was not delivered \(Rate exceeded\); the next run retries it/,
    );
    expect(lambda.value).toMatchObject({ outcome: "violations", notified: 0, delivery: "failed" });
    // The Lambda says so in its log and in the metric the AlertUndelivered alarm watches.
    const lines = `${lambda.stdout}\n${lambda.stderr}`.split("\n").filter((l) => l.startsWith("{"));
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.find((l) => l.level === "ERROR")).toMatchObject({
      message: "alert not delivered; the next run retries it",
      topicArn: TOPIC,
    });
    expect(logged.find((l) => "RunsCompleted" in l)).toMatchObject({ RunsCompleted: 1, AlertsUndelivered: 1 });

    for (const store of [cliStore(), lambdaStore()]) {
      expect(await store.listRuns()).toHaveLength(1);
      const open = await store.openFindings();
      expect(open.length).toBeGreaterThan(0);
      expect(open.filter((s) => s.lastNotifiedAt !== undefined)).toEqual([]);
    }

    // The topic works again: each path's next run sends what the failed one could not.
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    const cliAgain = await cliAudit("2026-03-01T11:00:00Z");
    const lambdaAgain = await captured(() => handler(event("exec-2", "2026-03-01T11:00:00.000Z")));

    expect(cliAgain.stderr).toContain("alerted sns:");
    expect(lambdaAgain.value).toMatchObject({ delivery: "sent" });
    expect(lambdaAgain.value.notified).toBe(planned[1]?.length);
    expect([...publishedItemIds(0)].sort()).toEqual([...(planned[0] ?? [])].sort());
    expect([...publishedItemIds(1)].sort()).toEqual([...(planned[1] ?? [])].sort());
    const emf = lambdaAgain.stdout
      .split("\n")
      .filter((l) => l.includes('"RunsCompleted"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf[0]).toMatchObject({ AlertsUndelivered: 0 });
    for (const [i, store] of [cliStore(), lambdaStore()].entries()) {
      const marked = (await store.openFindings()).filter((s) => s.lastNotifiedAt !== undefined).map((s) => s.findingId);
      expect(marked.sort()).toEqual([...(planned[i] ?? [])].sort());
    }
  });
});
