/**
 * In-process fake AWS for the Organization bench: SDK clients whose `send` answers the SDK's
 * own command objects after a fixed latency, with responses shaped as AWS's (botocore
 * models: Organizations ListAccounts pages of at most 20 with NextToken, STS AssumeRole's
 * Credentials, empty RDS/ElastiCache/EC2 listings). Built as instances of the real client
 * classes (the SDK paginators check `instanceof`), without running their constructors.
 *
 * Why not aws-sdk-client-mock: it records every call with its arguments and matches each one
 * against its stubs with deep equality, which at 20,000 calls was most of the bench's CPU —
 * the bench then measured the mock, not the collector.
 */
import type { ClientConfig, ClientMaker } from "../lib/audit/inventory/aws/clients.js";

export interface FakeOrg {
  /** Active member accounts, listed in this order. */
  accounts: string[];
  /** The account whose credentials the collection starts with. */
  management: string;
  baseAccessKeyId: string;
  latencyMs: number;
  roleName: string;
}

export class FakeAwsError extends Error {
  constructor(
    override name: string,
    message: string,
    readonly $metadata = { httpStatusCode: 400 },
  ) {
    super(message);
  }
}

/** Whose credentials a client carries: AssumeRole hands out `ASIA` + the account id. */
async function accountOf(config: ClientConfig, org: FakeOrg): Promise<string> {
  const creds = config.credentials;
  const identity = typeof creds === "function" ? await creds() : creds;
  const key = identity?.accessKeyId ?? "";
  return key === org.baseAccessKeyId ? org.management : key.replace(/^ASIA/, "");
}

const EMPTY: Record<string, string> = {
  DescribeDBInstancesCommand: "DBInstances",
  DescribeDBClustersCommand: "DBClusters",
  DescribeReplicationGroupsCommand: "ReplicationGroups",
  DescribeCacheClustersCommand: "CacheClusters",
  DescribeServerlessCachesCommand: "ServerlessCaches",
  DescribeSecurityGroupsCommand: "SecurityGroups",
  DescribeTrailsCommand: "trailList",
};

export interface FakeAws {
  makeClient: ClientMaker;
  /** Calls answered, by command name without `Command`. */
  calls: Record<string, number>;
}

export function fakeAws(org: FakeOrg): FakeAws {
  const calls: Record<string, number> = {};
  const wait = () => new Promise((resolve) => setTimeout(resolve, org.latencyMs));
  const PAGE = 20;

  async function answer(name: string, input: Record<string, unknown>, config: ClientConfig): Promise<unknown> {
    await wait();
    const account = await accountOf(config, org);
    switch (name) {
      case "ListAccountsCommand": {
        if (account !== org.management)
          throw new FakeAwsError("AccessDeniedException", "You don't have permissions to access this resource.");
        const size = (input.MaxResults as number | undefined) ?? PAGE;
        if (size < 1 || size > PAGE) throw new FakeAwsError("InvalidInputException", "MaxResults must be between 1 and 20");
        const start = Number(input.NextToken ?? 0);
        const page = org.accounts.slice(start, start + size);
        const next = start + size < org.accounts.length ? String(start + size) : undefined;
        return {
          Accounts: page.map((Id) => ({
            Id,
            Name: `member-${Id}`,
            State: "ACTIVE",
            Arn: `arn:aws:organizations::${org.management}:account/o-a1b2c3d4e5/${Id}`,
          })),
          ...(next ? { NextToken: next } : {}),
          $metadata: {},
        };
      }
      case "AssumeRoleCommand": {
        const arn = String(input.RoleArn);
        const target = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(arn);
        if (!target || target[2] !== org.roleName)
          throw new FakeAwsError("AccessDenied", `not authorized to perform: sts:AssumeRole on resource: ${arn}`, { httpStatusCode: 403 });
        return {
          Credentials: {
            AccessKeyId: `ASIA${target[1]}`,
            SecretAccessKey: "fake-secret",
            SessionToken: "fake-token",
            Expiration: new Date(Date.now() + 900_000),
          },
          AssumedRoleUser: {
            Arn: `arn:aws:sts::${target[1]}:assumed-role/${org.roleName}/${input.RoleSessionName}`,
            AssumedRoleId: "AROAFAKE:queue-auditor",
          },
          $metadata: {},
        };
      }
      case "GetCallerIdentityCommand":
        return { Account: account, Arn: `arn:aws:iam::${account}:user/bench`, UserId: "AIDAFAKE", $metadata: {} };
      default: {
        const key = EMPTY[name];
        if (!key) throw new FakeAwsError("UnknownOperation", `the bench's fake AWS does not answer ${name}`);
        return { [key]: [], $metadata: {} };
      }
    }
  }

  const makeClient: ClientMaker = (Client, config) => {
    const client = Object.create(Client.prototype) as { send: unknown; destroy: unknown; config: unknown };
    client.config = config;
    client.send = (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      const action = name.replace(/Command$/, "");
      calls[action] = (calls[action] ?? 0) + 1;
      return answer(name, command.input, config);
    };
    client.destroy = () => {};
    return client as never;
  };
  return { makeClient, calls };
}
