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
  it("publishes one JSON-structured message: text for email, the digest as JSON for other protocols", async () => {
    sns.on(PublishCommand).resolves({ MessageId: "m-1" });
    const digest = digestFromNotification(notification([item({ findingId: "a" }), item({ findingId: "b" })]));
    const text = digestText(digest);
    const json = JSON.stringify(digest);

    await notifierFromSpec(`sns:${TOPIC}`, { sns: sns as unknown as SNSClient }).send(digest);

    expect(sns).toHaveReceivedCommandTimes(PublishCommand, 1);
    expect(sns).toHaveReceivedCommandWith(PublishCommand, {
      TopicArn: TOPIC,
      Subject: "queue-auditor: 2 new critical violations in 111122223333",
      MessageStructure: "json",
      Message: JSON.stringify({
        default: text,
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

    expect(Buffer.byteLength(input.Message ?? "")).toBeLessThanOrEqual(200_000);
    const structured = JSON.parse(input.Message ?? "{}") as Record<string, string>;
    const digest = parseDigestMessage(structured.lambda ?? "");
    expect(digest.items.length).toBeGreaterThan(0);
    expect(digest.items.length + digest.omitted).toBe(2000);
    expect(digest.totals.new).toBe(2000);
    expect(structured.email).toContain(`... and ${digest.omitted} more not shown here`);
  });

  it("rejects a malformed topic ARN as a usage error", () => {
    expect(() => notifierFromSpec("sns:queue-auditor-alerts")).toThrow(/expected sns:TOPIC_ARN/);
  });
});
