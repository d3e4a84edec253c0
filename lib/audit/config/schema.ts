/**
 * The config file of CONTRACTS.md, as a zod schema. Every object is strict (unknown keys
 * are errors) and every leaf says what it expects, because the message a user sees is
 * built from these descriptions.
 */
import ipaddr from "ipaddr.js";
import * as z from "zod";
import { CHECK_IDS } from "../checks/registry.js";
import { MYSQL_TABLE_PRIVILEGES } from "../model/mysql-privileges.js";
import { SEVERITIES } from "../model/severity.js";
import { REDIS_KEY_PRESETS, REDIS_QUEUES, TABLE_PRESETS, TABLE_QUEUES } from "./presets.js";
import { scheduleProblem } from "./schedule.js";

const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/;
const ACCOUNT_ID = /^\d{12}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
/** An IAM role name (no path: the member-role stack and StackSet create it at the root path). */
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
/** Organizations ids: an organizational unit, or the root. */
const OU_ID = /^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[\w/+=.@-]+$/;
const SECRET_NAME = /^[\w/+=.@-]{1,512}$/;
const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8}([0-9a-f]{9})?$/;
const VPC_ID = /^vpc-[0-9a-f]{8}([0-9a-f]{9})?$/;
const SUBNET_ID = /^subnet-[0-9a-f]{8}([0-9a-f]{9})?$/;
/** RDS identifiers, ElastiCache ids and serverless cache names: letters, digits, hyphens. */
const RESOURCE_ID = /^[A-Za-z][A-Za-z0-9-]{0,254}$/;
/** A PostgreSQL identifier as the catalog spells it: unquoted form, or any text without '.' and '"'. */
const PG_IDENT = /^[^."\s][^."]{0,62}$/;
const PG_ROLE = /^[^"\s][^"]{0,62}$/;
const HOSTNAME =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$|^\d{1,3}(\.\d{1,3}){3}$|^\[?[0-9a-fA-F:]+\]?$/;
const ENV_VAR = /^[A-Za-z_][A-Za-z0-9_]*$/;

const CHECK_ID_EXPECTED = "expected a check id of docs/checks.md, such as sg-unapproved-cidr";
const checkId = z.enum(CHECK_IDS as [string, ...string[]], { error: CHECK_ID_EXPECTED });

const str = (pattern: RegExp, expected: string) =>
  z.string({ error: `expected ${expected}` }).regex(pattern, { error: `expected ${expected}` });

export const TABLE_PRIVILEGES = ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"] as const;
export type TablePrivilege = (typeof TABLE_PRIVILEGES)[number];

const secretRef = z.union([str(SECRET_ARN, "a Secrets Manager secret ARN"), str(SECRET_NAME, "a secret name")], {
  error: "expected a Secrets Manager secret name (letters, digits and /_+=.@-) or ARN",
});

const LITERAL_PASSWORD =
  "expected { env: VAR }, { secret: NAME_OR_ARN } or { iam: true }; a literal password is not allowed in the config file";

/** Where a password comes from. A string here is a literal password, which is refused. */
const passwordSource = z.union(
  [
    z.strictObject({ env: str(ENV_VAR, "an environment variable name") }),
    z.strictObject({ secret: secretRef }),
    z.strictObject({ iam: z.literal(true, { error: "expected true" }) }),
  ],
  { error: LITERAL_PASSWORD },
);
export type PasswordSource = z.infer<typeof passwordSource>;

/** Redis credentials cannot use IAM tokens in this tool (yet): env or secret only. */
const redisPasswordSource = z.union(
  [z.strictObject({ env: str(ENV_VAR, "an environment variable name") }), z.strictObject({ secret: secretRef })],
  {
    error: "expected { env: VAR } or { secret: NAME_OR_ARN }; a literal password is not allowed in the config file",
  },
);

const port = z
  .number({ error: "expected a port number (1-65535)" })
  .int({ error: "expected a port number (1-65535)" })
  .min(1, { error: "expected a port number (1-65535)" })
  .max(65535, { error: "expected a port number (1-65535)" });

const isoDate = z.iso.date({ error: "expected a date as YYYY-MM-DD" });

/**
 * A CIDR with host bits set (10.8.1.0/16) is refused rather than normalised: the allow-list is
 * a security boundary, and whether the writer meant 10.8.0.0/16 or 10.8.1.0/24 is theirs to say.
 */
const cidr = z
  .union([z.cidrv4(), z.cidrv6()], {
    error: "expected a CIDR block such as 10.20.0.0/16 or 2001:db8::/32",
  })
  .superRefine((value, ctx) => {
    const network = networkOf(value);
    if (network !== undefined && network !== value.toLowerCase()) {
      const bits = value.slice(value.indexOf("/"));
      ctx.addIssue({
        code: "custom",
        message: `expected a CIDR block without host bits: ${value} has host bits set; write ${network}, or a longer prefix than ${bits} if a smaller block was meant`,
      });
    }
  });

/** The network address of a CIDR in its canonical spelling (`10.8.0.0/16`), or undefined when unparseable. */
function networkOf(value: string): string | undefined {
  try {
    const [address, bits] = ipaddr.parseCIDR(value);
    const network = address.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(value) : ipaddr.IPv6.networkAddressFromCIDR(value);
    return `${network.toString()}/${bits}`;
  } catch {
    return undefined;
  }
}

const severity = z.enum(SEVERITIES, { error: `expected one of ${SEVERITIES.join(", ")}` });

const privilegeList = z
  .array(z.enum(TABLE_PRIVILEGES, { error: `expected one of ${TABLE_PRIVILEGES.join(", ")}` }), {
    error: "expected a list of privileges",
  })
  .refine((list) => new Set(list).size === list.length, { error: "expected each privilege once" });

const unique = <T extends z.ZodType<string>>(item: T, what: string) =>
  z.array(item, { error: `expected a list of ${what}` }).refine((l) => new Set(l).size === l.length, {
    error: `expected each of the ${what} once`,
  });

/**
 * The documented policy (CONTRACTS: "Access attempts and policy reasons"): a principal's value
 * may be `{ allow: [...], reason, owner }` and an admin `{ name, reason }`, beside the plain
 * forms. PostgreSQL and Redis targets are read as the plain forms (what the checks judge);
 * the reasons and owners are kept in `notes` for the policy document (report, evidence pack).
 */
export interface PolicyNote {
  reason?: string;
  owner?: string;
}

const reasonText = z.string({ error: "expected the reason for this access" }).min(3, { error: "expected the reason for this access" });
const ownerText = z.string({ error: "expected who owns this decision" }).min(1, { error: "expected who owns this decision" });

/** A list, or `{ allow: list, reason, owner }`. */
const documented = <T extends z.ZodType<unknown[]>>(list: T, error: string) =>
  z.union([list, z.strictObject({ allow: list, reason: reasonText.optional(), owner: ownerText.optional() })], { error });

/** A name, or `{ name, reason, owner }`. */
const documentedName = <T extends z.ZodType<string>>(name: T, error: string) =>
  z.union([name, z.strictObject({ name, reason: reasonText.optional(), owner: ownerText.optional() })], { error });

const nameOf = (a: string | { name: string }) => (typeof a === "string" ? a : a.name);

function noteOf(v: { reason?: string; owner?: string }): PolicyNote | undefined {
  const note: PolicyNote = {};
  if (v.reason !== undefined) note.reason = v.reason;
  if (v.owner !== undefined) note.owner = v.owner;
  return Object.keys(note).length > 0 ? note : undefined;
}

/** Admins and principals in their plain forms, and the notes of those written documented. */
function plainPolicy<P>(
  admins: readonly (string | { name: string; reason?: string; owner?: string })[],
  principals: Record<string, P[] | { allow: P[]; reason?: string; owner?: string }>,
) {
  const notes: Record<string, PolicyNote> = {};
  for (const a of admins) {
    const note = typeof a === "string" ? undefined : noteOf(a);
    if (note) notes[nameOf(a)] = note;
  }
  const plain: Record<string, P[]> = {};
  for (const [name, v] of Object.entries(principals)) {
    if (Array.isArray(v)) plain[name] = v;
    else {
      plain[name] = v.allow;
      const note = noteOf(v);
      if (note) notes[name] = note;
    }
  }
  return { admins: admins.map(nameOf), principals: plain, ...(Object.keys(notes).length > 0 ? { notes } : {}) };
}

const pgAllowance = documented(privilegeList, "expected a list of privileges or { allow: [...], reason, owner }");
const pgAdmin = documentedName(str(PG_ROLE, "a role name"), "expected a role name or { name: ROLE, reason }");

/**
 * Where a database or Redis endpoint lives, when not in the auditor's own account and region:
 * its secret given by name is looked up there, and the deployed stack scopes its IAM grants
 * (GetSecretValue, rds-db:connect) by it (docs/deploy.md).
 */
const targetLocation = {
  account: z
    .string({ error: "expected the 12-digit id of the account the target lives in, as a quoted string" })
    .regex(ACCOUNT_ID, { error: "expected the 12-digit id of the account the target lives in, as a quoted string" })
    .optional(),
  region: str(AWS_REGION, "the region the target lives in, such as eu-west-1").optional(),
};

/**
 * What the live probe may do beyond reading (docs/weak-passwords.md). Off by default: trying
 * passwords shows up in the target's logs as failed logins.
 */
const probeOptions = z
  .strictObject({
    /** Try a short, fixed list of default and common passwords per user (≤ 19 attempts, paced). */
    weakPasswords: z.boolean({ error: "expected true or false" }).default(false),
  })
  .optional();

const PG_QUALIFIED = new RegExp(`^${PG_IDENT.source.slice(1, -1)}\\.${PG_IDENT.source.slice(1, -1)}$`);

const postgresTarget = z
  .strictObject({
    name: str(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "a target name (letters, digits, '-', '_', '.')"),
    ...targetLocation,
    connection: z.strictObject({
      host: str(HOSTNAME, "a host name or IP address"),
      port: port.default(5432),
      database: str(/^[^\s]{1,63}$/, "a database name"),
      user: str(PG_ROLE, "a role name"),
      password: passwordSource,
      tls: z.enum(["verify-full", "require", "disable"], { error: "expected verify-full, require or disable" }).default("verify-full"),
      /** A PEM bundle to trust instead of the bundled RDS CA bundle. */
      caFile: z.string({ error: "expected a file path" }).min(1).optional(),
      connectTimeoutSeconds: z.number({ error: "expected seconds" }).positive().max(300).default(10),
      statementTimeoutSeconds: z.number({ error: "expected seconds" }).positive().max(3600).default(30),
    }),
    /** A job library whose tables (in `public`) and id sequences are added to `tables` and `sequences`. */
    queue: z.enum(TABLE_QUEUES, { error: `expected one of ${TABLE_QUEUES.join(", ")}` }).optional(),
    tables: z
      .array(str(PG_QUALIFIED, "a schema-qualified table name such as public.delayed_jobs"), {
        error: "expected a list of schema-qualified table names",
      })
      .optional(),
    sequences: z
      .array(str(PG_QUALIFIED, "a schema-qualified sequence name such as public.delayed_jobs_id_seq"), {
        error: "expected a list of schema-qualified sequence names",
      })
      .optional(),
    owner: str(PG_ROLE, "the role that should own the tables"),
    admins: z.array(pgAdmin, { error: "expected a list of admin roles" }).default([]),
    principals: z.record(str(PG_ROLE, "a role name"), pgAllowance, {
      error: "expected a map of role name to privileges",
    }),
    probe: probeOptions,
  })
  .superRefine((t, ctx) => {
    if (!t.queue && (t.tables ?? []).length === 0) {
      ctx.addIssue({ code: "custom", path: ["tables"], message: "expected at least one table, or a queue preset (queue: delayed_job)" });
    }
    const names = t.admins.map(nameOf);
    names.forEach((n, i) => {
      if (names.indexOf(n) !== i) ctx.addIssue({ code: "custom", path: ["admins", i], message: "expected each of the admin roles once" });
    });
  })
  .transform(({ tables, sequences, admins, principals, ...rest }) => {
    const t = { ...rest, ...plainPolicy(admins, principals) };
    const preset = t.queue ? TABLE_PRESETS[t.queue] : undefined;
    const union = (own: string[] | undefined, names: readonly string[] | undefined) => {
      // The target's own list stays as written (duplicates in it are reported elsewhere); the preset's names are added once.
      const mine = own ?? [];
      return [...mine, ...(names ?? []).map((n) => `public.${n}`).filter((n) => !mine.includes(n))];
    };
    const allSequences = union(sequences, preset?.sequences);
    return { ...t, tables: union(tables, preset?.tables), ...(allSequences.length > 0 ? { sequences: allSequences } : {}) };
  });
export type PostgresTarget = z.infer<typeof postgresTarget>;

// --- mysql: RDS for MySQL / MariaDB, Aurora MySQL (docs/mysql.md) ---------------------------

/** A MySQL/MariaDB identifier (database or table name): 1-64 characters, no '.', '`' or whitespace. */
const MYSQL_IDENT = "[^.`\\s]{1,64}";
/**
 * An account as `mysql.user` spells it: USER@HOST, split at the last '@' (host names hold no '@').
 * The user may be empty (an anonymous account, `@%`); the host may be a pattern (`%`, `10.20.%`,
 * `10.20.0.0/255.255.0.0`).
 */
const MYSQL_ACCOUNT = /^[^\s`'"]{0,128}@[^\s@`'"]{1,255}$/;
const mysqlAccount = str(MYSQL_ACCOUNT, "an account as USER@HOST, exactly as mysql.user spells it, such as app_worker@10.20.%");

export const MYSQL_PRIVILEGES = MYSQL_TABLE_PRIVILEGES;
export type MysqlPrivilege = (typeof MYSQL_PRIVILEGES)[number];

const mysqlPrivilegeList = z
  .array(z.enum(MYSQL_PRIVILEGES, { error: `expected one of ${MYSQL_PRIVILEGES.join(", ")}` }), {
    error: "expected a list of privileges",
  })
  .refine((list) => new Set(list).size === list.length, { error: "expected each privilege once" });

/** A principal's allowed privileges: a plain list, or the list with the reason and owner of the decision. */
const mysqlAllowance = documented(mysqlPrivilegeList, "expected a list of privileges or { allow: [...], reason, owner }");

const mysqlAdmin = documentedName(mysqlAccount, "expected an account as USER@HOST or { name: USER@HOST, reason }");

const mysqlTarget = z
  .strictObject({
    name: str(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "a target name (letters, digits, '-', '_', '.')"),
    ...targetLocation,
    connection: z.strictObject({
      host: str(HOSTNAME, "a host name or IP address"),
      port: port.default(3306),
      user: str(/^[^\s@`'"]{1,80}$/, "the audit account's user name"),
      password: passwordSource,
      tls: z.enum(["verify-full", "require", "disable"], { error: "expected verify-full, require or disable" }).default("verify-full"),
      /** A PEM bundle to trust instead of the RDS CA bundle. */
      caFile: z.string({ error: "expected a file path" }).min(1).optional(),
      connectTimeoutSeconds: z.number({ error: "expected seconds" }).positive().max(300).default(10),
      statementTimeoutSeconds: z.number({ error: "expected seconds" }).positive().max(3600).default(30),
    }),
    /** A job library whose tables are audited, in `database`. */
    queue: z.enum(TABLE_QUEUES, { error: `expected one of ${TABLE_QUEUES.join(", ")}` }).optional(),
    /** The database holding the preset's tables; required with `queue`. */
    database: str(new RegExp(`^${MYSQL_IDENT}$`), "a database name").optional(),
    tables: unique(
      str(new RegExp(`^${MYSQL_IDENT}\\.${MYSQL_IDENT}$`), "a table as DATABASE.TABLE such as app_production.delayed_jobs"),
      "tables",
    ).default([]),
    admins: z.array(mysqlAdmin, { error: "expected a list of accounts as USER@HOST" }).default([]),
    principals: z.record(mysqlAccount, mysqlAllowance, { error: "expected a map of USER@HOST to privileges" }).default({}),
  })
  .superRefine((t, ctx) => {
    if (t.queue !== undefined && t.database === undefined) {
      ctx.addIssue({ code: "custom", path: ["database"], message: `expected the database that holds the ${t.queue} tables` });
    }
    if (t.database !== undefined && t.queue === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["queue"],
        message: "expected a queue preset for `database` (or list DATABASE.TABLE in `tables`)",
      });
    }
    if (t.queue === undefined && t.tables.length === 0) {
      ctx.addIssue({ code: "custom", path: ["tables"], message: "expected at least one table, or a `queue` preset with its `database`" });
    }
  });
export type MysqlTarget = z.infer<typeof mysqlTarget>;

// --- end mysql ------------------------------------------------------------------------------

export const REDIS_ACCESS_WORDS = ["read", "write"] as const;
/** An ACL user name as `ACL LIST` prints it: no spaces. */
const ACL_USER = str(/^\S{1,128}$/, "an ACL user name (no spaces)");
const accessWords = z
  .array(z.enum(REDIS_ACCESS_WORDS, { error: "expected read or write" }), { error: "expected a list of read, write" })
  .refine((l) => new Set(l).size === l.length, { error: "expected each of read, write once" });
/** `[read, write]`, or `{ allow: [read], reason: …, owner: … }`. */
const aclAccess = documented(accessWords, "expected a list of read, write, or { allow: [...], reason, owner }");
/** An admin: a user name, or `{ name: …, reason: … }`. */
const aclAdmin = documentedName(ACL_USER, "expected an ACL user name or { name, reason }");

const redisTarget = z
  .strictObject({
    name: str(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "a target name (letters, digits, '-', '_', '.')"),
    ...targetLocation,
    endpoint: z.strictObject({ host: str(HOSTNAME, "a host name or IP address"), port: port.default(6379) }),
    tls: z.enum(["required", "optional"], { error: "expected required or optional" }).default("required"),
    auth: z.enum(["required", "optional"], { error: "expected required or optional" }).default("required"),
    /** A PEM file of CAs to trust instead of the system trust store. */
    caFile: z.string({ error: "expected a file path" }).min(1).optional(),
    /** Port of a second, plaintext listener to try when `tls: required` (default: the endpoint port). */
    plaintextPort: port.optional(),
    timeoutSeconds: z.number({ error: "expected seconds" }).positive().max(120).default(5),
    credentials: z
      .strictObject({
        username: str(/^[^\s]{1,128}$/, "a Redis ACL user name").default("default"),
        password: redisPasswordSource,
      })
      .optional(),
    /** A job library whose key names are added to `keys`. */
    queue: z.enum(REDIS_QUEUES, { error: `expected one of ${REDIS_QUEUES.join(", ")}` }).optional(),
    /** Redis glob patterns of the queue's keys. */
    keys: unique(
      z
        .string({ error: "expected a Redis key pattern" })
        .min(1, { error: "expected a Redis key pattern" })
        .regex(/^\S+$/, { error: "expected a Redis key pattern without spaces" }),
      "key patterns",
    ).optional(),
    /** ACL users allowed everything. */
    admins: z.array(aclAdmin, { error: "expected a list of ACL user names" }).default([]),
    /** ACL users allowed to use the queue keys, and how. */
    principals: z.record(ACL_USER, aclAccess, { error: "expected a map of ACL user name to [read, write]" }).default({}),
    probe: probeOptions,
  })
  .superRefine((t, ctx) => {
    if (t.probe?.weakPasswords && !t.credentials) {
      ctx.addIssue({
        code: "custom",
        path: ["probe", "weakPasswords"],
        message: "expected credentials as well: the weak-password trial logs in as the audit user first (docs/weak-passwords.md)",
      });
    }
    const policy = t.admins.length > 0 || Object.keys(t.principals).length > 0;
    if (policy && !t.queue && (t.keys ?? []).length === 0) {
      ctx.addIssue({
        code: "custom",
        path: ["keys"],
        message: "expected the queue's key patterns (keys: [...]) or a queue preset (queue: sidekiq) for admins and principals to apply to",
      });
    }
  })
  .transform(({ keys, admins, principals, ...t }) => {
    const preset = t.queue ? REDIS_KEY_PRESETS[t.queue].keys : [];
    return { ...t, ...plainPolicy(admins, principals), keys: [...new Set([...preset, ...(keys ?? [])])] };
  });
export type RedisTarget = z.infer<typeof redisTarget>;
/** A Redis principal's access words: `read` (commands that read queue keys), `write` (commands that change them). */
export type RedisAccessWord = (typeof REDIS_ACCESS_WORDS)[number];

const mute = z.strictObject({
  check: checkId,
  resource: z.string({ error: "expected a resource id" }).min(1, { error: "expected a resource id" }),
  subject: z.string({ error: "expected a subject" }).min(1).optional(),
  reason: z.string({ error: "expected the reason for the mute" }).min(3, { error: "expected the reason for the mute" }),
  expires: isoDate,
});
export type Mute = z.infer<typeof mute>;

const accountId = z.string({ error: "expected a 12-digit AWS account id as a quoted string" }).regex(ACCOUNT_ID, {
  error: "expected a 12-digit AWS account id as a quoted string",
});

const orgMember = z.union([str(OU_ID, "an OU id"), str(ROOT_ID, "a root id"), str(ACCOUNT_ID, "an account id")], {
  error: "expected an OU id (ou-…), a root id (r-…) or a 12-digit account id as a quoted string",
});

export const configSchema = z.strictObject({
  version: z.literal(1, { error: "expected 1" }),
  aws: z
    .strictObject({
      /** A list, or `all`: every region enabled in each audited account (ec2:DescribeRegions). */
      regions: z
        .union([z.literal("all"), unique(str(AWS_REGION, "an AWS region such as eu-west-1"), "regions")], {
          error: "expected all, or a list of AWS regions such as [eu-west-1]",
        })
        .optional(),
      accounts: z
        .array(
          z.strictObject({
            id: accountId,
            roleArn: str(ROLE_ARN, "an IAM role ARN such as arn:aws:iam::111122223333:role/QueueAuditorReadOnly").optional(),
            externalId: z.string({ error: "expected an external id" }).min(2).max(1224).optional(),
          }),
          { error: "expected a list of accounts" },
        )
        .optional(),
      /** Instead of `accounts`: every active account of an AWS Organization, found at run time. */
      organization: z
        .strictObject({
          roleName: str(ROLE_NAME, "an IAM role name such as QueueAuditorReadOnly, assumed in every account found"),
          externalId: z.string({ error: "expected an external id" }).min(2).max(1224).optional(),
          include: unique(orgMember, "organizational units, roots or account ids").optional(),
          exclude: unique(orgMember, "organizational units or account ids").default([]),
        })
        .optional(),
    })
    .default({}),
  targets: z
    .strictObject({
      rds: unique(str(RESOURCE_ID, "a DB instance or cluster identifier"), "RDS identifiers").default([]),
      elasticache: unique(str(RESOURCE_ID, "a replication group, cache cluster or serverless cache id"), "ElastiCache ids").default([]),
      tag: z
        .strictObject({
          key: z.string({ error: "expected a tag key" }).min(1).max(128),
          value: z.string({ error: "expected a tag value" }).max(256),
        })
        .optional(),
    })
    .default({ rds: [], elasticache: [] }),
  network: z
    .strictObject({
      allowedCidrs: z.array(cidr, { error: "expected a list of CIDR blocks" }).default([]),
      allowedSecurityGroups: unique(
        str(SECURITY_GROUP_ID, "a security group id such as sg-0a1b2c3d4e5f60001"),
        "security group ids",
      ).default([]),
    })
    .default({ allowedCidrs: [], allowedSecurityGroups: [] }),
  credentials: z
    .strictObject({
      maxAgeDays: z.number({ error: "expected a number of days" }).int().positive().max(3650).default(90),
      secrets: unique(secretRef, "secret names or ARNs").default([]),
    })
    .default({ maxAgeDays: 90, secrets: [] }),
  postgres: z.array(postgresTarget, { error: "expected a list of databases" }).default([]),
  redis: z.array(redisTarget, { error: "expected a list of Redis endpoints" }).default([]),
  mysql: z.array(mysqlTarget, { error: "expected a list of MySQL or MariaDB servers" }).default([]),
  notifications: z
    .strictObject({
      minSeverity: severity.default("high"),
      remindAfterHours: z.number({ error: "expected a number of hours" }).positive().default(24),
      notifyResolved: z.boolean({ error: "expected true or false" }).default(true),
    })
    .default({ minSeverity: "high", remindAfterHours: 24, notifyResolved: true }),
  schedule: z
    .string({ error: "expected rate(N minutes|hours|days) or cron(...)" })
    .superRefine((value, ctx) => {
      const problem = scheduleProblem(value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    })
    .default("rate(1 hour)"),
  retentionDays: z.number({ error: "expected a number of days" }).int().min(1).max(3650).default(400),
  /**
   * Reading the databases' own logs for access attempts (docs/access-attempts.md). Opt-in
   * (`logs: {}` for the defaults): it costs CloudWatch Logs reads and needs the logs exported.
   */
  logs: z
    .strictObject({
      /** The period read when no earlier run is known (the first run, or `--store none`). */
      lookbackMinutes: z.number({ error: "expected minutes" }).int().min(1).max(43_200).default(60),
      /** Failed logins from one address in the period that make a FAIL. */
      failedLoginThreshold: z.number({ error: "expected a number of failed logins" }).int().min(1).default(10),
      /** Bounds of one log group's read; reaching one is an ERROR, never a silent PASS. */
      maxEvents: z.number({ error: "expected a number of events" }).int().min(1).default(1_000_000),
      maxBytes: z
        .number({ error: "expected a number of bytes" })
        .int()
        .min(1)
        .default(512 * 1024 * 1024),
      maxSeconds: z.number({ error: "expected seconds" }).positive().max(900).default(300),
    })
    .optional(),
  deploy: z
    .strictObject({
      vpc: z
        .strictObject({
          id: str(VPC_ID, "a VPC id such as vpc-0a1b2c3d4e5f60001"),
          subnetIds: unique(str(SUBNET_ID, "a subnet id such as subnet-0a1b2c3d4e5f60001"), "subnet ids").min(1, {
            error: "expected at least one subnet id",
          }),
        })
        .optional(),
      /**
       * An Organization id: every account of it may forward change events to the auditor's
       * change bus (aws:PrincipalOrgID), not only the listed `aws.accounts`.
       */
      organizationId: str(/^o-[a-z0-9]{10,32}$/, "an AWS Organizations id such as o-a1b2c3d4e5").optional(),
      /**
       * Account × region partitions collected at once by the deployed stack (docs/deploy.md):
       * the Distributed Map's MaxConcurrency (default 200), or the inline Map's (default 4, at most 40).
       */
      collectConcurrency: z.number({ error: "expected a number of partitions" }).int().min(1).max(10_000).optional(),
      probeSecurityGroupIds: unique(str(SECURITY_GROUP_ID, "a security group id"), "security group ids").default([]),
      /**
       * Probe placements: one per (account, region, VPC) holding databases or Redis
       * endpoints, each a probe stack deployed there (lib/infra/probe-stack.ts). When set,
       * every target is probed by the placement of its account and region (or the one whose
       * `targets` names it), and the auditor's own stack has no probe (docs/deploy.md).
       */
      probes: z
        .array(
          z.strictObject({
            account: str(ACCOUNT_ID, "the 12-digit id of the account the probe runs in, as a quoted string"),
            region: str(AWS_REGION, "the region the probe runs in, such as eu-west-1"),
            vpc: z.strictObject({
              id: str(VPC_ID, "a VPC id such as vpc-0a1b2c3d4e5f60001"),
              subnetIds: unique(str(SUBNET_ID, "a subnet id such as subnet-0a1b2c3d4e5f60001"), "subnet ids").min(1, {
                error: "expected at least one subnet id",
              }),
            }),
            securityGroupIds: unique(str(SECURITY_GROUP_ID, "a security group id"), "security group ids").default([]),
            vpcEndpoints: z.enum(["create", "existing", "none"], { error: "expected create, existing or none" }).default("none"),
            /** Target names this placement probes; needed only when two placements share an account and region. */
            targets: unique(
              str(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, "a target name of postgres, mysql or redis"),
              "target names",
            ).optional(),
          }),
          { error: "expected a list of probe placements ({ account, region, vpc: { id, subnetIds } })" },
        )
        .min(1, { error: "expected at least one probe placement" })
        .superRefine((list, ctx) => {
          const seen = new Set<string>();
          for (const [i, p] of list.entries()) {
            const key = `${p.account}/${p.region}/${p.vpc.id}`;
            if (seen.has(key))
              ctx.addIssue({
                code: "custom",
                path: [i],
                message: `expected one placement per account, region and VPC (${key} is listed twice)`,
              });
            seen.add(key);
          }
        })
        .optional(),
      vpcEndpoints: z.enum(["create", "existing", "none"], { error: "expected create, existing or none" }).default("none"),
      /**
       * A PEM file (path relative to the config file) with the CA certificates that sign your
       * databases' TLS certificates, e.g. the RDS global bundle; shipped to the probe as a layer.
       */
      postgresCaBundle: z
        .string({ error: "expected the path of a PEM file" })
        .min(1, { error: "expected the path of a PEM file" })
        .optional(),
      alerts: z
        .strictObject({
          emails: z.array(z.email({ error: "expected an email address" }), { error: "expected a list of email addresses" }).default([]),
          slackWebhookSecret: str(
            SECRET_NAME,
            "the name of the Secrets Manager secret holding the webhook URL (not the URL itself)",
          ).optional(),
          /**
           * Import every run's findings into Security Hub (BatchImportFindings) in the stack's
           * account and region, under its custom-integration default product (docs/security-hub.md).
           */
          securityHub: z.boolean({ error: "expected true or false" }).default(false),
        })
        .default({ emails: [], securityHub: false }),
    })
    .optional(),
  checks: z
    .strictObject({
      disabled: z.array(checkId, { error: "expected a list of check ids" }).default([]),
      severity: z.partialRecord(checkId, severity, { error: "expected a map of check id to severity" }).default({}),
    })
    .default({ disabled: [], severity: {} }),
  mutes: z.array(mute, { error: "expected a list of mutes" }).default([]),
});

export type Config = z.infer<typeof configSchema>;
/** The config as a user writes it, before defaults are applied. */
export type ConfigInput = z.input<typeof configSchema>;
