/**
 * The deployed collect function reads the databases' logs from the last run recorded in the
 * evidence table (the stack grants it dynamodb:Query there when the config has `logs:`), and
 * falls back to `logs.lookbackMinutes` when no run is recorded yet.
 */
import { FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getPartition } from "../../lambda/support/artifacts.js";
import { configSchema } from "../../lib/audit/config/schema.js";
import { auditResult } from "../../lib/audit/engine.js";
import { DynamoStore } from "../../lib/audit/store/dynamo-store.js";
import { memorySeal } from "../../lib/audit/store/seal-local.js";
import { ACCOUNT, dbInstance, securityGroup } from "../audit/inventory/aws/aws-shapes.js";
import { BASE_CREDENTIALS, installFakeAws, resetFakeAws } from "../audit/inventory/aws/fake-aws.js";
import { logsMock, serveLogGroups } from "../support/cloudwatch-logs.js";
import { type LambdaEnv, startLambdaEnv } from "./support.js";

const GROUP = "/aws/rds/instance/queue-db/postgresql";
const config = configSchema.parse({
  version: 1,
  aws: { regions: ["eu-west-1"] },
  targets: { rds: ["queue-db"] },
  logs: { lookbackMinutes: 120 },
});

describe("collect handler with logs:", () => {
  let env: LambdaEnv;
  let handler: (event: unknown) => Promise<{ account: string; region: string; key: string }>;
  beforeAll(async () => {
    env = await startLambdaEnv(config);
    process.env.AWS_ACCESS_KEY_ID = BASE_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = BASE_CREDENTIALS.secretAccessKey;
    ({ handler } = await import("../../lambda/collect.js"));
  });
  afterEach(() => {
    resetFakeAws();
    logsMock.reset();
  });
  afterAll(() => env.close());

  const collect = async (runId: string) => {
    installFakeAws({
      regions: {
        [`${ACCOUNT}/eu-west-1`]: { dbInstances: [dbInstance("queue-db")], securityGroups: [securityGroup("sg-0a1b2c3d4e5f60001")] },
      },
    });
    logsMock.reset();
    serveLogGroups({ [GROUP]: [] });
    const out = await handler({ account: ACCOUNT, region: "eu-west-1", accountListed: false, runId });
    const partition = await getPartition(env.dynamo.client, env.artifactsTable, out.key);
    return { partition, starts: logsMock.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.startTime) };
  };

  it("reads logs.lookbackMinutes before any run is recorded, then from the last recorded run's start", async () => {
    const before = Date.now();
    const first = await collect("exec-1");
    expect(first.starts).toHaveLength(1);
    expect(first.starts[0]).toBeGreaterThanOrEqual(before - 120 * 60_000);
    expect(first.starts[0]).toBeLessThanOrEqual(Date.now() - 120 * 60_000);

    // The evaluate step of that execution records its run (started when the execution did).
    const started = new Date(Date.now() - 5 * 60_000);
    const store = new DynamoStore(env.dynamo.client, env.storeTable, { description: "evidence", seal: memorySeal() });
    await store.appendRun({
      run: auditResult([], started, new Date()).run,
      findings: [],
      states: [],
      retentionDays: 30,
      recordedAt: new Date(),
    });

    const second = await collect("exec-2");
    expect(second.starts).toEqual([started.getTime()]);
    expect(second.partition.logsSince).toBe(started.toISOString());
  });
});
