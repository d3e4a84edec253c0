/** In-memory Redis probe observations and configs for the redis-* check tests (no server). */

import { redisChecks } from "../../../../lib/audit/checks/redis/index.js";
import type { ConfigInput } from "../../../../lib/audit/config/schema.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import type { Inventory } from "../../../../lib/audit/inventory/types.js";
import type { RedisObservation } from "../../../../lib/audit/probes/redis/types.js";
import { config, context } from "../../../support/builders.js";

export type TargetInput = NonNullable<ConfigInput["redis"]>[number];

export const target = (over: Partial<TargetInput> = {}): TargetInput => ({
  name: "jobs-redis",
  endpoint: { host: "jobs.example.com", port: 6379 },
  ...over,
});
export const creds = { username: "auditor", password: { secret: "jobs-redis/auditor" } };

/** The Redis::Endpoint every verdict on `jobs-redis` is about. */
export const ENDPOINT = { type: "Redis::Endpoint", id: "jobs-redis" } as const;

export const TLS_OK = { attempted: true, spoken: true, protocol: "TLSv1.3", verified: true, trust: "system" } as const;
/** What tlsEvidence makes of TLS_OK: `attempted` and `cipher` are not evidence. */
export const TLS_OK_EVIDENCE = { spoken: true, protocol: "TLSv1.3", verified: true, trust: "system" };

/** A TLS-only endpoint that demands AUTH, refuses plaintext, and whose default user is off. */
export const healthy = (over: Partial<RedisObservation> = {}): RedisObservation => ({
  target: "jobs-redis",
  host: "jobs.example.com",
  port: 6379,
  tls: { ...TLS_OK },
  unauthenticated: { outcome: "noauth", transport: "tls", reply: "-NOAUTH Authentication required." },
  plaintext: { port: 6379, outcome: "rejected", detail: "closed the connection without a RESP reply" },
  acl: {
    username: "auditor",
    transport: "tls",
    outcome: "read",
    command: "ACL GETUSER default",
    defaultUser: { on: false, nopass: false, raw: "off ~* &* -@all" },
  },
  ...over,
});

/** The verdicts of one redis-* check, on configs read through the schema. */
export function verdictsOf(
  checkId: string,
  targets: TargetInput[],
  observations: RedisObservation[],
  more: { config?: Partial<ConfigInput>; inventory?: Inventory } = {},
): CheckResult[] {
  const check = redisChecks.find((c) => c.meta.id === checkId);
  if (!check) throw new Error(`no check ${checkId}`);
  return check.evaluate(context(config({ ...more.config, redis: targets }), more.inventory, { redis: observations }));
}

/** The ERROR verdict a target without any observation gets. */
export function notProbedError(checkId: string, what: string, resource: CheckResult["resource"] = ENDPOINT): CheckResult {
  const cause = { source: "redis://jobs.example.com:6379", reason: "Redis target jobs-redis was not probed", code: "NotProbed" };
  return {
    checkId,
    status: "ERROR",
    resource,
    message: `Could not evaluate ${what}: Redis target jobs-redis was not probed (redis://jobs.example.com:6379).`,
    evidence: cause,
    cause,
  };
}
