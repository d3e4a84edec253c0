import "aws-sdk-client-mock-vitest/extend";
import { CloudTrailClient, DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../../../lib/audit/config/load.js";
import type { PartitionClients } from "../../../../lib/audit/inventory/aws/clients.js";
import { collectTrails } from "../../../../lib/audit/inventory/aws/cloudtrail.js";
import { createLimit } from "../../../../lib/audit/inventory/aws/limit.js";

const cloudtrail = mockClient(CloudTrailClient);
afterEach(() => cloudtrail.reset());

const deployed = parseConfig(
  { version: 1, deploy: { vpc: { id: "vpc-0a1b2c3d4e5f60001", subnetIds: ["subnet-0a1b2c3d4e5f60001"] } } },
  "test.yaml",
);
const ctx = (config = deployed) => ({
  account: "444455556666",
  region: "eu-west-1",
  config,
  clients: { cloudtrail: new CloudTrailClient({ region: "eu-west-1" }) } as unknown as PartitionClients,
  limit: createLimit(4),
});

// Shaped as DescribeTrails returns them with includeShadowTrails: the organization's trail (a
// shadow here, owned by the management account), a trail of another region, one of this region.
const orgTrail = {
  Name: "org-trail",
  S3BucketName: "org-cloudtrail-logs",
  IncludeGlobalServiceEvents: true,
  IsMultiRegionTrail: true,
  HomeRegion: "us-east-1",
  TrailARN: "arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail",
  LogFileValidationEnabled: true,
  HasCustomEventSelectors: true,
  HasInsightSelectors: false,
  IsOrganizationTrail: true,
};
const otherRegion = {
  ...orgTrail,
  Name: "us-only",
  IsMultiRegionTrail: false,
  IsOrganizationTrail: false,
  TrailARN: "arn:aws:cloudtrail:us-east-1:444455556666:trail/us-only",
};
const local = { ...otherRegion, Name: "local", HomeRegion: "eu-west-1", TrailARN: "arn:aws:cloudtrail:eu-west-1:444455556666:trail/local" };

describe("collectTrails", () => {
  it("asks for shadow trails, keeps those that log this region, and reads each one's status and selectors by ARN", async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [orgTrail, otherRegion, local] });
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true, LatestDeliveryTime: new Date("2026-11-01T00:00:00Z") });
    cloudtrail.on(GetEventSelectorsCommand).resolves({
      TrailARN: orgTrail.TrailARN,
      AdvancedEventSelectors: [
        { Name: "Management events selector", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
      ],
    });

    const { trails } = await collectTrails(ctx());

    expect(cloudtrail).toHaveReceivedCommandWith(DescribeTrailsCommand, { includeShadowTrails: true });
    expect(trails?.ok && trails.value.map((t) => t.trail.Name)).toEqual(["org-trail", "local"]);
    expect(cloudtrail.commandCalls(GetTrailStatusCommand).map((c) => c.args[0].input)).toEqual([
      { Name: orgTrail.TrailARN },
      { Name: local.TrailARN },
    ]);
    expect(cloudtrail).toHaveReceivedCommandWith(GetEventSelectorsCommand, { TrailName: orgTrail.TrailARN });
    // Wire data: dates as the AWS CLI prints them.
    expect(trails?.ok && trails.value[0]?.status).toEqual({
      ok: true,
      value: { IsLogging: true, LatestDeliveryTime: "2026-11-01T00:00:00.000Z" },
    });
  });

  it("keeps a denied call as the reason, naming the action, account and region", async () => {
    cloudtrail.on(DescribeTrailsCommand).resolves({ trailList: [local] });
    cloudtrail.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    cloudtrail
      .on(GetEventSelectorsCommand)
      .rejects(
        Object.assign(new Error("User is not authorized to perform: cloudtrail:GetEventSelectors"), { name: "AccessDeniedException" }),
      );

    const { trails } = await collectTrails(ctx());

    const selectors = trails?.ok ? trails.value[0]?.selectors : undefined;
    expect(selectors?.ok).toBe(false);
    expect(selectors?.ok === false && selectors.error).toMatchObject({
      account: "444455556666",
      region: "eu-west-1",
      code: "AccessDeniedException",
    });
    expect(selectors?.ok === false && selectors.error.source).toContain("cloudtrail:GetEventSelectors");
  });

  it("makes no CloudTrail call when the config deploys no stack", async () => {
    const { trails } = await collectTrails(ctx(parseConfig({ version: 1 }, "test.yaml")));
    expect(trails).toBeUndefined();
    expect(cloudtrail.calls()).toHaveLength(0);
  });
});
