/**
 * The MariaDB service (127.0.0.1:3306, root without a password) for live tests, with the
 * REQUIRE_SERVICES rule of services.ts. Each test builds its own uniquely named database and
 * accounts and drops them after; nothing global is changed.
 */
import { existsSync } from "node:fs";
import mysql from "mysql2/promise";
import { tcpUnavailable } from "./services.js";

export const LOCAL_MARIADB = { host: "127.0.0.1", port: 3306, user: "root" } as const;

export function connectAs(user: string, password = "", extra: mysql.ConnectionOptions = {}): Promise<mysql.Connection> {
  return mysql.createConnection({ host: LOCAL_MARIADB.host, port: LOCAL_MARIADB.port, user, password, connectTimeout: 5000, ...extra });
}

const SOCKET = "/run/mysqld/mysqld.sock";

/**
 * An admin session for building fixtures: root@localhost over the server's socket where there is
 * one (only it holds PROXY ... WITH GRANT OPTION on a stock install), else root over TCP.
 */
export async function rootConnection(): Promise<mysql.Connection> {
  if (existsSync(SOCKET)) {
    try {
      return await mysql.createConnection({ socketPath: SOCKET, user: "root", connectTimeout: 5000 });
    } catch {
      // fall back to TCP
    }
  }
  return connectAs(LOCAL_MARIADB.user);
}

/** Runs `fn` on a session of its own, closed after: `open` makes it (rootConnection, or connectAs an account). */
export async function withSession<T>(open: () => Promise<mysql.Connection>, fn: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await open();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Why the 3306 service cannot be used, or undefined. */
export async function localMariadbUnavailable(): Promise<string | undefined> {
  const tcp = await tcpUnavailable(LOCAL_MARIADB.host, LOCAL_MARIADB.port);
  if (tcp) return tcp;
  try {
    const c = await connectAs(LOCAL_MARIADB.user);
    try {
      const [rows] = await c.query("SELECT VERSION() AS v");
      const version = String((rows as { v: string }[])[0]?.v ?? "");
      return /mariadb/i.test(version) ? undefined : `127.0.0.1:3306 is ${version}, not MariaDB`;
    } finally {
      await c.end();
    }
  } catch (err) {
    return `cannot log in as root on 127.0.0.1:3306 without a password (${(err as Error).message})`;
  }
}
