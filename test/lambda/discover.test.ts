/**
 * The Distributed Map's ends in Lambda: the discovery handler writes the partitions as the
 * Map's items; the collect handler takes one item — through the Organization's role name,
 * or, for an account discovery could not reach, storing it as unreachable.
 */
import "aws-sdk-client-mock-vitest/extend";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getPartition } from "../../lambda/support/artifacts.js";
import { narrowConfig } from "../../lambda/support/config.js";
import { type DiscoveredItem, ENV } from "../../lambda/support/contract.js";
import { configSchema } from "../../lib/audit/config/schema.js";
import { BASE_CREDENTIALS, type FakeOrganization, installFakeAws, resetFakeAws, stsMock } from "../audit/inventory/aws/fake-aws.js";
import { type LambdaEnv, startLambdaEnv } from "./support.js";

const s3 = mockClient(S3Client);
const ROLE = "QueueAuditorReadOnly";
const A = "200000000001";
const B = "200000000002";
const roleArn = (id: string) => `arn:aws:iam::${id}:role/${ROLE}`;
const config = configSchema.parse({
  version: 1,
  aws: { regions: ["eu-west-1"], organization: { roleName: ROLE, externalId: "org-audit-1" } },
  targets: { rds: ["queue-db"] },
});
const organization: FakeOrganization = {
  accounts: [
    { Id: A, Name: "a", State: "ACTIVE", parent: "r-a1b2" },
    { Id: B, Name: "b", State: "SUSPENDED", parent: "r-a1b2" },
  ],
  ous: {},
};

describe("discover and collect handlers over an Organization", () => {
  let env: LambdaEnv;
  let discover: (event: unknown) => Promise<{ bucket?: string; key: string; count: number }>;
  let collect: (event: unknown) => Promise<{ account: string; region: string; key: string }>;
  beforeAll(async () => {
    env = await startLambdaEnv(config);
    process.env.AWS_ACCESS_KEY_ID = BASE_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = BASE_CREDENTIALS.secretAccessKey;
    process.env[ENV.partitionsBucket] = "queue-auditor-partitions";
    ({ handler: discover } = await import("../../lambda/discover.js"));
    ({ handler: collect } = await import("../../lambda/collect.js"));
  });
  afterEach(() => {
    resetFakeAws();
    s3.reset();
  });
  afterAll(() => env.close());

  it("writes the active accounts' partitions as the Distributed Map's items under the run's key", async () => {
    installFakeAws({ regions: {}, roles: { [roleArn(A)]: A }, organization });
    s3.on(PutObjectCommand).resolves({});

    const out = await discover({ runId: "exec-7" });

    expect(out).toEqual({ bucket: "queue-auditor-partitions", key: "runs/exec-7/partitions.json", count: 1 });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({ Bucket: "queue-auditor-partitions", Key: "runs/exec-7/partitions.json", ContentType: "application/json" });
    const items = JSON.parse(String(put?.Body)) as DiscoveredItem[];
    // unreachable is always present, so the Map's ItemSelector can name it for every item.
    expect(items).toEqual([{ account: A, region: "eu-west-1", accountListed: true, unreachable: null }]);
    await expect(discover({})).rejects.toThrow(/runId: expected the execution name/);
  });

  it("collects an Organization account through roleName and the external id", async () => {
    installFakeAws({ regions: { [`${A}/eu-west-1`]: { dbInstances: [] } }, roles: { [roleArn(A)]: A }, organization });

    const out = await collect({ account: A, region: "eu-west-1", accountListed: true, unreachable: null, runId: "exec-7" });

    expect(out.key).toBe(`exec-7/${A}/eu-west-1`);
    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, { RoleArn: roleArn(A), ExternalId: "org-audit-1" });
    expect(narrowConfig(config, { account: A, region: "eu-west-1", accountListed: true }).aws).toEqual({
      regions: ["eu-west-1"],
      accounts: [{ id: A, roleArn: roleArn(A), externalId: "org-audit-1" }],
    });
  });

  it("stores an account discovery could not reach as unreachable, without asking AWS again", async () => {
    installFakeAws({ regions: {}, roles: {}, organization });
    const unreachable = {
      source: `sts:AssumeRole ${roleArn(A)}`,
      reason: "role could not be assumed: access denied",
      code: "AccessDenied",
    };

    const out = await collect({ account: A, region: "eu-west-1", accountListed: true, unreachable, runId: "exec-8" });

    const partition = await getPartition(env.dynamo.client, env.artifactsTable, out.key);
    expect(partition.dbInstances).toEqual({ ok: false, error: { ...unreachable, account: A, region: "eu-west-1" } });
    expect(stsMock.calls()).toHaveLength(0);
  });
});
