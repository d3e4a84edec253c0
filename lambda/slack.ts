/**
 * Slack notifier, subscribed to the alert topic: an SNS record carries one run's digest
 * (the topic's JSON message for `lambda` subscribers) or one of the stack's CloudWatch
 * alarms; either is posted to the incoming webhook whose URL is kept in Secrets Manager.
 * Anything else is logged and skipped: throwing would only raise this function's error
 * alarm, which lands on the same topic. The URL is a credential: read once per
 * container, never logged.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { SNSEvent } from "aws-lambda";
import { readSnsMessage, slackMessageFromAlarm, slackMessageFromDigest } from "../lib/audit/notify/slack.js";
import { postToSlack } from "../lib/audit/notify/slack-send.js";
import { resolveWebhookUrl } from "../lib/audit/notify/webhook-url.js";
import { ENV } from "./support/contract.js";

const logger = new Logger();
let webhookUrl: Promise<string> | undefined;

export class SlackConfigError extends Error {
  override name = "SlackConfigError";
}

function webhook(): Promise<string> {
  const secret = process.env[ENV.slackWebhookSecret];
  if (!secret) throw new SlackConfigError(`${ENV.slackWebhookSecret} is not set: the function was not deployed by the stack`);
  // A failed read is not cached, so the next invocation (SNS retries) tries again.
  webhookUrl ??= resolveWebhookUrl({ secret }).catch((err: unknown) => {
    webhookUrl = undefined;
    throw err;
  });
  return webhookUrl;
}

export async function handler(event: SNSEvent): Promise<void> {
  for (const record of event.Records) {
    const notice = readSnsMessage(record.Sns.Message);
    if (notice.kind === "unrecognised") {
      // Ids and the reason only: the body is not ours to copy into logs.
      logger.warn("skipped an SNS message that is neither a digest nor a CloudWatch alarm", {
        messageId: record.Sns.MessageId,
        topicArn: record.Sns.TopicArn,
        bytes: record.Sns.Message.length,
        reason: notice.reason,
      });
      continue;
    }
    const url = await webhook();
    if (notice.kind === "alarm") {
      await postToSlack(url, slackMessageFromAlarm(notice.alarm));
      logger.info("posted an alarm to Slack", { alarm: notice.alarm.AlarmName, state: notice.alarm.NewStateValue });
    } else {
      const { digest } = notice;
      await postToSlack(url, slackMessageFromDigest(digest));
      logger.info("posted to Slack", { runId: digest.run.id, items: digest.items.length, omitted: digest.omitted });
    }
  }
}

/** For tests: forget the cached webhook URL. */
export function resetWebhookCache(): void {
  webhookUrl = undefined;
}
