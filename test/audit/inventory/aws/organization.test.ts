import "aws-sdk-client-mock-vitest/extend";
import { DescribeRegionsCommand } from "@aws-sdk/client-ec2";
import { ListAccountsCommand, ListAccountsForParentCommand, ListOrganizationalUnitsForParentCommand } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import { collectInventory } from "../../../../lib/audit/inventory/aws/index.js";
import { configuredPartitions } from "../../../../lib/audit/scope/coverage.js";
import { run } from "../../../support/builders.js";
import { ACCOUNT, dbInstance } from "./aws-shapes.js";
import { awsError, BASE_CREDENTIALS, ec2Mock, type FakeOrganization, installFakeAws, orgMock, resetFakeAws, stsMock } from "./fake-aws.js";

const ROOT = "r-a1b2";
const PROD = "ou-a1b2-11111111";
const PROD_EU = "ou-a1b2-22222222"; // nested in PROD
const SANDBOX = "ou-a1b2-33333333";
const ROLE = "QueueAuditorReadOnly";
const roleArn = (id: string) => `arn:aws:iam::${id}:role/${ROLE}`;
const deps = (notes: string[] = []) => ({
  credentials: BASE_CREDENTIALS,
  now: () => new Date("2026-12-01T10:00:00Z"),
  note: (m: string) => notes.push(m),
});
const config = (organization: Record<string, unknown>, regions: "all" | string[] = ["eu-west-1"]) =>
  parseConfig(
    { version: 1, aws: { regions, organization: { roleName: ROLE, ...organization } }, targets: { rds: ["queue-db"] } },
    "org.yaml",
  );

/** 12-digit ids 200000000001… */
const id = (n: number) => String(200_000_000_000 + n);

/**
 * An Organization of 45 accounts: 30 directly under the root, 10 in PROD, 5 in PROD_EU
 * (nested), and the SANDBOX OU empty; account 3 is suspended, 4 is closing.
 */
function organization(): FakeOrganization {
  const accounts: FakeOrganization["accounts"] = [];
  for (let n = 1; n <= 45; n++) {
    const parent = n <= 30 ? ROOT : n <= 40 ? PROD : PROD_EU;
    const State = n === 3 ? "SUSPENDED" : n === 4 ? "PENDING_CLOSURE" : "ACTIVE";
    accounts.push({ Id: id(n), Name: `account-${n}`, State, parent });
  }
  return { accounts, ous: { [PROD]: ROOT, [PROD_EU]: PROD, [SANDBOX]: ROOT } };
}

function world(extra: { deny?: string[]; regions?: Record<string, string[]> } = {}) {
  const org = organization();
  const roles = Object.fromEntries(
    org.accounts.filter((a) => !extra.deny?.includes(a.Id as string)).map((a) => [roleArn(a.Id as string), a.Id as string]),
  );
  const regions = Object.fromEntries(
    org.accounts.map((a) => [`${a.Id}/eu-west-1`, { dbInstances: [dbInstance("queue-db", { account: a.Id as string })] }]),
  );
  installFakeAws({ regions, roles, organization: org, ...(extra.regions ? { enabledRegions: extra.regions } : {}) });
}

afterEach(resetFakeAws);

describe("collectInventory: aws.organization", () => {
  it("lists every account page by page (20 a page), skips suspended and closing accounts with a note, and audits each active one through roleName", async () => {
    world();
    const notes: string[] = [];
    const { partitions } = await collectInventory(config({ externalId: "org-audit-1" }), deps(notes));

    const audited = partitions.map((p) => p.account).sort();
    expect(audited).toHaveLength(43);
    expect(audited).not.toContain(id(3));
    expect(audited).not.toContain(id(4));
    expect(partitions.every((p) => p.dbInstances.ok && p.dbInstances.value[0]?.DBInstanceIdentifier === "queue-db")).toBe(true);
    expect(notes.sort()).toEqual([
      `account ${id(3)} is SUSPENDED in the organization; not audited`,
      `account ${id(4)} is PENDING_CLOSURE in the organization; not audited`,
    ]);
    // 45 accounts at 20 a page: three pages, each asked at the largest size.
    expect(orgMock).toHaveReceivedCommandTimes(ListAccountsCommand, 3);
    expect(orgMock).toHaveReceivedNthCommandWith(ListAccountsCommand, 1, { MaxResults: 20 });
    expect(orgMock).toHaveReceivedNthCommandWith(ListAccountsCommand, 2, { MaxResults: 20, NextToken: "20" });
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 43);
    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: roleArn(id(45)),
      RoleSessionName: "queue-auditor",
      DurationSeconds: 900,
      ExternalId: "org-audit-1",
    });
  });

  it("takes the included OUs with their nested OUs, less the excluded accounts and OUs", async () => {
    world();
    const { partitions } = await collectInventory(config({ include: [PROD], exclude: [id(35)] }), deps());
    expect(partitions.map((p) => p.account).sort()).toEqual(
      [...Array.from({ length: 15 }, (_, i) => id(31 + i))].filter((a) => a !== id(35)),
    );
    expect(orgMock).toHaveReceivedCommandWith(ListAccountsForParentCommand, { ParentId: PROD, MaxResults: 20 });
    expect(orgMock).toHaveReceivedCommandWith(ListAccountsForParentCommand, { ParentId: PROD_EU, MaxResults: 20 });
    expect(orgMock).not.toHaveReceivedCommand(ListAccountsCommand);

    resetFakeAws();
    world();
    const all = await collectInventory(config({ exclude: [PROD] }), deps());
    expect(all.partitions.map((p) => p.account)).toHaveLength(28); // 30 under the root, less the suspended and the closing
    expect(orgMock).toHaveReceivedCommandWith(ListOrganizationalUnitsForParentCommand, { ParentId: PROD, MaxResults: 20 });
  });

  it("audits included account ids that exist and says which do not", async () => {
    world();
    const notes: string[] = [];
    const { partitions } = await collectInventory(config({ include: [id(7), "999999999999", SANDBOX] }), deps(notes));
    expect(partitions.map((p) => p.account)).toEqual([id(7)]);
    expect(notes).toEqual(["account 999999999999 (aws.organization.include) is not in the organization; not audited"]);
  });

  it("with regions: all, audits each account in the regions enabled in it", async () => {
    world({ regions: { [id(1)]: ["eu-west-1", "us-east-1"], [id(2)]: ["eu-west-1"] } });
    const { partitions } = await collectInventory(config({ include: [id(1), id(2)] }, "all"), { ...deps(), defaultRegion: "eu-west-1" });
    expect(partitions.map((p) => `${p.account}/${p.region}`).sort()).toEqual([
      `${id(1)}/eu-west-1`,
      `${id(1)}/us-east-1`,
      `${id(2)}/eu-west-1`,
    ]);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeRegionsCommand, 2);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeRegionsCommand, {});
  });

  it("turns an account whose role cannot be assumed into errors naming the role, and audits the rest", async () => {
    world({ deny: [id(10)] });
    const { partitions } = await collectInventory(config({ include: [id(9), id(10)] }), deps());
    const denied = partitions.find((p) => p.account === id(10));
    expect(denied?.dbInstances).toEqual({
      ok: false,
      error: expect.objectContaining({ source: `sts:AssumeRole ${roleArn(id(10))}`, code: "AccessDenied", account: id(10) }),
    });
    expect(partitions.find((p) => p.account === id(9))?.dbInstances.ok).toBe(true);
  });

  it("makes a refused listing an audit-error naming organizations:ListAccounts, so the run is incomplete, never compliant", async () => {
    world();
    orgMock.on(ListAccountsCommand).rejects(awsError("AccessDeniedException", "You don't have permissions to access this resource.", 400));
    const cfg = config({});
    const inventory = await collectInventory(cfg, deps());
    expect(inventory.partitions.map((p) => p.account)).toEqual([ACCOUNT]);
    expect(inventory.partitions[0]?.dbInstances).toEqual({
      ok: false,
      error: expect.objectContaining({
        source: "organizations:ListAccounts",
        code: "AccessDeniedException",
        reason: expect.stringContaining("run from the management account or a delegated administrator"),
      }),
    });
    const findings = run(cfg, inventory);
    expect(
      findings.some((f) => f.checkId === "audit-error" && f.status === "ERROR" && f.message.includes("organizations:ListAccounts")),
    ).toBe(true);
    expect(findings.some((f) => f.status === "PASS" && f.resource.type === "AWS::RDS::DBInstance")).toBe(false);
  });
});

describe("aws.organization in the config", () => {
  const parse = (aws: unknown) => () => parseConfig({ version: 1, aws }, "org.yaml");

  it("refuses accounts and organization together, bad OU ids and a role ARN for roleName, in one line each", () => {
    expect(parse({ accounts: [{ id: ACCOUNT }], organization: { roleName: ROLE } })).toThrow(
      "org.yaml: aws.organization: expected either aws.accounts or aws.organization, not both",
    );
    expect(parse({ organization: { roleName: ROLE, include: ["ou-XYZ"] } })).toThrow(
      "org.yaml: aws.organization.include[0]: expected an OU id (ou-…), a root id (r-…) or a 12-digit account id as a quoted string",
    );
    expect(parse({ organization: { roleName: roleArn(ACCOUNT) } })).toThrow(
      "org.yaml: aws.organization.roleName: expected an IAM role name",
    );
    expect(parse({ regions: "some" })).toThrow("org.yaml: aws.regions: expected all, or a list of AWS regions such as [eu-west-1]");
  });

  it("leaves an excluded account's offline partition out with a note, as a live audit never collects it", () => {
    const cfg = parseConfig({ version: 1, aws: { organization: { roleName: ROLE, exclude: [id(2)] } } }, "org.yaml");
    const notes: string[] = [];
    const partition = (account: string) => ({ account, region: "eu-west-1", origin: { kind: "live" as const } }) as never;
    const kept = configuredPartitions(cfg, { partitions: [partition(id(1)), partition(id(2))] }, (m) => notes.push(m));
    expect(kept.partitions.map((p) => p.account)).toEqual([id(1)]);
    expect(notes).toEqual([`account ${id(2)} in eu-west-1 is excluded by aws.organization.exclude; ignored`]);
  });
});
