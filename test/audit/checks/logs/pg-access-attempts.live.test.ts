/**
 * pg-access-attempts against a real PostgreSQL: an embedded server with RDS's log_line_prefix
 * and log_connections on. The test makes the attempts for real — a password-guessing burst,
 * a role outside the policy that logs in and is refused the queue table — takes the lines the
 * server wrote, serves them as CloudWatch FilterLogEvents pages through a mocked client shaped
 * like the API, reads them with the collector, and judges them with the check. The worker's
 * own work and a refusal on an unrelated table are the look-alikes that must stay silent.
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import type { CollectContext } from "../../../../lib/audit/inventory/aws/collector.js";
import { createLimit } from "../../../../lib/audit/inventory/aws/limit.js";
import { collectLogs } from "../../../../lib/audit/inventory/aws/logs.js";
import { RDS_LOG_SETTINGS, startEmbeddedPg as startRaw } from "../../../../lib/demo/embedded-postgres.js";
import { dbInstance, inventory, ok, partition, verdicts } from "../../../support/builders.js";
import { type LogLine, logsMock, serveLogGroups } from "../../../support/cloudwatch-logs.js";
import { adminClient, embeddedUnavailable, type PgServer } from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const GROUP = "/aws/rds/instance/queue-db/postgresql";

describe.skipIf(skipWithout("embedded PostgreSQL", embeddedUnavailable()))("pg-access-attempts against a real PostgreSQL log", () => {
  let server: PgServer | undefined;
  const lines: LogLine[] = [];
  const workerPassword = `w-${Math.random().toString(36).slice(2)}`;
  const reportingPassword = `r-${Math.random().toString(36).slice(2)}`;

  const login = async (user: string, password: string, database = "app_production") => {
    const client = new pg.Client({ host: server?.host, port: server?.port, user, password, database, connectionTimeoutMillis: 5000 });
    client.on("error", () => undefined);
    await client.connect();
    return client;
  };

  beforeAll(async () => {
    const raw = await startRaw("qa-pglog", {
      settings: RDS_LOG_SETTINGS,
      // The event's timestamp is when the line was written, as CloudWatch Logs stamps it.
      onLogLine: (message) => lines.push({ timestamp: Date.now(), message }),
    });
    server = { label: "embedded", ...raw };
    const admin = adminClient(server);
    await admin.connect();
    await admin.query("CREATE DATABASE app_production");
    await admin.end();
    const db = adminClient(server, "app_production");
    await db.connect();
    await db.query(`CREATE TABLE public.delayed_jobs (id bigserial PRIMARY KEY, handler text NOT NULL)`);
    await db.query(`CREATE TABLE public.invoices (id bigserial PRIMARY KEY)`);
    await db.query(`CREATE ROLE app_worker LOGIN PASSWORD '${workerPassword}'`);
    await db.query(`CREATE ROLE reporting LOGIN PASSWORD '${reportingPassword}'`);
    await db.query("GRANT SELECT, INSERT, UPDATE, DELETE ON public.delayed_jobs TO app_worker");
    await db.query("GRANT USAGE ON SEQUENCE public.delayed_jobs_id_seq TO app_worker");
    await db.end();
  }, 120_000);

  afterAll(async () => {
    logsMock.reset();
    await server?.stop();
  });

  const readAndJudge = async (since: number, logs: Record<string, unknown> = {}) => {
    // Give the server a moment to flush its last lines to stderr.
    await new Promise((r) => setTimeout(r, 300));
    serveLogGroups({ [GROUP]: lines.filter((l) => l.timestamp >= since) });
    const config = parseConfig(
      {
        version: 1,
        targets: { rds: ["queue-db"] },
        logs,
        postgres: [
          {
            name: "queue-db",
            connection: { host: "127.0.0.1", database: "app_production", user: "postgres", password: { env: "PGPW" } },
            tables: ["public.delayed_jobs"],
            owner: "postgres",
            principals: { app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
          },
        ],
      },
      "live.yaml",
    );
    const ctx: CollectContext = {
      account: "111122223333",
      region: "eu-west-1",
      config,
      clients: {
        logs: new CloudWatchLogsClient({ region: "eu-west-1", credentials: { accessKeyId: "AKIAX", secretAccessKey: "x" } }),
      } as CollectContext["clients"],
      limit: createLimit(2),
    };
    const needs = {
      securityGroupIds: [],
      dbParameterGroups: [],
      dbClusterParameterGroups: [],
      userGroupIds: [],
      subnetIds: [],
      cacheSubnetGroups: [],
      postgresLogGroups: [GROUP],
    };
    const collected = await collectLogs(ctx, needs, { period: { since, until: Date.now() + 1 } });
    const logConnections = ok([{ ParameterName: "log_connections", ParameterValue: "1", Source: "user" }]);
    const inv = inventory(
      partition({ dbInstances: ok([dbInstance("queue-db")]), dbParameters: { "queue-pg16": logConnections }, ...collected }),
    );
    return verdicts("pg-access-attempts", config, inv);
  };

  it("passes a quiet period in which only the worker connected and worked", async () => {
    const since = Date.now();
    const worker = await login("app_worker", workerPassword);
    await worker.query("INSERT INTO public.delayed_jobs (handler) VALUES ('job')");
    await worker.query("SELECT * FROM public.delayed_jobs");
    await worker.end();
    const results = await readAndJudge(since);
    expect(results.map((r) => r.status)).toEqual(["PASS"]);
    expect(results[0]?.evidence).toMatchObject({ summary: { connectionsByUser: { app_worker: 1 }, failedLogins: 0 } });
  });

  it("reports the password-guessing burst, the stranger who connected and the table it was refused, with counts and sources", async () => {
    const since = Date.now();
    for (let i = 0; i < 12; i++) {
      await expect(login(i % 3 ? "postgres" : "admin", `guess-${i}`)).rejects.toThrow(/password authentication failed/);
    }
    const reporting = await login("reporting", reportingPassword);
    await expect(reporting.query("SELECT handler FROM public.delayed_jobs")).rejects.toThrow(/permission denied for table delayed_jobs/);
    await expect(reporting.query("SELECT * FROM public.invoices")).rejects.toThrow(/permission denied for table invoices/);
    await reporting.end();
    const worker = await login("app_worker", workerPassword);
    await worker.query("SELECT count(*) FROM public.delayed_jobs");
    await worker.end();

    const results = await readAndJudge(since);
    expect(results.map((r) => `${r.status} ${r.subject}`).sort()).toEqual([
      "FAIL denied-access",
      "FAIL failed-logins",
      "FAIL unexpected-connections",
    ]);
    const bySubject = Object.fromEntries(results.map((r) => [r.subject, r]));
    expect(bySubject["failed-logins"]?.evidence).toMatchObject({
      sources: [{ address: "127.0.0.1", count: 12, users: { postgres: 8, admin: 4 } }],
    });
    const failedEvidence = bySubject["failed-logins"]?.evidence as { sources: { first: string; last: string }[] } | undefined;
    const source = failedEvidence?.sources[0];
    expect(Date.parse(source?.first ?? "")).toBeGreaterThanOrEqual(since);
    expect(Date.parse(source?.last ?? "")).toBeGreaterThanOrEqual(Date.parse(source?.first ?? ""));
    expect(bySubject["unexpected-connections"]?.evidence).toMatchObject({
      connections: [{ user: "reporting", address: "127.0.0.1", count: 1 }],
    });
    // The refusal on invoices is not the queue's business: only delayed_jobs is reported.
    expect(bySubject["denied-access"]?.evidence).toMatchObject({
      denied: [{ user: "reporting", object: "delayed_jobs", objectKind: "table", count: 1 }],
    });
    expect((bySubject["denied-access"]?.evidence as { denied: unknown[] } | undefined)?.denied).toHaveLength(1);
  });

  it("stays below a threshold it does not reach: 9 failed logins PASS", async () => {
    const since = Date.now();
    for (let i = 0; i < 9; i++) await expect(login("app_worker", `wrong-${i}`)).rejects.toThrow(/password authentication failed/);
    const results = await readAndJudge(since);
    expect(results.map((r) => r.status)).toEqual(["PASS"]);
    expect(results[0]?.message).toContain("9 failed login(s), none reaching 10 from one address");
  });
});
