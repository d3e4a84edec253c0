import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { digestFromNotification } from "../../../lib/audit/notify/digest.js";
import { notifierFromSpec } from "../../../lib/audit/notify/notifier.js";
import { postToSlack, SlackDeliveryError } from "../../../lib/audit/notify/slack-send.js";
import { item, notification } from "./fixtures.js";

/** A stand-in for hooks.slack.com on loopback; each test queues the answers it wants. */
let server: Server;
let base: string;
let answers: ((res: ServerResponse) => void)[] = [];
let received: { path: string; body: unknown; type: string | undefined }[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(body), type: req.headers["content-type"] });
      const answer = answers.shift() ?? ((r: ServerResponse) => r.end("ok"));
      answer(res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  answers = [];
  received = [];
});

const URL_PATH = "/services/T000/B000/s3cr3tT0k3n";
const msg = { text: "hello", blocks: [] };
const fast = { baseDelayMs: 1, sleep: async () => {} };
const status =
  (code: number, body = "", headers: Record<string, string> = {}) =>
  (res: ServerResponse) => {
    res.writeHead(code, headers);
    res.end(body);
  };

describe("Slack webhook delivery", () => {
  it("posts the Block Kit message as JSON", async () => {
    const digest = digestFromNotification(notification([item({ findingId: "a" })]));
    await notifierFromSpec(`slack:${base}${URL_PATH}`, { slack: fast }).send(digest);

    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ path: URL_PATH, type: "application/json", body: { text: digest.subject } });
  });

  it("does not retry a 4xx, and keeps the webhook token out of the error", async () => {
    answers.push(status(404, "no_service"));
    const err = await postToSlack(`${base}${URL_PATH}`, msg, fast).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(SlackDeliveryError);
    expect((err as Error).message).toBe(`Slack webhook ${base}/*** answered 404 (no_service)`);
    expect(String((err as Error).stack)).not.toContain("s3cr3tT0k3n");
    expect(received).toHaveLength(1);
  });

  it("withholds a response body that echoes the webhook's path or query, so the token never reaches a log", async () => {
    // What a proxy or an error page in front of the webhook may answer: the request line, echoed.
    answers.push(status(404, `<html>Not Found: POST ${URL_PATH}?token=s3cr3tT0k3n</html>`));
    answers.push(status(400, "no such webhook T000/B000/s3cr3tT0k3n"));
    for (const code of [404, 400]) {
      const err = (await postToSlack(`${base}${URL_PATH}`, msg, fast).catch((e: unknown) => e)) as Error;
      expect(err.message).toBe(`Slack webhook ${base}/*** answered ${code} (response body withheld)`);
      expect(String(err.stack)).not.toMatch(/s3cr3tT0k3n|T000\/B000|\/services\//);
    }
  });

  it("retries a 5xx and a 429 until it succeeds", async () => {
    answers.push(status(503), status(429, "rate_limited", { "retry-after": "1" }), status(200, "ok"));
    const waits: number[] = [];
    await postToSlack(`${base}${URL_PATH}`, msg, { maxAttempts: 3, baseDelayMs: 10, sleep: async (ms) => void waits.push(ms) });

    expect(received).toHaveLength(3);
    expect(waits).toEqual([10, 1000]);
  });

  it("gives up on a server that does not answer within the timeout", async () => {
    const hang = () => {};
    answers.push(hang, hang);
    const err = await postToSlack(`${base}${URL_PATH}`, msg, { ...fast, timeoutMs: 200, maxAttempts: 2 }).catch((e: unknown) => e);

    expect((err as Error).message).toBe(`Slack webhook ${base}/*** timed out after 200 ms; gave up after 2 attempts`);
    expect(received).toHaveLength(2);
  });

  it("reads the URL from an environment variable and never echoes it in errors", async () => {
    const notifier = notifierFromSpec("slack:env:TEST_SLACK_URL", { env: { TEST_SLACK_URL: `${base}${URL_PATH}` }, slack: fast });
    await notifier.send(digestFromNotification(notification([item({ findingId: "a" })])));
    expect(received).toHaveLength(1);
    expect(notifier.description).toBe("slack (env TEST_SLACK_URL)");

    const missing = notifierFromSpec("slack:env:NOPE", { env: {} });
    await expect(missing.send(digestFromNotification(notification([])))).rejects.toThrow("environment variable NOPE");
    expect(() => notifierFromSpec("slack:http://hooks.example.com/services/T/B/secret")).toThrow(/must be an https:\/\/ URL$/);
  });
});
