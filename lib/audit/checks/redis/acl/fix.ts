/**
 * Fixes for the access findings, built from the user's own rules: its key patterns that
 * reach the queue keys lose the permissions the policy does not give (`~*` becomes
 * `%R~*` for a reader, disappears for a stranger), patterns elsewhere stay, and granted
 * dangerous commands are taken away (`-flushall`, `-client|kill`). The same rewrite gives
 * an `ACL SETUSER` line (incremental) and an ElastiCache access string (complete).
 */
import type { Fix } from "../../../findings/model.js";
import { tokenize } from "../../../model/redis/acl-rules.js";
import { globsIntersect } from "./glob.js";
import { redisArg, shellWord, shownName } from "./quote.js";

export interface AccessChange {
  /** What the policy allows on the queue keys. */
  allow: { read: boolean; write: boolean };
  /** Command ids to remove (`flushall`, `client|kill`). */
  revoke: string[];
}

function keyToken(token: string): { pattern: string; read: boolean; write: boolean } | undefined {
  if (token.toLowerCase() === "allkeys") return { pattern: "*", read: true, write: true };
  if (token.startsWith("~")) return { pattern: token.slice(1), read: true, write: true };
  const m = /^%([RW]+)~(.*)$/i.exec(token);
  if (!m) return undefined;
  const flags = (m[1] as string).toUpperCase();
  return { pattern: m[2] as string, read: flags.includes("R"), write: flags.includes("W") };
}

function rewriteKey(token: string, queueKeys: readonly string[], change: AccessChange): string | undefined {
  const k = keyToken(token);
  if (!k) return token;
  if (!queueKeys.some((q) => globsIntersect(k.pattern, q))) return token;
  const read = k.read && change.allow.read;
  const write = k.write && change.allow.write;
  if (read && write) return token;
  if (read) return `%R~${k.pattern}`;
  if (write) return `%W~${k.pattern}`;
  return undefined;
}

function rewriteSelector(tokens: readonly string[], queueKeys: readonly string[], change: AccessChange): string[] {
  const kept = tokens.map((t) => rewriteKey(t, queueKeys, change)).filter((t): t is string => t !== undefined);
  return [...kept, ...change.revoke.map((c) => `-${c}`)];
}

function isKeyRule(token: string): boolean {
  return keyToken(token) !== undefined || token.toLowerCase() === "resetkeys";
}

/** The user's rules after the change: the root's and each selector's, as tokens. */
export function rewrittenRules(rules: string, queueKeys: readonly string[], change: AccessChange) {
  const tokens = tokenize(rules);
  const root = tokens.filter((t) => !t.startsWith("("));
  const selectors = tokens.filter((t) => t.startsWith("(")).map((s) => rewriteSelector(tokenize(s.slice(1, -1)), queueKeys, change));
  return { root: rewriteSelector(root, queueKeys, change), selectors };
}

export interface FixTarget {
  user: string;
  /** The user's current rules (ACL LIST without `user NAME`, or the ElastiCache access string). */
  rules: string;
  queueKeys: readonly string[];
  /** Set for ElastiCache RBAC users: the `modify-user` command replaces the whole access string. */
  elastiCacheUserId?: string;
}

/** `ACL SETUSER` (keys reset and re-added, selectors re-added) or `aws elasticache modify-user`. */
export function accessFix(t: FixTarget, change: AccessChange, why: string): Fix {
  const { root, selectors } = rewrittenRules(t.rules, t.queueKeys, change);
  if (t.elastiCacheUserId) {
    const accessString = [...root, ...selectors.map((s) => `(${s.join(" ")})`)].join(" ");
    return {
      kind: "aws-cli",
      text: `${why} Replace the user's access string (ElastiCache applies it to the users' connections as it propagates).`,
      commands: [`aws elasticache modify-user --user-id ${shellWord(t.elastiCacheUserId)} --access-string ${shellWord(accessString)}`],
    };
  }
  // Key rules before a `resetkeys` (or `reset`) no longer hold; only the later ones are re-added.
  const lastReset = root.findLastIndex((r) => r.toLowerCase() === "resetkeys" || r.toLowerCase() === "reset");
  const rootKeys = root.slice(lastReset + 1).filter(isKeyRule);
  const rootRevokes = root.filter((r) => change.revoke.some((c) => r === `-${c}`));
  const args = ["resetkeys", ...rootKeys.filter((k) => k.toLowerCase() !== "resetkeys"), ...rootRevokes];
  if (selectors.length > 0) args.push("clearselectors", ...selectors.map((s) => `(${s.join(" ")})`));
  return {
    kind: "redis-acl",
    text: `${why} Then save it where your ACL lives (ACL SAVE with an aclfile, or the config management that writes it).`,
    commands: [`ACL SETUSER ${redisArg(t.user)} ${args.map(redisArg).join(" ")}`],
  };
}

/** A password for a user that has none: live `ACL SETUSER … resetpass >…`, or ElastiCache password mode. */
export function passwordFix(user: string, elastiCacheUserId: string | undefined): Fix {
  const name = shownName(user);
  if (elastiCacheUserId) {
    return {
      kind: "aws-cli",
      text: `Give ${name} a password (generate it into your secret store first; NEW_PASSWORD is read from the environment, never written here).`,
      commands: [
        `aws elasticache modify-user --user-id ${shellWord(elastiCacheUserId)} --authentication-mode Type=password,Passwords="$NEW_PASSWORD"`,
      ],
    };
  }
  return {
    kind: "redis-acl",
    text: `Give ${name} a password: generate one into your secret store, put its SHA-256 in place of SHA256_OF_NEW_PASSWORD (\`printf %s "$NEW_PASSWORD" | sha256sum\`), and update the clients that log in as ${name}.`,
    commands: [`ACL SETUSER ${redisArg(user)} resetpass #SHA256_OF_NEW_PASSWORD`],
  };
}
