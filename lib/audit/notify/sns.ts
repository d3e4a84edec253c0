/**
 * SNS: one message per run, `MessageStructure: json`: email (and the default, which SMS
 * and unknown protocols get) receive the plain text; lambda, sqs, http(s), email-json
 * and firehose receive the digest as JSON, which the Slack Lambda parses. Attributes
 * `severity` and `outcome` serve subscription filter policies.
 */
import { PublishCommand, type PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { boundDigest, type Digest, digestText } from "./digest.js";

/** SNS allows 256 KB for message and attributes together; leave room. */
export const MAX_MESSAGE_BYTES = 200_000;
const JSON_PROTOCOLS = ["lambda", "sqs", "http", "https", "email-json", "firehose"] as const;

function message(d: Digest): string {
  const text = digestText(d);
  const json = JSON.stringify(d);
  return JSON.stringify({ default: text, email: text, ...Object.fromEntries(JSON_PROTOCOLS.map((p) => [p, json])) });
}

export function snsPublishInput(topicArn: string, digest: Digest, maxBytes = MAX_MESSAGE_BYTES): PublishCommandInput {
  const bounded = boundDigest(digest, (d) => Buffer.byteLength(message(d)) <= maxBytes);
  return {
    TopicArn: topicArn,
    Subject: bounded.subject,
    MessageStructure: "json",
    Message: message(bounded),
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
