import { describe, expect, it } from "vitest";
import { AclReplyError, defaultUserFromAclList, defaultUserFromGetUser } from "../../../../lib/audit/probes/redis/acl.js";
import type { RespReply } from "../../../../lib/audit/probes/redis/resp.js";

const bulk = (value: string): RespReply => ({ kind: "bulk", value });
const arr = (...value: RespReply[]): RespReply => ({ kind: "array", value });
const HASH = "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8";

describe("reading the default user", () => {
  it("reads Redis 7 ACL GETUSER: flags, keys and channels as strings, hashes redacted", () => {
    const reply = arr(
      bulk("flags"),
      arr(bulk("on"), bulk("sanitize-payload")),
      bulk("passwords"),
      arr(bulk(HASH)),
      bulk("commands"),
      bulk("+@all"),
      bulk("keys"),
      bulk("~*"),
      bulk("channels"),
      bulk("&*"),
      bulk("selectors"),
      arr(),
    );
    expect(defaultUserFromGetUser(reply)).toEqual({ on: true, nopass: false, raw: "on sanitize-payload #<redacted> ~* &* +@all" });
  });

  it("reads Redis 6.0 ACL GETUSER, where key patterns come as a list", () => {
    const reply = arr(
      bulk("flags"),
      arr(bulk("on"), bulk("allkeys"), bulk("nopass")),
      bulk("passwords"),
      arr(),
      bulk("commands"),
      bulk("+@all"),
      bulk("keys"),
      arr(bulk("*")),
    );
    expect(defaultUserFromGetUser(reply)).toEqual({ on: true, nopass: true, raw: "on allkeys nopass ~* +@all" });
  });

  it("treats a null GETUSER reply as no such user, and anything but a map as an error", () => {
    expect(defaultUserFromGetUser({ kind: "array", value: null })).toBeUndefined();
    expect(() => defaultUserFromGetUser({ kind: "simple", value: "OK" })).toThrow(AclReplyError);
  });

  it("reads the default user's line of ACL LIST without its password hashes", () => {
    const reply = arr(bulk(`user auditor on #${HASH} ~* resetchannels +acl|getuser`), bulk(`user default off #${HASH} ~* &* +@all`));
    expect(defaultUserFromAclList(reply)).toEqual({ on: false, nopass: false, raw: "off #<redacted> ~* &* +@all" });
    expect(defaultUserFromAclList(arr(bulk("user default on nopass ~* &* +@all")))).toMatchObject({ on: true, nopass: true });
    expect(defaultUserFromAclList(arr(bulk("user other on nopass")))).toBeUndefined();
  });
});
