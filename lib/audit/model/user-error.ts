/**
 * An error the user fixes from its message alone: bad usage, a config or inventory that
 * cannot be used, a flag value that makes no sense. The message is one line naming the
 * file or flag, the key path and what was expected; the CLI prints it and exits 2.
 * Everything else is unexpected (exit 3, with its stack). Subclasses keep their own
 * names so callers and tests can tell them apart.
 */
export class UserError extends Error {
  override name = "UserError";
}
