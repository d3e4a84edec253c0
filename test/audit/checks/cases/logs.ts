/** In-memory cases of the access-attempt checks: queue-db's exported PostgreSQL log over an hour. */
import { foldEvents } from "../../../../lib/audit/inventory/logs/fold.js";
import { config, context, dbInstance, inventory, ok, partition } from "../../../support/builders.js";
import type { FamilyCases } from "./case.js";

const GROUP = "/aws/rds/instance/queue-db/postgresql";
const T0 = Date.parse("2026-11-25T11:00:00Z");

const cfg = config({
  targets: { rds: ["queue-db"] },
  logs: {},
  postgres: [
    {
      name: "queue-db",
      connection: { host: "queue-db.example.com", database: "app_production", user: "queue_auditor", password: { env: "PGPW" } },
      tables: ["public.delayed_jobs"],
      owner: "app_migrator",
      principals: { app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
    },
  ],
});

const line = (remote: string, who: string, severity: string, message: string) =>
  `2026-11-25 11:00:00 UTC:${remote}:${who}:[4242]:${severity}:  ${message}`;
const worker = line(
  "10.20.1.5(40000)",
  "app_worker@app_production",
  "LOG",
  "connection authorized: user=app_worker database=app_production",
);

/** queue-db, log_connections on, and its log group holding these lines (one a second from 11:00). */
const queueDb = (messages: string[]) => () => {
  const { attempts, recognised } = foldEvents(messages.map((message, i) => ({ timestamp: T0 + i * 1000, message })));
  const read = {
    logGroupName: GROUP,
    since: "2026-11-25T11:00:00.000Z",
    until: "2026-11-25T12:00:00.000Z",
    events: messages.length,
    bytes: 1,
    pages: 1,
    recognised,
    attempts,
  };
  const logConnections = ok([
    { ParameterName: "log_connections", ParameterValue: "1", Source: "user", ApplyType: "dynamic", DataType: "boolean" },
  ]);
  return context(
    cfg,
    inventory(
      partition({
        dbInstances: ok([dbInstance("queue-db")]),
        dbParameters: { "queue-pg16": logConnections },
        logEvents: { [GROUP]: ok(read) },
      }),
    ),
  );
};

export const logsCases: FamilyCases = {
  "pg-access-attempts": {
    fail: {
      given: "12 failed password logins for postgres from 203.0.113.9 in the hour",
      context: queueDb([
        worker,
        ...Array.from({ length: 12 }, () =>
          line("203.0.113.9(5000)", "postgres@postgres", "FATAL", 'password authentication failed for user "postgres"'),
        ),
      ]),
      resource: "queue-db",
      subject: "failed-logins",
    },
    pass: {
      given: "an hour in which only the worker connected and one password was mistyped",
      context: queueDb([
        worker,
        worker,
        line("10.20.1.5(40001)", "app_worker@app_production", "FATAL", 'password authentication failed for user "app_worker"'),
      ]),
      resource: "queue-db",
    },
  },
};
