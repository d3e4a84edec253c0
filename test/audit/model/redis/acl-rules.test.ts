import { describe, expect, it } from "vitest";
import { userAccess } from "../../../../lib/audit/checks/redis/acl/access.js";
import { AclRuleError, parseAclListLine, parseUser, redactRules, tokenize } from "../../../../lib/audit/model/redis/acl-rules.js";
import { BUNDLED_COMMANDS } from "../../../../lib/audit/model/redis/commands.js";

const table = BUNDLED_COMMANDS;
const SIDEKIQ = ["queue:*", "queues", "schedule", "retry", "dead"];
const user = (rules: string, name = "u") => parseUser(name, rules, table);
const access = (rules: string) => userAccess(user(rules), SIDEKIQ, table);

describe("parsing ACL rules", () => {
  it("keeps a selector as one token", () => {
    expect(tokenize("on ~a (~queue:* +lrange) +get")).toEqual(["on", "~a", "(~queue:* +lrange)", "+get"]);
  });

  it("applies on/off, passwords and nopass in order", () => {
    expect(user("on nopass")).toMatchObject({ on: true, nopass: true, passwords: 0 });
    expect(user("on nopass >secret")).toMatchObject({ nopass: false, passwords: 1 });
    expect(user(">a #0123 nopass off")).toMatchObject({ on: false, nopass: true, passwords: 0 });
    expect(user("on >a >b <a")).toMatchObject({ passwords: 1 });
    expect(user("on nopass resetpass")).toMatchObject({ nopass: false, passwords: 0 });
    expect(user("on nopass ~* +@all reset")).toMatchObject({ on: false, nopass: false });
  });

  it("reads key patterns with their permissions, allkeys and resetkeys", () => {
    const u = user("~a:* %R~b:* %W~c:* %RW~d:* resetkeys allkeys %R~e");
    expect(u.root.keys).toEqual([
      { pattern: "*", read: true, write: true, rule: "allkeys" },
      { pattern: "e", read: true, write: false, rule: "%R~e" },
    ]);
  });

  it("merges the permissions of a pattern written again, as Redis does (ACL LIST prints %R~q:* %W~q:* as ~q:*)", () => {
    expect(user("%R~q:* %W~q:* %R~r:* %W~r:x ~q:*").root.keys).toStrictEqual([
      { pattern: "q:*", read: true, write: true, rule: "%R~q:* %W~q:* ~q:*" },
      { pattern: "r:*", read: true, write: false, rule: "%R~r:*" },
      { pattern: "r:x", read: false, write: true, rule: "%W~r:x" },
    ]);
  });

  it("expands categories, containers and subcommands from the command table", () => {
    const u = user("+@all -@dangerous +client|kill -config");
    expect(u.root.commands.has("flushall")).toBe(false);
    expect(u.root.commands.has("client|kill")).toBe(true);
    expect(u.root.commands.get("client|kill")).toBe("+client|kill");
    expect(u.root.commands.has("config|get")).toBe(false);
    expect(u.root.commands.has("get")).toBe(true);
    expect(user("allcommands nocommands +get").root.commands.size).toBe(1);
    expect(user("+client").root.commands.has("client|kill")).toBe(true);
  });

  it("parses ACL LIST lines with selectors and channels", () => {
    const u = parseAclListLine("user w on #abc ~cache:* resetchannels &jobs:* -@all +get (~queue:* resetchannels -@all +lrange)", table);
    expect(u.name).toBe("w");
    expect(u.root.channels).toEqual(["jobs:*"]);
    expect(u.selectors).toHaveLength(1);
    expect(u.selectors[0]?.label).toBe("(~queue:* resetchannels -@all +lrange)");
    expect(u.selectors[0]?.commands.has("lrange")).toBe(true);
    expect(u.root.commands.has("lrange")).toBe(false);
    expect(user("(~a +get) clearselectors").selectors).toHaveLength(0);
  });

  it("refuses what it cannot read, without echoing passwords", () => {
    expect(() => user("on +@nosuchcategory")).toThrow(AclRuleError);
    expect(() => user("on bogus")).toThrow(/unknown ACL rule "bogus"/);
    expect(() => user("on (~a on)")).toThrow(/not allowed in selector/);
    expect(() => user("on (~a +get")).toThrow(/unterminated selector/);
    expect(redactRules("on >hunter2 #abcdef ~*")).toBe("on #<redacted> #<redacted> ~*");
  });
});

describe("what a user can do to the queue", () => {
  it("a read-all user reads every job, granted by ~* +@read", () => {
    const a = access("on ~* +@read");
    expect(a.read?.rule).toBe("~* +@read");
    expect(a.read?.queueKeys).toEqual(SIDEKIQ);
    expect(a.write).toBeUndefined();
    expect(a.dangerous.map((d) => d.command)).toContain("KEYS");
  });

  it("a selector grants access on its own, named as written", () => {
    const a = access("on ~cache:* +@all (~queue:* +lrange)");
    expect(a.read?.rule).toBe("(~queue:* +lrange)");
    expect(a.read?.queueKeys).toEqual(["queue:*"]);
    expect(a.write).toBeUndefined();
  });

  it("%R~ reads without writing, %W~ writes without reading", () => {
    expect(access("on %R~queue:* +@all -@dangerous").write).toBeUndefined();
    const w = access("on %W~queue:* +@all -@dangerous");
    expect(w.read).toBeUndefined();
    expect(w.write?.commandCount).toBeGreaterThan(10);
    expect(access("on %W~queue:* -@all +lpush").write?.commands).toEqual(["lpush"]);
    expect(access("on %W~queue:* -@all +lpop").write).toBeUndefined(); // LPOP reads the key too
  });

  it("a cache user limited to other keys cannot touch the queue, but +@all still lets it FLUSHALL", () => {
    const a = access("on ~cache:* +@all");
    expect(a.read).toBeUndefined();
    expect(a.write).toBeUndefined();
    expect(a.dangerous.map((d) => d.command)).toEqual(
      expect.arrayContaining(["FLUSHALL", "FLUSHDB", "SWAPDB", "CONFIG SET", "ACL SETUSER"]),
    );
    expect(a.dangerous.find((d) => d.command === "FLUSHALL")?.rule).toBe("+@all");
  });

  it("controls: -@dangerous on other keys, and pub/sub only, are harmless", () => {
    expect(access("on ~cache:* +@all -@dangerous")).toMatchObject({ dangerous: [], listsKeyNames: ["SCAN", "RANDOMKEY"] });
    expect(access("on ~cache:* +@all -@dangerous").read).toBeUndefined();
    const pubsub = access("on resetkeys &jobs:* -@all +@pubsub");
    expect(pubsub.read).toBeUndefined();
    expect(pubsub.write).toBeUndefined();
    expect(pubsub.dangerous).toEqual([]);
  });

  it("scripts count as keyspace-wide only on all keys; MIGRATE only where the queue can be changed", () => {
    expect(access("on ~queue:* -@all +evalsha +script|load").dangerous).toEqual([]);
    expect(access("on ~* -@all +eval").dangerous.map((d) => d.command)).toEqual(["EVAL"]);
    expect(access("on ~cache:* -@all +migrate").dangerous).toEqual([]);
    expect(access("on ~queue:* -@all +migrate").dangerous.map((d) => d.command)).toEqual(["MIGRATE"]);
  });
});
