import type * as z from "zod";
import { UserError } from "../model/user-error.js";

/**
 * An offline inventory that cannot be read as one: not an inventory directory, a file that
 * is not JSON, or JSON of the wrong shape. One line: the file, the key path inside it, and
 * what was expected. (A *missing* file is not an error: it becomes an ERROR finding.)
 */
export class InventoryError extends UserError {
  override name = "InventoryError";
}

/** `SecurityGroups[3].IpPermissions` from zod's path array: the same notation as config errors. */
export { formatKeyPath as formatPath } from "../config/load.js";

const NOUN: Record<string, string> = {
  array: "an array",
  object: "an object",
  string: "a string",
  number: "a number",
  boolean: "true or false",
};

/** What was expected, in words, for the first issue zod found. */
export function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") return `expected ${NOUN[issue.expected] ?? issue.expected}`;
  return issue.message;
}

/** `line 3, column 7` for a character offset, so a person can jump to a JSON syntax error. */
export function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}
