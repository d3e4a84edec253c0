import "aws-sdk-client-mock-vitest/extend";
import { CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import type { CollectContext } from "../../../../lib/audit/inventory/aws/collector.js";
import { createLimit } from "../../../../lib/audit/inventory/aws/limit.js";
import {
  collectLogs,
  LOG_PAGE_SIZE,
  logPeriod,
  POSTGRES_ACCESS_FILTER,
  readPostgresLogGroup,
} from "../../../../lib/audit/inventory/aws/logs.js";
import type { PartitionNeeds } from "../../../../lib/audit/inventory/aws/needs.js";
import { logsMock, serveLogGroups } from "../../../support/cloudwatch-logs.js";

const GROUP = "/aws/rds/instance/queue-db/postgresql";
const SINCE = Date.parse("2026-12-06T09:00:00Z");
const UNTIL = Date.parse("2026-12-06T10:00:00Z");
const period = { since: SINCE, until: UNTIL };
const bounds = { maxEvents: 1_000_000, maxBytes: 1 << 30, maxSeconds: 300 };

const failed = (i: number) => ({
  timestamp: SINCE + i,
  message: `2026-12-06 09:00:00 UTC:203.0.113.9(${1000 + (i % 50)}):postgres@postgres:[${i}]:FATAL:  password authentication failed for user "postgres"`,
});

function ctx(logs: Record<string, unknown> = {}): CollectContext {
  const config = parseConfig({ version: 1, logs }, "test.yaml");
  return {
    account: "111122223333",
    region: "eu-west-1",
    config,
    clients: {
      logs: new CloudWatchLogsClient({ region: "eu-west-1", credentials: { accessKeyId: "AKIAX", secretAccessKey: "x" } }),
    } as CollectContext["clients"],
    limit: createLimit(4),
  };
}
const needs = (groups: string[]): PartitionNeeds => ({
  securityGroupIds: [],
  dbParameterGroups: [],
  dbClusterParameterGroups: [],
  userGroupIds: [],
  subnetIds: [],
  cacheSubnetGroups: [],
  postgresLogGroups: groups,
});

afterEach(() => logsMock.reset());

describe("reading a PostgreSQL log group with FilterLogEvents", () => {
  it("asks for the period at the largest page with the access filter, and pages to the end", async () => {
    serveLogGroups({ [GROUP]: { count: 25_000, event: failed } });
    const read = await readPostgresLogGroup(ctx(), GROUP, { period, ...bounds });
    expect(read).toMatchObject({ events: 25_000, pages: 3, since: "2026-12-06T09:00:00.000Z", until: "2026-12-06T10:00:00.000Z" });
    expect(read.bound).toBeUndefined();
    expect(read.attempts.failedLogins).toEqual([
      expect.objectContaining({ user: "postgres", address: "203.0.113.9", count: 25_000, first: "2026-12-06T09:00:00.000Z" }),
    ]);
    expect(logsMock).toHaveReceivedCommandTimes(FilterLogEventsCommand, 3);
    const inputs = logsMock.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({
      logGroupName: GROUP,
      startTime: SINCE,
      endTime: UNTIL - 1,
      filterPattern: POSTGRES_ACCESS_FILTER,
      limit: LOG_PAGE_SIZE,
    });
    expect(inputs.map((i) => i.nextToken)).toEqual([undefined, "10000", "20000"]);
  });

  it("reads only the period: events before its start or at its end are not counted", async () => {
    serveLogGroups({ [GROUP]: [failed(-1), failed(0), { ...failed(0), timestamp: UNTIL - 1 }, { ...failed(0), timestamp: UNTIL }] });
    expect((await readPostgresLogGroup(ctx(), GROUP, { period, ...bounds })).events).toBe(2);
  });

  it("stops at a bound with pages left and says which; a bound met on the last page is a whole read", async () => {
    serveLogGroups({ [GROUP]: { count: 25_000, event: failed } });
    const byEvents = await readPostgresLogGroup(ctx(), GROUP, { period, ...bounds, maxEvents: 10_000 });
    expect(byEvents).toMatchObject({ events: 10_000, pages: 1, bound: { kind: "events", limit: 10_000 } });
    const byBytes = await readPostgresLogGroup(ctx(), GROUP, { period, ...bounds, maxBytes: 1000 });
    expect(byBytes.bound).toEqual({ kind: "bytes", limit: 1000 });
    let t = 0;
    const byTime = await readPostgresLogGroup(ctx(), GROUP, { period, ...bounds, maxSeconds: 5, clock: () => (t += 3000) });
    expect(byTime.bound).toEqual({ kind: "seconds", limit: 5 });
    const exact = await readPostgresLogGroup(ctx(), GROUP, { period, ...bounds, maxEvents: 25_000 });
    expect(exact.bound).toBeUndefined();
  });

  it("keeps the raw events only when asked (snapshot)", async () => {
    serveLogGroups({ [GROUP]: [failed(0)] });
    expect((await readPostgresLogGroup(ctx(), GROUP, { period, ...bounds })).raw).toBeUndefined();
    const kept = await readPostgresLogGroup(ctx(), GROUP, { period, ...bounds, keepEvents: true });
    expect(kept.raw).toEqual([expect.objectContaining({ message: failed(0).message, timestamp: SINCE, logStreamName: "queue-db.0" })]);
  });

  it("records a missing log group as not observed, the others as read", async () => {
    serveLogGroups({ [GROUP]: [failed(0)] });
    const missing = "/aws/rds/instance/gone/postgresql";
    const out = await collectLogs(ctx({}), needs([GROUP, missing]), { period });
    expect(out.logEvents?.[GROUP]?.ok).toBe(true);
    expect(out.logEvents?.[missing]).toEqual({
      ok: false,
      error: expect.objectContaining({ source: `logs:FilterLogEvents ${missing}`, code: "ResourceNotFoundException" }),
    });
    expect(out.logsSince).toBe("2026-12-06T09:00:00.000Z");
  });

  it("reads nothing without `logs` in the config", async () => {
    serveLogGroups({ [GROUP]: [failed(0)] });
    const config = parseConfig({ version: 1 }, "test.yaml");
    expect(await collectLogs({ ...ctx(), config }, needs([GROUP]), { period })).toEqual({});
    expect(logsMock).toHaveReceivedCommandTimes(FilterLogEventsCommand, 0);
  });

  it("takes the period from the previous run when known, else the lookback", () => {
    const at = "2026-12-06T10:00:00.000Z";
    expect(logPeriod(at, 60)).toEqual({ since: SINCE, until: UNTIL });
    expect(logPeriod(at, 60, new Date("2026-12-06T08:30:00Z"))).toEqual({ since: Date.parse("2026-12-06T08:30:00Z"), until: UNTIL });
    // A "previous run" in the future (clock skew) falls back to the lookback.
    expect(logPeriod(at, 60, new Date("2026-12-06T11:00:00Z"))).toEqual({ since: SINCE, until: UNTIL });
  });
});
