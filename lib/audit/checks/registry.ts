import { auditorChecks } from "./auditor/index.js";
import { credentialChecks } from "./credentials/index.js";
import { elasticacheChecks } from "./elasticache/index.js";
import type { CheckId } from "./ids.js";
import { accessAttemptChecks } from "./logs/index.js";
import { mysqlChecks } from "./mysql/index.js";
import { networkChecks } from "./network/index.js";
import { postgresChecks } from "./postgres/index.js";
import { rdsChecks } from "./rds/index.js";
import { redisChecks } from "./redis/index.js";
import type { Check, CheckMeta } from "./types.js";

/** Every check, in catalog order. */
export const CHECKS: readonly Check[] = [
  ...networkChecks,
  ...rdsChecks,
  ...elasticacheChecks,
  ...credentialChecks,
  ...postgresChecks,
  ...mysqlChecks,
  ...redisChecks,
  ...accessAttemptChecks,
  ...auditorChecks,
];

/** Every registered check id, in catalog order. */
export const CHECK_IDS: readonly CheckId[] = CHECKS.map((c) => c.meta.id);

const byId = new Map<string, Check>(CHECKS.map((c) => [c.meta.id, c]));

export function checkMeta(id: CheckId): CheckMeta {
  const check = byId.get(id);
  if (!check) throw new Error(`no check is registered with id ${id}`);
  return check.meta;
}
