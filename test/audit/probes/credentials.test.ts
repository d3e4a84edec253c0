import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { mockClient } from "aws-sdk-client-mock";
import "aws-sdk-client-mock-vitest/extend";
import { afterEach, describe, expect, it } from "vitest";
import { secretIdIn, targetLocation } from "../../../lib/audit/config/location.js";
import { resolvePassword } from "../../../lib/audit/probes/credentials.js";

const secrets = mockClient(SecretsManagerClient);
afterEach(() => secrets.reset());

const context = { host: "queue-db.abcdefghijkl.us-east-1.rds.amazonaws.com", port: 5432, user: "queue_auditor" };

describe("a secret given by name", () => {
  it("is looked up in the database's account and region, as a partial ARN there", async () => {
    secrets.on(GetSecretValueCommand).resolves({ Name: "queue-db/auditor", SecretString: '{"username":"queue_auditor","password":"pw"}' });
    const regions: (string | undefined)[] = [];
    const password = await resolvePassword(
      { secret: "queue-db/auditor" },
      { ...context, location: { account: "444455556666", region: "us-east-1" } },
      {
        secretsManager: (region) => {
          regions.push(region);
          return new SecretsManagerClient({ region: region ?? "eu-west-1" });
        },
      },
    );
    expect(password).toBe("pw");
    expect(regions).toEqual(["us-east-1"]);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: "arn:aws:secretsmanager:us-east-1:444455556666:secret:queue-db/auditor",
    });
  });

  it("in an account of unstated region, is asked for in the client's region", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "pw" });
    await resolvePassword(
      { secret: "jobs-redis/auditor" },
      { ...context, location: { account: "444455556666" } },
      { secretsManager: () => new SecretsManagerClient({ region: "ap-southeast-2" }) },
    );
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, {
      SecretId: "arn:aws:secretsmanager:ap-southeast-2:444455556666:secret:jobs-redis/auditor",
    });
  });

  it("stays a name in the caller's own account when the target names no account", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "pw" });
    await resolvePassword({ secret: "queue-db/auditor" }, context, {
      secretsManager: () => new SecretsManagerClient({ region: "eu-west-1" }),
    });
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: "queue-db/auditor" });
  });

  it("given as an ARN is asked for as written, in the ARN's region", async () => {
    secrets.on(GetSecretValueCommand).resolves({ SecretString: "pw" });
    const arn = "arn:aws:secretsmanager:eu-central-1:777788889999:secret:queue-db/auditor-AbCdEf";
    const regions: (string | undefined)[] = [];
    await resolvePassword(
      { secret: arn },
      { ...context, location: { account: "444455556666", region: "us-east-1" } },
      {
        secretsManager: (region) => {
          regions.push(region);
          return new SecretsManagerClient({ region: region ?? "eu-west-1" });
        },
      },
    );
    expect(regions).toEqual(["eu-central-1"]);
    expect(secrets).toHaveReceivedCommandWith(GetSecretValueCommand, { SecretId: arn });
  });
});

describe("targetLocation", () => {
  it("takes the config's account and region, else the region of an RDS endpoint", () => {
    expect(
      targetLocation({ account: "444455556666", region: "us-west-2", connection: { host: "db.x.eu-west-1.rds.amazonaws.com" } }),
    ).toEqual({
      account: "444455556666",
      region: "us-west-2",
    });
    expect(targetLocation({ connection: { host: "queue-db.abcdefghijkl.us-gov-west-1.rds.amazonaws.com" } })).toEqual({
      account: undefined,
      region: "us-gov-west-1",
    });
    expect(targetLocation({ connection: { host: "10.20.1.5" } })).toEqual({ account: undefined, region: undefined });
  });

  it("spells a China-region secret ARN in the aws-cn partition", () => {
    expect(secretIdIn("db/auditor", { account: "111122223333", region: "cn-north-1" })).toBe(
      "arn:aws-cn:secretsmanager:cn-north-1:111122223333:secret:db/auditor",
    );
  });
});
