/**
 * The Redis / Valkey live probe: for each `redis[]` target, what a stranger on the network
 * sees (TLS or not, PING without credentials, plaintext where TLS is required) and, with
 * audit credentials, what the `default` user's ACL says.
 *
 * Why a minimal RESP exchange over node:net / node:tls rather than the `redis` client:
 * the unauthenticated PING and the plaintext attempt must see the server's raw first
 * reply (`-NOAUTH`, `-NOPERM`, or bytes that are not RESP at all) on a socket whose TLS
 * handshake the probe inspects, and must never auto-AUTH, reconnect, retry, queue
 * offline commands or send a client-info handshake. node-redis does all of those by
 * design (its connect sends AUTH/HELLO and `CLIENT SETINFO`, reconnects by default, and
 * surfaces failures as its own error types). The authenticated part could use it, but it
 * is three commands on the same transport; using one code path for every connection keeps
 * the guarantees checkable in one place: exactly which commands are sent (PING, AUTH,
 * ACL GETUSER, ACL LIST), the deadline on every step, and that credentials only go over a
 * connection whose security the probe just inspected.
 */
import { readFile } from "node:fs/promises";
import { targetLocation } from "../../config/location.js";
import type { RedisTarget } from "../../config/schema.js";
import type { CredentialDeps } from "../credentials.js";
import { WEAK_PASSWORD_PACE_MS, WEAK_PASSWORDS } from "../weak-passwords.js";
import { ACL_LOG_READ_LIMIT } from "./acl-log.js";
import { readAuthenticated } from "./authenticated.js";
import { mapBounded } from "./bounded.js";
import { RedisConnectionError, RespConnection } from "./connection.js";
import type { RedisObservation, RedisTlsObservation, RedisTransport, RedisUnauthenticatedObservation } from "./types.js";
import { endpointSource, observationError, plaintextVerdict, unauthenticatedPing } from "./unauthenticated.js";

export interface RedisProbeDeps {
  /** How passwords are resolved (environment, Secrets Manager client). */
  credentials?: CredentialDeps;
  /** Targets probed at the same time. @default 4 */
  concurrency?: number;
  /** Reads `caFile`. @default fs.readFile */
  readFile?: (path: string) => Promise<Buffer>;
  /**
   * Access attempts are audited (the config has `logs:`): read `ACL LOG` on the
   * authenticated session of every target with credentials. @default false
   */
  aclLog?: boolean;
  /** The pause between weak-password attempts; tests only (the documented pace is the default). */
  weakPasswordPaceMs?: number;
}

export async function probeRedis(targets: readonly RedisTarget[], deps: RedisProbeDeps = {}): Promise<RedisObservation[]> {
  return mapBounded(targets, deps.concurrency ?? 4, async (target) => {
    try {
      return await probeTarget(target, deps);
    } catch (err) {
      // A bug here must not sink the other targets, nor pass for a clean endpoint.
      const { host, port } = target.endpoint;
      return {
        target: target.name,
        host,
        port,
        error: observationError(endpointSource(host, port), err),
        tls: { attempted: false, spoken: false, verified: false, trust: target.caFile ? { caFile: target.caFile } : "system" },
        unauthenticated: { outcome: "error" },
      };
    }
  });
}

type Connected = { conn: RespConnection } | { error: unknown };

async function connect(host: string, port: number, timeoutMs: number, ca?: Buffer | "default"): Promise<Connected> {
  try {
    const tls = ca === undefined ? undefined : ca === "default" ? {} : { ca };
    return { conn: await RespConnection.open({ host, port, timeoutMs, ...(tls ? { tls } : {}) }) };
  } catch (error) {
    return { error };
  }
}

async function pingOn(
  connected: Connected,
  transport: RedisTransport,
  host: string,
  port: number,
): Promise<RedisUnauthenticatedObservation> {
  if ("error" in connected) return { outcome: "error", transport, error: observationError(endpointSource(host, port), connected.error) };
  try {
    return await unauthenticatedPing(connected.conn, transport, host, port);
  } finally {
    connected.conn.close();
  }
}

async function probeTarget(target: RedisTarget, deps: RedisProbeDeps): Promise<RedisObservation> {
  const { host, port } = target.endpoint;
  const timeoutMs = target.timeoutSeconds * 1000;
  const tlsObs: RedisTlsObservation = {
    attempted: true,
    spoken: false,
    verified: false,
    trust: target.caFile ? { caFile: target.caFile } : "system",
  };

  let ca: Buffer | "default" = "default";
  let caProblem: string | undefined;
  if (target.caFile) {
    try {
      ca = await (deps.readFile ?? readFile)(target.caFile);
    } catch (err) {
      caProblem = `cannot read CA file ${target.caFile} (${(err as NodeJS.ErrnoException).code ?? "error"})`;
    }
  }

  const obs: RedisObservation = { target: target.name, host, port, tls: tlsObs, unauthenticated: { outcome: "error" } };
  const plaintextPort = target.plaintextPort ?? port;

  // TLS and plaintext are tried side by side, so a target costs at most one timeout: a
  // plaintext-only Redis never answers a TLS ClientHello (it waits for a newline) and the
  // handshake runs into its deadline. A PING without credentials is harmless on any port.
  const plaintextPing = async (p: number) => {
    const attempt = await connect(host, p, timeoutMs);
    return { attempt, ping: "conn" in attempt ? await pingOn(attempt, "plaintext", host, p) : undefined };
  };
  const [overTls, plainOnEndpoint, plainOnOtherPort] = await Promise.all([
    connect(host, port, timeoutMs, ca).then(async (connected) => ({
      connected,
      ping: "conn" in connected ? await pingOn(connected, "tls", host, port) : undefined,
    })),
    plaintextPing(port),
    target.tls === "required" && plaintextPort !== port ? plaintextPing(plaintextPort) : Promise.resolve(undefined),
  ]);

  let transport: RedisTransport = "tls";
  if ("conn" in overTls.connected) {
    const hs = overTls.connected.conn.handshake;
    tlsObs.spoken = true;
    if (hs?.protocol) tlsObs.protocol = hs.protocol;
    if (hs?.cipher) tlsObs.cipher = hs.cipher;
    tlsObs.verified = hs?.authorized === true && caProblem === undefined;
    const verifyError = caProblem ?? hs?.authorizationError;
    if (!tlsObs.verified && verifyError) tlsObs.verifyError = verifyError;
    obs.unauthenticated = overTls.ping ?? { outcome: "error", transport };
  } else {
    const err = overTls.connected.error;
    if (err instanceof RedisConnectionError && err.phase === "connect") {
      obs.error = observationError(endpointSource(host, port), err);
      obs.unauthenticated = { outcome: "error", error: obs.error };
    } else {
      tlsObs.error = observationError(endpointSource(host, port, "TLS handshake"), err);
      if (caProblem) tlsObs.verifyError = caProblem;
      transport = "plaintext";
      obs.unauthenticated = plainOnEndpoint.ping ?? (await pingOn(plainOnEndpoint.attempt, "plaintext", host, port));
    }
  }

  if (target.tls === "required") {
    const tried = plainOnOtherPort ?? plainOnEndpoint;
    const verdict = plaintextVerdict(plaintextPort, tried.attempt, tried.ping, host);
    // A refusal on a port that refuses everything says nothing about plaintext.
    obs.plaintext =
      obs.error && plaintextPort === port && verdict.outcome !== "accepted"
        ? { port, outcome: "error", detail: "the endpoint is unreachable", error: obs.error }
        : verdict;
  }

  if (target.credentials && obs.error) {
    obs.acl = { username: target.credentials.username, outcome: "error", error: obs.error };
    if (deps.aclLog) obs.aclLog = { outcome: "error", limit: ACL_LOG_READ_LIMIT, error: obs.error };
    if (target.probe?.weakPasswords) {
      obs.weakPasswords = { listSize: WEAK_PASSWORDS.length, paceMs: WEAK_PASSWORD_PACE_MS, users: [], error: obs.error };
    }
  } else if (target.credentials) {
    const read = await readAuthenticated({
      host,
      port,
      timeoutMs,
      transport,
      ...(transport === "tls" ? { tls: ca === "default" ? {} : { ca } } : {}),
      withhold: (hs) => credentialsWithheld(target, transport, hs, caProblem),
      credentials: target.credentials,
      location: targetLocation(target),
      readUsers: target.keys.length > 0,
      readAclLog: deps.aclLog === true,
      ...(target.probe?.weakPasswords
        ? {
            weakPasswords: {
              policyUsers: [...target.admins, ...Object.keys(target.principals)],
              ...(deps.weakPasswordPaceMs !== undefined ? { paceMs: deps.weakPasswordPaceMs } : {}),
            },
          }
        : {}),
      ...(deps.credentials ? { credentialDeps: deps.credentials } : {}),
    });
    obs.acl = read.acl;
    if (read.aclLog) obs.aclLog = read.aclLog;
    if (read.weakPasswords) obs.weakPasswords = read.weakPasswords;
  }
  return obs;
}

/**
 * Credentials go only over a connection at least as safe as the config demands: with
 * `tls: required`, TLS whose certificate verified (an unverified peer may be the very
 * interceptor TLS is there to stop). With `tls: optional` the operator accepted plaintext.
 */
function credentialsWithheld(
  target: RedisTarget,
  transport: RedisTransport,
  handshake: RespConnection["handshake"],
  caProblem: string | undefined,
): string | undefined {
  if (target.tls !== "required") return undefined;
  if (transport !== "tls" || !handshake) {
    return `credentials withheld: ${target.endpoint.host}:${target.endpoint.port} does not speak TLS and the target requires it`;
  }
  if (!handshake.authorized || caProblem) {
    const why = caProblem ?? handshake.authorizationError ?? "unknown reason";
    return `credentials withheld: the TLS certificate of ${target.endpoint.host}:${target.endpoint.port} did not verify (${why}); set caFile to the CA that signs it`;
  }
  return undefined;
}
