/**
 * Reading `ACL LOG <count>`: Redis's (and Valkey's) ring of recent ACL security events —
 * failed AUTH/HELLO (`auth`), denied commands (`command`), keys (`key`) and channels
 * (`channel`). Redis groups similar events (same reason, context, object and username,
 * less than 60 s apart) into one entry with a `count`, keeps the client info of the last
 * one, and drops the least recently updated entry past `acllog-max-len` (default 128).
 *
 * Each entry is a flat RESP2 map. Redis 6.0–7.0 give count, reason, context, object,
 * username, age-seconds and client-info; 7.2 and Valkey add entry-id (a sequence number
 * since the server started, which tells how many entries are gone), timestamp-created
 * and timestamp-last-updated (epoch milliseconds). Times are computed from the relative
 * `age-seconds` against the probe's own clock, so a server clock that is off does not
 * move them; the creation time from the difference of the two timestamps.
 *
 * The probe never sends `ACL LOG RESET`: the log is the operator's evidence, not ours.
 */
import type { RespReply } from "./resp.js";
import type { RedisAclLogEntry } from "./types.js";

/** Entries asked for: above any common `acllog-max-len` (default 128), and a bound on what one reply can hold. */
export const ACL_LOG_READ_LIMIT = 1000;

/** The reply shape was not what Redis sends. */
export class AclLogReplyError extends Error {
  override name = "AclLogReplyError";
}

function scalar(reply: RespReply | undefined): string | number | undefined {
  if (!reply) return undefined;
  if (reply.kind === "integer") return reply.value;
  if (reply.kind === "bulk" || reply.kind === "simple") return reply.value ?? undefined;
  return undefined;
}

function num(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** `id=7 addr=127.0.0.1:35956 … name= … user=auditor …`: the fields the audit keeps. */
export function clientInfoFields(info: string): { addr?: string; name?: string; user?: string } {
  const out: { addr?: string; name?: string; user?: string } = {};
  for (const part of info.split(" ")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (key === "addr") out.addr = value;
    else if (key === "name" && value !== "") out.name = value;
    else if (key === "user") out.user = value;
  }
  return out;
}

/** The address without its port: `10.0.0.5:51234` → `10.0.0.5`, `[::1]:6379` → `::1`. */
export function addressOf(addr: string | undefined): string {
  if (!addr) return "";
  const bracket = /^\[(.*)\]:\d+$/.exec(addr);
  if (bracket) return bracket[1] as string;
  const colon = addr.lastIndexOf(":");
  return colon > 0 && addr.indexOf(":") === colon ? addr.slice(0, colon) : addr;
}

/** One `ACL LOG` reply into entries, with their times against `readAtMs`. */
export function parseAclLog(reply: RespReply, readAtMs: number): RedisAclLogEntry[] {
  if (reply.kind !== "array" || reply.value === null) throw new AclLogReplyError(`ACL LOG replied with a ${reply.kind}, not a list`);
  return reply.value.map((item, index) => {
    if (item.kind !== "array" || item.value === null || item.value.length % 2 !== 0) {
      throw new AclLogReplyError(`ACL LOG entry ${index} is a ${item.kind}, not a map`);
    }
    const fields = new Map<string, string | number>();
    for (let i = 0; i < item.value.length; i += 2) {
      const key = scalar(item.value[i]);
      const value = scalar(item.value[i + 1]);
      if (typeof key === "string" && value !== undefined) fields.set(key, value);
    }
    const text = (k: string) => {
      const v = fields.get(k);
      return v === undefined ? undefined : String(v);
    };
    const count = num(fields.get("count"));
    const age = num(fields.get("age-seconds"));
    const reason = text("reason");
    if (count === undefined || age === undefined || reason === undefined) {
      throw new AclLogReplyError(`ACL LOG entry ${index} lacks count, reason or age-seconds`);
    }
    const lastMs = Math.round(readAtMs - age * 1000);
    const created = num(fields.get("timestamp-created"));
    const updated = num(fields.get("timestamp-last-updated"));
    const entryId = num(fields.get("entry-id"));
    const info = text("client-info");
    const client = info ? clientInfoFields(info) : {};
    const entry: RedisAclLogEntry = {
      count,
      reason,
      context: text("context") ?? "",
      object: text("object") ?? "",
      username: text("username") ?? "",
      ageSeconds: age,
      last: new Date(lastMs).toISOString(),
      ...(created !== undefined && updated !== undefined && updated >= created
        ? { first: new Date(lastMs - (updated - created)).toISOString() }
        : {}),
      ...(entryId !== undefined ? { entryId } : {}),
      ...(client.addr !== undefined ? { clientAddr: client.addr } : {}),
      ...(client.name !== undefined ? { clientName: client.name } : {}),
      ...(client.user !== undefined ? { clientUser: client.user } : {}),
    };
    return entry;
  });
}

/**
 * How many entries the log no longer holds, when the server says (entry ids, Redis 7.2+ and
 * Valkey): ids count every entry since the server started, so the highest id + 1 minus the
 * entries held were dropped by the ring (or an `ACL LOG RESET`). Undefined when unknown.
 */
export function entriesGone(entries: readonly RedisAclLogEntry[]): number | undefined {
  if (entries.length === 0) return undefined;
  let max = -1;
  for (const e of entries) {
    if (e.entryId === undefined) return undefined;
    if (e.entryId > max) max = e.entryId;
  }
  return Math.max(0, max + 1 - entries.length);
}
