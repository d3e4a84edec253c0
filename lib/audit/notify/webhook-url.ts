/**
 * Where the Slack webhook URL comes from: the command line (`slack:https://…`, visible in
 * the process list, so prefer the others), an environment variable (`slack:env:VAR`, or
 * `slack:` alone for QUEUE_AUDITOR_SLACK_WEBHOOK_URL) or Secrets Manager
 * (`slack:secret:NAME_OR_ARN`, a plain URL or JSON with `url` or `webhookUrl`).
 */
import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { secretRegion } from "../probes/credentials.js";

export const DEFAULT_WEBHOOK_ENV = "QUEUE_AUDITOR_SLACK_WEBHOOK_URL";

export class WebhookUrlError extends Error {
  override name = "WebhookUrlError";
}

export type WebhookSource = { url: string } | { env: string } | { secret: string };

export function parseWebhookSource(value: string): WebhookSource {
  if (value === "") return { env: DEFAULT_WEBHOOK_ENV };
  if (value.startsWith("env:")) return { env: value.slice(4) };
  if (value.startsWith("secret:")) return { secret: value.slice(7) };
  checkUrl(value, "the --notify slack: value");
  return { url: value };
}

/** https only, except plain http on loopback (tests, local relays). Errors never echo the URL. */
export function checkUrl(url: string, from: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new WebhookUrlError(`${from} is not a URL; expected https://hooks.slack.com/services/…, env:VAR or secret:NAME`);
  }
  const loopback = parsed.hostname === "127.0.0.1" || parsed.hostname === "localhost" || parsed.hostname === "[::1]";
  if (parsed.protocol !== "https:" && !(parsed.protocol === "http:" && loopback)) {
    throw new WebhookUrlError(`${from} must be an https:// URL`);
  }
}

export interface WebhookDeps {
  env?: NodeJS.ProcessEnv;
  secretsManager?: (region: string | undefined) => SecretsManagerClient;
}

export async function resolveWebhookUrl(source: WebhookSource, deps: WebhookDeps = {}): Promise<string> {
  if ("url" in source) return source.url;
  if ("env" in source) {
    const url = (deps.env ?? process.env)[source.env];
    if (!url) throw new WebhookUrlError(`environment variable ${source.env} (the Slack webhook URL) is not set`);
    checkUrl(url, `environment variable ${source.env}`);
    return url;
  }
  const client = (deps.secretsManager ?? ((region) => new SecretsManagerClient(region ? { region } : {})))(secretRegion(source.secret));
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: source.secret }))).SecretString;
  } catch (err) {
    throw new WebhookUrlError(`cannot read secret ${source.secret} (${(err as { name?: string }).name ?? "Error"})`);
  }
  if (!text) throw new WebhookUrlError(`secret ${source.secret} has no SecretString`);
  let url = text.trim();
  try {
    const json = JSON.parse(url) as { url?: unknown; webhookUrl?: unknown };
    const field = json.url ?? json.webhookUrl;
    if (typeof field === "string") url = field;
  } catch {
    // a plain URL
  }
  checkUrl(url, `secret ${source.secret}`);
  return url;
}
