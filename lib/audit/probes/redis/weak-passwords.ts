/**
 * The opt-in weak-password trial on Redis (`redis[].probe.weakPasswords`): for each user, a
 * separate connection that first logs in as the audit user, then sends `AUTH USER CANDIDATE`
 * for the random canary and each candidate of the fixed list (lib/audit/probes/weak-passwords.ts),
 * paced. A failed AUTH leaves the connection logged in as the audit user, so Redis's ACL log
 * records these attempts with `user=AUDITOR` in their client info — which is how
 * redis-access-attempts tells the trial from a stranger's guessing. A successful AUTH ends
 * that user's trial at once (the connection is closed without a command).
 */
import { tokenize } from "../../model/redis/acl-rules.js";
import {
  canaryPassword,
  candidatesFor,
  pacer,
  WEAK_PASSWORD_MAX_USERS,
  WEAK_PASSWORD_PACE_MS,
  WEAK_PASSWORDS,
  type WeakPasswordObservation,
  type WeakPasswordUser,
} from "../weak-passwords.js";
import { type ConnectOptions, RespConnection } from "./connection.js";
import { errorCode, replyLine } from "./resp.js";
import type { RedisAclObservation } from "./types.js";
import { endpointSource, observationError } from "./unauthenticated.js";

/**
 * The users to try: the policy's admins and principals, and, from what the ACL read showed,
 * every enabled user that needs a password (`default` included). `nopass` users accept
 * anything (redis-nopass-user, redis-default-user-open); the audit user is not tried.
 */
export function redisTrialUsers(acl: RedisAclObservation, policyUsers: readonly string[], auditor: string): string[] {
  const users = new Set<string>(policyUsers);
  if (acl.defaultUser?.on && !acl.defaultUser.nopass) users.add("default");
  for (const line of acl.users ?? []) {
    const match = /^user (\S+)(?: (.*))?$/.exec(line);
    if (!match) continue;
    const tokens = tokenize(match[2] ?? "");
    if (tokens.includes("on") && !tokens.includes("nopass")) users.add(match[1] as string);
  }
  users.delete(auditor);
  return [...users];
}

export interface RedisTrialOptions {
  host: string;
  port: number;
  timeoutMs: number;
  tls?: ConnectOptions["tls"];
  /** The same promise as the audit session's: a reason here withholds the credentials from this connection too. */
  withhold?: ((handshake: RespConnection["handshake"]) => string | undefined) | undefined;
  /** The audit user and its (resolved) password: every trial connection logs in as it first. */
  auditor: { username: string; password: string };
  users: readonly string[];
  paceMs?: number;
}

export async function tryRedisWeakPasswords(options: RedisTrialOptions): Promise<WeakPasswordObservation> {
  const paceMs = Math.max(options.paceMs ?? WEAK_PASSWORD_PACE_MS, 0);
  const pace = pacer(paceMs);
  const tried = options.users.slice(0, WEAK_PASSWORD_MAX_USERS);
  const notTried = options.users.slice(WEAK_PASSWORD_MAX_USERS);
  const obs: WeakPasswordObservation = { listSize: WEAK_PASSWORDS.length, paceMs, users: [], ...(notTried.length ? { notTried } : {}) };
  for (const user of tried) obs.users.push(await tryUser(options, user, pace));
  return obs;
}

async function tryUser(options: RedisTrialOptions, user: string, pace: () => Promise<void>): Promise<WeakPasswordUser> {
  const { host, port, auditor } = options;
  const scrub = (text: string) => (auditor.password.length > 0 ? text.split(auditor.password).join("<redacted>") : text);
  let attempts = 0;
  let conn: RespConnection | undefined;
  try {
    conn = await RespConnection.open({ host, port, timeoutMs: options.timeoutMs, ...(options.tls ? { tls: options.tls } : {}) });
    const withheld = options.withhold?.(conn.handshake);
    if (withheld)
      return {
        user,
        outcome: "error",
        attempts,
        error: { source: endpointSource(host, port, "AUTH"), reason: withheld, code: "CredentialsWithheld" },
      };
    const login = await conn.command(
      auditor.username === "default" ? ["AUTH", auditor.password] : ["AUTH", auditor.username, auditor.password],
    );
    if (login.kind === "error") {
      return {
        user,
        outcome: "error",
        attempts,
        error: {
          source: endpointSource(host, port, "AUTH"),
          reason: `the audit user could not log in: ${scrub(replyLine(login))}`,
          code: "AuthFailed",
        },
      };
    }
    // The candidates are public; only the audit user's password is scrubbed from what is recorded.
    for (const [i, candidate] of [canaryPassword(), ...candidatesFor(user, { empty: true })].entries()) {
      await pace();
      attempts++;
      const reply = await conn.command(["AUTH", user, candidate]);
      if (reply.kind === "simple" && reply.value === "OK") return { user, outcome: i === 0 ? "any-password" : "weak", attempts };
      const code = errorCode(reply);
      if (code === "WRONGPASS" || code === "ERR") continue;
      return {
        user,
        outcome: "error",
        attempts,
        error: { source: endpointSource(host, port, "AUTH"), reason: `AUTH answered ${scrub(replyLine(reply))}`, code: code ?? "BadReply" },
      };
    }
    return { user, outcome: "strong", attempts };
  } catch (err) {
    const error = observationError(endpointSource(host, port, "AUTH"), err);
    error.reason = scrub(error.reason);
    return { user, outcome: "error", attempts, error };
  } finally {
    conn?.close();
  }
}
