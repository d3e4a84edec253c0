import "aws-sdk-client-mock-vitest/extend";
import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { DescribeDBInstancesCommand } from "@aws-sdk/client-rds";
import { DescribeSecretCommand } from "@aws-sdk/client-secrets-manager";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import type { ConfigInput } from "../../../../lib/audit/config/schema.js";
import { collectInventory } from "../../../../lib/audit/inventory/aws/index.js";
import { ACCOUNT, dbInstance, OTHER_ACCOUNT, parameters, secret, securityGroup } from "./aws-shapes.js";
import {
  assumedKeyOf,
  awsError,
  BASE_CREDENTIALS,
  ec2Mock,
  installFakeAws,
  rdsMock,
  resetFakeAws,
  secretsMock,
  stsMock,
} from "./fake-aws.js";

const config = (input: Partial<ConfigInput>) => parseConfig({ version: 1, ...input }, "test.yaml");
const deps = { credentials: BASE_CREDENTIALS, now: () => new Date("2025-06-01T10:00:00Z") };

const region = (account: string, name: string) => ({
  dbInstances: [dbInstance("queue-db", { account, region: name })],
  dbParameters: { "default.postgres14": parameters({ "rds.force_ssl": "1" }) },
  securityGroups: [securityGroup("sg-0a1b2c3d4e5f60001", { account })],
  secrets: { "queue-db/app": secret("queue-db/app", { account, region: name }) },
});

afterEach(resetFakeAws);

describe("collectInventory: regions", () => {
  it("reports AccessDenied in one region with the missing IAM action and still collects that region's other parts and the other region", async () => {
    installFakeAws({
      regions: { [`${ACCOUNT}/eu-west-1`]: region(ACCOUNT, "eu-west-1"), [`${ACCOUNT}/us-east-1`]: region(ACCOUNT, "us-east-1") },
      failures: {
        [`${ACCOUNT}/us-east-1/ec2:DescribeSecurityGroups`]: awsError(
          "UnauthorizedOperation",
          "You are not authorized to perform this operation.",
          403,
        ),
      },
    });
    const cfg = config({ aws: { regions: ["eu-west-1", "us-east-1"] }, targets: { rds: ["queue-db"] } });

    const { partitions } = await collectInventory(cfg, deps);

    expect(partitions.map((p) => `${p.account}/${p.region}`)).toEqual([`${ACCOUNT}/eu-west-1`, `${ACCOUNT}/us-east-1`]);
    const [eu, us] = partitions;
    expect(eu?.securityGroups.ok).toBe(true);
    expect(us?.securityGroups).toEqual({
      ok: false,
      error: {
        source: "ec2:DescribeSecurityGroups",
        code: "UnauthorizedOperation",
        reason: `access denied: the auditor's role lacks ec2:DescribeSecurityGroups in account ${ACCOUNT} (UnauthorizedOperation)`,
        account: ACCOUNT,
        region: "us-east-1",
      },
    });
    expect(us?.dbInstances.ok && us.dbInstances.value[0]?.DBInstanceArn).toBe(`arn:aws:rds:us-east-1:${ACCOUNT}:db:queue-db`);
    expect(us?.dbParameters["default.postgres14"]?.ok).toBe(true);
  });

  it("names the parameter group in the source of a failed DescribeDBParameters", async () => {
    installFakeAws({
      regions: { [`${ACCOUNT}/eu-west-1`]: region(ACCOUNT, "eu-west-1") },
      failures: {
        [`${ACCOUNT}/eu-west-1/rds:DescribeDBParameters`]: awsError(
          "AccessDenied",
          "User is not authorized to perform: rds:DescribeDBParameters",
          403,
        ),
      },
    });
    const { partitions } = await collectInventory(config({ aws: { regions: ["eu-west-1"] }, targets: { rds: ["queue-db"] } }), deps);
    expect(partitions[0]?.dbParameters["default.postgres14"]).toEqual({
      ok: false,
      error: expect.objectContaining({ source: "rds:DescribeDBParameters default.postgres14", code: "AccessDenied", region: "eu-west-1" }),
    });
  });

  it("describes a secret given by ARN only in its own account and region, and one given by name in every region", async () => {
    installFakeAws({ regions: { [`${ACCOUNT}/eu-west-1`]: region(ACCOUNT, "eu-west-1"), [`${ACCOUNT}/us-east-1`]: {} } });
    const arn = `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:queue-db/app-AbCdEf`;
    const cfg = config({ aws: { regions: ["eu-west-1", "us-east-1"] }, credentials: { secrets: [arn, "jobs-redis/auditor"] } });

    const [eu, us] = (await collectInventory(cfg, deps)).partitions;

    expect(secretsMock).toHaveReceivedCommandTimes(DescribeSecretCommand, 3);
    expect(eu?.secrets["queue-db/app"]?.ok).toBe(true);
    expect(Object.keys(us?.secrets ?? {})).toEqual(["jobs-redis/auditor"]);
    expect(us?.secrets["jobs-redis/auditor"]).toEqual({
      ok: false,
      error: expect.objectContaining({ code: "ResourceNotFoundException", source: "secretsmanager:DescribeSecret jobs-redis/auditor" }),
    });
  });
});

describe("collectInventory: accounts", () => {
  const roleA = `arn:aws:iam::${ACCOUNT}:role/QueueAuditorReadOnly`;
  const roleB = `arn:aws:iam::${OTHER_ACCOUNT}:role/QueueAuditorReadOnly`;

  it("assumes each account's role as queue-auditor and collects that account with the role's credentials", async () => {
    installFakeAws({
      regions: {
        [`${ACCOUNT}/eu-west-1`]: region(ACCOUNT, "eu-west-1"),
        [`${OTHER_ACCOUNT}/eu-west-1`]: region(OTHER_ACCOUNT, "eu-west-1"),
      },
      roles: { [roleA]: ACCOUNT, [roleB]: OTHER_ACCOUNT },
    });
    const cfg = config({
      aws: {
        regions: ["eu-west-1"],
        accounts: [
          { id: ACCOUNT, roleArn: roleA },
          { id: OTHER_ACCOUNT, roleArn: roleB, externalId: "queue-audit-7f3e" },
        ],
      },
      targets: { rds: ["queue-db"] },
    });

    const { partitions } = await collectInventory(cfg, deps);

    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: roleA,
      RoleSessionName: "queue-auditor",
      DurationSeconds: 900,
    });
    expect(stsMock.commandCalls(AssumeRoleCommand).map((c) => c.args[0].input)).toContainEqual({
      RoleArn: roleB,
      RoleSessionName: "queue-auditor",
      DurationSeconds: 900,
      ExternalId: "queue-audit-7f3e",
    });
    expect(partitions.map((p) => [p.account, p.dbInstances.ok && p.dbInstances.value[0]?.DBInstanceArn])).toEqual([
      [ACCOUNT, `arn:aws:rds:eu-west-1:${ACCOUNT}:db:queue-db`],
      [OTHER_ACCOUNT, `arn:aws:rds:eu-west-1:${OTHER_ACCOUNT}:db:queue-db`],
    ]);
    // Every RDS and EC2 call carried the assumed role's keys of the account it was for.
    const keysUsed = async (calls: { thisValue: unknown }[]) =>
      Promise.all(
        calls.map(
          async (c) =>
            await (
              c.thisValue as { config: { credentials: () => Promise<{ accessKeyId: string; sessionToken?: string }> } }
            ).config.credentials(),
        ),
      );
    const rdsKeys = await keysUsed(rdsMock.commandCalls(DescribeDBInstancesCommand));
    expect(rdsKeys.map((k) => [k.accessKeyId, k.sessionToken]).sort()).toEqual([
      [assumedKeyOf(ACCOUNT), `token-${ACCOUNT}`],
      [assumedKeyOf(OTHER_ACCOUNT), `token-${OTHER_ACCOUNT}`],
    ]);
    const ec2Keys = await keysUsed(ec2Mock.commandCalls(DescribeSecurityGroupsCommand));
    expect(ec2Keys.map((k) => k.accessKeyId).sort()).toEqual([assumedKeyOf(ACCOUNT), assumedKeyOf(OTHER_ACCOUNT)]);
  });

  it("turns a role that cannot be assumed into ERROR parts for that account only", async () => {
    installFakeAws({
      regions: {
        [`${ACCOUNT}/eu-west-1`]: region(ACCOUNT, "eu-west-1"),
        [`${OTHER_ACCOUNT}/eu-west-1`]: region(OTHER_ACCOUNT, "eu-west-1"),
      },
      roles: { [roleA]: ACCOUNT },
    });
    const cfg = config({
      aws: {
        regions: ["eu-west-1"],
        accounts: [
          { id: ACCOUNT, roleArn: roleA },
          { id: OTHER_ACCOUNT, roleArn: roleB },
        ],
      },
      targets: { rds: ["queue-db"] },
      credentials: { secrets: ["queue-db/app"] },
    });

    const [a, b] = (await collectInventory(cfg, deps)).partitions;

    expect(a?.dbInstances.ok).toBe(true);
    const error = {
      source: `sts:AssumeRole ${roleB}`,
      code: "AccessDenied",
      account: OTHER_ACCOUNT,
      region: "eu-west-1",
      reason: expect.stringContaining(`role ${roleB} could not be assumed: access denied`),
    };
    for (const part of [
      b?.dbInstances,
      b?.dbClusters,
      b?.securityGroups,
      b?.replicationGroups,
      b?.userGroups,
      b?.secrets["queue-db/app"],
    ]) {
      expect(part).toEqual({ ok: false, error });
    }
    expect(rdsMock.commandCalls(DescribeDBInstancesCommand)).toHaveLength(1);
  });

  it("refuses to audit an account without a role when the credentials belong to another account", async () => {
    installFakeAws({ regions: {} });
    const { partitions } = await collectInventory(
      config({ aws: { regions: ["eu-west-1"], accounts: [{ id: OTHER_ACCOUNT }] }, targets: { rds: ["queue-db"] } }),
      deps,
    );
    expect(partitions[0]?.dbInstances).toEqual({
      ok: false,
      error: expect.objectContaining({ code: "AccountMismatch", account: OTHER_ACCOUNT }),
    });
    expect(rdsMock.calls()).toHaveLength(0);
  });
});
