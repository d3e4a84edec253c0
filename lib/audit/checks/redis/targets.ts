/** The `redis[]` targets a Redis check looks at, each with what the probe saw of it. */
import type { RedisTarget } from "../../config/schema.js";
import type { ObservationError, ResourceRef } from "../../findings/model.js";
import type { RedisObservation } from "../../probes/redis/types.js";
import type { AuditContext } from "../types.js";

export interface RedisSubject {
  target: RedisTarget;
  resource: ResourceRef;
  /** Undefined when the probe returned nothing for this target. */
  observation: RedisObservation | undefined;
}

export function redisSubjects(ctx: AuditContext): RedisSubject[] {
  const byName = new Map(ctx.observations.redis.map((o) => [o.target, o]));
  return ctx.config.redis.map((target) => ({
    target,
    resource: { type: "Redis::Endpoint", id: target.name },
    observation: byName.get(target.name),
  }));
}

export function where(target: RedisTarget): string {
  return `${target.endpoint.host}:${target.endpoint.port}`;
}

/** The cause when a configured target has no observation at all. */
export function notProbed(target: RedisTarget): ObservationError {
  return { source: `redis://${where(target)}`, reason: `Redis target ${target.name} was not probed`, code: "NotProbed" };
}

/** The TLS facts every Redis verdict carries as evidence. */
export function tlsEvidence(o: RedisObservation): Record<string, unknown> {
  const t = o.tls;
  return {
    spoken: t.spoken,
    ...(t.protocol ? { protocol: t.protocol } : {}),
    verified: t.verified,
    ...(t.verifyError ? { verifyError: t.verifyError } : {}),
    trust: t.trust,
  };
}
