/**
 * The log period of consecutive CLI audits against one store: the first run (no recorded run)
 * reads `logs.lookbackMinutes` back from its collection; the second reads exactly from the
 * first run's recorded start, so nothing between the two runs goes unread.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { AuditResult } from "../../lib/audit/findings/model.js";
import { auditCommand } from "../../lib/cli/audit.js";
import { dbInstance, securityGroup } from "../audit/inventory/aws/aws-shapes.js";
import { BASE_CREDENTIALS, installFakeAws, resetFakeAws } from "../audit/inventory/aws/fake-aws.js";
import { logsMock, serveLogGroups } from "../support/cloudwatch-logs.js";

const GROUP = "/aws/rds/instance/queue-db/postgresql";
const work = mkdtempSync(path.join(tmpdir(), "qa-logs-period-"));
const configFile = path.join(work, "queue-auditor.yaml");

beforeAll(() => {
  writeFileSync(
    configFile,
    ["version: 1", "aws:", "  regions: [eu-west-1]", "targets:", "  rds: [queue-db]", "logs:", "  lookbackMinutes: 90", ""].join("\n"),
  );
  vi.stubEnv("AWS_ACCESS_KEY_ID", BASE_CREDENTIALS.accessKeyId);
  vi.stubEnv("AWS_SECRET_ACCESS_KEY", BASE_CREDENTIALS.secretAccessKey);
  vi.stubEnv("AWS_REGION", "eu-west-1");
  installFakeAws({
    regions: {
      "111122223333/eu-west-1": { dbInstances: [dbInstance("queue-db")], securityGroups: [securityGroup("sg-0a1b2c3d4e5f60001")] },
    },
  });
});
afterEach(() => vi.restoreAllMocks());
afterAll(() => {
  resetFakeAws();
  logsMock.reset();
  vi.unstubAllEnvs();
  rmSync(work, { recursive: true, force: true });
});

async function audit(n: number): Promise<AuditResult> {
  vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  const out = path.join(work, `run-${n}.json`);
  await auditCommand({
    config: configFile,
    format: "json",
    out,
    store: `local:${path.join(work, "store")}`,
    notify: "none",
    failOn: "low",
  });
  return JSON.parse(readFileSync(out, "utf8")) as AuditResult;
}

const startTimes = () => logsMock.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.startTime);

describe("the log period of two CLI audits against one store", () => {
  it("reads the lookback on the first run, then only since the first run's start", async () => {
    serveLogGroups({ [GROUP]: [] });
    const before = Date.now();
    const first = await audit(1);
    const firstStarts = startTimes();
    expect(firstStarts).toHaveLength(1);
    // No recorded run: 90 minutes (logs.lookbackMinutes) back from the collection.
    const lookback = 90 * 60_000;
    expect(firstStarts[0]).toBeGreaterThanOrEqual(before - lookback);
    expect(firstStarts[0]).toBeLessThanOrEqual(Date.now() - lookback);

    logsMock.resetHistory();
    const second = await audit(2);
    expect(second.run.id).not.toBe(first.run.id);
    expect(startTimes()).toEqual([Date.parse(first.run.startedAt)]);
    const finding = second.findings.find((f) => f.checkId === "pg-access-attempts");
    expect(finding?.evidence).toMatchObject({ logGroup: GROUP, since: new Date(Date.parse(first.run.startedAt)).toISOString() });
  });
});
