import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getPartition } from "../../lambda/support/artifacts.js";
import { narrowConfig } from "../../lambda/support/config.js";
import { configSchema } from "../../lib/audit/config/schema.js";
import { ACCOUNT } from "../audit/inventory/aws/aws-shapes.js";
import { BASE_CREDENTIALS, ec2Mock, installFakeAws, resetFakeAws, stsMock } from "../audit/inventory/aws/fake-aws.js";
import { type LambdaEnv, startLambdaEnv } from "./support.js";

const MEMBER = "444455556666";
const config = configSchema.parse({
  version: 1,
  aws: {
    regions: ["eu-west-1", "us-east-1"],
    accounts: [{ id: ACCOUNT }, { id: MEMBER, roleArn: `arn:aws:iam::${MEMBER}:role/QueueAuditorReadOnly` }],
  },
  targets: { rds: ["queue-db"] },
});

const world = {
  regions: {
    [`${ACCOUNT}/eu-west-1`]: {
      dbInstances: [
        {
          DBInstanceIdentifier: "queue-db",
          Engine: "postgres",
          VpcSecurityGroups: [{ VpcSecurityGroupId: "sg-0a1b2c3d4e5f60001", Status: "active" }],
          DBParameterGroups: [],
        },
      ],
      securityGroups: [{ GroupId: "sg-0a1b2c3d4e5f60001", GroupName: "queue-db", IpPermissions: [] }],
    },
  },
  roles: { [`arn:aws:iam::${MEMBER}:role/QueueAuditorReadOnly`]: MEMBER },
};

describe("collect handler", () => {
  let env: LambdaEnv;
  let handler: (event: unknown) => Promise<{ account: string; region: string; key: string }>;
  beforeAll(async () => {
    env = await startLambdaEnv(config);
    // The fake AWS knows the base account by its access key; the handler uses the default chain.
    process.env.AWS_ACCESS_KEY_ID = BASE_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = BASE_CREDENTIALS.secretAccessKey;
    ({ handler } = await import("../../lambda/collect.js"));
  });
  afterEach(() => resetFakeAws());
  afterAll(() => env.close());

  it("collects exactly the Map item's account and region and stores the partition under the run's key", async () => {
    installFakeAws(world);

    const out = await handler({ account: ACCOUNT, region: "eu-west-1", accountListed: true, runId: "exec-1" });

    expect(out).toEqual({ account: ACCOUNT, region: "eu-west-1", key: `exec-1/${ACCOUNT}/eu-west-1` });
    const partition = await getPartition(env.dynamo.client, env.artifactsTable, out.key);
    expect(partition.dbInstances.ok && partition.dbInstances.value.map((d) => d.DBInstanceIdentifier)).toEqual(["queue-db"]);
    expect(partition.securityGroups.ok && partition.securityGroups.value.map((g) => g.GroupId)).toEqual(["sg-0a1b2c3d4e5f60001"]);
    // The other account is another Map item: its role is not assumed here.
    expect(stsMock.commandCalls(AssumeRoleCommand)).toHaveLength(0);
    expect(ec2Mock.calls().length).toBeGreaterThan(0);
  });

  it("narrows the config to one account and region", () => {
    const narrowed = narrowConfig(config, { account: MEMBER, region: "us-east-1", accountListed: true });
    expect(narrowed.aws).toEqual({
      regions: ["us-east-1"],
      accounts: [{ id: MEMBER, roleArn: `arn:aws:iam::${MEMBER}:role/QueueAuditorReadOnly` }],
    });
    const own = narrowConfig(
      { ...config, aws: { regions: ["eu-west-1"] } },
      { account: ACCOUNT, region: "eu-west-1", accountListed: false },
    );
    expect(own.aws).toEqual({ regions: ["eu-west-1"] });
  });

  it("rejects an item that is not the state machine's", async () => {
    await expect(handler({ account: ACCOUNT, region: "eu-west-1", runId: "x" })).rejects.toThrow(/accountListed: expected true or false/);
  });
});
