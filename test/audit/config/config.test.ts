import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseConfig } from "../../../lib/audit/config/load.js";

const FIXTURES = path.resolve(import.meta.dirname, "../../fixtures/config");
const FILE = "queue-auditor.yaml";

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(path.join(os.tmpdir(), "queue-auditor-config-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

async function configFile(name: string, text: string): Promise<string> {
  const file = path.join(scratch, name);
  await writeFile(file, text);
  return file;
}

// biome-ignore lint/suspicious/noExplicitAny: the cases reach into the config data freely to break one thing each.
type Data = any;

/** A config that uses every section, valid as it stands; each case breaks one thing. */
function validConfig(): Data {
  return {
    version: 1,
    aws: { regions: ["eu-west-1"], accounts: [{ id: "111122223333", roleArn: "arn:aws:iam::111122223333:role/QueueAuditorReadOnly" }] },
    targets: { rds: ["queue-db"], elasticache: ["jobs-redis"], tag: { key: "queue-backend", value: "delayed_job" } },
    network: { allowedCidrs: ["10.20.0.0/16"], allowedSecurityGroups: ["sg-0a1b2c3d4e5f60001"] },
    credentials: { maxAgeDays: 90, secrets: ["queue-db/app"] },
    postgres: [
      {
        name: "queue-db",
        connection: {
          host: "queue-db.example.eu-west-1.rds.amazonaws.com",
          database: "app_production",
          user: "queue_auditor",
          password: { env: "QUEUE_AUDITOR_PG_PASSWORD" },
        },
        tables: ["public.delayed_jobs"],
        owner: "app_migrator",
        principals: { app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"] },
      },
    ],
    redis: [
      {
        name: "jobs-redis",
        endpoint: { host: "jobs-redis.example.cache.amazonaws.com" },
        credentials: { username: "auditor", password: { secret: "jobs-redis/auditor" } },
      },
    ],
    deploy: { alerts: { emails: ["oncall@example.com"], slackWebhookSecret: "queue-auditor/slack-webhook" } },
    checks: { disabled: ["rds-iam-auth-disabled"], severity: { "rds-logs-not-exported": "low" } },
    mutes: [{ check: "sg-unapproved-cidr", resource: "sg-0a1b2c3d4e5f60002", reason: "VPN egress range, CHG-1234", expires: "2027-03-31" }],
  };
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error("expected a ConfigError, but the config was accepted");
}

const rejects = (change: (c: Data) => void) => {
  const config = validConfig();
  change(config);
  return errorOf(() => parseConfig(config, FILE));
};

describe("a valid config", () => {
  it("is the one every case below starts from", () => {
    expect(parseConfig(validConfig(), FILE).targets.rds).toEqual(["queue-db"]);
  });

  it("includes the example of CONTRACTS.md, verbatim", () => {
    const config = loadConfig(path.join(FIXTURES, "contracts-example.yaml"));

    expect(config.aws.accounts).toEqual([{ id: "111122223333", roleArn: "arn:aws:iam::111122223333:role/QueueAuditorReadOnly" }]);
    expect(config.targets.tag).toEqual({ key: "queue-backend", value: "delayed_job" });
    expect(config.postgres[0]?.connection).toMatchObject({
      port: 5432,
      tls: "verify-full",
      password: { env: "QUEUE_AUDITOR_PG_PASSWORD" },
    });
    expect(config.postgres[0]?.principals).toEqual({ app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"], app_web: ["SELECT", "INSERT"] });
    expect(config.redis[0]?.credentials).toEqual({ username: "auditor", password: { secret: "jobs-redis/auditor" } });
    expect(config.deploy?.vpcEndpoints).toBe("create");
    expect(config.checks).toEqual({ disabled: ["rds-iam-auth-disabled"], severity: { "rds-logs-not-exported": "low" } });
    expect(config.mutes[0]).toMatchObject({ subject: "198.51.100.0/24", expires: "2027-03-31" });
  });

  it.each(["violations.yaml", "clean.yaml", "multi.yaml"])("includes the fixture config %s", (name) => {
    const config = loadConfig(path.join(FIXTURES, name));
    expect(config.targets.rds).toEqual(["queue-db", "jobs-aurora"]);
    expect(config.postgres).toEqual([]);
    expect(config.redis).toEqual([]);
  });

  it("gets the documented defaults for everything it leaves out", () => {
    const config = parseConfig({ version: 1 }, FILE);

    expect(config).toEqual({
      version: 1,
      aws: {},
      targets: { rds: [], elasticache: [] },
      network: { allowedCidrs: [], allowedSecurityGroups: [] },
      credentials: { maxAgeDays: 90, secrets: [] },
      postgres: [],
      redis: [],
      mysql: [],
      notifications: { minSeverity: "high", remindAfterHours: 24, notifyResolved: true },
      schedule: "rate(1 hour)",
      retentionDays: 400,
      checks: { disabled: [], severity: {} },
      mutes: [],
    });
  });

  it("gets connection defaults for a database and a Redis endpoint", () => {
    const config = parseConfig(validConfig(), FILE);

    expect(config.postgres[0]?.connection).toMatchObject({
      port: 5432,
      tls: "verify-full",
      connectTimeoutSeconds: 10,
      statementTimeoutSeconds: 30,
    });
    expect(config.postgres[0]?.admins).toEqual([]);
    expect(config.redis[0]).toMatchObject({ endpoint: { port: 6379 }, tls: "required", auth: "required", timeoutSeconds: 5 });
  });

  it("may be JSON", async () => {
    const file = await configFile("config.json", JSON.stringify(validConfig(), null, 2));
    expect(loadConfig(file).redis[0]?.name).toBe("jobs-redis");
  });
});

describe("an unknown key", () => {
  it.each([
    [
      "at the top level",
      (c: Data) => (c.target = {}),
      "(top level): unknown key target: not part of the config format (see docs/config.md)",
    ],
    [
      "in a section",
      (c: Data) => (c.network.allowedCidr = ["10.0.0.0/8"]),
      "network: unknown key allowedCidr: not part of the config format (see docs/config.md)",
    ],
    [
      "in a list item",
      (c: Data) => (c.postgres[0].connection.sslmode = "require"),
      "postgres[0].connection: unknown key sslmode: not part of the config format (see docs/config.md)",
    ],
    [
      "three deep in deploy",
      (c: Data) => (c.deploy.alerts.slackWebhookUrl = "x"),
      "deploy.alerts: unknown key slackWebhookUrl: not part of the config format (see docs/config.md)",
    ],
    [
      "in a mute",
      (c: Data) => (c.mutes[0].until = "2027-01-01"),
      "mutes[0]: unknown key until: not part of the config format (see docs/config.md)",
    ],
  ])("%s is an error naming the key", (_, change, expected) => {
    expect(rejects(change)).toBe(`${FILE}: ${expected}`);
  });
});

describe("a literal password", () => {
  it("for a database is refused, and not repeated in the message", () => {
    const message = rejects((c) => (c.postgres[0].connection.password = "hunter2-pg"));
    expect(message).toBe(
      `${FILE}: postgres[0].connection.password: expected { env: VAR }, { secret: NAME_OR_ARN } or { iam: true }; a literal password is not allowed in the config file`,
    );
    expect(message).not.toContain("hunter2");
  });

  it("for Redis credentials is refused, and not repeated in the message", () => {
    const message = rejects((c) => (c.redis[0].credentials.password = "hunter2-redis"));
    expect(message).toBe(
      `${FILE}: redis[0].credentials.password: expected { env: VAR } or { secret: NAME_OR_ARN }; a literal password is not allowed in the config file`,
    );
    expect(message).not.toContain("hunter2");
  });

  it("hidden in an object is refused too", () => {
    expect(rejects((c) => (c.postgres[0].connection.password = { value: "hunter2" }))).toBe(
      `${FILE}: postgres[0].connection.password: expected { env: VAR }, { secret: NAME_OR_ARN } or { iam: true }; a literal password is not allowed in the config file`,
    );
  });

  it("is not needed for Redis via IAM, which this tool does not support there", () => {
    expect(rejects((c) => (c.redis[0].credentials.password = { iam: true }))).toMatch(
      /^queue-auditor\.yaml: redis\[0\]\.credentials\.password: expected \{ env: VAR \} or \{ secret: NAME_OR_ARN \}/,
    );
  });
});

describe("a malformed value", () => {
  it("names the secret that is malformed, not the whole password source", () => {
    expect(rejects((c) => (c.postgres[0].connection.password = { secret: "a b" }))).toBe(
      `${FILE}: postgres[0].connection.password.secret: expected a Secrets Manager secret name (letters, digits and /_+=.@-) or ARN`,
    );
    expect(rejects((c) => (c.credentials.secrets = ["bad name"]))).toBe(
      `${FILE}: credentials.secrets[0]: expected a Secrets Manager secret name (letters, digits and /_+=.@-) or ARN`,
    );
  });

  it.each([
    [
      "a CIDR with a bad prefix",
      (c: Data) => c.network.allowedCidrs.push("10.20.0.0/33"),
      "network.allowedCidrs[1]: expected a CIDR block such as 10.20.0.0/16 or 2001:db8::/32",
    ],
    [
      "a bare address for a CIDR",
      (c: Data) => (c.network.allowedCidrs = ["10.20.0.1"]),
      "network.allowedCidrs[0]: expected a CIDR block such as 10.20.0.0/16 or 2001:db8::/32",
    ],
    [
      "an account id written as a number",
      (c: Data) => (c.aws.accounts[0].id = 111122223333),
      "aws.accounts[0].id: expected a 12-digit AWS account id as a quoted string",
    ],
    [
      "an account id of 11 digits",
      (c: Data) => (c.aws.accounts[0].id = "11112222333"),
      "aws.accounts[0].id: expected a 12-digit AWS account id as a quoted string",
    ],
    [
      "a user ARN for a role",
      (c: Data) => (c.aws.accounts[0].roleArn = "arn:aws:iam::111122223333:user/auditor"),
      "aws.accounts[0].roleArn: expected an IAM role ARN such as arn:aws:iam::111122223333:role/QueueAuditorReadOnly",
    ],
    [
      "a role of another account",
      (c: Data) => (c.aws.accounts[0].roleArn = "arn:aws:iam::444455556666:role/QueueAuditorReadOnly"),
      "aws.accounts[0].roleArn: expected a role in account 111122223333",
    ],
    [
      "a mute date that does not exist",
      (c: Data) => (c.mutes[0].expires = "2027-02-30"),
      "mutes[0].expires: expected a date as YYYY-MM-DD",
    ],
    ["a mute date in another format", (c: Data) => (c.mutes[0].expires = "31/03/2027"), "mutes[0].expires: expected a date as YYYY-MM-DD"],
    ["a mute without an expiry", (c: Data) => delete c.mutes[0].expires, "mutes[0].expires: missing: expected a date as YYYY-MM-DD"],
    [
      "an unknown check id in a mute",
      (c: Data) => (c.mutes[0].check = "sg-open-world"),
      "mutes[0].check: expected a check id of docs/checks.md, such as sg-unapproved-cidr",
    ],
    [
      "an unknown check id in disabled",
      (c: Data) => (c.checks.disabled = ["rds-iam-auth"]),
      "checks.disabled[0]: expected a check id of docs/checks.md, such as sg-unapproved-cidr",
    ],
    [
      "an unknown check id in severity",
      (c: Data) => (c.checks.severity = { "rds-logs": "low" }),
      "checks.severity: unknown key rds-logs: expected a check id of docs/checks.md, such as sg-unapproved-cidr",
    ],
    [
      "an unknown severity",
      (c: Data) => (c.checks.severity = { "rds-logs-not-exported": "urgent" }),
      "checks.severity.rds-logs-not-exported: expected one of critical, high, medium, low, info",
    ],
    [
      "a table without its schema",
      (c: Data) => (c.postgres[0].tables = ["delayed_jobs"]),
      "postgres[0].tables[0]: expected a schema-qualified table name such as public.delayed_jobs",
    ],
    [
      "a security group id with a typo",
      (c: Data) => (c.network.allowedSecurityGroups = ["sg-0a1b2c3d4e5f6000g"]),
      "network.allowedSecurityGroups[0]: expected a security group id such as sg-0a1b2c3d4e5f60001",
    ],
    ["a region that is not one", (c: Data) => (c.aws.regions = ["eu-west"]), "aws.regions[0]: expected an AWS region such as eu-west-1"],
    [
      "an unknown privilege",
      (c: Data) => (c.postgres[0].principals.app_worker = ["SELECT", "WRITE"]),
      "postgres[0].principals.app_worker[1]: expected one of SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, MAINTAIN",
    ],
    ["the version missing", (c: Data) => delete c.version, "version: expected 1"],
  ])("%s names the key path and what was expected", (_, change, expected) => {
    expect(rejects(change)).toBe(`${FILE}: ${expected}`);
  });

  it("a Slack webhook URL where the secret's name belongs is refused without repeating the URL", () => {
    const url = "https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX";
    const message = rejects((c) => (c.deploy.alerts.slackWebhookSecret = url));
    expect(message).toBe(
      `${FILE}: deploy.alerts.slackWebhookSecret: expected the name of the Secrets Manager secret holding the webhook URL (not the URL itself)`,
    );
    expect(message).not.toContain("hooks.slack.com");
  });
});

describe("duplicates", () => {
  it("two databases with one name are refused", () => {
    expect(rejects((c) => c.postgres.push(structuredClone(c.postgres[0])))).toBe(
      `${FILE}: postgres[1].name: expected a unique name; "queue-db" is used twice`,
    );
  });

  it("two Redis endpoints with one name are refused", () => {
    expect(rejects((c) => c.redis.push(structuredClone(c.redis[0])))).toBe(
      `${FILE}: redis[1].name: expected a unique name; "jobs-redis" is used twice`,
    );
  });

  it("an RDS target listed twice is refused", () => {
    expect(rejects((c) => (c.targets.rds = ["queue-db", "queue-db"]))).toBe(
      `${FILE}: targets.rds: expected each of the RDS identifiers once`,
    );
  });

  it("a table listed twice is refused", () => {
    expect(rejects((c) => (c.postgres[0].tables = ["public.delayed_jobs", "public.delayed_jobs"]))).toBe(
      `${FILE}: postgres[0].tables[1]: expected each table once; "public.delayed_jobs" is listed twice`,
    );
  });
});

describe("the file itself", () => {
  it("missing is an error naming it", () => {
    const file = path.join(scratch, "nope.yaml");
    expect(errorOf(() => loadConfig(file))).toBe(`${file}: cannot read the config file (no such file)`);
  });

  it("with a YAML syntax error names the line", async () => {
    const file = await configFile("broken.yaml", "version: 1\ntargets:\n  rds: [queue-db\n  elasticache: [jobs-redis]\n");
    expect(errorOf(() => loadConfig(file))).toMatch(
      new RegExp(`^${escapeRegExp(file)}: line \\d+, column \\d+: expected valid YAML or JSON \\(.+\\)$`),
    );
  });

  it("with a key given twice names the line of the second", async () => {
    const file = await configFile(
      "twice.yaml",
      "version: 1\nnetwork:\n  allowedCidrs: [10.0.0.0/8]\nnetwork:\n  allowedCidrs: [0.0.0.0/0]\n",
    );
    expect(errorOf(() => loadConfig(file))).toBe(`${file}: line 4, column 1: expected valid YAML or JSON (Map keys must be unique)`);
  });

  it("names itself and the key path for a schema error", async () => {
    const file = await configFile("bad-cidr.yaml", "version: 1\nnetwork:\n  allowedCidrs: [10.20.0.0/16, 10.20.0.0/40]\n");
    expect(errorOf(() => loadConfig(file))).toBe(
      `${file}: network.allowedCidrs[1]: expected a CIDR block such as 10.20.0.0/16 or 2001:db8::/32`,
    );
  });

  it("empty is a config without its version", async () => {
    const file = await configFile("empty.yaml", "");
    expect(errorOf(() => loadConfig(file))).toBe(`${file}: version: expected 1`);
  });
});

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
