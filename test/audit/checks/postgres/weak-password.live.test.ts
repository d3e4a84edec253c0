/**
 * pg-weak-password against a real PostgreSQL that checks passwords (the embedded server, with
 * scram-sha-256 for every host: a wrong password really fails, unlike a trust line): a role
 * created with the password 'changeme' is found, a role with a long random password is not,
 * and a NOLOGIN role is not tried. The server's own log, read back with RDS's prefix, shows
 * the trial under its own database name, which pg-access-attempts does not count as guessing
 * — while a stranger's guessing on the real database still counts.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgWeakPassword } from "../../../../lib/audit/checks/postgres/pg-weak-password.js";
import type { AuditContext } from "../../../../lib/audit/checks/types.js";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import { foldEvents } from "../../../../lib/audit/inventory/logs/fold.js";
import { probePostgres } from "../../../../lib/audit/probes/postgres/index.js";
import { WEAK_PASSWORD_TRIAL_DATABASE } from "../../../../lib/audit/probes/postgres/weak-passwords.js";
import { WEAK_PASSWORD_PACE_MS, WEAK_PASSWORDS } from "../../../../lib/audit/probes/weak-passwords.js";
import type { Scope } from "../../../../lib/audit/scope/index.js";
import { RDS_LOG_SETTINGS, startEmbeddedPg as startRaw } from "../../../../lib/demo/embedded-postgres.js";
import { dbInstance, inventory, ok, partition, verdicts } from "../../../support/builders.js";
import { adminClient, embeddedUnavailable, type PgServer } from "../../../support/pgServers.js";
import { skipWithout } from "../../../support/services.js";

const STRONG = randomBytes(16).toString("hex");
const AUDITOR = randomBytes(16).toString("hex");

describe.skipIf(skipWithout("embedded PostgreSQL", embeddedUnavailable()))("pg-weak-password against a real PostgreSQL", () => {
  let server: PgServer | undefined;
  const lines: { timestamp: number; message: string }[] = [];

  beforeAll(async () => {
    const raw = await startRaw("qa-pgweak", {
      settings: RDS_LOG_SETTINGS,
      onLogLine: (message) => lines.push({ timestamp: Date.now(), message }),
    });
    server = { label: "embedded", ...raw };
    const admin = adminClient(server);
    await admin.connect();
    await admin.query("CREATE DATABASE app_production");
    await admin.query("CREATE ROLE app_migrator NOLOGIN");
    await admin.query("CREATE ROLE app_worker LOGIN PASSWORD 'changeme'");
    await admin.query(`CREATE ROLE app_web LOGIN PASSWORD '${STRONG}'`);
    await admin.query(`CREATE ROLE queue_auditor LOGIN PASSWORD '${AUDITOR}'`);
    await admin.end();
    const db = adminClient(server, "app_production");
    await db.connect();
    await db.query("CREATE TABLE public.delayed_jobs (id bigserial PRIMARY KEY, handler text NOT NULL)");
    await db.query("ALTER TABLE public.delayed_jobs OWNER TO app_migrator");
    await db.query("GRANT SELECT, INSERT, UPDATE, DELETE ON public.delayed_jobs TO app_worker");
    await db.query("GRANT SELECT ON public.delayed_jobs TO app_web");
    await db.end();
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
  });

  const config = () =>
    parseConfig(
      {
        version: 1,
        targets: { rds: ["queue-db"] },
        logs: {},
        postgres: [
          {
            name: "queue-db",
            connection: {
              host: "127.0.0.1",
              port: server?.port,
              database: "app_production",
              user: "queue_auditor",
              password: { env: "QA_PG_AUDITOR" },
              tls: "disable",
            },
            tables: ["public.delayed_jobs"],
            owner: "app_migrator",
            principals: { app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"], app_web: ["SELECT"] },
            probe: { weakPasswords: true },
          },
        ],
      },
      "live.yaml",
    );

  it("finds the role whose password is 'changeme' (critical, no password in the finding) and passes the strong one", async () => {
    const cfg = config();
    const started = Date.now();
    const postgres = await probePostgres(cfg.postgres, { credentials: { env: { QA_PG_AUDITOR: AUDITOR } } });
    const elapsed = Date.now() - started;
    const trial = postgres[0]?.weakPasswords;
    expect(trial?.users.map((u) => [u.user, u.outcome])).toEqual([
      ["app_worker", "weak"],
      ["app_web", "strong"],
    ]);
    expect(trial?.users[1]?.attempts).toBe(WEAK_PASSWORDS.length); // the canary, and the list without the empty password
    const attempts = (trial?.users ?? []).reduce((n, u) => n + u.attempts, 0);
    expect(elapsed).toBeGreaterThanOrEqual((attempts - 1) * WEAK_PASSWORD_PACE_MS);

    const ctx = {
      config: cfg,
      inventory: { partitions: [] },
      scope: { backends: [], securityGroups: [], gaps: [] } as unknown as Scope,
      observations: { postgres, redis: [] },
      now: new Date(),
    } as AuditContext;
    const results = pgWeakPassword.evaluate(ctx);
    expect(results.map((r) => [r.status, r.subject])).toEqual([["FAIL", "app_worker"]]);
    expect(results[0]?.message).toContain("a password from the documented weak-password list");
    const everything = JSON.stringify({ postgres, results });
    expect(everything).not.toContain("changeme");
    expect(everything).not.toContain(STRONG);
    expect(everything).not.toContain(AUDITOR);

    // The finding is real: the role logs in with it.
    const c = new pg.Client({
      host: "127.0.0.1",
      port: server?.port,
      user: "app_worker",
      password: "changeme",
      database: "app_production",
    });
    await c.connect();
    await c.end();
  }, 120_000);

  it("passes when every policy role has a strong password, naming the list and the pace", async () => {
    const admin = adminClient(server as PgServer);
    await admin.connect();
    await admin.query(`ALTER ROLE app_worker PASSWORD '${STRONG}'`);
    await admin.end();
    const cfg = config();
    const postgres = await probePostgres(cfg.postgres, { credentials: { env: { QA_PG_AUDITOR: AUDITOR } } });
    const ctx = {
      config: cfg,
      inventory: { partitions: [] },
      scope: { backends: [], securityGroups: [], gaps: [] } as unknown as Scope,
      observations: { postgres, redis: [] },
      now: new Date(),
    } as AuditContext;
    const [r] = pgWeakPassword.evaluate(ctx);
    expect(r?.status).toBe("PASS");
    expect(r?.message).toContain(
      `tried the ${WEAK_PASSWORDS.length}-password list of docs/weak-passwords.md (and a random password) ${WEAK_PASSWORD_PACE_MS} ms apart: none of app_worker, app_web accepted`,
    );
  }, 120_000);

  it("leaves the trial in the log under its own database, which pg-access-attempts does not count; a stranger's guessing still counts", async () => {
    const since = Date.now();
    const cfg = config();
    await probePostgres(cfg.postgres, { credentials: { env: { QA_PG_AUDITOR: AUDITOR } } });
    for (let i = 0; i < 10; i++) {
      const c = new pg.Client({
        host: "127.0.0.1",
        port: server?.port,
        user: "app_web",
        password: `guess-${i}`,
        database: "app_production",
      });
      c.on("error", () => undefined);
      await expect(c.connect()).rejects.toThrow(/password authentication failed/);
    }
    await new Promise((r) => setTimeout(r, 300));
    const events = lines.filter((l) => l.timestamp >= since);
    expect(events.some((l) => l.message.includes(`@${WEAK_PASSWORD_TRIAL_DATABASE}:`))).toBe(true);
    const { attempts, recognised } = foldEvents(events);
    const trial = attempts.failedLogins.filter((f) => f.kind === "weak-password-trial");
    expect(trial.map((f) => [f.user, f.count]).sort()).toEqual([
      ["app_web", WEAK_PASSWORDS.length],
      ["app_worker", WEAK_PASSWORDS.length],
    ]);
    const read = {
      logGroupName: "/aws/rds/instance/queue-db/postgresql",
      since: new Date(since).toISOString(),
      until: new Date().toISOString(),
      events: events.length,
      bytes: 1,
      pages: 1,
      recognised,
      attempts,
    };
    const logConnections = ok([{ ParameterName: "log_connections", ParameterValue: "1", Source: "user" }]);
    const inv = inventory(
      partition({
        dbInstances: ok([dbInstance("queue-db")]),
        dbParameters: { "queue-pg16": logConnections },
        logEvents: { [read.logGroupName]: ok(read) },
      }),
    );
    const results = verdicts("pg-access-attempts", cfg, inv);
    const failed = results.find((r) => r.subject === "failed-logins");
    expect(failed?.status).toBe("FAIL");
    expect(failed?.evidence.sources).toEqual([expect.objectContaining({ address: "127.0.0.1", count: 10, users: { app_web: 10 } })]);
  }, 120_000);
});
