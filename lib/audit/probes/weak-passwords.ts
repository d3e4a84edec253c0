/**
 * The opt-in weak-password trial (`redis[].probe.weakPasswords`, `postgres[].probe.weakPasswords`):
 * a short, fixed, public list of default and common passwords, tried per user against the
 * configured endpoint only, one attempt at a time, paced. It is not a dictionary attack and
 * must never grow into one: the list is documented verbatim in docs/weak-passwords.md, and
 * a test holds the two to each other.
 *
 * A random password is tried first (the canary): a server that accepts it checks no
 * password for that user at all (Redis `nopass`, PostgreSQL `trust`), which is reported as
 * such rather than as a "weak" one. Which candidate matched is never recorded: not the
 * password, not its place in the list (the list is public, so the place is the password).
 */
import { randomBytes } from "node:crypto";
import { WEAK_PASSWORD_TRIAL_MAX_ATTEMPTS } from "../model/weak-password-trial.js";

export type { WeakPasswordObservation, WeakPasswordUser } from "../model/weak-password-trial.js";

/** `USERNAME` stands for the user's own name. Order: the cheapest guesses first. */
export const WEAK_PASSWORDS: readonly string[] = [
  "",
  "USERNAME",
  "password",
  "changeme",
  "123456",
  "12345678",
  "123456789",
  "admin",
  "secret",
  "default",
  "redis",
  "postgres",
  "foobared",
  "test",
  "qwerty",
  "letmein",
  "passw0rd",
  "Password1",
];

if (WEAK_PASSWORDS.length + 1 !== WEAK_PASSWORD_TRIAL_MAX_ATTEMPTS) throw new Error("the trial's attempt count and its list disagree");

/** Milliseconds between two attempts on one endpoint (documented; a test holds the floor). */
export const WEAK_PASSWORD_PACE_MS = 200;

/** Users tried per target at most: past it, the rest are reported as not tried (ERROR). */
export const WEAK_PASSWORD_MAX_USERS = 20;

/** The candidates for `user`, in order, each once (the empty one only where the server can accept it). */
export function candidatesFor(user: string, options: { empty: boolean }): string[] {
  const out: string[] = [];
  for (const c of WEAK_PASSWORDS) {
    const value = c === "USERNAME" ? user : c;
    if (value === "" && !options.empty) continue;
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

/** A password no list holds: 24 random bytes, hex. */
export function canaryPassword(): string {
  return randomBytes(24).toString("hex");
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Spaces calls at least `paceMs` apart (the first goes at once). */
export function pacer(paceMs: number): () => Promise<void> {
  let last = 0;
  return async () => {
    const wait = last + paceMs - Date.now();
    if (last > 0 && wait > 0) await sleep(wait);
    last = Date.now();
  };
}
