/**
 * The demo's Redis: a local `redis-server` whose default user needs no password, a
 * Sidekiq worker user, a cache user with `~cache:* +@all` (which can FLUSHALL the queue
 * although it cannot name one queue key), and the least-privilege audit user; then the
 * fixes an operator would make.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import { freePort } from "./embedded-postgres.js";

export interface DemoRedis {
  port: number;
  /** The audit user's password (the probe reads it from the environment, as the config says). */
  auditorPassword: string;
  /** Takes the keyspace-wide commands away from the cache user (`ACL SETUSER cache -@dangerous`). */
  restrictCacheUser(): Promise<void>;
  /** Turns AUTH on (`CONFIG SET requirepass`), as an operator fixing it would. */
  requirePassword(): Promise<void>;
  /** `AUTH user wrong-password`, `attempts` times on fresh connections; returns how many the server refused (WRONGPASS). */
  guessPasswords(user: string, attempts: number): Promise<number>;
  stop(): Promise<void>;
  /** Synchronous, for process exit: SIGKILL if still running. */
  kill(): void;
}

export function redisServerAvailable(): boolean {
  try {
    execFileSync("sh", ["-c", "command -v redis-server"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Resolves when a starting redis-server says it accepts connections; rejects if it exits or is late. */
export function waitReady(proc: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(
      () => reject(new Error(`redis-server did not start within ${timeoutMs} ms: ${output.slice(-500)}`)),
      timeoutMs,
    );
    proc.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}): ${output.slice(-500)}`));
    });
  });
}

/** One command over RESP on a fresh connection (the demo's own admin action, not the probe's). */
function command(port: number, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.setTimeout(3000, () => socket.destroy(new Error("redis command timed out")));
    let reply = "";
    socket.on("data", (d) => {
      reply += d.toString();
      if (reply.endsWith("\r\n")) socket.end();
    });
    socket.on("end", () => resolve(reply.trim()));
    socket.on("error", reject);
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join("")}`);
  });
}

const secret = () => randomBytes(16).toString("hex");

/** Where the demo puts the Redis audit user's password for the probe (the config names it). */
export const DEMO_REDIS_PASSWORD_ENV = "QUEUE_AUDITOR_DEMO_REDIS_PASSWORD";

export async function startDemoRedis(): Promise<DemoRedis> {
  const port = await freePort();
  const auditorPassword = secret();
  // Passwords go on the command line as SHA-256 hashes (`#…`), never in the clear: argv is visible to `ps`.
  const hash = (password: string) => `#${createHash("sha256").update(password).digest("hex")}`;
  const users = [
    // docs/redis.md's audit user: reads users and the command table, nothing else.
    `auditor on ${hash(auditorPassword)} resetchannels -@all +acl|getuser +acl|list +acl|log +command|info +acl|cat`,
    `sidekiq_worker on ${hash(secret())} resetchannels ~queue:* ~queues ~schedule ~retry ~dead ~processes ~stat:* -@all +@read +@write -@dangerous`,
    `cache on ${hash(secret())} resetchannels ~cache:* +@all`,
  ];
  const proc = spawn(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--protected-mode",
      "no",
      ...users.flatMap((u) => ["--user", ...u.split(" ")]),
    ],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const stop = async () => {
    if (proc.exitCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    proc.kill("SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3000))]);
    if (proc.exitCode === null) proc.kill("SIGKILL");
  };
  try {
    await waitReady(proc, 10_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    port,
    auditorPassword,
    restrictCacheUser: async () => {
      const reply = await command(port, ["ACL", "SETUSER", "cache", "-@dangerous"]);
      if (reply !== "+OK") throw new Error(`redis refused ACL SETUSER cache: ${reply}`);
    },
    requirePassword: async () => {
      const reply = await command(port, ["CONFIG", "SET", "requirepass", randomBytes(16).toString("hex")]);
      if (reply !== "+OK") throw new Error(`redis refused CONFIG SET requirepass: ${reply}`);
    },
    guessPasswords: async (user, attempts) => {
      let refused = 0;
      for (let i = 0; i < attempts; i++) {
        const reply = await command(port, ["AUTH", user, `Summer202${i}!`]);
        if (reply.startsWith("-WRONGPASS")) refused++;
      }
      return refused;
    },
    stop,
    kill: () => {
      if (proc.exitCode === null) proc.kill("SIGKILL");
    },
  };
}
