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
