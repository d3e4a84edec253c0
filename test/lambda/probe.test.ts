import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getArtifact } from "../../lambda/support/artifacts.js";
import { configSchema } from "../../lib/audit/config/schema.js";
import { type LambdaEnv, startLambdaEnv } from "./support.js";

/** A loopback port with nothing listening: bind, note the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

type Observed = { error?: { source: string; reason: string } };

describe("probe handler", () => {
  let handler: (event: unknown) => Promise<{ kind: string; name: string; key: string }>;
  let port: number;
  let env: LambdaEnv;
  const stored = async (key: string) => (await getArtifact(env.dynamo.client, env.artifactsTable, key)) as Observed;
  beforeAll(async () => {
    port = await closedPort();
    const config = configSchema.parse({
      version: 1,
      postgres: [
        {
          name: "queue-db",
          connection: {
            host: "127.0.0.1",
            port,
            database: "app",
            user: "queue_auditor",
            password: { env: "QA_PROBE_TEST_PW" },
            tls: "disable",
            connectTimeoutSeconds: 2,
          },
          tables: ["public.delayed_jobs"],
          owner: "app_migrator",
          principals: {},
        },
      ],
      redis: [{ name: "jobs-redis", endpoint: { host: "127.0.0.1", port }, timeoutSeconds: 2 }],
    });
    process.env.QA_PROBE_TEST_PW = "not-a-real-password";
    env = await startLambdaEnv(config);
    const mod = await import("../../lambda/probe.js");
    handler = mod.handler as unknown as typeof handler;
  });
  afterAll(async () => {
    delete process.env.QA_PROBE_TEST_PW;
    await env.close();
  });

  it("stores an unreachable database's observation with its error and returns only where (never a throw, never the password)", async () => {
    const out = await handler({ kind: "postgres", name: "queue-db", runId: "exec-1" });
    expect(out).toEqual({ kind: "postgres", name: "queue-db", key: "exec-1/probe/postgres/queue-db" });
    const observation = await stored(out.key);
    expect(observation.error?.source).toBe("postgres:queue-db");
    expect(observation.error?.reason).toContain(`127.0.0.1:${port}`);
    expect(JSON.stringify(observation)).not.toContain("not-a-real-password");
  });

  it("stores an unreachable Redis endpoint's observation with an error", async () => {
    const out = await handler({ kind: "redis", name: "jobs-redis", runId: "exec-1" });
    expect(out).toEqual({ kind: "redis", name: "jobs-redis", key: "exec-1/probe/redis/jobs-redis" });
    expect((await stored(out.key)).error).toBeDefined();
  });

  it("throws for a target the deployed config does not name (the state machine turns it into ERROR findings)", async () => {
    await expect(handler({ kind: "redis", name: "other", runId: "exec-1" })).rejects.toThrow(
      'redis target "other" is not in the deployed config',
    );
    await expect(handler({ kind: "mysql", name: "x", runId: "exec-1" })).rejects.toThrow('mysql target "x" is not in the deployed config');
    await expect(handler({ kind: "oracle", name: "x", runId: "exec-1" })).rejects.toThrow(/kind: expected postgres, mysql or redis/);
    await expect(handler({ kind: "redis", name: "jobs-redis" })).rejects.toThrow(/runId: expected the execution name/);
  });
});
