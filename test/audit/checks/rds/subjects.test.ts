import { describe, expect, it } from "vitest";
import { applyFailedMessage, type EffectiveParameter, forceSslDefault } from "../../../../lib/audit/checks/rds/subjects.js";

describe("the engine default of rds.force_ssl, and the rule an auditor reads", () => {
  it("is 1 for RDS for PostgreSQL from version 15 and 0 before, naming the rule", () => {
    expect(forceSslDefault("postgres", "15.4")).toEqual({ value: "1", rule: "RDS for PostgreSQL default from version 15 (1)" });
    expect(forceSslDefault("postgres", "14.9")).toEqual({ value: "0", rule: "RDS for PostgreSQL default before version 15 (0)" });
  });

  it("is 0 for Aurora PostgreSQL whatever the version, naming the rule", () => {
    expect(forceSslDefault("aurora-postgresql", "16.1")).toEqual({ value: "0", rule: "Aurora PostgreSQL default (0, any version)" });
    expect(forceSslDefault("Aurora-PostgreSQL", undefined)?.value).toBe("0");
  });

  it("is unknown for engines that are not PostgreSQL, even with a PostgreSQL-like version", () => {
    expect(forceSslDefault("mysql", "15.0")).toBeUndefined();
    expect(forceSslDefault("aurora-mysql", "8.0.mysql_aurora.3.05.2")).toBeUndefined();
    expect(forceSslDefault(undefined, "16.1")).toBeUndefined();
  });

  it("is unknown for RDS for PostgreSQL when the version cannot be read", () => {
    expect(forceSslDefault("postgres", undefined)).toBeUndefined();
    expect(forceSslDefault("postgres", "")).toBeUndefined();
  });
});

describe("the FAIL message of a parameter group that failed to apply", () => {
  const parameter: EffectiveParameter = {
    name: "rds.force_ssl",
    value: undefined,
    group: "queue-pg16",
    groupKind: "DB parameter group",
    applyStatus: "failed-to-apply",
  };

  it("names the value the group holds, or the default when it holds none", () => {
    expect(applyFailedMessage("queue-db", parameter, "1")).toContain("may differ from the 1 it holds");
    expect(applyFailedMessage("queue-db", parameter, undefined)).toContain("may differ from the default it holds");
  });
});
