/**
 * The evaluate-and-record function with `deploy.alerts.securityHub: true`: the recorded
 * run's findings go to Security Hub under the product ARN the stack granted, and a refused
 * import is logged, counted (FindingsNotImported, and AlertsUndelivered, which an alarm
 * watches) and returned — the run stays recorded and the next run imports every finding again.
 */
import { KMSClient } from "@aws-sdk/client-kms";
import { AccessDeniedException, BatchImportFindingsCommand, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { artifactKey, putPartition } from "../../lambda/support/artifacts.js";
import { ENV, type EvaluateEvent, type EvaluateOutput } from "../../lambda/support/contract.js";
import { configSchema } from "../../lib/audit/config/schema.js";
import { readOfflineInventory } from "../../lib/audit/inventory/offline.js";
import type { InventoryPartition } from "../../lib/audit/inventory/types.js";
import { DynamoStore } from "../../lib/audit/store/dynamo-store.js";
import { fakeHmacKey } from "../support/fake-kms.js";
import { fixtureConfig, type LambdaEnv, startLambdaEnv } from "./support.js";

const sns = mockClient(SNSClient);
const kms = mockClient(KMSClient);
const hub = mockClient(SecurityHubClient);
const CHAIN_KEY = "arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
fakeHmacKey(kms, CHAIN_KEY);
const PRODUCT = "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default";
const INVENTORY = "test/fixtures/inventory/violations";

const violations = fixtureConfig("violations");
const config = configSchema.parse({
  ...violations,
  deploy: { alerts: { emails: [], securityHub: true } },
});

async function captured<T>(fn: () => Promise<T>): Promise<{ value: T; lines: Record<string, unknown>[] }> {
  const out: string[] = [];
  const so = vi.spyOn(process.stdout, "write").mockImplementation((c: string | Uint8Array) => out.push(String(c)) > 0);
  const se = vi.spyOn(process.stderr, "write").mockImplementation((c: string | Uint8Array) => out.push(String(c)) > 0);
  try {
    const value = await fn();
    const lines = out
      .join("")
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { value, lines };
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
}

describe("evaluate-and-record with deploy.alerts.securityHub", () => {
  let env: LambdaEnv;
  let handler: (event: unknown) => Promise<EvaluateOutput>;
  let event: (name: string, startTime: string) => EvaluateEvent;

  beforeAll(async () => {
    env = await startLambdaEnv(config);
    process.env.QUEUE_AUDITOR_CHAIN_KEY = CHAIN_KEY;
    process.env[ENV.securityHubProductArn] = PRODUCT;
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
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
  });
  afterAll(async () => {
    delete process.env[ENV.securityHubProductArn];
    await env.close();
  });

  it("imports every recorded finding under the granted product, beside the alert", async () => {
    hub
      .on(BatchImportFindingsCommand)
      .callsFake((input: { Findings: unknown[] }) => ({ FailedCount: 0, SuccessCount: input.Findings.length, FailedFindings: [] }));
    const { value, lines } = await captured(() => handler(event("exec-1", "2026-03-01T10:00:00.000Z")));
    expect(value).toMatchObject({ delivery: "sent", securityHub: "imported" });
    const store = new DynamoStore(env.dynamo.client, env.storeTable, { description: "test" });
    const findings = await store.runFindings(value.runId);
    const sent = hub.commandCalls(BatchImportFindingsCommand).flatMap((c) => c.args[0].input.Findings ?? []);
    expect(sent.map((f) => f.Id).sort()).toEqual(findings.map((f) => `queue-auditor/${f.id}`).sort());
    expect(new Set(sent.map((f) => `${f.ProductArn} ${f.AwsAccountId}`))).toEqual(new Set([`${PRODUCT} 111122223333`]));
    expect(lines.find((l) => "RunsCompleted" in l)).toMatchObject({ AlertsUndelivered: 0, FindingsNotImported: 0 });
  });

  it("logs, counts and returns a refused import; the run is recorded all the same", async () => {
    hub.reset();
    hub
      .on(BatchImportFindingsCommand)
      .rejects(new AccessDeniedException({ message: "not authorized to perform securityhub:BatchImportFindings", $metadata: {} }));
    const { value, lines } = await captured(() => handler(event("exec-2", "2026-03-01T11:00:00.000Z")));
    expect(value).toMatchObject({ securityHub: "failed" });
    const store = new DynamoStore(env.dynamo.client, env.storeTable, { description: "test" });
    expect((await store.listRuns()).map((r) => r.run.id)).toContain(value.runId);
    const total = (await store.runFindings(value.runId)).length;
    expect(lines.find((l) => l.level === "ERROR")).toMatchObject({
      message: "findings not imported into Security Hub; the next run sends every finding again",
      failed: total,
    });
    expect(lines.find((l) => "RunsCompleted" in l)).toMatchObject({ AlertsUndelivered: 1, FindingsNotImported: total });
  });
});
