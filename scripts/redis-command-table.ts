/**
 * Regenerates lib/audit/model/redis/redis-commands.json, the command table the ACL
 * model uses when the server's own `COMMAND INFO` cannot be read (offline ElastiCache
 * access strings, an auditor without `+command|info`).
 *
 *   redis-server --port 6399 --save '' &   # the Redis (or Valkey) version to describe
 *   npx tsx scripts/redis-command-table.ts 127.0.0.1 6399
 *
 * It sends `INFO server`, `COMMAND INFO` and `ACL CAT`, nothing else.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { commandTableFromInfo } from "../lib/audit/probes/redis/command-info.js";
import { RespConnection } from "../lib/audit/probes/redis/connection.js";

const [host = "127.0.0.1", port = "6379"] = process.argv.slice(2);
const conn = await RespConnection.open({ host, port: Number(port), timeoutMs: 5000 });
try {
  const info = await conn.command(["INFO", "server"]);
  const infoText = info.kind === "bulk" ? (info.value ?? "") : "";
  const version = /^(redis_version|valkey_version):(\S+)/m.exec(infoText);
  const server = /^server_name:(\S+)/m.exec(infoText)?.[1] ?? "redis";
  if (!version) throw new Error(`INFO server did not name a version: ${infoText.slice(0, 200)}`);
  const table = commandTableFromInfo(
    await conn.command(["COMMAND", "INFO"]),
    await conn.command(["ACL", "CAT"]),
    `${server}-server ${version[2]} COMMAND INFO and ACL CAT`,
  );
  const sorted = Object.fromEntries(Object.entries(table.commands).sort(([a], [b]) => a.localeCompare(b)));
  const out = path.join(path.dirname(fileURLToPath(import.meta.url)), "../lib/audit/model/redis/redis-commands.json");
  writeFileSync(out, `${JSON.stringify({ ...table, commands: sorted }, null, 2)}\n`);
  console.log(`wrote ${Object.keys(sorted).length} commands from ${table.source} to ${out}`);
} finally {
  conn.close();
}
