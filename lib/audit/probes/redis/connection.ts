/**
 * One Redis connection speaking RESP over plain TCP or TLS, one command at a time, with a
 * deadline on every step. It never reconnects, never pipelines, and sends nothing it was
 * not asked to: the probe decides each byte that reaches the server.
 *
 * TLS: the handshake always completes with `rejectUnauthorized: false` and the verdict of
 * Node's own verification (chain and host name) is read from `authorized` /
 * `authorizationError`. One handshake thus tells both what the server accepts and whether
 * its certificate would be trusted; the probe then withholds credentials from a peer that
 * did not verify.
 */
import net from "node:net";
import tls from "node:tls";
import { decodeReply, encodeCommand, RespProtocolError, type RespReply } from "./resp.js";

export type ConnectPhase = "connect" | "tls" | "reply";

/** The connection failed, timed out or closed; `code` is the errno, a TLS code, `ETIMEDOUT` or `ECLOSED`. */
export class RedisConnectionError extends Error {
  override name = "RedisConnectionError";
  constructor(
    message: string,
    readonly code: string,
    readonly phase: ConnectPhase,
  ) {
    super(message);
  }
}

export interface TlsOptions {
  /** PEM CAs to trust instead of the default roots. */
  ca?: string | Buffer;
}

export interface ConnectOptions {
  host: string;
  port: number;
  timeoutMs: number;
  /** Present: speak TLS. */
  tls?: TlsOptions;
}

export interface TlsHandshake {
  protocol?: string;
  cipher?: string;
  authorized: boolean;
  authorizationError?: string;
}

/** Bytes a server may make the probe hold before a reply completes. */
const MAX_BUFFERED = 8 * 1024 * 1024;

export class RespConnection {
  private buffer: Buffer = Buffer.alloc(0);
  private pending: { resolve: (r: RespReply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  private constructor(
    private readonly socket: net.Socket,
    private readonly timeoutMs: number,
    private readonly where: string,
    readonly handshake: TlsHandshake | undefined,
  ) {
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", (err: NodeJS.ErrnoException) =>
      this.fail(new RedisConnectionError(`${where}: ${err.message}`, err.code ?? "ERROR", "reply")),
    );
    socket.on("close", () => this.fail(new RedisConnectionError(`${where} closed the connection`, "ECLOSED", "reply")));
  }

  static async open(options: ConnectOptions): Promise<RespConnection> {
    const where = `${options.host}:${options.port}`;
    const raw = await connectTcp(options.host, options.port, options.timeoutMs, where);
    if (!options.tls) return new RespConnection(raw, options.timeoutMs, where, undefined);
    const secure = await handshake(raw, options.host, options.tls, options.timeoutMs, where);
    const cipher = secure.getCipher();
    const info: TlsHandshake = { authorized: secure.authorized };
    const protocol = secure.getProtocol();
    if (protocol) info.protocol = protocol;
    if (cipher?.name) info.cipher = cipher.name;
    if (!secure.authorized && secure.authorizationError) info.authorizationError = String(secure.authorizationError);
    return new RespConnection(secure, options.timeoutMs, where, info);
  }

  /** Sends one command and waits for its reply. Error replies are returned, not thrown. */
  command(args: readonly string[]): Promise<RespReply> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.pending) return Promise.reject(new Error("RespConnection runs one command at a time"));
    return new Promise<RespReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending = undefined;
        const err = new RedisConnectionError(`${this.where} did not reply within ${this.timeoutMs / 1000}s`, "ETIMEDOUT", "reply");
        this.fail(err);
        reject(err);
      }, this.timeoutMs);
      this.pending = {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.socket.write(encodeCommand(args));
      this.drain();
    });
  }

  /** Ends the connection without waiting; a polite QUIT is not worth a round trip. */
  close(): void {
    this.failure ??= new RedisConnectionError(`${this.where} connection closed by the probe`, "ECLOSED", "reply");
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    if (this.buffer.length > MAX_BUFFERED) {
      this.fail(new RespProtocolError(`${this.where} sent more than ${MAX_BUFFERED} bytes without completing a reply`));
      return;
    }
    this.drain();
  }

  private drain(): void {
    if (!this.pending || this.buffer.length === 0) return;
    let decoded: ReturnType<typeof decodeReply>;
    try {
      decoded = decodeReply(this.buffer);
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    if (!decoded) return;
    this.buffer = this.buffer.subarray(decoded.next);
    const pending = this.pending;
    this.pending = undefined;
    pending.resolve(decoded.reply);
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
    const pending = this.pending;
    this.pending = undefined;
    pending?.reject(this.failure);
    this.socket.destroy();
  }
}

function connectTcp(host: string, port: number, timeoutMs: number, where: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new RedisConnectionError(`cannot connect to ${where}: no answer within ${timeoutMs / 1000}s`, "ETIMEDOUT", "connect"));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      // The once-error listener stays: it absorbs a late error until the connection's own listener is attached.
      resolve(socket);
    });
    socket.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new RedisConnectionError(`cannot connect to ${where}: ${err.code ?? err.message}`, err.code ?? "ERROR", "connect"));
    });
  });
}

function handshake(raw: net.Socket, host: string, options: TlsOptions, timeoutMs: number, where: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const secure = tls.connect({
      socket: raw,
      host,
      // SNI carries host names only (RFC 6066); an IP target is still checked against the certificate's IP SANs.
      ...(net.isIP(host) ? {} : { servername: host }),
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      rejectUnauthorized: false,
    });
    const timer = setTimeout(() => {
      secure.destroy();
      reject(new RedisConnectionError(`no TLS handshake with ${where} within ${timeoutMs / 1000}s`, "ETIMEDOUT", "tls"));
    }, timeoutMs);
    secure.once("secureConnect", () => {
      clearTimeout(timer);
      resolve(secure);
    });
    secure.once("error", (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      secure.destroy();
      reject(new RedisConnectionError(`TLS handshake with ${where} failed: ${err.code ?? err.message}`, err.code ?? "ERROR", "tls"));
    });
    secure.once("close", () => {
      clearTimeout(timer);
      reject(new RedisConnectionError(`${where} closed the connection during the TLS handshake`, "ECLOSED", "tls"));
    });
  });
}
