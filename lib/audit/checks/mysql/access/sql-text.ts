/**
 * What the text of a view, routine or trigger says it touches, pure: the names it uses and
 * what its statements may do. No SQL parser: a reading that errs towards reporting (a name in
 * a string counts, names compare without case), never towards missing a route; a comment names
 * nothing.
 */

/** The names a text uses: `db.table` pairs, and names used alone (lower case). */
interface NamesIn {
  qualified: Set<string>;
  bare: Set<string>;
}

/**
 * An identifier: backticked (`` doubles a backtick), double-quoted (ANSI_QUOTES), or a bare word;
 * a single-quoted string, read on its own; or a comment, which names nothing (`-- ` ends at its
 * line's end; MariaDB's and MySQL's executable comments, `/*!` and `/*M!`, run: they are read as
 * code).
 */
const TOKEN =
  /(\/\*(?!!|M!)[\s\S]*?\*\/|(?:--(?=\s)|#)[^\n]*)|'((?:[^'\\]|''|\\.)*)'|`((?:[^`]|``)*)`|"((?:[^"\\]|""|\\.)*)"|([\p{L}\p{N}_$\u0080-\uffff]+)/gu;
/** What may stand between a name, its dot and the next name: spaces and comments. */
const DOT = /^(?:\s|\/\*[\s\S]*?\*\/|(?:--(?=\s)|#)[^\n]*(?:\n|$))*\.(?:\s|\/\*[\s\S]*?\*\/|(?:--(?=\s)|#)[^\n]*(?:\n|$))*$/;

// Bodies and definitions repeat across every table asked about: each is read once. The cap keeps
// a long-lived process (a warm Lambda auditing many servers) from holding every text it saw.
const memo = new Map<string, NamesIn>();
const MEMO_LIMIT = 50_000;

function namesIn(text: string): NamesIn {
  const known = memo.get(text);
  if (known) return known;
  const tokens: { name: string; start: number; end: number }[] = [];
  const qualified = new Set<string>();
  const bare = new Set<string>();
  for (const m of text.matchAll(TOKEN)) {
    if (m[1] !== undefined) continue;
    if (m[2] !== undefined) {
      // A string is read as text of its own (it may be SQL run later): its names count, and a
      // comment marker inside it starts no comment here.
      const inner = namesIn(m[2].replaceAll("''", "'"));
      for (const n of inner.bare) bare.add(n);
      for (const n of inner.qualified) qualified.add(n);
      continue;
    }
    if (m[4] !== undefined) {
      // A double-quoted token is a string or (ANSI_QUOTES) a name, and with NO_BACKSLASH_ESCAPES
      // `"\"` ends where this reading does not: its inside is read as text too (a review hid
      // `f(6)` between two such quotes).
      const inner = namesIn(m[4]);
      for (const n of inner.bare) bare.add(n);
      for (const n of inner.qualified) qualified.add(n);
    }
    const name = m[3] !== undefined ? m[3].replaceAll("``", "`") : m[4] !== undefined ? m[4].replaceAll('""', '"') : (m[5] as string);
    tokens.push({ name: name.toLowerCase(), start: m.index, end: m.index + m[0].length });
  }
  let second = false;
  tokens.forEach((t, i) => {
    if (!second) bare.add(t.name);
    const next = tokens[i + 1];
    second = next !== undefined && DOT.test(text.slice(t.end, next.start));
    if (second && next) qualified.add(`${t.name}\u0000${next.name}`);
  });
  const names = { qualified, bare };
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(text, names);
  return names;
}

/** Whether a text written in database `home` names db.table: qualified, or alone when db is `home`. */
export function namesTable(text: string, home: string, db: string, table: string): boolean {
  const names = namesIn(text);
  return names.qualified.has(`${db.toLowerCase()}\u0000${table.toLowerCase()}`) || (home === db && names.bare.has(table.toLowerCase()));
}

/**
 * Every `db\u0000table` (lower case) a text written in database `home` may name: its qualified
 * names, and its names used alone as `home`'s. A superset to look names up by; namesTable says
 * which hold.
 */
export function tablesNamed(text: string, home: string): string[] {
  const names = namesIn(text);
  const own = home.toLowerCase();
  return [...names.qualified, ...[...names.bare].map((n) => `${own}\u0000${n}`)];
}

/** One thing a statement may do to a table it names: what that gives, and what its runner must hold for it. */
export interface Action {
  gives: string;
  needs: string[];
}

const one = (p: string): Action => ({ gives: p, needs: [p] });

/**
 * What a routine's or trigger's statements may do to a table they name, by their verbs. A read
 * needs no SELECT keyword: a multi-table UPDATE or DELETE (a JOIN, USING, a list of tables) reads
 * its other tables, and MariaDB's RETURNING hands back what a DELETE, INSERT or REPLACE touched.
 * REPLACE deletes the row it replaces (it needs INSERT and DELETE); TRUNCATE empties the table
 * and needs DROP; DROP TABLE and ALTER TABLE give what they are named for.
 */
/** Whether a routine builds the SQL it runs (PREPARE, EXECUTE IMMEDIATE): its text does not say what it does. */
export function runsDynamicSql(def: string): boolean {
  return /\b(prepare|execute\s+immediate)\b/i.test(def);
}

export function statementActions(def: string): Action[] {
  const out: Action[] = [];
  const reads =
    /\b(select|join|using|returning)\b/i.test(def) ||
    /\bupdate\b[^;]*?,[^;]*?\bset\b/i.test(def) ||
    /\bdelete\b[^;]*?\bfrom\b[^;]*?,/i.test(def);
  if (reads) out.push(one("SELECT"));
  if (/\binsert\b/i.test(def)) out.push(one("INSERT"));
  if (/\breplace\b/i.test(def))
    out.push({ gives: "INSERT", needs: ["INSERT", "DELETE"] }, { gives: "DELETE", needs: ["INSERT", "DELETE"] });
  if (/\bupdate\b/i.test(def)) out.push(one("UPDATE"));
  if (/\bdelete\b/i.test(def)) out.push(one("DELETE"));
  if (/\btruncate\b/i.test(def)) out.push({ gives: "DELETE", needs: ["DROP"] });
  if (/\bdrop\s+table\b/i.test(def)) out.push(one("DROP"));
  if (/\balter\s+table\b/i.test(def)) out.push(one("ALTER"));
  return out;
}

/** What a statement may give, each privilege once in the manual's order. */
export function actionGives(actions: readonly Action[]): string[] {
  const gives = new Set(actions.map((a) => a.gives));
  return ["SELECT", "INSERT", "UPDATE", "DELETE", "DROP", "ALTER"].filter((p) => gives.has(p));
}

/**
 * The columns of its own row a BEFORE trigger sets (`SET NEW.handler = …`, or passes to a
 * procedure, whose OUT parameter may set it: lower case): the statement that fires it writes them
 * whatever columns it names itself. (A comparison such as `SET @x = NEW.a = 1` is read as
 * setting `a`: an over-report.)
 */
export function newRowAssignments(body: string): string[] {
  const out = new Set<string>();
  for (const set of body.matchAll(/\bset\b([^;]*)/gi)) {
    for (const m of (set[1] as string).matchAll(/\bnew\s*\.\s*[`"]?([\p{L}\p{N}_$]+)[`"]?\s*:?=/giu))
      out.add((m[1] as string).toLowerCase());
  }
  // A procedure's OUT or INOUT parameter sets what is passed to it (proven live: CALL p(NEW.handler)).
  // The parameters' modes are not read: every NEW column passed to a CALL counts (an over-report).
  for (const call of body.matchAll(/\bcall\b[^(;]*\(([^;]*)\)/gi)) {
    for (const m of (call[1] as string).matchAll(/\bnew\s*\.\s*[`"]?([\p{L}\p{N}_$]+)[`"]?/giu)) out.add((m[1] as string).toLowerCase());
  }
  return [...out];
}

/** The routines a text calls: functions (a name followed by `(`) and procedures (the name after CALL). */
export interface CallsIn {
  functions: NamesIn;
  procedures: NamesIn;
}

const callsMemo = new Map<string, CallsIn>();

/** Spaces and comments, then `(`: MariaDB and MySQL allow both between a stored function's name and its arguments (found live by a review). */
const BEFORE_PARENTHESIS = /^(?:\s|\/\*[\s\S]*?\*\/|(?:--(?=\s)|#)[^\n]*(?:\n|$))*\(/;

/**
 * What a text calls, read as namesIn reads names (comments name nothing, strings count): a
 * function only where its name is followed by `(`, a procedure only right after CALL. A column
 * or table of the same name is not a call (found live by a review: `SET priority = 0` beside a
 * function `priority`), nor is a function named in a CALL or a procedure followed by `(` alone.
 */
export function callsIn(text: string): CallsIn {
  const known = callsMemo.get(text);
  if (known) return known;
  const functions: NamesIn = { qualified: new Set(), bare: new Set() };
  const procedures: NamesIn = { qualified: new Set(), bare: new Set() };
  const merge = (from: CallsIn) => {
    for (const [to, src] of [
      [functions, from.functions],
      [procedures, from.procedures],
    ] as const) {
      for (const n of src.bare) to.bare.add(n);
      for (const n of src.qualified) to.qualified.add(n);
    }
  };
  // A routine's name is case-insensitive; its database's is not (lower_case_table_names = 0, the
  // Linux and RDS default): a call of `App`.f() is no call of app.f() (found live by a review).
  const tokens: { name: string; lower: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(TOKEN)) {
    if (m[1] !== undefined) continue;
    if (m[2] !== undefined) {
      merge(callsIn(m[2].replaceAll("''", "'")));
      continue;
    }
    if (m[4] !== undefined) merge(callsIn(m[4]));
    const name = m[3] !== undefined ? m[3].replaceAll("``", "`") : m[4] !== undefined ? m[4].replaceAll('""', '"') : (m[5] as string);
    tokens.push({ name, lower: name.toLowerCase(), start: m.index, end: m.index + m[0].length });
  }
  const dotted = (a: { end: number } | undefined, b: { start: number } | undefined) =>
    a !== undefined && b !== undefined && DOT.test(text.slice(a.end, b.start));
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as (typeof tokens)[number];
    // A qualifier: its name is the next token's.
    if (dotted(t, tokens[i + 1])) continue;
    const qualified = dotted(tokens[i - 1], t);
    const head = qualified ? i - 1 : i;
    const add = (into: NamesIn) => {
      if (qualified) into.qualified.add(`${(tokens[i - 1] as (typeof tokens)[number]).name}\u0000${t.lower}`);
      else into.bare.add(t.lower);
    };
    if (tokens[head - 1]?.lower === "call") add(procedures);
    else if (BEFORE_PARENTHESIS.test(text.slice(t.end))) add(functions);
  }
  const calls = { functions, procedures };
  if (callsMemo.size >= MEMO_LIMIT) callsMemo.clear();
  callsMemo.set(text, calls);
  return calls;
}

/** Whether a text written in database `home` calls the routine `db.name` of that kind. */
export function callsRoutine(text: string, home: string, db: string, name: string, kind: "procedure" | "function"): boolean {
  const names = kind === "procedure" ? callsIn(text).procedures : callsIn(text).functions;
  return names.qualified.has(`${db}\u0000${name.toLowerCase()}`) || (home === db && names.bare.has(name.toLowerCase()));
}
