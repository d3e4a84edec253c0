/** In-memory cases of the access-attempt checks: queue-db's exported PostgreSQL log over an hour. */
import { foldEvents } from "../../../../lib/audit/inventory/logs/fold.js";
import type { RedisAclLogEntry, RedisObservation } from "../../../../lib/audit/probes/redis/types.js";
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

/** jobs-redis with an access policy, read by the audit user, with `logs:` on. */
export const redisLogCfg = config({
  logs: {},
  redis: [
    {
      name: "jobs-redis",
      endpoint: { host: "master.jobs-redis.abc123.euw1.cache.amazonaws.com", port: 6379 },
      credentials: { username: "auditor", password: { secret: "jobs-redis/auditor" } },
      queue: "sidekiq",
      principals: { sidekiq_worker: ["read", "write"], sidekiq_web: ["read"] },
    },
  ],
});

export const REDIS_READ_AT = "2026-11-25T12:00:00.000Z";

/** An ACL LOG entry as the probe records it, `ageSeconds` before the read (Redis 7.0: no ids or timestamps). */
export function aclEntry(over: Partial<RedisAclLogEntry> & { ageSeconds: number }): RedisAclLogEntry {
  return {
    count: 1,
    reason: "auth",
    context: "toplevel",
    object: "AUTH",
    username: "sidekiq_worker",
    clientAddr: "10.20.1.5:40000",
    clientUser: "default",
    last: new Date(Date.parse(REDIS_READ_AT) - over.ageSeconds * 1000).toISOString(),
    ...over,
  };
}

/** What the probe saw of jobs-redis: its ACL LOG holding these entries (newest first). */
export function redisLogObservation(entries: RedisAclLogEntry[]): RedisObservation {
  return {
    target: "jobs-redis",
    host: "master.jobs-redis.abc123.euw1.cache.amazonaws.com",
    port: 6379,
    tls: { attempted: true, spoken: true, protocol: "TLSv1.3", verified: true, trust: "system" },
    unauthenticated: { outcome: "noauth", transport: "tls", reply: "-NOAUTH Authentication required." },
    acl: { username: "auditor", transport: "tls", outcome: "read", command: "ACL LIST", users: [] },
    aclLog: { outcome: "read", limit: 1000, readAt: REDIS_READ_AT, entries },
  };
}

const jobsRedis = (entries: RedisAclLogEntry[]) => () => context(redisLogCfg, undefined, { redis: [redisLogObservation(entries)] });

export const logsCases: FamilyCases = {
  "redis-access-attempts": {
    fail: {
      given: "11 failed AUTHs as sidekiq_worker from 203.0.113.9 in the last ten minutes",
      context: jobsRedis([aclEntry({ ageSeconds: 600, count: 11, clientAddr: "203.0.113.9:5000" })]),
      resource: "jobs-redis",
      subject: "failed-logins",
    },
    pass: {
      given: "an hour with one mistyped worker password and the web dashboard refused a key outside the queue",
      context: jobsRedis([
        aclEntry({ ageSeconds: 60 }),
        aclEntry({ ageSeconds: 120, reason: "key", object: "session:42", username: "sidekiq_web" }),
      ]),
      resource: "jobs-redis",
    },
  },
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
