import { describe, expect, it } from "vitest";
import { decodeReply, encodeCommand, RespProtocolError, replyLine } from "../../../../lib/audit/probes/redis/resp.js";

const decode = (s: string) => decodeReply(Buffer.from(s, "latin1"));

describe("RESP", () => {
  it("encodes a command as an array of bulk strings, byte lengths included", () => {
    expect(encodeCommand(["ACL", "GETUSER", "défaut"]).toString()).toBe("*3\r\n$3\r\nACL\r\n$7\r\nGETUSER\r\n$7\r\ndéfaut\r\n");
  });

  it("decodes simple, error, integer, bulk and nested array replies", () => {
    expect(decode("+PONG\r\n")).toEqual({ reply: { kind: "simple", value: "PONG" }, next: 7 });
    expect(decode("-NOAUTH Authentication required.\r\n")?.reply).toEqual({ kind: "error", value: "NOAUTH Authentication required." });
    expect(decode(":42\r\n")?.reply).toEqual({ kind: "integer", value: 42 });
    expect(decode("$-1\r\n")?.reply).toEqual({ kind: "bulk", value: null });
    expect(decode("*2\r\n$5\r\nflags\r\n*1\r\n$2\r\non\r\n")?.reply).toEqual({
      kind: "array",
      value: [
        { kind: "bulk", value: "flags" },
        { kind: "array", value: [{ kind: "bulk", value: "on" }] },
      ],
    });
  });

  it("asks for more bytes while a reply is incomplete", () => {
    expect(decode("+PON")).toBeUndefined();
    expect(decode("$5\r\nhel")).toBeUndefined();
    expect(decode("*2\r\n$1\r\na\r\n")).toBeUndefined();
  });

  it("refuses bytes that are not RESP, such as a TLS alert or an HTTP page", () => {
    expect(() => decode("\x15\x03\x03\x00\x02\x02\x46")).toThrow(RespProtocolError);
    expect(() => decode("HTTP/1.1 400 Bad Request\r\n")).toThrow(RespProtocolError);
    expect(() => decode("$99999999999\r\n")).toThrow(RespProtocolError);
  });

  it("renders a reply as its first line for evidence", () => {
    expect(replyLine({ kind: "error", value: "NOPERM no" })).toBe("-NOPERM no");
    expect(replyLine({ kind: "array", value: [] })).toBe("*0");
  });
});
