/**
 * What an operator with audit credentials learns: AUTH, then the `default` user's ACL
 * (`ACL GETUSER default`, else `ACL LIST`) and, when access attempts are audited,
 * `ACL LOG <count>`. Read-only: no other command is sent (never `ACL LOG RESET`).
 */

import { isDeepStrictEqual } from "node:util";
import type { TargetLocation } from "../../config/location.js";
import type { RedisTarget } from "../../config/schema.js";
import type { ObservationError } from "../../model/observation.js";
import { redactRules } from "../../model/redis/acl-rules.js";
import { BUNDLED_COMMANDS } from "../../model/redis/commands.js";
import { type CredentialDeps, CredentialError, resolvePassword } from "../credentials.js";
import { WEAK_PASSWORD_PACE_MS, WEAK_PASSWORDS, type WeakPasswordObservation } from "../weak-passwords.js";
import { AclReplyError, defaultUserFromAclList, defaultUserFromGetUser } from "./acl.js";
import { ACL_LOG_READ_LIMIT, AclLogReplyError, parseAclLog } from "./acl-log.js";
import { CommandInfoError, commandTableFromInfo } from "./command-info.js";
import { type ConnectOptions, RespConnection } from "./connection.js";
import { errorCode, type RespReply, replyLine } from "./resp.js";
import type { RedisAclLogObservation, RedisAclObservation, RedisTransport } from "./types.js";
import { endpointSource, observationError } from "./unauthenticated.js";
import { redisTrialUsers, tryRedisWeakPasswords } from "./weak-passwords.js";

type Credentials = NonNullable<RedisTarget["credentials"]>;

function sourceOf(password: Credentials["password"]): string {
  return "env" in password ? `env:${password.env}` : `secret:${password.secret}`;
}

/** Replaces every occurrence of the secret; a server should never echo it, but evidence must not depend on that. */
export function redact(text: string, secret: string): string {
  return secret.length > 0 ? text.split(secret).join("<redacted>") : text;
}

/** NOPERM, or a command the server does not offer (ElastiCache renames or removes some). */
function isForbidden(reply: RespReply): boolean {
  if (reply.kind !== "error") return false;
  return errorCode(reply) === "NOPERM" || /unknown (sub)?command|unknown command/i.test(reply.value);
}

export interface AclReadOptions {
  host: string;
  port: number;
  timeoutMs: number;
  transport: RedisTransport;
  tls?: ConnectOptions["tls"];
  /**
   * Called with the TLS handshake of the authenticated connection before AUTH is sent; a
   * returned reason withholds the credentials.
   */
  withhold?: (handshake: RespConnection["handshake"]) => string | undefined;
  credentials: Credentials;
  credentialDeps?: CredentialDeps;
  /** Where the endpoint lives: a secret given by name is looked up in that account and region. */
  location?: TargetLocation;
  /**
   * The target has an access policy: read every user (`ACL LIST`) and the server's command
   * table (`COMMAND INFO`, `ACL CAT`) instead of `ACL GETUSER default` alone.
   */
  readUsers?: boolean;
  /** Also read `ACL LOG` on the same session (access attempts are audited). */
  readAclLog?: boolean;
  /** The clock ACL log ages are turned into times with. @default Date.now */
  now?: () => number;
  /** Try the weak-password list (docs/weak-passwords.md) on separate connections, for these policy users and the ACL's. */
  weakPasswords?: { policyUsers: readonly string[]; paceMs?: number };
}

/** `user NAME rules…` with the rules' passwords and hashes redacted (the name is kept as it is). */
function redactListLine(line: string): string {
  const match = /^(user \S+)(?: (.*))?$/.exec(line);
  return match ? `${match[1]}${match[2] ? ` ${redactRules(match[2])}` : ""}` : redactRules(line);
}

function lines(reply: RespReply): string[] {
  if (reply.kind !== "array" || reply.value === null) throw new AclReplyError(`ACL LIST replied with a ${reply.kind}, not a list`);
  return reply.value.map((r) => (r.kind === "bulk" || r.kind === "simple" ? (r.value ?? "") : ""));
}

/** `ACL LIST` for every user, then the command table; the ACL is required, the table optional. */
async function readAllUsers(
  conn: RespConnection,
  base: Pick<RedisAclObservation, "username" | "transport">,
  host: string,
  port: number,
  password: string,
): Promise<RedisAclObservation> {
  const list = await conn.command(["ACL", "LIST"]);
  if (isForbidden(list)) return { ...base, outcome: "forbidden", reply: `ACL LIST: ${redact(replyLine(list), password)}` };
  if (list.kind === "error") {
    const line = redact(replyLine(list), password);
    return {
      ...base,
      outcome: "error",
      command: "ACL LIST",
      reply: line,
      error: { source: endpointSource(host, port, "ACL LIST"), reason: `ACL LIST failed: ${line}`, code: errorCode(list) ?? "ERR" },
    };
  }
  const users = lines(list).map((l) => redact(redactListLine(l), password));
  const defaultUser = defaultUserFromAclList(list);
  const observed: RedisAclObservation = { ...base, outcome: "read", command: "ACL LIST", users, ...(defaultUser ? { defaultUser } : {}) };

  const info = await conn.command(["COMMAND", "INFO"]);
  const categories = await conn.command(["ACL", "CAT"]);
  if (info.kind === "error" || categories.kind === "error") {
    const refused = info.kind === "error" ? `COMMAND INFO: ${replyLine(info)}` : `ACL CAT: ${replyLine(categories)}`;
    observed.commandsUnavailable = redact(refused, password);
    return observed;
  }
  try {
    const live = commandTableFromInfo(info, categories, `live COMMAND INFO of ${host}:${port}`);
    // The observation travels between Lambdas: a table equal to the bundled one is named, not carried.
    const same =
      isDeepStrictEqual(live.commands, BUNDLED_COMMANDS.commands) && isDeepStrictEqual(live.categories, BUNDLED_COMMANDS.categories);
    observed.commandsSource = same ? `${live.source} (the same as the bundled ${BUNDLED_COMMANDS.source})` : live.source;
    if (!same) observed.commands = live;
  } catch (err) {
    if (!(err instanceof CommandInfoError)) throw err;
    observed.commandsUnavailable = err.message;
  }
  return observed;
}

/** What the authenticated session observed: the ACL and, when asked, the ACL log. */
export interface AuthenticatedRead {
  acl: RedisAclObservation;
  aclLog?: RedisAclLogObservation;
  weakPasswords?: WeakPasswordObservation;
}

export async function readDefaultUserAcl(options: AclReadOptions): Promise<RedisAclObservation> {
  return (await readAuthenticated(options)).acl;
}

/** The ACL log could not be read because the session itself failed: the same cause, as an error. */
function aclLogNotRead(acl: RedisAclObservation, host: string, port: number): RedisAclLogObservation {
  const error =
    acl.error ??
    ({
      source: endpointSource(host, port, "AUTH"),
      reason: `the audit user ${acl.username} could not log in (${acl.reply ?? acl.outcome})`,
      code: "AuthFailed",
    } satisfies ObservationError);
  return { outcome: "error", limit: ACL_LOG_READ_LIMIT, error };
}

/**
 * `ACL LOG <limit>` on the authenticated session. Never `ACL LOG RESET`. NOPERM (the user
 * lacks `+acl|log`) is `forbidden`, with the permission to add in the error.
 */
async function readAclLog(
  conn: RespConnection,
  username: string,
  host: string,
  port: number,
  password: string,
  now: () => number,
): Promise<RedisAclLogObservation> {
  const limit = ACL_LOG_READ_LIMIT;
  const command = ["ACL", "LOG", String(limit)] as const;
  const reply = await conn.command(command);
  const source = endpointSource(host, port, "ACL LOG");
  if (isForbidden(reply)) {
    const line = redact(replyLine(reply), password);
    return {
      outcome: "forbidden",
      limit,
      reply: line,
      error: { source, reason: `the audit user ${username} may not read the ACL log (${line}): grant it +acl|log`, code: "Forbidden" },
    };
  }
  if (reply.kind === "error") {
    const line = redact(replyLine(reply), password);
    return { outcome: "error", limit, reply: line, error: { source, reason: `ACL LOG failed: ${line}`, code: errorCode(reply) ?? "ERR" } };
  }
  const readAtMs = now();
  try {
    return { outcome: "read", limit, readAt: new Date(readAtMs).toISOString(), entries: parseAclLog(reply, readAtMs) };
  } catch (err) {
    if (!(err instanceof AclLogReplyError)) throw err;
    return { outcome: "error", limit, error: { source, reason: err.message, code: "BadReply" } };
  }
}

export async function readAuthenticated(options: AclReadOptions): Promise<AuthenticatedRead> {
  const { host, port } = options;
  let password = "";
  let conn: RespConnection | undefined;
  const session = {
    open: async () => {
      conn = await RespConnection.open({ host, port, timeoutMs: options.timeoutMs, ...(options.tls ? { tls: options.tls } : {}) });
      return conn;
    },
    setPassword: (p: string) => {
      password = p;
    },
  };
  try {
    const acl = await readAclSession(options, session);
    const out: AuthenticatedRead = { acl };
    const loggedIn = conn !== undefined && acl.outcome !== "auth-failed" && !(acl.outcome === "error" && acl.command === undefined);
    if (options.readAclLog) {
      if (!loggedIn || !conn) out.aclLog = aclLogNotRead(acl, host, port);
      else {
        try {
          out.aclLog = await readAclLog(conn, options.credentials.username, host, port, password, options.now ?? Date.now);
        } catch (err) {
          const error = observationError(endpointSource(host, port, "ACL LOG"), err);
          error.reason = redact(error.reason, password);
          out.aclLog = { outcome: "error", limit: ACL_LOG_READ_LIMIT, error };
        }
      }
    }
    (conn as RespConnection | undefined)?.close();
    if (options.weakPasswords) {
      const username = options.credentials.username;
      out.weakPasswords = loggedIn
        ? await tryRedisWeakPasswords({
            host,
            port,
            timeoutMs: options.timeoutMs,
            tls: options.tls,
            withhold: options.withhold,
            auditor: { username, password },
            users: redisTrialUsers(acl, options.weakPasswords.policyUsers, username),
            ...(options.weakPasswords.paceMs !== undefined ? { paceMs: options.weakPasswords.paceMs } : {}),
          })
        : {
            listSize: WEAK_PASSWORDS.length,
            paceMs: WEAK_PASSWORD_PACE_MS,
            users: [],
            error: aclLogNotRead(acl, host, port).error as ObservationError,
          };
    }
    return out;
  } finally {
    (conn as RespConnection | undefined)?.close();
  }
}

async function readAclSession(
  options: AclReadOptions,
  session: { open: () => Promise<RespConnection>; setPassword: (p: string) => void },
): Promise<RedisAclObservation> {
  const { host, port, credentials, transport } = options;
  const username = credentials.username;
  const base: Pick<RedisAclObservation, "username" | "transport"> = { username, transport };

  let password = "";
  try {
    const conn = await session.open();
    const withheld = options.withhold?.(conn.handshake);
    if (withheld) {
      return {
        ...base,
        outcome: "error",
        error: { source: endpointSource(host, port, "AUTH"), reason: withheld, code: "CredentialsWithheld" },
      };
    }
    // Resolved only now: a secret the probe will not send is not fetched either.
    try {
      password = await resolvePassword(
        credentials.password,
        { host, port, user: username, ...(options.location ? { location: options.location } : {}) },
        options.credentialDeps ?? {},
      );
      session.setPassword(password);
    } catch (err) {
      const reason = err instanceof CredentialError ? err.message : "the password could not be resolved";
      const code = err instanceof CredentialError ? err.code : "CredentialError";
      return { ...base, outcome: "error", error: { source: sourceOf(credentials.password), reason, code } };
    }
    // One-argument AUTH for `default` also works on Redis 5 and ElastiCache AUTH-token clusters.
    const auth = await conn.command(username === "default" ? ["AUTH", password] : ["AUTH", username, password]);
    if (auth.kind === "error") return { ...base, outcome: "auth-failed", reply: redact(replyLine(auth), password) };

    if (options.readUsers) return await readAllUsers(conn, base, host, port, password);

    const forbidden: string[] = [];
    for (const command of [
      ["ACL", "GETUSER", "default"],
      ["ACL", "LIST"],
    ] as const) {
      const name = command.join(" ");
      const reply = await conn.command(command);
      if (isForbidden(reply)) {
        forbidden.push(`${name}: ${redact(replyLine(reply), password)}`);
        continue;
      }
      if (reply.kind === "error") {
        return {
          ...base,
          outcome: "error",
          command: name,
          reply: redact(replyLine(reply), password),
          error: {
            source: endpointSource(host, port, name),
            reason: `${name} failed: ${redact(replyLine(reply), password)}`,
            code: errorCode(reply) ?? "ERR",
          },
        };
      }
      const defaultUser = command[1] === "GETUSER" ? defaultUserFromGetUser(reply) : defaultUserFromAclList(reply);
      return { ...base, outcome: "read", command: name, ...(defaultUser ? { defaultUser } : {}) };
    }
    return { ...base, outcome: "forbidden", reply: forbidden.join("; ") };
  } catch (err) {
    const source = endpointSource(host, port, err instanceof AclReplyError ? "ACL" : "AUTH/ACL");
    const error = observationError(source, err);
    error.reason = redact(error.reason, password);
    return { ...base, outcome: "error", error };
  }
}
