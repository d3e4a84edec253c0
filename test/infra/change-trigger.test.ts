import { describe, expect, it } from "vitest";
import { definitionOf, synthStack } from "./support.js";

/** A CloudTrail management event as EventBridge delivers it (AWS API Call via CloudTrail). */
const authorizeIngress = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "AWS API Call via CloudTrail",
  source: "aws.ec2",
  account: "111122223333",
  time: "2026-03-01T09:58:11Z",
  region: "eu-west-1",
  resources: [],
  detail: {
    eventVersion: "1.09",
    userIdentity: { type: "AssumedRole", arn: "arn:aws:sts::111122223333:assumed-role/admin/alice" },
    eventTime: "2026-03-01T09:58:11Z",
    eventSource: "ec2.amazonaws.com",
    eventName: "AuthorizeSecurityGroupIngress",
    awsRegion: "eu-west-1",
    requestParameters: {
      groupId: "sg-0a1b2c3d4e5f60001",
      ipPermissions: { items: [{ ipProtocol: "tcp", fromPort: 6379, toPort: 6379, ipRanges: { items: [{ cidrIp: "0.0.0.0/0" }] } }] },
    },
    eventType: "AwsApiCall",
    managementEvent: true,
  },
};

type Pattern = { [key: string]: string[] | Pattern };

/** EventBridge matching for patterns of exact-value lists (all this rule uses). */
function matches(pattern: Pattern, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, want]) =>
    Array.isArray(want) ? want.includes(event[key] as string) : matches(want, (event[key] ?? {}) as Record<string, unknown>),
  );
}

describe("change-driven re-audit", () => {
  const { template } = synthStack();
  const [rule] = Object.values(template.findResources("AWS::Events::Rule")) as {
    Properties: {
      EventPattern: Pattern;
      Targets: { InputTransformer: { InputPathsMap: Record<string, string>; InputTemplate: string } }[];
    };
  }[];

  it("matches a security-group ingress change and ignores read-only calls and other services", () => {
    const pattern = rule?.Properties.EventPattern as Pattern;
    expect(matches(pattern, authorizeIngress)).toBe(true);
    expect(matches(pattern, { ...authorizeIngress, detail: { ...authorizeIngress.detail, eventName: "DescribeSecurityGroups" } })).toBe(
      false,
    );
    expect(
      matches(pattern, { ...authorizeIngress, source: "aws.s3", detail: { ...authorizeIngress.detail, eventSource: "s3.amazonaws.com" } }),
    ).toBe(false);
    for (const [source, eventSource, eventName] of [
      ["aws.rds", "rds.amazonaws.com", "ModifyDBClusterParameterGroup"],
      ["aws.elasticache", "elasticache.amazonaws.com", "ModifyUserGroup"],
      ["aws.secretsmanager", "secretsmanager.amazonaws.com", "CancelRotateSecret"],
    ]) {
      expect(
        matches(pattern, { ...authorizeIngress, source, detail: { ...authorizeIngress.detail, eventSource, eventName } }),
        eventName,
      ).toBe(true);
    }
  });

  it("queues a small summary of the change, not the whole CloudTrail record", () => {
    const transformer = rule?.Properties.Targets[0]?.InputTransformer;
    expect(transformer?.InputPathsMap).toMatchObject({
      "detail-eventName": "$.detail.eventName",
      "detail-eventSource": "$.detail.eventSource",
    });
    expect(transformer?.InputTemplate).not.toContain("requestParameters");
  });

  it("starts the same state machine, whose plan ignores the trigger's input (schedule object or Pipes batch array)", () => {
    const def = definitionOf(template) as {
      StartAt: string;
      States: Record<string, { Type: string; InputPath?: string; Parameters?: unknown }>;
    };
    // A Pass with a Result replaces the input, so an array from Pipes and {"trigger":"schedule"} both work.
    expect(def.States[def.StartAt]).toMatchObject({ Type: "Pass" });
    expect(def.States[def.StartAt]?.Parameters).toBeUndefined();
  });
});
