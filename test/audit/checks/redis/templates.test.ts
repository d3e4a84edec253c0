/**
 * The least-privilege ACL templates of docs/redis.md, tested the way a worker uses them:
 * a redis-server runs exactly those lines, each library's own command sequence (from its
 * source, with its arguments) runs as the template's user and succeeds, the commands that
 * would wipe or take over the server are refused, and the audit judges the user a
 * principal with nothing in excess.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configSchema } from "../../../../lib/audit/config/schema.js";
import { evaluateChecks } from "../../../../lib/audit/engine.js";
import { probeRedis } from "../../../../lib/audit/probes/redis/index.js";
import { type RedisServer, removeDir, startRedis, tempDir } from "../../../support/redis.js";
import { type Session, session } from "../../../support/redis-client.js";
import { commandUnavailable, skipWithout } from "../../../support/services.js";

const PASSWORD = randomBytes(12).toString("hex");
const AUDITOR_PW = randomBytes(12).toString("hex");

/** The `user …` lines of the ```acl block in docs/redis.md. */
function templates(): Map<string, string> {
  const doc = readFileSync(new URL("../../../../docs/redis.md", import.meta.url), "utf8");
  const block = /```acl\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";
  const lines = block.split("\n").filter((l) => l.startsWith("user "));
  return new Map(lines.map((l) => [l.split(" ")[1] as string, l.replace(">PASSWORD", `>${PASSWORD}`)]));
}

const ID = "worker-1:4242:0a1b2c3d4e5f"; // Sidekiq's process identity: hostname:pid:nonce
const JOB = '{"class":"HardJob","args":[1,2],"jid":"b4a577edbccf1d805744efa9","retry":true,"queue":"default"}';
const ZPOPBYSCORE =
  'local key, now = KEYS[1], ARGV[1]\nlocal jobs = redis.call("zrange", key, "-inf", now, "byscore", "limit", 0, 1)\nif jobs[1] then\n  redis.call("zrem", key, jobs[1])\n  return jobs[1]\nend';

/** What each library sends, in order, per the files docs/redis.md cites. `$SHA` is the loaded script. */
const SEQUENCES: Record<string, string[][]> = {
  sidekiq_worker: [
    ["PING"],
    ["INFO"], // config.rb redis_info, at boot
    ["SADD", "queues", "default"], // client.rb raw_push
    ["LPUSH", "queue:default", JOB],
    ["ZADD", "schedule", "1700000000.5", JOB], // client.rb, scheduled job
    ["SCRIPT", "LOAD", ZPOPBYSCORE], // scheduled.rb Enq#zpopbyscore
    ["EVALSHA", "$SHA", "1", "schedule", "1800000000"],
    ["BRPOP", "queue:default", "queue:low", "1"], // fetch.rb retrieve_work
    ["ZADD", "retry", "1700000100", JOB], // job_retry.rb
    ["MULTI"], // job_retry.rb / processor.rb: to the dead set
    ["ZADD", "dead", "1700000200", JOB],
    ["ZREMRANGEBYSCORE", "dead", "-inf", "1690000000"],
    ["ZREMRANGEBYRANK", "dead", "0", "-10000"],
    ["EXEC"],
    ["MULTI"], // launcher.rb heartbeat: work state
    ["UNLINK", `${ID}:work`],
    ["HSET", `${ID}:work`, "tid-1", JOB],
    ["EXPIRE", `${ID}:work`, "60"],
    ["EXEC"],
    ["MULTI"], // launcher.rb heartbeat: process
    ["SADD", "processes", ID],
    ["EXISTS", ID],
    ["HSET", ID, "info", "{}", "concurrency", "5", "busy", "0", "beat", "1700000000.1", "rtt_us", "100", "quiet", "false", "rss", "1000"],
    ["EXPIRE", ID, "60"],
    ["RPOP", `${ID}-signals`],
    ["EXEC"],
    ["INCRBY", "stat:processed", "1"], // launcher.rb flush_stats
    ["INCRBY", "stat:processed:2026-12-01", "1"],
    ["EXPIRE", "stat:processed:2026-12-01", "157680000"],
    ["HINCRBY", "j|261201|21:4", "HardJob|ms", "12"], // metrics/tracking.rb
    ["EXPIRE", "j|261201|21:4", "28800"],
    ["BITFIELD", "h|HardJob-1", "OVERFLOW", "SAT", "INCRBY", "u16", "#0", "1"], // metrics/shared.rb
    ["SET", "process_cleanup", "1", "NX", "EX", "60"], // api.rb ProcessSet.cleanup
    ["SSCAN", "processes", "0"],
    ["SREM", "processes", ID], // launcher.rb stop
    ["UNLINK", ID, `${ID}:work`],
  ],
  sidekiq_client: [
    ["PING"],
    ["MULTI"], // client.rb raw_push (pipelined)
    ["SADD", "queues", "mailers"],
    ["LPUSH", "queue:mailers", JOB],
    ["EXEC"],
    ["ZADD", "schedule", "1700000000", JOB],
  ],
  resque_worker: [
    ["PING"],
    ["SADD", "resque:queues", "jobs"], // data_store.rb push_to_queue / watch_queue
    ["RPUSH", "resque:queue:jobs", '{"class":"Archive","args":[7]}'],
    ["SADD", "resque:workers", "host:1:jobs"], // register_worker
    ["SET", "resque:worker:host:1:jobs:started", "2026-12-01"],
    ["GET", "resque:pause-all-workers"], // worker.rb paused?
    ["LPOP", "resque:queue:jobs"], // pop_from_queue
    ["SET", "resque:worker:host:1:jobs", '{"queue":"jobs","payload":{}}'], // set_worker_payload
    ["HSET", "resque:workers:heartbeat", "host:1:jobs", "2026-12-01T00:00:00Z"], // heartbeat!
    ["SET", "resque:pruning_dead_workers_in_progress", "host:1:jobs", "EX", "60", "NX"],
    ["HGETALL", "resque:workers:heartbeat"],
    ["INCRBY", "resque:stat:processed", "1"],
    ["INCRBY", "resque:stat:processed:host:1:jobs", "1"],
    ["RPUSH", "resque:failed", "{}"], // failure/redis.rb save
    ["SMEMBERS", "resque:queues"],
    ["MULTI"], // unregister_worker (pipelined)
    ["SREM", "resque:workers", "host:1:jobs"],
    ["DEL", "resque:worker:host:1:jobs"],
    ["DEL", "resque:worker:host:1:jobs:started"],
    ["HDEL", "resque:workers:heartbeat", "host:1:jobs"],
    ["EXEC"],
  ],
  celery_worker: [
    ["PING"],
    ["SADD", "_kombu.binding.celery", "celery\x06\x16\x06\x16celery"], // _queue_bind
    ["SMEMBERS", "_kombu.binding.celery"], // get_table
    ["LPUSH", "celery", '{"body":"e30=","headers":{"task":"tasks.add"}}'], // _put
    ["BRPOP", "celery", "celery\x06\x163", "celery\x06\x166", "celery\x06\x169", "1"], // _brpop_start
    ["MULTI"], // QoS.append
    ["ZADD", "unacked_index", "1700000000", "tag-1"],
    ["HSET", "unacked", "tag-1", "[]"],
    ["EXEC"],
    ["SET", "unacked_mutex", "lock-1", "NX", "EX", "300"], // Mutex
    ["ZREVRANGEBYSCORE", "unacked_index", "1699999000", "0", "WITHSCORES", "LIMIT", "0", "10"], // restore_visible
    ["GET", "unacked_mutex"],
    ["DEL", "unacked_mutex"],
    ["MULTI"], // QoS.ack
    ["ZREM", "unacked_index", "tag-1"],
    ["HDEL", "unacked", "tag-1"],
    ["EXEC"],
    ["PUBLISH", "/0.celeryev/worker.heartbeat", "{}"], // fanout with keyprefix_fanout
    ["SETEX", "celery-task-meta-1", "86400", '{"status":"SUCCESS"}'], // result backend
    ["GET", "celery-task-meta-1"],
    ["SUBSCRIBE", "/0.celery.pidbox"], // last: the connection is in subscribe mode after it
  ],
};

/** Every command BullMQ's Lua scripts call (src/commands/*.lua), with arguments, run inside one script. */
const BULLMQ_SCRIPT_CALLS: string[][] = [
  ["EXISTS", "bull:q:meta"],
  ["HSET", "bull:q:meta", "opts.maxLenEvents", "10000"],
  ["HMSET", "bull:q:1", "name", "job", "data", "{}"],
  ["HGET", "bull:q:meta", "paused"],
  ["HMGET", "bull:q:1", "name", "data"],
  ["HGETALL", "bull:q:1"],
  ["HINCRBY", "bull:q:1", "atm", "1"],
  ["HEXISTS", "bull:q:1", "name"],
  ["HLEN", "bull:q:1"],
  ["HDEL", "bull:q:1", "atm"],
  ["INCR", "bull:q:id"],
  ["GET", "bull:q:id"],
  ["SET", "bull:q:1:lock", "token", "PX", "30000"],
  ["PTTL", "bull:q:1:lock"],
  ["PEXPIRE", "bull:q:1:lock", "30000"],
  ["LPUSH", "bull:q:wait", "1"],
  ["RPUSH", "bull:q:wait", "2"],
  ["LLEN", "bull:q:wait"],
  ["LRANGE", "bull:q:wait", "0", "-1"],
  ["LINDEX", "bull:q:wait", "0"],
  ["LPOS", "bull:q:wait", "1"],
  ["LSET", "bull:q:wait", "0", "1"],
  ["RPOPLPUSH", "bull:q:wait", "bull:q:active"],
  ["RPOP", "bull:q:wait"],
  ["LPOP", "bull:q:active"],
  ["LREM", "bull:q:active", "0", "1"],
  ["LTRIM", "bull:q:active", "0", "100"],
  ["ZADD", "bull:q:delayed", "1700000000", "3"],
  ["ZSCORE", "bull:q:delayed", "3"],
  ["ZCARD", "bull:q:delayed"],
  ["ZCOUNT", "bull:q:delayed", "-inf", "+inf"],
  ["ZRANGE", "bull:q:delayed", "0", "-1"],
  ["ZREVRANGE", "bull:q:delayed", "0", "-1"],
  ["ZRANGEBYSCORE", "bull:q:delayed", "-inf", "+inf"],
  ["ZREVRANGEBYSCORE", "bull:q:delayed", "+inf", "-inf"],
  ["ZPOPMIN", "bull:q:delayed"],
  ["ZADD", "bull:q:completed", "1", "4"],
  ["ZREMRANGEBYSCORE", "bull:q:completed", "-inf", "0"],
  ["ZREMRANGEBYRANK", "bull:q:completed", "0", "-100"],
  ["ZREM", "bull:q:completed", "4"],
  ["SADD", "bull:q:dependencies", "a"],
  ["SMEMBERS", "bull:q:dependencies"],
  ["SISMEMBER", "bull:q:dependencies", "a"],
  ["SCARD", "bull:q:dependencies"],
  ["SREM", "bull:q:dependencies", "a"],
  ["XADD", "bull:q:events", "MAXLEN", "~", "10000", "*", "event", "added", "jobId", "1"],
  ["XTRIM", "bull:q:events", "MAXLEN", "~", "10000"],
  ["TYPE", "bull:q:wait"],
  ["RENAME", "bull:q:1", "bull:q:1b"],
  ["DEL", "bull:q:1b"],
];

const DESTRUCTIVE = [["FLUSHALL"], ["FLUSHDB"], ["CONFIG", "SET", "dir", "/tmp"], ["KEYS", "*"]];

function luaCalls(calls: string[][]): string {
  const quote = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const lines = calls.map(
    (c) =>
      `do local r = redis.pcall(${c.map(quote).join(", ")}) if type(r) == "table" and r.err then table.insert(errs, ${quote(c[0] as string)} .. ": " .. r.err) end end`,
  );
  return ["local errs = {}", ...lines, "return errs"].join("\n");
}

describe.skipIf(skipWithout("redis-server", commandUnavailable("redis-server")))("the ACL templates of docs/redis.md", () => {
  const dir = tempDir("redis-templates");
  const lines = templates();
  let server: RedisServer;
  const sessions: Session[] = [];
  const as = async (name: string) => {
    const s = await session(server.port as number, name, PASSWORD);
    sessions.push(s);
    expect(s.auth, `AUTH ${name}`).toBe("+OK");
    return s;
  };

  beforeAll(async () => {
    server = await startRedis(dir, "templates", {
      conf: [
        "user default off",
        `user auditor on >${AUDITOR_PW} resetchannels -@all +acl|getuser +acl|list +acl|log +command|info +acl|cat`,
        ...lines.values(),
      ],
    });
  });

  afterAll(async () => {
    for (const s of sessions) s.close();
    await server?.stop();
    removeDir(dir);
  });

  it("documents a template per preset", () => {
    expect([...lines.keys()].sort()).toEqual(["bullmq_worker", "celery_worker", "resque_worker", "sidekiq_client", "sidekiq_worker"]);
  });

  for (const user of Object.keys(SEQUENCES)) {
    it(`${user}: the library's commands succeed`, async () => {
      const s = await as(user);
      let sha = "";
      for (const argv of SEQUENCES[user] as string[][]) {
        const args = argv.map((a) => (a === "$SHA" ? sha : a));
        const reply = await s.send(...args);
        const line = reply.kind === "error" ? `-${reply.value}` : "ok";
        expect(line, `${user}: ${args.join(" ").slice(0, 80)}`).not.toMatch(/^-/);
        if (argv[0] === "SCRIPT" && reply.kind === "bulk") sha = reply.value ?? "";
      }
    });
  }

  it("bullmq_worker: every command BullMQ's scripts call runs inside a script, and BZPOPMIN and INFO outside", async () => {
    const s = await as("bullmq_worker");
    const reply = await s.send("EVAL", luaCalls(BULLMQ_SCRIPT_CALLS), "1", "bull:q:meta");
    expect(reply).toEqual({ kind: "array", value: [] });
    expect(await s.line("BZPOPMIN", "bull:q:marker", "0.01")).not.toMatch(/^-/);
    expect(await s.line("INFO", "server")).not.toMatch(/^-/);
    // A script cannot reach beyond the user's keys: scripts run with the caller's ACL.
    const outside = await s.send("EVAL", luaCalls([["SET", "queue:default", "x"]]), "0");
    expect(JSON.stringify(outside)).toMatch(/can't access at least one of the keys/);
  });

  for (const user of ["sidekiq_worker", "sidekiq_client", "resque_worker", "bullmq_worker", "celery_worker"]) {
    it(`${user}: FLUSHALL, FLUSHDB, CONFIG SET and KEYS are refused`, async () => {
      const s = await as(user);
      for (const argv of DESTRUCTIVE) expect(await s.line(...argv), `${user}: ${argv.join(" ")}`).toMatch(/^-NOPERM/);
    });
  }

  it("the audit judges each template a principal within its policy, able to run nothing dangerous", async () => {
    const presets = {
      sidekiq: { sidekiq_worker: ["read", "write"], sidekiq_client: ["write"] },
      resque: { resque_worker: ["read", "write"] },
      bullmq: { bullmq_worker: ["read", "write"] },
      celery: { celery_worker: ["read", "write"] },
    } as const;
    const config = configSchema.parse({
      version: 1,
      redis: Object.entries(presets).map(([queue, principals]) => ({
        name: `jobs-${queue}`,
        endpoint: { host: "127.0.0.1", port: server.port },
        tls: "optional",
        timeoutSeconds: 2,
        credentials: { username: "auditor", password: { env: "QA_TEMPLATES_AUDITOR" } },
        queue,
        principals,
      })),
    });
    const observations = await probeRedis(config.redis, { credentials: { env: { QA_TEMPLATES_AUDITOR: AUDITOR_PW } } });
    const results = evaluateChecks({ config, inventory: { partitions: [] }, now: new Date(), observations: { redis: observations } });
    for (const queue of Object.keys(presets)) {
      for (const checkId of ["redis-excess-access", "redis-unexpected-user", "redis-dangerous-commands", "redis-nopass-user"]) {
        const verdicts = results.filter((r) => r.checkId === checkId && r.resource.id === `jobs-${queue}`);
        expect(
          verdicts.map((v) => `${v.status} ${v.subject ?? ""}`),
          `${checkId} on jobs-${queue}`,
        ).toEqual(["PASS "]);
      }
    }
    const sidekiq = results.find((r) => r.checkId === "redis-excess-access" && r.resource.id === "jobs-sidekiq");
    expect(sidekiq?.evidence).toMatchObject({
      users: { sidekiq_worker: { role: "principal" }, sidekiq_client: { role: "principal", can: expect.stringContaining("changes") } },
    });
    expect(sidekiq?.evidence.commandTable).toMatch(/^live COMMAND INFO of 127\.0\.0\.1:\d+/);
    expect((sidekiq?.evidence.users as Record<string, { read?: unknown }> | undefined)?.sidekiq_client?.read).toBeUndefined();
  });
});
