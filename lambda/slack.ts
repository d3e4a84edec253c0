/**
 * Slack notifier, subscribed to the alert topic: each SNS record carries one run's digest
 * (the topic's JSON message for `lambda` subscribers); it is posted to the incoming
 * webhook whose URL is kept in Secrets Manager. The URL is a credential: it is read once
 * per container, never logged.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import type { SNSEvent } from "aws-lambda";
import { digestsFromSnsEvent, slackMessageFromDigest } from "../lib/audit/notify/slack.js";
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
  const digests = digestsFromSnsEvent(event);
  const url = await webhook();
  for (const digest of digests) {
    await postToSlack(url, slackMessageFromDigest(digest));
    logger.info("posted to Slack", { runId: digest.run.id, items: digest.items.length, omitted: digest.omitted });
  }
}

/** For tests: forget the cached webhook URL. */
export function resetWebhookCache(): void {
  webhookUrl = undefined;
}
