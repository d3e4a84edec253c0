/**
 * Names an attacker chooses (a PostgreSQL role, a Redis ACL user, a tag value, a rule
 * description) rendered by every output. Text outputs (table, email/stdout digest, history
 * table, verify, progress lines) must show each control character as a visible escape, so
 * no forged "No violations." line and no erased line reaches a terminal or an inbox.
 * Structured outputs (JSON, OCSF, CSV, HTML, Slack) keep their own escaping: the hostile
 * name must come back exactly when parsed, and no raw escape character is in the bytes.
 */
import { describe, expect, it, vi } from "vitest";
import { escapeControls, hasRawControl } from "../../../lib/audit/model/escape.js";
import { digestFromNotification, digestText } from "../../../lib/audit/notify/digest.js";
import { slackMessageFromDigest } from "../../../lib/audit/notify/slack.js";
import { snsPublishInput } from "../../../lib/audit/notify/sns.js";
import { printDigest } from "../../../lib/audit/notify/stdout.js";
import { recordRun } from "../../../lib/audit/record.js";
import { renderResult } from "../../../lib/audit/report/index.js";
import { NoStore } from "../../../lib/audit/store/none.js";
import { renderTable as renderHistoryTable } from "../../../lib/cli/history.js";
import { progress } from "../../../lib/cli/output.js";
import { ACCOUNT, REGION } from "../../support/builders.js";
import { finding } from "./fixtures.js";

const ROLE = "app_worker\nNo violations.\r\u001b[2K\u001b[1A";
const REDIS_USER = "evil\u001b]0;pwned\u0007\u009b31m";
const TAG = "delayed_job\u2028\u202eexe.txt";
const DESCRIPTION = "office VPN\r\n  PASS   sg-world-ingress  everything is fine\u0000";

const findings = [
  finding({
    checkId: "pg-unexpected-principal",
    status: "FAIL",
    severity: "critical",
    resource: { type: "PostgreSQL::Table", id: "queue-db:public.delayed_jobs" },
    subject: ROLE,
    message: `Role ${ROLE} can change the queue table.`,
  }),
  finding({
    checkId: "redis-default-user-open",
    status: "FAIL",
    severity: "high",
    resource: { type: "Redis::Endpoint", id: "jobs-redis" },
    subject: REDIS_USER,
    message: `ACL user ${REDIS_USER} can run FLUSHALL.`,
  }),
  finding({
    checkId: "sg-unapproved-cidr",
    status: "FAIL",
    severity: "medium",
    resource: { type: "AWS::EC2::SecurityGroup", id: "sg-0a1b2c3d4e5f60001", account: ACCOUNT, region: REGION },
    subject: "198.51.100.0/24 tcp 5432",
    message: `Rule "${DESCRIPTION}" admits 198.51.100.0/24; the group is tagged queue-backend=${TAG}.`,
  }),
];

async function recorded() {
  const result = {
    schemaVersion: 1 as const,
    run: {
      id: "run-hostile",
      startedAt: "2026-01-01T00:00:00.000Z",
      finishedAt: "2026-01-01T00:00:01.000Z",
      outcome: "violations" as const,
      counts: { PASS: 0, FAIL: 3, ERROR: 0, MUTED: 0 },
    },
    findings,
  };
  const policy = { notifications: { minSeverity: "low" as const, remindAfterHours: 24, notifyResolved: true }, retentionDays: 30 };
  return recordRun(new NoStore(), result, policy, new Date("2026-01-01T00:00:02Z"));
}

/** A raw C0 control other than the newline between lines: what JSON's own escaping must never leave. */
const rawC0 = (text: string) => [...text].some((c) => c.charCodeAt(0) < 0x20 && c !== "\n");

/** Text for a terminal or a mail reader: newlines only between lines, nothing else raw. */
function expectSafeText(text: string) {
  expect(hasRawControl(text)).toBe(false);
  expect(text).not.toMatch(/^\s*No violations\.$/m);
  expect(text).not.toMatch(/^\s*PASS\s+sg-world-ingress/m);
}

describe("hostile names in every output", () => {
  it("escapes each control character visibly and doubles a backslash so no escape can be faked", () => {
    expect(escapeControls("a\nb\r\tc\u001b[2K\u009b\u2028\\n")).toBe("a\\nb\\r\\tc\\x1b[2K\\x9b\\u2028\\\\n");
  });

  it("the terminal table shows every hostile name escaped on its own finding's line", async () => {
    const { result } = await recorded();
    const table = renderResult(result, "table");
    expectSafeText(table);
    expect(table).toContain("app_worker\\nNo violations.\\r\\x1b[2K\\x1b[1A");
    expect(table).toContain("evil\\x1b]0;pwned\\x07\\x9b31m");
    expect(table).toContain("\\u2028\\u202eexe.txt");
  });

  it("the email body, the SNS default and the stdout alert are escaped the same way", async () => {
    const { notification } = await recorded();
    if (!notification) throw new Error("three new violations must alert");
    const digest = digestFromNotification(notification);
    expectSafeText(digestText(digest));
    const sns = JSON.parse(snsPublishInput("arn:aws:sns:eu-west-1:111122223333:alerts", digest).Message ?? "{}") as Record<string, string>;
    for (const body of Object.values(sns)) {
      if (!body.startsWith("{")) expectSafeText(body);
    }
    expect(snsPublishInput("arn:aws:sns:eu-west-1:111122223333:alerts", digest).Subject).toMatch(/^[\x20-\x7e]+$/);
    let printed = "";
    printDigest(digest, (t) => {
      printed += t;
    });
    expectSafeText(printed);
    expect(printed).toContain("app_worker\\nNo violations.");
  });

  it("history tables and progress lines on stderr are escaped", () => {
    const table = renderHistoryTable({
      kind: "findings",
      rows: findings.map((f) => ({ runId: "run-hostile", at: "2026-01-01T00:00:00.000Z", finding: f })),
    } as Parameters<typeof renderHistoryTable>[0]);
    expectSafeText(table);
    const writes: string[] = [];
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      writes.push(String(chunk));
      return true;
    });
    try {
      progress(`probing ${REDIS_USER} on ${ROLE}`);
    } finally {
      spy.mockRestore();
    }
    expect(writes).toHaveLength(1);
    expect(writes[0]?.endsWith("\n")).toBe(true);
    expectSafeText(writes[0] ?? "");
    expect(writes[0]?.split("\n")).toHaveLength(2);
  });

  it("JSON, OCSF, CSV, HTML and Slack keep the exact names under their own escaping, with no raw escape character", async () => {
    const { result, notification } = await recorded();
    const json = renderResult(result, "json");
    expect(rawC0(json)).toBe(false);
    expect((JSON.parse(json) as { findings: { subject?: string }[] }).findings.map((f) => f.subject)).toEqual(
      expect.arrayContaining([ROLE, REDIS_USER]),
    );
    const ocsf = renderResult(result, "ocsf");
    expect(rawC0(ocsf)).toBe(false);
    expect(JSON.stringify(JSON.parse(ocsf))).toContain(JSON.stringify(ROLE).slice(1, -1));
    // CSV carries the exact value for a spreadsheet: RFC 4180 quotes the cell, so a newline cannot start a row.
    const csv = renderResult(result, "csv");
    expect(csv).toContain(`"${ROLE}"`);
    expect(csv).toContain(`"Rule ""${DESCRIPTION}""`);
    const html = renderResult(result, "html", { now: new Date("2026-01-01T00:00:02Z") });
    // HTML escapes markup; a browser shows a control character inertly, so the text stays exact.
    expect(html).toMatch(/Rule (&quot;|&#34;)office VPN/);
    expect(html).not.toContain('Rule "office VPN');
    if (!notification) throw new Error("three new violations must alert");
    const slack = JSON.stringify(slackMessageFromDigest(digestFromNotification(notification)));
    expect(rawC0(slack)).toBe(false);
    // Slack's JSON carries each name, its controls as JSON escapes.
    for (const name of [ROLE, REDIS_USER]) expect(slack).toContain(JSON.stringify(name).slice(1, -1));
  });
});
