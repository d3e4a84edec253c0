/** The demo's Redis: a local `redis-server` with no password (the mistake), then the fix. */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import net from "node:net";
import { freePort } from "./embedded-postgres.js";

export interface DemoRedis {
  port: number;
  /** Turns AUTH on (`CONFIG SET requirepass`), as an operator fixing it would. */
  requirePassword(): Promise<void>;
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

export async function startDemoRedis(): Promise<DemoRedis> {
  const port = await freePort();
  const proc = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"],
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
    requirePassword: async () => {
      const reply = await command(port, ["CONFIG", "SET", "requirepass", randomBytes(16).toString("hex")]);
      if (reply !== "+OK") throw new Error(`redis refused CONFIG SET requirepass: ${reply}`);
    },
    stop,
    kill: () => {
      if (proc.exitCode === null) proc.kill("SIGKILL");
    },
  };
}
