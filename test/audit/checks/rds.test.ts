import { describe, expect, it } from "vitest";
import { config, dbInstance, inventory, missing, ok, partition, run, verdicts } from "../../support/builders.js";

const cfg = config({ targets: { rds: ["queue-db", "jobs-aurora"] } });

function params(...pairs: [string, string | undefined][]) {
  return ok(
    pairs.map(([ParameterName, ParameterValue]) => ({
      ParameterName,
      ...(ParameterValue === undefined ? {} : { ParameterValue }),
      Source: ParameterValue === undefined ? "engine-default" : "user",
      ApplyType: "dynamic",
      DataType: "boolean",
      IsModifiable: true,
      ApplyMethod: "pending-reboot",
    })),
  );
}

function single(instance: Record<string, unknown>, groupParams = params(["rds.force_ssl", "1"], ["log_connections", "1"])) {
  return inventory(partition({ dbInstances: ok([dbInstance("queue-db", instance)]), dbParameters: { "queue-pg16": groupParams } }));
}

const auroraCluster = {
  DBClusterIdentifier: "jobs-aurora",
  DBClusterArn: "arn:aws:rds:eu-west-1:111122223333:cluster:jobs-aurora",
  Engine: "aurora-postgresql",
  EngineVersion: "16.2",
  Port: 5432,
  StorageEncrypted: true,
  IAMDatabaseAuthenticationEnabled: false,
  EnabledCloudwatchLogsExports: ["postgresql"],
  DBClusterParameterGroup: "aurora-pg16",
  VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-0000000000000db01", Status: "active" }],
  DBClusterMembers: [{ DBInstanceIdentifier: "jobs-aurora-1", IsClusterWriter: true }],
  TagList: [],
};

function statusOf(checkId: string, inv = single({})) {
  return verdicts(checkId, cfg, inv).map((r) => `${r.status} ${r.resource.id}`);
}

describe("rds instance settings", () => {
  it("rds-public-access fails a publicly accessible instance and passes a private one", () => {
    expect(statusOf("rds-public-access", single({ PubliclyAccessible: true }))).toContain("FAIL queue-db");
    expect(statusOf("rds-public-access", single({}))).toContain("PASS queue-db");
  });

  it("rds-storage-unencrypted, rds-iam-auth-disabled, rds-master-password-unmanaged follow the instance's flags", () => {
    const bad = single({ StorageEncrypted: false, IAMDatabaseAuthenticationEnabled: false, MasterUserSecret: undefined });
    expect(statusOf("rds-storage-unencrypted", bad)).toContain("FAIL queue-db");
    expect(statusOf("rds-iam-auth-disabled", bad)).toContain("FAIL queue-db");
    expect(statusOf("rds-master-password-unmanaged", bad)).toContain("FAIL queue-db");
    expect(statusOf("rds-storage-unencrypted")).toContain("PASS queue-db");
    expect(statusOf("rds-iam-auth-disabled")).toContain("PASS queue-db");
    expect(statusOf("rds-master-password-unmanaged")).toContain("PASS queue-db");
  });

  it("rds-master-password-unmanaged fails an impaired managed secret (it cannot be rotated) and passes an active one", () => {
    const secret = (SecretStatus: string) => ({
      MasterUserSecret: { SecretArn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-1a2b3c-AbCdEf", SecretStatus },
    });
    const [impaired] = verdicts("rds-master-password-unmanaged", cfg, single(secret("impaired")));
    expect(impaired?.status).toBe("FAIL");
    expect(impaired?.message).toContain("impaired (SecretStatus impaired): RDS can no longer rotate it");
    expect(impaired?.evidence.MasterUserSecret).toMatchObject({ SecretStatus: "impaired" });
    expect(verdicts("rds-master-password-unmanaged", cfg, single(secret("active")))[0]?.status).toBe("PASS");
  });

  it("rds-logs-not-exported wants postgresql for PostgreSQL and error for MySQL", () => {
    expect(statusOf("rds-logs-not-exported", single({ EnabledCloudwatchLogsExports: ["upgrade"] }))).toContain("FAIL queue-db");
    expect(
      statusOf("rds-logs-not-exported", single({ Engine: "mysql", EngineVersion: "8.0.39", EnabledCloudwatchLogsExports: ["postgresql"] })),
    ).toContain("FAIL queue-db");
    expect(
      statusOf(
        "rds-logs-not-exported",
        single({ Engine: "mariadb", EngineVersion: "10.11.9", EnabledCloudwatchLogsExports: ["error", "audit"] }),
      ),
    ).toContain("PASS queue-db");
  });
});

describe("rds-tls-not-enforced", () => {
  it("fails rds.force_ssl = 0 and passes 1", () => {
    expect(statusOf("rds-tls-not-enforced", single({}, params(["rds.force_ssl", "0"])))).toEqual(["FAIL queue-db"]);
    expect(statusOf("rds-tls-not-enforced", single({}, params(["rds.force_ssl", "1"])))).toEqual(["PASS queue-db"]);
  });

  it("uses the engine default when the parameter has no value: 1 from PostgreSQL 15, 0 before", () => {
    const noValue = params(["rds.force_ssl", undefined]);
    expect(statusOf("rds-tls-not-enforced", single({ EngineVersion: "15.7" }, noValue))).toEqual(["PASS queue-db"]);
    expect(statusOf("rds-tls-not-enforced", single({ EngineVersion: "14.12" }, noValue))).toEqual(["FAIL queue-db"]);
    const [result] = verdicts("rds-tls-not-enforced", cfg, single({ EngineVersion: "14.12" }, noValue));
    expect(result?.evidence.origin).toBe("engine default for postgres 14.12: RDS for PostgreSQL default before version 15 (0)");
    const [v16] = verdicts("rds-tls-not-enforced", cfg, single({ EngineVersion: "16.3" }, noValue));
    expect(v16?.evidence.defaultRule).toBe("RDS for PostgreSQL default from version 15 (1)");
  });

  it("uses Aurora PostgreSQL's own default, 0 on every version, and says which default applied", () => {
    const aurora = (value: string | undefined, version = "16.2") =>
      inventory(
        partition({
          dbClusters: ok([{ ...auroraCluster, EngineVersion: version }]),
          dbInstances: ok([dbInstance("jobs-aurora-1", { Engine: "aurora-postgresql", DBClusterIdentifier: "jobs-aurora" })]),
          dbClusterParameters: { "aurora-pg16": params(["rds.force_ssl", value]) },
        }),
      );
    const onlyAurora = config({ targets: { rds: ["jobs-aurora"] } });
    const [unset] = verdicts("rds-tls-not-enforced", onlyAurora, aurora(undefined));
    expect(unset?.status).toBe("FAIL");
    expect(unset?.evidence.defaultRule).toBe("Aurora PostgreSQL default (0, any version)");
    expect(unset?.message).toContain("engine default for aurora-postgresql 16.2: Aurora PostgreSQL default (0, any version)");
    expect(verdicts("rds-tls-not-enforced", onlyAurora, aurora(undefined, "17.4"))[0]?.status).toBe("FAIL");
    expect(verdicts("rds-tls-not-enforced", onlyAurora, aurora("1"))[0]?.status).toBe("PASS");
  });

  it("does not pass a value the parameter group failed to apply: the running value may differ", () => {
    const group = (ParameterApplyStatus: string) => ({
      DBParameterGroups: [{ DBParameterGroupName: "queue-pg16", ParameterApplyStatus }],
    });
    const [failed] = verdicts("rds-tls-not-enforced", cfg, single(group("failed-to-apply"), params(["rds.force_ssl", "1"])));
    expect(failed?.status).toBe("FAIL");
    expect(failed?.evidence.parameterApplyStatus).toBe("failed-to-apply");
    expect(failed?.message).toBe(
      "queue-db's DB parameter group queue-pg16 shows ParameterApplyStatus failed-to-apply: it is in an invalid state, so the running rds.force_ssl may differ from the 1 it holds; fix the group (or reassign it) and reboot, then check again.",
    );
    expect(verdicts("rds-tls-not-enforced", cfg, single(group("in-sync"), params(["rds.force_ssl", "1"])))[0]?.status).toBe("PASS");
    const logging = (status: string) =>
      verdicts("rds-connection-logging-off", cfg, single(group(status), params(["log_connections", "1"])))[0]?.status;
    expect([logging("failed-to-apply"), logging("in-sync")]).toEqual(["FAIL", "PASS"]);
  });

  it("reads failed-to-apply from an Aurora cluster's members", () => {
    const inv = (memberStatus: string) =>
      inventory(
        partition({
          dbClusters: ok([
            {
              ...auroraCluster,
              DBClusterMembers: [
                { DBInstanceIdentifier: "jobs-aurora-1", IsClusterWriter: true, DBClusterParameterGroupStatus: "in-sync" },
                { DBInstanceIdentifier: "jobs-aurora-2", IsClusterWriter: false, DBClusterParameterGroupStatus: memberStatus },
              ],
            },
          ]),
          dbInstances: ok(
            ["jobs-aurora-1", "jobs-aurora-2"].map((id) =>
              dbInstance(id, { Engine: "aurora-postgresql", DBClusterIdentifier: "jobs-aurora" }),
            ),
          ),
          dbClusterParameters: { "aurora-pg16": params(["rds.force_ssl", "1"]) },
        }),
      );
    const onlyAurora = config({ targets: { rds: ["jobs-aurora"] } });
    expect(verdicts("rds-tls-not-enforced", onlyAurora, inv("failed-to-apply"))[0]?.status).toBe("FAIL");
    expect(verdicts("rds-tls-not-enforced", onlyAurora, inv("in-sync"))[0]?.status).toBe("PASS");
  });

  it("reads require_secure_transport for MySQL and MariaDB", () => {
    expect(
      statusOf("rds-tls-not-enforced", single({ Engine: "mysql", EngineVersion: "8.0.39" }, params(["require_secure_transport", "ON"]))),
    ).toEqual(["PASS queue-db"]);
    expect(
      statusOf(
        "rds-tls-not-enforced",
        single({ Engine: "mariadb", EngineVersion: "10.11.9" }, params(["require_secure_transport", undefined])),
      ),
    ).toEqual(["FAIL queue-db"]);
  });

  it("says when the parameter group has changes pending a reboot", () => {
    const [result] = verdicts(
      "rds-tls-not-enforced",
      cfg,
      single(
        { DBParameterGroups: [{ DBParameterGroupName: "queue-pg16", ParameterApplyStatus: "pending-reboot" }] },
        params(["rds.force_ssl", "1"]),
      ),
    );
    expect(result?.status).toBe("PASS");
    expect(result?.evidence.parameterApplyStatus).toBe("pending-reboot");
    expect(result?.message).toContain("pending a reboot");
  });

  it("is an ERROR when the parameter group was not exported", () => {
    const inv = inventory(partition({ dbInstances: ok([dbInstance("queue-db")]) }));
    const [result] = verdicts("rds-tls-not-enforced", cfg, inv);
    expect(result?.status).toBe("ERROR");
    expect(result?.cause?.source).toBe("inv/rds-describe-db-parameters/queue-pg16.json");
  });

  it("reads an Aurora cluster's cluster parameter group, not the member's", () => {
    const inv = inventory(
      partition({
        dbClusters: ok([auroraCluster]),
        dbInstances: ok([
          dbInstance("jobs-aurora-1", {
            Engine: "aurora-postgresql",
            DBClusterIdentifier: "jobs-aurora",
            DBParameterGroups: [{ DBParameterGroupName: "default.aurora-postgresql16" }],
          }),
          dbInstance("queue-db"),
        ]),
        dbClusterParameters: { "aurora-pg16": params(["rds.force_ssl", undefined], ["log_connections", "0"]) },
        dbParameters: { "queue-pg16": params(["rds.force_ssl", "1"]) },
      }),
    );
    // The cluster group carries no rds.force_ssl value: Aurora's default is 0.
    expect(statusOf("rds-tls-not-enforced", inv).sort()).toEqual(["FAIL jobs-aurora", "PASS queue-db"]);
    expect(statusOf("rds-connection-logging-off", inv).sort()).toEqual(["FAIL jobs-aurora", "FAIL queue-db"]);
    // Public access is decided per member instance; settings per cluster.
    expect(statusOf("rds-public-access", inv).sort()).toEqual(["PASS jobs-aurora-1", "PASS queue-db"]);
    expect(statusOf("rds-iam-auth-disabled", inv).sort()).toEqual(["FAIL jobs-aurora", "PASS queue-db"]);
  });
});

describe("rds-connection-logging-off", () => {
  it("fails when log_connections is off or unset and passes when on", () => {
    expect(statusOf("rds-connection-logging-off", single({}, params(["log_connections", undefined])))).toEqual(["FAIL queue-db"]);
    expect(statusOf("rds-connection-logging-off", single({}, params(["log_connections", "1"])))).toEqual(["PASS queue-db"]);
    expect(statusOf("rds-connection-logging-off", single({}, params(["log_connections", "receipt,authentication,authorization"])))).toEqual(
      ["PASS queue-db"],
    );
  });

  it("does not apply to MySQL", () => {
    expect(statusOf("rds-connection-logging-off", single({ Engine: "mysql", EngineVersion: "8.0.39" }))).toEqual([]);
  });
});

describe("rds scope", () => {
  it("reports a target that is not in the inventory as an ERROR, never a PASS", () => {
    const inv = inventory(partition({ dbInstances: ok([dbInstance("queue-db")]) }));
    const errors = verdicts("audit-error", cfg, inv);
    expect(errors.map((r) => r.message)).toEqual([expect.stringContaining("Target jobs-aurora was not found")]);
  });

  it("cannot tell whether a target exists when the instances file is missing", () => {
    const inv = inventory(partition({ dbInstances: missing("inv/rds-describe-db-instances.json"), dbClusters: ok([auroraCluster]) }));
    const messages = verdicts("audit-error", cfg, inv).map((r) => r.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining("Target queue-db could not be looked up"),
        expect.stringContaining("Member instance jobs-aurora-1 of cluster jobs-aurora was not observed"),
      ]),
    );
  });

  it("never drops an Aurora member it could not observe: the run is incomplete, not compliant", () => {
    const clusterOnly = config({ targets: { rds: ["jobs-aurora"] } });
    const inv = inventory(
      partition({
        dbInstances: ok([]),
        dbClusters: ok([auroraCluster]),
        dbClusterParameters: { "aurora-pg16": params(["rds.force_ssl", "1"]) },
      }),
    );
    const errors = verdicts("audit-error", clusterOnly, inv);
    expect(errors.map((r) => [r.status, r.resource.id])).toEqual([["ERROR", "jobs-aurora-1"]]);
    expect(run(clusterOnly, inv).some((f) => f.status === "ERROR")).toBe(true);
  });

  it("selects instances by tag", () => {
    const tagged = config({ targets: { tag: { key: "queue-backend", value: "delayed_job" } } });
    const inv = inventory(
      partition({
        dbInstances: ok([dbInstance("queue-db", { TagList: [{ Key: "queue-backend", Value: "delayed_job" }] }), dbInstance("other-db")]),
        dbParameters: { "queue-pg16": params(["rds.force_ssl", "1"]) },
      }),
    );
    expect(verdicts("rds-public-access", tagged, inv).map((r) => r.resource.id)).toEqual(["queue-db"]);
  });
});

describe("RDS checks: what a verdict says", () => {
  const one = (checkId: string, inv: ReturnType<typeof single>, c = cfg) => {
    const results = verdicts(checkId, c, inv).filter((r) => r.resource.id === "queue-db" || c !== cfg);
    expect(results).toHaveLength(1);
    const [r] = results;
    if (!r) throw new Error("no verdict");
    return r;
  };
  const onlyAurora = config({ targets: { rds: ["jobs-aurora"] } });
  const aurora = (cluster: Record<string, unknown> = {}, clusterParams = params(["rds.force_ssl", "1"], ["log_connections", "1"])) =>
    inventory(
      partition({
        dbClusters: ok([{ ...auroraCluster, ...cluster }]),
        dbInstances: ok([dbInstance("jobs-aurora-1", { Engine: "aurora-postgresql", DBClusterIdentifier: "jobs-aurora" })]),
        dbClusterParameters: { "aurora-pg16": clusterParams },
      }),
    );

  describe("rds-public-access", () => {
    it("fails a publicly accessible instance, and passes a private one, saying which", () => {
      const open = one("rds-public-access", single({ PubliclyAccessible: true }));
      expect(open).toMatchObject({ status: "FAIL", message: "queue-db is publicly accessible: turn PubliclyAccessible off." });
      expect(open.evidence).toEqual({ PubliclyAccessible: true });
      const closed = one("rds-public-access", single({ PubliclyAccessible: undefined }));
      expect(closed).toMatchObject({ status: "PASS", message: "queue-db is not publicly accessible." });
      expect(closed.evidence).toEqual({ PubliclyAccessible: false });
    });

    it("judges a Multi-AZ DB cluster, which carries its own public-access flag, as the cluster", () => {
      const results = verdicts("rds-public-access", onlyAurora, aurora({ PubliclyAccessible: true }));
      expect(results.map((r) => `${r.status} ${r.resource.id}`).sort()).toEqual(["FAIL jobs-aurora", "PASS jobs-aurora-1"]);
    });
  });

  describe("rds-storage-unencrypted", () => {
    it("passes encrypted storage naming its key, and fails unencrypted storage", () => {
      const kms = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
      const on = one("rds-storage-unencrypted", single({ KmsKeyId: kms }));
      expect(on).toMatchObject({ status: "PASS", message: "queue-db encrypts its storage." });
      expect(on.evidence).toEqual({ StorageEncrypted: true, KmsKeyId: kms });
      const off = one("rds-storage-unencrypted", single({ StorageEncrypted: undefined }));
      expect(off).toMatchObject({
        status: "FAIL",
        message: "queue-db does not encrypt its storage: restore it from an encrypted snapshot copy.",
      });
      expect(off.subject).toBeUndefined();
      expect(off.evidence).toEqual({ StorageEncrypted: false });
    });
  });

  describe("rds-iam-auth-disabled", () => {
    it("says whether the database accepts IAM authentication", () => {
      const on = one("rds-iam-auth-disabled", single({}));
      expect(on).toMatchObject({ status: "PASS", message: "queue-db accepts IAM database authentication." });
      expect(on.evidence).toEqual({ IAMDatabaseAuthenticationEnabled: true });
      const off = one("rds-iam-auth-disabled", single({ IAMDatabaseAuthenticationEnabled: undefined }));
      expect(off).toMatchObject({
        status: "FAIL",
        message: "queue-db does not accept IAM database authentication: enable it and move workers to IAM tokens.",
      });
      expect(off.evidence).toEqual({ IAMDatabaseAuthenticationEnabled: false });
    });
  });

  describe("rds-logs-not-exported", () => {
    it("passes the engine's main log exported, and fails naming the missing log", () => {
      const on = one("rds-logs-not-exported", single({ EnabledCloudwatchLogsExports: ["postgresql", "upgrade"] }));
      expect(on).toMatchObject({ status: "PASS", message: "queue-db exports its postgresql log to CloudWatch Logs." });
      expect(on.evidence).toEqual({ EnabledCloudwatchLogsExports: ["postgresql", "upgrade"] });
      const off = one("rds-logs-not-exported", single({ EnabledCloudwatchLogsExports: undefined }));
      expect(off).toMatchObject({
        status: "FAIL",
        subject: "postgresql",
        message: "queue-db does not export its postgresql log to CloudWatch Logs: enable the export.",
      });
      expect(off.evidence).toEqual({ EnabledCloudwatchLogsExports: [], expected: "postgresql" });
      const mysql = one(
        "rds-logs-not-exported",
        single({ Engine: "aurora-mysql", EngineVersion: "8.0.mysql_aurora.3.05.2", EnabledCloudwatchLogsExports: [] }),
      );
      expect(mysql).toMatchObject({ status: "FAIL", subject: "error" });
    });

    it("reads every MySQL-family engine name, in any case, as MySQL", () => {
      for (const Engine of ["mysql", "mariadb", "aurora-mysql", "aurora", "MySQL"]) {
        expect(one("rds-logs-not-exported", single({ Engine, EnabledCloudwatchLogsExports: ["error"] })).status, Engine).toBe("PASS");
      }
      expect(one("rds-logs-not-exported", single({ Engine: "Postgres" })).status).toBe("PASS");
    });

    it("is an ERROR, not a verdict, for an engine it does not cover", () => {
      for (const Engine of ["oracle-ee", undefined]) {
        const r = one("rds-logs-not-exported", single({ Engine }));
        expect(r.status).toBe("ERROR");
        expect(r.message).toBe(`Could not evaluate the exported logs: engine ${Engine} is not covered by this check (queue-db).`);
        expect(r.cause).toEqual({
          source: "queue-db",
          reason: `engine ${Engine} is not covered by this check`,
          code: "UnsupportedEngine",
          account: "111122223333",
          region: "eu-west-1",
        });
      }
    });
  });

  describe("rds-master-password-unmanaged", () => {
    const arn = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:rds!db-1-AbCdEf";
    it("passes a managed master secret, naming it", () => {
      const r = one("rds-master-password-unmanaged", single({}));
      expect(r.message).toBe("queue-db's master password is managed by Secrets Manager.");
      expect(r.evidence).toEqual({ MasterUserSecret: { SecretArn: arn, SecretStatus: "active" } });
    });

    it("fails a password set by hand, and a secret without an ARN", () => {
      const r = one("rds-master-password-unmanaged", single({ MasterUserSecret: undefined }));
      expect(r.status).toBe("FAIL");
      expect(r.message).toBe("queue-db's master password is not managed by Secrets Manager: turn on --manage-master-user-password.");
      expect(r.evidence).toEqual({ MasterUserSecret: null });
      const noArn = one("rds-master-password-unmanaged", single({ MasterUserSecret: { SecretStatus: "impaired" } }));
      expect(noArn.message).toBe(r.message);
    });

    it("fails an impaired secret with what to do, and its ARN as evidence", () => {
      const r = one("rds-master-password-unmanaged", single({ MasterUserSecret: { SecretArn: arn, SecretStatus: "impaired" } }));
      expect(r.status).toBe("FAIL");
      expect(r.subject).toBeUndefined();
      expect(r.message).toBe(
        "queue-db's managed master secret is impaired (SecretStatus impaired): RDS can no longer rotate it, usually because it lost access to the secret or its KMS key; restore that access, or turn --manage-master-user-password off and on again.",
      );
      expect(r.evidence).toEqual({ MasterUserSecret: { SecretArn: arn, SecretStatus: "impaired" } });
    });
  });

  describe("rds-connection-logging-off", () => {
    it("passes naming the value and where it is set", () => {
      const r = one("rds-connection-logging-off", single({}, params(["log_connections", "1"])));
      expect(r.message).toBe("queue-db logs connections (log_connections = 1).");
      expect(r.evidence).toStrictEqual({
        parameter: "log_connections",
        value: "1",
        origin: "DB parameter group queue-pg16",
        parameterApplyStatus: "in-sync",
      });
    });

    it("fails naming the group to change, and the engine default when the group sets nothing", () => {
      const unset = one(
        "rds-connection-logging-off",
        single({ DBParameterGroups: [{ DBParameterGroupName: "queue-pg16" }] }, params(["log_connections", undefined])),
      );
      expect(unset).toMatchObject({
        status: "FAIL",
        subject: "log_connections",
        message: "queue-db does not log connections: set log_connections to 1 in DB parameter group queue-pg16.",
      });
      expect(unset.evidence).toStrictEqual({ parameter: "log_connections", value: null, origin: "engine default (off)" });
      for (const value of ["0", "off", " OFF ", "false", "no", ""]) {
        expect(one("rds-connection-logging-off", single({}, params(["log_connections", value]))).status, value).toBe("FAIL");
      }
      for (const value of ["on", " ON ", "true", "yes", "connections"]) {
        expect(one("rds-connection-logging-off", single({}, params(["log_connections", value]))).status, value).toBe("PASS");
      }
    });

    it("notes a change pending a reboot on a pass, and never passes a group that failed to apply", () => {
      const pending = one(
        "rds-connection-logging-off",
        single({ DBParameterGroups: [{ DBParameterGroupName: "queue-pg16", ParameterApplyStatus: "pending-reboot" }] }),
      );
      expect(pending.message).toBe(
        "queue-db logs connections (log_connections = 1). The DB parameter group has changes pending a reboot: until then the running value may differ.",
      );
      const failed = one(
        "rds-connection-logging-off",
        single({ DBParameterGroups: [{ DBParameterGroupName: "queue-pg16", ParameterApplyStatus: "failed-to-apply" }] }),
      );
      expect(failed).toMatchObject({ status: "FAIL", subject: "log_connections" });
      expect(failed.message).toContain("the running log_connections may differ from the 1 it holds");
      // Off is off, whether or not the group applied.
      const offFailed = one(
        "rds-connection-logging-off",
        single(
          { DBParameterGroups: [{ DBParameterGroupName: "queue-pg16", ParameterApplyStatus: "failed-to-apply" }] },
          params(["log_connections", "0"]),
        ),
      );
      expect(offFailed.message).toBe("queue-db does not log connections: set log_connections to 1 in DB parameter group queue-pg16.");
    });

    it("is an ERROR naming the instance when it names no parameter group", () => {
      const r = one("rds-connection-logging-off", single({ DBParameterGroups: [] }));
      expect(r.status).toBe("ERROR");
      expect(r.message).toBe("Could not evaluate log_connections of queue-db: queue-db names no DB parameter group (queue-db).");
      expect(r.cause).toEqual({
        source: "queue-db",
        reason: "queue-db names no DB parameter group",
        code: "NoParameterGroup",
        account: "111122223333",
        region: "eu-west-1",
      });
      const cluster = verdicts("rds-connection-logging-off", onlyAurora, aurora({ DBClusterParameterGroup: undefined }));
      expect(cluster.map((x) => x.cause?.reason)).toEqual(["jobs-aurora names no DB cluster parameter group"]);
    });

    it("judges an Aurora PostgreSQL cluster by its cluster parameter group", () => {
      const r = verdicts("rds-connection-logging-off", onlyAurora, aurora());
      expect(r.map((x) => `${x.status} ${x.resource.id} ${x.message}`)).toEqual([
        "PASS jobs-aurora jobs-aurora logs connections (log_connections = 1).",
      ]);
      expect(r[0]?.evidence).toStrictEqual({ parameter: "log_connections", value: "1", origin: "DB cluster parameter group aurora-pg16" });
    });
  });

  describe("rds-tls-not-enforced", () => {
    it("passes naming the parameter, its value and where it is set", () => {
      const r = one("rds-tls-not-enforced", single({ DBParameterGroups: [{ DBParameterGroupName: "queue-pg16" }] }));
      expect(r.message).toBe("queue-db refuses unencrypted connections (rds.force_ssl = 1, DB parameter group queue-pg16).");
      expect(r.evidence).toStrictEqual({
        parameter: "rds.force_ssl",
        value: "1",
        origin: "DB parameter group queue-pg16",
        engine: "postgres",
        engineVersion: "16.4",
      });
    });

    it("fails saying what to set, for PostgreSQL and for MySQL", () => {
      const pg = one("rds-tls-not-enforced", single({}, params(["rds.force_ssl", "0"])));
      expect(pg).toMatchObject({
        subject: "rds.force_ssl",
        message: "queue-db accepts unencrypted connections: rds.force_ssl is 0 (DB parameter group queue-pg16); set it to 1.",
      });
      const mysql = one(
        "rds-tls-not-enforced",
        single({ Engine: "mysql", EngineVersion: "8.0.39" }, params(["require_secure_transport", undefined])),
      );
      expect(mysql).toMatchObject({
        status: "FAIL",
        subject: "require_secure_transport",
        message:
          "queue-db accepts unencrypted connections: require_secure_transport is 0 (engine default for mysql 8.0.39: MySQL/MariaDB default (OFF)); set it to ON.",
      });
      expect(mysql.evidence).toMatchObject({ value: "0", defaultRule: "MySQL/MariaDB default (OFF)" });
    });

    it("takes RDS for PostgreSQL 15.x as the first version defaulting to 1", () => {
      const noValue = params(["rds.force_ssl", undefined]);
      expect(one("rds-tls-not-enforced", single({ EngineVersion: "15" }, noValue)).status).toBe("PASS");
      expect(one("rds-tls-not-enforced", single({ EngineVersion: "14.99" }, noValue)).status).toBe("FAIL");
    });

    it("is an ERROR when the default applies but the engine version cannot be read", () => {
      const r = one("rds-tls-not-enforced", single({ EngineVersion: "latest" }, params(["rds.force_ssl", undefined])));
      expect(r.status).toBe("ERROR");
      expect(r.message).toBe("Could not evaluate the default of rds.force_ssl: engine version latest cannot be read (queue-db).");
      expect(r.cause).toEqual({
        source: "queue-db",
        reason: "engine version latest cannot be read",
        code: "UnknownVersion",
        account: "111122223333",
        region: "eu-west-1",
      });
      // With a value in the group, the version does not matter.
      expect(one("rds-tls-not-enforced", single({ EngineVersion: "latest" }, params(["rds.force_ssl", "1"]))).status).toBe("PASS");
    });

    it("is an ERROR for an engine it does not cover, and when the parameter group is unreadable", () => {
      expect(one("rds-tls-not-enforced", single({ Engine: "sqlserver-ex" })).cause?.code).toBe("UnsupportedEngine");
      expect(one("rds-tls-not-enforced", single({ Engine: "sqlserver-ex" })).message).toBe(
        "Could not evaluate TLS enforcement: engine sqlserver-ex is not covered by this check (queue-db).",
      );
      const r = one("rds-tls-not-enforced", inventory(partition({ dbInstances: ok([dbInstance("queue-db")]) })));
      expect(r.message).toBe(
        "Could not evaluate rds.force_ssl of queue-db: the file is missing from the inventory (inv/rds-describe-db-parameters/queue-pg16.json).",
      );
    });

    it("reads an Aurora cluster's worst member status: a failed apply outweighs a pending reboot", () => {
      const members = (...statuses: string[]) => ({
        DBClusterMembers: statuses.map((s, i) => ({
          DBInstanceIdentifier: `jobs-aurora-${i + 1}`,
          IsClusterWriter: i === 0,
          DBClusterParameterGroupStatus: s,
        })),
      });
      const judged = (...statuses: string[]) => verdicts("rds-tls-not-enforced", onlyAurora, aurora(members(...statuses)))[0];
      expect(judged("pending-reboot", "failed-to-apply")?.status).toBe("FAIL");
      expect(judged("failed-to-apply", "pending-reboot")?.evidence).toMatchObject({ parameterApplyStatus: "failed-to-apply" });
      const pending = judged("in-sync", "pending-reboot");
      expect(pending?.status).toBe("PASS");
      expect(pending?.message).toBe(
        "jobs-aurora refuses unencrypted connections (rds.force_ssl = 1, DB cluster parameter group aurora-pg16). The DB cluster parameter group has changes pending a reboot: until then the running value may differ.",
      );
      expect(judged("applying", "pending-database-upgrade")?.evidence).toMatchObject({ parameterApplyStatus: "pending-database-upgrade" });
      expect(judged("in-sync", "applying")?.evidence).toMatchObject({ parameterApplyStatus: "applying" });
      expect(judged("in-sync")?.evidence).not.toHaveProperty("parameterApplyStatus");
    });
  });
});
