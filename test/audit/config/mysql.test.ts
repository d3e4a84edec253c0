import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/audit/config/load.js";
import { mysqlQueueTables, parseAccount } from "../../../lib/audit/config/mysql.js";

const FILE = "queue-auditor.yaml";
const target = (extra: Record<string, unknown> = {}) => ({
  name: "queue-mysql",
  connection: { host: "queue-mysql.example.eu-west-1.rds.amazonaws.com", user: "queue_auditor", password: { iam: true } },
  tables: ["app_production.delayed_jobs"],
  admins: ["admin@%"],
  principals: { "app_worker@10.20.%": ["SELECT", "INSERT", "UPDATE", "DELETE"] },
  ...extra,
});
const parse = (t: unknown) => parseConfig({ version: 1, mysql: [t] }, FILE);

describe("mysql: targets", () => {
  it("takes the contract's example with its defaults", () => {
    const c = parse(target());
    expect(c.mysql[0]?.connection).toMatchObject({
      port: 3306,
      tls: "verify-full",
      connectTimeoutSeconds: 10,
      statementTimeoutSeconds: 30,
    });
  });

  it("adds a queue preset's tables in the named database, each once", () => {
    const c = parse(target({ queue: "solid_queue", database: "app_production", tables: ["app_production.solid_queue_jobs"] }));
    const tables = mysqlQueueTables(c.mysql[0] as never);
    expect(tables.map((t) => t.qualified)).toHaveLength(11);
    expect(tables.find((t) => t.table === "solid_queue_jobs")?.payloadColumns).toEqual(["class_name", "arguments"]);
    expect(mysqlQueueTables(parse(target()).mysql[0] as never)[0]?.payloadColumns).toEqual(["handler"]);
  });

  it("accepts a principal with a reason and an admin with one", () => {
    const c = parse(
      target({
        principals: { "app_web@10.20.%": { allow: ["SELECT"], reason: "web enqueues", owner: "web-team" } },
        admins: [{ name: "admin@%", reason: "DBA" }],
      }),
    );
    expect(c.mysql[0]?.principals["app_web@10.20.%"]).toEqual({ allow: ["SELECT"], reason: "web enqueues", owner: "web-team" });
  });

  it.each([
    [{ queue: "delayed_job", tables: [] }, "mysql[0].database: expected the database that holds the delayed_job tables"],
    [{ tables: [] }, "mysql[0].tables: expected at least one table, or a `queue` preset with its `database`"],
    [{ tables: ["delayed_jobs"] }, "mysql[0].tables[0]: expected a table as DATABASE.TABLE"],
    [{ admins: ["admin"] }, "mysql[0].admins[0]: expected an account as USER@HOST"],
    [{ principals: { "app_worker@10.20.%": ["SELECT", "TRUNCATE"] } }, "mysql[0].principals.app_worker@10.20.%[1]: expected one of SELECT"],
    [{ connection: { host: "h", user: "u", password: "hunter2" } }, "mysql[0].connection.password: expected { env: VAR }"],
    [{ admins: ["app_worker@10.20.%"] }, "mysql[0].admins[0]: expected app_worker@10.20.% as an admin or a principal, not both"],
  ])("refuses %j with one line naming the key path", (extra, message) => {
    expect(() => parse(target(extra))).toThrow(`${FILE}: ${message}`);
  });

  it("splits accounts at the last @, anonymous included", () => {
    expect(parseAccount("app@worker@10.20.%")).toEqual({ user: "app@worker", host: "10.20.%" });
    expect(parseAccount("@%")).toEqual({ user: "", host: "%" });
  });
});
