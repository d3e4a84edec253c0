/**
 * Opens the auditor's connection to one `mysql[]` target over mysql2: the password from the
 * environment, Secrets Manager or an RDS IAM token, TLS as configured (verify-full by default,
 * with the RDS CA bundle as for PostgreSQL), connect and per-statement timeouts.
 */
import mysql from "mysql2/promise";
import { targetLocation } from "../../config/location.js";
import type { MysqlTarget } from "../../config/schema.js";
import { type CredentialDeps, resolvePassword } from "../credentials.js";
import { rdsIamToken } from "../postgres/connect.js";
import { resolveCa, type TlsDeps } from "../postgres/tls.js";

export interface MysqlConnectDeps {
  credentials?: CredentialDeps;
  tls?: TlsDeps;
  region?: string;
}

/** mysql2's `ssl` option for the target's `tls` mode; verify-full never falls back to unverified. */
export function mysqlSsl(connection: MysqlTarget["connection"], deps: TlsDeps = {}): mysql.SslOptions | undefined {
  switch (connection.tls) {
    case "disable":
      return undefined;
    case "require":
      return { rejectUnauthorized: false };
    default: {
      const { ca } = resolveCa(connection, deps);
      // Node checks the host name against the certificate when rejectUnauthorized is on.
      return { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
    }
  }
}

export function connectionOptions(target: MysqlTarget, password: string, deps: MysqlConnectDeps = {}): mysql.ConnectionOptions {
  const c = target.connection;
  const ssl = mysqlSsl(c, deps.tls);
  return {
    host: c.host,
    port: c.port,
    user: c.user,
    password,
    ...(ssl ? { ssl } : {}),
    connectTimeout: Math.round(c.connectTimeoutSeconds * 1000),
    // RDS IAM tokens travel as mysql_clear_password, which is only ever allowed over TLS.
    enableCleartextPlugin: "iam" in c.password && c.tls !== "disable",
    multipleStatements: false,
    supportBigNumbers: true,
    bigNumberStrings: true,
    dateStrings: true,
    charset: "utf8mb4",
    connectAttributes: { program_name: "queue-auditor" },
  };
}

export function resolveMysqlSecret(target: MysqlTarget, deps: MysqlConnectDeps = {}): Promise<string> {
  const c = target.connection;
  // An IAM token is signed for the database's own region.
  const credentials: CredentialDeps = { iamToken: rdsIamToken(deps.region ?? targetLocation(target).region), ...deps.credentials };
  return resolvePassword(c.password, { host: c.host, port: c.port, user: c.user, location: targetLocation(target) }, credentials);
}

export async function openMysql(options: mysql.ConnectionOptions): Promise<mysql.Connection> {
  const connection = await mysql.createConnection(options);
  // A connection dropped after the queries is not worth an unhandled 'error' event.
  connection.on("error", () => undefined);
  return connection;
}
