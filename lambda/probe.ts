/**
 * Probe step: one PostgreSQL database or Redis endpoint of the deployed config, from inside
 * the VPC. The observation is stored as an artifact and only its key returned (a catalog
 * of thousands of roles is too large for a state payload). The probes never throw for an
 * unreachable target (they return an observation with `error`); what does throw here is a
 * bad event or a failed artifact write, which the state machine catches.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { probeMysql } from "../lib/audit/probes/mysql/index.js";
import { probePostgres } from "../lib/audit/probes/postgres/index.js";
import { probeRedis } from "../lib/audit/probes/redis/index.js";
import { probeArtifactKey, putArtifact } from "./support/artifacts.js";
import { deployedConfig } from "./support/config.js";
import { ENV, type ProbedTarget } from "./support/contract.js";
import { BadEventError, parseProbeItem } from "./support/events.js";

const logger = new Logger();
const dynamodb = new DynamoDBClient({});

export async function handler(event: unknown): Promise<ProbedTarget> {
  const item = parseProbeItem(event);
  const table = process.env[ENV.artifactsTable];
  if (!table) throw new BadEventError(`${ENV.artifactsTable} is not set`);
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
