/**
 * What a stranger on the network learns: a PING with no credentials, and whether a
 * plaintext connection is answered in RESP at all.
 */
import type { ObservationError } from "../../model/observation.js";
import { RedisConnectionError, type RespConnection } from "./connection.js";
import { errorCode, RespProtocolError, replyLine } from "./resp.js";
import type { RedisPlaintextObservation, RedisTransport, RedisUnauthenticatedObservation } from "./types.js";

export function endpointSource(host: string, port: number, what?: string): string {
  return `redis://${host}:${port}${what ? ` ${what}` : ""}`;
}

export function observationError(source: string, err: unknown): ObservationError {
  if (err instanceof RedisConnectionError) return { source, reason: err.message, code: err.code };
  if (err instanceof RespProtocolError) return { source, reason: `the server did not answer in RESP: ${err.message}`, code: "EPROTO" };
  const e = err as { message?: string; code?: string; name?: string };
  const out: ObservationError = { source, reason: e.message ?? String(err) };
  const code = e.code ?? e.name;
  if (code) out.code = code;
  return out;
}

/** Sends PING without credentials and classifies the reply. */
export async function unauthenticatedPing(
  conn: RespConnection,
  transport: RedisTransport,
  host: string,
  port: number,
): Promise<RedisUnauthenticatedObservation> {
  const source = endpointSource(host, port, "PING");
  try {
    const reply = await conn.command(["PING"]);
    const line = replyLine(reply);
    if (reply.kind === "simple" && reply.value.toUpperCase() === "PONG") return { outcome: "accepted", transport, reply: line };
    switch (errorCode(reply)) {
      case "NOAUTH":
        return { outcome: "noauth", transport, reply: line };
      case "WRONGPASS":
        return { outcome: "wrongpass", transport, reply: line };
      case "NOPERM":
        return { outcome: "noperm", transport, reply: line };
      default:
        return {
          outcome: "error",
          transport,
          reply: line,
          error: { source, reason: `PING without credentials got an unexpected reply: ${line}`, code: errorCode(reply) ?? "UNEXPECTED" },
        };
    }
  } catch (err) {
    return { outcome: "error", transport, error: observationError(source, err) };
  }
}

/** Refusals that show no plaintext listener is there, as opposed to "could not tell". */
const REFUSED = new Set(["ECONNREFUSED", "ECONNRESET", "ECLOSED", "EPIPE"]);

/**
 * Classifies a plaintext attempt: `connect` is how the connection went (a connection, or
 * the error), `ping` the unauthenticated PING made on it.
 */
export function plaintextVerdict(
  port: number,
  connect: { conn: RespConnection } | { error: unknown },
  ping: RedisUnauthenticatedObservation | undefined,
  host: string,
): RedisPlaintextObservation {
  const source = endpointSource(host, port, "plaintext PING");
  if ("error" in connect) {
    const err = connect.error;
    if (err instanceof RedisConnectionError && REFUSED.has(err.code)) return { port, outcome: "rejected", detail: "connection refused" };
    return { port, outcome: "error", detail: "could not connect", error: observationError(source, err) };
  }
  if (ping?.reply !== undefined) return { port, outcome: "accepted", detail: `answered ${ping.reply}`, reply: ping.reply };
  const err = ping?.error;
  if (err?.code === "EPROTO") return { port, outcome: "rejected", detail: "answered with bytes that are not RESP" };
  if (err?.code && REFUSED.has(err.code)) return { port, outcome: "rejected", detail: "closed the connection without a RESP reply" };
  return { port, outcome: "error", detail: "no usable answer", error: err ?? { source, reason: "no answer", code: "UNKNOWN" } };
}
