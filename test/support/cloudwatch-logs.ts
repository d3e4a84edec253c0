/**
 * CloudWatch Logs' FilterLogEvents served from a list of events, shaped exactly like the API
 * (botocore logs 2014-03-28 FilterLogEventsResponse: `events` of FilteredLogEvent, an empty
 * `searchedLogStreams`, `nextToken` while events remain): honours `limit` (1–10,000, default
 * 10,000), `startTime` and `endTime` (both inclusive), and the `?"term"` OR filter patterns.
 */
import {
  CloudWatchLogsClient,
  type FilteredLogEvent,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  ResourceNotFoundException,
} from "@aws-sdk/client-cloudwatch-logs";
import { mockClient } from "aws-sdk-client-mock";

export const logsMock = mockClient(CloudWatchLogsClient);

export interface LogLine {
  timestamp: number;
  message: string;
  logStreamName?: string;
}

/** `?"a b" ?"c"`: an event matches when its message holds any of the quoted terms. */
export function matchesFilter(pattern: string | undefined, message: string): boolean {
  if (!pattern) return true;
  const terms = [...pattern.matchAll(/\?"([^"]*)"/g)].map((m) => m[1] as string);
  if (terms.length === 0) throw new Error(`the fake understands only ?"term" patterns, got ${pattern}`);
  return terms.some((t) => message.includes(t));
}

/** Serves `groups` (log group name -> events, oldest first, or a function making the i-th event). */
export function serveLogGroups(groups: Record<string, LogLine[] | { count: number; event: (i: number) => LogLine }>): void {
  logsMock.on(FilterLogEventsCommand).callsFake((input: FilterLogEventsCommandInput) => {
    const name = input.logGroupName ?? "";
    const source = groups[name];
    if (!source) {
      throw new ResourceNotFoundException({ message: "The specified log group does not exist.", $metadata: { httpStatusCode: 400 } });
    }
    const limit = input.limit ?? 10_000;
    if (limit < 1 || limit > 10_000) throw new Error(`limit ${limit} is outside 1-10000`);
    const count = Array.isArray(source) ? source.length : source.count;
    const at = (i: number) => (Array.isArray(source) ? (source[i] as LogLine) : source.event(i));
    let i = input.nextToken ? Number(input.nextToken) : 0;
    const events: FilteredLogEvent[] = [];
    for (; i < count && events.length < limit; i++) {
      const e = at(i);
      if (input.startTime !== undefined && e.timestamp < input.startTime) continue;
      if (input.endTime !== undefined && e.timestamp > input.endTime) continue;
      if (!matchesFilter(input.filterPattern, e.message)) continue;
      events.push({
        logStreamName: e.logStreamName ?? "queue-db.0",
        timestamp: e.timestamp,
        message: e.message,
        ingestionTime: e.timestamp + 1500,
        eventId: `${String(e.timestamp).padStart(56, "0")}${i}`,
      });
    }
    return Promise.resolve({ events, searchedLogStreams: [], ...(i < count ? { nextToken: String(i) } : {}), $metadata: {} });
  });
}
