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

/** Keywords right before the name that make the statement a write, and what it writes. */
const WRITES: readonly [RegExp, readonly string[]][] = [
  [/\bINSERT\s+INTO\s+(?:ONLY\s+)?$/i, ["INSERT"]],
  [/\bUPDATE\s+(?:ONLY\s+)?$/i, ["UPDATE"]],
  [/\bDELETE\s+FROM\s+(?:ONLY\s+)?$/i, ["DELETE"]],
  [/\bTRUNCATE\s+(?:TABLE\s+)?(?:ONLY\s+)?(?:[\w$."]+\s*,\s*)*$/i, ["TRUNCATE"]],
  [/\bMERGE\s+INTO\s+(?:ONLY\s+)?$/i, ["INSERT", "UPDATE", "DELETE"]],
  [/\bCOPY\s+$/i, ["SELECT", "INSERT"]],
];

export const COMMAND_ORDER = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"] as const;

/**
 * The statements `text` runs on `schema.name`, or undefined when it never names it.
 * A mention that is not the target of a write is a read (SELECT).
 */
export function commandsOn(text: string, schema: string, name: string, lowerCaseText = text.toLowerCase()): string[] | undefined {
  if (!lowerCaseText.includes(name.toLowerCase())) return undefined;
  const pattern = new RegExp(`(?<![\\w$."])(?:${identifier(schema)}\\s*\\.\\s*)?${identifier(name)}(?![\\w$"])`, "g");
  const found = new Set<string>();
  for (const match of text.matchAll(pattern)) {
    const before = text.slice(Math.max(0, match.index - 200), match.index);
    const write = WRITES.find(([re]) => re.test(before));
    for (const command of write ? write[1] : ["SELECT"]) found.add(command);
  }
  if (found.size === 0) return undefined;
  return COMMAND_ORDER.filter((c) => found.has(c));
}
