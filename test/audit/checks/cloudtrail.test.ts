import { describe, expect, it } from "vitest";
import { config, inventory, missing, ok, partition, verdicts } from "../../support/builders.js";

const ID = "cloudtrail-management-events-off";
const deployed = config({ deploy: { vpc: { id: "vpc-0a1b2c3d4e5f60001", subnetIds: ["subnet-0a1b2c3d4e5f60001"] } } });

/** A trail as DescribeTrails (includeShadowTrails) returns it. */
const trail = (name: string, overrides: Record<string, unknown> = {}) => ({
  Name: name,
  S3BucketName: "aws-cloudtrail-logs-111122223333",
  IncludeGlobalServiceEvents: true,
  IsMultiRegionTrail: true,
  HomeRegion: "us-east-1",
  TrailARN: `arn:aws:cloudtrail:us-east-1:111122223333:trail/${name}`,
  LogFileValidationEnabled: true,
  HasCustomEventSelectors: false,
  HasInsightSelectors: false,
  IsOrganizationTrail: false,
  ...overrides,
});
const logging = ok({ IsLogging: true, LatestDeliveryTime: "2026-11-01T00:00:00.000Z", StartLoggingTime: "2025-01-01T00:00:00.000Z" });
const basic = (ReadWriteType: string, IncludeManagementEvents = true) =>
  ok({
    TrailARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events",
    EventSelectors: [{ ReadWriteType, IncludeManagementEvents, DataResources: [], ExcludeManagementEventSources: [] }],
  });
const advanced = (fields: { Field: string; Equals?: string[]; NotEquals?: string[] }[]) =>
  ok({
    TrailARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events",
    AdvancedEventSelectors: [{ Name: "Management events", FieldSelectors: fields }],
  });
const withTrails = (...trails: unknown[]) => inventory(partition({ trails: ok(trails) }));
const observed = (t: unknown, status: unknown, selectors: unknown) => ({ trail: t, status, selectors });

describe("cloudtrail-management-events-off", () => {
  it("passes when a logging multi-region trail records management write events (All or WriteOnly)", () => {
    for (const rw of ["All", "WriteOnly"]) {
      const [r] = verdicts(ID, deployed, withTrails(observed(trail("management-events"), logging, basic(rw))));
      expect(r?.status).toBe("PASS");
      expect(r?.resource).toEqual({ type: "AWS::::Account", id: "111122223333", account: "111122223333", region: "eu-west-1" });
    }
  });

  it("passes on advanced selectors that keep management writes", () => {
    const inv = withTrails(observed(trail("org"), logging, advanced([{ Field: "eventCategory", Equals: ["Management"] }])));
    expect(verdicts(ID, deployed, inv).map((r) => r.status)).toEqual(["PASS"]);
  });

  it("fails, naming the account and region, when no trail logs here", () => {
    const [r] = verdicts(ID, deployed, withTrails());
    expect(r?.status).toBe("FAIL");
    expect(r?.subject).toBe("eu-west-1");
    expect(r?.message).toContain("111122223333/eu-west-1: no CloudTrail trail logs management write events here");
  });

  it("fails when the only trail is stopped, logs reads only, or excludes management events", () => {
    const cases = [
      observed(trail("t"), ok({ IsLogging: false }), basic("All")),
      observed(trail("t"), logging, basic("ReadOnly")),
      observed(trail("t"), logging, basic("All", false)),
      observed(
        trail("t"),
        logging,
        advanced([
          { Field: "eventCategory", Equals: ["Management"] },
          { Field: "readOnly", Equals: ["true"] },
        ]),
      ),
      observed(trail("t"), logging, advanced([{ Field: "eventCategory", Equals: ["Data"] }])),
    ];
    for (const c of cases) expect(verdicts(ID, deployed, withTrails(c)).map((r) => r.status)).toEqual(["FAIL"]);
    const [stopped] = verdicts(ID, deployed, withTrails(cases[0]));
    expect(stopped?.message).toContain("trail/t is not logging");
  });

  it("is an ERROR, never a PASS, when the trails or a trail's selectors could not be read", () => {
    expect(verdicts(ID, deployed, inventory(partition({ trails: missing("inv/cloudtrail-describe-trails.json") })))[0]?.status).toBe(
      "ERROR",
    );
    expect(verdicts(ID, deployed, inventory(partition()))[0]?.status).toBe("ERROR");
    const unread = withTrails(observed(trail("t"), logging, missing("inv/cloudtrail-get-event-selectors/t.json")));
    expect(verdicts(ID, deployed, unread)[0]?.status).toBe("ERROR");
    // One trail that hears is enough, whatever another could not tell.
    const mixed = withTrails(observed(trail("a"), missing("x"), missing("y")), observed(trail("b"), logging, basic("All")));
    expect(verdicts(ID, deployed, mixed)[0]?.status).toBe("PASS");
  });

  it("judges nothing when the config deploys no stack (no change trigger to hear)", () => {
    expect(verdicts(ID, config(), withTrails())).toEqual([]);
  });
});
