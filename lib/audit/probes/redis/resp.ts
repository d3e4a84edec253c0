/**
 * The RESP2 wire format: encoding a command and decoding one reply. Just enough for the
 * probe's handful of commands, and strict, because "did this port answer in RESP?" is
 * itself one of the things the probe observes.
 */

export type RespReply =
  | { kind: "simple"; value: string }
  | { kind: "error"; value: string }
  | { kind: "integer"; value: number }
  | { kind: "bulk"; value: string | null }
  | { kind: "array"; value: RespReply[] | null };

/** The bytes received are not a RESP reply (a TLS alert, an HTTP page, …). */
export class RespProtocolError extends Error {
  override name = "RespProtocolError";
}

/** Bounds on what a (possibly hostile) server can make the probe buffer. */
const MAX_BULK_BYTES = 4 * 1024 * 1024;
const MAX_ARRAY_ITEMS = 100_000;
const MAX_LINE_BYTES = 64 * 1024;

export function encodeCommand(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(arg, "utf8");
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** Whether `byte` can start a RESP2 reply. */
export function isRespTypeByte(byte: number | undefined): boolean {
  return byte !== undefined && "+-:$*".includes(String.fromCharCode(byte));
}

/**
 * Decodes one reply from the start of `buf`. Returns undefined when more bytes are needed,
 * and throws RespProtocolError when the bytes cannot be RESP.
 */
export function decodeReply(buf: Buffer, offset = 0): { reply: RespReply; next: number } | undefined {
  const type = buf[offset];
  if (type === undefined) return undefined;
  if (!isRespTypeByte(type)) {
    throw new RespProtocolError(`not a RESP reply (first byte 0x${type.toString(16).padStart(2, "0")})`);
  }
  const eol = buf.indexOf("\r\n", offset + 1);
  if (eol === -1) {
    if (buf.length - offset > MAX_LINE_BYTES) throw new RespProtocolError("RESP line too long");
    return undefined;
  }
  const line = buf.toString("utf8", offset + 1, eol);
  const after = eol + 2;
  switch (String.fromCharCode(type)) {
    case "+":
      return { reply: { kind: "simple", value: line }, next: after };
    case "-":
      return { reply: { kind: "error", value: line }, next: after };
    case ":":
      return { reply: { kind: "integer", value: integer(line) }, next: after };
    case "$": {
      const length = integer(line);
      if (length === -1) return { reply: { kind: "bulk", value: null }, next: after };
      if (length < 0 || length > MAX_BULK_BYTES) throw new RespProtocolError(`bad bulk length ${line}`);
      if (buf.length < after + length + 2) return undefined;
      if (buf[after + length] !== 0x0d || buf[after + length + 1] !== 0x0a)
        throw new RespProtocolError("bulk string not terminated by CRLF");
      return { reply: { kind: "bulk", value: buf.toString("utf8", after, after + length) }, next: after + length + 2 };
    }
    default: {
      const count = integer(line);
      if (count === -1) return { reply: { kind: "array", value: null }, next: after };
      if (count < 0 || count > MAX_ARRAY_ITEMS) throw new RespProtocolError(`bad array length ${line}`);
      const items: RespReply[] = [];
      let next = after;
      for (let i = 0; i < count; i++) {
        const item = decodeReply(buf, next);
        if (!item) return undefined;
        items.push(item.reply);
        next = item.next;
      }
      return { reply: { kind: "array", value: items }, next };
    }
  }
}

function integer(text: string): number {
  if (!/^-?\d{1,15}$/.test(text)) throw new RespProtocolError(`bad RESP integer ${JSON.stringify(text.slice(0, 20))}`);
  return Number(text);
}

/** A one-line rendering of a simple or error reply as the server sent it (`+PONG`, `-NOAUTH …`). */
export function replyLine(reply: RespReply): string {
  switch (reply.kind) {
    case "simple":
      return `+${reply.value}`;
    case "error":
      return `-${reply.value}`;
    case "integer":
      return `:${reply.value}`;
    case "bulk":
      return reply.value === null ? "$-1" : `$${Buffer.byteLength(reply.value)}`;
    case "array":
      return reply.value === null ? "*-1" : `*${reply.value.length}`;
  }
}

/** The error code of an error reply: its first word (`NOAUTH`, `WRONGPASS`, `ERR`). */
export function errorCode(reply: RespReply): string | undefined {
  return reply.kind === "error" ? reply.value.split(" ", 1)[0] : undefined;
}
