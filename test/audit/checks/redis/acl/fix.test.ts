import { describe, expect, it } from "vitest";
import { accessFix, passwordFix, rewrittenRules } from "../../../../../lib/audit/checks/redis/acl/fix.js";
import { redisArg, shellWord, shownName } from "../../../../../lib/audit/checks/redis/acl/quote.js";

const QUEUE = ["queue:*", "queues", "schedule", "retry", "dead"];
const none = { read: false, write: false };

describe("rewriting a user's rules for its policy", () => {
  it("drops patterns that reach the queue for a stranger, keeps the others", () => {
    expect(rewrittenRules("on ~cache:* ~*:default +@all", QUEUE, { allow: none, revoke: [] }).root).toStrictEqual([
      "on",
      "~cache:*",
      "+@all",
    ]);
  });

  it("narrows a reader's patterns to read, inside selectors too", () => {
    const r = rewrittenRules("on ~* +@all (~queue:* +lpush)", QUEUE, { allow: { read: true, write: false }, revoke: [] });
    expect(r.root).toStrictEqual(["on", "%R~*", "+@all"]);
    expect(r.selectors).toStrictEqual([["%R~queue:*", "+lpush"]]);
  });

  it("appends the revoked commands", () => {
    expect(rewrittenRules("on ~cache:* +@all", QUEUE, { allow: none, revoke: ["flushall", "client|kill"] }).root).toStrictEqual([
      "on",
      "~cache:*",
      "+@all",
      "-flushall",
      "-client|kill",
    ]);
  });
});

describe("the fix commands", () => {
  it("live: one ACL SETUSER that resets keys and re-adds only what still holds", () => {
    const fix = accessFix(
      { user: "stray", rules: "on #<redacted> ~* resetkeys ~cache:* ~*:default +@all (~queue:* +lrange)", queueKeys: QUEUE },
      { allow: none, revoke: ["flushall"] },
      "Remove it.",
    );
    expect(fix.kind).toBe("redis-acl");
    // ~* came before resetkeys, so it no longer holds; ~*:default reaches queue:default and goes.
    expect(fix.commands).toStrictEqual(['ACL SETUSER stray resetkeys ~cache:* -flushall clearselectors "(+lrange -flushall)"']);
    expect(fix.commands.join(" ")).not.toContain("redacted");
  });

  it("ElastiCache: the complete access string for modify-user, shell-quoted", () => {
    const fix = accessFix(
      { user: "cache", rules: "on ~cache:* +@all", queueKeys: QUEUE, elastiCacheUserId: "cache-user" },
      { allow: none, revoke: ["flushall", "config|set"] },
      "Restrict it.",
    );
    expect(fix).toMatchObject({
      kind: "aws-cli",
      commands: ["aws elasticache modify-user --user-id cache-user --access-string 'on ~cache:* +@all -flushall -config|set'"],
    });
  });

  it("a nopass user gets a password by hash or from the environment, never a literal", () => {
    expect(passwordFix("legacy", undefined).commands).toStrictEqual(["ACL SETUSER legacy resetpass #SHA256_OF_NEW_PASSWORD"]);
    expect(passwordFix("legacy", "legacy-id").commands[0]).toContain('Passwords="$NEW_PASSWORD"');
  });

  it("names chosen by others are quoted, never raw", () => {
    expect(redisArg("evil user\n")).toBe('"evil user\\x0a"');
    expect(redisArg('a"b\\')).toBe('"a\\"b\\\\"');
    expect(redisArg("~queue:*")).toBe("~queue:*");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shownName("\u001b[31mroot")).toBe('"\\u001b[31mroot"');
    expect(shownName("sidekiq_worker")).toBe("sidekiq_worker");
  });
});

describe("rewriting each kind of key rule", () => {
  const reader = { allow: { read: true, write: false }, revoke: [] };
  const writer = { allow: { read: false, write: true }, revoke: [] };
  const both = { allow: { read: true, write: true }, revoke: [] };
  const root = (rules: string, change: Parameters<typeof rewrittenRules>[2]) => rewrittenRules(rules, QUEUE, change).root;

  it("keeps a pattern whole when the policy allows both", () => {
    expect(root("~queue:* allkeys %RW~retry", both)).toStrictEqual(["~queue:*", "allkeys", "%RW~retry"]);
  });

  it("narrows ~, allkeys and %RW~ to %R~ for a reader and to %W~ for a writer", () => {
    expect(root("~queue:* allkeys %RW~retry ALLKEYS", reader)).toStrictEqual(["%R~queue:*", "%R~*", "%R~retry", "%R~*"]);
    expect(root("~queue:* allkeys %RW~retry", writer)).toStrictEqual(["%W~queue:*", "%W~*", "%W~retry"]);
  });

  it("keeps what a one-way pattern already allows and drops what it would lose", () => {
    expect(root("%R~queue:* %W~dead %r~retry", reader)).toStrictEqual(["%R~queue:*", "%R~retry"]);
    expect(root("%R~queue:* %W~dead %w~retry", writer)).toStrictEqual(["%W~dead", "%W~retry"]);
  });

  it("leaves patterns off the queue and every other rule as written", () => {
    expect(root("on #<redacted> %R~cache:* ~sessions:* resetchannels &jobs:* -@all +get", { allow: none, revoke: [] })).toStrictEqual([
      "on",
      "#<redacted>",
      "%R~cache:*",
      "~sessions:*",
      "resetchannels",
      "&jobs:*",
      "-@all",
      "+get",
    ]);
  });

  it("appends the revoked commands to every selector as well", () => {
    expect(rewrittenRules("on ~cache:* (~queue:* +lrange) (+flushall)", QUEUE, { allow: none, revoke: ["flushall"] })).toStrictEqual({
      root: ["on", "~cache:*", "-flushall"],
      selectors: [
        ["+lrange", "-flushall"],
        ["+flushall", "-flushall"],
      ],
    });
  });
});

describe("the ACL SETUSER fix", () => {
  const setuser = (user: string, rules: string, change = { allow: none, revoke: [] as string[] }) =>
    accessFix({ user, rules, queueKeys: QUEUE }, change, "Why.");

  it("re-adds only the key rules after the last reset or resetkeys, in any case", () => {
    expect(setuser("u", "on ~a:* reset on ~b:* RESETKEYS ~c:* %R~d:* +get").commands).toStrictEqual([
      "ACL SETUSER u resetkeys ~c:* %R~d:*",
    ]);
    expect(setuser("u", "on ~a:* RESET on ~b:* +get").commands).toStrictEqual(["ACL SETUSER u resetkeys ~b:*"]);
    expect(setuser("u", "on allkeys -@all +get", { allow: { read: true, write: false }, revoke: [] }).commands).toStrictEqual([
      "ACL SETUSER u resetkeys %R~*",
    ]);
  });

  it("adds only the revokes, not the rest of the root's rules, and no clearselectors without selectors", () => {
    expect(setuser("u", "on ~cache:* -@all +get +flushall", { allow: none, revoke: ["flushall", "client|kill"] })).toStrictEqual({
      kind: "redis-acl",
      text: "Why. Then save it where your ACL lives (ACL SAVE with an aclfile, or the config management that writes it).",
      commands: ["ACL SETUSER u resetkeys ~cache:* -flushall -client|kill"],
    });
  });

  it("a channel rule that looks like a key permission (&jobs%R~queue:*) stays a channel: kept as written, never re-added as a key rule", () => {
    const reader = { allow: { read: true, write: false }, revoke: [] };
    expect(rewrittenRules("on ~cache:* &jobs%R~queue:* -@all +get", QUEUE, reader).root).toStrictEqual([
      "on",
      "~cache:*",
      "&jobs%R~queue:*",
      "-@all",
      "+get",
    ]);
    expect(setuser("u", "on ~cache:* &jobs%R~queue:* -@all +get", reader).commands).toStrictEqual(["ACL SETUSER u resetkeys ~cache:*"]);
  });

  it("quotes a user name and key patterns that redis-cli would split or unescape", () => {
    expect(setuser("evil user", 'on ~we"ird ~cache:*').commands).toStrictEqual(['ACL SETUSER "evil user" resetkeys "~we\\"ird" ~cache:*']);
  });

  it("ElastiCache: the complete access string, selectors included and shell-quoted", () => {
    const fix = accessFix(
      { user: "u", rules: "on ~* -@all +get (~queue:* +lrange)", queueKeys: QUEUE, elastiCacheUserId: "user-1" },
      { allow: { read: true, write: false }, revoke: [] },
      "Narrow it.",
    );
    expect(fix).toStrictEqual({
      kind: "aws-cli",
      text: "Narrow it. Replace the user's access string (ElastiCache applies it to the users' connections as it propagates).",
      commands: ["aws elasticache modify-user --user-id user-1 --access-string 'on %R~* -@all +get (%R~queue:* +lrange)'"],
    });
    expect(
      accessFix({ user: "u", rules: "on", queueKeys: QUEUE, elastiCacheUserId: "it's" }, { allow: none, revoke: [] }, "W.").commands,
    ).toStrictEqual(["aws elasticache modify-user --user-id 'it'\\''s' --access-string on"]);
  });
});

describe("the password fix", () => {
  it("live: resetpass and a hash to fill in, its text naming the user", () => {
    expect(passwordFix("legacy", undefined)).toStrictEqual({
      kind: "redis-acl",
      text: 'Give legacy a password: generate one into your secret store, put its SHA-256 in place of SHA256_OF_NEW_PASSWORD (`printf %s "$NEW_PASSWORD" | sha256sum`), and update the clients that log in as legacy.',
      commands: ["ACL SETUSER legacy resetpass #SHA256_OF_NEW_PASSWORD"],
    });
    expect(passwordFix("a b", undefined).commands).toStrictEqual(['ACL SETUSER "a b" resetpass #SHA256_OF_NEW_PASSWORD']);
  });

  it("ElastiCache: password authentication from the environment", () => {
    expect(passwordFix("a b", "legacy id")).toStrictEqual({
      kind: "aws-cli",
      text: 'Give "a b" a password (generate it into your secret store first; NEW_PASSWORD is read from the environment, never written here).',
      commands: ["aws elasticache modify-user --user-id 'legacy id' --authentication-mode Type=password,Passwords=\"$NEW_PASSWORD\""],
    });
  });
});

describe("quoting", () => {
  it("redisArg leaves plain arguments alone and double-quotes the rest", () => {
    const plain = "AZaz09_.:*?@%~&+-|()[]^{}<>#!=,/";
    expect(redisArg(plain)).toBe(plain);
    expect(redisArg("")).toBe('""');
    expect(redisArg("a b")).toBe('"a b"');
    expect(redisArg("'")).toBe('"\'"');
    expect(redisArg("tab\there\u007f")).toBe('"tab\\x09here\\x7f"');
    expect(redisArg("\u001f \u0020")).toBe('"\\x1f  "');
    expect(redisArg("é")).toBe('"é"');
  });

  it("shellWord leaves plain words alone and single-quotes the rest", () => {
    expect(shellWord("AZaz09_.:/@=+-")).toBe("AZaz09_.:/@=+-");
    expect(shellWord("")).toBe("''");
    expect(shellWord("on ~*")).toBe("'on ~*'");
    expect(shellWord("a|b")).toBe("'a|b'");
    expect(shellWord("$HOME")).toBe("'$HOME'");
  });

  it("shownName shows plain names up to 128 characters as they are, anything else JSON-quoted", () => {
    expect(shownName("AZaz09_.:@+-")).toBe("AZaz09_.:@+-");
    expect(shownName("a".repeat(128))).toBe("a".repeat(128));
    expect(shownName("a".repeat(129))).toBe(`"${"a".repeat(129)}"`);
    expect(shownName("")).toBe('""');
    expect(shownName("a b")).toBe('"a b"');
    expect(shownName('a"b')).toBe('"a\\"b"');
  });
});
