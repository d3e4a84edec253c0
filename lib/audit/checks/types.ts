import type { Config } from "../config/schema.js";
import type { CheckResult, ResourceType, Severity } from "../findings/model.js";
import type { Inventory } from "../inventory/types.js";
import type { MysqlObservation } from "../probes/mysql/types.js";
import type { PostgresObservation } from "../probes/postgres/types.js";
import type { RedisObservation } from "../probes/redis/types.js";
import type { Scope } from "../scope/index.js";
import type { CheckId } from "./ids.js";

export interface CheckMeta {
  id: CheckId;
  /** Short, says what is wrong when it fails ("Security group open to the world"). */
  title: string;
  severity: Severity;
  resourceType: ResourceType | readonly ResourceType[];
  /** Why it matters: the risk when this fails. */
  rationale: string;
  /** What to do, with a CLI or IaC snippet where one helps. */
  remediation: string;
  /** AWS Security Hub controls, CIS items, vendor docs. */
  references: readonly string[];
}

/** What live probes observed. Each entry is one configured target. */
export interface Observations {
  postgres: PostgresObservation[];
  redis: RedisObservation[];
  /** Optional so callers written before MySQL targets existed still type-check; absent = none probed. */
  mysql?: MysqlObservation[];
}

/** Everything a check may look at. Plain data; checks never do I/O. */
export interface AuditContext {
  config: Config;
  inventory: Inventory;
  scope: Scope;
  observations: Observations;
  /** The clock for checks judged "as of now" when the data carries no capture time. */
  now: Date;
}

export interface Check {
  meta: CheckMeta;
  evaluate(ctx: AuditContext): CheckResult[];
}
