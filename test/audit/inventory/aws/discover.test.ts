/**
 * The deployed stack's discovery step: the partitions a run will collect, found with the
 * engine's own account and region logic, without collecting them.
 */
import "aws-sdk-client-mock-vitest/extend";
import { DescribeRegionsCommand } from "@aws-sdk/client-ec2";
import { ListAccountsCommand } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import { discoverPartitions, type PlannedPartition } from "../../../../lib/audit/inventory/aws/discover.js";
import { ACCOUNT } from "./aws-shapes.js";
import { awsError, BASE_CREDENTIALS, ec2Mock, type FakeOrganization, installFakeAws, orgMock, resetFakeAws, stsMock } from "./fake-aws.js";

const ROOT = "r-a1b2";
const ROLE = "QueueAuditorReadOnly";
const roleArn = (id: string) => `arn:aws:iam::${id}:role/${ROLE}`;
const id = (n: number) => String(200_000_000_000 + n);

/** 25 accounts under the root (two pages of ListAccounts); account 3 suspended. */
function world(extra: { deny?: string[]; enabledRegions?: Record<string, string[]> } = {}) {
  const accounts: FakeOrganization["accounts"] = [];
  for (let n = 1; n <= 25; n++) accounts.push({ Id: id(n), Name: `a-${n}`, State: n === 3 ? "SUSPENDED" : "ACTIVE", parent: ROOT });
  const roles = Object.fromEntries(
    accounts.filter((a) => !extra.deny?.includes(a.Id as string)).map((a) => [roleArn(a.Id as string), a.Id as string]),
  );
  installFakeAws({
    regions: {},
    roles,
    organization: { accounts, ous: {} },
    ...(extra.enabledRegions ? { enabledRegions: extra.enabledRegions } : {}),
  });
}

const config = (aws: Record<string, unknown>) => parseConfig({ version: 1, aws, targets: { rds: ["queue-db"] } }, "org.yaml");

async function discover(aws: Record<string, unknown>, notes: string[] = []): Promise<PlannedPartition[]> {
  const out: PlannedPartition[] = [];
  for await (const p of discoverPartitions(config(aws), {
    credentials: BASE_CREDENTIALS,
    defaultRegion: "eu-west-1",
    note: (m) => notes.push(m),
  }))
    out.push(p);
  return out;
}

afterEach(resetFakeAws);

describe("discoverPartitions", () => {
  it("lists an Organization's active accounts × the configured regions without assuming any role (the collect step does)", async () => {
    world();
    const notes: string[] = [];
    const found = await discover({ regions: ["eu-west-1", "us-east-1"], organization: { roleName: ROLE } }, notes);
    expect(found).toHaveLength(24 * 2);
    expect(found.every((p) => p.accountListed && !p.unreachable)).toBe(true);
    expect(found.filter((p) => p.account === id(25)).map((p) => p.region)).toEqual(["eu-west-1", "us-east-1"]);
    expect(notes).toEqual([`account ${id(3)} is SUSPENDED in the organization; not audited`]);
    expect(orgMock).toHaveReceivedCommandTimes(ListAccountsCommand, 2);
    expect(stsMock).not.toHaveReceivedCommand(AssumeRoleCommand);
  });

  it("with regions: all, assumes each account's role to list its enabled regions; a refused role is one unreachable partition", async () => {
    world({ deny: [id(2)], enabledRegions: { [id(1)]: ["eu-west-1", "us-east-1", "ap-south-2"], [id(4)]: ["eu-west-1"] } });
    const found = await discover({ regions: "all", organization: { roleName: ROLE, include: [id(1), id(2), id(4)] } });
    expect(found.map((p) => `${p.account}/${p.region}`)).toEqual([
      `${id(1)}/ap-south-2`,
      `${id(1)}/eu-west-1`,
      `${id(1)}/us-east-1`,
      `${id(2)}/eu-west-1`,
      `${id(4)}/eu-west-1`,
    ]);
    expect(found.find((p) => p.account === id(2))?.unreachable).toEqual(
      expect.objectContaining({ source: `sts:AssumeRole ${roleArn(id(2))}`, code: "AccessDenied", account: id(2) }),
    );
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 3);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeRegionsCommand, 2);
  });

  it("makes a refused listing one unreachable partition of the caller's account, so the run is incomplete", async () => {
    world();
    orgMock.on(ListAccountsCommand).rejects(awsError("AccessDeniedException", "You don't have permissions to access this resource.", 400));
    const found = await discover({ regions: ["eu-west-1"], organization: { roleName: ROLE } });
    expect(found).toEqual([
      {
        account: ACCOUNT,
        region: "eu-west-1",
        accountListed: true,
        unreachable: expect.objectContaining({ source: "organizations:ListAccounts", code: "AccessDeniedException" }),
      },
    ]);
  });

  it("asks AWS nothing when the config lists every account and region", async () => {
    world();
    const found = await discover({
      regions: ["eu-west-1", "us-east-1"],
      accounts: [{ id: id(1) }, { id: id(2), roleArn: roleArn(id(2)) }],
    });
    expect(found.map((p) => `${p.account}/${p.region}/${p.accountListed}`)).toEqual([
      `${id(1)}/eu-west-1/true`,
      `${id(1)}/us-east-1/true`,
      `${id(2)}/eu-west-1/true`,
      `${id(2)}/us-east-1/true`,
    ]);
    for (const mock of [stsMock, orgMock, ec2Mock]) expect(mock.calls()).toHaveLength(0);
  });
});
