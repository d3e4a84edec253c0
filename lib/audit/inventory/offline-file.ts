/** Reading one AWS CLI JSON export: missing is a value, malformed is an InventoryError. */
import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import type * as z from "zod";
import { describeIssue, formatPath, InventoryError, lineAndColumn } from "./offline-errors.js";
import { conversions } from "./offline-schemas.js";

export type FileRead<T> = { ok: true; value: T } | { ok: false; missing: true };

/** Where JSON.parse gave up. V8 names the position for some errors only; YAML (a JSON superset) locates the rest. */
function locate(text: string, err: Error): string {
  const lineCol = /\(line (\d+) column (\d+)\)/.exec(err.message);
  if (lineCol) return `line ${lineCol[1]}, column ${lineCol[2]}`;
  const position = /at position (\d+)/.exec(err.message);
  if (position) return lineAndColumn(text, Number(position[1]));
  if (text.trim() === "") return "(top level)";
  const pos = parseDocument(text, { prettyErrors: true }).errors[0]?.linePos?.[0];
  return pos ? `line ${pos.line}, column ${pos.col}` : "(top level)";
}

/** V8's message without the quoted excerpt of the file (which spans lines and says nothing new). */
function jsonReason(err: Error): string {
  return err.message
    .replace(/,\s*".*" is not valid JSON$/s, "")
    .replace(/\s*\(line \d+ column \d+\)$/, "")
    .replace(/ in JSON at position \d+$/, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * A list export (`{"SecurityGroups": [...]}`) is validated one item at a time, and the
 * original item is kept unless validation converted a timestamp: the file's objects then
 * exist once, not twice, which keeps the reader's memory near that of JSON.parse alone.
 */
export interface ListShape {
  key: string;
  item: z.ZodType;
}

export async function readJsonFile<S extends z.ZodType>(
  file: string,
  schema: S,
  describeWhat: string,
  list?: ListShape,
): Promise<FileRead<z.output<S>>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { ok: false, missing: true };
    throw new InventoryError(`${file}: cannot read the file (${code ?? String(err)})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new InventoryError(`${file}: ${locate(text, err as Error)}: expected valid JSON (${jsonReason(err as Error)})`);
  }
  if (list) return validateList(file, data, schema, describeWhat, list) as FileRead<z.output<S>>;
  return checkWhole(file, data, schema, describeWhat) as FileRead<z.output<S>>;
}

function validateList(file: string, data: unknown, schema: z.ZodType, describeWhat: string, list: ListShape): FileRead<unknown> {
  const items = data && typeof data === "object" && !Array.isArray(data) ? (data as Record<string, unknown>)[list.key] : undefined;
  // The top level (wrong command's output, not a list) is judged by the whole-file schema, for its messages.
  if (!Array.isArray(items)) return checkWhole(file, data, schema, describeWhat);
  let before = conversions.count;
  for (let i = 0; i < items.length; i++) {
    const result = list.item.safeParse(items[i]);
    if (!result.success) {
      const issue = result.error.issues[0];
      if (!issue) throw new InventoryError(`${file}: ${formatPath([list.key, i])}: expected ${describeWhat}`);
      const located = { ...issue, path: [list.key, i, ...issue.path] } as z.core.$ZodIssue;
      throw new InventoryError(`${file}: ${formatPath(located.path)}: ${describeProblem(located, data, describeWhat)}`);
    }
    // zod returns a copy; keep the original (already in the old generation) unless a timestamp was converted.
    if (conversions.count !== before) {
      items[i] = result.data;
      before = conversions.count;
    }
  }
  return { ok: true, value: data };
}

function checkWhole(file: string, data: unknown, schema: z.ZodType, describeWhat: string): FileRead<unknown> {
  const result = schema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (!issue) throw new InventoryError(`${file}: (top level): expected ${describeWhat}`);
    throw new InventoryError(`${file}: ${formatPath(issue.path)}: ${describeProblem(issue, data, describeWhat)}`);
  }
  return { ok: true, value: result.data };
}

/** A wrong top level usually means the wrong command's output in the file: say which command belongs there. */
function describeProblem(issue: z.core.$ZodIssue, data: unknown, describeWhat: string): string {
  const topLevel = issue.path.length <= 1;
  const missing = issue.code === "invalid_type" && !present(data, issue.path);
  if (issue.path.length === 0) return `${describeIssue(issue)} (${describeWhat})`;
  if (topLevel && missing) {
    const keys = data && typeof data === "object" ? Object.keys(data) : [];
    const found = keys.length > 0 ? `; found ${keys.slice(0, 3).join(", ")}` : "";
    return `missing: ${describeIssue(issue)} (${describeWhat})${found}`;
  }
  if (missing) return `missing: ${describeIssue(issue)}`;
  return describeIssue(issue);
}

/** Whether the key at `path` is in the data at all (zod's issues do not carry the input by default). */
function present(data: unknown, keys: readonly PropertyKey[]): boolean {
  let node: unknown = data;
  for (const key of keys) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return true;
}
