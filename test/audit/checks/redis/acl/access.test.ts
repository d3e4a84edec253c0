/**
 * The ACL access model in memory: what one user can do to the queue keys and to the server,
 * by Redis 7's ACL rules (key patterns with %R/%W permissions, commands and categories
 * applied in order, subcommands, selectors), each grant naming the rule that grants it.
 * access-live.test.ts proves the same rules against a real server with ACL DRYRUN.
 */
import { describe, expect, it } from "vitest";
import { describeAccess, permits, SERVER_WIDE_COMMANDS, userAccess } from "../../../../../lib/audit/checks/redis/acl/access.js";
import { parseUser } from "../../../../../lib/audit/model/redis/acl-rules.js";
import { BUNDLED_COMMANDS } from "../../../../../lib/audit/model/redis/commands.js";

/** The sidekiq preset's queue keys. */
const QUEUE = ["queue:*", "queues", "schedule", "retry", "dead"];
const user = (rules: string, name = "u") => parseUser(name, rules, BUNDLED_COMMANDS);
const access = (rules: string, keys: readonly string[] = QUEUE) => userAccess(user(rules), keys, BUNDLED_COMMANDS);
const can = (rules: string, command: string, keys: string[]) => permits(user(rules), command, keys, BUNDLED_COMMANDS);

describe("userAccess: which queue keys a user reads and changes", () => {
  it("a plain ~pattern reads and changes the queue keys it reaches, each grant naming its rules", () => {
    expect(access("on ~queue:* -@all +lpush +lrange")).toStrictEqual({
      user: "u",
      on: true,
      nopass: false,
      read: { rule: "~queue:* +lrange", patterns: ["queue:*"], queueKeys: ["queue:*"], commands: ["lrange"], commandCount: 1 },
      write: { rule: "~queue:* +lpush", patterns: ["queue:*"], queueKeys: ["queue:*"], commands: ["lpush"], commandCount: 1 },
      dangerous: [],
      listsKeyNames: [],
    });
  });

  it("%R~ reads but cannot change; LPOP, which reads and changes, needs both on one pattern, so only LRANGE counts", () => {
    const a = access("on %R~queue:* -@all +lrange +lpush +lpop");
    expect(a.read).toStrictEqual({
      rule: "%R~queue:* +lrange",
      patterns: ["queue:*"],
      queueKeys: ["queue:*"],
      commands: ["lrange"],
      commandCount: 1,
    });
    expect(a.write).toBeUndefined();
  });

  it("%R~ with only commands that also change the key reads nothing: Redis refuses them all", () => {
    expect(access("on %R~queue:* -@all +lpop +getdel").read).toBeUndefined();
  });

  it("%W~ changes without reading; LPOP needs both permissions on one pattern, so only LPUSH counts", () => {
    const a = access("on %W~queue:* -@all +lpush +lpop +lrange");
    expect(a.read).toBeUndefined();
    expect(a.write).toStrictEqual({
      rule: "%W~queue:* +lpush",
      patterns: ["queue:*"],
      queueKeys: ["queue:*"],
      commands: ["lpush"],
      commandCount: 1,
    });
  });

  it("%R~ and %W~ on the same pattern merge into one that reads and changes, as Redis merges them", () => {
    const grant = {
      rule: "%R~queue:* %W~queue:* +lpop",
      patterns: ["queue:*"],
      queueKeys: ["queue:*"],
      commands: ["lpop"],
      commandCount: 1,
    };
    const a = access("on %R~queue:* %W~queue:* -@all +lpop");
    expect(a.read).toStrictEqual(grant);
    expect(a.write).toStrictEqual(grant);
    expect(access("on %R~queue:* %W~queue:* -@all +migrate").dangerous).toStrictEqual([
      { command: "MIGRATE", effect: "moves queue keys to another server", rule: "%R~queue:* %W~queue:* +migrate" },
    ]);
  });

  it("%R~ and %W~ on different patterns do not grant LPOP, even where both match the key: Redis wants one pattern with both", () => {
    const a = access("on %R~queue:* %W~queue:d* -@all +lpop");
    expect(a.read).toBeUndefined();
    expect(a.write).toBeUndefined();
  });

  it("LPOP counts once one reaching pattern has both permissions, whatever the other reaching patterns lack", () => {
    // %R~queue:* and %W~queue:x* each lack one permission; ~queue:d* has both, so LPOP on queue:default is allowed.
    const a = access("on %R~queue:* %W~queue:x* ~queue:d* -@all +lpop");
    expect(a.read).toStrictEqual({
      rule: "%R~queue:* ~queue:d* +lpop",
      patterns: ["queue:*", "queue:d*"],
      queueKeys: ["queue:*"],
      commands: ["lpop"],
      commandCount: 1,
    });
    expect(a.write).toStrictEqual({
      rule: "%W~queue:x* ~queue:d* +lpop",
      patterns: ["queue:x*", "queue:d*"],
      queueKeys: ["queue:*"],
      commands: ["lpop"],
      commandCount: 1,
    });
    expect(can("on %R~queue:* %W~queue:x* ~queue:d* -@all +lpop", "lpop", ["queue:default"])).toBe(true);
  });

  it("%RW~ is ~: LPOP is both a read and a write", () => {
    const a = access("on %RW~queue:* -@all +lpop");
    expect(a.read).toStrictEqual({
      rule: "%RW~queue:* +lpop",
      patterns: ["queue:*"],
      queueKeys: ["queue:*"],
      commands: ["lpop"],
      commandCount: 1,
    });
    expect(a.write).toStrictEqual({
      rule: "%RW~queue:* +lpop",
      patterns: ["queue:*"],
      queueKeys: ["queue:*"],
      commands: ["lpop"],
      commandCount: 1,
    });
  });

  it("allkeys and ~* reach every queue key", () => {
    expect(access("on allkeys -@all +get").read).toStrictEqual({
      rule: "allkeys +get",
      patterns: ["*"],
      queueKeys: ["queue:*", "queues", "schedule", "retry", "dead"],
      commands: ["get"],
      commandCount: 1,
    });
    expect(access("on ~* -@all +del").write?.queueKeys).toStrictEqual(QUEUE);
  });

  it("a pattern that is not a prefix of the queue keys still reaches them (~*:default, ~q*)", () => {
    const a = access("on ~cache:* ~*:default ~q* -@all +get");
    expect(a.read).toStrictEqual({
      rule: "~*:default ~q* +get",
      patterns: ["*:default", "q*"],
      queueKeys: ["queue:*", "queues"],
      commands: ["get"],
      commandCount: 1,
    });
  });

  it("stays silent for patterns that reach no queue key", () => {
    const a = access("on ~cache:* ~queue ~queues:* ~sched %R~retry:* -@all +@all");
    expect(a.read).toBeUndefined();
    expect(a.write).toBeUndefined();
  });

  it("stays silent when the reaching pattern has no command that uses keys that way", () => {
    // EXISTS and TYPE take keys but neither read nor change them.
    const a = access("on ~* -@all +exists +type +publish");
    expect(a.read).toBeUndefined();
    expect(a.write).toBeUndefined();
  });

  it("a command denied after being allowed grants nothing", () => {
    const a = access("on ~queue:* -@all +lpush +get -get +lrange -lpush");
    expect(a.read).toStrictEqual({
      rule: "~queue:* +lrange",
      patterns: ["queue:*"],
      queueKeys: ["queue:*"],
      commands: ["lrange"],
      commandCount: 1,
    });
    expect(a.write).toBeUndefined();
  });

  it("a granted command the command table does not know uses no key", () => {
    const a = access("on ~queue:* -@all +nosuchcommand");
    expect(a.read).toBeUndefined();
    expect(a.write).toBeUndefined();
  });

  it("a pattern written twice is one pattern, named once, as Redis keeps it", () => {
    expect(access("on ~queue:* ~queue:* -@all +get").read).toStrictEqual({
      rule: "~queue:* +get",
      patterns: ["queue:*"],
      queueKeys: ["queue:*"],
      commands: ["get"],
      commandCount: 1,
    });
  });

  it("keys before resetkeys no longer reach the queue", () => {
    const a = access("on ~* resetkeys ~cache:* +@all");
    expect(a.read).toBeUndefined();
    expect(a.write).toBeUndefined();
  });

  it("nocommands after allcommands leaves nothing; reset leaves an off user with nothing", () => {
    expect(access("on ~* allcommands nocommands")).toStrictEqual({ user: "u", on: true, nopass: false, dangerous: [], listsKeyNames: [] });
    expect(access("on nopass ~* +@all reset")).toStrictEqual({ user: "u", on: false, nopass: false, dangerous: [], listsKeyNames: [] });
  });

  it("reports on/off and nopass as parsed", () => {
    expect(access("off nopass ~cache:*")).toMatchObject({ on: false, nopass: true });
    expect(access("on nopass >secret")).toMatchObject({ on: true, nopass: false });
    expect(access("on nopass resetpass")).toMatchObject({ on: true, nopass: false });
  });

  it("shows six commands, sorted, and counts them all", () => {
    const a = access("on ~queue:* -@all +rpush +lpush +lset +linsert +lrem +ltrim +lpushx");
    expect(a.write).toStrictEqual({
      rule: "~queue:* +rpush +lpush +lset +linsert +lrem +ltrim +lpushx",
      patterns: ["queue:*"],
      queueKeys: ["queue:*"],
      commands: ["linsert", "lpush", "lpushx", "lrem", "lset", "ltrim"],
      commandCount: 7,
    });
  });

  it("a category names itself once in the rule, as the last rule that granted its commands", () => {
    expect(access("on ~* -@all +@read -@dangerous").read).toStrictEqual({
      rule: "~* +@read",
      patterns: ["*"],
      queueKeys: QUEUE,
      commands: ["bitcount", "bitfield_ro", "bitpos", "dump", "expiretime", "geodist"],
      commandCount: 64,
    });
    expect(access("on ~queue:* -@all +@list +lpush").write?.rule).toBe("~queue:* +@list +lpush");
  });

  it("only the queue keys a pattern reaches are listed, each once", () => {
    const a = access("on ~queue:* ~q* ~retry -@all +get");
    expect(a.read?.queueKeys).toStrictEqual(["queue:*", "queues", "retry"]);
    expect(a.read?.patterns).toStrictEqual(["queue:*", "q*", "retry"]);
  });
});

describe("userAccess: selectors (Redis 7)", () => {
  it("a selector reaching the queue is named as written", () => {
    const a = access("on resetchannels ~cache:* -@all +get +set (~queue:* -@all +lrange)");
    expect(a.read).toStrictEqual({
      rule: "(~queue:* -@all +lrange)",
      patterns: ["queue:*"],
      queueKeys: ["queue:*"],
      commands: ["lrange"],
      commandCount: 1,
    });
    expect(a.write).toBeUndefined();
  });

  it("the root's grant comes first, then the selectors' in order", () => {
    expect(access("on ~queue:* -@all +lrange (~* -@all +get)").read?.rule).toBe("~queue:* +lrange");
    expect(access("on ~cache:* -@all +get (~cache:* +@all) (~retry -@all +zrange) (~* -@all +get)").read?.rule).toBe(
      "(~retry -@all +zrange)",
    );
  });

  it("a selector's commands do not combine with the root's keys", () => {
    const a = access("on ~queue:* -@all (~cache:* -@all +lrange +lpush)");
    expect(a.read).toBeUndefined();
    expect(a.write).toBeUndefined();
  });
});

describe("userAccess: keyspace- and server-wide commands", () => {
  it("a keyless dangerous command counts whatever the key patterns, named with the command rule", () => {
    expect(access("on resetkeys -@all +flushall +config|set +client|kill +replicaof").dangerous).toStrictEqual([
      { command: "FLUSHALL", effect: "deletes every key", rule: "+flushall" },
      { command: "CONFIG SET", effect: "reconfigures the server (dir, dbfilename, requirepass, …)", rule: "+config|set" },
      { command: "CLIENT KILL", effect: "disconnects other clients, workers included", rule: "+client|kill" },
      { command: "REPLICAOF", effect: "replaces the dataset with another server's", rule: "+replicaof" },
    ]);
  });

  it("+container grants every subcommand, each dangerous one listed", () => {
    expect(access("on -@all +config").dangerous).toStrictEqual([
      { command: "CONFIG GET", effect: "reads the server's configuration", rule: "+config" },
      { command: "CONFIG RESETSTAT", effect: "resets server statistics", rule: "+config" },
      { command: "CONFIG REWRITE", effect: "rewrites the server's config file", rule: "+config" },
      { command: "CONFIG SET", effect: "reconfigures the server (dir, dbfilename, requirepass, …)", rule: "+config" },
    ]);
  });

  it("-cmd|sub takes one subcommand away", () => {
    expect(access("on -@all +config -config|set -config|rewrite -config|resetstat").dangerous).toStrictEqual([
      { command: "CONFIG GET", effect: "reads the server's configuration", rule: "+config" },
    ]);
  });

  it("+@all on other keys still grants every server-wide command; -@dangerous takes them all away", () => {
    expect(access("on ~cache:* +@all").dangerous).toStrictEqual([
      { command: "ACL DELUSER", effect: "deletes users", rule: "+@all" },
      { command: "ACL LOAD", effect: "replaces every user from the ACL file", rule: "+@all" },
      { command: "ACL SAVE", effect: "writes the ACL file", rule: "+@all" },
      { command: "ACL SETUSER", effect: "changes any user's permissions, its own included", rule: "+@all" },
      { command: "CLIENT KILL", effect: "disconnects other clients, workers included", rule: "+@all" },
      { command: "CONFIG GET", effect: "reads the server's configuration", rule: "+@all" },
      { command: "CONFIG RESETSTAT", effect: "resets server statistics", rule: "+@all" },
      { command: "CONFIG REWRITE", effect: "rewrites the server's config file", rule: "+@all" },
      { command: "CONFIG SET", effect: "reconfigures the server (dir, dbfilename, requirepass, …)", rule: "+@all" },
      { command: "DEBUG", effect: "can crash, stall or reload the server", rule: "+@all" },
      { command: "FAILOVER", effect: "hands the primary role to another server", rule: "+@all" },
      { command: "FLUSHALL", effect: "deletes every key", rule: "+@all" },
      { command: "FLUSHDB", effect: "deletes every key of the database", rule: "+@all" },
      { command: "KEYS", effect: "lists every key name and blocks the server while it does", rule: "+@all" },
      { command: "MODULE LOAD", effect: "loads native code into the server", rule: "+@all" },
      { command: "MODULE LOADEX", effect: "loads native code into the server", rule: "+@all" },
      { command: "MODULE UNLOAD", effect: "unloads server modules", rule: "+@all" },
      { command: "MONITOR", effect: "streams every command, job payloads included", rule: "+@all" },
      { command: "PSYNC", effect: "copies the whole dataset (replication)", rule: "+@all" },
      { command: "REPLICAOF", effect: "replaces the dataset with another server's", rule: "+@all" },
      { command: "SHUTDOWN", effect: "stops the server", rule: "+@all" },
      { command: "SLAVEOF", effect: "replaces the dataset with another server's", rule: "+@all" },
      { command: "SWAPDB", effect: "swaps whole databases", rule: "+@all" },
      { command: "SYNC", effect: "copies the whole dataset (replication)", rule: "+@all" },
    ]);
    expect(access("on ~cache:* allcommands").dangerous[0]).toStrictEqual({
      command: "ACL DELUSER",
      effect: "deletes users",
      rule: "allcommands",
    });
    expect(access("on ~cache:* +@all -@dangerous").dangerous).toStrictEqual([]);
  });

  it("every server-wide command the model knows is in the bundled command table", () => {
    expect(Object.keys(SERVER_WIDE_COMMANDS).filter((id) => !(id in BUNDLED_COMMANDS.commands))).toStrictEqual([]);
  });

  it("MIGRATE counts only with write access to a queue key, named with that key rule", () => {
    expect(access("on ~queue:* -@all +migrate").dangerous).toStrictEqual([
      { command: "MIGRATE", effect: "moves queue keys to another server", rule: "~queue:* +migrate" },
    ]);
    expect(access("on %R~queue:* -@all +migrate").dangerous).toStrictEqual([]);
    expect(access("on ~cache:* -@all +migrate").dangerous).toStrictEqual([]);
  });

  it("MIGRATE reads and deletes the key, so a write-only pattern does not grant it (as Redis wants one pattern with both)", () => {
    expect(access("on %W~queue:* -@all +migrate").dangerous).toStrictEqual([]);
    expect(can("on %W~queue:* -@all +migrate", "migrate", ["queue:default"])).toBe(false);
    expect(access("on %W~queue:* %RW~dead -@all +migrate").dangerous).toStrictEqual([
      { command: "MIGRATE", effect: "moves queue keys to another server", rule: "%RW~dead +migrate" },
    ]);
  });

  it("EVAL and FCALL count only with one pattern that reads and changes every key", () => {
    expect(access("on ~* -@all +eval +evalsha +eval_ro +evalsha_ro +fcall +fcall_ro").dangerous).toStrictEqual([
      { command: "EVAL", effect: "runs scripts on any key", rule: "~* +eval" },
      { command: "EVALSHA", effect: "runs scripts on any key", rule: "~* +evalsha" },
      { command: "EVAL_RO", effect: "runs read-only scripts on any key", rule: "~* +eval_ro" },
      { command: "EVALSHA_RO", effect: "runs read-only scripts on any key", rule: "~* +evalsha_ro" },
      { command: "FCALL", effect: "runs functions on any key", rule: "~* +fcall" },
      { command: "FCALL_RO", effect: "runs read-only functions on any key", rule: "~* +fcall_ro" },
    ]);
    expect(access("on ~queue:* -@all +eval +evalsha +eval_ro +evalsha_ro +fcall +fcall_ro").dangerous).toStrictEqual([]);
    expect(access("on %R~* %W~queue:* -@all +eval").dangerous).toStrictEqual([]);
    expect(access("on %R~* %W~* -@all +eval").dangerous).toStrictEqual([
      { command: "EVAL", effect: "runs scripts on any key", rule: "%R~* %W~* +eval" },
    ]);
    expect(access("on allkeys -@all +eval").dangerous).toStrictEqual([
      { command: "EVAL", effect: "runs scripts on any key", rule: "allkeys +eval" },
    ]);
  });

  it("names the key rule that grants MIGRATE or EVAL, not the first pattern written", () => {
    expect(access("on ~cache:* ~queue:* -@all +migrate").dangerous).toStrictEqual([
      { command: "MIGRATE", effect: "moves queue keys to another server", rule: "~queue:* +migrate" },
    ]);
    expect(access("on ~cache:* %R~** ~* -@all +eval").dangerous).toStrictEqual([
      { command: "EVAL", effect: "runs scripts on any key", rule: "~* +eval" },
    ]);
  });

  it("script and function housekeeping is not dangerous", () => {
    expect(access("on ~cache:* -@all +script|flush +script|kill +function|flush +function|delete +info").dangerous).toStrictEqual([]);
  });

  it("a selector's dangerous command is named by the selector; the root's wins when both grant it", () => {
    expect(access("on -@all (~cache:* -@all +flushdb)").dangerous).toStrictEqual([
      { command: "FLUSHDB", effect: "deletes every key of the database", rule: "(~cache:* -@all +flushdb)" },
    ]);
    expect(access("on -@all (~* -@all +eval)").dangerous).toStrictEqual([
      { command: "EVAL", effect: "runs scripts on any key", rule: "(~* -@all +eval)" },
    ]);
    expect(access("on -@all +flushdb (~cache:* -@all +flushdb)").dangerous).toStrictEqual([
      { command: "FLUSHDB", effect: "deletes every key of the database", rule: "+flushdb" },
    ]);
  });

  it("SCAN and RANDOMKEY only list key names, from any selector, and are not dangerous", () => {
    expect(access("on -@all +randomkey +scan")).toMatchObject({ dangerous: [], listsKeyNames: ["SCAN", "RANDOMKEY"] });
    expect(access("on -@all (+randomkey)").listsKeyNames).toStrictEqual(["RANDOMKEY"]);
    expect(access("on ~* -@all +sscan +get").listsKeyNames).toStrictEqual([]);
  });
});

describe("describeAccess: one phrase of what the user can do", () => {
  it("joins reads, changes and dangerous commands", () => {
    expect(describeAccess(access("on ~queue:* ~schedule -@all +lrange +zadd +flushall +keys"))).toBe(
      "reads queue:*, schedule (~queue:* ~schedule +lrange); changes queue:*, schedule (~queue:* ~schedule +zadd); can run FLUSHALL, KEYS",
    );
  });

  it("says each part alone", () => {
    expect(describeAccess(access("on %R~retry -@all +zrange"))).toBe("reads retry (%R~retry +zrange)");
    expect(describeAccess(access("on %W~dead -@all +zadd"))).toBe("changes dead (%W~dead +zadd)");
    expect(describeAccess(access("on -@all +shutdown"))).toBe("can run SHUTDOWN");
  });

  it("says so when there is nothing", () => {
    expect(describeAccess(access("on ~cache:* -@all +get +scan"))).toBe("reads or changes no queue key");
  });
});

describe("permits: what ACL DRYRUN would answer, by the model", () => {
  it("grants a command on keys one pattern covers with the permissions it needs", () => {
    expect(can("on ~queue:* -@all +lpush", "lpush", ["queue:default"])).toBe(true);
    expect(can("on %W~queue:* -@all +lpush", "lpush", ["queue:default"])).toBe(true);
    expect(can("on %R~queue:* -@all +lpush", "lpush", ["queue:default"])).toBe(false);
    expect(can("on %R~queue:* -@all +lrange", "lrange", ["queue:default"])).toBe(true);
    expect(can("on %W~queue:* -@all +lrange", "lrange", ["queue:default"])).toBe(false);
  });

  it("wants read and write on one pattern for a command that does both", () => {
    expect(can("on %R~queue:* %W~queue:d* -@all +lpop", "lpop", ["queue:default"])).toBe(false);
    expect(can("on %R~queue:* %W~queue:* -@all +lpop", "lpop", ["queue:default"])).toBe(true); // merged, as Redis does
    expect(can("on %W~queue:* %R~queue:* -@all +getdel", "getdel", ["queue:default"])).toBe(true);
    expect(can("on %RW~queue:* -@all +lpop", "lpop", ["queue:default"])).toBe(true);
  });

  it("denies a disabled user everything", () => {
    expect(can("off ~* +@all", "get", ["queue:default"])).toBe(false);
    expect(can("off ~* +@all", "flushall", [])).toBe(false);
  });

  it("denies a command not granted, or granted then taken away", () => {
    expect(can("on ~* -@all +get", "lrange", ["queue:default"])).toBe(false);
    expect(can("on ~* +@all -lrange", "lrange", ["queue:default"])).toBe(false);
    expect(can("on ~* +@all -@dangerous", "flushall", [])).toBe(false);
  });

  it("grants a keyless command whatever the key patterns", () => {
    expect(can("on resetkeys -@all +flushall", "flushall", [])).toBe(true);
    expect(can("on -@all +client|kill", "client|kill", [])).toBe(true);
  });

  it("needs every key covered, within one selector", () => {
    expect(can("on ~a -@all +mget", "mget", ["a", "b"])).toBe(false);
    expect(can("on ~a ~b -@all +mget", "mget", ["a", "b"])).toBe(true);
    expect(can("on ~a -@all +mget (~b -@all +get)", "mget", ["a", "b"])).toBe(false);
    expect(can("on ~a -@all (~b -@all +mget)", "mget", ["b"])).toBe(true);
    expect(can("on ~a -@all (~b -@all +mget)", "mget", ["a"])).toBe(false);
  });

  it("reads a key name literally: a key named queue:* is not queue:default", () => {
    expect(can("on ~queue:default -@all +get", "get", ["queue:*"])).toBe(false);
    expect(can("on ~queue:? -@all +get", "get", ["queue:["])).toBe(true);
    expect(can("on ~queue:default -@all +get", "get", ["queue:default"])).toBe(true);
  });
});

describe("permits on the users of access-live.test.ts (the in-memory twin of its ACL DRYRUN table)", () => {
  const PROBES: [string, string[]][] = [
    ["get", ["queue:default"]],
    ["lrange", ["queue:default"]],
    ["lpush", ["queue:default"]],
    ["lpop", ["queue:default"]],
    ["del", ["schedule"]],
    ["zadd", ["retry"]],
    ["get", ["cache:page"]],
    ["flushall", []],
    ["config|set", []],
    ["client|kill", []],
    ["keys", []],
  ];
  // One character per probe, in order: 1 = permitted.
  it.each([
    ["ops_admin", "on ~* &* +@all", "11111111111"],
    ["sidekiq_worker", "on ~queue:* ~queues ~schedule ~retry ~dead -@all +@read +@write -@dangerous", "11111100000"],
    ["sidekiq_web", "on %R~queue:* %R~queues %R~schedule %R~retry %R~dead -@all +@read -@dangerous", "11000000000"],
    ["reporting", "on ~queue:* ~schedule -@all +@read +@write -@dangerous", "11111000000"],
    ["stray_keys", "on ~*:default ~cache:* -@all +@read +@write -@dangerous", "11110010000"],
    ["analytics", "on ~* -@all +@read -@dangerous", "11000010000"],
    ["cache_selector", "on ~cache:* -@all +get +set (~queue:* -@all +lrange)", "01000010000"],
    ["pusher", "on %W~queue:* -@all +lpush", "00100000000"],
    ["legacy", "on nopass ~legacy:* -@all +get", "00000000000"],
    ["cache", "on ~cache:* +@all", "00000011111"],
    ["ops_bot", "on resetkeys -@all +config|set +client|kill +replicaof", "00000000110"],
    ["retired", "off ~* +@all", "00000000000"],
    ["cache_safe", "on ~cache:* +@all -@dangerous", "00000010000"],
    ["events", "on resetkeys &jobs:* -@all +@pubsub", "00000000000"],
  ])("%s (%s) → %s", (_name, rules, expected) => {
    expect(PROBES.map(([command, keys]) => (can(rules, command, keys) ? "1" : "0")).join("")).toBe(expected);
  });
});

describe("command names that are also names of JavaScript object properties", () => {
  it("are plain unknown commands, not taken from the tables' prototypes", () => {
    // Redis refuses such names, but an offline ACL file is anyone's text.
    expect(access("on ~* +constructor +__proto__ +tostring")).toMatchObject({ dangerous: [], listsKeyNames: [] });
    expect(access("on ~* +constructor").read).toBeUndefined();
    expect(can("on ~* +constructor", "constructor", ["queue:default"])).toBe(true);
  });
});
