/**
 * CloudWatch Logs: the in-scope PostgreSQL databases' exported `postgresql` log over the
 * period since the last run, read with FilterLogEvents at its largest page (10,000 events)
 * and folded into access-attempt counts page by page, so memory does not grow with the
 * number of events. A server-side filter pattern keeps only the lines that can say who
 * tried (failed logins, authorized connections, permission denied, pgAudit), so busy
 * statement logging costs no transfer. Each read is bounded in events, bytes and time;
 * a bound reached is recorded on the read and judged an ERROR, never a quiet PASS.
 */
import { paginateFilterLogEvents } from "@aws-sdk/client-cloudwatch-logs";
import { POSTGRES_ACCESS_FILTER } from "../logs/filter.js";
import { AttemptFolder } from "../logs/fold.js";
import type { LogGroupRead, LogReadBound } from "../logs/types.js";
import type { InventoryPartition } from "../types.js";
import { type CollectContext, keyed } from "./collector.js";
import type { PartitionNeeds } from "./needs.js";
import { freshInput } from "./paginate.js";

/** FilterLogEvents' largest page (EventsLimit max). */
export const LOG_PAGE_SIZE = 10_000;

/** Lines it lets through that say nothing are parsed and ignored (lib/audit/inventory/logs/filter.ts). */
export { POSTGRES_ACCESS_FILTER };

export interface LogPeriod {
  /** Inclusive start, ms since the epoch. */
  since: number;
  /** Exclusive end, ms since the epoch. */
  until: number;
}

export interface LogReadOptions {
  period: LogPeriod;
  maxEvents: number;
  maxBytes: number;
  maxSeconds: number;
  /** Keep the raw events too (snapshot writes them as the AWS CLI would print them). */
  keepEvents?: boolean;
  /** The clock the time bound is measured on. */
  clock?: () => number;
}

export async function readPostgresLogGroup(ctx: CollectContext, logGroupName: string, options: LogReadOptions): Promise<LogGroupRead> {
  const clock = options.clock ?? Date.now;
  const started = clock();
  const folder = new AttemptFolder();
  const raw: NonNullable<LogGroupRead["raw"]> = [];
  let events = 0;
  let bytes = 0;
  let pages = 0;
  let bound: LogReadBound | undefined;
  const pager = paginateFilterLogEvents(
    { client: ctx.clients.logs, pageSize: LOG_PAGE_SIZE, withCommand: freshInput },
    {
      logGroupName,
      startTime: options.period.since,
      // endTime is inclusive in the API; the period's end is not.
      endTime: options.period.until - 1,
      filterPattern: POSTGRES_ACCESS_FILTER,
    },
  );
  const iterator = pager[Symbol.asyncIterator]();
  for (;;) {
    const step = await ctx.limit(() => iterator.next());
    if (step.done) break;
    pages++;
    for (const e of step.value.events ?? []) {
      events++;
      bytes += Buffer.byteLength(e.message ?? "", "utf8");
      folder.add(e);
      if (options.keepEvents) raw.push(JSON.parse(JSON.stringify(e)));
    }
    if (events >= options.maxEvents) bound = { kind: "events", limit: options.maxEvents };
    else if (bytes >= options.maxBytes) bound = { kind: "bytes", limit: options.maxBytes };
    else if ((clock() - started) / 1000 >= options.maxSeconds) bound = { kind: "seconds", limit: options.maxSeconds };
    // A bound reached with pages left is a partial read; reached on the last page, the read is whole.
    if (bound && !step.value.nextToken) bound = undefined;
    if (bound) break;
  }
  return {
    logGroupName,
    since: new Date(options.period.since).toISOString(),
    until: new Date(options.period.until).toISOString(),
    events,
    bytes,
    pages,
    recognised: folder.recognised,
    attempts: folder.result(),
    ...(bound ? { bound } : {}),
    ...(options.keepEvents ? { raw } : {}),
  };
}

export async function collectLogs(
  ctx: CollectContext,
  needs: PartitionNeeds,
  options: Omit<LogReadOptions, "maxEvents" | "maxBytes" | "maxSeconds">,
): Promise<Pick<InventoryPartition, "logEvents" | "logsSince">> {
  if (!ctx.config.logs) return {};
  const { maxEvents, maxBytes, maxSeconds } = ctx.config.logs;
  const logEvents = await keyed(ctx, "logEvents", needs.postgresLogGroups, (group) =>
    readPostgresLogGroup(ctx, group, { ...options, maxEvents, maxBytes, maxSeconds }),
  );
  return { logEvents, logsSince: new Date(options.period.since).toISOString() };
}

/**
 * The period to read: since the last run when the caller knows it, else the configured
 * lookback, up to the collection time.
 */
export function logPeriod(capturedAt: string, lookbackMinutes: number, since?: Date): LogPeriod {
  const until = Date.parse(capturedAt);
  const start = since && since.getTime() < until ? since.getTime() : until - lookbackMinutes * 60_000;
  return { since: start, until };
}
