/**
 * A PostgreSQL log file as a log source: the server's own `stderr` log, written with RDS's
 * `log_line_prefix` (`%t:%r:%u@%d:[%p]:`), read for a period and folded into the same counts
 * as a FilterLogEvents read (the lines FilterLogEvents would return for the same filter,
 * timed as RDS's export times them: by the prefix's `%t`). Streamed line by line, so memory
 * does not grow with the file. The demo reads its embedded PostgreSQL's log through it; a
 * config key for log files does not exist (docs/access-attempts.md).
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { matchesAccessFilter } from "./logs/filter.js";
import { AttemptFolder } from "./logs/fold.js";
import type { LogGroupRead } from "./logs/types.js";
import type { Inventory, Observed } from "./types.js";

/** `2026-12-06 14:50:03 UTC:` at the start of a line: its time in ms, else NaN. */
function prefixTime(line: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.\d+)? UTC:/.exec(line);
  return m ? Date.parse(`${m[1]}T${m[2]}Z`) : Number.NaN;
}

/**
 * The lines of `file` timed in [since, until), as the log group `logGroupName` would hold them.
 * Lines without a prefix (a statement's continuation) are not events, as in CloudWatch.
 */
export async function readPostgresLogFile(
  file: string,
  logGroupName: string,
  period: { since: number; until: number },
): Promise<LogGroupRead> {
  // The prefix's time has whole seconds: the period's first second is read whole (an overlap
  // with the previous period, never a gap).
  const from = Math.floor(period.since / 1000) * 1000;
  const folder = new AttemptFolder();
  let events = 0;
  let bytes = 0;
  const lines = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of lines) {
    const at = prefixTime(line);
    if (!(at >= from && at < period.until) || !matchesAccessFilter(line)) continue;
    events++;
    bytes += Buffer.byteLength(line, "utf8");
    folder.add({ timestamp: at, message: line });
  }
  return {
    logGroupName,
    since: new Date(period.since).toISOString(),
    until: new Date(period.until).toISOString(),
    events,
    bytes,
    pages: 0,
    recognised: folder.recognised,
    attempts: folder.result(),
  };
}

/** The inventory with `read` as the log of its group in the partition of `account` × `region` (the others as they were). */
export function withLogRead(inventory: Inventory, where: { account: string; region: string }, read: LogGroupRead): Inventory {
  return {
    ...inventory,
    partitions: inventory.partitions.map((p) =>
      p.account === where.account && p.region === where.region
        ? {
            ...p,
            logsSince: read.since,
            logEvents: { ...(p.logEvents ?? {}), [read.logGroupName]: { ok: true, value: read } as Observed<LogGroupRead> },
          }
        : p,
    ),
  };
}
