import "aws-sdk-client-mock-vitest/extend";
import { GenerateMacCommand, KMSClient } from "@aws-sdk/client-kms";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { artifactKey, probeArtifactKey, putArtifact, putPartition } from "../../lambda/support/artifacts.js";
import type { EvaluateEvent } from "../../lambda/support/contract.js";
import { configSchema } from "../../lib/audit/config/schema.js";
import { readOfflineInventory } from "../../lib/audit/inventory/offline.js";
import type { InventoryPartition } from "../../lib/audit/inventory/types.js";
import { verifyChain } from "../../lib/audit/store/chain.js";
import { DynamoStore } from "../../lib/audit/store/dynamo-store.js";
import { KmsSeal } from "../../lib/audit/store/seal-kms.js";
import { fakeHmacKey } from "../support/fake-kms.js";
import { fixtureConfig, type LambdaEnv, largePostgresObservation, startLambdaEnv } from "./support.js";

const sns = mockClient(SNSClient);
const kms = mockClient(KMSClient);
const CHAIN_KEY = "arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0";
fakeHmacKey(kms, CHAIN_KEY);
const TOPIC = "arn:aws:sns:eu-west-1:111122223333:queue-auditor-alerts";

const config = configSchema.parse({
  ...fixtureConfig("clean"),
  aws: { regions: ["eu-west-1"], accounts: [{ id: "111122223333" }, { id: "444455556666" }] },
  postgres: [
    {
      name: "queue-db",
      connection: { host: "queue-db.example.eu-west-1.rds.amazonaws.com", database: "app", user: "queue_auditor", password: { iam: true } },
      tables: ["public.delayed_jobs"],
      owner: "app_migrator",
      principals: { app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
    },
  ],
});

describe("evaluate-and-record handler", () => {
  let env: LambdaEnv;
  let handler: (event: unknown) => Promise<{ runId: string; outcome: string; counts: Record<string, number>; notified: number }>;
  let event: EvaluateEvent;

  beforeAll(async () => {
    env = await startLambdaEnv(config);
    process.env.QUEUE_AUDITOR_CHAIN_KEY = CHAIN_KEY;
    ({ handler } = await import("../../lambda/evaluate.js"));
    const [partition] = (await readOfflineInventory("test/fixtures/inventory/clean")).partitions as [InventoryPartition];
    const key = artifactKey("exec-1", "111122223333", "eu-west-1");
    await putPartition(env.dynamo.client, env.artifactsTable, key, { ...partition, origin: { kind: "live" } });
    // The payload Step Functions builds: one collected partition, one failed collect branch, one failed probe branch.
    event = {
      partitions: [
        { account: "111122223333", region: "eu-west-1", key },
        {
          account: "444455556666",
          region: "eu-west-1",
          accountListed: true,
          failed: true,
          error: "Lambda.TooManyRequestsException",
          cause: JSON.stringify({ errorType: "TooManyRequestsException", errorMessage: "Rate Exceeded." }),
        },
      ],
      probes: [{ kind: "postgres", name: "queue-db", failed: true, error: "States.Timeout", cause: "The task timed out." }],
      execution: {
        id: "arn:aws:states:eu-west-1:111122223333:execution:Workflow:exec-1",
        name: "exec-1",
        startTime: "2026-03-01T10:00:00.000Z",
      },
    };
  });
  afterEach(() => sns.reset());
  afterAll(() => env.close());

  it("records the run with ERROR findings for the failed branches and publishes the alert", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });

    const out = await handler(event);

    expect(out.outcome).toBe("incomplete");
    expect(out.counts.ERROR).toBeGreaterThan(0);
    expect(out.notified).toBeGreaterThan(0);
    const store = new DynamoStore(env.dynamo.client, env.storeTable, { description: "test" });
    const [run] = await store.listRuns();
    expect(run?.run.id).toBe(out.runId);
    expect(run?.run.startedAt).toBe("2026-03-01T10:00:00.000Z");
    const findings = await store.runFindings(out.runId);
    const errors = findings.filter((f) => f.checkId === "audit-error");
    expect(errors.map((f) => f.message).join("\n")).toMatch(
      /collect step failed after its retries: Lambda.TooManyRequestsException: Rate Exceeded\./,
    );
    expect(errors.map((f) => f.message).join("\n")).toMatch(/probe step failed after its retries: States.Timeout/);
    expect(errors.some((f) => f.resource.account === "444455556666" || JSON.stringify(f.evidence).includes("444455556666"))).toBe(true);
    // The collected account's evidence is there too: PASS findings prove the controls were checked.
    expect(findings.some((f) => f.status === "PASS" && f.resource.account === "111122223333")).toBe(true);
    const publish = sns.commandCalls(PublishCommand)[0]?.args[0].input;
    expect(publish).toMatchObject({ TopicArn: TOPIC, MessageStructure: "json" });
    expect(JSON.parse(publish?.Message ?? "{}").lambda).toContain(out.runId);
  });

  it("chains the next run to the previous one in the store", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-2" });
    const out = await handler({ ...event, execution: { ...event.execution, name: "exec-2", startTime: "2026-03-01T11:00:00.000Z" } });
    const store = new DynamoStore(env.dynamo.client, env.storeTable, { description: "test" });
    const [latest, first] = await store.listRuns();
    expect(latest?.run.id).toBe(out.runId);
    expect(latest?.seq).toBe(2);
    expect(latest?.prevHash).toBe(first?.hash);
    // Sealed with the stack's HMAC key: a reader holding only kms:VerifyMac verifies the chain.
    expect(kms).toHaveReceivedCommandWith(GenerateMacCommand, { KeyId: CHAIN_KEY, MacAlgorithm: "HMAC_SHA_256" });
    const reader = new DynamoStore(env.dynamo.client, env.storeTable, {
      description: "reader",
      seal: new KmsSeal(new KMSClient({}), CHAIN_KEY),
    });
    expect(await verifyChain(reader)).toMatchObject({ ok: true, verified: 2 });
  });

  it("emits the run's metrics: runs completed, violations open, audit errors, failing findings per severity", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-3" });
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    try {
      await handler({ ...event, execution: { ...event.execution, name: "exec-3", startTime: "2026-03-01T12:00:00.000Z" } });
    } finally {
      spy.mockRestore();
    }
    const emf = lines
      .flatMap((l) => l.split("\n"))
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const run = emf.find((m) => "RunsCompleted" in m);
    expect(run).toMatchObject({ service: "queue-auditor", RunsCompleted: 1, ViolationsOpen: 0 });
    expect(run?.AuditErrors).toBeGreaterThan(0);
    expect(emf.filter((m) => "FailingFindings" in m).map((m) => m.severity)).toEqual(["critical", "high", "medium", "low", "info"]);
  });

  it("reads a probe's observation back from its artifact, however large (5,000 roles)", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-4" });
    const key = probeArtifactKey("exec-4", "postgres", "queue-db");
    await putArtifact(env.dynamo.client, env.artifactsTable, key, largePostgresObservation("queue-db", 5_000));

    const out = await handler({
      ...event,
      probes: [{ kind: "postgres", name: "queue-db", key }],
      execution: { ...event.execution, name: "exec-4", startTime: "2026-03-01T13:00:00.000Z" },
    });

    const findings = await new DynamoStore(env.dynamo.client, env.storeTable, { description: "test" }).runFindings(out.runId);
    const db = findings.filter((f) => JSON.stringify(f.resource).includes("queue-db"));
    // The superuser is the last of the 5,000 roles: found only if the whole catalog came back.
    expect(db.some((f) => f.status === "FAIL" && f.checkId === "pg-superuser-roles" && JSON.stringify(f).includes("role_04996"))).toBe(
      true,
    );
    expect(db.some((f) => f.checkId === "audit-error")).toBe(false);
  });

  it("rejects a payload that is not the state machine's", async () => {
    await expect(handler({ partitions: "x", probes: [], execution: {} })).rejects.toThrow(/partitions: expected the collect results/);
    await expect(handler({ ...event, partitions: [{ account: "1" }] })).rejects.toThrow(
      /partitions\[0\]: expected an artifact key or a failure marker/,
    );
    await expect(handler({ ...event, probes: [{ kind: "postgres", name: "queue-db", observation: {} }] })).rejects.toThrow(
      /probes\[0\]: expected an artifact key or a failure marker/,
    );
  });
});
