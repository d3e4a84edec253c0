/**
 * What was read from a database's own log over a period, folded into counts: who failed to
 * log in and from where, who connected, who was refused a queue object, and what pgAudit
 * recorded. Plain data; the live collector and the offline reader build it the same way
 * (lib/audit/inventory/logs/), and the access-attempt checks judge it.
 */

/** How often something was seen, and when first and last (ISO 8601). */
export interface Seen {
  count: number;
  first: string;
  last: string;
}

/**
 * Why a login failed: a wrong password (or IAM token), no pg_hba.conf line admits it, or another
 * method's refusal; `weak-password-trial` when the line names the trial's database (the
 * auditor's own opt-in trial, docs/weak-passwords.md, or someone imitating it).
 */
export type FailedLoginKind = "password" | "no-hba-entry" | "hba-reject" | "role-missing" | "other" | "weak-password-trial";

export interface FailedLogin extends Seen {
  /** As the client sent it: attacker-chosen, never shown raw. */
  user: string;
  /** The client's address, without its port; "" when the log does not say. */
  address: string;
  kind: FailedLoginKind;
}

export interface Connection extends Seen {
  user: string;
  database: string;
  address: string;
}

export interface DeniedAccess extends Seen {
  user: string;
  database: string;
  address: string;
  /** `table`, `sequence`, `schema`, … as the message says it (`relation` before PostgreSQL 11 reads as table). */
  objectKind: string;
  /** As the message names it: PostgreSQL names a table without its schema. */
  object: string;
}

export interface AuditedAccess extends Seen {
  user: string;
  database: string;
  address: string;
  /** pgAudit's class: READ, WRITE, … */
  auditClass: string;
  /** Schema-qualified, as pgAudit writes it. */
  object: string;
}

export interface AccessAttempts {
  failedLogins: FailedLogin[];
  connections: Connection[];
  denied: DeniedAccess[];
  audited: AuditedAccess[];
  /** Distinct (user, address, …) keys dropped because the summary reached its bound; their events are counted here. */
  droppedEvents: number;
}

/** A bound the read reached before the period's end: what was read is partial. */
export interface LogReadBound {
  kind: "events" | "bytes" | "seconds";
  limit: number;
}

/** One log group read over [since, until). */
export interface LogGroupRead {
  logGroupName: string;
  since: string;
  until: string;
  /** Events and message bytes read, pages fetched. */
  events: number;
  bytes: number;
  pages: number;
  /** Events whose line had the RDS prefix and a message this reader knows (of any kind). */
  recognised: number;
  attempts: AccessAttempts;
  /** Set when a bound stopped the read early. */
  bound?: LogReadBound;
  /**
   * The raw events, kept only when the caller asks (snapshot), so `snapshot` can write the
   * AWS CLI's `filter-log-events` output. The audit itself keeps only the counts.
   */
  raw?: { logStreamName?: string; timestamp?: number; message?: string; ingestionTime?: number; eventId?: string }[];
}

/** Where RDS exports a PostgreSQL instance's or cluster's `postgresql` log (CloudWatch Logs). */
export function rdsPostgresLogGroup(kind: "instance" | "cluster", id: string): string {
  return `/aws/rds/${kind}/${id}/postgresql`;
}

const BOUND_WHAT = { events: "events", bytes: "bytes of messages", seconds: "seconds of reading" } as const;

/** One sentence for a read a bound stopped early (`logs.maxEvents`, `logs.maxBytes`, `logs.maxSeconds`). */
export function logReadBoundReason(read: Pick<LogGroupRead, "bound" | "events" | "since" | "logGroupName">): string {
  const b = read.bound;
  if (!b) return "";
  const key = { events: "maxEvents", bytes: "maxBytes", seconds: "maxSeconds" }[b.kind];
  return `the read of ${read.logGroupName} stopped at ${b.limit} ${BOUND_WHAT[b.kind]} (logs.${key}) after ${read.events} events, before the period's end: raise logs.${key} or audit more often`;
}
