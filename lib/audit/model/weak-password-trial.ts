/**
 * What the weak-password trial (docs/weak-passwords.md) leaves in the backends' own logs, so
 * the access-attempt checks can tell it from a stranger's guessing: the PostgreSQL trial asks
 * for this (nonexistent) database, so every log line of it names it.
 */
export const WEAK_PASSWORD_TRIAL_DATABASE = "queue_auditor_weak_password_trial";

/** At most this many attempts per user per trial: the canary and the list (docs/weak-passwords.md). */
export const WEAK_PASSWORD_TRIAL_MAX_ATTEMPTS = 19;
