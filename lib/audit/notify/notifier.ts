/**
 * `--notify stdout | sns:TOPIC_ARN | slack:WEBHOOK | securityhub[:REGION] | none` to a Notifier.
 */
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SNSClient } from "@aws-sdk/client-sns";
import { UserError } from "../model/user-error.js";
import type { Digest } from "./digest.js";
import { parseSecurityHubSpec, type SecurityHubSink, securityHubSink, type TargetDeps } from "./securityhub.js";
import { slackMessageFromDigest } from "./slack.js";
import { postToSlack, type SlackSendOptions } from "./slack-send.js";
import { isTopicArn, snsNotifier } from "./sns.js";
import { printDigest } from "./stdout.js";
import { parseWebhookSource, resolveWebhookUrl } from "./webhook-url.js";

export class NotifySpecError extends UserError {
  override name = "NotifySpecError";
}

export interface Notifier {
  /** For progress messages; never contains a webhook URL. */
  readonly description: string;
  /** False for `none`: nothing reaches anyone, so nothing may be marked as notified. */
  readonly delivers: boolean;
  send(digest: Digest): Promise<void>;
  /**
   * Where every recorded run's findings are imported (Security Hub), beside or instead of
   * the alert: unlike an alert, the import is sent on every run, so Security Hub holds each
   * finding's current state.
   */
  readonly securityHub?: SecurityHubSink;
}

export interface NotifierDeps {
  sns?: SNSClient;
  write?: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  secretsManager?: (region: string | undefined) => SecretsManagerClient;
  slack?: SlackSendOptions;
  securityHub?: TargetDeps;
}

export function notifierFromSpec(spec: string, deps: NotifierDeps = {}): Notifier {
  if (spec === "none") return { description: "none", delivers: false, send: async () => {} };
  if (spec === "stdout") {
    const write = deps.write ?? ((t: string) => void process.stdout.write(t));
    return { description: "stdout", delivers: true, send: async (d) => printDigest(d, write) };
  }
  const securityHub = parseSecurityHubSpec(spec);
  if (securityHub) {
    // Security Hub takes the findings, not the alert: the alert stays due for a notifier that sends it.
    const sink = securityHubSink(securityHub, deps.securityHub);
    return { description: sink.description, delivers: false, send: async () => {}, securityHub: sink };
  }
  if (spec.startsWith("sns:")) {
    const arn = spec.slice(4);
    if (!isTopicArn(arn)) {
      throw new NotifySpecError(`--notify ${spec}: expected sns:TOPIC_ARN such as sns:arn:aws:sns:eu-west-1:111122223333:queue-auditor`);
    }
    return snsNotifier(arn, deps.sns);
  }
  if (spec.startsWith("slack:")) {
    let source: ReturnType<typeof parseWebhookSource>;
    try {
      source = parseWebhookSource(spec.slice(6));
    } catch (err) {
      throw new NotifySpecError(`--notify slack:…: ${(err as Error).message}`);
    }
    const description =
      "url" in source
        ? "slack (webhook URL from the command line)"
        : "env" in source
          ? `slack (env ${source.env})`
          : `slack (secret ${source.secret})`;
    return {
      description,
      delivers: true,
      send: async (d) => {
        const url = await resolveWebhookUrl(source, deps);
        await postToSlack(url, slackMessageFromDigest(d), deps.slack);
      },
    };
  }
  throw new NotifySpecError(
    `--notify ${spec.startsWith("slack") ? "slack…" : spec}: expected stdout, sns:TOPIC_ARN, slack:WEBHOOK_URL (or slack:env:VAR, slack:secret:NAME), securityhub[:REGION] or none`,
  );
}
