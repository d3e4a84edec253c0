/**
 * Parsing ACL rules (an `ACL LIST` line, an ACL file line, an ElastiCache access string)
 * into the permissions Redis 7 would hold for that user, applying every rule in order the
 * way `ACL SETUSER` does: on/off, nopass/resetpass/`>pass`/`<pass`/`#hash`/`!hash`,
 * `~pattern`, `%R~`/`%W~`/`%RW~`, allkeys/resetkeys, `&pattern`/allchannels/resetchannels,
 * `+cmd`/`-cmd`/`+@cat`/`-@cat`/`+cmd|sub`/`-cmd|sub`, allcommands/nocommands, reset,
 * (skip-)sanitize-payload, clearselectors and selectors `( … )`.
 *
 * Each granted command and key pattern remembers the rule that granted it, so a finding
 * can name it (`~* +@read`, `(~queue:* +lrange)`).
 */
import { type CommandTable, containerOf, inCategory, withSubcommands } from "./commands.js";

export interface KeyPattern {
  pattern: string;
  read: boolean;
  write: boolean;
  /** The rule as written: `~queue:*`, `%R~*`, `allkeys`. */
  rule: string;
}

export interface Selector {
  /** `root` for the user's own rules, else the selector as written: `(~queue:* +lrange)`. */
  label: string;
  keys: KeyPattern[];
  /** Granted command ids (`lpush`, `client|kill`), each with the rule that granted it last. */
  commands: Map<string, string>;
  channels: string[];
}

export interface AclUser {
  name: string;
  on: boolean;
  nopass: boolean;
  /** How many passwords or hashes the user has (their values are never kept). */
  passwords: number;
  root: Selector;
  selectors: Selector[];
  /** The rules with password material replaced by `#<redacted>`. */
  rules: string;
}

export class AclRuleError extends Error {
  override name = "AclRuleError";
}

const REDACTED = "#<redacted>";

/** Splits rules on spaces, keeping each `( … )` selector as one token. */
export function tokenize(rules: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < rules.length) {
    while (rules[i] === " " || rules[i] === "\t") i++;
    if (i >= rules.length) break;
    if (rules[i] === "(") {
      const close = rules.indexOf(")", i);
      if (close === -1) throw new AclRuleError(`unterminated selector at "${rules.slice(i, i + 40)}"`);
      tokens.push(rules.slice(i, close + 1));
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < rules.length && rules[j] !== " " && rules[j] !== "\t") j++;
    tokens.push(rules.slice(i, j));
    i = j;
  }
  return tokens;
}

export function isPasswordToken(token: string): boolean {
  return /^[><#!]/.test(token);
}

/** The rules with every password and hash replaced, safe for evidence. */
export function redactRules(rules: string): string {
  return tokenize(rules)
    .map((t) => (isPasswordToken(t) ? REDACTED : t))
    .join(" ");
}

function emptySelector(label: string): Selector {
  return { label, keys: [], commands: new Map(), channels: [] };
}

/**
 * Adds a key pattern as Redis does: a pattern already there gains the new permissions
 * (`%R~q:* %W~q:*` is one `~q:*`, which LPOP can use); a different pattern is its own.
 */
function addKeyPattern(selector: Selector, key: KeyPattern): void {
  const same = selector.keys.find((k) => k.pattern === key.pattern);
  if (!same) {
    selector.keys.push(key);
    return;
  }
  same.read ||= key.read;
  same.write ||= key.write;
  if (!same.rule.split(" ").includes(key.rule)) same.rule = `${same.rule} ${key.rule}`;
}

/** Applies one command, key or channel rule to a selector; false when the token is not one. */
function applySelectorRule(selector: Selector, token: string, table: CommandTable, grantedBy: string): boolean {
  const lower = token.toLowerCase();
  if (lower === "allkeys") {
    selector.keys.push({ pattern: "*", read: true, write: true, rule: token });
    return true;
  }
  if (lower === "resetkeys") {
    selector.keys = [];
    return true;
  }
  if (token.startsWith("~")) {
    addKeyPattern(selector, { pattern: token.slice(1), read: true, write: true, rule: token });
    return true;
  }
  const perm = /^%([RW]+)~(.*)$/i.exec(token);
  if (perm) {
    const flags = (perm[1] as string).toUpperCase();
    addKeyPattern(selector, { pattern: perm[2] as string, read: flags.includes("R"), write: flags.includes("W"), rule: token });
    return true;
  }
  if (token.startsWith("%")) throw new AclRuleError(`unknown key permission in "${token}"`);
  if (lower === "allchannels") {
    selector.channels = ["*"];
    return true;
  }
  if (lower === "resetchannels") {
    selector.channels = [];
    return true;
  }
  if (token.startsWith("&")) {
    selector.channels.push(token.slice(1));
    return true;
  }
  if (lower === "allcommands" || lower === "+@all") {
    for (const id of Object.keys(table.commands)) selector.commands.set(id, grantedBy);
    return true;
  }
  if (lower === "nocommands" || lower === "-@all") {
    selector.commands.clear();
    return true;
  }
  const command = /^([+-])(@?)(.+)$/.exec(lower);
  if (!command) return false;
  const [, sign, isCategory, name] = command as unknown as [string, "+" | "-", string, string];
  let ids: string[];
  if (isCategory) {
    if (!table.categories.includes(name)) throw new AclRuleError(`unknown ACL category @${name} in "${token}"`);
    ids = inCategory(table, name);
  } else if (containerOf(name) !== undefined) {
    // `+cmd|sub` names a subcommand; on a command without subcommands it is a first-argument rule.
    ids = [name];
  } else {
    ids = withSubcommands(table, name);
  }
  for (const id of ids) {
    if (sign === "+") selector.commands.set(id, grantedBy);
    else selector.commands.delete(id);
  }
  return true;
}

/** Parses one user's rules (without the leading `user NAME`). */
export function parseUser(name: string, rules: string, table: CommandTable): AclUser {
  const user: AclUser = {
    name,
    on: false,
    nopass: false,
    passwords: 0,
    root: emptySelector("root"),
    selectors: [],
    rules: redactRules(rules),
  };
  for (const token of tokenize(rules)) {
    const lower = token.toLowerCase();
    if (token.startsWith("(")) {
      const inner = token.slice(1, -1);
      const selector = emptySelector(token);
      for (const t of tokenize(inner)) {
        if (!applySelectorRule(selector, t, table, token)) throw new AclRuleError(`"${t}" is not allowed in selector ${token}`);
      }
      user.selectors.push(selector);
    } else if (lower === "on" || lower === "off") {
      user.on = lower === "on";
    } else if (lower === "nopass") {
      user.nopass = true;
      user.passwords = 0;
    } else if (lower === "resetpass") {
      user.nopass = false;
      user.passwords = 0;
    } else if (token.startsWith(">") || token.startsWith("#")) {
      user.nopass = false;
      user.passwords++;
    } else if (token.startsWith("<") || token.startsWith("!")) {
      user.passwords = Math.max(0, user.passwords - 1);
    } else if (lower === "clearselectors") {
      user.selectors = [];
    } else if (lower === "reset") {
      user.on = false;
      user.nopass = false;
      user.passwords = 0;
      user.root = emptySelector("root");
      user.selectors = [];
    } else if (lower === "sanitize-payload" || lower === "skip-sanitize-payload") {
      // Affects RESTORE payload checks only.
    } else if (!applySelectorRule(user.root, token, table, token)) {
      throw new AclRuleError(`unknown ACL rule "${isPasswordToken(token) ? REDACTED : token}"`);
    }
  }
  return user;
}

/** One `ACL LIST` line (`user NAME rules…`). */
export function parseAclListLine(line: string, table: CommandTable): AclUser {
  const match = /^user (\S+)(?: (.*))?$/.exec(line.trim());
  if (!match) throw new AclRuleError(`not an ACL LIST line: "${redactRules(line).slice(0, 60)}"`);
  return parseUser(match[1] as string, match[2] ?? "", table);
}
