/**
 * A probe placement end to end in one process: the relay invokes the placement's probe (the
 * real handler, in placement mode, behind a mocked Lambda Invoke shaped as Lambda answers),
 * stores the observation it returns in the artifacts table, and returns only the key.
 */
import "aws-sdk-client-mock-vitest/extend";
import { createServer } from "node:net";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getArtifact } from "../../lambda/support/artifacts.js";
import { ENV } from "../../lambda/support/contract.js";
import { configSchema } from "../../lib/audit/config/schema.js";
import { type LambdaEnv, startLambdaEnv } from "./support.js";

const lambda = mockClient(LambdaClient);
const FUNCTION_ARN = "arn:aws:lambda:us-east-1:444455556666:function:queue-auditor-probe-vpc-0a1b2c3d4e5f60004";

type Handler = (event: unknown) => Promise<unknown>;

/** Runs `fn` with the environment of a placement's probe: no artifacts table, its targets only. */
async function asPlacement<T>(targets: string, fn: () => Promise<T>): Promise<T> {
  const table = process.env[ENV.artifactsTable];
  delete process.env[ENV.artifactsTable];
  process.env[ENV.probeTargets] = targets;
  try {
    return await fn();
  } finally {
    process.env[ENV.artifactsTable] = table;
    delete process.env[ENV.probeTargets];
  }
}

/** What Lambda's Invoke returns for a function's result or its thrown error. */
const invoked = (body: unknown, functionError?: string) => ({
  StatusCode: 200,
  ExecutedVersion: "$LATEST",
  Payload: new TextEncoder().encode(JSON.stringify(body)) as never,
  ...(functionError ? { FunctionError: functionError } : {}),
});

describe("probe relay and a placement's probe", () => {
  let env: LambdaEnv;
  let probe: Handler;
  let relay: Handler;
  let port: number;
  beforeAll(async () => {
    const server = createServer();
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    port = (server.address() as { port: number }).port;
    await new Promise<void>((ok) => server.close(() => ok()));
    env = await startLambdaEnv(
      configSchema.parse({
        version: 1,
        redis: [
          { name: "jobs-redis", endpoint: { host: "127.0.0.1", port }, timeoutSeconds: 2 },
          { name: "other-redis", endpoint: { host: "127.0.0.1", port }, timeoutSeconds: 2 },
        ],
      }),
    );
    probe = (await import("../../lambda/probe.js")).handler as Handler;
    relay = (await import("../../lambda/probe-relay.js")).handler as Handler;
  });
  afterAll(async () => env.close());
  beforeEach(() => lambda.reset());

  it("stores what the placement observed under the probe's key, and hands Step Functions only the key", async () => {
    lambda.on(InvokeCommand).callsFake(async (input: { Payload: Uint8Array }) => {
      const request = JSON.parse(new TextDecoder().decode(input.Payload));
      return invoked(await asPlacement("redis/jobs-redis", () => probe(request)));
    });
    const out = await relay({ kind: "redis", name: "jobs-redis", runId: "exec-7", functionArn: FUNCTION_ARN });
    expect(out).toEqual({ kind: "redis", name: "jobs-redis", key: "exec-7/probe/redis/jobs-redis" });
    expect(lambda).toHaveReceivedCommandWith(InvokeCommand, { FunctionName: FUNCTION_ARN });
    // The placement's client is in the function's region, not the relay's.
    expect(await lambda.call(0).thisValue.config.region()).toBe("us-east-1");
    const stored = (await getArtifact(env.dynamo.client, env.artifactsTable, "exec-7/probe/redis/jobs-redis")) as {
      error?: { source: string; reason: string };
    };
    // The placement could not reach it here (nothing listens): an observation with its error, never a throw.
    expect(stored.error?.source).toBe(`redis://127.0.0.1:${port}`);
  });

  it("fails the branch with the placement's own error, e.g. a target not assigned to it (the state machine makes it ERROR findings)", async () => {
    lambda.on(InvokeCommand).callsFake(async (input: { Payload: Uint8Array }) => {
      const request = JSON.parse(new TextDecoder().decode(input.Payload));
      try {
        return invoked(await asPlacement("redis/jobs-redis", () => probe(request)));
      } catch (err) {
        const e = err as Error;
        return invoked({ errorType: e.name, errorMessage: e.message, trace: [] }, "Unhandled");
      }
    });
    const attempt = relay({ kind: "redis", name: "other-redis", runId: "exec-7", functionArn: FUNCTION_ARN });
    await expect(attempt).rejects.toThrow(
      `${FUNCTION_ARN}: BadEventError: redis target "other-redis" is not assigned to this probe placement`,
    );
    await expect(relay({ kind: "redis", name: "other-redis", runId: "exec-7", functionArn: FUNCTION_ARN })).rejects.toMatchObject({
      name: "PlacementProbeError",
    });
    await expect(getArtifact(env.dynamo.client, env.artifactsTable, "exec-7/probe/redis/other-redis")).rejects.toThrow(/not found/);
  });

  it("refuses an answer for another target, and an item without a function ARN", async () => {
    lambda.on(InvokeCommand).resolves(invoked({ kind: "redis", name: "other-redis", observation: { encoding: "gzip+base64", data: "" } }));
    await expect(relay({ kind: "redis", name: "jobs-redis", runId: "exec-8", functionArn: FUNCTION_ARN })).rejects.toThrow(
      `${FUNCTION_ARN}: expected the observation of redis target "jobs-redis", got another answer`,
    );
    await expect(relay({ kind: "redis", name: "jobs-redis", runId: "exec-8", functionArn: "queue-auditor-probe" })).rejects.toThrow(
      'functionArn: expected a Lambda function ARN, got "queue-auditor-probe"',
    );
    expect(lambda).toHaveReceivedCommandTimes(InvokeCommand, 1);
  });
});
