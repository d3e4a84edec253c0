/**
 * The relation an automatically updatable view writes, read from its stored query
 * (`pg_rewrite.ev_action`, PostgreSQL's node-tree text).
 *
 * Why not the view's dependencies: they list every relation its query reads, and a view
 * whose WHERE clause (or a scalar subquery in its select list) reads another table is still
 * auto-updatable: `CREATE VIEW v AS SELECT * FROM jobs WHERE queue IN (SELECT q FROM
 * allowed)` writes `jobs` and only reads `allowed` (tried live on 15 and 18). PostgreSQL
 * writes the one relation of the query's top-level FROM list, which is what this reads:
 * the query's `jointree` names it by its index in the query's `rtable`.
 *
 * The format: nodes `{TYPE :field value …}`, lists `(…)`; strings escape `{}()`, white
 * space and backslashes with a backslash (outToken), so no quoting needs tracking.
 */

/** One node's fields at its own level: name → [start, end) of the raw value. */
interface Node {
  type: string;
  fields: Map<string, [number, number]>;
  end: number;
}

const OPEN = new Set(["{", "("]);
const CLOSE = new Set(["}", ")"]);
const SPACE = /\s/;

/** The node starting at text[start] === "{", or undefined when the text is not one. */
function node(text: string, start: number): Node | undefined {
  if (text[start] !== "{") return undefined;
  let i = start + 1;
  while (i < text.length && !SPACE.test(text[i] as string) && text[i] !== "}") i++;
  const type = text.slice(start + 1, i);
  const fields = new Map<string, [number, number]>();
  let depth = 0;
  let field: string | undefined;
  let valueStart = i;
  const close = (at: number) => {
    if (field !== undefined) fields.set(field, [valueStart, at]);
  };
  for (; i < text.length; i++) {
    const c = text[i] as string;
    if (c === "\\") {
      i++;
      continue;
    }
    if (OPEN.has(c)) depth++;
    else if (CLOSE.has(c)) {
      if (depth === 0) {
        close(i);
        return { type, fields, end: i + 1 };
      }
      depth--;
    } else if (c === ":" && depth === 0 && SPACE.test(text[i - 1] ?? "")) {
      close(i);
      let j = i + 1;
      while (j < text.length && !SPACE.test(text[j] as string) && !OPEN.has(text[j] as string) && !CLOSE.has(text[j] as string)) j++;
      field = text.slice(i + 1, j);
      valueStart = j;
      i = j - 1;
    }
  }
  return undefined;
}

/** The nodes of a list value `({…} {…})`; undefined when the value is not a list of nodes. */
function nodesOf(text: string, [start, end]: [number, number]): Node[] | undefined {
  let i = start;
  while (i < end && SPACE.test(text[i] as string)) i++;
  if (text[i] !== "(") return undefined;
  const nodes: Node[] = [];
  for (i++; i < end; i++) {
    const c = text[i] as string;
    if (SPACE.test(c)) continue;
    if (c === ")") return nodes;
    const n = node(text, i);
    if (!n) return undefined;
    nodes.push(n);
    i = n.end - 1;
  }
  return undefined;
}

function value(text: string, n: Node, field: string): string | undefined {
  const span = n.fields.get(field);
  return span ? text.slice(span[0], span[1]).trim() : undefined;
}

/**
 * The OID of the relation the view's query has as its single FROM item, or undefined when the
 * text is not such a query (a join, a subquery in FROM, or text this does not understand).
 */
export function viewBaseRelation(evAction: string): number | undefined {
  const text = evAction.trim();
  if (!text.startsWith("(")) return undefined;
  const query = node(text, text.indexOf("{"));
  if (query?.type !== "QUERY") return undefined;
  const rtable = query.fields.get("rtable");
  const jointree = query.fields.get("jointree");
  if (!rtable || !jointree) return undefined;
  const entries = nodesOf(text, rtable);
  let at = jointree[0];
  while (at < jointree[1] && SPACE.test(text[at] as string)) at++;
  const from = node(text, at);
  const fromlist = from?.type === "FROMEXPR" ? from.fields.get("fromlist") : undefined;
  const items = fromlist ? nodesOf(text, fromlist) : undefined;
  const only = items?.length === 1 ? items[0] : undefined;
  if (!entries || only?.type !== "RANGETBLREF") return undefined;
  const entry = entries[Number(value(text, only, "rtindex")) - 1];
  if (entry?.type !== "RANGETBLENTRY" || value(text, entry, "rtekind") !== "0") return undefined;
  const relid = Number(value(text, entry, "relid"));
  return Number.isSafeInteger(relid) && relid > 0 ? relid : undefined;
}

/**
 * The relations the view's query reads only with ONLY (every range-table entry naming them,
 * subqueries included, says `:inh false`): a statement through the view reaches none of their
 * partitions or children (found live by a review). Empty for text this does not understand.
 */
export function onlyRelations(evAction: string): number[] {
  const inherits = new Map<number, boolean>();
  for (let at = evAction.indexOf("{RANGETBLENTRY"); at !== -1; at = evAction.indexOf("{RANGETBLENTRY", at + 1)) {
    if (evAction[at - 1] === "\\") continue;
    const entry = node(evAction, at);
    if (!entry || value(evAction, entry, "rtekind") !== "0") continue;
    const relid = Number(value(evAction, entry, "relid"));
    const inh = value(evAction, entry, "inh");
    if (!Number.isSafeInteger(relid) || (inh !== "true" && inh !== "false")) continue;
    inherits.set(relid, (inherits.get(relid) ?? false) || inh === "true");
  }
  return [...inherits].filter(([, inh]) => !inh).map(([relid]) => relid);
}
