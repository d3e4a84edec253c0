/**
 * Slack Block Kit from a digest. Shared by the CLI (`--notify slack:…`) and the Lambda
 * subscribed to the SNS topic, which reads each message with `readSnsMessage`: the topic
 * carries the auditor's digests and also its own CloudWatch alarms.
 */
import * as z from "zod";
import type { AlertItem } from "../compare/alerts.js";
import { FIX_KINDS, SEVERITIES, STATUSES } from "../findings/model.js";
import { ALERT_KINDS, type Digest, kindLabel, moreLine, resolutionText, resourceLine } from "./digest.js";

export class DigestParseError extends Error {
  override name = "DigestParseError";
}

export interface SlackMessage {
  text: string;
  blocks: Record<string, unknown>[];
}

/** Slack allows 50 blocks per message; keep room for header, summary, divider and footer. */
const MAX_ITEM_BLOCKS = 40;
const SECTION_LIMIT = 3000;

const SEVERITY_MARK: Record<string, string> = {
  critical: ":red_circle:",
  high: ":large_orange_circle:",
  medium: ":large_yellow_circle:",
  low: ":white_circle:",
  info: ":information_source:",
};

/** Slack mrkdwn needs only these three escaped. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const clip = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

function itemSection(i: AlertItem): Record<string, unknown> {
  const lines = [
    `${SEVERITY_MARK[i.severity] ?? ""} *${i.severity.toUpperCase()}* · *${kindLabel(i.kind)}* · \`${escapeMrkdwn(i.checkId)}\``,
    `*Resource:* ${escapeMrkdwn(resourceLine(i))}`,
  ];
  if (i.subject) lines.push(`*Subject:* \`${escapeMrkdwn(i.subject)}\``);
  lines.push(escapeMrkdwn(i.message));
  if (i.kind === "resolved") {
    lines.push(`_${escapeMrkdwn(resolutionText(i))}, at ${escapeMrkdwn(i.resolvedAt ?? "")}._`);
  } else {
    if (i.openSince) lines.push(`*Open since:* ${escapeMrkdwn(i.openSince)}`);
    if (i.fix) {
      lines.push(`*${i.kind === "error" ? "To observe it" : "What to do"}:* ${escapeMrkdwn(clip(i.fix.text, 1000))}`);
      // Commands in a code block; backticks cannot close it early.
      if (i.fix.commands.length > 0) lines.push(`\`\`\`${clip(escapeMrkdwn(i.fix.commands.join("\n")).replace(/`/g, "'"), 1200)}\`\`\``);
    } else if (i.remediation) lines.push(`*What to do:* ${escapeMrkdwn(clip(i.remediation, 1200))}`);
  }
  return { type: "section", text: { type: "mrkdwn", text: clip(lines.join("\n"), SECTION_LIMIT) } };
}

export function slackMessageFromDigest(digest: Digest): SlackMessage {
  const shown = digest.items.slice(0, MAX_ITEM_BLOCKS);
  const notShown = digest.omitted + digest.items.length - shown.length;
  const c = digest.run.counts;
  const told = ALERT_KINDS.filter((k) => digest.totals[k] > 0)
    .map((k) => `${digest.totals[k]} ${kindLabel(k).toLowerCase()}`)
    .join(" · ");
  const blocks: Record<string, unknown>[] = [
    { type: "header", text: { type: "plain_text", text: clip(digest.subject, 150), emoji: true } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: [
          `*Outcome:* ${digest.run.outcome} · *FAIL* ${c.FAIL} · *ERROR* ${c.ERROR} · *PASS* ${c.PASS} · *MUTED* ${c.MUTED}`,
          told ? `*In this alert:* ${told}` : "",
        ]
          .filter(Boolean)
          .join("\n"),
      },
    },
    { type: "divider" },
    ...shown.map(itemSection),
  ];
  const footer = [`Run \`${escapeMrkdwn(digest.run.id)}\` started ${escapeMrkdwn(digest.run.startedAt)}`];
  if (notShown > 0) footer.push(escapeMrkdwn(moreLine(notShown, digest.run.id, digest.store)));
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: footer.join(" · ") }] });
  return { text: digest.subject, blocks };
}

const resource = z.object({
  type: z.string(),
  id: z.string(),
  arn: z.string().optional(),
  account: z.string().optional(),
  region: z.string().optional(),
});
const item = z.object({
  kind: z.enum(ALERT_KINDS as [string, ...string[]]),
  findingId: z.string(),
  checkId: z.string(),
  severity: z.enum(SEVERITIES),
  resource,
  subject: z.string().optional(),
  message: z.string(),
  remediation: z.string().optional(),
  openSince: z.string().optional(),
  resolvedAt: z.string().optional(),
  resolvedBy: z.enum(["pass", "fixed", "absent"]).optional(),
  fix: z.object({ text: z.string(), commands: z.array(z.string()), kind: z.enum(FIX_KINDS) }).optional(),
});
const digestSchema = z.object({
  version: z.literal(1),
  subject: z.string(),
  run: z.object({
    id: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    outcome: z.enum(["compliant", "violations", "incomplete"]),
    counts: z.object(Object.fromEntries(STATUSES.map((s) => [s, z.number()])) as Record<(typeof STATUSES)[number], z.ZodNumber>),
  }),
  accounts: z.array(z.string()),
  highestSeverity: z.enum([...SEVERITIES, "none"]),
  totals: z.object(Object.fromEntries(ALERT_KINDS.map((k) => [k, z.number()])) as Record<string, z.ZodNumber>),
  items: z.array(item),
  omitted: z.number(),
  store: z
    .string()
    .regex(/^dynamodb:[A-Za-z0-9_.-]{3,255}$/)
    .optional(),
});

/** The digest from an SNS message body as a `lambda`/`sqs`/`https` subscriber receives it. */
export function parseDigestMessage(message: string): Digest {
  let data: unknown;
  try {
    data = JSON.parse(message);
  } catch {
    throw new DigestParseError("the SNS message is not JSON (is the subscription using the JSON protocol message?)");
  }
  const parsed = digestSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DigestParseError(`the SNS message is not a queue-auditor digest (${issue?.path.join(".") || "(top)"}: ${issue?.message})`);
  }
  return parsed.data as unknown as Digest;
}

/** Digests from a Lambda SNS event (`Records[].Sns.Message`). */
export function digestsFromSnsEvent(event: { Records: { Sns: { Message: string } }[] }): Digest[] {
  return event.Records.map((r) => parseDigestMessage(r.Sns.Message));
}

/** The fields of the JSON message CloudWatch publishes to SNS when an alarm changes state. */
export interface CloudWatchAlarmMessage {
  AlarmName: string;
  AlarmDescription?: string | null | undefined;
  AWSAccountId: string;
  NewStateValue: string;
  NewStateReason: string;
  StateChangeTime: string;
  Region: string;
  OldStateValue?: string | undefined;
  AlarmArn?: string | undefined;
}

const alarmSchema = z.object({
  AlarmName: z.string(),
  AlarmDescription: z.string().nullish(),
  AWSAccountId: z.string(),
  NewStateValue: z.string(),
  NewStateReason: z.string(),
  StateChangeTime: z.string(),
  Region: z.string(),
  OldStateValue: z.string().optional(),
  AlarmArn: z.string().optional(),
});

/** What one SNS message on the alert topic is. `unrecognised` carries a reason fit for a log (no message content). */
export type SnsNotice =
  | { kind: "digest"; digest: Digest }
  | { kind: "alarm"; alarm: CloudWatchAlarmMessage }
  | { kind: "unrecognised"; reason: string };

export function readSnsMessage(message: string): SnsNotice {
  let data: unknown;
  try {
    data = JSON.parse(message);
  } catch {
    return { kind: "unrecognised", reason: "not JSON" };
  }
  if (typeof data === "object" && data !== null && "AlarmName" in data && "NewStateValue" in data) {
    const alarm = alarmSchema.safeParse(data);
    if (alarm.success) return { kind: "alarm", alarm: alarm.data };
    const issue = alarm.error.issues[0];
    return { kind: "unrecognised", reason: `a CloudWatch alarm message without ${issue?.path.join(".") || "(top)"}: ${issue?.message}` };
  }
  try {
    return { kind: "digest", digest: parseDigestMessage(message) };
  } catch (err) {
    return { kind: "unrecognised", reason: err instanceof DigestParseError ? err.message : "unreadable" };
  }
}

/**
 * The alarm's construct id out of a CloudFormation-generated name
 * (`QueueAuditor-MonitoringRunMissing1A2B3C4D-AbCdEf123456` → `RunMissing`); other names as they are.
 */
export function alarmLabel(name: string): string {
  return /Monitoring([A-Za-z0-9]+?)[0-9A-F]{8}-[A-Za-z0-9]+$/.exec(name)?.[1] ?? name;
}

const STATE_MARK: Record<string, string> = { ALARM: ":rotating_light:", OK: ":white_check_mark:", INSUFFICIENT_DATA: ":grey_question:" };

/** One sentence of what an alarm means, from its description (first sentence), for the header. */
function gist(description: string | null | undefined): string {
  const first = description
    ?.split(/(?<=\.)\s/)[0]
    ?.replace(/\.$/, "")
    .trim();
  return first ? ` — ${first.charAt(0).toLowerCase()}${first.slice(1)}` : "";
}

export function slackMessageFromAlarm(alarm: CloudWatchAlarmMessage): SlackMessage {
  const label = alarmLabel(alarm.AlarmName);
  const title = `queue-auditor alarm: ${label} is ${alarm.NewStateValue}`;
  const text = `${title}${gist(alarm.AlarmDescription)}`;
  const lines = [`${STATE_MARK[alarm.NewStateValue] ?? ""} *${escapeMrkdwn(label)}* is *${escapeMrkdwn(alarm.NewStateValue)}*`];
  if (alarm.AlarmDescription) lines.push(escapeMrkdwn(alarm.AlarmDescription));
  lines.push(`*Reason:* ${escapeMrkdwn(alarm.NewStateReason)}`);
  const footer = [
    `Alarm \`${escapeMrkdwn(alarm.AlarmName)}\``,
    `${escapeMrkdwn(alarm.AWSAccountId)}/${escapeMrkdwn(alarm.Region)}`,
    `changed ${escapeMrkdwn(alarm.StateChangeTime)}${alarm.OldStateValue ? ` from ${escapeMrkdwn(alarm.OldStateValue)}` : ""}`,
  ];
  return {
    text,
    blocks: [
      { type: "header", text: { type: "plain_text", text: clip(text, 150), emoji: true } },
      { type: "section", text: { type: "mrkdwn", text: clip(lines.join("\n"), SECTION_LIMIT) } },
      { type: "context", elements: [{ type: "mrkdwn", text: footer.join(" · ") }] },
    ],
  };
}
