import pg from "pg";
import { startEmbeddedPg as startEmbedded } from "../../lib/demo/embedded-postgres.js";
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

/** Runs `fn` in a session of its own, ended whatever happens (an attack's or an admin's). */
export async function inSession<T>(client: pg.Client, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A session as `user` with `password`, on the server and database given. */
export function loginClient(
  server: Pick<PgServer, "host" | "port">,
  user: string,
  password: string,
  database: string | undefined,
): pg.Client {
  const client = new pg.Client({ host: server.host, port: server.port, user, password, database, connectionTimeoutMillis: 5000 });
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

/** The 5432 service's `server_version_num`, or 0 when it cannot be read (the service's tests then skip or fail on their own). */
export async function localPgVersionNum(): Promise<number> {
  const client = adminClient({ host: LOCAL_PG.host, port: LOCAL_PG.port, adminUser: LOCAL_PG.user, adminPassword: "" });
  try {
    await client.connect();
    return Number((await client.query("SELECT current_setting('server_version_num') AS v")).rows[0].v);
  } catch {
    return 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The major version the embedded-postgres package runs (its version number is the server's). */
export const EMBEDDED_PG_VERSION_NUM = 180000;

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

import { embeddedPgUnavailable } from "../../lib/demo/embedded-postgres.js";

export { embeddedPgUnavailable as embeddedUnavailable, freePort } from "../../lib/demo/embedded-postgres.js";

export async function startEmbeddedPg(): Promise<PgServer> {
  const server = await startEmbedded();
  return { label: "embedded 18", ...server };
}

/**
 * The servers the live route and attack tests run on: the 5432 service (15) and an
 * embedded PostgreSQL 18, each with the reason it is unavailable, if it is.
 */
export async function pgServersUnderTest(): Promise<{ name: string; unavailable: string | undefined; start: () => Promise<PgServer> }[]> {
  return [
    { name: "the PostgreSQL service on 5432", unavailable: await localPgUnavailable(), start: async () => localPgServer() },
    { name: "embedded PostgreSQL 18", unavailable: embeddedPgUnavailable(), start: startEmbeddedPg },
  ];
}
