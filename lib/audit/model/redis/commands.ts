/**
 * What the ACL model needs to know about each Redis command: its ACL categories and
 * whether it reads or changes the keys it is given. Read live from the server's
 * `COMMAND INFO` when the auditor may run it, else from the bundled table generated from
 * a real redis-server (scripts/redis-command-table.ts; the file names the version).
 */
import bundled from "./redis-commands.json" with { type: "json" };

export interface CommandSpec {
  /** ACL categories without the `@`, e.g. `write`, `list`, `dangerous`. */
  categories: string[];
  /** Some key argument is read (a key spec with the `access` flag). */
  readsKeys: boolean;
  /** Some key argument is changed (a key spec with `insert`, `update` or `delete`). */
  writesKeys: boolean;
  /** The command takes key arguments at all. */
  keyed: boolean;
}

export interface CommandTable {
  /** Where the table came from: `redis_version:7.0.15 COMMAND INFO` and the like. */
  source: string;
  /** Every ACL category the server knows (`ACL CAT`), without `@`. */
  categories: string[];
  /** Lower-case command ids: `lpush`, and `client|kill` for subcommands. */
  commands: Record<string, CommandSpec>;
}

export const BUNDLED_COMMANDS: CommandTable = bundled as CommandTable;

/** The container of a subcommand id (`client` for `client|kill`), or undefined for a plain command. */
export function containerOf(id: string): string | undefined {
  const bar = id.indexOf("|");
  return bar === -1 ? undefined : id.slice(0, bar);
}

/** A command id and, when it is a container (`client`), every subcommand id (`client|kill`, …). */
export function withSubcommands(table: CommandTable, id: string): string[] {
  const prefix = `${id}|`;
  return [id, ...Object.keys(table.commands).filter((c) => c.startsWith(prefix))];
}

export function inCategory(table: CommandTable, category: string): string[] {
  if (category === "all") return Object.keys(table.commands);
  return Object.entries(table.commands)
    .filter(([, spec]) => spec.categories.includes(category))
    .map(([id]) => id);
}
