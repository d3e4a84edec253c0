import { App, Validations } from "aws-cdk-lib";
import { Capture, Match, Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { ChangeForwarderPropsError, QueueAuditorChangeForwarderStack } from "../../lib/infra/change-forwarder.js";
import { changeEventPattern } from "../../lib/infra/change-trigger.js";
import { QueueAuditorMemberRoleStack } from "../../lib/infra/member-role-stack.js";
import { configWith, exampleConfig, synthStack } from "./support.js";

const BUS = "arn:aws:events:eu-west-1:111122223333:event-bus/QueueAuditor-changes";
const COLLECT_ROLE = "arn:aws:iam::111122223333:role/QueueAuditor-CollectRole0A1B2C3D-4E5F6G7H8I9J";

function forwarderTemplate(nag = false) {
  const app = new App();
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new QueueAuditorChangeForwarderStack(app, "QueueAuditorChangeForwarder", {
    changeBusArn: BUS,
    env: { account: "444455556666", region: "us-east-1" },
  });
  return { app, template: Template.fromStack(stack) };
}

describe("the auditor's change bus", () => {
  let template: Template;
  beforeAll(() => {
    template = synthStack().template;
  });

  it("admits exactly the configured accounts to put events, and nobody else", () => {
    const policies = template.findResources("AWS::Events::EventBusPolicy");
    const statements = Object.values(policies).map((p) => p.Properties.Statement);
    expect(statements).toEqual([
      {
        Sid: "cdk-ConfiguredAccountsPutChanges",
        Effect: "Allow",
        Action: "events:PutEvents",
        Principal: {
          AWS: [
            { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":iam::111122223333:root"]] },
            { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":iam::444455556666:root"]] },
          ],
        },
        Resource: { "Fn::GetAtt": [expect.stringMatching(/^ChangesBus/), "Arn"] },
      },
    ]);
  });

  it("admits the Organization by aws:PrincipalOrgID when deploy.organizationId is set", () => {
    const config = exampleConfig();
    const { template: org } = synthStack({
      ...config,
      deploy: { ...(config.deploy as NonNullable<typeof config.deploy>), organizationId: "o-a1b2c3d4e5" },
    });
    org.hasResourceProperties("AWS::Events::EventBusPolicy", {
      Statement: {
        Sid: "cdk-OrganizationPutsChanges",
        Effect: "Allow",
        Action: "events:PutEvents",
        Principal: { AWS: "*" },
        Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
      },
    });
  });

  it("has no bus policy when the config lists no other account (the stack's other regions are admitted by IAM)", () => {
    const { template: own } = synthStack(configWith({ aws: { regions: ["eu-west-1", "us-east-1"] } }));
    own.resourceCountIs("AWS::Events::EventBusPolicy", 0);
  });

  it("feeds forwarded changes into the same debouncing queue as local ones, with the change's own account and region", () => {
    const rules = Object.values(template.findResources("AWS::Events::Rule")) as {
      Properties: {
        EventBusName?: unknown;
        EventPattern: unknown;
        Targets: { Arn: unknown; InputTransformer: { InputPathsMap: unknown } }[];
      };
    }[];
    expect(rules).toHaveLength(2);
    const [local, forwarded] = [rules.find((r) => !r.Properties.EventBusName), rules.find((r) => r.Properties.EventBusName)];
    expect(forwarded?.Properties.EventBusName).toEqual({ Ref: expect.stringMatching(/^ChangesBus/) });
    expect(forwarded?.Properties.EventPattern).toEqual(local?.Properties.EventPattern);
    expect(forwarded?.Properties.Targets[0]?.Arn).toEqual(local?.Properties.Targets[0]?.Arn);
    expect(forwarded?.Properties.Targets[0]?.InputTransformer.InputPathsMap).toEqual(
      expect.objectContaining({ account: "$.account", region: "$.region" }),
    );
    template.hasOutput("ChangeBusArn", { Value: { "Fn::GetAtt": [Match.stringLikeRegexp("^ChangesBus"), "Arn"] } });
  });
});

describe("QueueAuditorChangeForwarderStack", () => {
  it("forwards the auditor's event pattern to the auditor's bus through a role that may only put events there", () => {
    const { template } = forwarderTemplate();
    const pattern = new Capture();
    template.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: pattern,
      Targets: [{ Arn: BUS, Id: Match.anyValue(), RoleArn: { "Fn::GetAtt": [Match.stringLikeRegexp("ForwarderRole"), "Arn"] } }],
    });
    const expected = changeEventPattern();
    expect(pattern.asObject()).toEqual({ source: expected.source, "detail-type": expected.detailType, detail: expected.detail });
    template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: "sts:AssumeRole",
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Condition: { StringEquals: { "aws:SourceAccount": "444455556666" } },
          },
        ],
      },
    });
    template.hasResourceProperties("AWS::IAM::Policy", {
      PolicyDocument: { Statement: [{ Effect: "Allow", Action: "events:PutEvents", Resource: BUS }] },
    });
  });

  it("has no unacknowledged cdk-nag finding", () => {
    const { app } = forwarderTemplate(true);
    expect(() => app.synth()).not.toThrow();
  });

  it("refuses a bus ARN that is not one, naming the output to use", () => {
    expect(() => new QueueAuditorChangeForwarderStack(new App(), "F", { changeBusArn: "QueueAuditor-changes" })).toThrow(
      new ChangeForwarderPropsError(
        'changeBusArn: expected the auditor stack\'s ChangeBusArn output (arn:aws:events:REGION:ACCOUNT:event-bus/NAME), got "QueueAuditor-changes"',
      ),
    );
  });

  it("is part of the member-role stack when it is given the bus", () => {
    const app = new App();
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const member = new QueueAuditorMemberRoleStack(app, "M", {
      auditorAccount: "111122223333",
      trustedRoleArns: [COLLECT_ROLE],
      changeBusArn: BUS,
      env: { account: "444455556666", region: "eu-west-1" },
    });
    Template.fromStack(member).hasResourceProperties("AWS::Events::Rule", { Targets: [Match.objectLike({ Arn: BUS })] });
    expect(() => app.synth()).not.toThrow();
  });
});
