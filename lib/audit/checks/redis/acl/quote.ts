/**
 * Quoting for the commands a fix prints: redis-cli arguments (its `sdssplitargs` rules)
 * and POSIX shell words. Names chosen by others (ACL users, patterns) go through these,
 * never raw.
 */

const PLAIN_REDIS_ARG = /^[A-Za-z0-9_.:*?@%~&+\-|()[\]^{}<>#!=,/]+$/;

/** One redis-cli argument: as is when plain, else double-quoted with `\"`, `\\` and `\xHH` escapes. */
export function redisArg(value: string): string {
  if (value.length > 0 && PLAIN_REDIS_ARG.test(value)) return value;
  let out = '"';
  for (const ch of value) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += ch;
  }
  return `${out}"`;
}

/** One POSIX shell word in single quotes. */
export function shellWord(value: string): string {
  return /^[A-Za-z0-9_.:/@=+-]+$/.test(value) ? value : `'${value.replaceAll("'", "'\\''")}'`;
}

/** A user name for a message: as is when plain, else JSON-quoted so control characters show as escapes. */
export function shownName(name: string): string {
  return /^[A-Za-z0-9_.:@+-]{1,128}$/.test(name) ? name : JSON.stringify(name);
}
