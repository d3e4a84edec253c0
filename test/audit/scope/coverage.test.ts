import { describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/audit/config/load.js";
import type { ConfigInput } from "../../../lib/audit/config/schema.js";
import { configuredPartitions, coverageGaps } from "../../../lib/audit/scope/coverage.js";
import { partition } from "../../support/builders.js";

const A = "111122223333";
const B = "444455556666";
const config = (aws: ConfigInput["aws"]) => parseConfig({ version: 1, aws }, "test.yaml");
const at = (account: string, region: string, extra: object = {}) => ({ ...partition(), account, region, ...extra });

describe("coverage of the configured accounts and regions", () => {
  it("is an ERROR naming each configured account and region the inventory lacks", () => {
    const gaps = coverageGaps(config({ accounts: [{ id: A }, { id: B }], regions: ["eu-west-1", "us-east-1"] }), {
      partitions: [at(A, "eu-west-1"), at(B, "us-east-1")],
    });
    expect(gaps.map((g) => [g.resource.id, g.resource.account, g.resource.region, g.subject])).toEqual([
      [`${A}/us-east-1`, A, "us-east-1", "PartitionMissing"],
      [`${B}/eu-west-1`, B, "eu-west-1", "PartitionMissing"],
    ]);
    expect(gaps[0]?.message).toBe(
      `The inventory holds nothing for account ${A} in us-east-1 (expected a ${A}/us-east-1/ directory with its meta.json): nothing there was audited.`,
    );
  });

  it("is silent when every configured pair is there", () => {
    const partitions = [at(A, "eu-west-1"), at(A, "us-east-1"), at(B, "eu-west-1"), at(B, "us-east-1")];
    expect(coverageGaps(config({ accounts: [{ id: A }, { id: B }], regions: ["eu-west-1", "us-east-1"] }), { partitions })).toEqual([]);
  });

  it("treats a partition without meta.json as not captured", () => {
    const gaps = coverageGaps(config({ regions: ["eu-west-1"] }), { partitions: [at(A, "eu-west-1", { withoutMeta: true })] });
    expect(gaps.map((g) => [g.resource.id, g.subject])).toEqual([[`${A}/eu-west-1`, "MetaMissing"]]);
    expect(gaps[0]?.message).toMatch(/has no meta\.json \(inv\): the export writes it last/);
  });

  it("with regions only, wants each region from some account; with accounts only, each account somewhere", () => {
    expect(coverageGaps(config({ regions: ["eu-west-1", "eu-central-1"] }), { partitions: [at(B, "eu-west-1")] })).toMatchObject([
      { resource: { id: "*/eu-central-1", region: "eu-central-1" } },
    ]);
    expect(coverageGaps(config({ accounts: [{ id: A }, { id: B }] }), { partitions: [at(B, "sa-east-1")] })).toMatchObject([
      { resource: { id: `${A}/*`, account: A } },
    ]);
  });

  it("judges nothing when the config leaves accounts and regions to the credentials, or the run read no inventory", () => {
    expect(coverageGaps(config({}), { partitions: [] })).toEqual([]);
    expect(coverageGaps(config({ regions: ["eu-west-1"] }), { partitions: [], notRead: true })).toEqual([]);
  });

  it("leaves out partitions the config does not name, with a one-line note each", () => {
    const notes: string[] = [];
    const kept = configuredPartitions(
      config({ accounts: [{ id: A }], regions: ["eu-west-1"] }),
      { partitions: [at(A, "eu-west-1"), at(A, "us-east-1"), at(B, "eu-west-1")] },
      (n) => notes.push(n),
    );
    expect(kept.partitions.map((p) => `${p.account}/${p.region}`)).toEqual([`${A}/eu-west-1`]);
    expect(notes).toEqual([
      `inv: account ${A} in us-east-1 is not in the config's aws.accounts × aws.regions; ignored`,
      `inv: account ${B} in eu-west-1 is not in the config's aws.accounts × aws.regions; ignored`,
    ]);
  });
});
