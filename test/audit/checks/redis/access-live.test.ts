/**
 * The Redis access checks against a real redis-server with an ACL built here, judged
 * against the Sidekiq preset. Every trap is proven by logging in as that user and doing
 * it; every control is proven harmless the same way. Then the same users, as ElastiCache
 * access strings in an offline inventory, must give the same verdicts; and the fixes the
 * findings carry, applied to the server, must clear them.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { permits } from "../../../../lib/audit/checks/redis/acl/access.js";
import { redisChecks } from "../../../../lib/audit/checks/redis/index.js";
import { type ConfigInput, configSchema } from "../../../../lib/audit/config/schema.js";
import { evaluateChecks } from "../../../../lib/audit/engine.js";
import type { CheckResult } from "../../../../lib/audit/findings/model.js";
import { readOfflineInventory } from "../../../../lib/audit/inventory/offline.js";
import { parseAclListLine } from "../../../../lib/audit/model/redis/acl-rules.js";
import { BUNDLED_COMMANDS } from "../../../../lib/audit/model/redis/commands.js";
import { probeRedis } from "../../../../lib/audit/probes/redis/index.js";
import type { RedisObservation } from "../../../../lib/audit/probes/redis/types.js";
import { type RedisServer, removeDir, startRedis, tempDir } from "../../../support/redis.js";
import { type Session, session, splitRedisCliLine } from "../../../support/redis-client.js";
import { commandUnavailable, skipWithout } from "../../../support/services.js";

const pw = () => randomBytes(12).toString("hex");
const PW = {
  auditor: pw(),
  ops_admin: pw(),
  sidekiq_worker: pw(),
  sidekiq_web: pw(),
  reporting: pw(),
  stray_keys: pw(),
  analytics: pw(),
  cache_selector: pw(),
  pusher: pw(),
  cache: pw(),
  ops_bot: pw(),
  retired: pw(),
  cache_safe: pw(),
  events: pw(),
};
type Name = keyof typeof PW | "legacy";

// The audit user of docs/redis.md.
const AUDITOR = `user auditor on >${PW.auditor} resetchannels -@all +acl|getuser +acl|list +acl|log +command|info +acl|cat`;

/** The ACL: one user per kind of access the issue names, each with a password unless it is the nopass trap. */
const USERS: Record<Name, string> = {
  auditor: "",
  // Policy: admin, and two principals.
  ops_admin: "on ~* &* +@all",
  sidekiq_worker: "on resetchannels ~queue:* ~queues ~schedule ~retry ~dead ~processes ~stat:* -@all +@read +@write -@dangerous",
  sidekiq_web: "on resetchannels %R~queue:* %R~queues %R~schedule %R~retry %R~dead -@all +@read -@dangerous",
  // A principal allowed [read] that can also write.
  reporting: "on resetchannels ~queue:* ~schedule -@all +@read +@write -@dangerous",
  // Traps.
  stray_keys: "on resetchannels ~*:default ~cache:* -@all +@read +@write -@dangerous", // key pattern reaching queue:default
  analytics: "on resetchannels ~* -@all +@read -@dangerous", // read-all
  cache_selector: "on resetchannels ~cache:* -@all +get +set (~queue:* -@all +lrange)", // selector
  pusher: "on resetchannels %W~queue:* -@all +lpush", // %W~ write-only
  legacy: "on nopass resetchannels ~legacy:* -@all +get", // nopass
  cache: "on resetchannels ~cache:* +@all", // keyspace-wide: +@all on other keys still FLUSHALLs
  ops_bot: "on resetchannels resetkeys -@all +config|set +client|kill +replicaof", // dangerous commands, no keys
  // Controls.
  retired: "off ~* +@all", // disabled
  cache_safe: "on resetchannels ~cache:* +@all -@dangerous", // -@dangerous, other keys
  events: "on resetkeys resetchannels &jobs:* -@all +@pubsub", // pub/sub only
};

const withPassword = (name: Name, rules: string) => (name === "legacy" ? rules : `${rules} >${PW[name as keyof typeof PW]}`);
const aclLines = () => [
  "user default off",
  AUDITOR,
  ...Object.entries(USERS)
    .filter(([n]) => n !== "auditor")
    .map(([n, r]) => `user ${n} ${withPassword(n as Name, r)}`),
];

const env = { QA_REDIS_AUDITOR: PW.auditor };

function target(port: number): NonNullable<ConfigInput["redis"]>[number] {
  return {
    name: "jobs-redis",
    endpoint: { host: "127.0.0.1", port },
    tls: "optional",
    timeoutSeconds: 2,
    credentials: { username: "auditor", password: { env: "QA_REDIS_AUDITOR" } },
    queue: "sidekiq",
    admins: ["ops_admin"],
    principals: { sidekiq_worker: ["read", "write"], sidekiq_web: ["read"], reporting: ["read"] },
  };
}

const ACCESS_CHECKS = ["redis-unexpected-user", "redis-excess-access", "redis-dangerous-commands", "redis-nopass-user"];

interface Audit {
  observation: RedisObservation;
  results: CheckResult[];
}

async function audit(port: number): Promise<Audit> {
  const config = configSchema.parse({ version: 1, redis: [target(port)] });
  const [observation] = await probeRedis(config.redis, { credentials: { env } });
  const results = evaluateChecks({
    config,
    inventory: { partitions: [] },
    now: new Date(),
    observations: { redis: [observation as RedisObservation] },
  });
  const everything = JSON.stringify({ observation, results });
  for (const secret of Object.values(PW)) expect(everything).not.toContain(secret);
  return { observation: observation as RedisObservation, results: results.filter((r) => ACCESS_CHECKS.includes(r.checkId)) };
}

const failing = (a: { results: CheckResult[] }, checkId: string) =>
  a.results
    .filter((r) => r.checkId === checkId && r.status === "FAIL")
    .map((r) => r.subject)
    .sort();

describe.skipIf(skipWithout("redis-server", commandUnavailable("redis-server")))("Redis access against the Sidekiq preset", () => {
  const dir = tempDir("redis-access");
  let server: RedisServer;
  let port: number;
  let first: Audit;
  const sessions: Session[] = [];
  const as = async (name: Name, password = name === "legacy" ? pw() : PW[name as keyof typeof PW]) => {
    const s = await session(port, name, password);
    sessions.push(s);
    return s;
  };

  beforeAll(async () => {
    server = await startRedis(dir, "access", { conf: aclLines() });
    port = server.port as number;
    const admin = await as("ops_admin");
    await admin.line("LPUSH", "queue:default", '{"class":"ChargeCard","args":["tok_live_secret"]}');
    await admin.line("SADD", "queues", "default");
    await admin.line("SET", "cache:page", "<html>");
    first = await audit(port);
  });

  afterAll(async () => {
    for (const s of sessions) s.close();
    await server?.stop();
    removeDir(dir);
  });

  it("reads every user with the server's own command table", () => {
    expect(first.observation.acl?.outcome).toBe("read");
    expect(first.observation.acl?.users).toHaveLength(Object.keys(USERS).length + 1);
    expect(first.observation.acl?.commandsSource).toContain("live COMMAND INFO");
    expect(first.observation.acl?.users?.join("\n")).toContain("#<redacted>");
  });

  it("judges each user right: traps fail, principals within policy and controls stay silent", () => {
    expect(failing(first, "redis-unexpected-user")).toEqual(["analytics", "cache_selector", "pusher", "stray_keys"]);
    expect(failing(first, "redis-excess-access")).toEqual(["reporting"]);
    expect(failing(first, "redis-dangerous-commands")).toEqual(["cache", "ops_bot"]);
    expect(failing(first, "redis-nopass-user")).toEqual(["legacy"]);
    expect(first.results.filter((r) => r.status === "ERROR")).toEqual([]);
  });

  it("names the granting rule and says the keys hold job payloads", () => {
    const byUser = (checkId: string, user: string) => first.results.find((r) => r.checkId === checkId && r.subject === user) as CheckResult;
    expect(byUser("redis-unexpected-user", "analytics").message).toContain("(~* +@read)");
    expect(byUser("redis-unexpected-user", "analytics").message).toContain("job payloads");
    expect(byUser("redis-unexpected-user", "cache_selector").message).toContain("(~queue:* resetchannels -@all +lrange)");
    expect(byUser("redis-unexpected-user", "stray_keys").evidence).toMatchObject({
      read: { patterns: ["*:default"], queueKeys: ["queue:*"] },
    });
    expect(byUser("redis-unexpected-user", "pusher").evidence).toMatchObject({
      write: { rule: "%W~queue:* +lpush", commands: ["lpush"] },
    });
    expect(byUser("redis-unexpected-user", "pusher").evidence.read).toBeUndefined();
    expect(byUser("redis-dangerous-commands", "cache").message).toMatch(/FLUSHALL \(deletes every key\)/);
    expect(byUser("redis-excess-access", "reporting").message).toContain("changes the queue keys");
  });

  it("PASS evidence lists what each principal and admin can do", () => {
    const passed = first.results.find((r) => r.checkId === "redis-excess-access" && r.status === "PASS");
    expect(passed).toBeUndefined(); // reporting fails it
    const dangerous = first.results.filter((r) => r.checkId === "redis-dangerous-commands");
    expect(dangerous.every((r) => r.resource.type === "Redis::User" && r.resource.id === "jobs-redis")).toBe(true);
  });

  describe("the traps, performed", () => {
    it("the read-all, key-pattern and selector users read the job's arguments", async () => {
      for (const name of ["analytics", "stray_keys", "cache_selector"] as const) {
        const s = await as(name);
        expect(s.auth).toBe("+OK");
        const reply = await s.send("LRANGE", "queue:default", "0", "-1");
        expect(JSON.stringify(reply), name).toContain("tok_live_secret");
      }
    });

    it("the %W~ user enqueues a job it cannot read back", async () => {
      const s = await as("pusher");
      expect(await s.line("LPUSH", "queue:default", '{"class":"Evil","args":[]}')).toMatch(/^:\d+/);
      expect(await s.line("LRANGE", "queue:default", "0", "-1")).toMatch(/^-NOPERM/);
    });

    it("the nopass user logs in with any password", async () => {
      const s = await as("legacy", "not-its-password");
      expect(s.auth).toBe("+OK");
    });

    it("the principal allowed to read deletes the queue", async () => {
      const s = await as("reporting");
      expect(await s.line("DEL", "schedule")).toMatch(/^:\d/);
    });

    it("the operations bot can CONFIG SET and CLIENT KILL without a single key", async () => {
      const s = await as("ops_bot");
      expect(await s.line("CONFIG", "SET", "maxmemory-policy", "noeviction")).toBe("+OK");
      expect(await s.line("GET", "queue:default")).toMatch(/^-NOPERM/);
    });
  });

  describe("the controls, performed", () => {
    it("a disabled user cannot log in", async () => {
      const s = await as("retired");
      expect(s.auth).toMatch(/^-WRONGPASS/);
    });

    it("a -@dangerous user on other keys can neither read the queue nor flush it", async () => {
      const s = await as("cache_safe");
      expect(await s.line("GET", "cache:page")).toBe("$6");
      expect(await s.line("LRANGE", "queue:default", "0", "-1")).toMatch(/^-NOPERM/);
      expect(await s.line("FLUSHALL")).toMatch(/^-NOPERM/);
    });

    it("a pub/sub-only user publishes and touches no key", async () => {
      const s = await as("events");
      expect(await s.line("PUBLISH", "jobs:done", "1")).toMatch(/^:\d/);
      expect(await s.line("GET", "queue:default")).toMatch(/^-NOPERM/);
    });
  });

  it("the model agrees with ACL DRYRUN on every user for the commands that matter", async () => {
    const admin = await as("ops_admin");
    const probes: [string, string[]][] = [
      ["get", ["queue:default"]],
      ["lrange", ["queue:default", "0", "-1"]],
      ["lpush", ["queue:default", "x"]],
      ["lpop", ["queue:default"]],
      ["del", ["schedule"]],
      ["zadd", ["retry", "1", "x"]],
      ["get", ["cache:page"]],
      ["flushall", []],
      ["config|set", ["maxmemory-policy", "noeviction"]],
      ["client|kill", ["ID", "1"]],
      ["keys", ["*"]],
    ];
    const keysOf: Record<string, (args: string[]) => string[]> = {
      "config|set": () => [],
      "client|kill": () => [],
      keys: () => [],
      flushall: () => [],
    };
    for (const line of first.observation.acl?.users ?? []) {
      const user = parseAclListLine(line, BUNDLED_COMMANDS);
      if (user.name === "default" || !user.on) continue;
      for (const [command, args] of probes) {
        const argv = [...command.split("|"), ...args];
        const reply = await admin.line("ACL", "DRYRUN", user.name, ...argv);
        const keys = (keysOf[command] ?? ((a: string[]) => a.slice(0, 1)))(args);
        expect(permits(user, command, keys, BUNDLED_COMMANDS), `${user.name} ${argv.join(" ")} → ${reply}`).toBe(reply === "+OK");
      }
    }
  });

  it("the same users as ElastiCache access strings give the same verdicts offline", async () => {
    const inv = path.join(dir, "inventory");
    mkdirSync(inv, { recursive: true });
    const lines = first.observation.acl?.users ?? [];
    const users = lines.map((line, i) => {
      const [, name, rules = ""] = /^user (\S+) ?(.*)$/.exec(line) as RegExpExecArray;
      const nopass = rules.split(" ").includes("nopass");
      // Access strings carry no passwords; the authentication mode says whether one is needed.
      const accessString = rules
        .split(" ")
        .filter((t) => !t.startsWith("#") && t !== "nopass")
        .join(" ");
      return {
        UserId: `user-${i}`,
        UserName: name,
        Status: "active",
        Engine: "redis",
        MinimumEngineVersion: "6.0",
        AccessString: accessString,
        UserGroupIds: ["queue-users"],
        Authentication: nopass ? { Type: "no-password" } : { Type: "password", PasswordCount: 1 },
        ARN: `arn:aws:elasticache:eu-west-1:111122223333:user:user-${i}`,
      };
    });
    const write = (file: string, body: unknown) => writeFileSync(path.join(inv, file), JSON.stringify(body));
    write("meta.json", { capturedAt: "2026-12-01T00:00:00Z", account: "111122223333", region: "eu-west-1" });
    write("ec2-describe-security-groups.json", { SecurityGroups: [] });
    write("rds-describe-db-instances.json", { DBInstances: [] });
    write("elasticache-describe-cache-clusters.json", { CacheClusters: [] });
    write("elasticache-describe-replication-groups.json", {
      ReplicationGroups: [
        {
          ReplicationGroupId: "jobs-redis",
          Status: "available",
          MemberClusters: [],
          UserGroupIds: ["queue-users"],
          TransitEncryptionEnabled: true,
          AtRestEncryptionEnabled: true,
          Engine: "redis",
          ARN: "arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:jobs-redis",
        },
      ],
    });
    write("elasticache-describe-user-groups.json", {
      UserGroups: [{ UserGroupId: "queue-users", Status: "active", Engine: "redis", UserIds: users.map((u) => u.UserId) }],
    });
    write("elasticache-describe-users.json", { Users: users });

    const { credentials: _, ...policyOnly } = target(port);
    const config = configSchema.parse({ version: 1, targets: { elasticache: ["jobs-redis"] }, redis: [policyOnly] });
    const results = evaluateChecks({ config, inventory: await readOfflineInventory(inv), now: new Date() }).filter((r) =>
      ACCESS_CHECKS.includes(r.checkId),
    );
    const offline = { results };
    for (const checkId of ACCESS_CHECKS) expect(failing(offline, checkId), checkId).toEqual(failing(first, checkId));
    expect(results.filter((r) => r.status === "ERROR")).toEqual([]);
    const cache = results.find((r) => r.checkId === "redis-dangerous-commands" && r.subject === "cache") as CheckResult;
    expect(cache.resource).toMatchObject({ type: "Redis::User", id: "jobs-redis", account: "111122223333", region: "eu-west-1" });
    expect(cache.fix?.kind).toBe("aws-cli");
    expect(cache.fix?.commands[0]).toMatch(/^aws elasticache modify-user --user-id user-\d+ --access-string '.*-flushall.*'$/);
  });

  it("applying the fixes the findings carry clears them, and the workers keep working", async () => {
    const admin = await as("ops_admin");
    const fixes = first.results.filter((r) => r.status === "FAIL" && r.fix?.kind === "redis-acl" && r.checkId !== "redis-nopass-user");
    expect(fixes.length).toBeGreaterThanOrEqual(6);
    for (const f of fixes)
      for (const command of f.fix?.commands ?? []) expect(await admin.line(...splitRedisCliLine(command)), command).toBe("+OK");
    const second = await audit(port);
    expect(failing(second, "redis-unexpected-user")).toEqual([]);
    expect(failing(second, "redis-excess-access")).toEqual([]);
    expect(failing(second, "redis-dangerous-commands")).toEqual([]);
    const cache = await as("cache");
    expect(await cache.line("FLUSHALL")).toMatch(/^-NOPERM/);
    expect(await cache.line("GET", "cache:page")).toBe("$6");
    const worker = await as("sidekiq_worker");
    expect(await worker.line("LPUSH", "queue:default", "{}")).toMatch(/^:\d/);
  });

  it("the keyspace-wide user, last, really FLUSHALLs the queue away on the unfixed ACL", async () => {
    const other = await startRedis(dir, "flush", { conf: aclLines() });
    try {
      const admin = await session(other.port as number, "ops_admin", PW.ops_admin);
      await admin.line("LPUSH", "queue:default", "{}");
      const cache = await session(other.port as number, "cache", PW.cache);
      expect(await cache.line("FLUSHALL")).toBe("+OK");
      expect(await admin.line("EXISTS", "queue:default")).toBe(":0");
      admin.close();
      cache.close();
    } finally {
      await other.stop();
    }
  });

  it("the checks are registered", () => {
    expect(redisChecks.map((c) => c.meta.id)).toEqual(expect.arrayContaining(ACCESS_CHECKS));
  });
});
