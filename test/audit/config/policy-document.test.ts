import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/audit/config/load.js";
import { policyDocument, undocumentedGrants } from "../../../lib/audit/config/policy-document.js";
import { renderHtmlReport } from "../../../lib/audit/report/html.js";
import { config } from "../../support/builders.js";

const pgConnection = { host: "db.internal", database: "app", user: "queue_auditor", password: { env: "PGPASSWORD" } };

/** One backend of each engine, mixing the plain and the documented forms. */
const documented = () =>
  config({
    postgres: [
      {
        name: "queue-db",
        connection: pgConnection,
        tables: ["public.delayed_jobs"],
        owner: "app_migrator",
        admins: ["postgres", { name: "dba_oncall", reason: "break-glass for incidents", owner: "platform" }],
        principals: {
          app_worker: { allow: ["SELECT", "UPDATE", "DELETE"], reason: "runs the jobs", owner: "payments team" },
          app_web: ["SELECT", "INSERT"],
        },
      },
    ],
    mysql: [
      {
        name: "queue-mysql",
        connection: { host: "mysql.internal", user: "queue_auditor", password: { env: "MYSQLPASSWORD" } },
        tables: ["app.delayed_jobs"],
        admins: [{ name: "admin@%", reason: "RDS master user" }],
        principals: {
          "app_worker@10.20.%": { allow: ["SELECT", "UPDATE"], reason: "runs the jobs", owner: "payments" },
          "app_web@10.20.%": ["INSERT"],
        },
      },
    ],
    redis: [
      {
        name: "jobs-redis",
        endpoint: { host: "redis.internal" },
        queue: "sidekiq",
        admins: ["ops_admin"],
        principals: { sidekiq_worker: { allow: ["read", "write"], reason: "Sidekiq processes", owner: "platform" }, sidekiq_web: ["read"] },
      },
    ],
  });

describe("the documented access policy", () => {
  it("reads both forms for PostgreSQL and Redis as the plain policy the checks judge", () => {
    const cfg = documented();
    expect(cfg.postgres[0]?.principals).toEqual({ app_worker: ["SELECT", "UPDATE", "DELETE"], app_web: ["SELECT", "INSERT"] });
    expect(cfg.postgres[0]?.admins).toEqual(["postgres", "dba_oncall"]);
    expect(cfg.redis[0]?.principals).toEqual({ sidekiq_worker: ["read", "write"], sidekiq_web: ["read"] });
    expect(cfg.redis[0]?.admins).toEqual(["ops_admin"]);
  });

  it("documents each backend: who may do what and why, with the decision's owner", () => {
    const doc = policyDocument(documented());
    expect(doc.map((b) => `${b.engine} ${b.target}`)).toEqual(["PostgreSQL queue-db", "MySQL queue-mysql", "Redis jobs-redis"]);
    expect(doc[0]?.grants).toContainEqual({
      name: "app_worker",
      as: "principal",
      allow: ["SELECT", "UPDATE", "DELETE"],
      reason: "runs the jobs",
      owner: "payments team",
    });
    expect(doc[0]?.grants).toContainEqual({
      name: "dba_oncall",
      as: "admin",
      allow: ["all"],
      reason: "break-glass for incidents",
      owner: "platform",
    });
    expect(doc[1]?.grants).toContainEqual({ name: "admin@%", as: "admin", allow: ["all"], reason: "RDS master user" });
    expect(doc[2]?.grants).toContainEqual({
      name: "sidekiq_worker",
      as: "principal",
      allow: ["read", "write"],
      reason: "Sidekiq processes",
      owner: "platform",
    });
    expect(doc[2]?.protects).toContain("queue:*");
  });

  it("flags every admin and principal without a reason, never the owner, and is not an error", () => {
    expect(undocumentedGrants(policyDocument(documented()))).toEqual([
      { engine: "PostgreSQL", target: "queue-db", name: "postgres", as: "admin" },
      { engine: "PostgreSQL", target: "queue-db", name: "app_web", as: "principal" },
      { engine: "MySQL", target: "queue-mysql", name: "app_web@10.20.%", as: "principal" },
      { engine: "Redis", target: "jobs-redis", name: "ops_admin", as: "admin" },
      { engine: "Redis", target: "jobs-redis", name: "sidekiq_web", as: "principal" },
    ]);
  });

  it("rejects a documented principal with privileges the engine does not have, naming the key path", () => {
    // Raw data, as a YAML file would give it: the privilege is not one the types allow.
    const raw = {
      version: 1,
      postgres: [
        { name: "q", connection: pgConnection, tables: ["public.t"], owner: "o", principals: { w: { allow: ["FLY"], reason: "why" } } },
      ],
    };
    expect(() => parseConfig(raw, "test.yaml")).toThrow(/test\.yaml: postgres\[0\]\.principals\.w\.allow\[0\]: expected one of SELECT/);
    expect(() =>
      config({
        postgres: [{ name: "q", connection: pgConnection, tables: ["public.t"], owner: "o", admins: ["a", { name: "a" }], principals: {} }],
      }),
    ).toThrow(/postgres\[0\]\.admins\[1\]: expected each of the admin roles once/);
  });

  it("shows the policy as a document in the HTML report, for every engine, escaped", () => {
    const cfg = documented();
    const html = renderHtmlReport({ config: cfg, findings: [], generatedAt: "2026-12-01T00:00:00Z" });
    const policy = html.slice(html.indexOf('<section id="policy"'));
    expect(policy).toContain("PostgreSQL <code>queue-db</code>");
    expect(policy).toContain("MySQL <code>queue-mysql</code>");
    expect(policy).toContain("Redis <code>jobs-redis</code>");
    expect(policy).toContain(
      '<tr><th scope="row"><code>app_worker</code></th><td>principal</td><td>SELECT, UPDATE, DELETE</td><td>runs the jobs</td><td>payments team</td></tr>',
    );
    expect(policy).toContain(
      '<tr><th scope="row"><code>app_web@10.20.%</code></th><td>principal</td><td>INSERT</td><td><span class="badge flag">no reason recorded</span>',
    );
    expect(policy).toContain("5 admin(s) or principal(s) have no recorded reason");
  });
});
