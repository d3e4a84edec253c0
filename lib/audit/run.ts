/**
 * One audit, end to end up to the findings: inventory (offline or live), live probes,
 * evaluation. Storage and notification are the caller's (CLI, Lambda) concern.
 */
import type { Observations } from "./checks/types.js";
import type { Config } from "./config/schema.js";
import { auditResult, evaluate } from "./engine.js";
import type { AuditResult } from "./findings/model.js";
import type { Inventory } from "./inventory/types.js";
import type { MysqlObservation } from "./probes/mysql/types.js";
import type { PostgresObservation } from "./probes/postgres/types.js";
import type { RedisObservation } from "./probes/redis/types.js";

export interface AuditSources {
  /** Reads or collects the AWS inventory. Not called when the config needs no AWS data. */
  inventory: () => Promise<Inventory>;
  postgres: (targets: Config["postgres"]) => Promise<PostgresObservation[]>;
  redis: (targets: Config["redis"]) => Promise<RedisObservation[]>;
  /** Optional so existing callers keep working; without it mysql targets are reported unobserved (ERROR). */
  mysql?: (targets: Config["mysql"]) => Promise<MysqlObservation[]>;
}

export interface RunAuditOptions {
  config: Config;
  sources: AuditSources;
  /** The run's clock; defaults to the current time. */
  now?: Date;
  /** Forces reading the inventory even when the config names no AWS resource (offline audits). */
  inventoryRequired?: boolean;
  onProgress?: (message: string) => void;
}

/** Whether anything in the config needs AWS data: targets, tag selection, or secrets to check. */
export function needsAwsInventory(config: Config): boolean {
  return (
    config.targets.rds.length > 0 ||
    config.targets.elasticache.length > 0 ||
    config.targets.tag !== undefined ||
    config.credentials.secrets.length > 0 ||
    config.postgres.some((t) => "secret" in t.connection.password) ||
    config.mysql.some((t) => "secret" in t.connection.password) ||
    config.redis.some((t) => t.credentials !== undefined && "secret" in t.credentials.password)
  );
}

export async function runAudit(
  options: RunAuditOptions,
): Promise<{ result: AuditResult; inventory: Inventory; observations: Observations }> {
  const { config, sources } = options;
  const say = options.onProgress ?? (() => {});
  const startedAt = new Date();
  const now = options.now ?? startedAt;
  const wantInventory = options.inventoryRequired === true || needsAwsInventory(config);
  if (wantInventory) say("reading the AWS inventory");
  if (config.postgres.length > 0) say(`probing ${config.postgres.length} PostgreSQL database(s)`);
  if (config.redis.length > 0) say(`probing ${config.redis.length} Redis endpoint(s)`);
  if (config.mysql.length > 0) say(`probing ${config.mysql.length} MySQL/MariaDB server(s)`);
  const [inventory, postgres, redis, mysql] = await Promise.all([
    wantInventory ? sources.inventory() : Promise.resolve<Inventory>({ partitions: [], notRead: true }),
    config.postgres.length > 0 ? sources.postgres(config.postgres) : Promise.resolve([]),
    config.redis.length > 0 ? sources.redis(config.redis) : Promise.resolve([]),
    config.mysql.length > 0 && sources.mysql ? sources.mysql(config.mysql) : Promise.resolve([]),
  ]);
  const observations: Observations = { postgres, redis, mysql };
  say("evaluating checks");
  const findings = evaluate({ config, inventory, observations, now });
  return { result: auditResult(findings, startedAt, new Date()), inventory, observations };
}
