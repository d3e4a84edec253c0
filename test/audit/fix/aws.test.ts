/**
 * Every AWS check's fix names that finding's own values — on an estate whose names, ports,
 * account and region differ from every example in the docs — and none of another estate's.
 */
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../../lib/audit/findings/model.js";
import { config, dbInstance, inventory, ok, partition, rule, securityGroup, tcp, verdicts } from "../../support/builders.js";

const ACCOUNT = "444455556666";
const REGION = "ap-southeast-2";
const DB_SG = "sg-0fedcba9876543210";
const CACHE_SG = "sg-0abcabcabcabcab01";
const APPROVED = "sg-0aaaabbbbccccdd01";
const PEER = "sg-0ffff00001111ee02";

/** The example values of the docs and of the fixtures: a fix must never print them for this estate. */
const FOREIGN = [
  "queue-db",
  "jobs-redis",
  "5432 ",
  "6379",
  "111122223333",
  "eu-west-1",
  "sg-0a1b2c3d4e5f6000",
  "queue-pg16",
  "hq_root",
  "ops_admin",
];

function expectOwn(result: CheckResult | undefined, own: string[]) {
  expect(result?.fix, `${result?.checkId} has a fix`).toBeDefined();
  const printed = [result?.fix?.text ?? "", ...(result?.fix?.commands ?? [])].join("\n");
  for (const value of own) expect(printed).toContain(value);
  for (const value of FOREIGN) expect(printed).not.toContain(value);
}

function params(...pairs: [string, string | undefined][]) {
  return ok(
    pairs.map(([ParameterName, ParameterValue]) => ({ ParameterName, ...(ParameterValue === undefined ? {} : { ParameterValue }) })),
  );
}

const part = (parts: Parameters<typeof partition>[0]) => partition({ account: ACCOUNT, region: REGION, ...parts });

function orders(overrides: Record<string, unknown> = {}) {
  return dbInstance("orders-db", {
    DBInstanceArn: `arn:aws:rds:${REGION}:${ACCOUNT}:db:orders-db`,
    Endpoint: { Address: "orders-db.example", Port: 15433 },
    VpcSecurityGroups: [{ VpcSecurityGroupId: DB_SG, Status: "active" }],
    DBParameterGroups: [{ DBParameterGroupName: "orders-pg13-custom", ParameterApplyStatus: "in-sync" }],
    EngineVersion: "13.12",
    ...overrides,
  });
}

const rdsConfig = config({
  targets: { rds: ["orders-db", "ledger-aurora"] },
  network: { allowedCidrs: ["172.31.0.0/16"], allowedSecurityGroups: [APPROVED] },
});

function one(checkId: string, inv: ReturnType<typeof inventory>, cfg = rdsConfig, status: CheckResult["status"] = "FAIL") {
  const found = verdicts(checkId, cfg, inv).filter((r) => r.status === status);
  expect(found.length, `${checkId} ${status}`).toBeGreaterThan(0);
  return found;
}

describe("network fixes revoke exactly the finding's rule", () => {
  const estate = (permissions: unknown[]) =>
    inventory(part({ dbInstances: ok([orders()]), securityGroups: ok([securityGroup(DB_SG, permissions, { OwnerId: ACCOUNT })]) }));

  it("sg-world-ingress: the group, protocol, port range and IPv6 world CIDR", () => {
    const [r] = one("sg-world-ingress", estate([tcp([15000, 16000], { cidrs6: ["::/0"] })]));
    expectOwn(r, [DB_SG, `--region ${REGION}`, '"FromPort":15000', '"ToPort":16000', '"CidrIpv6":"::/0"', "closes those ports"]);
    expect(r?.fix?.kind).toBe("aws-cli");
    expect(r?.fix?.commands[0]).toMatch(/^aws ec2 revoke-security-group-ingress /);
  });

  it("sg-unapproved-cidr: the CIDR itself, on the backend's own port", () => {
    const [r] = one("sg-unapproved-cidr", estate([tcp(15433, { cidrs: ["198.51.100.0/24"] })]));
    expectOwn(r, [DB_SG, '"FromPort":15433', '"CidrIp":"198.51.100.0/24"']);
    expect(r?.fix?.text).not.toContain("closes those ports");
  });

  it("sg-unapproved-source-group: the source group with its owner account", () => {
    const [r] = one("sg-unapproved-source-group", estate([tcp(15433, { groups: [{ GroupId: PEER, UserId: "777788889999" }] })]));
    expectOwn(r, [DB_SG, PEER, '"UserId":"777788889999"', "account 777788889999"]);
  });

  it("a CIDR that comes from a shared prefix list is manual: the list is not the group's to edit", () => {
    const inv = inventory(
      part({
        dbInstances: ok([orders()]),
        securityGroups: ok([securityGroup(DB_SG, [tcp(15433, { prefixLists: ["pl-0123456789abcdef9"] })], { OwnerId: ACCOUNT })]),
        prefixListEntries: { "pl-0123456789abcdef9": ok([{ Cidr: "203.0.113.0/24" }]) },
      }),
    );
    const [r] = one("sg-unapproved-cidr", inv);
    expectOwn(r, ["pl-0123456789abcdef9", "203.0.113.0/24", DB_SG]);
    expect(r?.fix).toMatchObject({ kind: "manual", commands: [] });
  });

  it("sg-all-traffic from an approved group: authorize its backend port first, then revoke the -1 rule", () => {
    const [r] = one("sg-all-traffic", estate([rule("-1", undefined, undefined, { groups: [{ GroupId: APPROVED, UserId: ACCOUNT }] })]));
    expectOwn(r, [APPROVED, DB_SG]);
    expect(r?.fix?.commands).toHaveLength(2);
    expect(r?.fix?.commands[0]).toContain("authorize-security-group-ingress");
    expect(r?.fix?.commands[0]).toContain('"IpProtocol":"tcp","FromPort":15433,"ToPort":15433');
    expect(r?.fix?.commands[1]).toContain("revoke-security-group-ingress");
    expect(r?.fix?.commands[1]).toContain('"IpProtocol":"-1"');
  });

  it("sg-all-traffic from an unapproved CIDR only revokes: no new rule for a source the policy does not approve", () => {
    const [r] = one("sg-all-traffic", estate([rule("-1", undefined, undefined, { cidrs: ["192.0.2.0/24"] })]));
    expect(r?.fix?.commands).toHaveLength(1);
    expect(r?.fix?.commands[0]).toContain("revoke-security-group-ingress");
  });
});

describe("RDS fixes use the finding's identifier, kind and parameter group", () => {
  const single = (overrides: Record<string, unknown>, groupParams = params(["rds.force_ssl", "0"], ["log_connections", "0"])) =>
    inventory(part({ dbInstances: ok([orders(overrides)]), dbParameters: { "orders-pg13-custom": groupParams } }));
  const aurora = {
    DBClusterIdentifier: "ledger-aurora",
    DBClusterArn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:ledger-aurora`,
    Engine: "aurora-postgresql",
    EngineVersion: "14.9",
    Port: 15434,
    StorageEncrypted: false,
    IAMDatabaseAuthenticationEnabled: false,
    EnabledCloudwatchLogsExports: [],
    DBClusterParameterGroup: "ledger-cluster-params",
    VpcSecurityGroups: [{ VpcSecurityGroupId: DB_SG, Status: "active" }],
    DBClusterMembers: [],
    TagList: [],
  };
  const cluster = inventory(
    part({ dbClusters: ok([aurora]), dbClusterParameters: { "ledger-cluster-params": params(["log_connections", "0"]) } }),
  );

  it("rds-public-access is critical: applied immediately, on the instance", () => {
    const [r] = one("rds-public-access", single({ PubliclyAccessible: true }));
    expectOwn(r, ["modify-db-instance", "--db-instance-identifier orders-db", "--no-publicly-accessible", "--apply-immediately"]);
  });

  it("rds-iam-auth-disabled waits for the maintenance window, on the cluster for a cluster", () => {
    const [r] = one("rds-iam-auth-disabled", cluster);
    expectOwn(r, ["modify-db-cluster", "--db-cluster-identifier ledger-aurora", "--enable-iam-database-authentication"]);
    expect(r?.fix?.commands.join(" ")).not.toContain("--apply-immediately");
  });

  it("rds-logs-not-exported enables the engine's main log", () => {
    const [r] = one("rds-logs-not-exported", single({ EnabledCloudwatchLogsExports: [] }));
    expectOwn(r, ["orders-db", '{"EnableLogTypes":["postgresql"]}']);
  });

  it("rds-connection-logging-off sets log_connections in the instance's own group, or the cluster's", () => {
    const [r] = one("rds-connection-logging-off", single({}));
    expectOwn(r, [
      "modify-db-parameter-group",
      "--db-parameter-group-name orders-pg13-custom",
      "ParameterName=log_connections,ParameterValue=1",
    ]);
    const [c] = one("rds-connection-logging-off", cluster);
    expectOwn(c, ["modify-db-cluster-parameter-group", "--db-cluster-parameter-group-name ledger-cluster-params"]);
  });

  it("a parameter in AWS's default group is manual: the group cannot be modified", () => {
    const inv = inventory(
      part({
        dbInstances: ok([orders({ DBParameterGroups: [{ DBParameterGroupName: "default.postgres13", ParameterApplyStatus: "in-sync" }] })]),
        dbParameters: { "default.postgres13": params(["log_connections", "0"]) },
      }),
    );
    const [r] = one("rds-connection-logging-off", inv);
    expectOwn(r, ["default.postgres13", "reboot"]);
    expect(r?.fix).toMatchObject({ kind: "manual", commands: [] });
  });

  it("rds-tls-not-enforced is client-change-first: manual, naming rds.force_ssl in the instance's group", () => {
    const [r] = one("rds-tls-not-enforced", single({}));
    expectOwn(r, ["Client change first", "orders-pg13-custom", "ParameterName=rds.force_ssl,ParameterValue=1"]);
    expect(r?.fix?.kind).toBe("manual");
  });

  it("rds-master-password-unmanaged warns that the password changes", () => {
    const [r] = one("rds-master-password-unmanaged", single({ MasterUserSecret: undefined }));
    expectOwn(r, ["Client change first", "--db-instance-identifier orders-db", "--manage-master-user-password"]);
    expect(r?.fix?.kind).toBe("manual");
  });

  it("rds-storage-unencrypted is a replacement, never an in-place command", () => {
    const [r] = one("rds-storage-unencrypted", single({ StorageEncrypted: false }));
    expectOwn(r, ["Replacement", "orders-db-unencrypted", "--kms-key-id"]);
    expect(r?.fix?.kind).toBe("manual");
    const [c] = one("rds-storage-unencrypted", cluster);
    expectOwn(c, ["create-db-cluster-snapshot", "--db-cluster-identifier ledger-aurora"]);
  });
});

describe("ElastiCache fixes use the API of the resource's kind", () => {
  const cacheConfig = config({
    targets: { elasticache: ["sessions-cache", "solo-node", "jobs-serverless-2"] },
    credentials: { maxAgeDays: 30 },
  });
  const group = {
    ReplicationGroupId: "sessions-cache",
    Status: "available",
    MemberClusters: [],
    NodeGroups: [{ NodeGroupId: "0001", PrimaryEndpoint: { Address: "master.sessions-cache.example", Port: 16379 } }],
    AuthTokenEnabled: true,
    AuthTokenLastModifiedDate: "2025-01-01T00:00:00.000Z",
    TransitEncryptionEnabled: true,
    TransitEncryptionMode: "preferred",
    AtRestEncryptionEnabled: false,
    UserGroupIds: ["ops-users"],
    ARN: `arn:aws:elasticache:${REGION}:${ACCOUNT}:replicationgroup:sessions-cache`,
    LogDeliveryConfigurations: [],
  };
  const solo = {
    CacheClusterId: "solo-node",
    Engine: "redis",
    CacheClusterStatus: "available",
    AuthTokenEnabled: false,
    TransitEncryptionEnabled: false,
    AtRestEncryptionEnabled: false,
    ARN: `arn:aws:elasticache:${REGION}:${ACCOUNT}:cluster:solo-node`,
    CacheNodes: [{ CacheNodeId: "0001", Endpoint: { Address: "solo-node.example", Port: 16380 } }],
    SecurityGroups: [{ SecurityGroupId: CACHE_SG }],
  };
  const serverless = {
    ServerlessCacheName: "jobs-serverless-2",
    Status: "available",
    Engine: "valkey",
    Endpoint: { Address: "jobs-serverless-2.example", Port: 16381 },
    ARN: `arn:aws:elasticache:${REGION}:${ACCOUNT}:serverlesscache:jobs-serverless-2`,
  };
  const inv = inventory(
    part({
      replicationGroups: ok([group]),
      cacheClusters: ok([solo]),
      serverlessCaches: ok([serverless]),
      userGroups: ok([{ UserGroupId: "ops-users", UserIds: ["ops-default-open"] }]),
      users: ok([
        { UserId: "ops-default-open", UserName: "default", Authentication: { Type: "no-password" }, AccessString: "on ~* +@all" },
      ]),
    }),
  );
  const byResource = (checkId: string) => new Map(one(checkId, inv, cacheConfig).map((r) => [r.resource.id, r]));

  it("cache-auth-disabled: cache cluster and serverless cache each get their own API", () => {
    const results = byResource("cache-auth-disabled");
    expectOwn(results.get("solo-node"), ["modify-cache-cluster", "--cache-cluster-id solo-node", "ROTATE"]);
    expectOwn(results.get("jobs-serverless-2"), [
      "modify-serverless-cache",
      "--serverless-cache-name jobs-serverless-2",
      "--user-group-id",
    ]);
    expect(results.get("solo-node")?.fix?.commands.join(" ")).toContain('"$AUTH_TOKEN"');
  });

  it("cache-default-user-open swaps the group's own default user with modify-user-group", () => {
    const [r] = one("cache-default-user-open", inv, cacheConfig);
    expectOwn(r, ["modify-user-group", "--user-group-id ops-users", "--user-ids-to-remove ops-default-open", "Client change first"]);
  });

  it("cache-transit-encryption: preferred → required on the replication group; a cache cluster is a replacement", () => {
    const results = byResource("cache-transit-encryption");
    expectOwn(results.get("sessions-cache"), [
      "modify-replication-group",
      "--replication-group-id sessions-cache",
      "--transit-encryption-mode required",
    ]);
    expectOwn(results.get("solo-node"), ["Replacement", "solo-node"]);
    expect(results.get("sessions-cache")?.fix?.kind).toBe("manual");
  });

  it("cache-at-rest-unencrypted is a replacement", () => {
    const results = byResource("cache-at-rest-unencrypted");
    expectOwn(results.get("sessions-cache"), ["Replacement", "--replication-group-id sessions-cache"]);
    expectOwn(results.get("solo-node"), ["--cache-cluster-id solo-node"]);
  });

  it("cache-auth-token-stale rotates with ROTATE then SET", () => {
    const [r] = one("cache-auth-token-stale", inv, cacheConfig);
    expectOwn(r, ["--replication-group-id sessions-cache", "ROTATE", "SET"]);
  });

  it("cache-logs-not-delivered delivers to a log group named after the cache", () => {
    const results = byResource("cache-logs-not-delivered");
    expectOwn(results.get("sessions-cache"), ["/aws/elasticache/sessions-cache/engine-log", "--replication-group-id sessions-cache"]);
    expectOwn(results.get("solo-node"), ["modify-cache-cluster", "--cache-cluster-id solo-node"]);
  });
});

describe("secret and ERROR fixes", () => {
  it("secret-rotation-disabled names the secret by its ARN and the config's limit", () => {
    const name = "billing/orders+db@v2";
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-XyZ123`;
    const c = config({ credentials: { maxAgeDays: 45, secrets: [name] } });
    const inv = inventory(
      part({ secrets: { [name]: ok({ ARN: arn, Name: name, RotationEnabled: false, CreatedDate: "2026-01-01T00:00:00Z" }) } }),
    );
    const [r] = one("secret-rotation-disabled", inv, c);
    expectOwn(r, [`--secret-id ${arn}`, '"AutomaticallyAfterDays":45']);
  });

  it("an ERROR gets the fix for not observing, never the FAIL remediation", () => {
    const inv = inventory(
      part({
        dbInstances: ok([orders()]),
        dbParameters: {
          "orders-pg13-custom": {
            ok: false,
            error: {
              source: "rds:DescribeDBParameters orders-pg13-custom",
              reason: "access denied",
              code: "AccessDenied",
              account: ACCOUNT,
              region: REGION,
            },
          },
        },
      }),
    );
    const [r] = one("rds-tls-not-enforced", inv, rdsConfig, "ERROR");
    expectOwn(r, ["rds:DescribeDBParameters", ACCOUNT]);
    expect(r?.fix?.text).not.toContain("force_ssl");
    expect(r?.fix?.commands).toEqual([]);
  });
});
