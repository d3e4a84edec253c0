/**
 * Reading the `default` user out of `ACL GETUSER default` or `ACL LIST` replies, with
 * every piece of password material (hashes, `>password` rules) removed before it can
 * become evidence.
 */
import type { RespReply } from "./resp.js";
import type { RedisDefaultUser } from "./types.js";

const REDACTED = "#<redacted>";

/** The reply shape was not what Redis sends; the audit records it rather than guessing. */
export class AclReplyError extends Error {
  override name = "AclReplyError";
}

function text(reply: RespReply | undefined): string | undefined {
  if (!reply) return undefined;
  if (reply.kind === "bulk" || reply.kind === "simple") return reply.value ?? undefined;
  return undefined;
}

function list(reply: RespReply | undefined): string[] {
  if (reply?.kind !== "array" || reply.value === null) return [];
  return reply.value.map((r) => text(r)).filter((s): s is string => s !== undefined);
}

/** A password-bearing ACL token: `#hash`, `>password`, `<password`, `!hash`. */
function isSecretToken(token: string): boolean {
  return /^[#><!]/.test(token);
}

/**
 * `ACL GETUSER default`: a flat map (RESP2 array of name, value). Returns undefined for a
 * null reply (no such user). Redis 6.0 gives key patterns as a list, 7.x as one string.
 */
export function defaultUserFromGetUser(reply: RespReply): RedisDefaultUser | undefined {
  if (reply.kind === "array" && reply.value === null) return undefined;
  if (reply.kind === "bulk" && reply.value === null) return undefined;
  if (reply.kind !== "array" || reply.value === null) throw new AclReplyError(`ACL GETUSER replied with a ${reply.kind}, not a map`);
  const fields = new Map<string, RespReply>();
  for (let i = 0; i + 1 < reply.value.length; i += 2) {
    const name = text(reply.value[i]);
    const value = reply.value[i + 1];
    if (name !== undefined && value !== undefined) fields.set(name, value);
  }
  const flagsReply = fields.get("flags");
  if (flagsReply?.kind !== "array") throw new AclReplyError("ACL GETUSER reply has no flags");
  const flags = list(flagsReply);
  const passwords = list(fields.get("passwords"));
  const patterns = (name: string, prefix: string): string[] => {
    const value = fields.get(name);
    if (!value) return [];
    const single = text(value);
    if (single !== undefined) return single === "" ? [] : [single];
    return list(value).map((p) => (p.startsWith(prefix) ? p : `${prefix}${p}`));
  };
  const commands = text(fields.get("commands"));
  const raw = [
    ...flags,
    ...passwords.map(() => REDACTED),
    ...patterns("keys", "~"),
    ...patterns("channels", "&"),
    ...(commands ? [commands] : []),
  ]
    .filter((t) => t !== "")
    .join(" ");
  return { on: flags.includes("on"), nopass: flags.includes("nopass"), raw };
}

/** `ACL LIST`: one `user NAME rules…` line per user. Returns undefined when `default` is absent. */
export function defaultUserFromAclList(reply: RespReply): RedisDefaultUser | undefined {
  if (reply.kind !== "array" || reply.value === null) throw new AclReplyError(`ACL LIST replied with a ${reply.kind}, not a list`);
  const line = list(reply).find((l) => l.startsWith("user default ") || l === "user default");
  if (line === undefined) return undefined;
  const rules = line.split(/\s+/).slice(2);
  const onOff = rules.filter((t) => t === "on" || t === "off").pop();
  return {
    on: onOff === "on",
    nopass: rules.includes("nopass"),
    raw: rules.map((t) => (isSecretToken(t) ? REDACTED : t)).join(" "),
  };
}
