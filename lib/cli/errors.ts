/** Exit codes of CONTRACTS.md. */
export const EXIT = { ok: 0, violations: 1, usage: 2, incomplete: 3 } as const;

/** Bad usage, config or inventory: the CLI prints the one-line message and exits 2. */
export class UsageError extends Error {
  override name = "UsageError";
}
