export { type Digest, digestFromNotification, digestText, subjectLine } from "./digest.js";
export { type Notifier, NotifySpecError, notifierFromSpec } from "./notifier.js";
export { DigestParseError, digestsFromSnsEvent, parseDigestMessage, type SlackMessage, slackMessageFromDigest } from "./slack.js";
export { postToSlack, redactUrl, SlackDeliveryError } from "./slack-send.js";
export { MAX_MESSAGE_BYTES, publishDigest, snsPublishInput } from "./sns.js";
export { resolveWebhookUrl, WebhookUrlError } from "./webhook-url.js";
