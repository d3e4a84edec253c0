/**
 * Reading a busy PostgreSQL log: 1,000,000 events in the period, served by a fake
 * FilterLogEvents that pages as AWS documents it (at most 10,000 events and 1 MiB of events a
 * page; an event's size is its message's UTF-8 bytes plus 26, CloudWatch Logs' per-event
 * overhead), through the live collector and the pg-access-attempts check. What matters: the
 * calls are the page minimum (no empty or repeated page), memory does not grow with the
 * events (they are folded page by page), and a read stopped by `logs.maxEvents` is an ERROR.
 *
 * Runs in a child process with --expose-gc, so the memory figures start from a collected heap.
 */
import { execFileSync } from "node:child_process";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../lib/audit/config/load.js";
import { evaluate } from "../lib/audit/engine.js";
import { collectInventory } from "../lib/audit/inventory/aws/index.js";
import { ACCOUNT, dbInstance, parameters, securityGroup } from "../test/audit/inventory/aws/aws-shapes.js";
import { BASE_CREDENTIALS, installFakeAws, resetFakeAws } from "../test/audit/inventory/aws/fake-aws.js";

export const LOG_EVENTS = 1_000_000;
const PAGE_EVENTS = 10_000;
const PAGE_BYTES = 1_048_576;
const EVENT_OVERHEAD = 26;
const GROUP = "/aws/rds/instance/queue-db/postgresql";
const SINCE = Date.parse("2026-12-06T00:00:00Z");
/** One event every 50 ms: a million in about 14 hours of a busy database. */
const STEP_MS = 50;

/**
 * The i-th event, made on demand (the fake holds none): 6 in 10 authorized connections of the
 * policy's roles from 50 workers, 3 in 10 failed logins from 500 addresses, 1 in 10 a
 * stranger refused the queue table.
 */
function message(i: number): string {
  const at = new Date(SINCE + i * STEP_MS).toISOString().replace("T", " ").slice(0, 19);
  const pid = 10_000 + (i % 50_000);
  const kind = i % 10;
  if (kind < 6) {
    const user = kind % 2 === 0 ? "app_worker" : "app_web";
    return `${at} UTC:10.20.1.${i % 50}(${40_000 + (i % 20_000)}):${user}@app_production:[${pid}]:LOG:  connection authorized: user=${user} database=app_production SSL enabled (protocol=TLSv1.3, cipher=TLS_AES_256_GCM_SHA384, bits=256)`;
  }
  if (kind < 9) {
    const address = `203.0.${113 + (i % 2)}.${i % 250}`;
    return `${at} UTC:${address}(${50_000 + (i % 10_000)}):postgres@postgres:[${pid}]:FATAL:  password authentication failed for user "postgres"`;
  }
  return `${at} UTC:10.99.0.${i % 20}(${30_000 + (i % 10_000)}):intruder@app_production:[${pid}]:ERROR:  permission denied for table delayed_jobs`;
}

const sizeOf = (i: number) => Buffer.byteLength(message(i), "utf8") + EVENT_OVERHEAD;

/** The fewest pages AWS's two limits allow for these events in order (greedy packing is optimal for a sequence). */
function pageMinimum(count: number): number {
  let pages = 0;
  let events = 0;
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const size = sizeOf(i);
    if (events === 0 || events === PAGE_EVENTS || bytes + size > PAGE_BYTES) {
      pages++;
      events = 0;
      bytes = 0;
    }
    events++;
    bytes += size;
  }
  return pages;
}

interface Memory {
  heapMB: number;
  rssMB: number;
}
const mb = (n: number) => Math.round((n / 1_048_576) * 10) / 10;

/**
 * CloudWatch Logs over the SDK's HTTP layer (JSON 1.1 wire, `Logs_20140328.FilterLogEvents`):
 * the real client serialises the request and parses each page, and nothing keeps the pages
 * (aws-sdk-client-mock records every answer, which would be the memory measured). The other
 * services are the test fakes' mocks, which never reach this handler.
 */
function logsHandler(count: number, onPage: () => void) {
  return {
    async handle(request: { headers: Record<string, string>; body?: unknown }) {
      onPage();
      const target = Object.entries(request.headers).find(([k]) => k.toLowerCase() === "x-amz-target")?.[1];
      if (target !== "Logs_20140328.FilterLogEvents") throw new Error(`unexpected call ${target}`);
      const body = typeof request.body === "string" ? request.body : Buffer.from(request.body as Uint8Array).toString("utf8");
      const input = JSON.parse(body) as { logGroupName?: string; startTime?: number; endTime?: number; limit?: number; nextToken?: string };
      if (input.logGroupName !== GROUP) throw new Error(`unexpected group ${input.logGroupName}`);
      const limit = Math.min(input.limit ?? PAGE_EVENTS, PAGE_EVENTS);
      let i = input.nextToken ? Number(input.nextToken) : 0;
      const events: object[] = [];
      let bytes = 0;
      for (; i < count && events.length < limit; i++) {
        const timestamp = SINCE + i * STEP_MS;
        if (input.startTime !== undefined && timestamp < input.startTime) continue;
        if (input.endTime !== undefined && timestamp > input.endTime) continue;
        const text = message(i);
        const size = Buffer.byteLength(text, "utf8") + EVENT_OVERHEAD;
        if (events.length > 0 && bytes + size > PAGE_BYTES) break;
        bytes += size;
        events.push({ logStreamName: "queue-db", timestamp, message: text, ingestionTime: timestamp + 900, eventId: `${timestamp}${i}` });
      }
      const page = JSON.stringify({ events, searchedLogStreams: [], ...(i < count ? { nextToken: String(i) } : {}) });
      return {
        response: {
          statusCode: 200,
          headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": `req-${i}` },
          body: Readable.from([Buffer.from(page)]),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
}

export interface LogsRun {
  events: number;
  calls: number;
  minimum: number;
  ms: number;
  /** Peak heap and RSS above the collected heap before the read, sampled at every page. */
  peak: Memory;
  /** Heap still held after the read (collected), above the start. */
  retainedHeapMB: number;
  status: string;
  subjects: string[];
  failedLogins: number;
  bound: string | null;
}

async function readOnce(count: number, logs: Record<string, number> = {}): Promise<LogsRun> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error("run with node --expose-gc");
  resetFakeAws();
  installFakeAws({
    regions: {
      [`${ACCOUNT}/eu-west-1`]: {
        dbInstances: [dbInstance("queue-db", { parameterGroup: "queue-pg16" })],
        dbParameters: { "queue-pg16": parameters({ log_connections: "1" }) },
        securityGroups: [securityGroup("sg-0a1b2c3d4e5f60001")],
      },
    },
  });
  const config = parseConfig(
    {
      version: 1,
      aws: { regions: ["eu-west-1"] },
      targets: { rds: ["queue-db"] },
      logs,
      postgres: [
        {
          name: "queue-db",
          connection: { host: "queue-db.example.com", database: "app_production", user: "queue_auditor", password: { env: "PGPW" } },
          tables: ["public.delayed_jobs"],
          owner: "app_migrator",
          principals: { app_worker: ["SELECT", "UPDATE"], app_web: ["INSERT"] },
        },
      ],
    },
    "bench.yaml",
  );
  let calls = 0;
  const peak = { heap: 0, rss: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    peak.heap = Math.max(peak.heap, m.heapUsed);
    peak.rss = Math.max(peak.rss, m.rss);
  };
  const requestHandler = logsHandler(count, () => {
    calls++;
    sample();
  });
  gc();
  const start = process.memoryUsage();
  const started = performance.now();
  const until = new Date(SINCE + count * STEP_MS + 60_000);
  try {
    const inventory = await collectInventory(config, {
      credentials: BASE_CREDENTIALS,
      requestHandler,
      now: () => until,
      logsSince: new Date(SINCE),
    });
    sample();
    const ms = performance.now() - started;
    const findings = evaluate({ config, inventory, observations: { postgres: [], redis: [] }, now: until }).filter(
      (f) => f.checkId === "pg-access-attempts",
    );
    const read = inventory.partitions[0]?.logEvents?.[GROUP];
    gc();
    const end = process.memoryUsage();
    const failedLogins = read?.ok ? read.value.attempts.failedLogins.reduce((n, f) => n + f.count, 0) : -1;
    return {
      events: read?.ok ? read.value.events : -1,
      calls,
      minimum: pageMinimum(read?.ok ? read.value.events : count),
      ms: Math.round(ms),
      peak: { heapMB: mb(peak.heap - start.heapUsed), rssMB: mb(peak.rss - start.rss) },
      retainedHeapMB: mb(end.heapUsed - start.heapUsed),
      status: [...new Set(findings.map((f) => f.status))].join(","),
      subjects: findings.map((f) => f.subject ?? "").sort(),
      failedLogins,
      bound: read?.ok && read.value.bound ? `${read.value.bound.kind} ${read.value.bound.limit}` : null,
    };
  } finally {
    resetFakeAws();
  }
}

export interface LogsFigures {
  full: LogsRun;
  /** 200,000 events read with logs.maxEvents 100,000: the bound stops the read, the finding is ERROR. */
  bounded: LogsRun;
}

/** Runs the bench in a child process (memory measured from a collected heap). */
export function benchLogs(): LogsFigures {
  const out = execFileSync(process.execPath, ["--expose-gc", "--import", "tsx", fileURLToPath(import.meta.url)], {
    encoding: "utf8",
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out) as LogsFigures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const full = await readOnce(LOG_EVENTS);
  const bounded = await readOnce(200_000, { maxEvents: 100_000 });
  process.stdout.write(`${JSON.stringify({ full, bounded } satisfies LogsFigures)}\n`);
}
