/**
 * Probe step: one PostgreSQL database or Redis endpoint of the deployed config, from inside
 * the VPC. The probes never throw for an unreachable target (they return an observation
 * with `error`); what does throw here is a bad event, which the state machine catches.
 */
import { Logger } from "@aws-lambda-powertools/logger";
import { probePostgres } from "../lib/audit/probes/postgres/index.js";
import { probeRedis } from "../lib/audit/probes/redis/index.js";
import { deployedConfig } from "./support/config.js";
import type { ProbedTarget } from "./support/contract.js";
import { BadEventError, parseProbeItem } from "./support/events.js";

const logger = new Logger();

export async function handler(event: unknown): Promise<ProbedTarget> {
  const item = parseProbeItem(event);
  const config = deployedConfig();
  if (item.kind === "postgres") {
    const target = config.postgres.find((t) => t.name === item.name);
    if (!target) throw new BadEventError(`postgres target "${item.name}" is not in the deployed config`);
    const [observation] = await probePostgres([target]);
    // Names and codes only: an error reason is already scrubbed of secrets by the probe.
    logger.info("postgres probed", { target: item.name, observed: observation?.error === undefined, code: observation?.error?.code });
    return { ...item, observation };
  }
  const target = config.redis.find((t) => t.name === item.name);
  if (!target) throw new BadEventError(`redis target "${item.name}" is not in the deployed config`);
  const [observation] = await probeRedis([target]);
  logger.info("redis probed", { target: item.name, observed: observation?.error === undefined, code: observation?.error?.code });
  return { ...item, observation };
}
