/**
 * SQL text for fixes, with identifiers quoted by PostgreSQL's quote_ident rules: left bare
 * only when a lower-case plain name that is not a reserved keyword, else double-quoted
 * with inner quotes doubled. Names come from the catalog and are chosen by others.
 */

/** PostgreSQL's reserved key words (Appendix C, "reserved" and "reserved (can be function or type)"). */
const RESERVED = new Set(
  (
    "all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column " +
    "concurrently constraint create cross current_catalog current_date current_role current_schema current_time current_timestamp " +
    "current_user default deferrable desc distinct do else end except false fetch for foreign freeze from full grant group having " +
    "ilike in initially inner intersect into is isnull join lateral leading left like limit localtime localtimestamp natural not " +
    "notnull null offset on only or order outer overlaps placing primary references returning right select session_user similar " +
    "some symmetric system_user table tablesample then to trailing true union unique user using variadic verbose when where window with"
  ).split(" "),
);

export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !RESERVED.has(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}
