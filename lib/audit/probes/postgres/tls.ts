/**
 * TLS options for the PostgreSQL connection. `verify-full` always verifies the chain and
 * the host name; when no CA bundle can be read it falls back to Node's trust store and
 * never to an unverified connection.
 */
import { readFileSync } from "node:fs";
import tls from "node:tls";
import type { PostgresTarget } from "../../config/schema.js";

/** Where the RDS global CA bundle is looked for when the target names no `caFile`. */
export const CA_BUNDLE_ENV = "QUEUE_AUDITOR_PG_CA_FILE";
export const DEFAULT_CA_BUNDLE_PATH = "/opt/queue-auditor/rds-global-bundle.pem";

export class TlsConfigError extends Error {
  override name = "TlsConfigError";
  readonly code = "TlsConfig";
}

export interface TlsDeps {
  env?: NodeJS.ProcessEnv;
  readFile?: (path: string) => string;
  exists?: (path: string) => boolean;
}

export type SslOption = false | tls.ConnectionOptions;

/** Node's own roots plus the operating system's, where this Node can list them (22.15+). */
function nodeTrustStore(): string[] | undefined {
  const get = (tls as { getCACertificates?: (kind: string) => string[] }).getCACertificates;
  if (typeof get !== "function") return undefined;
  return [...get("default"), ...get("system")];
}

/** The CA bundle a verify-full connection trusts, and where it came from (for evidence). */
export function resolveCa(
  connection: Pick<PostgresTarget["connection"], "caFile">,
  deps: TlsDeps = {},
): { ca: string | string[] | undefined; from: string } {
  const read = deps.readFile ?? ((p: string) => readFileSync(p, "utf8"));
  const exists =
    deps.exists ??
    ((p: string) => {
      try {
        readFileSync(p);
        return true;
      } catch {
        return false;
      }
    });
  const explicit = connection.caFile ?? (deps.env ?? process.env)[CA_BUNDLE_ENV];
  if (explicit) {
    try {
      const ca = read(explicit);
      if (!ca.includes("-----BEGIN CERTIFICATE-----")) throw new Error("no PEM certificate in it");
      return { ca, from: explicit };
    } catch (err) {
      // A named bundle that cannot be read must stop the probe: trusting anything else would
      // silently change what the user asked to trust.
      throw new TlsConfigError(`cannot read the CA bundle ${explicit} (${(err as Error).message})`);
    }
  }
  if (exists(DEFAULT_CA_BUNDLE_PATH)) return { ca: read(DEFAULT_CA_BUNDLE_PATH), from: DEFAULT_CA_BUNDLE_PATH };
  return { ca: nodeTrustStore(), from: "node trust store" };
}

export function sslOption(connection: PostgresTarget["connection"], deps: TlsDeps = {}): SslOption {
  switch (connection.tls) {
    case "disable":
      return false;
    case "require":
      // Encrypted but unauthenticated, as libpq's sslmode=require.
      return { rejectUnauthorized: false };
    default: {
      const { ca } = resolveCa(connection, deps);
      // pg sets the SNI server name itself (host names only), and Node checks the name against the certificate.
      return { rejectUnauthorized: true, ...(ca ? { ca } : {}) };
    }
  }
}
