/**
 * The PostgreSQL probe: one observation per `postgres[]` target, never a throw. A target
 * that cannot be observed (credentials, network, TLS, permissions, timeouts) yields an
 * observation with `error`, which the checks turn into ERROR results.
 */
import type { PostgresTarget } from "../../config/schema.js";
import type { ObservationError } from "../../model/observation.js";
import { WEAK_PASSWORD_PACE_MS, WEAK_PASSWORDS } from "../weak-passwords.js";
import { type ConnectDeps, clientConfig, openClient, resolveSecret } from "./connect.js";
import { type Queryable, readCatalog } from "./observe.js";
import type { PostgresObservation } from "./types.js";
import { pgTrialRoles, tryPgWeakPasswords } from "./weak-passwords.js";

export type { PostgresObservation } from "./types.js";

export interface PostgresProbeDeps extends ConnectDeps {
  /** How many databases are observed at once. @default 4 */
  concurrency?: number;
  /** Called with each SQL text sent (for benchmarks and tests counting round trips). */
  onQuery?: (target: string, sql: string) => void;
  /** The pause between weak-password attempts; tests only (the documented pace is the default). */
  weakPasswordPaceMs?: number;
}

/** The error's message with the secret cut out, should a driver ever echo it. */
function scrub(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join("***") : text;
}

export function observationError(target: PostgresTarget, err: unknown, secret?: string): ObservationError {
  const e = err as { message?: string; code?: string; name?: string };
  const message = scrub(String(e.message ?? err), secret)
    .replace(/\s+/g, " ")
    .trim();
  const c = target.connection;
  const result: ObservationError = {
    source: `postgres:${target.name}`,
    reason: `cannot observe ${c.user}@${c.host}:${c.port}/${c.database}: ${message || (e.name ?? "unknown error")}`,
  };
  // SQLSTATE (e.g. 28P01), errno (ECONNREFUSED) or a named error of ours.
  const code = e.code ?? (e.name && e.name !== "Error" ? e.name : undefined);
  if (code) result.code = String(code);
  return result;
}

export async function observeTarget(target: PostgresTarget, deps: PostgresProbeDeps = {}): Promise<PostgresObservation> {
  const obs = await observeCatalog(target, deps);
  if (!target.probe?.weakPasswords) return obs;
  // The trial goes where the probe just went; a target it could not reach is not tried either.
  obs.weakPasswords = obs.error
    ? { listSize: WEAK_PASSWORDS.length, paceMs: WEAK_PASSWORD_PACE_MS, users: [], error: obs.error }
    : await tryPgWeakPasswords(target, pgTrialRoles(target, obs.catalog), {
        deps,
        ...(deps.weakPasswordPaceMs !== undefined ? { paceMs: deps.weakPasswordPaceMs } : {}),
      });
  return obs;
}

async function observeCatalog(target: PostgresTarget, deps: PostgresProbeDeps): Promise<PostgresObservation> {
  let secret: string | undefined;
  try {
    secret = await resolveSecret(target, deps);
    const client = await openClient(clientConfig(target, secret, deps));
    try {
      const counted: Queryable = {
        query: (text, values) => {
          deps.onQuery?.(target.name, text);
          return client.query(text, values as unknown[]);
        },
      };
      return { target: target.name, catalog: await readCatalog(counted, target.tables) };
    } finally {
      await client.end().catch(() => undefined);
    }
  } catch (err) {
    return { target: target.name, error: observationError(target, err, secret) };
  }
}

export async function probePostgres(targets: readonly PostgresTarget[], deps: PostgresProbeDeps = {}): Promise<PostgresObservation[]> {
  const results: PostgresObservation[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      results[i] = await observeTarget(targets[i] as PostgresTarget, deps);
    }
  };
  const width = Math.max(1, Math.min(deps.concurrency ?? 4, targets.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
