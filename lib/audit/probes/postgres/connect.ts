/**
 * Opens the auditor's connection to one `postgres[]` target: password from the
 * environment, Secrets Manager or an RDS IAM token, the TLS mode of the config, timeouts,
 * an application_name that identifies the auditor in pg_stat_activity and in the logs.
 */
import { Signer } from "@aws-sdk/rds-signer";
import pg from "pg";
import { targetLocation } from "../../config/location.js";
import type { PostgresTarget } from "../../config/schema.js";
import { type CredentialDeps, resolvePassword } from "../credentials.js";
import { sslOption, type TlsDeps } from "./tls.js";

export const APPLICATION_NAME = "queue-auditor";

export interface ConnectDeps {
  credentials?: CredentialDeps;
  tls?: TlsDeps;
  /** The AWS region for IAM auth tokens; default: the SDK's configured region. */
  region?: string;
}

/** Makes an RDS IAM auth token (valid 15 minutes) with the default credential chain. */
export function rdsIamToken(region: string | undefined) {
  return ({ host, port, user }: { host: string; port: number; user: string }) =>
    new Signer({ hostname: host, port, username: user, ...(region ? { region } : {}) }).getAuthToken();
}

export function clientConfig(target: PostgresTarget, password: string, deps: ConnectDeps = {}): pg.ClientConfig {
  const c = target.connection;
  return {
    host: c.host,
    port: c.port,
    database: c.database,
    user: c.user,
    password,
    ssl: sslOption(c, deps.tls),
    application_name: APPLICATION_NAME,
    // Startup options outrank ALTER DATABASE/ROLE … SET: types, operators and functions
    // resolve in pg_catalog, whatever search_path the audited database's owner chose.
    // jit=off: the catalog queries read little, but the recursive functions query's row
    // estimate is large enough to trigger JIT compilation, which took 5 s on a loaded server.
    options: "-c search_path=pg_catalog,pg_temp -c jit=off",
    connectionTimeoutMillis: Math.round(c.connectTimeoutSeconds * 1000),
    statement_timeout: Math.round(c.statementTimeoutSeconds * 1000),
    // The server enforces statement_timeout; query_timeout also covers a server that stops answering.
    query_timeout: Math.round(c.statementTimeoutSeconds * 1000) + 5000,
    lock_timeout: Math.round(c.statementTimeoutSeconds * 1000),
    idle_in_transaction_session_timeout: Math.round(c.statementTimeoutSeconds * 1000) * 4,
  };
}

/** The password (or IAM token) for the target; it lives only in memory and in the driver. */
export function resolveSecret(target: PostgresTarget, deps: ConnectDeps = {}): Promise<string> {
  const c = target.connection;
  // An IAM token is signed for the database's own region.
  const credentials: CredentialDeps = { iamToken: rdsIamToken(deps.region ?? targetLocation(target).region), ...deps.credentials };
  return resolvePassword(c.password, { host: c.host, port: c.port, user: c.user, location: targetLocation(target) }, credentials);
}

export async function openClient(config: pg.ClientConfig): Promise<pg.Client> {
  const client = new pg.Client(config);
  // A connection dropped after the queries is not worth an unhandled 'error' event.
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
  return client;
}
