import { App, Duration, Stack, Validations } from "aws-cdk-lib";
import { Match, Template } from "aws-cdk-lib/assertions";
import { InlineCode, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { DefinitionBody, Pass, StateMachine } from "aws-cdk-lib/aws-stepfunctions";
import { AwsSolutionsChecks } from "cdk-nag";
import { describe, expect, it } from "vitest";
import { auditedLogGroups, UNSCOPED_COLLECT_ACTIONS } from "../../lib/audit/iam.js";
import { AuditorFunction, AuditorFunctionPropsError } from "../../lib/infra/auditor-function.js";
import { ChangeTrigger, ChangeTriggerPropsError } from "../../lib/infra/change-trigger.js";
import { MemberRolePropsError, QueueAuditorMemberRoleStack } from "../../lib/infra/member-role-stack.js";
import { AuditWorkflow, AuditWorkflowPropsError } from "../../lib/infra/workflow.js";
import { exampleConfig } from "./support.js";

const COLLECT_ROLE = "arn:aws:iam::111122223333:role/QueueAuditor-CollectRole0A1B2C3D-4E5F6G7H8I9J";
const stack = () => new Stack(new App({ context: { "aws:cdk:bundling-stacks": [] } }), "S");

describe("construct props are validated with an error that says what to change", () => {
  it("AuditorFunction: a handler that does not exist", () => {
    expect(() => new AuditorFunction(stack(), "F", { handlerName: "nope" as "collect", config: exampleConfig() })).toThrow(
      new AuditorFunctionPropsError('handlerName "nope": expected a handler file at lambda/nope.ts'),
    );
  });

  it("AuditorFunction: an auditing function without the config to bake in", () => {
    expect(() => new AuditorFunction(stack(), "F", { handlerName: "collect" })).toThrow(
      /config: the collect function audits the deployed config/,
    );
  });

  it("AuditorFunction: a timeout beyond Lambda's maximum", () => {
    expect(() => new AuditorFunction(stack(), "F", { handlerName: "slack", timeout: Duration.minutes(16) })).toThrow(
      /timeout: expected at most 15 minutes/,
    );
  });

  it("AuditWorkflow: unbounded concurrency, and probe targets without a probe function", () => {
    const s = stack();
    const fn = new LambdaFunction(s, "Fn", {
      runtime: Runtime.NODEJS_24_X,
      handler: "index.handler",
      code: new InlineCode("exports.handler=()=>{}"),
    });
    const base = { collect: fn, evaluate: fn, collectItems: [], probeItems: [] };
    expect(() => new AuditWorkflow(s, "W1", { ...base, collectConcurrency: 0 })).toThrow(
      new AuditWorkflowPropsError("collectConcurrency: expected a whole number from 1 to 40, got 0"),
    );
    expect(() => new AuditWorkflow(s, "W2", { ...base, probeItems: [{ kind: "redis", name: "r" }] })).toThrow(
      /probe: expected the probe function/,
    );
  });

  it("ChangeTrigger: a debounce longer than the Pipes batching window, a batch too large for the execution input", () => {
    const s = stack();
    const sm = new StateMachine(s, "M", { definitionBody: DefinitionBody.fromChainable(new Pass(s, "P")) });
    expect(() => new ChangeTrigger(s, "C1", { stateMachine: sm, debounce: Duration.minutes(10) })).toThrow(ChangeTriggerPropsError);
    expect(() => new ChangeTrigger(s, "C2", { stateMachine: sm, maxBatch: 1000 })).toThrow(/maxBatch: expected 1 to 200/);
  });

  it("QueueAuditorMemberRoleStack: an auditor account that is not an account id", () => {
    expect(() => new QueueAuditorMemberRoleStack(new App(), "M", { auditorAccount: "12345", trustedRoleArns: [COLLECT_ROLE] })).toThrow(
      new MemberRolePropsError('auditorAccount: expected the 12-digit id of the auditor account, got "12345"'),
    );
    expect(() => new QueueAuditorMemberRoleStack(new App(), "M2", { auditorAccount: "111122223333", trustedRoleArns: [] })).toThrow(
      /trustedRoleArns: expected the auditor stack's CollectRoleArn output/,
    );
    expect(
      () =>
        new QueueAuditorMemberRoleStack(new App(), "M3", {
          auditorAccount: "111122223333",
          trustedRoleArns: ["arn:aws:iam::999988887777:role/QueueAuditor-Collect"],
        }),
    ).toThrow(/expected role ARNs in the auditor account 111122223333/);
    expect(
      () =>
        new QueueAuditorMemberRoleStack(new App(), "M4", {
          auditorAccount: "111122223333",
          trustedRoleArns: ["arn:aws:iam::111122223333:role/QueueAuditor*"],
        }),
    ).toThrow(/expected role ARNs in the auditor account/);
  });
});

describe("QueueAuditorMemberRoleStack", () => {
  it("creates the read-only role with exactly the collection actions, assumable only from the auditor account's stack roles, in a template a service-managed StackSet can deploy as it is", () => {
    const template = Template.fromStack(
      new QueueAuditorMemberRoleStack(new App(), "M", {
        auditorAccount: "111122223333",
        trustedRoleArns: [COLLECT_ROLE],
        externalId: "queue-auditor-x",
        secrets: ["queue-db/app"],
      }),
    );
    // A StackSet deploys this template into accounts that were never CDK-bootstrapped.
    expect(template.toJSON().Rules?.CheckBootstrapVersion).toBeUndefined();
    expect(template.toJSON().Parameters?.BootstrapVersion).toBeUndefined();
    expect(Object.keys(template.toJSON().Resources).filter((k) => !k.startsWith("CDKMetadata"))).toHaveLength(1);
    template.hasResourceProperties("AWS::IAM::Role", {
      RoleName: "QueueAuditorReadOnly",
      AssumeRolePolicyDocument: {
        Statement: [
          {
            Action: "sts:AssumeRole",
            Effect: "Allow",
            Principal: { AWS: { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":iam::111122223333:root"]] } },
            Condition: {
              ArnEquals: { "aws:PrincipalArn": [COLLECT_ROLE] },
              StringEquals: { "sts:RoleSessionName": "queue-auditor", "sts:ExternalId": "queue-auditor-x" },
            },
          },
        ],
      },
      Policies: [
        {
          PolicyName: "ReadOnlyInventory",
          PolicyDocument: {
            Statement: Match.arrayWith([
              { Sid: "ReadOnlyInventory", Action: [...UNSCOPED_COLLECT_ACTIONS], Effect: "Allow", Resource: "*" },
              Match.objectLike({
                Sid: "SecretMetadata",
                Action: "secretsmanager:DescribeSecret",
                Resource: {
                  "Fn::Join": [
                    "",
                    ["arn:", { Ref: "AWS::Partition" }, ":secretsmanager:*:", { Ref: "AWS::AccountId" }, ":secret:queue-db/app-??????"],
                  ],
                },
              }),
            ]),
          },
        },
      ],
    });
  });

  it("reads the databases' postgresql log groups only when given them: exactly the named ones, or any instance's or cluster's for databases found by tag", () => {
    const role = (logGroups?: string[]) => {
      const app = new App();
      Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
      const s = new QueueAuditorMemberRoleStack(app, "M", {
        auditorAccount: "111122223333",
        trustedRoleArns: [COLLECT_ROLE],
        ...(logGroups ? { logGroups } : {}),
      });
      // Every wildcard of the grant is acknowledged: a synth with cdk-nag does not throw.
      app.synth();
      return JSON.stringify(Template.fromStack(s).toJSON());
    };
    expect(role()).not.toContain("logs:FilterLogEvents");
    const exact = role(auditedLogGroups({ rds: ["queue-db"] }));
    const statements = JSON.parse(exact).Resources.ReadOnlyRoleA3AD4127.Properties.Policies[0].PolicyDocument.Statement as {
      Sid: string;
      Action: unknown;
      Resource: unknown[];
    }[];
    const logs = statements.filter((st) => JSON.stringify(st.Action).includes("logs:"));
    expect(logs.map((st) => [st.Sid, st.Action, st.Resource.length])).toEqual([["DatabaseLogs", "logs:FilterLogEvents", 4]]);
    for (const g of [
      "instance/queue-db/postgresql",
      "instance/queue-db/postgresql:*",
      "cluster/queue-db/postgresql",
      "cluster/queue-db/postgresql:*",
    ]) {
      expect(exact).toContain(`":logs:*:",{"Ref":"AWS::AccountId"},":log-group:/aws/rds/${g}"`);
    }
    const tagged = role(auditedLogGroups({ rds: [], tag: { key: "queue", value: "jobs" } }));
    expect(tagged).toContain(':log-group:/aws/rds/instance/*/postgresql"');
    expect(tagged).toContain(':log-group:/aws/rds/cluster/*/postgresql:*"');
    expect(tagged).not.toContain("queue-db");
  });
});
