import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type * as z from "zod";
import { UserError } from "../model/user-error.js";
import { type Config, configSchema } from "./schema.js";

/** A config file that cannot be used. The message is one line: file, key path, what was expected. */
export class ConfigError extends UserError {
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

/** Maps whose keys are ids rather than config keys: an unknown key there is a bad id. */
const ID_KEYED_MAPS: Record<string, string> = {
  "checks.severity": "expected a check id of docs/checks.md, such as sg-unapproved-cidr",
};

/** Whether `path` leads to a value in `data` (zod 4 issues do not carry their input unless asked). */
function present(data: unknown, path: readonly PropertyKey[]): boolean {
  let node = data;
  for (const key of path) {
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return false;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return true;
}

function describeIssue(issue: z.core.$ZodIssue, data: unknown): string {
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.join(", ");
    const expected = ID_KEYED_MAPS[formatKeyPath(issue.path)] ?? "not part of the config format (see docs/config.md)";
    return `unknown key${issue.keys.length > 1 ? "s" : ""} ${keys}: ${expected}`;
  }
  if (issue.code === "invalid_type" && !present(data, issue.path)) {
    return `missing: ${issue.message}`;
  }
  return issue.message;
}

/**
 * For a union where the input clearly chose a branch (an object with `secret`, say), the
 * issue inside that branch says more than "expected one of …": `password.secret: expected …`.
 */
function innermost(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union") return issue;
  const chosen = issue.errors.find(
    (branch) => branch.length > 0 && branch.every((i) => i.code !== "unrecognized_keys" && i.path.length > 0),
  );
  const inner = chosen?.[0];
  return inner ? innermost({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue) : issue;
}

/** Validates already-parsed config data; `file` names the source in errors. */
export function parseConfig(data: unknown, file: string): Config {
  const result = configSchema.safeParse(data);
  if (!result.success) {
    const first = result.error.issues[0];
    const issue = first ? innermost(first) : undefined;
    if (!issue) throw new ConfigError(`${file}: invalid config`);
    const path = issue.code === "unrecognized_keys" ? [...issue.path] : issue.path;
    throw new ConfigError(`${file}: ${formatKeyPath(path)}: ${describeIssue(issue, data)}`);
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
  const mysqlNames = new Set<string>();
  config.mysql.forEach((target, i) => {
    if (mysqlNames.has(target.name)) fail(`mysql[${i}].name`, `expected a unique name; "${target.name}" is used twice`);
    mysqlNames.add(target.name);
    target.admins.forEach((admin, j) => {
      const name = typeof admin === "string" ? admin : admin.name;
      if (name in target.principals) fail(`mysql[${i}].admins[${j}]`, `expected ${name} as an admin or a principal, not both`);
      if (target.admins.findIndex((a) => (typeof a === "string" ? a : a.name) === name) !== j)
        fail(`mysql[${i}].admins[${j}]`, `expected each admin once; "${name}" is listed twice`);
    });
  });
  const redisNames = new Set<string>();
  config.redis.forEach((target, i) => {
    if (redisNames.has(target.name)) fail(`redis[${i}].name`, `expected a unique name; "${target.name}" is used twice`);
    redisNames.add(target.name);
  });
  const probes = config.deploy?.probes ?? [];
  if (probes.length > 0 && config.deploy?.vpc)
    fail("deploy.vpc", "expected deploy.vpc or deploy.probes, not both: list this VPC as a placement in deploy.probes");
  const claimedBy = new Map<string, number>();
  probes.forEach((placement, i) => {
    (placement.targets ?? []).forEach((name, j) => {
      if (!pgNames.has(name) && !mysqlNames.has(name) && !redisNames.has(name))
        fail(`deploy.probes[${i}].targets[${j}]`, `expected the name of a postgres, mysql or redis target; "${name}" is none`);
      const other = claimedBy.get(name);
      if (other !== undefined)
        fail(`deploy.probes[${i}].targets[${j}]`, `expected each target in one placement; "${name}" is in deploy.probes[${other}] too`);
      claimedBy.set(name, i);
    });
  });
  if (config.aws.organization && config.aws.accounts)
    fail("aws.organization", "expected either aws.accounts or aws.organization, not both");
  const accounts = config.aws.accounts ?? [];
  accounts.forEach((account, i) => {
    if (account.roleArn && !account.roleArn.includes(`::${account.id}:`)) {
      fail(`aws.accounts[${i}].roleArn`, `expected a role in account ${account.id}`);
    }
    if (accounts.findIndex((a) => a.id === account.id) !== i)
      fail(`aws.accounts[${i}].id`, `expected each account once; ${account.id} is listed twice`);
  });
}

/** Reads a YAML or JSON config file (JSON is YAML). */
export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(`${file}: cannot read the config file (${code === "ENOENT" ? "no such file" : (code ?? String(err))})`);
  }
  // prettyErrors is what makes the parser fill in linePos; its excerpt is cut off below.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = yamlError.linePos?.[0];
    const where = line ? `line ${line.line}, column ${line.col}` : "(top level)";
    const reason = (yamlError.message.split("\n")[0] ?? "").replace(/ at line \d+, column \d+:?$/, "");
    throw new ConfigError(`${file}: ${where}: expected valid YAML or JSON (${reason})`);
  }
  return parseConfig(doc.toJS({ maxAliasCount: 100 }) ?? {}, file);
}
