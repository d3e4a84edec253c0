/**
 * When the last recorded run started: where the next run's log period begins
 * (docs/access-attempts.md), so consecutive runs leave no gap between their periods. A run
 * that failed before it was recorded moves nothing: the next one reads from the last run
 * that was. Undefined for a store that keeps nothing or holds no run yet.
 */
import type { Store } from "./types.js";

export async function lastRunStart(store: Pick<Store, "persistent" | "listRuns">): Promise<Date | undefined> {
  if (!store.persistent) return undefined;
  const [last] = await store.listRuns({ limit: 1 });
  const at = last ? Date.parse(last.run.startedAt) : Number.NaN;
  return Number.isFinite(at) ? new Date(at) : undefined;
}
