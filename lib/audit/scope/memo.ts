/**
 * Memo tables that live as long as one scope: one WeakMap entry per scope, holding an
 * ordinary table keyed by that scope's own objects (its security groups, its backends).
 *
 * Why not a WeakMap keyed by each group or backend: V8's minor collector revisits every
 * WeakMap entry whose value is still young (an ephemeron) on each scavenge, and an audit
 * fills such tables with tens of thousands of entries while it allocates its findings.
 * Measured on the bench estate, the ingress analyses alone in a WeakMap per group cost
 * about 3 % of the evaluation in collector time (docs/performance.md). Keyed by the scope,
 * the tables still go when the scope does.
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
