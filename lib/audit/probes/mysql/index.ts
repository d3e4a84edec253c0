/**
 * The MySQL/MariaDB probe: one observation per `mysql[]` target, never a throw. A target that
 * cannot be observed (credentials, network, TLS, permissions, timeouts) yields an observation
 * with `error`, which the checks turn into ERROR results.
 */
import { mysqlQueueTables } from "../../config/mysql.js";
import type { MysqlTarget } from "../../config/schema.js";
import type { ObservationError } from "../../model/observation.js";
import { connectionOptions, type MysqlConnectDeps, openMysql, resolveMysqlSecret } from "./connect.js";
import { type MysqlQueryable, readMysqlCatalog } from "./observe.js";
import type { MysqlObservation } from "./types.js";

export type { MysqlObservation } from "./types.js";

export interface MysqlProbeDeps extends MysqlConnectDeps {
  /** How many servers are observed at once. @default 4 */
  concurrency?: number;
  /** Called with each SQL text sent (benchmarks and tests count statements). */
  onQuery?: (target: string, sql: string) => void;
}

function scrub(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join("***") : text;
}

export function mysqlObservationError(target: MysqlTarget, err: unknown, secret?: string): ObservationError {
  const e = err as { message?: string; code?: string; name?: string };
  const message = scrub(String(e.message ?? err), secret)
    .replace(/\s+/g, " ")
    .trim();
  const c = target.connection;
  const result: ObservationError = {
    source: `mysql:${target.name}`,
    reason: `cannot observe ${c.user}@${c.host}:${c.port}: ${message || (e.name ?? "unknown error")}`,
  };
  const code = e.code ?? (e.name && e.name !== "Error" ? e.name : undefined);
  if (code) result.code = String(code);
  return result;
}

export async function observeMysqlTarget(target: MysqlTarget, deps: MysqlProbeDeps = {}): Promise<MysqlObservation> {
  let secret: string | undefined;
  try {
    secret = await resolveMysqlSecret(target, deps);
    const connection = await openMysql(connectionOptions(target, secret, deps));
    // The driver's own deadline per statement: it also covers a server that stops answering.
    const timeout = Math.round(target.connection.statementTimeoutSeconds * 1000) + 5000;
    try {
      const counted: MysqlQueryable = {
        query: async (sql, values) => {
          deps.onQuery?.(target.name, sql);
          const [rows] = await connection.query({ sql, timeout, ...(values ? { values } : {}) });
          return Array.isArray(rows) ? (rows as Record<string, unknown>[]) : [];
        },
      };
      const databases = [...new Set(mysqlQueueTables(target).map((t) => t.database))];
      return { target: target.name, catalog: await readMysqlCatalog(counted, databases, target.connection.statementTimeoutSeconds) };
    } finally {
      await connection.end().catch(() => connection.destroy());
    }
  } catch (err) {
    return { target: target.name, error: mysqlObservationError(target, err, secret) };
  }
}

export async function probeMysql(targets: readonly MysqlTarget[], deps: MysqlProbeDeps = {}): Promise<MysqlObservation[]> {
  const results: MysqlObservation[] = new Array(targets.length);
  let next = 0;
  const worker = async () => {
    while (next < targets.length) {
      const i = next++;
      results[i] = await observeMysqlTarget(targets[i] as MysqlTarget, deps);
    }
  };
  const width = Math.max(1, Math.min(deps.concurrency ?? 4, targets.length));
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
