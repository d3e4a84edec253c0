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

describe("cloudtrail-management-events-off: what a verdict says", () => {
  const one = (inv: ReturnType<typeof inventory>) => {
    const results = verdicts(ID, deployed, inv);
    expect(results).toHaveLength(1);
    const [r] = results;
    if (!r) throw new Error("no verdict");
    return r;
  };
  const ARN = "arn:aws:cloudtrail:us-east-1:111122223333:trail/t";

  it("passes naming the trail that hears, by ARN, else by name, with the region as subject", () => {
    const r = one(withTrails(observed(trail("t"), logging, basic("All"))));
    expect(r.subject).toBe("eu-west-1");
    expect(r.message).toBe(`111122223333/eu-west-1: ${ARN} logs management write events; the change trigger hears changes here.`);
    expect(r.evidence).toEqual({ trail: ARN });
    expect(one(withTrails(observed(trail("t", { TrailARN: undefined }), logging, basic("All")))).evidence).toEqual({ trail: "t" });
    expect(one(withTrails(observed({}, logging, basic("All")))).evidence).toEqual({ trail: "a trail" });
  });

  it("fails with every trail's reason, and with none to give when there is no trail", () => {
    const r = one(
      withTrails(observed(trail("t"), ok({ IsLogging: false }), basic("All")), observed(trail("r"), logging, basic("ReadOnly"))),
    );
    expect(r.status).toBe("FAIL");
    expect(r.subject).toBe("eu-west-1");
    expect(r.message).toBe(
      `111122223333/eu-west-1: no CloudTrail trail logs management write events here (${ARN} is not logging; arn:aws:cloudtrail:us-east-1:111122223333:trail/r does not log management write events), so the change trigger does not hear changes in this account and region; they wait for the next scheduled run.`,
    );
    expect(r.evidence).toEqual({
      trails: [ARN, "arn:aws:cloudtrail:us-east-1:111122223333:trail/r"],
      reasons: [`${ARN} is not logging`, "arn:aws:cloudtrail:us-east-1:111122223333:trail/r does not log management write events"],
    });
    const none = one(withTrails());
    expect(none.message).toBe(
      "111122223333/eu-west-1: no CloudTrail trail logs management write events here, so the change trigger does not hear changes in this account and region; they wait for the next scheduled run.",
    );
    expect(none.evidence).toEqual({ trails: [], reasons: [] });
  });

  it("reads basic selectors: management events are included unless turned off, and writes kept unless read-only", () => {
    const selectors = (s: Record<string, unknown>) => ok({ EventSelectors: [s] });
    expect(one(withTrails(observed(trail("t"), logging, selectors({})))).status).toBe("PASS");
    expect(one(withTrails(observed(trail("t"), logging, selectors({ ReadWriteType: "All" })))).status).toBe("PASS");
    expect(one(withTrails(observed(trail("t"), logging, selectors({ IncludeManagementEvents: false })))).status).toBe("FAIL");
    expect(one(withTrails(observed(trail("t"), logging, selectors({ ReadWriteType: "ReadOnly" })))).status).toBe("FAIL");
    expect(one(withTrails(observed(trail("t"), logging, ok({}))))).toMatchObject({ status: "FAIL" });
  });

  it("reads advanced selectors first: management writes kept unless read-only or narrowed to some event sources", () => {
    const management = { Field: "eventCategory", Equals: ["Management"] };
    const status = (fields: { Field: string; Equals?: string[] }[]) =>
      one(withTrails(observed(trail("t"), logging, advanced(fields)))).status;
    expect(status([management, { Field: "readOnly", Equals: ["false"] }])).toBe("PASS");
    expect(status([management, { Field: "readOnly", Equals: ["true", "false"] }])).toBe("PASS");
    expect(status([management, { Field: "eventSource", Equals: ["kms.amazonaws.com"] }])).toBe("FAIL");
    expect(status([{ Field: "eventCategory" }])).toBe("FAIL");
    expect(status([])).toBe("FAIL");
    // Advanced selectors replace the basic ones: a basic selector that would hear does not count.
    const both = ok({
      EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true }],
      AdvancedEventSelectors: [{ Name: "data only", FieldSelectors: [{ Field: "eventCategory", Equals: ["Data"] }] }],
    });
    expect(one(withTrails(observed(trail("t"), logging, both))).status).toBe("FAIL");
    const emptyAdvanced = ok({ EventSelectors: [{ ReadWriteType: "All" }], AdvancedEventSelectors: [] });
    expect(one(withTrails(observed(trail("t"), logging, emptyAdvanced))).status).toBe("PASS");
  });

  it("hears through any one advanced selector that keeps management writes, beside data-only ones", () => {
    const selectors = ok({
      AdvancedEventSelectors: [
        { Name: "S3 data events", FieldSelectors: [{ Field: "eventCategory", Equals: ["Data"] }] },
        { Name: "Management events", FieldSelectors: [{ Field: "eventCategory", Equals: ["Management"] }] },
      ],
    });
    expect(one(withTrails(observed(trail("t"), logging, selectors))).status).toBe("PASS");
  });

  it("finds the eventCategory field wherever it stands among an advanced selector's fields", () => {
    const status = (fields: { Field: string; Equals?: string[]; NotEquals?: string[] }[]) =>
      one(withTrails(observed(trail("t"), logging, advanced(fields)))).status;
    expect(
      status([
        { Field: "readOnly", Equals: ["false"] },
        { Field: "eventCategory", Equals: ["Management"] },
      ]),
    ).toBe("PASS");
    expect(
      status([
        { Field: "readOnly", Equals: ["true"] },
        { Field: "eventCategory", Equals: ["Management"] },
      ]),
    ).toBe("FAIL");
  });

  it("reads a readOnly field without Equals values (not one CloudTrail accepts) as no narrowing, without breaking the judgement", () => {
    const fields = [{ Field: "eventCategory", Equals: ["Management"] }, { Field: "readOnly" }];
    expect(one(withTrails(observed(trail("t"), logging, advanced(fields)))).status).toBe("PASS");
  });

  it("says which file or call was not collected, for the account and region", () => {
    const offline = one(inventory(partition()));
    expect(offline.status).toBe("ERROR");
    expect(offline.subject).toBe("eu-west-1");
    expect(offline.cause).toEqual({
      source: "inv/cloudtrail-describe-trails.json",
      reason: "the trails were not collected",
      code: "NotCaptured",
      account: "111122223333",
      region: "eu-west-1",
    });
    expect(offline.message).toBe(
      "Could not evaluate whether a CloudTrail trail logs management events in 111122223333/eu-west-1: the trails were not collected (inv/cloudtrail-describe-trails.json).",
    );
    const live = one(inventory(partition({ origin: { kind: "live" } })));
    expect(live.cause?.source).toBe("cloudtrail:DescribeTrails");
    const unread = one(inventory(partition({ trails: missing("inv/cloudtrail-describe-trails.json") })));
    expect(unread.subject).toBe("eu-west-1");
    expect(unread.cause?.source).toBe("inv/cloudtrail-describe-trails.json");
  });

  it("is an ERROR naming the trail it could not read, rather than a FAIL, while no trail is known to hear", () => {
    const r = one(
      withTrails(
        observed(trail("stopped"), ok({ IsLogging: false }), basic("All")),
        observed(trail("t"), missing("inv/cloudtrail-get-trail-status/t.json"), basic("All")),
      ),
    );
    expect(r.status).toBe("ERROR");
    expect(r.subject).toBe("eu-west-1");
    expect(r.cause?.source).toBe("inv/cloudtrail-get-trail-status/t.json");
    expect(r.message).toBe(
      `Could not evaluate whether a CloudTrail trail logs management events in 111122223333/eu-west-1 (${ARN}): the file is missing from the inventory (inv/cloudtrail-get-trail-status/t.json).`,
    );
    // A stopped trail's selectors are not needed, read or not.
    const stopped = withTrails(observed(trail("t"), ok({ IsLogging: false }), missing("inv/cloudtrail-get-event-selectors/t.json")));
    expect(one(stopped).status).toBe("FAIL");
  });

  it("judges each audited account and region on its own", () => {
    const other = partition({ account: "444455556666", region: "us-east-1", trails: ok([]) });
    const here = partition({ trails: ok([observed(trail("t"), logging, basic("All"))]) });
    expect(verdicts(ID, deployed, inventory(here, other)).map((r) => `${r.status} ${r.resource.id}/${r.subject}`)).toEqual([
      "PASS 111122223333/eu-west-1",
      "FAIL 444455556666/us-east-1",
    ]);
  });
});
