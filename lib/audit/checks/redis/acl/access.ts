/**
 * What one ACL user can do to the queue: which queue keys it can read, which it can
 * change, and which keyspace- or server-wide commands it can run, each with the rule that
 * grants it. Pure: rules in, verdict data out.
 */

import type { AclUser, KeyPattern, Selector } from "../../../model/redis/acl-rules.js";
import type { CommandTable } from "../../../model/redis/commands.js";
import { globsIntersect, matchesEverything } from "./glob.js";

/**
 * Commands that destroy, move, replace or expose the whole keyspace or the server, whatever
 * the user's key patterns say (Redis does not check key patterns for keyless commands).
 * SCRIPT FLUSH/KILL and FUNCTION FLUSH/DELETE are left out: they drop cached code, which
 * clients reload on NOSCRIPT (Sidekiq does), and touch no key; scripts themselves run with
 * the caller's ACL, so EVAL counts only where the user reaches every key (KEYED_DANGEROUS).
 */
export const SERVER_WIDE_COMMANDS: Readonly<Record<string, string>> = {
  flushall: "deletes every key",
  flushdb: "deletes every key of the database",
  swapdb: "swaps whole databases",
  "config|set": "reconfigures the server (dir, dbfilename, requirepass, …)",
  "config|rewrite": "rewrites the server's config file",
  "config|resetstat": "resets server statistics",
  "config|get": "reads the server's configuration",
  debug: "can crash, stall or reload the server",
  "module|load": "loads native code into the server",
  "module|loadex": "loads native code into the server",
  "module|unload": "unloads server modules",
  keys: "lists every key name and blocks the server while it does",
  monitor: "streams every command, job payloads included",
  sync: "copies the whole dataset (replication)",
  psync: "copies the whole dataset (replication)",
  replicaof: "replaces the dataset with another server's",
  slaveof: "replaces the dataset with another server's",
  failover: "hands the primary role to another server",
  shutdown: "stops the server",
  "acl|setuser": "changes any user's permissions, its own included",
  "acl|deluser": "deletes users",
  "acl|load": "replaces every user from the ACL file",
  "acl|save": "writes the ACL file",
  "client|kill": "disconnects other clients, workers included",
};

/**
 * Keyless commands that only reveal key names, page by page: reported as evidence, not as a
 * fault (a `-@dangerous` user keeps SCAN, and Redis itself does not count it dangerous).
 */
const KEY_NAME_COMMANDS = ["scan", "randomkey"];

/** Key-taking commands that are excess on queue keys beyond read and write. */
const KEYED_DANGEROUS: Readonly<Record<string, { needs: "queue-write" | "all-keys"; effect: string }>> = {
  migrate: { needs: "queue-write", effect: "moves queue keys to another server" },
  eval: { needs: "all-keys", effect: "runs scripts on any key" },
  evalsha: { needs: "all-keys", effect: "runs scripts on any key" },
  eval_ro: { needs: "all-keys", effect: "runs read-only scripts on any key" },
  evalsha_ro: { needs: "all-keys", effect: "runs read-only scripts on any key" },
  fcall: { needs: "all-keys", effect: "runs functions on any key" },
  fcall_ro: { needs: "all-keys", effect: "runs read-only functions on any key" },
};

export interface Grant {
  /** The rule(s) that grant it, as written: `~* +@read`, `(~queue:* +lrange)`. */
  rule: string;
  /** The user's key patterns that reach the queue keys. */
  patterns: string[];
  /** The queue key patterns reached. */
  queueKeys: string[];
  /** A few of the commands it can use that way (all of them are counted). */
  commands: string[];
  commandCount: number;
}

export interface DangerousGrant {
  command: string;
  effect: string;
  rule: string;
}

export interface UserAccess {
  user: string;
  on: boolean;
  nopass: boolean;
  read?: Grant;
  write?: Grant;
  dangerous: DangerousGrant[];
  /** Keyless commands it can run that list key names of the whole keyspace (SCAN, RANDOMKEY). */
  listsKeyNames: string[];
}

const EXAMPLES = 6;

function reaching(keys: readonly KeyPattern[], mode: "read" | "write", queueKeys: readonly string[]) {
  const patterns: KeyPattern[] = [];
  const reached = new Set<string>();
  for (const k of keys) {
    if (!k[mode]) continue;
    const hits = queueKeys.filter((q) => globsIntersect(k.pattern, q));
    if (hits.length === 0) continue;
    patterns.push(k);
    for (const h of hits) reached.add(h);
  }
  return { patterns, reached: [...reached] };
}

/**
 * The table's own entry for a command name: a name from an ACL file is anyone's text, and
 * `constructor` or `__proto__` must not find the object's prototype.
 */
function own<T>(table: Readonly<Record<string, T>>, name: string): T | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

function grantIn(selector: Selector, mode: "read" | "write", queueKeys: readonly string[], table: CommandTable): Grant | undefined {
  const { patterns, reached } = reaching(selector.keys, mode, queueKeys);
  if (patterns.length === 0) return undefined;
  // A command that both reads and changes a key (LPOP, GETDEL) needs both permissions on it,
  // whichever side is asked; one that only inserts or deletes (LPUSH, DEL) needs write alone,
  // one that only reads (LRANGE) read alone.
  const usable = (id: string) => {
    const spec = own(table.commands, id);
    if (!spec) return false;
    if (mode === "read") return spec.readsKeys && (!spec.writesKeys || patterns.some((p) => p.write));
    return spec.writesKeys && (!spec.readsKeys || patterns.some((p) => p.read));
  };
  const commands = [...selector.commands.keys()].filter(usable);
  if (commands.length === 0) return undefined;
  const commandRules = [...new Set(commands.map((c) => selector.commands.get(c) as string))];
  const rule = selector.label === "root" ? [...new Set(patterns.map((p) => p.rule)), ...commandRules].join(" ") : selector.label;
  return {
    rule,
    patterns: patterns.map((p) => p.pattern),
    queueKeys: reached,
    commands: commands.sort().slice(0, EXAMPLES),
    commandCount: commands.length,
  };
}

function dangerousIn(selector: Selector, queueKeys: readonly string[]): DangerousGrant[] {
  const out: DangerousGrant[] = [];
  // The key rule that lets a keyed command do its harm: one pattern that reads and changes a queue key
  // (MIGRATE reads and deletes the key; Redis wants both permissions on one pattern), or on every key.
  const queueWrite = reaching(selector.keys, "write", queueKeys).patterns.find((k) => k.read);
  const allKeys = selector.keys.find((k) => k.read && k.write && matchesEverything(k.pattern));
  for (const [id, grantedBy] of selector.commands) {
    const serverWide = own(SERVER_WIDE_COMMANDS, id);
    const keyed = own(KEYED_DANGEROUS, id);
    const keyGrant = keyed && (keyed.needs === "all-keys" ? allKeys : queueWrite);
    const effect = serverWide ?? (keyGrant ? keyed.effect : undefined);
    if (!effect) continue;
    const keyRule = keyGrant?.rule;
    const rule = selector.label === "root" ? [keyRule, grantedBy].filter(Boolean).join(" ") : selector.label;
    out.push({ command: id.replace("|", " ").toUpperCase(), effect, rule });
  }
  return out;
}

/** Everything `user` can do to the keys `queueKeys` and to the server, across all its selectors. */
export function userAccess(user: AclUser, queueKeys: readonly string[], table: CommandTable): UserAccess {
  const selectors = [user.root, ...user.selectors];
  const firstGrant = (mode: "read" | "write") => {
    for (const s of selectors) {
      const g = grantIn(s, mode, queueKeys, table);
      if (g) return g;
    }
    return undefined;
  };
  const dangerous = new Map<string, DangerousGrant>();
  for (const s of selectors) for (const d of dangerousIn(s, queueKeys)) if (!dangerous.has(d.command)) dangerous.set(d.command, d);
  const listsKeyNames = KEY_NAME_COMMANDS.filter((c) => selectors.some((s) => s.commands.has(c))).map((c) => c.toUpperCase());
  const access: UserAccess = { user: user.name, on: user.on, nopass: user.nopass, dangerous: [...dangerous.values()], listsKeyNames };
  const read = firstGrant("read");
  const write = firstGrant("write");
  if (read) access.read = read;
  if (write) access.write = write;
  return access;
}

/**
 * One verb phrase of what the user can do ("reads …; changes …; can run …", or "reads or
 * changes no queue key"), for evidence and for messages that say "it …".
 */
export function describeAccess(a: UserAccess): string {
  const parts: string[] = [];
  if (a.read) parts.push(`reads ${a.read.queueKeys.join(", ")} (${a.read.rule})`);
  if (a.write) parts.push(`changes ${a.write.queueKeys.join(", ")} (${a.write.rule})`);
  if (a.dangerous.length > 0) parts.push(`can run ${a.dangerous.map((d) => d.command).join(", ")}`);
  return parts.length > 0 ? parts.join("; ") : "reads or changes no queue key";
}

/**
 * Whether the user may run `command` (an id such as `lpush` or `client|kill`) on `keys`,
 * by the model: some selector grants the command and, for each key, a pattern with the
 * permissions the command needs. What `ACL DRYRUN` answers on a live server.
 */
export function permits(user: AclUser, command: string, keys: readonly string[], table: CommandTable): boolean {
  if (!user.on) return false;
  const spec = own(table.commands, command);
  return [user.root, ...user.selectors].some((s) => {
    if (!s.commands.has(command)) return false;
    return keys.every((key) =>
      s.keys.some(
        (k) =>
          (!spec?.readsKeys || k.read) && (!spec?.writesKeys || k.write) && globsIntersect(k.pattern, key.replace(/[*?[\]\\]/g, "\\$&")),
      ),
    );
  });
}
