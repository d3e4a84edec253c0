/**
 * The bundled command table is what scripts/redis-command-table.ts makes of a real
 * redis-server: reading the local server's COMMAND INFO the same way must give the same
 * table when the versions match, and the categories the ACL model relies on.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUNDLED_COMMANDS } from "../../../../lib/audit/model/redis/commands.js";
import { commandTableFromInfo } from "../../../../lib/audit/probes/redis/command-info.js";
import { type RedisServer, removeDir, startRedis, tempDir } from "../../../support/redis.js";
import { session } from "../../../support/redis-client.js";
import { commandUnavailable, skipWithout } from "../../../support/services.js";

describe("the bundled command table", () => {
  it("says which server it came from and knows the commands the checks name", () => {
    expect(BUNDLED_COMMANDS.source).toMatch(/^redis-server 7\.0\.\d+ COMMAND INFO and ACL CAT$/);
    expect(BUNDLED_COMMANDS.commands.flushall?.categories).toEqual(expect.arrayContaining(["keyspace", "write", "dangerous"]));
    expect(BUNDLED_COMMANDS.commands["client|kill"]?.categories).toContain("dangerous");
    expect(BUNDLED_COMMANDS.commands.lpush).toMatchObject({ readsKeys: false, writesKeys: true, keyed: true });
    expect(BUNDLED_COMMANDS.commands.lrange).toMatchObject({ readsKeys: true, writesKeys: false });
    expect(BUNDLED_COMMANDS.commands.lpop).toMatchObject({ readsKeys: true, writesKeys: true });
    expect(BUNDLED_COMMANDS.commands.scan).toMatchObject({ keyed: false });
  });
});

describe.skipIf(skipWithout("redis-server", commandUnavailable("redis-server")))("regenerated from the local redis-server", () => {
  const dir = tempDir("redis-commands");
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedis(dir, "commands");
  });
  afterAll(async () => {
    await server?.stop();
    removeDir(dir);
  });

  it("matches the bundled table when the version is the same", async () => {
    const s = await session(server.port as number);
    const info = await s.send("INFO", "server");
    const version = /redis_version:(\S+)/.exec(info.kind === "bulk" ? (info.value ?? "") : "")?.[1];
    const live = commandTableFromInfo(await s.send("COMMAND", "INFO"), await s.send("ACL", "CAT"), "live");
    s.close();
    expect(live.categories).toEqual(BUNDLED_COMMANDS.categories);
    if (BUNDLED_COMMANDS.source.includes(` ${version} `)) expect(live.commands).toEqual(BUNDLED_COMMANDS.commands);
    else expect(Object.keys(live.commands).length).toBeGreaterThan(200);
  });
});
