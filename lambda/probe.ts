/**
 * Probe step: one PostgreSQL database or Redis endpoint of the deployed config, from inside
 * the VPC. The observation is stored as an artifact and only its key returned (a catalog
 * of thousands of roles is too large for a state payload). The probes never throw for an
 * unreachable target (they return an observation with `error`); what does throw here is a
 * bad event or a failed artifact write, which the state machine catches.
 *
 * In a probe placement (deploy.probes: another account, region or VPC) it probes only the
 * targets assigned to it and returns the observation to the auditor's relay, which stores it
 * (lambda/probe-relay.ts): the placement never touches the auditor's table or key.
 */
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { probeMysql } from "../lib/audit/probes/mysql/index.js";
import { probePostgres } from "../lib/audit/probes/postgres/index.js";
import { probeRedis } from "../lib/audit/probes/redis/index.js";
import { probeArtifactKey, putArtifact } from "./support/artifacts.js";
import { deployedConfig } from "./support/config.js";
import { ENV, type ProbedTarget, type ProbeObservationReturn } from "./support/contract.js";
import { BadEventError, parseProbeItem } from "./support/events.js";

const logger = new Logger();
const dynamodb = new DynamoDBClient({});
const gzipAsync = promisify(gzip);

/** A synchronous Lambda response holds 6 MB; the rest of the JSON around the data is small. */
export const INLINE_LIMIT_BYTES = 6 * 1024 * 1024 - 4096;

export async function handler(event: unknown): Promise<ProbedTarget | ProbeObservationReturn> {
  const item = parseProbeItem(event);
  const table = process.env[ENV.artifactsTable];
  const placed = process.env[ENV.probeTargets];
  if (!table && placed === undefined) throw new BadEventError(`${ENV.artifactsTable} is not set`);
  if (placed !== undefined && !placed.split(",").includes(`${item.kind}/${item.name}`))
    throw new BadEventError(`${item.kind} target "${item.name}" is not assigned to this probe placement`);
  const config = deployedConfig();
  let observation: { error?: { code?: string | undefined } | undefined } | undefined;
  if (item.kind === "postgres") {
    const target = config.postgres.find((t) => t.name === item.name);
    if (!target) throw new BadEventError(`postgres target "${item.name}" is not in the deployed config`);
    [observation] = await probePostgres([target]);
  } else if (item.kind === "mysql") {
    const target = config.mysql.find((t) => t.name === item.name);
    if (!target) throw new BadEventError(`mysql target "${item.name}" is not in the deployed config`);
    [observation] = await probeMysql([target]);
  } else {
    const target = config.redis.find((t) => t.name === item.name);
    if (!target) throw new BadEventError(`redis target "${item.name}" is not in the deployed config`);
    [observation] = await probeRedis([target], { aclLog: config.logs !== undefined });
  }
  if (!observation) throw new BadEventError(`${item.kind} target "${item.name}": the probe returned no observation`);
  if (!table) {
    const data = (await gzipAsync(Buffer.from(JSON.stringify(observation), "utf8"))).toString("base64");
    if (data.length > INLINE_LIMIT_BYTES)
      throw new BadEventError(
        `${item.kind} target "${item.name}": the observation is ${data.length} bytes gzipped (base64), over the ${INLINE_LIMIT_BYTES} a Lambda response holds`,
      );
    logger.info(`${item.kind} probed`, {
      target: item.name,
      observed: observation.error === undefined,
      code: observation.error?.code,
      inlineBytes: data.length,
    });
    return { kind: item.kind, name: item.name, observation: { encoding: "gzip+base64", data } };
  }
  const key = probeArtifactKey(item.runId, item.kind, item.name);
  const stats = await putArtifact(dynamodb, table, key, observation);
  // Names and codes only: an error reason is already scrubbed of secrets by the probe.
  logger.info(`${item.kind} probed`, {
    target: item.name,
    observed: observation.error === undefined,
    code: observation.error?.code,
    artifactChunks: stats.chunks,
    artifactBytes: stats.bytes,
  });
  return { kind: item.kind, name: item.name, key };
}
