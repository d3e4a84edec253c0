import { describe, expect, it } from "vitest";
import { digestFromNotification } from "../../../lib/audit/notify/digest.js";
import {
  alarmLabel,
  DigestParseError,
  digestsFromSnsEvent,
  parseDigestMessage,
  readSnsMessage,
  slackMessageFromAlarm,
  slackMessageFromDigest,
} from "../../../lib/audit/notify/slack.js";
import { snsPublishInput } from "../../../lib/audit/notify/sns.js";
import { ALARM_NAME, cloudWatchAlarmMessage, item, notification } from "./fixtures.js";

type Section = { type: string; text?: { text: string }; elements?: { text: string }[] };

describe("Slack formatter", () => {
  it("shows severity, resource, subject, what to do and a count summary", () => {
    const digest = digestFromNotification(notification([item({ findingId: "a", subject: "<!channel> & co" })]));
    const msg = slackMessageFromDigest(digest);
    const blocks = msg.blocks as Section[];

    expect(msg.text).toBe(digest.subject);
    expect(blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: digest.subject, emoji: true } });
    expect(blocks[1]?.text?.text).toContain("*FAIL* 2 · *ERROR* 0 · *PASS* 40 · *MUTED* 1");
    const finding = blocks[3]?.text?.text ?? "";
    expect(finding).toContain("*CRITICAL* · *NEW* · `sg-world-ingress`");
    expect(finding).toContain("*Resource:* AWS::EC2::SecurityGroup sg-0a1b2c3d4e5f60001 (111122223333/eu-west-1)");
    expect(finding).toContain("*Subject:* `&lt;!channel&gt; &amp; co`");
    expect(finding).toContain("*What to do:* Remove the rule");
  });

  it("stays within Slack's 50 blocks and counts what it left out", () => {
    const many = Array.from({ length: 120 }, (_, i) => item({ findingId: `f${i}` }));
    const msg = slackMessageFromDigest(digestFromNotification(notification(many)));
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    const footer = msg.blocks.at(-1) as Section;
    expect(footer.elements?.[0]?.text).toContain("and 80 more, see `queue-auditor history --open`");
  });

  it("stays within 50 blocks and 3,000 characters per section at 10,000 findings with long fixes, saying exactly how many it left out", () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      item({
        findingId: `f${i}`,
        message: "m".repeat(2500),
        fix: { kind: "aws-cli", text: "t".repeat(2000), commands: ["aws ec2 x".repeat(400)] },
      }),
    );
    const digest = digestFromNotification(notification(many));
    const msg = slackMessageFromDigest(digest);
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
    for (const b of msg.blocks as Section[]) if (b.text?.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
    const items = msg.blocks.filter((b) => (b as Section).text?.text?.includes("NEW")).length;
    expect((msg.blocks.at(-1) as Section).elements?.[0]?.text).toContain(
      `and ${10_000 - items} more, see \`queue-auditor history --open\` (run ${digest.run.id})`,
    );
  });

  it("names the deployed store in the 'not shown' hint, through SNS to the Slack function", () => {
    const many = Array.from({ length: 120 }, (_, i) => item({ findingId: `f${i}` }));
    const sent = digestFromNotification(notification(many), { store: "dynamodb:QueueAuditor-DataEvidence1A2B3C" });
    const lambdaBody = (JSON.parse(snsPublishInput("arn:aws:sns:eu-west-1:111122223333:t", sent).Message ?? "{}") as { lambda: string })
      .lambda;
    const [received] = digestsFromSnsEvent({ Records: [{ Sns: { Message: lambdaBody } }] });
    const footer = slackMessageFromDigest(received as typeof sent).blocks.at(-1) as Section;
    expect(footer.elements?.[0]?.text).toContain("see `queue-auditor history --store dynamodb:QueueAuditor-DataEvidence1A2B3C --open`");
  });

  it("refuses a digest whose store is not a DynamoDB table name (the hint is a command someone pastes)", () => {
    const digest = { ...digestFromNotification(notification([item({ findingId: "a" })])), store: "dynamodb:x; rm -rf ~" };
    expect(() => parseDigestMessage(JSON.stringify(digest))).toThrow(DigestParseError);
  });

  it("reads the digest back from the SNS message a Lambda subscriber receives", () => {
    const digest = digestFromNotification(notification([item({ findingId: "a" })]));
    const lambdaBody = (JSON.parse(snsPublishInput("arn:aws:sns:eu-west-1:111122223333:t", digest).Message ?? "{}") as { lambda: string })
      .lambda;
    expect(digestsFromSnsEvent({ Records: [{ Sns: { Message: lambdaBody } }] })).toEqual([digest]);
    expect(() => parseDigestMessage("queue-auditor: 2 new critical violations")).toThrow(DigestParseError);
    expect(() => parseDigestMessage(JSON.stringify({ version: 2 }))).toThrow(/not a queue-auditor digest/);
  });

  it("tells a digest, a CloudWatch alarm and anything else on the topic apart, without throwing", () => {
    const digest = digestFromNotification(notification([item({ findingId: "a" })]));
    const lambdaBody = (JSON.parse(snsPublishInput("arn:aws:sns:eu-west-1:111122223333:t", digest).Message ?? "{}") as { lambda: string })
      .lambda;
    expect(readSnsMessage(lambdaBody)).toEqual({ kind: "digest", digest });
    const alarm = readSnsMessage(cloudWatchAlarmMessage());
    expect(alarm.kind).toBe("alarm");
    expect(alarm.kind === "alarm" && alarm.alarm.NewStateValue).toBe("ALARM");
    expect(readSnsMessage("hello from the console")).toEqual({ kind: "unrecognised", reason: "not JSON" });
    expect(readSnsMessage(JSON.stringify({ version: 2 }))).toMatchObject({ kind: "unrecognised", reason: /not a queue-auditor digest/ });
    expect(readSnsMessage(cloudWatchAlarmMessage({ NewStateReason: undefined }))).toMatchObject({
      kind: "unrecognised",
      reason: /CloudWatch alarm message without NewStateReason/,
    });
  });

  it("posts a CloudWatch alarm as what it means: which alarm, its state, why", () => {
    const notice = readSnsMessage(cloudWatchAlarmMessage());
    if (notice.kind !== "alarm") throw new Error("expected an alarm");
    const msg = slackMessageFromAlarm(notice.alarm);
    const blocks = msg.blocks as Section[];
    expect(msg.text).toBe("queue-auditor alarm: RunMissing is ALARM — no audit run completed within two schedule periods");
    expect(blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: msg.text, emoji: true } });
    expect(blocks[1]?.text?.text).toContain("*RunMissing* is *ALARM*");
    expect(blocks[1]?.text?.text).toContain("its silence is not a clean audit");
    expect(blocks[1]?.text?.text).toContain("*Reason:* Threshold Crossed: no datapoints were received");
    expect(blocks[2]?.elements?.[0]?.text).toBe(
      `Alarm \`${ALARM_NAME}\` · 111122223333/EU (Ireland) · changed 2026-03-01T12:00:31.228+0000 from OK`,
    );
  });

  it("names an alarm by its construct id when CloudFormation generated the name, else as given", () => {
    expect(alarmLabel(ALARM_NAME)).toBe("RunMissing");
    expect(alarmLabel("QueueAuditor-MonitoringevaluateErrors0F3D2C1B-1AbCdEfGhIjK")).toBe("evaluateErrors");
    expect(alarmLabel("my-own-alarm")).toBe("my-own-alarm");
  });
});
