/**
 * Probe relay, in the auditor's stack when the config has probe placements (deploy.probes):
 * invokes the placement's probe function in its account and region and stores the
 * observation it returns as the probe artifact, returning only the key, as the probe does.
 *
 * Why a relay and not the state machine invoking the placement directly: Step Functions does
 * not offer cross-Region resource access ("Accessing resources in other AWS accounts in Step
 * Functions": cross-Region AWS SDK integration and resource access are not available), and a
 * placement in another region is the point. Lambda's Invoke API takes a function ARN of any
 * region and, with the function's resource policy, any account.
 */
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { probeArtifactKey, putArtifact } from "./support/artifacts.js";
import { ENV, type ProbedTarget } from "./support/contract.js";
import { BadEventError, parseProbeRelayItem } from "./support/events.js";

const logger = new Logger();
const dynamodb = new DynamoDBClient({});
const gunzipAsync = promisify(gunzip);
/** One client per placement region, reused across invocations. */
const lambdas = new Map<string, LambdaClient>();

/** The placement's probe failed (its error type and message, which the probe keeps free of secrets). */
export class PlacementProbeError extends Error {
  override name = "PlacementProbeError";
}

function lambdaIn(region: string): LambdaClient {
  let client = lambdas.get(region);
  if (!client) {
    client = new LambdaClient({ region });
    lambdas.set(region, client);
  }
  return client;
}

export async function handler(event: unknown): Promise<ProbedTarget> {
  const item = parseProbeRelayItem(event);
  const table = process.env[ENV.artifactsTable];
  if (!table) throw new BadEventError(`${ENV.artifactsTable} is not set`);
  const out = await lambdaIn(item.region).send(
    new InvokeCommand({
      FunctionName: item.functionArn,
      Payload: Buffer.from(JSON.stringify({ kind: item.kind, name: item.name, runId: item.runId }), "utf8"),
    }),
  );
  const text = Buffer.from(out.Payload ?? new Uint8Array()).toString("utf8");
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (out.FunctionError) {
    const { errorType, errorMessage } = (body ?? {}) as { errorType?: unknown; errorMessage?: unknown };
    throw new PlacementProbeError(
      `${item.functionArn}: ${typeof errorType === "string" ? errorType : out.FunctionError}: ${typeof errorMessage === "string" ? errorMessage : "no message"}`,
    );
  }
  const returned = body as { kind?: unknown; name?: unknown; observation?: { encoding?: unknown; data?: unknown } } | undefined;
  if (returned?.kind !== item.kind || returned.name !== item.name)
    throw new PlacementProbeError(
      `${item.functionArn}: expected the observation of ${item.kind} target "${item.name}", got another answer`,
    );
  if (returned.observation?.encoding !== "gzip+base64" || typeof returned.observation.data !== "string")
    throw new PlacementProbeError(`${item.functionArn}: expected an observation encoded gzip+base64`);
  let observation: unknown;
  try {
    observation = JSON.parse((await gunzipAsync(Buffer.from(returned.observation.data, "base64"))).toString("utf8"));
  } catch {
    throw new PlacementProbeError(`${item.functionArn}: the observation of ${item.kind} target "${item.name}" is not gzipped JSON`);
  }
  const key = probeArtifactKey(item.runId, item.kind, item.name);
  const stats = await putArtifact(dynamodb, table, key, observation);
  logger.info(`${item.kind} probed by its placement`, {
    target: item.name,
    placementRegion: item.region,
    artifactChunks: stats.chunks,
    artifactBytes: stats.bytes,
  });
  return { kind: item.kind, name: item.name, key };
}
