/**
 * What a function body or rule definition does to a relation, read from its text: every
 * spelling PostgreSQL accepts for the name (qualified or not, quoted or not, unquoted in any
 * letter case) and the statement keyword before it. Text is what the catalog keeps for
 * PL/pgSQL and SQL bodies (`prosrc`); it cannot see names built at run time (`EXECUTE
 * format('%I', …)`), which docs/postgres.md lists as not modelled.
 */

const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** An identifier as SQL may spell it: quoted exactly, or unquoted (folded to lower case) when it is a plain lower-case name. */
function identifier(id: string): string {
  const quoted = `"${escapeRe(id.replace(/"/g, '""'))}"`;
  if (!/^[a-z_][a-z0-9_$]*$/.test(id)) return `(?:${quoted})`;
  const anyCase = [...id].map((c) => (/[a-z]/.test(c) ? `[${c}${c.toUpperCase()}]` : escapeRe(c))).join("");
  return `(?:${quoted}|${anyCase})`;
}

/**
 * What any spelling of the name contains, in lower case: the name itself, its `"` doubled (a
 * name with `"` in it can only be written quoted). A text without it never names the object.
 */
export const spelled = (name: string) => name.toLowerCase().replaceAll('"', '""');

/** Keywords right before the name that make the statement a write, and what it writes. */
const WRITES: readonly [RegExp, readonly string[]][] = [
  [/\bINSERT\s+INTO\s+(?:ONLY\s+)?$/i, ["INSERT"]],
  [/\bUPDATE\s+(?:ONLY\s+)?$/i, ["UPDATE"]],
  [/\bDELETE\s+FROM\s+(?:ONLY\s+)?$/i, ["DELETE"]],
  [/\bTRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?(?:[\w$."]+\s*,\s*)*$/i, ["TRUNCATE"]],
  [/\bMERGE\s+INTO\s+(?:ONLY\s+)?$/i, ["INSERT", "UPDATE", "DELETE"]],
  [/\bCOPY\s+$/i, ["SELECT", "INSERT"]],
];

/** `INSERT … ON CONFLICT … DO UPDATE`, within the statement. */
const UPSERT = /\bON\s+CONFLICT\b[\s\S]*\bDO\s+UPDATE\b/i;

export const COMMAND_ORDER = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"] as const;

/** `ONLY` right before a name: the statement leaves the table's partitions and children alone. */
const ONLY_BEFORE = /\bONLY\s+$/i;

/**
 * The statements `text` runs on `schema.name`, or undefined when it never names it.
 * A mention that is not the target of a write is a read (SELECT). `reachingChildren`: only the
 * statements that reach its partitions and children (not those on `ONLY schema.name`).
 */
export function commandsOn(
  text: string,
  schema: string,
  name: string,
  lowerCaseText = text.toLowerCase(),
  reachingChildren = false,
  qualifiedOnly = false,
): string[] | undefined {
  if (!lowerCaseText.includes(spelled(name))) return undefined;
  // `qualifiedOnly`: an unqualified name cannot resolve to this schema (a pinned search_path without it).
  const pattern = new RegExp(
    `(?<![\\w$."])(?:${identifier(schema)}\\s*\\.\\s*)${qualifiedOnly ? "" : "?"}${identifier(name)}(?![\\w$"])`,
    "g",
  );
  const found = new Set<string>();
  for (const match of text.matchAll(pattern)) {
    const before = text.slice(Math.max(0, match.index - 200), match.index);
    if (reachingChildren && ONLY_BEFORE.test(before)) continue;
    const write = WRITES.find(([re]) => re.test(before));
    for (const command of write ? write[1] : ["SELECT"]) found.add(command);
    // An upsert updates the row it conflicts with: its UPDATE triggers fire too (found live by a review).
    if (write?.[1].includes("INSERT")) {
      const end = text.indexOf(";", match.index);
      if (UPSERT.test(text.slice(match.index, end === -1 ? undefined : end))) found.add("UPDATE");
    }
  }
  if (found.size === 0) return undefined;
  return COMMAND_ORDER.filter((c) => found.has(c));
}

/**
 * Whether `text` calls a function named `schema.name`: the name (in any spelling SQL
 * accepts, schema-qualified or not) followed by `(`, as in `PERFORM f(…)`, `SELECT f(…)`,
 * `CALL f(…)` or an expression. `qualifiedOnly` when an unqualified name cannot resolve to
 * this schema (the caller's pinned search_path does not list it).
 */
export function callsFunction(
  text: string,
  schema: string,
  name: string,
  qualifiedOnly = false,
  lowerCaseText = text.toLowerCase(),
): boolean {
  if (!lowerCaseText.includes(spelled(name))) return false;
  const qualifier = `${identifier(schema)}\\s*\\.\\s*`;
  const pattern = new RegExp(`(?<![\\w$."])${qualifiedOnly ? qualifier : `(?:${qualifier})?`}${identifier(name)}\\s*\\(`);
  return pattern.test(text);
}

/**
 * A SQL string constant: '…' (with '' inside) or E'…', or dollar-quoted $tag$…$tag$ (tags not
 * compared: a mismatch ends the constant early, and what follows then reads as dynamic).
 */
const LITERAL = String.raw`(?:[eE]?'(?:[^']|'')*'|\$[A-Za-z0-9_]*\$[\s\S]*?\$[A-Za-z0-9_]*\$)`;
/** `EXECUTE <literal>` ending the expression, or `EXECUTE format(<literal>, …)`, capturing the literal. */
const STATIC_EXECUTE = new RegExp(String.raw`^\s*(?:(${LITERAL})\s*(?:;|\bINTO\b|\bUSING\b|$)|format\s*\(\s*(${LITERAL})\s*[,)])`, "i");
/** A format() placeholder that inserts text into the statement: %I or %s (also %1$I, %-10s…). %L inserts a quoted value. */
const NAME_PLACEHOLDER = /%(?:\d+\$)?-?\d*[Is]/;

/**
 * Where a PL/pgSQL body runs a statement whose text is built at run time, so what it touches
 * cannot be read from the body: `EXECUTE` of anything but a string constant, or of
 * `format()` whose template can insert names (%I, %s). `EXECUTE 'DELETE FROM t'` and
 * `EXECUTE format('… WHERE id = %L', id)` are static: the table is named in the body text,
 * where commandsOn finds it. Returns the first such statement's start, shortened, or undefined.
 */
export function dynamicStatement(body: string): string | undefined {
  for (const match of body.matchAll(/\bEXECUTE\b(?!\s+(?:FUNCTION|PROCEDURE|ON)\b)/gi)) {
    const before = body.slice(Math.max(0, match.index - 40), match.index);
    // GRANT/REVOKE EXECUTE is a privilege name, not the statement.
    if (/\b(?:GRANT|REVOKE)\s+(?:ALL\s+)?$/i.test(before)) continue;
    const rest = body.slice(match.index + match[0].length);
    const constant = STATIC_EXECUTE.exec(rest);
    const template = constant?.[2];
    if (constant && (template === undefined || !NAME_PLACEHOLDER.test(template))) continue;
    const statement = body
      .slice(match.index, match.index + 80)
      .replace(/\s+/g, " ")
      .trim();
    return body.length > match.index + 80 ? `${statement}…` : statement;
  }
  return undefined;
}

/**
 * The text with its comments blanked (`-- …` to the end of the line, `/* … *\/`, which nest in
 * PostgreSQL), the same length so positions hold: a name in a comment names nothing (a live
 * review reported a callee named only in `-- formerly PERFORM f()`). String literals (`'…'`,
 * `E'…'`), quoted identifiers and dollar-quoted strings are kept whole, comment markers in them
 * included: a string may be SQL run later. For SQL and PL/pgSQL bodies. A text with a
 * backslash before a quote is returned whole (below).
 */
export function withoutComments(text: string): string {
  // With standard_conforming_strings off (a session or the function may set it) a backslash
  // escapes a quote in a plain string too: where one stands before a quote, where strings end
  // depends on a setting the text does not show, so no comment is trusted.
  if (text.includes("\\'")) return text;
  let out = "";
  let i = 0;
  const blank = (from: number, to: number) => text.slice(from, to).replace(/[^\n\r]/g, " ");
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === "-" && next === "-") {
      // PostgreSQL ends it at a carriage return too (found live by a review).
      const end = text.slice(i).search(/[\n\r]/);
      const stop = end === -1 ? text.length : i + end;
      out += blank(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      let depth = 0;
      let j = i;
      while (j < text.length) {
        if (text[j] === "/" && text[j + 1] === "*") {
          depth++;
          j += 2;
        } else if (text[j] === "*" && text[j + 1] === "/") {
          depth--;
          j += 2;
          if (depth === 0) break;
        } else j++;
      }
      out += blank(i, j);
      i = j;
    } else if (c === "'" || c === '"') {
      // E'…' reads backslash escapes; elsewhere a doubled quote is the only escape.
      const escapes = c === "'" && /[eE]/.test(text[i - 1] ?? "") && !/[\w$]/.test(text[i - 2] ?? "");
      let j = i + 1;
      while (j < text.length) {
        if (escapes && text[j] === "\\") j += 2;
        else if (text[j] === c && text[j + 1] === c) j += 2;
        else if (text[j] === c) break;
        else j++;
      }
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === "$" && !/[\p{L}\p{N}_$\u0080-\uffff]/u.test(text[i - 1] ?? "")) {
      // After any identifier character, non-ASCII letters included, `$` continues the identifier.
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(i))?.[0];
      if (!tag) {
        out += c;
        i++;
        continue;
      }
      const end = text.indexOf(tag, i + tag.length);
      const stop = end === -1 ? text.length : end + tag.length;
      out += text.slice(i, stop);
      i = stop;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
