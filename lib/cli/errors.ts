import { UserError } from "../audit/model/user-error.js";

/** Exit codes of the CLI (README, "Exit codes"). */
export const EXIT = {
  ok: 0,
  violations: 1,
  usage: 2,
  incomplete: 3,
  /** The audit ran and its result was printed, but the store could not record it: no evidence was kept. */
  notRecorded: 4,
} as const;

/** Bad usage of a command (a flag value, a combination of flags): printed as one line, exit 2. */
export class UsageError extends UserError {
  override name = "UsageError";
}
