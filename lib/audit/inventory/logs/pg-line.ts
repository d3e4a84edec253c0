/**
 * PostgreSQL log lines as RDS and Aurora write them: `log_line_prefix` is fixed by RDS to
 * `%t:%r:%u@%d:[%p]:` (time, remote host(port), user@database, process id), then the
 * severity and the message. Only the messages that say who tried to reach the database are
 * recognised; everything else parses to `undefined`. Wording checked against PostgreSQL
 * 13–18 (src/backend/libpq/auth.c, src/backend/utils/init/postinit.c, aclchk.c) and pgAudit.
 *
 * Names inside messages (user, database, table) are whatever the client sent: they are
 * kept as data here and escaped by whoever shows them.
 */
import type { FailedLoginKind } from "./types.js";

export type PgLogEvent =
  | { kind: "failed-login"; reason: FailedLoginKind; user: string; address: string }
  | { kind: "connection"; user: string; database: string; address: string }
  | { kind: "denied"; objectKind: string; object: string; user: string; database: string; address: string }
  | { kind: "audited"; auditClass: string; object: string; user: string; database: string; address: string };

export interface PgLogLine {
  /** The prefix's time as ISO 8601, when it could be read. */
  time?: string;
  /** Remote host without its port; "" for local or not yet known. */
  address: string;
  user: string;
  database: string;
  pid: number;
  severity: string;
  message: string;
}

const SEVERITIES = "DEBUG[1-5]?|INFO|NOTICE|WARNING|ERROR|LOG|FATAL|PANIC|DETAIL|HINT|STATEMENT|CONTEXT|QUERY|LOCATION";

/** `%t:` — `2024-05-01 10:00:00 UTC:` (fractional seconds and other zone names tolerated). */
const TIME = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Za-z][A-Za-z0-9+-]*)?):/;
/** `%r:` — `10.0.0.5(53422):`, `2001:db8::7(5432):`, `[local]:`, or empty before the client is known. */
const REMOTE = /^(\[local\]|[^()\s]*\(\d+\)|):/;
/** `:[%p]:SEVERITY:` and the spaces before the message: the end of the prefix. */
const PID_SEVERITY = new RegExp(`:\\[(\\d+)\\]:(${SEVERITIES}):\\s+`);

/** `10.0.0.5(53422)` → `10.0.0.5`; `[local]` and empty → "". */
export function addressOf(remote: string): string {
  if (remote === "[local]" || remote === "") return "";
  return remote.replace(/\(\d+\)$/, "");
}

let lastTimeText = "";
let lastTime: string | undefined;

/** The prefix's `%t` (`2024-05-01 10:00:00 UTC`, `… 10:00:00.123 UTC`) as ISO 8601; only UTC and GMT are read. */
export function prefixTime(t: string): string | undefined {
  // Consecutive lines mostly share their second: one conversion serves them all.
  if (t === lastTimeText) return lastTime;
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?)(?: (UTC|GMT))?$/.exec(t);
  const d = m ? new Date(`${m[1]}T${m[2]}Z`) : undefined;
  lastTimeText = t;
  lastTime = d && !Number.isNaN(d.getTime()) ? d.toISOString() : undefined;
  return lastTime;
}

const unknown = (v: string) => (v === "[unknown]" ? "" : v);

/**
 * `2024-05-01 10:00:00 UTC:10.0.0.5(53422):app@db:[123]:FATAL:  …`. Read piece by piece
 * (no regex spans the whole line, so a long or hostile line costs linear time). The user may
 * hold `@` or `:` (a failed login's user is the client's choice): user and database are split
 * at the last `@` before the `:[PID]:SEVERITY:` that ends the prefix, and the message's own
 * copy of the user is preferred where it has one.
 */
export function parsePrefix(raw: string): PgLogLine | undefined {
  const line = raw.endsWith("\n") ? raw.slice(0, raw.endsWith("\r\n") ? -2 : -1) : raw;
  const t = TIME.exec(line);
  if (!t) return undefined;
  let rest = line.slice(t[0].length);
  const r = REMOTE.exec(rest);
  if (!r) return undefined;
  rest = rest.slice(r[0].length);
  const tail = PID_SEVERITY.exec(rest);
  if (!tail) return undefined;
  const who = rest.slice(0, tail.index);
  const at = who.lastIndexOf("@");
  if (at < 0) return undefined;
  const time = prefixTime(t[1] ?? "");
  return {
    ...(time ? { time } : {}),
    address: addressOf(r[1] ?? ""),
    user: unknown(who.slice(0, at)),
    database: unknown(who.slice(at + 1)),
    pid: Number(tail[1]),
    severity: tail[2] ?? "",
    message: rest.slice(tail.index + tail[0].length),
  };
}

// --- messages ---------------------------------------------------------------------------

/** `password authentication failed for user "x"` (13–18); also `PAM` (RDS IAM tokens), `LDAP`, `Ident`, `certificate`, `RADIUS`, `GSSAPI`, `SSPI`. */
const AUTH_FAILED = /^(?:(password|PAM|LDAP|Ident|certificate|RADIUS|GSSAPI|SSPI|peer|BSD) )?authentication failed for user "(.*)"\s*$/s;
/**
 * `no pg_hba.conf entry for host "h", user "u", database "d", SSL off` (13),
 * `…, database "d", no encryption` / `SSL encryption` / `GSS encryption` (14–18);
 * `no pg_hba.conf entry for replication connection from host "h", user "u", …`.
 */
const NO_HBA =
  /^no pg_hba\.conf entry for (?:replication connection from )?host "(.*?)", user "(.*?)"(?:, database "(.*)")?, (?:SSL (?:on|off)|no encryption|SSL encryption|GSS encryption)\s*$/s;
/** `pg_hba.conf rejects connection for host "h", user "u", database "d", …` and its replication form. */
const HBA_REJECT =
  /^pg_hba\.conf rejects (?:replication )?connection for host "(.*?)", user "(.*?)"(?:, database "(.*)")?, (?:SSL (?:on|off)|no encryption|SSL encryption|GSS encryption)\s*$/s;
/** `role "x" does not exist` (FATAL at connection, under trust/peer-like methods). */
const ROLE_MISSING = /^role "(.*)" does not exist\s*$/s;
/**
 * `connection authorized: user=u database=d application_name=a SSL enabled (…)` (13–18; the
 * application name from 12, `compression=` inside the SSL part until 13);
 * `replication connection authorized: user=u …`.
 */
const AUTHORIZED =
  /^(?:replication )?connection authorized: user=(.*?)(?: database=(.*?))?(?: application_name=.*?)?(?: (?:SSL|GSS) enabled.*)?$/s;
/** `permission denied for table t` (11–18), `relation` before 11; sequence, schema, function, … */
const DENIED =
  /^permission denied for (table|relation|sequence|schema|view|materialized view|foreign table|function|procedure|database|large object|type|column) (.*?)\s*$/s;
/** pgAudit: `AUDIT: SESSION|OBJECT,statement,substatement,CLASS,COMMAND,OBJECT_TYPE,OBJECT_NAME,STATEMENT,PARAMETER`. */
const AUDIT = /^AUDIT: (SESSION|OBJECT),(\d+),(\d+),([A-Z]+),(.*)$/s;

/** The first `count` fields of a CSV record (pgAudit quotes fields holding commas or quotes). */
function csvFields(text: string, count: number): string[] {
  const out: string[] = [];
  let i = 0;
  while (out.length < count && i <= text.length) {
    if (text[i] === '"') {
      let value = "";
      i++;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') {
          value += '"';
          i += 2;
        } else if (text[i] === '"') {
          i++;
          break;
        } else value += text[i++];
      }
      out.push(value);
      i++; // the comma
    } else {
      const comma = text.indexOf(",", i);
      const end = comma === -1 ? text.length : comma;
      out.push(text.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/** The access events one line says; undefined for the many lines that say none. */
export function parsePgLogLine(line: string): { line: PgLogLine; event: PgLogEvent } | { line: PgLogLine; event?: undefined } | undefined {
  const parsed = parsePrefix(line);
  if (!parsed) return undefined;
  const { message, severity } = parsed;
  const at = { address: parsed.address, user: parsed.user, database: parsed.database };
  if (severity === "FATAL") {
    let m = AUTH_FAILED.exec(message);
    if (m) {
      const method = m[1] ?? "";
      return {
        line: parsed,
        event: {
          kind: "failed-login",
          reason: method === "password" || method === "PAM" ? "password" : "other",
          user: m[2] ?? "",
          address: at.address,
        },
      };
    }
    m = NO_HBA.exec(message);
    if (m) return { line: parsed, event: { kind: "failed-login", reason: "no-hba-entry", user: m[2] ?? "", address: m[1] ?? at.address } };
    m = HBA_REJECT.exec(message);
    if (m) return { line: parsed, event: { kind: "failed-login", reason: "hba-reject", user: m[2] ?? "", address: m[1] ?? at.address } };
    m = ROLE_MISSING.exec(message);
    if (m) return { line: parsed, event: { kind: "failed-login", reason: "role-missing", user: m[1] ?? "", address: at.address } };
    return { line: parsed };
  }
  if (severity === "LOG") {
    const m = AUTHORIZED.exec(message);
    if (m)
      return { line: parsed, event: { kind: "connection", user: m[1] ?? at.user, database: m[2] ?? at.database, address: at.address } };
    const audit = AUDIT.exec(message);
    if (audit) {
      // COMMAND, OBJECT_TYPE, OBJECT_NAME: the third is the object.
      const [, , objectName = ""] = csvFields(audit[5] ?? "", 3);
      return { line: parsed, event: { kind: "audited", auditClass: audit[4] ?? "", object: objectName, ...at } };
    }
    return { line: parsed };
  }
  if (severity === "ERROR") {
    const m = DENIED.exec(message);
    if (m) {
      const objectKind = m[1] === "relation" ? "table" : (m[1] ?? "");
      return { line: parsed, event: { kind: "denied", objectKind, object: m[2] ?? "", ...at } };
    }
  }
  return { line: parsed };
}
