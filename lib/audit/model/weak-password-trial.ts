import type { ObservationError } from "./observation.js";

/**
 * What the weak-password trial (docs/weak-passwords.md) leaves in the backends' own logs, so
 * the access-attempt checks can tell it from a stranger's guessing: the PostgreSQL trial asks
 * for this (nonexistent) database, so every log line of it names it.
 */
export const WEAK_PASSWORD_TRIAL_DATABASE = "queue_auditor_weak_password_trial";

/** At most this many attempts per user per trial: the canary and the list (docs/weak-passwords.md). */
export const WEAK_PASSWORD_TRIAL_MAX_ATTEMPTS = 19;

/**
 * What one user's trial found:
 * - `weak`: a password from the list logged in (which one is not recorded);
 * - `any-password`: the random canary logged in: the server checks no password for it;
 * - `strong`: every candidate was refused;
 * - `cannot-login`: the user may not log in at all (PostgreSQL NOLOGIN: refused even with its right password);
 * - `error`: the trial could not finish (network, TLS, an unexpected reply): unknown, never strong.
 */
export interface WeakPasswordUser {
  user: string;
  outcome: "weak" | "any-password" | "strong" | "cannot-login" | "error";
  /** Attempts sent for this user, the canary included. */
  attempts: number;
  /** For `cannot-login`: the server's words (no password in them). */
  detail?: string;
  error?: ObservationError;
}

export interface WeakPasswordObservation {
  /** Candidates in the list (docs/weak-passwords.md), and the pause between attempts. */
  listSize: number;
  paceMs: number;
  users: WeakPasswordUser[];
  /** Users beyond WEAK_PASSWORD_MAX_USERS, not tried. */
  notTried?: string[];
  /** Set when no user could be tried at all (the endpoint unreachable, credentials withheld). */
  error?: ObservationError;
}
