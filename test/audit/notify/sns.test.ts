import "aws-sdk-client-mock-vitest/extend";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { digestFromNotification, digestText } from "../../../lib/audit/notify/digest.js";
import { notifierFromSpec } from "../../../lib/audit/notify/notifier.js";
import { parseDigestMessage } from "../../../lib/audit/notify/slack.js";
import { snsPublishInput } from "../../../lib/audit/notify/sns.js";
import { item, notification } from "./fixtures.js";

const sns = mockClient(SNSClient);
afterEach(() => sns.reset());

const TOPIC = "arn:aws:sns:eu-west-1:111122223333:queue-auditor-alerts";

describe("SNS notifier", () => {
  it("publishes one JSON-structured message: text for email, one line for SMS and the default, the digest as JSON for the rest", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    const digest = digestFromNotification(notification([item({ findingId: "a" }), item({ findingId: "b" })]));
    const text = digestText(digest);
    const json = JSON.stringify(digest);
    const c = digest.run.counts;
    const line = `${digest.subject}. FAIL ${c.FAIL}, ERROR ${c.ERROR}. See queue-auditor history --open (run ${digest.run.id}).`;

    await notifierFromSpec(`sns:${TOPIC}`, { sns: sns as unknown as SNSClient }).send(digest);

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: "queue-auditor: 2 new critical violations in 111122223333",
      MessageStructure: "json",
      Message: JSON.stringify({
        default: line,
        sms: line.length <= 140 ? line : `${line.slice(0, 137)}...`,
        email: text,
        lambda: json,
        sqs: json,
        http: json,
        https: json,
        "email-json": json,
        firehose: json,
      }),
      MessageAttributes: {
        severity: { DataType: "String", StringValue: "critical" },
        outcome: { DataType: "String", StringValue: "violations" },
      },
    });
  });

  it("leaves items out past the size bound and says how many", () => {
    const many = Array.from({ length: 2000 }, (_, i) => item({ findingId: `f${i}`, message: `Finding ${i} ${"x".repeat(300)}` }));
    const input = snsPublishInput(TOPIC, digestFromNotification(notification(many)));

    expect(Buffer.byteLength(input.Message ?? "")).toBeLessThanOrEqual(250_000);
    const structured = JSON.parse(input.Message ?? "{}") as Record<string, string>;
    const digest = parseDigestMessage(structured.lambda ?? "");
    expect(digest.items.length).toBeGreaterThan(0);
    expect(digest.items.length + digest.omitted).toBe(2000);
    expect(digest.totals.new).toBe(2000);
    const shown = (structured.email?.match(/^\* \[NEW\]/gm) ?? []).length;
    expect(structured.email?.trimEnd().split("\n").at(-1)).toBe(
      `and ${2000 - shown} more, see \`queue-auditor history --open\` (run ${digest.run.id})`,
    );
  });

  it("keeps every protocol's body within its limit, and the whole under 256 KB, at 10,000 findings with fixes", () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      item({
        findingId: `f${i}`,
        message: `Role worker_${i} holds DELETE on public.jobs ${"x".repeat(200)}`,
        fix: {
          kind: "sql",
          text: `Revoke DELETE from worker_${i}.`,
          commands: [`REVOKE DELETE ON TABLE "public"."jobs" FROM "worker_${i}";`],
        },
      }),
    );
    const input = snsPublishInput(TOPIC, digestFromNotification(notification(many)));
    const attributes = JSON.stringify(input.MessageAttributes);
    expect(Buffer.byteLength(input.Message ?? "") + Buffer.byteLength(attributes)).toBeLessThan(256 * 1024);
    const structured = JSON.parse(input.Message ?? "{}") as Record<string, string>;
    expect(Buffer.byteLength(structured.sms ?? "")).toBeLessThanOrEqual(140);
    expect(Buffer.byteLength(structured.email ?? "")).toBeLessThanOrEqual(100_000);
    const shown = (structured.email?.match(/^\* \[NEW\]/gm) ?? []).length;
    expect(shown).toBeGreaterThan(10);
    expect(structured.email).toContain("REVOKE DELETE ON TABLE");
    expect(structured.email?.trimEnd().split("\n").at(-1)).toBe(
      `and ${10_000 - shown} more, see \`queue-auditor history --open\` (run ${JSON.parse(structured.lambda ?? "{}").run.id})`,
    );
    const digest = parseDigestMessage(structured.lambda ?? "");
    expect(digest.items.length + digest.omitted).toBe(10_000);
    for (const protocol of ["lambda", "sqs", "http", "https", "email-json", "firehose"])
      expect(structured[protocol]).toBe(structured.lambda);
  });

  it("tells email readers the history command of the store the run was recorded in", () => {
    const many = Array.from({ length: 2000 }, (_, i) => item({ findingId: `f${i}`, message: `Finding ${i} ${"x".repeat(300)}` }));
    const input = snsPublishInput(TOPIC, digestFromNotification(notification(many), { store: "dynamodb:QueueAuditor-Evidence" }));
    const structured = JSON.parse(input.Message ?? "{}") as Record<string, string>;
    expect(structured.email).toContain("see `queue-auditor history --store dynamodb:QueueAuditor-Evidence --open`");
  });

  it("rejects a malformed topic ARN as a usage error", () => {
    expect(() => notifierFromSpec("sns:queue-auditor-alerts")).toThrow(/expected sns:TOPIC_ARN/);
  });
});
