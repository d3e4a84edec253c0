import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENV } from "../../lambda/support/contract.js";
import { configSchema } from "../../lib/audit/config/schema.js";
import { encodeConfig } from "../../lib/infra/config.js";

/** A loopback port with nothing listening: bind, note the port, close. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address() as { port: number };
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

describe("probe handler", () => {
  let handler: (event: unknown) => Promise<{ kind: string; name: string; observation: { error?: { source: string; reason: string } } }>;
  let port: number;
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
    process.env[ENV.config] = encodeConfig(config);
    process.env.POWERTOOLS_LOG_LEVEL = "ERROR";
    const mod = await import("../../lambda/probe.js");
    handler = mod.handler as unknown as typeof handler;
  });
  afterAll(() => {
    delete process.env.QA_PROBE_TEST_PW;
  });

  it("returns an unreachable database as an observation with an error (never a throw, never the password)", async () => {
    const out = await handler({ kind: "postgres", name: "queue-db" });
    expect(out.kind).toBe("postgres");
    expect(out.observation.error?.source).toBe("postgres:queue-db");
    expect(out.observation.error?.reason).toContain(`127.0.0.1:${port}`);
    expect(JSON.stringify(out)).not.toContain("not-a-real-password");
  });

  it("returns an unreachable Redis endpoint as an observation with an error", async () => {
    const out = await handler({ kind: "redis", name: "jobs-redis" });
    expect(out).toMatchObject({ kind: "redis", name: "jobs-redis" });
    expect(out.observation.error).toBeDefined();
  });

  it("throws for a target the deployed config does not name (the state machine turns it into ERROR findings)", async () => {
    await expect(handler({ kind: "redis", name: "other" })).rejects.toThrow('redis target "other" is not in the deployed config');
    await expect(handler({ kind: "mysql", name: "x" })).rejects.toThrow(/kind: expected postgres or redis/);
  });
});
