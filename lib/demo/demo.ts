/**
 * `queue-auditor demo`: the whole product on a laptop with nothing to set up. An embedded
 * PostgreSQL with a misconfigured delayed_jobs database, a bundled offline AWS inventory
 * with open security groups and weak ElastiCache settings, a local Redis without a
 * password when `redis-server` is installed, the embedded store; two audits with fixes in
 * between, the alerts each would send, and an HTML evidence report.
 */
import { appendFileSync, rmSync } from "node:fs";
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseConfig } from "../audit/config/load.js";
import type { Config } from "../audit/config/schema.js";
import { evaluatedCheckIds } from "../audit/engine.js";
import type { AuditResult } from "../audit/findings/model.js";
import { buildPlan } from "../audit/fix/plan.js";
import { readPostgresLogFile, withLogRead } from "../audit/inventory/log-file.js";
import { rdsPostgresLogGroup } from "../audit/inventory/logs/types.js";
import { readOfflineInventory } from "../audit/inventory/offline.js";
import type { Inventory } from "../audit/inventory/types.js";
import { type Digest, digestText, type Notifier } from "../audit/notify/index.js";
import { probePostgres } from "../audit/probes/postgres/index.js";
import { probeRedis } from "../audit/probes/redis/index.js";
import { recordRun } from "../audit/record.js";
import { renderHtmlReport } from "../audit/report/html.js";
import { renderTable } from "../audit/report/table.js";
import { runAudit } from "../audit/run.js";
import { openStore, type Store, verifyChain } from "../audit/store/index.js";
import { lastRunStart } from "../audit/store/previous-run.js";
import { RDS_LOG_SETTINGS, startEmbeddedPg } from "./embedded-postgres.js";
import {
  applySqlPlan,
  DEMO_DATABASE,
  DEMO_GUESSES,
  DEMO_PASSWORD_ENV,
  guessPasswords,
  MISTAKES,
  seedQueueDatabase,
  strangerReadsQueue,
} from "./queue-database.js";
import { DEMO_REDIS_PASSWORD_ENV, redisServerAvailable, startDemoRedis } from "./redis.js";

/** The bundled estate: AWS CLI exports of a delayed_job setup with the usual mistakes (see test/fixtures/README.md). */
export const DEMO_INVENTORY = fileURLToPath(new URL("../../test/fixtures/inventory/violations", import.meta.url));
const WORLD_OPEN_GROUP = "sg-0a1b2c3d4e5f60010";
/** Where the bundled estate's queue-db lives: the embedded server's log stands in for its CloudWatch export. */
const QUEUE_DB_PARTITION = { account: "111122223333", region: "eu-west-1" };
const QUEUE_DB_LOG_GROUP = rdsPostgresLogGroup("instance", "queue-db");

export interface DemoOptions {
  /** Where the HTML report goes. */
  reportPath: string;
  out: (text: string) => void;
  progress: (text: string) => void;
  /**
   * Registers cleanup that must run even on Ctrl-C; `onExit` is its synchronous last resort,
   * for when something else (embedded-postgres's own exit hook) ends the process first.
   */
  onCleanup: (fn: () => Promise<void>, onExit?: () => void) => void;
}

export interface DemoOutcome {
  first: AuditResult;
  second: AuditResult;
  alerts: Digest[];
  reportPath: string;
  redis: boolean;
}

function demoConfig(pgPort: number, redisPort: number | undefined): Config {
  return parseConfig(
    {
      version: 1,
      aws: { regions: ["eu-west-1"] },
      // Not jobs-aurora: the bundled export holds no capture of its log, and a log that was not
      // read is an ERROR that leaves its whole account and region partially observed.
      targets: { rds: ["queue-db"], elasticache: ["jobs-redis"], tag: { key: "queue-backend", value: "delayed_job" } },
      network: { allowedCidrs: ["10.20.0.0/16"], allowedSecurityGroups: ["sg-0a1b2c3d4e5f60001"] },
      credentials: { maxAgeDays: 90, secrets: ["queue-db/app", "jobs-redis/auditor"] },
      postgres: [
        {
          name: "queue-db",
          connection: {
            host: "127.0.0.1",
            port: pgPort,
            database: DEMO_DATABASE,
            user: "queue_auditor",
            password: { env: DEMO_PASSWORD_ENV },
            // The embedded server has no certificate; against RDS keep the default, verify-full.
            tls: "disable",
          },
          tables: ["public.delayed_jobs"],
          owner: "app_migrator",
          admins: ["postgres"],
          principals: { app_worker: ["SELECT", "INSERT", "UPDATE", "DELETE"], app_web: ["SELECT", "INSERT"] },
        },
      ],
      redis:
        redisPort === undefined
          ? []
          : [
              {
                name: "jobs-redis-local",
                endpoint: { host: "127.0.0.1", port: redisPort },
                tls: "optional",
                auth: "required",
                timeoutSeconds: 3,
                credentials: { username: "auditor", password: { env: DEMO_REDIS_PASSWORD_ENV } },
                queue: "sidekiq",
                // With requirepass only, `default` is the operators' user: the admin.
                admins: ["default"],
                principals: { sidekiq_worker: ["read", "write"] },
              },
            ],
      // Reads the embedded server's log (as RDS's export of queue-db) and the Redis ACL log: who tried.
      logs: {},
      notifications: { minSeverity: "high", remindAfterHours: 24, notifyResolved: true },
      mutes: [
        {
          check: "sg-unapproved-cidr",
          resource: "sg-0a1b2c3d4e5f60011",
          subject: "198.51.100.0/24 tcp 5432",
          reason: "Office VPN egress range, approved in CHG-1234",
          expires: "2099-03-31",
        },
      ],
    },
    "demo config",
  );
}

/** The fix an operator makes in the console: the 0.0.0.0/0 rule on the database's port goes. */
async function closeWorldRule(inventoryDir: string): Promise<string> {
  const file = path.join(inventoryDir, "ec2-describe-security-groups.json");
  const data = JSON.parse(await readFile(file, "utf8")) as {
    SecurityGroups: { GroupId: string; IpPermissions: { IpRanges?: { CidrIp?: string }[] }[] }[];
  };
  for (const group of data.SecurityGroups) {
    if (group.GroupId !== WORLD_OPEN_GROUP) continue;
    group.IpPermissions = group.IpPermissions.filter((p) => !(p.IpRanges ?? []).some((r) => r.CidrIp === "0.0.0.0/0"));
  }
  await writeFile(file, JSON.stringify(data, null, 4));
  return `removed the 0.0.0.0/0 rule on port 5432 from ${WORLD_OPEN_GROUP}`;
}

/** A notifier that shows what would be sent, and counts as delivered so the next run alerts only on changes. */
function showingNotifier(out: (text: string) => void, sent: Digest[]): Notifier {
  return {
    description: "the demo's screen",
    delivers: true,
    send: async (digest) => {
      sent.push(digest);
      out(`${digestText(digest)}\n`);
    },
  };
}

function heading(text: string): string {
  return `\n${"=".repeat(text.length)}\n${text}\n${"=".repeat(text.length)}\n`;
}

/**
 * The bundled export, with the embedded server's log file as queue-db's `postgresql` log
 * group, read since the last recorded run (the first run: `logs.lookbackMinutes`), as the
 * CLI reads CloudWatch Logs (lib/audit/inventory/log-file.ts).
 */
async function demoInventory(config: Config, inventoryDir: string, logFile: string, store: Store): Promise<Inventory> {
  const inventory = await readOfflineInventory(inventoryDir);
  const until = Date.now();
  const since = (await lastRunStart(store))?.getTime() ?? until - (config.logs?.lookbackMinutes ?? 60) * 60_000;
  return withLogRead(inventory, QUEUE_DB_PARTITION, await readPostgresLogFile(logFile, QUEUE_DB_LOG_GROUP, { since, until }));
}

/** Until the server's log (written as it arrives on its stderr) holds `count` lines containing `text`. */
async function logShows(logFile: string, text: string, count: number): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 100) {
    const content = await readFile(logFile, "utf8").catch(() => "");
    if (content.split(text).length - 1 >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the embedded PostgreSQL's log does not show ${count} × "${text}"`);
}

async function auditOnce(config: Config, inventoryDir: string, logFile: string, store: Store, notifier: Notifier, options: DemoOptions) {
  const { result } = await runAudit({
    config,
    sources: {
      inventory: () => demoInventory(config, inventoryDir, logFile, store),
      postgres: (targets) => probePostgres(targets),
      redis: (targets) => probeRedis(targets, { aclLog: config.logs !== undefined }),
    },
    onProgress: options.progress,
  });
  const recorded = await recordRun(store, result, config, new Date(), {
    evaluatedChecks: evaluatedCheckIds(config),
    notifier,
    onRecorded: (run) => {
      options.out(renderTable(run.result));
      options.out(heading("Alerts this run would send (SNS email / Slack)"));
    },
  });
  if (!recorded.delivery) options.out("Nothing to alert: no new, returning or resolved violation at or above high severity.\n");
  return recorded.result;
}

export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const { out, progress } = options;
  const work = await mkdtemp(path.join(tmpdir(), "queue-auditor-demo-"));
  options.onCleanup(
    () => rm(work, { recursive: true, force: true }),
    () => rmSync(work, { recursive: true, force: true }),
  );

  progress("starting an embedded PostgreSQL 18 (first start unpacks it; a few seconds)");
  // Logging as RDS does (its log_line_prefix, log_connections on) into a file the audits read.
  const logFile = path.join(work, "postgresql.log");
  const pg = await startEmbeddedPg("queue-auditor-demo-pg", {
    settings: RDS_LOG_SETTINGS,
    onLogLine: (line) => appendFileSync(logFile, `${line}\n`),
  });
  options.onCleanup(() => pg.stop());
  const { auditorPassword } = await seedQueueDatabase(pg);
  // The probe reads the audit role's password from the environment, as the config says.
  process.env[DEMO_PASSWORD_ENV] = auditorPassword;

  let redis: Awaited<ReturnType<typeof startDemoRedis>> | undefined;
  if (redisServerAvailable()) {
    progress("starting a local redis-server without a password");
    redis = await startDemoRedis();
    process.env[DEMO_REDIS_PASSWORD_ENV] = redis.auditorPassword;
    options.onCleanup(
      () => redis?.stop() ?? Promise.resolve(),
      () => redis?.kill(),
    );
  } else {
    progress("redis-server is not installed: the live Redis probe is left out of the demo");
  }

  const inventoryDir = path.join(work, "inventory");
  await cp(DEMO_INVENTORY, inventoryDir, { recursive: true });
  const store = await openStore(`local:${path.join(work, "store")}`);
  options.onCleanup(() => store.close());
  const config = demoConfig(pg.port, redis?.port);
  const alerts: Digest[] = [];
  const notifier = showingNotifier(out, alerts);

  out(heading("The estate"));
  out(
    [
      `PostgreSQL 18 on 127.0.0.1:${pg.port}, database ${DEMO_DATABASE}, with these grant mistakes:`,
      ...MISTAKES.filter((m) => m.what).map((m) => `  - ${m.what}`),
      "  - ops_admin is a superuser nobody listed as an admin (pg-superuser-roles)",
      `AWS (offline AWS CLI exports, ${path.relative(process.cwd(), DEMO_INVENTORY) || DEMO_INVENTORY}): RDS queue-db public and without TLS enforcement,`,
      "  security groups open to the world and to another account, ElastiCache without AUTH and with TLS 'preferred',",
      "  an RBAC default user with no password, stale secrets.",
      redis
        ? `Redis on 127.0.0.1:${redis.port} accepting clients without a password, with a Sidekiq worker user and a cache user (~cache:* +@all) that can FLUSHALL the queue.`
        : "Redis: not started (redis-server missing).",
      "Logs (logs: in the config): the embedded server logs as RDS does (its log_line_prefix, log_connections on), and its log",
      "  file stands in for queue-db's CloudWatch export. Between the runs the demo tries wrong passwords and a stranger's login.",
      "  (The bundled Aurora cluster jobs-aurora is left out: the export holds no capture of its log.)",
      "MySQL / MariaDB: not in this demo (no MariaDB server ships in node_modules the way PostgreSQL does); the mysql-* checks",
      "  and a messy MariaDB whose every route is proven are in the test suite (docs/mysql.md).",
      "",
    ].join("\n"),
  );

  out(heading("Run 1"));
  const first = await auditOnce(config, inventoryDir, logFile, store, notifier, options);

  out(heading("The fix plan (queue-auditor fix)"));
  const plan = buildPlan(first.findings, config, { generatedAt: new Date(), runId: first.run.id });
  for (const file of plan.files) out(`--- ${file.name}\n${file.content}\n`);
  const sqlFile = plan.files.find((f) => f.name.endsWith(".sql"));
  const statements = sqlFile ? sqlFile.content.split("\n").filter((l) => /^(GRANT|REVOKE|ALTER) /.test(l)).length : 0;

  out(heading("Fixing some of it"));
  const fixed: string[] = [];
  if (sqlFile) {
    await applySqlPlan(pg, sqlFile.content);
    fixed.push(`ran ${sqlFile.name} from the plan as the database owner (${statements} statements, one transaction)`);
  }
  // aws.sh needs real AWS; the demo makes its first change by hand in the offline export instead.
  fixed.push(`${await closeWorldRule(inventoryDir)} (by hand in the offline export: aws.sh needs real AWS)`);
  if (redis) {
    // Before requirepass: these admin commands go in as the (still open) default user.
    await redis.restrictCacheUser();
    fixed.push("took -@dangerous away from the Redis cache user (ACL SETUSER cache -@dangerous)");
    await redis.requirePassword();
    fixed.push("turned on requirepass on the local Redis (the plan lists it as client-change-first: no ACL user exists yet)");
  }
  out(`${fixed.map((f) => `  - ${f}`).join("\n")}\n`);

  out(heading("Meanwhile, someone tries their luck"));
  const tried: string[] = [];
  const guessed = await guessPasswords(pg);
  await logShows(logFile, 'password authentication failed for user "app_worker"', guessed);
  tried.push(`${guessed} logins as app_worker with wrong passwords from 127.0.0.1, each refused (the server's log says so)`);
  const refusal = await strangerReadsQueue(pg);
  await logShows(logFile, "permission denied for table delayed_jobs", 1);
  tried.push(`hq_analyst, outside the policy, logged in with a leaked password and read delayed_jobs: "${refusal}"`);
  if (redis) {
    const refused = await redis.guessPasswords("sidekiq_worker", DEMO_GUESSES);
    tried.push(`${refused} AUTH attempts as sidekiq_worker with wrong passwords on the local Redis, each refused (WRONGPASS)`);
  }
  out(
    `${tried.map((t) => `  - ${t}`).join("\n")}\nRun 2 reads the database's log since run 1 began${redis ? ", and Redis's ACL LOG" : ""}.\n`,
  );

  out(heading("Run 2"));
  const second = await auditOnce(config, inventoryDir, logFile, store, notifier, options);

  out(heading("What changed between the runs"));
  const changed = (change: string) => second.findings.filter((f) => f.change === change);
  for (const f of changed("resolved")) out(`  resolved    ${f.checkId} ${f.resource.id}${f.subject ? ` [${f.subject}]` : ""}\n`);
  for (const f of changed("regressed")) out(`  regressed   ${f.checkId} ${f.resource.id}${f.subject ? ` [${f.subject}]` : ""}\n`);
  const stillOpen = second.findings.filter((f) => f.status === "FAIL").length;
  out(
    `  ${changed("resolved").length} resolved, ${stillOpen} violations still open (persisting), ${alerts.length} alert(s) sent in all.\n`,
  );

  const runs = await store.listRuns({});
  const chain = await verifyChain(store);
  const html = renderHtmlReport({
    result: second,
    history: { runs: runs.map((r) => r.run).reverse() },
    chain: chain.ok ? { status: "intact", checkedRuns: chain.verified } : { status: "broken", checkedRuns: chain.verified },
    config,
    generatedAt: new Date().toISOString(),
    title: "queue-auditor demo: evidence report",
  });
  await mkdir(path.dirname(options.reportPath), { recursive: true });
  await writeFile(options.reportPath, html);
  out(heading("Evidence"));
  out(`HTML evidence report: ${options.reportPath}\nHash chain: ${chain.ok ? "intact" : "BROKEN"} over ${chain.verified} run(s).\n`);
  out(
    `Fixes applied in the demo: the plan's ${statements} SQL statements, 1 security-group rule removed${redis ? ", Redis cache user restricted, Redis AUTH on" : ""}. Everything it started is stopped and removed on exit.\n`,
  );
  return { first, second, alerts, reportPath: options.reportPath, redis: redis !== undefined };
}
