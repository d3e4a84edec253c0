import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getArtifact } from "../../lambda/support/artifacts.js";
import { configSchema } from "../../lib/audit/config/schema.js";
import { type LambdaEnv, largePostgresObservation, startLambdaEnv } from "./support.js";

// A database with thousands of roles, without a server holding them: the probe returns it as observed.
const huge = largePostgresObservation("queue-db", 5_000);
vi.mock("../../lib/audit/probes/postgres/index.js", () => ({ probePostgres: async () => [huge] }));

/** Step Functions' limit on a state's input or output; beyond it the run fails with States.DataLimitExceeded, uncatchable. */
const STATE_PAYLOAD_LIMIT = 256 * 1024;

describe("probe handler with a large catalog", () => {
  let env: LambdaEnv;
  let handler: (event: unknown) => Promise<unknown>;
  beforeAll(async () => {
    env = await startLambdaEnv(
      configSchema.parse({
        version: 1,
        postgres: [
          {
            name: "queue-db",
            connection: { host: "queue-db.example", database: "app", user: "queue_auditor", password: { iam: true } },
            tables: ["public.delayed_jobs"],
            owner: "app_migrator",
            principals: {},
          },
        ],
      }),
    );
    ({ handler } = (await import("../../lambda/probe.js")) as unknown as { handler: typeof handler });
  });
  afterAll(() => env.close());

  it("keeps the state payload small however many roles the database has, and stores the whole observation", async () => {
    expect(JSON.stringify(huge).length).toBeGreaterThan(STATE_PAYLOAD_LIMIT);

    const out = await handler({ kind: "postgres", name: "queue-db", runId: "exec-big" });

    // Four such databases in one Map must still fit: each result is a pointer of a few dozen bytes.
    expect(JSON.stringify(out).length).toBeLessThan(200);
    const { key } = out as { key: string };
    expect(await getArtifact(env.dynamo.client, env.artifactsTable, key)).toEqual(huge);
  });
});
