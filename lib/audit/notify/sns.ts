/**
 * SNS: one message per run, `MessageStructure: json`: email receives the plain text, SMS
 * and the default (mobile push) a one-line summary; lambda, sqs, http(s), email-json and
 * firehose receive the digest as JSON, which the Slack Lambda parses. Each body is bounded,
 * and what is left out is said in an exact "and N more, see …" line. Attributes
 * `severity` and `outcome` serve subscription filter policies.
 */
import { PublishCommand, type PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { asciiLine, boundDigest, type Digest, digestText } from "./digest.js";
import type { Notifier } from "./notifier.js";

/** SNS allows 262,144 bytes for the message and its attributes together; this leaves room for the attributes. */
export const MAX_MESSAGE_BYTES = 250_000;
/** The email body: a readable digest, not a dump; the rest is one "and N more, see …" line away. */
export const EMAIL_BYTES = 100_000;
/** One SMS (GSM-7, 140 bytes); longer ones are split and billed per part. */
export const SMS_BYTES = 140;
const JSON_PROTOCOLS = ["lambda", "sqs", "http", "https", "email-json", "firehose"] as const;

const bytes = (text: string) => Buffer.byteLength(text);

/** What SMS and protocols without their own body (mobile push) get: the subject and the counts. */
function shortText(d: Digest, max: number): string {
  const c = d.run.counts;
  return asciiLine(`${d.subject}. FAIL ${c.FAIL}, ERROR ${c.ERROR}. See queue-auditor history --open (run ${d.run.id}).`, max);
}

/**
 * One body per protocol, each within its own limit: email text (bounded on its own), a short
 * line for SMS and the default, and the digest as JSON (bounded so that all copies fit).
 */
function message(email: Digest, json: Digest): string {
  const text = digestText(email);
  const data = JSON.stringify(json);
  return JSON.stringify({
    default: shortText(email, 1000),
    sms: shortText(email, SMS_BYTES),
    email: text,
    ...Object.fromEntries(JSON_PROTOCOLS.map((p) => [p, data])),
  });
}

export function snsPublishInput(topicArn: string, digest: Digest, maxBytes = MAX_MESSAGE_BYTES): PublishCommandInput {
  const email = boundDigest(digest, (d) => bytes(digestText(d)) <= Math.min(EMAIL_BYTES, maxBytes / 2));
  const json = boundDigest(digest, (d) => bytes(message(email, d)) <= maxBytes);
  const bounded = json.items.length < email.items.length ? json : email;
  return {
    TopicArn: topicArn,
    Subject: digest.subject,
    MessageStructure: "json",
    Message: message(email, json),
    MessageAttributes: {
      severity: { DataType: "String", StringValue: bounded.highestSeverity },
      outcome: { DataType: "String", StringValue: bounded.run.outcome },
    },
  };
}

export async function publishDigest(client: SNSClient, topicArn: string, digest: Digest): Promise<string | undefined> {
  const out = await client.send(new PublishCommand(snsPublishInput(topicArn, digest)));
  return out.MessageId;
}

const TOPIC_ARN = /^arn:aws[a-z-]*:sns:([a-z0-9-]+):\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$/;

/** The region of a topic ARN, so the client publishes there whatever the default region is. */
export function topicRegion(topicArn: string): string | undefined {
  return TOPIC_ARN.exec(topicArn)?.[1];
}

export function isTopicArn(value: string): boolean {
  return TOPIC_ARN.test(value);
}

export function snsClientFor(topicArn: string): SNSClient {
  const region = topicRegion(topicArn);
  return new SNSClient(region ? { region } : {});
}

/**
 * Alerts published to one SNS topic; the client is made at the first send unless given.
 * Its own function (not only a `--notify sns:` spec) so the evaluate Lambda, which only
 * ever publishes to its topic, bundles no Slack, stdout or spec parsing.
 */
export function snsNotifier(topicArn: string, client?: SNSClient): Notifier {
  let sns = client;
  return {
    description: `sns:${topicArn}`,
    delivers: true,
    send: async (d) => {
      sns ??= snsClientFor(topicArn);
      await publishDigest(sns, topicArn, d);
    },
  };
}
