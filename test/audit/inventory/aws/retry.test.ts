/**
 * The SDK's own retry, not a mock of it: real clients over a canned HTTP handler, so a
 * throttled call is retried by the adaptive strategy the collector configures.
 * (aws-sdk-client-mock replaces `send`, which would bypass the retry middleware.)
 */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import { collectInventory } from "../../../../lib/audit/inventory/aws/index.js";
import { ACCOUNT } from "./aws-shapes.js";

// Not from fake-aws.ts: importing it would install the send() mocks this file must avoid.
const BASE_CREDENTIALS = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

interface Canned {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const IDENTITY = `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::${ACCOUNT}:user/auditor</Arn><UserId>AIDAEXAMPLE</UserId><Account>${ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab-cdef-0123-456789abcdef</RequestId></ResponseMetadata></GetCallerIdentityResponse>`;
const THROTTLED: Canned = {
  statusCode: 400,
  headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": "ThrottlingException", "x-amzn-requestid": "req-1" },
  body: JSON.stringify({ __type: "ThrottlingException", message: "Rate exceeded" }),
};
const SECRET: Canned = {
  statusCode: 200,
  headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "req-2" },
  body: JSON.stringify({
    ARN: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:queue-db/app-AbCdEf`,
    Name: "queue-db/app",
    RotationEnabled: true,
    CreatedDate: 1704067200,
    LastRotatedDate: 1746057600.5,
  }),
};

/** Answers STS with the caller identity and Secrets Manager from a script of responses; records what was asked. */
function cannedHandler(secretResponses: Canned[]) {
  const targets: string[] = [];
  return {
    targets,
    handler: {
      async handle(request: { headers: Record<string, string>; body?: unknown }) {
        const target = Object.entries(request.headers).find(([k]) => k.toLowerCase() === "x-amz-target")?.[1] ?? "sts";
        targets.push(target);
        const canned =
          target === "sts"
            ? { statusCode: 200, headers: { "content-type": "text/xml" }, body: IDENTITY }
            : (secretResponses.shift() ?? { statusCode: 500, headers: {}, body: "{}" });
        return { response: { statusCode: canned.statusCode, headers: canned.headers, body: Readable.from([Buffer.from(canned.body)]) } };
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
    },
  };
}

describe("collectInventory: throttling", () => {
  const cfg = parseConfig({ version: 1, aws: { regions: ["eu-west-1"] }, credentials: { secrets: ["queue-db/app"] } }, "test.yaml");

  it("retries a throttled call and keeps the answer that follows", async () => {
    const { handler, targets } = cannedHandler([THROTTLED, THROTTLED, SECRET]);

    const { partitions } = await collectInventory(cfg, { credentials: BASE_CREDENTIALS, requestHandler: handler });

    expect(targets.filter((t) => t === "secretsmanager.DescribeSecret")).toHaveLength(3);
    expect(partitions[0]?.account).toBe(ACCOUNT);
    expect(partitions[0]?.secrets["queue-db/app"]).toEqual({
      ok: true,
      value: expect.objectContaining({ Name: "queue-db/app", RotationEnabled: true, LastRotatedDate: "2025-05-01T00:00:00.500Z" }),
    });
  });

  it("gives up after the attempts allowed and reports the throttling as the cause", async () => {
    const { handler, targets } = cannedHandler([THROTTLED, THROTTLED, THROTTLED]);

    const { partitions } = await collectInventory(cfg, { credentials: BASE_CREDENTIALS, requestHandler: handler, maxAttempts: 3 });

    expect(targets.filter((t) => t === "secretsmanager.DescribeSecret")).toHaveLength(3);
    expect(partitions[0]?.secrets["queue-db/app"]).toEqual({
      ok: false,
      error: {
        source: "secretsmanager:DescribeSecret queue-db/app",
        code: "ThrottlingException",
        reason: "throttled by AWS after the SDK's retries (ThrottlingException)",
        account: ACCOUNT,
        region: "eu-west-1",
      },
    });
  });
});
