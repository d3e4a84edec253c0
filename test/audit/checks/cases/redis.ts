/**
 * In-memory cases of the redis-* checks: what the probe reports of jobs-redis, a TLS-only
 * Sidekiq endpoint that demands AUTH, whose default user is off and whose ACL (`ACL LIST`,
 * passwords redacted as the probe redacts them) holds the docs/redis.md worker template, an
 * admin, a read-only dashboard and the auditor. Each FAIL case is one change to it.
 */
import type { ConfigInput } from "../../../../lib/audit/config/schema.js";
import type { RedisObservation } from "../../../../lib/audit/probes/redis/types.js";
import { config, context } from "../../../support/builders.js";
import type { CheckCase, FamilyCases } from "./case.js";

const JOBS_REDIS = {
  name: "jobs-redis",
  endpoint: { host: "master.jobs-redis.abc123.euw1.cache.amazonaws.com", port: 6379 },
  credentials: { username: "auditor", password: { secret: "jobs-redis/auditor" } },
  queue: "sidekiq",
  admins: ["ops"],
  principals: { sidekiq_worker: ["read", "write"], dashboard: ["read"] },
} as const satisfies NonNullable<ConfigInput["redis"]>[number];

const cfg = config({ redis: [JOBS_REDIS] });

const USERS = {
  default: "user default off resetchannels -@all",
  auditor: "user auditor on #<redacted> resetchannels -@all +ping +acl|getuser +acl|list +acl|log +command|info +acl|cat",
  ops: "user ops on #<redacted> ~* &* +@all",
  sidekiq_worker:
    "user sidekiq_worker on #<redacted> resetchannels ~queue:* ~queues ~schedule ~retry ~dead ~processes ~stat:* ~process_cleanup ~j|* ~h|* ~worker-* -@all +hello +auth +ping +select +client|setname +info +multi +exec +discard +lpush +rpush +brpop +rpop +lrem +sadd +srem +sismember +sscan +scard +zadd +zrem +zrange +zremrangebyscore +zremrangebyrank +incrby +expire +exists +hset +hgetall +hincrby +bitfield +bitfield_ro +unlink +set +get +evalsha +script|load",
  dashboard: "user dashboard on #<redacted> resetchannels ~queue:* ~queues ~retry ~dead -@all +ping +llen +lrange +smembers +zcard +zrange",
};

/** The healthy endpoint with `users` as its ACL LIST, and `over` on top of what the probe saw. */
function observation(users: Record<string, string> = USERS, over: Partial<RedisObservation> = {}): RedisObservation {
  return {
    target: "jobs-redis",
    host: "master.jobs-redis.abc123.euw1.cache.amazonaws.com",
    port: 6379,
    tls: { attempted: true, spoken: true, protocol: "TLSv1.3", verified: true, trust: "system" },
    unauthenticated: { outcome: "noauth", transport: "tls", reply: "-NOAUTH Authentication required." },
    plaintext: { port: 6379, outcome: "rejected", detail: "closed the connection without a RESP reply" },
    acl: {
      username: "auditor",
      transport: "tls",
      outcome: "read",
      command: "ACL LIST",
      defaultUser: { on: false, nopass: false, raw: "off resetchannels -@all" },
      users: Object.values(users),
    },
    ...over,
  };
}

const observed =
  (users: Record<string, string> = USERS, over: Partial<RedisObservation> = {}) =>
  () =>
    context(cfg, undefined, { redis: [observation(users, over)] });

/** jobs-redis with the weak-password trial on: the policy's users tried, with these outcomes. */
const trialCfg = config({ redis: [{ ...JOBS_REDIS, probe: { weakPasswords: true } }] });
const tried = (dashboard: "weak" | "strong") => () =>
  context(trialCfg, undefined, {
    redis: [
      observation(USERS, {
        weakPasswords: {
          listSize: 18,
          paceMs: 200,
          users: ["ops", "sidekiq_worker", "dashboard"].map((user) =>
            user === "dashboard" && dashboard === "weak"
              ? { user, outcome: "weak", attempts: 4 }
              : { user, outcome: "strong", attempts: 19 },
          ),
        },
      }),
    ],
  });

const clean: CheckCase = {
  given: "a TLS-only endpoint with AUTH, the default user off, and an ACL that matches the policy",
  context: observed(),
  resource: "jobs-redis",
};

export const redisCases: FamilyCases = {
  "redis-unauthenticated": {
    fail: {
      given: "PING without credentials answered +PONG",
      context: observed(USERS, { unauthenticated: { outcome: "accepted", transport: "tls", reply: "+PONG" } }),
      resource: "jobs-redis",
    },
    pass: clean,
  },
  "redis-plaintext": {
    fail: {
      given: "the endpoint answering RESP over plaintext (even with -NOAUTH)",
      context: observed(USERS, {
        plaintext: { port: 6379, outcome: "accepted", detail: "answered -NOAUTH", reply: "-NOAUTH Authentication required." },
      }),
      resource: "jobs-redis",
    },
    pass: clean,
  },
  "redis-default-user-open": {
    fail: {
      given: "the default user on with nopass",
      context: () => {
        const o = observation({ ...USERS, default: "user default on nopass ~* &* +@all" });
        if (o.acl) o.acl.defaultUser = { on: true, nopass: true, raw: "on nopass ~* &* +@all" };
        return context(cfg, undefined, { redis: [o] });
      },
      resource: "jobs-redis",
      subject: "default",
    },
    pass: clean,
  },
  "redis-unexpected-user": {
    fail: {
      given: "a cache user outside the policy whose ~* reaches the queue keys",
      context: observed({ ...USERS, cache_app: "user cache_app on #<redacted> resetchannels ~* -@all +get +set +del" }),
      resource: "jobs-redis",
      subject: "cache_app",
    },
    pass: clean,
  },
  "redis-excess-access": {
    fail: {
      given: "the read-only dashboard able to LPUSH into the queue",
      context: observed({ ...USERS, dashboard: `${USERS.dashboard} +lpush` }),
      resource: "jobs-redis",
      subject: "dashboard",
    },
    pass: clean,
  },
  "redis-dangerous-commands": {
    fail: {
      given: "a cache user kept off the queue keys but allowed FLUSHALL",
      context: observed({ ...USERS, cache_app: "user cache_app on #<redacted> resetchannels ~cache:* -@all +get +set +flushall" }),
      resource: "jobs-redis",
      subject: "cache_app",
    },
    pass: clean,
  },
  "redis-nopass-user": {
    fail: {
      given: "the dashboard user switched to nopass",
      context: observed({ ...USERS, dashboard: USERS.dashboard.replace("#<redacted>", "nopass") }),
      resource: "jobs-redis",
      subject: "dashboard",
    },
    pass: clean,
  },
  "redis-weak-password": {
    fail: {
      given: "the dashboard user's password is on the documented weak-password list",
      context: tried("weak"),
      resource: "jobs-redis",
      subject: "dashboard",
    },
    pass: {
      given: "the trial on: every policy user refused the whole list",
      context: tried("strong"),
      resource: "jobs-redis",
    },
  },
};
