/**
 * The words of the PostgreSQL log lines that can say who tried (failed logins, authorized
 * connections, permission denied, pgAudit): the live read asks CloudWatch Logs for them as a
 * filter pattern, and a log read from a file keeps the same lines, so both count the same events.
 */
export const POSTGRES_ACCESS_TERMS = [
  "authentication failed",
  "pg_hba.conf",
  "connection authorized",
  "permission denied",
  "AUDIT:",
  "does not exist",
] as const;

/** CloudWatch Logs filter pattern syntax: `?"term"` is OR. */
export const POSTGRES_ACCESS_FILTER = POSTGRES_ACCESS_TERMS.map((t) => `?"${t}"`).join(" ");

/** Whether FilterLogEvents with POSTGRES_ACCESS_FILTER returns this line (a term, as is, anywhere in it). */
export function matchesAccessFilter(message: string): boolean {
  return POSTGRES_ACCESS_TERMS.some((t) => message.includes(t));
}
