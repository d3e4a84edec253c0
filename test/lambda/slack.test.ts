import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SNSEvent } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ENV } from "../../lambda/support/contract.js";
import type { Notification } from "../../lib/audit/compare/alerts.js";
import { digestFromNotification } from "../../lib/audit/notify/digest.js";
import { snsPublishInput } from "../../lib/audit/notify/sns.js";
import { cloudWatchAlarmMessage } from "../audit/notify/fixtures.js";

const secrets = mockClient(SecretsManagerClient);
const TOPIC = "arn:aws:sns:eu-west-1:111122223333:queue-auditor-alerts";

const notification: Notification = {
  run: {
    id: "20260301T100000Z-abcd1234",
    startedAt: "2026-03-01T10:00:00.000Z",
    finishedAt: "2026-03-01T10:01:00.000Z",
    outcome: "violations",
    counts: { PASS: 10, FAIL: 1, ERROR: 0, MUTED: 0 },
  },
  items: [
    {
      kind: "new",
      findingId: "f1",
      checkId: "sg-world-ingress",
      severity: "critical",
      resource: { type: "AWS::EC2::SecurityGroup", id: "sg-0a1b2c3d4e5f60001", account: "111122223333", region: "eu-west-1" },
      subject: "0.0.0.0/0 tcp 6379",
      message: "Security group sg-0a1b2c3d4e5f60001 admits 0.0.0.0/0 on tcp 6379.",
    },
  ],
};

/** The SNS event a Lambda subscriber of the topic receives for one published digest. */
function snsEvent(): SNSEvent {
  const input = snsPublishInput(TOPIC, digestFromNotification(notification));
  return eventOf(JSON.parse(input.Message as string).lambda as string, input.Subject as string, {
    severity: { Type: "String", Value: "critical" },
  });
}

/** What the subscriber receives when one of the stack's alarms publishes to the topic (no message attributes). */
function alarmEvent(): SNSEvent {
  return eventOf(cloudWatchAlarmMessage(), 'ALARM: "QueueAuditor-MonitoringRunMissing6A1C2F4B-Q7XkM2pLr9Zt" in EU (Ireland)', {});
}

function eventOf(message: string, subject: string | null, attributes: SNSEvent["Records"][number]["Sns"]["MessageAttributes"]): SNSEvent {
  return {
    Records: [
      {
        EventSource: "aws:sns",
        EventVersion: "1.0",
        EventSubscriptionArn: `${TOPIC}:2f1c3a4b-0000-4000-8000-000000000001`,
        Sns: {
          Type: "Notification",
          MessageId: "95df01b4-ee98-5cb9-9903-4c221d41eb5e",
          TopicArn: TOPIC,
          Subject: subject as string,
          Message: message,
          Timestamp: "2026-03-01T10:01:01.000Z",
          SignatureVersion: "1",
          Signature: "EXAMPLE",
          SigningCertUrl: "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0000000000000000000000.pem",
          UnsubscribeUrl: "https://sns.eu-west-1.amazonaws.com/?Action=Unsubscribe",
          MessageAttributes: attributes,
        },
      },
    ],
  };
}

describe("Slack notifier handler", () => {
  let server: Server;
  let url: string;
  const received: { path: string; body: unknown }[] = [];
  let respond = 200;
  let handler: (event: SNSEvent) => Promise<void>;
  let resetWebhookCache: () => void;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        received.push({ path: req.url ?? "", body: JSON.parse(body) });
        res.writeHead(respond).end(respond === 200 ? "ok" : "invalid_payload");
      });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/secret-part`;
    process.env.AWS_REGION = "eu-west-1";
    process.env[ENV.slackWebhookSecret] = "queue-auditor/slack-webhook";
    process.env.POWERTOOLS_LOG_LEVEL = "ERROR";
    ({ handler, resetWebhookCache } = await import("../../lambda/slack.js"));
  });
  afterEach(() => {
    secrets.reset();
    resetWebhookCache();
    received.length = 0;
    respond = 200;
  });
  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

  it("posts each SNS record's digest to the webhook read from the named secret", async () => {
    secrets.on(GetSecretValueCommand, { SecretId: "queue-auditor/slack-webhook" }).resolves({ SecretString: JSON.stringify({ url }) });

    await handler(snsEvent());

    expect(received).toHaveLength(1);
    expect(received[0]?.path).toBe("/services/T000/B000/secret-part");
    const text = JSON.stringify(received[0]?.body);
    expect(text).toContain("sg-world-ingress");
    expect(text).toContain("sg-0a1b2c3d4e5f60001");
  });

  it("reads the secret once per container", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: url });
    await handler(snsEvent());
    await handler(snsEvent());
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(received).toHaveLength(2);
  });

  it("fails (so SNS retries) when Slack refuses, without the webhook URL in the error", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: url });
    respond = 400;
    const err = await handler(snsEvent()).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error).message)).not.toContain("secret-part");
  });

  it("posts a CloudWatch alarm from the topic as a readable Slack message instead of failing", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: url });

    await handler(alarmEvent());

    expect(received).toHaveLength(1);
    const body = received[0]?.body as { text: string; blocks: { text?: { text: string } }[] };
    expect(body.text).toBe("queue-auditor alarm: RunMissing is ALARM — no audit run completed within two schedule periods");
    expect(JSON.stringify(body.blocks)).toContain("Threshold Crossed");
  });

  it("skips a message it does not recognise (no throw, no post, no secret read) and still posts the others", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: url });
    const stray = eventOf("a test message typed in the SNS console", null, {});

    await expect(handler(stray)).resolves.toBeUndefined();
    expect(received).toHaveLength(0);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);

    await handler({ Records: [...stray.Records, ...alarmEvent().Records, ...snsEvent().Records] });
    expect(received).toHaveLength(2);
  });
});
