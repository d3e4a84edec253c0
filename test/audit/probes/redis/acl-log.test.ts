import { describe, expect, it } from "vitest";
import { AclLogReplyError, addressOf, entriesGone, parseAclLog } from "../../../../lib/audit/probes/redis/acl-log.js";
import type { RespReply } from "../../../../lib/audit/probes/redis/resp.js";

const bulk = (value: string): RespReply => ({ kind: "bulk", value });
const int = (value: number): RespReply => ({ kind: "integer", value });
const arr = (...value: RespReply[]): RespReply => ({ kind: "array", value });
const READ_AT = Date.parse("2026-11-25T12:00:00Z");

const INFO =
  "id=3 addr=203.0.113.9:57275 laddr=10.0.0.5:6379 fd=8 name= age=16 idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=48 qbuf-free=16842 argv-mem=25 multi-mem=0 rbs=1024 rbp=0 obl=0 oll=0 omem=0 tot-mem=18737 events=r cmd=auth user=default redir=-1 resp=2";

describe("reading ACL LOG", () => {
  it("reads a Redis 7.0 entry (RESP2, age as a string) against the probe's clock", () => {
    const reply = arr(
      arr(
        ...[bulk("count"), int(3), bulk("reason"), bulk("auth"), bulk("context"), bulk("toplevel"), bulk("object"), bulk("AUTH")],
        ...[bulk("username"), bulk("sidekiq_worker"), bulk("age-seconds"), bulk("8.038"), bulk("client-info"), bulk(INFO)],
      ),
    );
    expect(parseAclLog(reply, READ_AT)).toEqual([
      {
        count: 3,
        reason: "auth",
        context: "toplevel",
        object: "AUTH",
        username: "sidekiq_worker",
        ageSeconds: 8.038,
        last: "2026-11-25T11:59:51.962Z",
        clientAddr: "203.0.113.9:57275",
        clientUser: "default",
      },
    ]);
  });

  it("reads Redis 7.2 / Valkey's entry-id and timestamps: the first time from their difference, not the server's clock", () => {
    const reply = arr(
      arr(
        ...[bulk("count"), int(40), bulk("reason"), bulk("key"), bulk("context"), bulk("multi"), bulk("object"), bulk("queue:default")],
        ...[
          bulk("username"),
          bulk("intruder"),
          bulk("age-seconds"),
          bulk("60"),
          bulk("client-info"),
          bulk(INFO.replace("name=", "name=x")),
        ],
        ...[bulk("entry-id"), int(7), bulk("timestamp-created"), int(1_000_000), bulk("timestamp-last-updated"), int(1_300_000)],
      ),
    );
    const [e] = parseAclLog(reply, READ_AT);
    expect(e).toMatchObject({ count: 40, reason: "key", context: "multi", object: "queue:default", entryId: 7, clientName: "x" });
    expect(e?.last).toBe("2026-11-25T11:59:00.000Z");
    expect(e?.first).toBe("2026-11-25T11:54:00.000Z");
  });

  it("refuses a reply that is not a list of maps", () => {
    expect(() => parseAclLog(bulk("OK"), READ_AT)).toThrow(AclLogReplyError);
    expect(() => parseAclLog(arr(arr(bulk("count"))), READ_AT)).toThrow(AclLogReplyError);
    expect(() => parseAclLog(arr(arr(bulk("reason"), bulk("auth"))), READ_AT)).toThrow(/count, reason or age-seconds/);
  });

  it("takes the address without its port, IPv6 included", () => {
    expect(addressOf("10.0.0.5:51234")).toBe("10.0.0.5");
    expect(addressOf("[2001:db8::1]:6379")).toBe("2001:db8::1");
    expect(addressOf("/tmp/redis.sock:0")).toBe("/tmp/redis.sock");
    expect(addressOf(undefined)).toBe("");
  });

  it("counts the entries gone from the ring by their ids, and says nothing without ids", () => {
    const e = (entryId?: number) => ({
      count: 1,
      reason: "auth",
      context: "",
      object: "",
      username: "",
      ageSeconds: 0,
      last: "",
      ...(entryId === undefined ? {} : { entryId }),
    });
    expect(entriesGone([e(0), e(1), e(2)])).toBe(0);
    expect(entriesGone([e(130), e(9), e(3)])).toBe(128);
    expect(entriesGone([e(), e()])).toBeUndefined();
    expect(entriesGone([])).toBeUndefined();
  });
});
