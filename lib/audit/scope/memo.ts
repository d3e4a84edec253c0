/**
 * Memo tables that live as long as one scope: one WeakMap entry per scope, holding an
 * ordinary table keyed by that scope's own objects (its security groups, its backends).
 *
 * Why not a WeakMap keyed by each group or backend: V8's minor collector treats every
 * WeakMap entry (an ephemeron) specially on each scavenge, and an audit fills such tables
 * with tens of thousands of entries while it allocates its findings. Keyed by the scope,
 * there is one such entry per audit, and the tables still go when the scope does. The gain
 * is small next to the machine's noise (docs/performance.md, 2026-12-07).
 */
import type { Scope } from "./types.js";

/** A table per scope, made by `create` the first time a scope asks. */
export function perScope<Table>(create: () => Table): (scope: Scope) => Table {
  const tables = new WeakMap<Scope, Table>();
  return (scope) => {
    let table = tables.get(scope);
    if (table === undefined) {
      table = create();
      tables.set(scope, table);
    }
    return table;
  };
}
