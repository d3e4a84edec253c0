/**
 * Job payload columns: the serialized job that names the code a worker runs (delayed_job's
 * `handler`, Solid Queue's `arguments`, GoodJob's `serialized_params`…). Writing one is
 * code execution on the workers, so findings that include it say so and are critical.
 */
import { TABLE_PRESETS } from "../../config/presets.js";
import type { PgTable } from "../../probes/postgres/types.js";
import type { AccessPath } from "./access/role-graph.js";

const BY_TABLE = new Map<string, readonly string[]>();
for (const preset of Object.values(TABLE_PRESETS)) {
  for (const [table, columns] of Object.entries(preset.payloadColumns)) BY_TABLE.set(table, columns);
}
const ANY_PRESET = new Set([...BY_TABLE.values()].flat());

/**
 * The table's payload columns: a preset table's own (by name), else, for a plain table,
 * those of its columns that carry a preset's payload column name (a `jobs` table with a
 * `handler` column is a delayed_job table by another name).
 */
export function payloadColumns(table: Pick<PgTable, "name" | "columns">): string[] {
  const preset = BY_TABLE.get(table.name);
  const columns = table.columns ?? [];
  if (preset) return columns.length > 0 ? preset.filter((c) => columns.includes(c)) : [...preset];
  return columns.filter((c) => ANY_PRESET.has(c));
}

const PAYLOAD_WRITES = new Set(["INSERT", "UPDATE", "DROP"]);
/**
 * Routes whose columns are not known: a view may not expose the payload column, a body may
 * write other columns. They are reported as writes, without the code-execution claim.
 */
const COLUMNS_UNKNOWN = new Set<AccessPath["source"]>(["view", "rule", "definer function", "definer trigger", "foreign key trigger"]);

/** The payload columns the paths let a role write (INSERT, UPDATE, or control of the table). */
export function writablePayload(payload: readonly string[], paths: readonly AccessPath[]): string[] {
  if (payload.length === 0) return [];
  const out = new Set<string>();
  for (const p of paths) {
    // A key set to NULL or its default carries no code of anyone's choosing.
    if (COLUMNS_UNKNOWN.has(p.source) || p.fixedValues || !p.privileges.some((x) => PAYLOAD_WRITES.has(x))) continue;
    for (const c of p.columns ? payload.filter((x) => p.columns?.includes(x)) : payload) out.add(c);
  }
  return payload.filter((c) => out.has(c));
}

export function payloadSentence(columns: readonly string[]): string {
  return ` Write access to ${columns.length === 1 ? "the payload column" : "the payload columns"} ${columns.join(", ")} is code execution on the workers.`;
}
