/**
 * Posting to a Slack incoming webhook over plain HTTPS (node fetch): a timeout per
 * attempt; retries on 429 (honouring Retry-After), 5xx, timeouts and network errors;
 * none on other 4xx, which retrying cannot fix. The webhook URL is a credential: it
 * never appears in an error or a log, only its origin does.
 */
import type { SlackMessage } from "./slack.js";

export class SlackDeliveryError extends Error {
  override name = "SlackDeliveryError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface SlackSendOptions {
  timeoutMs?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

/** `https://hooks.slack.com/***`: enough to tell which service, nothing that grants access. */
export function redactUrl(url: string): string {
  try {
    return `${new URL(url).origin}/***`;
  } catch {
    return "(webhook URL)";
  }
}

export async function postToSlack(url: string, message: SlackMessage, opts: SlackSendOptions = {}): Promise<void> {
  const maxAttempts = opts.maxAttempts ?? 3;
  const doFetch = opts.fetch ?? fetch;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const base = opts.baseDelayMs ?? 500;
  const cap = opts.maxDelayMs ?? 30_000;
  const where = redactUrl(url);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  let last: SlackDeliveryError | undefined;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let wait = Math.min(cap, base * 2 ** (attempt - 1));
    let res: Response | undefined;
    try {
      res = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(message),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      const timedOut = e.name === "TimeoutError" || e.name === "AbortError";
      last = new SlackDeliveryError(
        `Slack webhook ${where} ${timedOut ? `timed out after ${timeoutMs} ms` : `failed (${scrub(causeOf(e), url)})`}`,
      );
    }
    if (res) {
      const body = (await res.text().catch(() => "")).slice(0, 200);
      if (res.ok) return;
      const said = errorCode(body);
      last = new SlackDeliveryError(`Slack webhook ${where} answered ${res.status}${said ? ` (${said})` : ""}`, res.status);
      if (res.status !== 429 && res.status < 500) throw last;
      const retryAfter = Number(res.headers.get("retry-after"));
      if (res.status === 429 && retryAfter > 0) wait = Math.min(cap, retryAfter * 1000);
    }
    if (attempt < maxAttempts) await sleep(wait);
  }
  throw new SlackDeliveryError(`${last?.message ?? `Slack webhook ${where} failed`}; gave up after ${maxAttempts} attempts`, last?.status);
}

function causeOf(err: Error): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? err.message;
}

/**
 * Only Slack's own error codes (`invalid_payload`, `no_service`, `channel_is_archived` …) are
 * quoted from a response body. Anything else — an HTML error page, a proxy echoing the
 * request path — may carry the token in the URL's path or query, and is withheld.
 */
function errorCode(body: string): string | undefined {
  const text = body.trim();
  if (text === "") return undefined;
  return /^[a-z][a-z0-9_]{0,63}$/.test(text) ? text : "response body withheld";
}

/** A network error's text without the URL, its path or its query (each a credential here). */
function scrub(text: string, url: string): string {
  let out = text.split(url).join("(webhook URL)");
  try {
    const { pathname, search } = new URL(url);
    for (const secret of [search, pathname, ...pathname.split("/").filter((p) => p.length >= 8)]) {
      if (secret && secret !== "/") out = out.split(secret).join("***");
    }
  } catch {
    // Not a URL: nothing more to take out.
  }
  return out;
}
