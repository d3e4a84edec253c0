/** A logged-in RESP session for tests: "connect as that user and do it". */
import { RespConnection } from "../../lib/audit/probes/redis/connection.js";
import { type RespReply, replyLine } from "../../lib/audit/probes/redis/resp.js";

export interface Session {
  /** Sends one command; returns the reply, errors included (never throws on `-ERR`). */
  send(...args: string[]): Promise<RespReply>;
  /** Sends one command and returns its first line (`+OK`, `-NOPERM …`, `:1`, `*2`). */
  line(...args: string[]): Promise<string>;
  close(): void;
}

export async function session(port: number, user?: string, password?: string): Promise<Session & { auth: string }> {
  const conn = await RespConnection.open({ host: "127.0.0.1", port, timeoutMs: 5000 });
  const send = (...args: string[]) => conn.command(args);
  const auth = user === undefined ? "+OK" : replyLine(await send("AUTH", user, password ?? ""));
  return { auth, send, line: async (...args) => replyLine(await send(...args)), close: () => conn.close() };
}

/** Splits a redis-cli line the way redis-cli does for the quoting lib/audit/checks/redis/acl/quote.ts emits. */
export function splitRedisCliLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " ") i++;
    if (i >= line.length) break;
    if (line[i] === '"') {
      let value = "";
      i++;
      while (i < line.length && line[i] !== '"') {
        if (line[i] === "\\" && line[i + 1] === "x") {
          value += String.fromCharCode(Number.parseInt(line.slice(i + 2, i + 4), 16));
          i += 4;
        } else if (line[i] === "\\") {
          value += line[i + 1];
          i += 2;
        } else value += line[i++];
      }
      i++;
      out.push(value);
    } else {
      let j = i;
      while (j < line.length && line[j] !== " ") j++;
      out.push(line.slice(i, j));
      i = j;
    }
  }
  return out;
}
