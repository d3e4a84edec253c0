import { describe, expect, it } from "vitest";
import { accessFix, passwordFix, rewrittenRules } from "../../../../../lib/audit/checks/redis/acl/fix.js";
import { redisArg, shellWord, shownName } from "../../../../../lib/audit/checks/redis/acl/quote.js";

const QUEUE = ["queue:*", "queues", "schedule", "retry", "dead"];
const none = { read: false, write: false };

describe("rewriting a user's rules for its policy", () => {
  it("drops patterns that reach the queue for a stranger, keeps the others", () => {
    expect(rewrittenRules("on ~cache:* ~*:default +@all", QUEUE, { allow: none, revoke: [] }).root).toEqual(["on", "~cache:*", "+@all"]);
  });

  it("narrows a reader's patterns to read, inside selectors too", () => {
    const r = rewrittenRules("on ~* +@all (~queue:* +lpush)", QUEUE, { allow: { read: true, write: false }, revoke: [] });
    expect(r.root).toEqual(["on", "%R~*", "+@all"]);
    expect(r.selectors).toEqual([["%R~queue:*", "+lpush"]]);
  });

  it("appends the revoked commands", () => {
    expect(rewrittenRules("on ~cache:* +@all", QUEUE, { allow: none, revoke: ["flushall", "client|kill"] }).root).toEqual([
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
    expect(fix.commands).toEqual(['ACL SETUSER stray resetkeys ~cache:* -flushall clearselectors "(+lrange -flushall)"']);
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
    expect(passwordFix("legacy", undefined).commands).toEqual(["ACL SETUSER legacy resetpass #SHA256_OF_NEW_PASSWORD"]);
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
