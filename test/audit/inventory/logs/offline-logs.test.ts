/**
 * Log events offline: `logs-filter-log-events/LOG_GROUP.json` as `aws logs filter-log-events
 * --output json` prints it, read back into the same counts as a live read; a snapshot writes
 * that file from a live read, and a partial read is never written as if it were whole.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { foldEvents } from "../../../../lib/audit/inventory/logs/fold.js";
import { readOfflineInventory } from "../../../../lib/audit/inventory/offline.js";
import { planSnapshot, writeSnapshot } from "../../../../lib/audit/inventory/snapshot.js";
import { ok, partition } from "../../../support/builders.js";

const GROUP = "/aws/rds/instance/queue-db/postgresql";
const FILE = "__aws__rds__instance__queue-db__postgresql.json";
const line = '2026-12-06 09:10:00 UTC:203.0.113.9(5000):admin@postgres:[7]:FATAL:  password authentication failed for user "admin"';
const cliOutput = {
  events: [
    { logStreamName: "queue-db.0", timestamp: 1796548200000, message: line, ingestionTime: 1796548201500, eventId: "3899" },
    { logStreamName: "queue-db.0", timestamp: 1796548260000, message: line, ingestionTime: 1796548261500, eventId: "3900" },
  ],
  searchedLogStreams: [],
};

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir() {
  const d = await mkdtemp(path.join(tmpdir(), "qa-logs-"));
  dirs.push(d);
  return d;
}

describe("offline log events", () => {
  it("reads the AWS CLI's output into counts over meta.json's logsSince … capturedAt", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "ec2-describe-security-groups.json"), JSON.stringify({ SecurityGroups: [] }));
    await mkdir(path.join(dir, "logs-filter-log-events"));
    await writeFile(path.join(dir, "logs-filter-log-events", FILE), JSON.stringify(cliOutput));
    await writeFile(
      path.join(dir, "meta.json"),
      JSON.stringify({
        capturedAt: "2026-12-06T10:00:00Z",
        account: "111122223333",
        region: "eu-west-1",
        logsSince: "2026-12-06T09:00:00Z",
      }),
    );
    const warnings: string[] = [];
    const [p] = (await readOfflineInventory(dir, { onWarning: (w) => warnings.push(w) })).partitions;
    expect(warnings).toEqual([]);
    expect(p?.logsSince).toBe("2026-12-06T09:00:00Z");
    const read = p?.logEvents?.[GROUP];
    expect(read?.ok && read.value).toMatchObject({
      logGroupName: GROUP,
      since: "2026-12-06T09:00:00Z",
      until: "2026-12-06T10:00:00Z",
      events: 2,
      attempts: { failedLogins: [{ user: "admin", address: "203.0.113.9", count: 2 }] },
    });
  });

  it("names the file and the key path of a malformed export", async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, "ec2-describe-security-groups.json"), JSON.stringify({ SecurityGroups: [] }));
    await mkdir(path.join(dir, "logs-filter-log-events"));
    await writeFile(path.join(dir, "logs-filter-log-events", FILE), JSON.stringify({ events: [{ timestamp: 1, message: 42 }] }));
    await expect(readOfflineInventory(dir)).rejects.toThrow(`${FILE}: events[0].message: expected a string`);
  });

  it("round-trips through a snapshot: the raw events of a live read become the file, logsSince goes to meta.json", async () => {
    const events = cliOutput.events;
    const { attempts, recognised } = foldEvents(events);
    const live = partition({
      origin: { kind: "live" },
      capturedAt: "2026-12-06T10:00:00.000Z",
      logsSince: "2026-12-06T09:00:00.000Z",
      logEvents: {
        [GROUP]: ok({
          logGroupName: GROUP,
          since: "2026-12-06T09:00:00.000Z",
          until: "2026-12-06T10:00:00.000Z",
          events: 2,
          bytes: 1,
          pages: 1,
          recognised,
          attempts,
          raw: events,
        }),
      },
    });
    const out = path.join(await tempDir(), "snap");
    await writeSnapshot({ partitions: [live] }, out);
    expect(JSON.parse(await readFile(path.join(out, "logs-filter-log-events", FILE), "utf8"))).toEqual(cliOutput);
    const [back] = (await readOfflineInventory(out)).partitions;
    const read = back?.logEvents?.[GROUP];
    expect(read?.ok && read.value.attempts).toEqual(attempts);
    expect(back?.logsSince).toBe("2026-12-06T09:00:00.000Z");
  });

  it("records a read stopped by a bound as not captured, never as a whole period", () => {
    const { attempts } = foldEvents(cliOutput.events);
    const live = partition({
      logEvents: {
        [GROUP]: ok({
          logGroupName: GROUP,
          since: "s",
          until: "u",
          events: 2,
          bytes: 1,
          pages: 1,
          recognised: 2,
          attempts,
          bound: { kind: "events", limit: 2 },
          raw: cliOutput.events,
        }),
      },
    });
    const plan = planSnapshot({ partitions: [live] });
    expect(plan.files.map((f) => f.path)).not.toContain(`logs-filter-log-events/${FILE}`);
    expect(plan.errors).toEqual([
      expect.objectContaining({ code: "BoundReached", reason: expect.stringContaining("stopped at 2 events (logs.maxEvents)") }),
    ]);
  });
});
