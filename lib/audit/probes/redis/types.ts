import type { ObservationError } from "../../model/observation.js";
import type { CommandTable } from "../../model/redis/commands.js";
import type { WeakPasswordObservation } from "../../model/weak-password-trial.js";

/**
 * What the Redis probe observed of one `redis[]` target. Plain JSON-able data: it travels
 * from the probe Lambda to the evaluating one unchanged. Nothing in here is ever a
 * credential: replies are recorded with any credential text redacted, and ACL rules with
 * their password hashes removed.
 */
export interface RedisObservation {
  /** The config target's `name`. */
  target: string;
  host: string;
  port: number;
  /**
   * Set when the endpoint itself (host:port) could not be reached at all, so none of the
   * parts below say anything. A positive observation elsewhere (a plaintext port that
   * answered) still stands beside it.
   */
  error?: ObservationError;
  tls: RedisTlsObservation;
  /** A PING on a connection that sent no credentials. */
  unauthenticated: RedisUnauthenticatedObservation;
  /** Only where the target says `tls: required`: a PING over plaintext. */
  plaintext?: RedisPlaintextObservation;
  /** Only where the target has `credentials`: AUTH, then the `default` user's ACL. */
  acl?: RedisAclObservation;
  /**
   * Only where the target has `credentials` and access attempts are audited (`logs:`):
   * `ACL LOG <limit>` on the authenticated session.
   */
  aclLog?: RedisAclLogObservation;
  /** Only with `probe.weakPasswords: true`: the trial of the documented list (docs/weak-passwords.md). */
  weakPasswords?: WeakPasswordObservation;
}

/** One `ACL LOG` entry: a group of similar security events (docs/access-attempts.md). */
export interface RedisAclLogEntry {
  /** Events grouped in this entry. */
  count: number;
  /** `auth`, `command`, `key`, `channel` (as the server says it). */
  reason: string;
  /** `toplevel`, `multi`, `lua`, `script`, `module`. */
  context: string;
  /** The command, key or channel denied; `AUTH` for a failed login. */
  object: string;
  /** The user that ran the command, or the name a failed AUTH tried: chosen by the client, never shown raw. */
  username: string;
  ageSeconds: number;
  /** When the entry was last updated (ISO 8601): the probe's read time minus `age-seconds`. */
  last: string;
  /** When it was created (Redis 7.2+ / Valkey: from timestamp-created and -last-updated); absent before. */
  first?: string;
  /** Redis 7.2+ / Valkey: the entry's sequence number since the server started. */
  entryId?: number;
  /** client-info of the last client of the group: `addr` (ip:port), `name`, and the user the connection was logged in as. */
  clientAddr?: string;
  clientName?: string;
  clientUser?: string;
}

export interface RedisAclLogObservation {
  /**
   * - `read`: the log was read (`entries`, possibly empty);
   * - `forbidden`: NOPERM (the audit user lacks `+acl|log`) or the command is unknown/renamed;
   * - `error`: not read at all: unreachable, credentials refused or withheld, a bad reply.
   */
  outcome: "read" | "forbidden" | "error";
  /** The `count` sent (`ACL LOG <limit>`). */
  limit: number;
  /** When the reply arrived (ISO 8601, the probe's clock): entry times are computed against it. */
  readAt?: string;
  /** Newest first, as the server lists them. */
  entries?: RedisAclLogEntry[];
  /** The refusing reply, for `forbidden`. */
  reply?: string;
  error?: ObservationError;
}

export interface RedisTlsObservation {
  /** Whether a TLS handshake was tried on the endpoint port (always, today). */
  attempted: boolean;
  /** The endpoint completed a TLS handshake. */
  spoken: boolean;
  /** Negotiated protocol, e.g. `TLSv1.3`. */
  protocol?: string;
  cipher?: string;
  /** The certificate chain and host name verified against the trust anchors below. */
  verified: boolean;
  /** OpenSSL/Node's reason when it did not, e.g. `SELF_SIGNED_CERT_IN_CHAIN`. */
  verifyError?: string;
  /** `system` (Node's bundled and system roots) or the configured `caFile` path. */
  trust: "system" | { caFile: string };
  /** Why no handshake happened: the endpoint is not TLS, or did not answer. */
  error?: ObservationError;
}

export type RedisTransport = "tls" | "plaintext";

export interface RedisUnauthenticatedObservation {
  /**
   * - `accepted`: `+PONG`, the connection runs as `default` without credentials;
   * - `noperm`: `-NOPERM`, the connection runs as `default` without credentials, but that
   *   user may not PING (other commands may still be allowed);
   * - `noauth` / `wrongpass`: the server demands credentials;
   * - `error`: no usable answer (see `error`).
   */
  outcome: "accepted" | "noperm" | "noauth" | "wrongpass" | "error";
  /** Which transport carried the PING (TLS when the endpoint speaks it). */
  transport?: RedisTransport;
  /** The reply line as received, e.g. `+PONG` or `-NOAUTH Authentication required.` */
  reply?: string;
  error?: ObservationError;
}

export interface RedisPlaintextObservation {
  /** The port tried: `plaintextPort` when set, else the endpoint port. */
  port: number;
  /**
   * - `accepted`: the server answered RESP over plaintext (`+PONG`, `-NOAUTH`, … alike);
   * - `rejected`: refused, closed or answered with something that is not RESP;
   * - `error`: could not tell (timeout, unreachable host).
   */
  outcome: "accepted" | "rejected" | "error";
  /** One phrase: what happened (`answered +PONG`, `connection refused`, …). */
  detail: string;
  reply?: string;
  error?: ObservationError;
}

export interface RedisDefaultUser {
  on: boolean;
  nopass: boolean;
  /** The user's rules with password material removed, e.g. `on nopass ~* &* +@all`. */
  raw: string;
}

export interface RedisAclObservation {
  /** The user the probe authenticated as (never the password). */
  username: string;
  transport?: RedisTransport;
  /**
   * - `read`: the `default` user's ACL was read (`defaultUser` absent: no such user);
   * - `forbidden`: the auditor may not run ACL GETUSER / ACL LIST (NOPERM, unknown or
   *   renamed command, as ElastiCache does for some commands);
   * - `auth-failed`: the server refused the credentials;
   * - `error`: anything else, including credentials that could not be resolved or that
   *   were withheld (see `error`).
   */
  outcome: "read" | "forbidden" | "auth-failed" | "error";
  /** Which command answered (`ACL GETUSER default` or `ACL LIST`). */
  command?: string;
  defaultUser?: RedisDefaultUser;
  /** The refusing reply for `forbidden` and `auth-failed`. */
  reply?: string;
  error?: ObservationError;
  /**
   * Only for a target with an access policy: every `ACL LIST` line (`user NAME rules…`),
   * with passwords and hashes replaced by `#<redacted>`.
   */
  users?: string[];
  /**
   * The server's own command table (`COMMAND INFO`, `ACL CAT`), when the auditor may read it
   * and it differs from the bundled one (an equal table is only named in `commandsSource`).
   */
  commands?: CommandTable;
  /** Where the live command table came from, when it was read. */
  commandsSource?: string;
  /** Why the server's command table was not used (the bundled one is then). */
  commandsUnavailable?: string;
}
