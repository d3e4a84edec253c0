/**
 * The opt-in weak-password trial on PostgreSQL (`postgres[].probe.weakPasswords`): for each
 * policy role, new connections to the configured host and port with the probe's TLS
 * settings, as that role, with the random canary and then each candidate of the fixed list
 * (lib/audit/probes/weak-passwords.ts), paced.
 *
 * The connections ask for the database WEAK_PASSWORD_TRIAL_DATABASE, which does not exist:
 * PostgreSQL authenticates before it looks the database up, so a refused password is
 * `28P01` and an accepted one `3D000` (no session is ever opened), and the server's log
 * names that database in every line of the trial — which is how pg-access-attempts tells
 * the trial's failed logins from a stranger's (docs/weak-passwords.md).
 */
import type pg from "pg";
import type { PostgresTarget } from "../../config/schema.js";
import { WEAK_PASSWORD_TRIAL_DATABASE } from "../../model/weak-password-trial.js";
import {
  canaryPassword,
  candidatesFor,
  pacer,
  WEAK_PASSWORD_MAX_USERS,
  WEAK_PASSWORD_PACE_MS,
  WEAK_PASSWORDS,
  type WeakPasswordObservation,
  type WeakPasswordUser,
} from "../weak-passwords.js";
import { type ConnectDeps, clientConfig, openClient } from "./connect.js";
import type { PgCatalog } from "./types.js";

export { WEAK_PASSWORD_TRIAL_DATABASE };

/** The policy's roles (owner, admins, principals) that may log in, never the audit role itself. */
export function pgTrialRoles(target: PostgresTarget, catalog: PgCatalog | undefined): string[] {
  const roles = new Set([target.owner, ...target.admins, ...Object.keys(target.principals)]);
  roles.delete(target.connection.user);
  if (!catalog) return [...roles];
  const login = new Set(catalog.roles.filter((r) => r.login).map((r) => r.name));
  return [...roles].filter((r) => login.has(r));
}

export interface PgTrialOptions {
  deps?: ConnectDeps;
  paceMs?: number;
  /** Opens one connection; tests count them. @default openClient */
  open?: (config: pg.ClientConfig) => Promise<pg.Client>;
}

export async function tryPgWeakPasswords(
  target: PostgresTarget,
  roles: readonly string[],
  options: PgTrialOptions = {},
): Promise<WeakPasswordObservation> {
  const paceMs = Math.max(options.paceMs ?? WEAK_PASSWORD_PACE_MS, 0);
  const pace = pacer(paceMs);
  const tried = roles.slice(0, WEAK_PASSWORD_MAX_USERS);
  const notTried = roles.slice(WEAK_PASSWORD_MAX_USERS);
  const obs: WeakPasswordObservation = { listSize: WEAK_PASSWORDS.length, paceMs, users: [], ...(notTried.length ? { notTried } : {}) };
  for (const role of tried) obs.users.push(await tryRole(target, role, pace, options));
  return obs;
}

type Answer = "accepted" | "refused" | { cannotLogin: string } | { error: { message: string; code: string } };

async function attempt(target: PostgresTarget, role: string, password: string, options: PgTrialOptions): Promise<Answer> {
  const config: pg.ClientConfig = {
    ...clientConfig(target, password, options.deps),
    user: role,
    database: WEAK_PASSWORD_TRIAL_DATABASE,
    application_name: "queue-auditor-weak-password-trial",
  };
  try {
    const client = await (options.open ?? openClient)(config);
    // The trial database exists after all: the password was accepted all the same.
    await client.end().catch(() => undefined);
    return "accepted";
  } catch (err) {
    const e = err as { code?: string; message?: string };
    const code = String(e.code ?? "");
    const message = String(e.message ?? err)
      .split(password)
      .join("***");
    if (code === "28P01") return "refused";
    // Authentication passed, then the database lookup (or CONNECT) refused: the password is right.
    if (code === "3D000" || code === "42501") return "accepted";
    if (code === "28000" && /not permitted to log in/.test(message)) return { cannotLogin: message };
    return { error: { message, code: code || "Error" } };
  }
}

async function tryRole(
  target: PostgresTarget,
  role: string,
  pace: () => Promise<void>,
  options: PgTrialOptions,
): Promise<WeakPasswordUser> {
  const { host, port } = target.connection;
  let attempts = 0;
  for (const [i, candidate] of [canaryPassword(), ...candidatesFor(role, { empty: false })].entries()) {
    await pace();
    attempts++;
    const answer = await attempt(target, role, candidate, options);
    if (answer === "refused") continue;
    if (answer === "accepted") return { user: role, outcome: i === 0 ? "any-password" : "weak", attempts };
    if ("cannotLogin" in answer) return { user: role, outcome: "cannot-login", attempts, detail: answer.cannotLogin };
    return {
      user: role,
      outcome: "error",
      attempts,
      error: {
        source: `postgres:${target.name}`,
        reason: `cannot try passwords for ${role}@${host}:${port} (database ${WEAK_PASSWORD_TRIAL_DATABASE}): ${answer.error.message}`,
        code: answer.error.code,
      },
    };
  }
  return { user: role, outcome: "strong", attempts };
}
