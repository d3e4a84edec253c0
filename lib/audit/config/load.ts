import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { type Config, configSchema } from "./schema.js";

/** A config file that cannot be used. The message is one line: file, key path, what was expected. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** `postgres[0].connection.password` from zod's path array. */
export function formatKeyPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(top level)" : out;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.join(", ");
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}: not part of the config format`;
  }
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return `missing: ${issue.message}`;
  }
  return issue.message;
}

/** Validates already-parsed config data; `file` names the source in errors. */
export function parseConfig(data: unknown, file: string): Config {
  const result = configSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0];
    if (!issue) throw new ConfigError(`${file}: invalid config`);
    const path = issue.code === "unrecognized_keys" ? [...issue.path] : issue.path;
    throw new ConfigError(`${file}: ${formatKeyPath(path)}: ${describeIssue(issue)}`);
  }
  const config = result.data;
  checkCrossReferences(config, file);
  return config;
}

function checkCrossReferences(config: Config, file: string): void {
  const fail = (path: string, expected: string): never => {
    throw new ConfigError(`${file}: ${path}: ${expected}`);
  };
  const pgNames = new Set<string>();
  config.postgres.forEach((target, i) => {
    if (pgNames.has(target.name)) fail(`postgres[${i}].name`, `expected a unique name; "${target.name}" is used twice`);
    pgNames.add(target.name);
    const roles = new Set(Object.keys(target.principals));
    if (roles.has(target.owner)) {
      fail(`postgres[${i}].principals.${target.owner}`, "expected the owner not to be listed as a principal (owners hold every privilege)");
    }
    target.tables.forEach((t, j) => {
      if (target.tables.indexOf(t) !== j) fail(`postgres[${i}].tables[${j}]`, `expected each table once; "${t}" is listed twice`);
    });
  });
  const redisNames = new Set<string>();
  config.redis.forEach((target, i) => {
    if (redisNames.has(target.name)) fail(`redis[${i}].name`, `expected a unique name; "${target.name}" is used twice`);
    redisNames.add(target.name);
  });
  const accounts = config.aws.accounts ?? [];
  accounts.forEach((account, i) => {
    if (account.roleArn && !account.roleArn.includes(`::${account.id}:`)) {
      fail(`aws.accounts[${i}].roleArn`, `expected a role in account ${account.id}`);
    }
    if (accounts.findIndex((a) => a.id === account.id) !== i) fail(`aws.accounts[${i}].id`, `expected each account once; ${account.id} is listed twice`);
  });
}

/** Reads a YAML or JSON config file (JSON is YAML). */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: cannot read the config file (${code === "ENOENT" ? "no such file" : code ?? String(err)})`);
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0];
    const where = line ? `line ${line.line}, column ${line.col}` : "(top level)";
    throw new ConfigError(`${file}: ${where}: expected valid YAML or JSON (${yamlError.message.split("\n")[0]})`);
  }
  return parseConfig(doc.toJS({ maxAliasCount: 100 }) ?? {}, file);
}
