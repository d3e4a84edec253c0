/**
 * A PostgreSQL log file read as a log group: the lines FilterLogEvents would return for the
 * access filter, timed by RDS's prefix, within the period, folded like a live read.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readPostgresLogFile, withLogRead } from "../../../../lib/audit/inventory/log-file.js";
import { inventory, partition } from "../../../support/builders.js";

const dir = mkdtempSync(path.join(tmpdir(), "qa-log-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const GROUP = "/aws/rds/instance/queue-db/postgresql";

const LINES = [
  '2026-12-06 09:59:59 UTC:127.0.0.1(50001):app_worker@app:[101]:FATAL:  password authentication failed for user "app_worker"',
  '2026-12-06 10:00:00 UTC:127.0.0.1(50002):app_worker@app:[102]:FATAL:  password authentication failed for user "app_worker"',
  '2026-12-06 10:00:00 UTC:127.0.0.1(50002):app_worker@app:[102]:DETAIL:  Connection matched file "pg_hba.conf" line 3: "host all all all scram-sha-256"',
  "2026-12-06 10:00:01 UTC:127.0.0.1(50003):hq_analyst@app:[103]:LOG:  connection authorized: user=hq_analyst database=app application_name=psql",
  "2026-12-06 10:00:02 UTC:127.0.0.1(50003):hq_analyst@app:[103]:ERROR:  permission denied for table delayed_jobs",
  "2026-12-06 10:00:02 UTC:127.0.0.1(50003):hq_analyst@app:[103]:STATEMENT:  SELECT count(*)",
  "\tFROM public.delayed_jobs",
  "2026-12-06 10:00:03 UTC:127.0.0.1(50004):app_worker@app:[104]:LOG:  duration: 0.5 ms  statement: SELECT 1",
  '2026-12-06 11:00:00 UTC:127.0.0.1(50005):app_worker@app:[105]:FATAL:  password authentication failed for user "app_worker"',
];

describe("readPostgresLogFile", () => {
  it("keeps the lines of the period that the access filter lets through, timed by the prefix, folded like a live read", async () => {
    const file = path.join(dir, "postgresql.log");
    writeFileSync(file, `${LINES.join("\n")}\n`);
    // The period starts mid-second: that second is read whole (an overlap, never a gap); its end is exclusive.
    const read = await readPostgresLogFile(file, GROUP, {
      since: Date.parse("2026-12-06T10:00:00.400Z"),
      until: Date.parse("2026-12-06T11:00:00Z"),
    });
    // The 09:59:59 and 11:00:00 lines are outside; the duration line and the continuation line are not events;
    // the DETAIL line passes the filter ("pg_hba.conf") as it would in CloudWatch.
    expect(read).toMatchObject({
      logGroupName: GROUP,
      events: 4,
      pages: 0,
      since: "2026-12-06T10:00:00.400Z",
      until: "2026-12-06T11:00:00.000Z",
    });
    expect(read.attempts.failedLogins).toEqual([
      {
        user: "app_worker",
        address: "127.0.0.1",
        kind: "password",
        count: 1,
        first: "2026-12-06T10:00:00.000Z",
        last: "2026-12-06T10:00:00.000Z",
      },
    ]);
    expect(read.attempts.connections.map((c) => [c.user, c.database, c.count])).toEqual([["hq_analyst", "app", 1]]);
    expect(read.attempts.denied.map((d) => [d.user, d.object, d.first])).toEqual([
      ["hq_analyst", "delayed_jobs", "2026-12-06T10:00:02.000Z"],
    ]);
  });

  it("puts the read into its partition as the log group's, with the period's start as logsSince", async () => {
    const file = path.join(dir, "one.log");
    writeFileSync(file, `${LINES[1]}\n`);
    const read = await readPostgresLogFile(file, GROUP, {
      since: Date.parse("2026-12-06T10:00:00Z"),
      until: Date.parse("2026-12-06T10:01:00Z"),
    });
    const other = partition({ account: "444455556666" });
    const inv = withLogRead(inventory(partition({}), other), { account: "111122223333", region: "eu-west-1" }, read);
    expect(inv.partitions[0]?.logEvents?.[GROUP]).toEqual({ ok: true, value: read });
    expect(inv.partitions[0]?.logsSince).toBe("2026-12-06T10:00:00.000Z");
    expect(inv.partitions[1]?.logEvents).toBeUndefined();
  });
});
