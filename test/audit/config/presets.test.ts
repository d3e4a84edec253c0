import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../../lib/audit/config/load.js";
import { REDIS_KEY_PRESETS, TABLE_PRESETS } from "../../../lib/audit/config/presets.js";

const FILE = "queue-auditor.yaml";

const postgres = (extra: Record<string, unknown>) => ({
  name: "queue-db",
  connection: { host: "queue-db.example.com", database: "app", user: "queue_auditor", password: { iam: true } },
  owner: "app_migrator",
  principals: { app_worker: ["SELECT"] },
  ...extra,
});
const redis = (extra: Record<string, unknown>) => ({ name: "jobs-redis", endpoint: { host: "jobs-redis.example.com" }, ...extra });

function errorOf(data: unknown): string {
  try {
    parseConfig(data, FILE);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError");
}

describe("queue presets for postgres targets", () => {
  it("adds the library's tables in public and their id sequences, so tables may be omitted", () => {
    const config = parseConfig({ version: 1, postgres: [postgres({ queue: "solid_queue" })] }, FILE);
    const target = config.postgres[0];
    expect(target?.tables).toHaveLength(11);
    expect(target?.tables).toContain("public.solid_queue_jobs");
    expect(target?.sequences).toContain("public.solid_queue_jobs_id_seq");
  });

  it("keeps the target's own tables beside the preset's, once each", () => {
    const config = parseConfig(
      { version: 1, postgres: [postgres({ queue: "delayed_job", tables: ["public.delayed_jobs", "jobs.archive"] })] },
      FILE,
    );
    expect(config.postgres[0]?.tables).toEqual(["public.delayed_jobs", "jobs.archive"]);
    expect(config.postgres[0]?.sequences).toEqual(["public.delayed_jobs_id_seq"]);
  });

  it("gives uuid-keyed good_job no sequences, and que its job id sequence", () => {
    const config = parseConfig({ version: 1, postgres: [postgres({ queue: "good_job" }), postgres({ name: "q2", queue: "que" })] }, FILE);
    expect(config.postgres[0]?.sequences).toBeUndefined();
    expect(config.postgres[1]?.sequences).toEqual(["public.que_jobs_id_seq"]);
    expect(config.postgres[1]?.tables).toEqual(["public.que_jobs", "public.que_lockers", "public.que_values"]);
  });

  it("still needs tables or a preset, and names the key", () => {
    expect(errorOf({ version: 1, postgres: [postgres({})] })).toBe(
      `${FILE}: postgres[0].tables: expected at least one table, or a queue preset (queue: delayed_job)`,
    );
    expect(errorOf({ version: 1, postgres: [postgres({ queue: "sidekiq" })] })).toMatch(
      /postgres\[0\]\.queue: expected one of delayed_job/,
    );
  });

  it("every preset lists payload columns only of its own tables", () => {
    for (const preset of Object.values(TABLE_PRESETS)) {
      for (const table of Object.keys(preset.payloadColumns)) expect(preset.tables).toContain(table);
    }
  });
});

describe("access policy for redis targets", () => {
  it("a preset sets the keys, and keys add to it", () => {
    const config = parseConfig({ version: 1, redis: [redis({ queue: "sidekiq", keys: ["worker-*:work"] })] }, FILE);
    expect(config.redis[0]?.keys).toEqual([...REDIS_KEY_PRESETS.sidekiq.keys, "worker-*:work"]);
    expect(config.redis[0]?.admins).toEqual([]);
  });

  it("reads principals and admins in both forms", () => {
    const config = parseConfig(
      {
        version: 1,
        redis: [
          redis({
            queue: "bullmq",
            admins: ["ops_admin", { name: "break_glass", reason: "incident access" }],
            principals: { worker: ["read", "write"], dashboard: { allow: ["read"], reason: "Bull Board", owner: "platform" } },
          }),
        ],
      },
      FILE,
    );
    expect(config.redis[0]?.admins).toEqual(["ops_admin", "break_glass"]);
    expect(config.redis[0]?.principals).toEqual({ worker: ["read", "write"], dashboard: ["read"] });
  });

  it("a target without a policy has no keys, and the access checks leave it alone", () => {
    expect(parseConfig({ version: 1, redis: [redis({})] }, FILE).redis[0]?.keys).toEqual([]);
  });

  it("refuses principals without keys, unknown words and unknown presets, naming the key path", () => {
    expect(errorOf({ version: 1, redis: [redis({ principals: { w: ["read"] } })] })).toMatch(
      /^queue-auditor\.yaml: redis\[0\]\.keys: expected the queue's key patterns/,
    );
    expect(errorOf({ version: 1, redis: [redis({ queue: "sidekiq", principals: { w: ["delete"] } })] })).toMatch(
      /redis\[0\]\.principals\.w/,
    );
    expect(errorOf({ version: 1, redis: [redis({ queue: "rq" })] })).toMatch(
      /redis\[0\]\.queue: expected one of sidekiq, resque, bullmq, celery/,
    );
    expect(errorOf({ version: 1, redis: [redis({ keys: ["queue: *"] })] })).toMatch(
      /redis\[0\]\.keys\[0\]: expected a Redis key pattern without spaces/,
    );
  });
});
