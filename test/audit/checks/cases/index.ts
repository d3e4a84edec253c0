/** Every family's cases, keyed by the folder of lib/audit/checks/ the family's modules live in. */

import { auditorCases } from "./auditor.js";
import type { FamilyCases } from "./case.js";
import { credentialsCases } from "./credentials.js";
import { elasticacheCases } from "./elasticache.js";
import { logsCases } from "./logs.js";
import { mysqlCases } from "./mysql.js";
import { networkCases } from "./network.js";
import { postgresCases } from "./postgres.js";
import { rdsCases } from "./rds.js";
import { redisCases } from "./redis.js";

export const FAMILY_CASES: Readonly<Record<string, FamilyCases>> = {
  network: networkCases,
  rds: rdsCases,
  elasticache: elasticacheCases,
  credentials: credentialsCases,
  postgres: postgresCases,
  mysql: mysqlCases,
  redis: redisCases,
  logs: logsCases,
  auditor: auditorCases,
};
