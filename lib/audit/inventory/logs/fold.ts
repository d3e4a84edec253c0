/**
 * Folds log events into access-attempt counts as they arrive, page by page, so memory is
 * bounded by the number of distinct (who, where, what) keys, never by the number of events.
 */

import { WEAK_PASSWORD_TRIAL_DATABASE } from "../../model/weak-password-trial.js";
import { type PgLogEvent, parsePgLogLine } from "./pg-line.js";
import type { AccessAttempts, AuditedAccess, Connection, DeniedAccess, FailedLogin, Seen } from "./types.js";

/** Distinct keys kept per kind; past it, events are counted in `droppedEvents` (and reported). */
export const MAX_KEYS_PER_KIND = 2_000;

export interface RawLogEvent {
  timestamp?: number;
  message?: string;
}

/** While folding, first and last are epoch milliseconds (NaN when unknown); `result()` makes them ISO strings. */
type Folding<T extends Seen> = Omit<T, "first" | "last"> & { first: number; last: number };
type Keyed<T extends Seen> = Map<string, Folding<T>>;

export class AttemptFolder {
  private readonly failed: Keyed<FailedLogin> = new Map();
  private readonly connections: Keyed<Connection> = new Map();
  private readonly denied: Keyed<DeniedAccess> = new Map();
  private readonly audited: Keyed<AuditedAccess> = new Map();
  private dropped = 0;
  recognised = 0;

  constructor(private readonly maxKeys = MAX_KEYS_PER_KIND) {}

  /** One CloudWatch event: its line, its time (the event's timestamp, else the prefix's). */
  add(event: RawLogEvent): void {
    if (typeof event.message !== "string") return;
    const parsed = parsePgLogLine(event.message);
    if (!parsed) return;
    this.recognised++;
    if (!parsed.event) return;
    const time =
      typeof event.timestamp === "number" && Number.isFinite(event.timestamp) ? event.timestamp : Date.parse(parsed.line.time ?? "");
    const e = parsed.event;
    this.count(
      e.kind === "failed-login" && parsed.line.database === WEAK_PASSWORD_TRIAL_DATABASE ? { ...e, reason: "weak-password-trial" } : e,
      time,
    );
  }

  private count(e: PgLogEvent, time: number): void {
    switch (e.kind) {
      case "failed-login":
        this.bump(this.failed, [e.user, e.address, e.reason], time, () => ({ user: e.user, address: e.address, kind: e.reason }));
        break;
      case "connection":
        this.bump(this.connections, [e.user, e.database, e.address], time, () => ({
          user: e.user,
          database: e.database,
          address: e.address,
        }));
        break;
      case "denied":
        this.bump(this.denied, [e.user, e.database, e.address, e.objectKind, e.object], time, () => ({
          user: e.user,
          database: e.database,
          address: e.address,
          objectKind: e.objectKind,
          object: e.object,
        }));
        break;
      case "audited":
        this.bump(this.audited, [e.user, e.database, e.address, e.auditClass, e.object], time, () => ({
          user: e.user,
          database: e.database,
          address: e.address,
          auditClass: e.auditClass,
          object: e.object,
        }));
        break;
    }
  }

  private bump<T extends Seen>(map: Keyed<T>, key: string[], time: number, make: () => Omit<T, keyof Seen>): void {
    const k = key.join("\u0000");
    const seen = map.get(k);
    if (seen) {
      seen.count++;
      if (!(time >= seen.first)) seen.first = Number.isNaN(seen.first) ? time : Math.min(seen.first, time);
      if (!(time <= seen.last)) seen.last = Number.isNaN(seen.last) ? time : Math.max(seen.last, time);
      return;
    }
    if (map.size >= this.maxKeys) {
      this.dropped++;
      return;
    }
    map.set(k, { ...make(), count: 1, first: time, last: time } as Folding<T>);
  }

  result(): AccessAttempts {
    const iso = (ms: number) => (Number.isNaN(ms) ? "" : new Date(ms).toISOString());
    const byCount = <T extends Seen>(m: Keyed<T>): T[] =>
      [...m.values()]
        .sort((a, b) => b.count - a.count || a.first - b.first)
        .map((x) => ({ ...x, first: iso(x.first), last: iso(x.last) }) as unknown as T);
    return {
      failedLogins: byCount(this.failed),
      connections: byCount(this.connections),
      denied: byCount(this.denied),
      audited: byCount(this.audited),
      droppedEvents: this.dropped,
    };
  }
}

/** The counts of a whole list of events (the offline reader, tests). */
export function foldEvents(events: Iterable<RawLogEvent>): { attempts: AccessAttempts; recognised: number } {
  const folder = new AttemptFolder();
  for (const e of events) folder.add(e);
  return { attempts: folder.result(), recognised: folder.recognised };
}
