/**
 * Reading `COMMAND INFO` (Redis 7 layout: name, arity, flags, first key, last key, step,
 * ACL categories, tips, key specs, subcommands) into the ACL model's command table.
 */
import type { CommandSpec, CommandTable } from "../../model/redis/commands.js";
import type { RespReply } from "./resp.js";

export class CommandInfoError extends Error {
  override name = "CommandInfoError";
}

function items(reply: RespReply | undefined): RespReply[] {
  return reply?.kind === "array" && reply.value !== null ? reply.value : [];
}

function text(reply: RespReply | undefined): string | undefined {
  return reply && (reply.kind === "bulk" || reply.kind === "simple") ? (reply.value ?? undefined) : undefined;
}

function strings(reply: RespReply | undefined): string[] {
  return items(reply)
    .map(text)
    .filter((s): s is string => s !== undefined);
}

/** A RESP2 flat map (`[name, value, name, value, …]`) as a Map. */
function flatMap(reply: RespReply | undefined): Map<string, RespReply> {
  const out = new Map<string, RespReply>();
  const list = items(reply);
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = text(list[i]);
    const value = list[i + 1];
    if (name !== undefined && value !== undefined) out.set(name, value);
  }
  return out;
}

function spec(entry: RespReply[]): CommandSpec {
  const flags = strings(entry[2]).map((f) => f.toLowerCase());
  const categories = strings(entry[6]).map((c) => c.replace(/^@/, "").toLowerCase());
  const keySpecFlags = items(entry[8]).map((ks) => strings(flatMap(ks).get("flags")).map((f) => f.toLowerCase()));
  const firstKey = entry[3]?.kind === "integer" ? entry[3].value : 0;
  return {
    categories,
    readsKeys: keySpecFlags.some((f) => f.includes("access")),
    writesKeys: keySpecFlags.some((f) => f.includes("insert") || f.includes("update") || f.includes("delete")),
    keyed: keySpecFlags.length > 0 || firstKey > 0 || flags.includes("movablekeys"),
  };
}

function add(table: Record<string, CommandSpec>, entry: RespReply | undefined): void {
  const fields = items(entry);
  const name = text(fields[0])?.toLowerCase();
  if (!name) throw new CommandInfoError("COMMAND INFO entry without a name");
  if (fields.length < 10) throw new CommandInfoError(`COMMAND INFO entry for ${name} has ${fields.length} fields, not the 10 of Redis 7`);
  table[name] = spec(fields);
  for (const sub of items(fields[9])) add(table, sub);
}

export function commandTableFromInfo(reply: RespReply, categoriesReply: RespReply | undefined, source: string): CommandTable {
  if (reply.kind !== "array" || reply.value === null) throw new CommandInfoError(`COMMAND INFO replied with a ${reply.kind}`);
  const commands: Record<string, CommandSpec> = {};
  for (const entry of reply.value) {
    if (entry.kind === "array" && entry.value === null) continue; // a name the server does not know
    add(commands, entry);
  }
  const fromCommands = [...new Set(Object.values(commands).flatMap((c) => c.categories))];
  const categories = categoriesReply ? strings(categoriesReply).map((c) => c.toLowerCase()) : fromCommands;
  return { source, categories: [...new Set([...categories, ...fromCommands])].sort(), commands };
}
