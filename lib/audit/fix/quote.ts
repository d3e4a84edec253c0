/**
 * Quoting for the commands a fix prints. Names chosen by others (roles, groups, secrets)
 * are quoted by the rules of the tool that will read them, so a pasted fix means exactly
 * what it says and a hostile name cannot add a statement or a shell command.
 */

/**
 * PostgreSQL's `quote_ident`: always double-quoted, inner quotes doubled. (quote_ident
 * leaves plain lower-case names bare; quoting every name is equivalent and simpler to prove.)
 */
export function pgIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `schema.table` as the config and the catalog spell it, each part quoted. */
export function pgQualified(schema: string, name: string): string {
  return `${pgIdent(schema)}.${pgIdent(name)}`;
}

/** A role name in GRANT/REVOKE position: PUBLIC is the keyword, every other name is quoted. */
export function pgRole(name: string): string {
  return name === "PUBLIC" ? "PUBLIC" : pgIdent(name);
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
/** A value the person fills in from the environment (`$AUTH_TOKEN`): expanded, never typed. */
const VARIABLE = /^\$[A-Z][A-Z0-9_]*$/;

/** POSIX shell single-quoting; bare where the word has no character the shell treats specially. */
export function shellWord(word: string): string {
  if (word.length > 0 && SHELL_SAFE.test(word)) return word;
  if (VARIABLE.test(word)) return `"${word}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An `aws …` command line from its words, each quoted for the shell. */
export function awsCommand(service: string, operation: string, options: readonly (readonly [string, string?])[]): string {
  const words = ["aws", service, operation];
  // Indexed, not destructured: destructuring runs the array iterator for every option.
  for (const option of options) {
    words.push(option[0]);
    const value = option[1];
    if (value !== undefined) words.push(shellWord(value));
  }
  return words.join(" ");
}

/** `--region R` where the finding knows its region (a plan covers many regions; the shell's default may be another). */
export function regionOption(region: string | undefined): (readonly [string, string])[] {
  return region ? [["--region", region]] : [];
}

/**
 * Text safe to print in a comment line of a plan file: one line, no control characters,
 * so a name chosen by someone else cannot end the comment and start a command.
 */
export function commentSafe(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "?");
}
