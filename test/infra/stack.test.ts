import { App, Validations } from "aws-cdk-lib";
import { Capture, Match, type Template } from "aws-cdk-lib/assertions";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { UNSCOPED_COLLECT_ACTIONS } from "../../lib/audit/iam.js";
import { createTableInput } from "../../lib/audit/store/keys.js";
import { CHANGE_EVENTS } from "../../lib/infra/change-trigger.js";
import { QueueAuditorStack } from "../../lib/infra/stack.js";
import { TRANSIENT_ERRORS } from "../../lib/infra/workflow.js";
import { configWith, definitionOf, exampleConfig, iamStatements, synthStack } from "./support.js";

type State = Record<string, unknown> & { Type: string };
type Machine = { StartAt: string; States: Record<string, State> };

describe("QueueAuditorStack with the example config", () => {
  let template: Template;
  beforeAll(() => {
    template = synthStack().template;
  });

  it("deploys every function on Node.js 24, arm64, with source maps and its own log group with retention", () => {
    const functions = template.findResources("AWS::Lambda::Function", {
      Properties: { Runtime: "nodejs24.x", Description: Match.stringLikeRegexp("^queue-auditor: ") },
    });
    expect(Object.keys(functions)).toHaveLength(4);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Architectures).toEqual(["arm64"]);
      expect(fn.Properties.Environment.Variables.NODE_OPTIONS).toBe("--enable-source-maps");
      expect(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe("queue-auditor");
      expect(fn.Properties.LoggingConfig.LogGroup).toEqual({ Ref: expect.stringMatching(/Logs/) });
    }
    // The four functions, the state machine and the first-run custom resource.
    template.resourcePropertiesCountIs("AWS::Logs::LogGroup", { RetentionInDays: 90 }, 6);
  });

  it("runs the probe in the configured subnets and security groups, the others outside any VPC", () => {
    template.hasResourceProperties("AWS::Lambda::Function", {
      Description: Match.stringLikeRegexp("probe"),
      VpcConfig: { SubnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"], SecurityGroupIds: ["sg-0a1b2c3d4e5f60009"] },
    });
    const inVpc = template.findResources("AWS::Lambda::Function", { Properties: { VpcConfig: Match.anyValue() } });
    expect(Object.keys(inVpc)).toHaveLength(1);
  });

  it("creates Secrets Manager and STS interface endpoints admitting HTTPS from the probe's group only", () => {
    for (const service of ["secretsmanager", "sts"]) {
      template.hasResourceProperties("AWS::EC2::VPCEndpoint", {
        VpcEndpointType: "Interface",
        VpcId: "vpc-0a1b2c3d4e5f60001",
        PrivateDnsEnabled: true,
        ServiceName: { "Fn::Join": ["", ["com.amazonaws.", { Ref: "AWS::Region" }, `.${service}`]] },
      });
    }
    template.resourceCountIs("AWS::EC2::VPCEndpoint", 3);
    template.hasResourceProperties("AWS::EC2::SecurityGroup", {
      SecurityGroupIngress: [{ IpProtocol: "tcp", FromPort: 443, ToPort: 443, SourceSecurityGroupId: "sg-0a1b2c3d4e5f60009" }],
    });
  });

  it("lets the probe store its observation in the artifacts table, reaching DynamoDB through its own endpoint in the VPC", () => {
    template.hasResourceProperties("AWS::EC2::VPCEndpoint", {
      VpcEndpointType: "Interface",
      VpcId: "vpc-0a1b2c3d4e5f60001",
      // Private DNS would redirect every DynamoDB client in the VPC, not just the probe.
      PrivateDnsEnabled: false,
      ServiceName: { "Fn::Join": ["", ["com.amazonaws.", { Ref: "AWS::Region" }, ".dynamodb"]] },
    });
    const [probe] = Object.values(
      template.findResources("AWS::Lambda::Function", { Properties: { Description: Match.stringLikeRegexp("probe") } }),
    ) as { Properties: { Environment: { Variables: Record<string, unknown> } } }[];
    const vars = probe?.Properties.Environment.Variables ?? {};
    expect(vars.QUEUE_AUDITOR_ARTIFACTS_TABLE).toEqual({ Ref: expect.stringMatching(/DataArtifacts/) });
    // The endpoint's regional name: the second field of its first "hostedZoneId:dnsName" entry.
    expect(vars.AWS_ENDPOINT_URL_DYNAMODB).toEqual({
      "Fn::Join": [
        "",
        [
          "https://",
          { "Fn::Select": [1, { "Fn::Split": [":", { "Fn::Select": [0, { "Fn::GetAtt": ["Endpointdynamodb", "DnsEntries"] }] }] }] },
        ],
      ],
    });
    const writes = iamStatements(template).filter((s) => s.policy.includes("Probe") && s.Action.includes("dynamodb:BatchWriteItem"));
    expect(writes.flatMap((s) => s.Resource.map((r) => JSON.stringify(r)))).toEqual([expect.stringMatching(/DataArtifacts/)]);
  });

  it("starts the state machine on the config's schedule", () => {
    const target = new Capture();
    template.hasResourceProperties("AWS::Scheduler::Schedule", {
      ScheduleExpression: "rate(1 hour)",
      State: "ENABLED",
      Target: { Arn: { Ref: Match.stringLikeRegexp("WorkflowStateMachine") }, Input: target, RetryPolicy: { MaximumRetryAttempts: 3 } },
    });
    expect(JSON.parse(target.asString())).toEqual({ trigger: "schedule" });
  });

  it("plans, then collects each account x region and probes each target in bounded Maps, then evaluates", () => {
    const def = definitionOf(template) as Machine;
    expect(def.StartAt).toBe("Plan");
    const plan = def.States.Plan as State & { Result: { collect: unknown[]; probes: unknown[] }; Next: string };
    expect(plan.Result.collect).toEqual([
      { account: "111122223333", region: "eu-west-1", accountListed: true },
      { account: "444455556666", region: "eu-west-1", accountListed: true },
    ]);
    expect(plan.Result.probes).toEqual([
      { kind: "postgres", name: "queue-db" },
      { kind: "redis", name: "jobs-redis" },
    ]);
    const parallel = def.States[plan.Next] as State & { Branches: Machine[]; Next: string };
    expect(parallel.Type).toBe("Parallel");
    type MapState = State & { MaxConcurrency: number; ItemProcessor: Machine; ItemSelector: Record<string, string> };
    const [collect, probe] = parallel.Branches.map((b) => b.States[b.StartAt] as MapState) as [MapState, MapState];
    expect(collect).toMatchObject({ Type: "Map", ItemsPath: "$.collect", MaxConcurrency: 4 });
    expect(probe).toMatchObject({ Type: "Map", ItemsPath: "$.probes", MaxConcurrency: 8 });
    // The run id names the probe's artifact, as it names the collect step's.
    expect(probe.ItemSelector).toEqual({
      "kind.$": "$$.Map.Item.Value.kind",
      "name.$": "$$.Map.Item.Value.name",
      "runId.$": "$$.Execution.Name",
    });
    const steps: [MapState, string, string][] = [
      [collect, "CollectPartition", "CollectFailed"],
      [probe, "ProbeTarget", "ProbeFailed"],
    ];
    for (const [map, task, failed] of steps) {
      const state = map.ItemProcessor.States[task] as State & { Retry: Record<string, unknown>[]; Catch: Record<string, unknown>[] };
      expect(state.Retry).toEqual([
        expect.objectContaining({
          ErrorEquals: [...TRANSIENT_ERRORS],
          BackoffRate: 2,
          MaxAttempts: 5,
          JitterStrategy: "FULL",
          MaxDelaySeconds: 60,
        }),
      ]);
      expect(state.Retry[0]?.ErrorEquals).toContain("Lambda.TooManyRequestsException");
      expect(state.Catch).toEqual([{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: failed }]);
      expect(map.ItemProcessor.States[failed]).toMatchObject({
        Type: "Pass",
        Parameters: expect.objectContaining({ failed: true, "error.$": "$.error.Error" }),
      });
    }
    const evaluate = def.States[parallel.Next] as State & { Parameters: Record<string, unknown>; End: boolean };
    expect(evaluate).toMatchObject({ Type: "Task", End: true });
    expect(evaluate.Parameters).toMatchObject({ "partitions.$": "$.partitions", "probes.$": "$.probes" });
  });

  it("logs and traces executions and bounds their duration", () => {
    template.hasResourceProperties("AWS::StepFunctions::StateMachine", {
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: "ALL", IncludeExecutionData: false }),
    });
    expect((definitionOf(template) as { TimeoutSeconds?: number }).TimeoutSeconds).toBe(3600);
  });

  it("keeps evidence in a table mirroring the store's createTableInput, on demand, with PITR, its own rotated KMS key, TTL and deletion protection", () => {
    const input = createTableInput("x");
    const tables = template.findResources("AWS::DynamoDB::Table", { Properties: { DeletionProtectionEnabled: true } });
    expect(Object.keys(tables)).toHaveLength(1);
    const [id, table] = Object.entries(tables)[0] as [
      string,
      { Properties: Record<string, unknown>; DeletionPolicy: string; UpdateReplacePolicy: string },
    ];
    expect(table.DeletionPolicy).toBe("Retain");
    expect(table.UpdateReplacePolicy).toBe("Retain");
    expect(table.Properties).toMatchObject({
      BillingMode: "PAY_PER_REQUEST",
      KeySchema: input.KeySchema,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: "KMS", KMSMasterKeyId: { "Fn::GetAtt": [expect.stringMatching(/DataKey/), "Arn"] } },
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
    });
    const gsis = (table.Properties.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown }[]).map((g) => ({
      IndexName: g.IndexName,
      KeySchema: g.KeySchema,
    }));
    expect(gsis).toEqual(input.GlobalSecondaryIndexes?.map((g) => ({ IndexName: g.IndexName, KeySchema: g.KeySchema })));
    expect(id).toMatch(/Evidence/);
    template.hasResourceProperties("AWS::KMS::Key", { EnableKeyRotation: true });
  });

  it("keeps collected partitions in a short-lived encrypted artifacts table", () => {
    template.hasResourceProperties("AWS::DynamoDB::Table", {
      KeySchema: [
        { AttributeName: "pk", KeyType: "HASH" },
        { AttributeName: "sk", KeyType: "RANGE" },
      ],
      TimeToLiveSpecification: { AttributeName: "expiresAt", Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: "KMS" },
      DeletionProtectionEnabled: Match.absent(),
    });
  });

  it("alerts through a KMS-encrypted, TLS-only topic with the config's emails and the Slack function", () => {
    template.hasResourceProperties("AWS::SNS::Topic", { KmsMasterKeyId: { "Fn::GetAtt": [Match.stringLikeRegexp("DataKey"), "Arn"] } });
    template.hasResourceProperties("AWS::SNS::TopicPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: "Deny", Action: "sns:Publish", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
        ]),
      },
    });
    template.hasResourceProperties("AWS::SNS::Subscription", { Protocol: "email", Endpoint: "oncall@example.com" });
    template.hasResourceProperties("AWS::SNS::Subscription", {
      Protocol: "lambda",
      Endpoint: { "Fn::GetAtt": [Match.stringLikeRegexp("Slack"), "Arn"] },
    });
  });

  it("lets CloudWatch alarms of this account and region publish to the topic, over TLS only", () => {
    const policy = new Capture();
    template.hasResourceProperties("AWS::SNS::TopicPolicy", { PolicyDocument: { Statement: policy } });
    const statements = policy.asArray() as Record<string, unknown>[];
    expect(statements.filter((s) => s.Effect === "Allow")).toEqual([
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: { Ref: expect.stringMatching(/DataAlerts/) },
        Condition: {
          StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
          ArnLike: {
            "aws:SourceArn": {
              "Fn::Join": [
                "",
                ["arn:", { Ref: "AWS::Partition" }, ":cloudwatch:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, ":alarm:*"],
              ],
            },
          },
        },
      },
    ]);
    // The TLS Deny still applies to everyone, the alarms included.
    expect(statements).toContainEqual(
      expect.objectContaining({ Effect: "Deny", Action: "sns:Publish", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
    );
  });

  it("starts a first run on deploy and again when the deployed config changes, allowed to start only this state machine", () => {
    const resources = template.findResources("Custom::AWS");
    const [start] = Object.values(resources) as { Properties: { Create: unknown; Update: unknown } }[];
    const create = JSON.stringify(start?.Properties.Create);
    expect(create).toContain('\\"service\\":\\"SFN\\",\\"action\\":\\"startExecution\\"');
    expect(create).toMatch(/WorkflowStateMachine/);
    expect(create).toContain('trigger\\\\\\":\\\\\\"deploy');
    expect(JSON.stringify(start?.Properties.Update)).toBe(create);
    const starts = iamStatements(template).filter((s) => s.Action.includes("states:StartExecution"));
    for (const s of starts) expect(JSON.stringify(s.Resource)).toMatch(/^\[\{"Ref":"WorkflowStateMachine[0-9A-F]{8}"\}\]$/);
    expect(starts.length).toBeGreaterThanOrEqual(2);
  });

  it("outputs the table, topic and state machine, and the history and verify commands of this deployment", () => {
    const outputs = template.findOutputs("*");
    expect(outputs.EvidenceTableName?.Value).toEqual({ Ref: expect.stringMatching(/DataEvidence/) });
    expect(outputs.AlertTopicArn?.Value).toEqual({ Ref: expect.stringMatching(/DataAlerts/) });
    expect(outputs.StateMachineArn?.Value).toEqual({ Ref: expect.stringMatching(/WorkflowStateMachine/) });
    const table = outputs.EvidenceTableName?.Value;
    expect(outputs.HistoryCommand?.Value).toEqual({
      "Fn::Join": ["", ["AWS_REGION=", { Ref: "AWS::Region" }, " npx queue-auditor history --store dynamodb:", table, " --open"]],
    });
    expect(outputs.VerifyCommand?.Value).toEqual({
      "Fn::Join": ["", ["AWS_REGION=", { Ref: "AWS::Region" }, " npx queue-auditor verify --store dynamodb:", table]],
    });
  });

  it("re-audits on CloudTrail changes through a queue and a batching pipe (one run per burst)", () => {
    const pattern = new Capture();
    template.hasResourceProperties("AWS::Events::Rule", {
      EventPattern: pattern,
      Targets: [Match.objectLike({ InputTransformer: Match.anyValue() })],
    });
    const p = pattern.asObject() as { source: string[]; "detail-type": string[]; detail: { eventSource: string[]; eventName: string[] } };
    expect(p["detail-type"]).toEqual(["AWS API Call via CloudTrail"]);
    expect(p.source).toEqual(["aws.ec2", "aws.rds", "aws.elasticache", "aws.secretsmanager"]);
    expect(p.detail.eventName).toEqual(
      expect.arrayContaining(["AuthorizeSecurityGroupIngress", "ModifyDBParameterGroup", "ModifyUserGroup", "RotateSecret"]),
    );
    expect(p.detail.eventName).toHaveLength(new Set(Object.values(CHANGE_EVENTS).flat()).size);
    expect(p.detail.eventName).toEqual(expect.arrayContaining(["AddTagsToResource", "CreateDBInstance", "CreateReplicationGroup"]));
    // Reboots apply pending parameter changes; secret stage moves, deletes and restores change the live credential.
    expect(p.detail.eventName).toEqual(
      expect.arrayContaining(["RebootDBInstance", "RebootDBCluster", "UpdateSecretVersionStage", "DeleteSecret", "RestoreSecret"]),
    );
    template.hasResourceProperties("AWS::Pipes::Pipe", {
      SourceParameters: { SqsQueueParameters: { BatchSize: 100, MaximumBatchingWindowInSeconds: 300 } },
      Target: { Ref: Match.stringLikeRegexp("WorkflowStateMachine") },
      TargetParameters: { StepFunctionStateMachineParameters: { InvocationType: "FIRE_AND_FORGET" } },
    });
    template.hasResourceProperties("AWS::SQS::Queue", {
      SqsManagedSseEnabled: true,
      RedrivePolicy: Match.objectLike({ maxReceiveCount: 5 }),
    });
  });

  it("alarms to the topic on failed and timed-out runs, on each function's errors, and on a missing run (missing data breaching)", () => {
    const alarms = template.findResources("AWS::CloudWatch::Alarm");
    for (const alarm of Object.values(alarms))
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/DataAlerts/) }]);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", { Namespace: "AWS/States", MetricName: "ExecutionsFailed", Threshold: 1 });
    template.hasResourceProperties("AWS::CloudWatch::Alarm", { Namespace: "AWS/States", MetricName: "ExecutionsTimedOut" });
    template.resourcePropertiesCountIs("AWS::CloudWatch::Alarm", { Namespace: "AWS/Lambda", MetricName: "Errors" }, 4);
    template.hasResourceProperties("AWS::CloudWatch::Alarm", {
      Namespace: "QueueAuditor",
      MetricName: "RunsCompleted",
      Dimensions: [{ Name: "service", Value: "queue-auditor" }],
      Statistic: "Sum",
      Period: 7200,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: "LessThanThreshold",
      TreatMissingData: "breaching",
    });
  });

  it("has a dashboard of violations over time", () => {
    const body = new Capture();
    template.hasResourceProperties("AWS::CloudWatch::Dashboard", { DashboardBody: body });
    expect(JSON.stringify(body.asObject())).toMatch(/ViolationsOpen.*FailingFindings/);
  });

  it("grants no wildcard action, and writes only to its own tables, topic and key", () => {
    const statements = iamStatements(template).filter((s) => s.Effect === "Allow");
    for (const s of statements) for (const action of s.Action) expect(action, `${s.policy}`).not.toContain("*");
    const write =
      /^(dynamodb:(Put|Update|Delete|BatchWrite)|sns:Publish|kms:(Encrypt|GenerateDataKey)|sqs:(Send|Delete)|states:StartExecution)/;
    const ownResource = /DataEvidence|DataArtifacts|DataAlerts|DataKey|"Changes[0-9A-F]{8}"|WorkflowStateMachine/;
    for (const s of statements.filter((x) => x.Action.some((a) => write.test(a)))) {
      for (const r of s.Resource) expect(JSON.stringify(r), `${s.policy} ${s.Action}`).toMatch(ownResource);
    }
    const readOnly = statements.find((s) => s.Action.includes("ec2:DescribeSecurityGroups"));
    expect(readOnly?.Action.sort()).toEqual([...UNSCOPED_COLLECT_ACTIONS].sort());
  });

  it("scopes every collection action that has resource-level permissions, and nothing else is on *", () => {
    const statements = iamStatements(template).filter((s) => s.Effect === "Allow");
    const resourcesOf = (action: string) =>
      statements.filter((s) => s.Action.includes(action)).flatMap((s) => s.Resource.map((r) => JSON.stringify(r)));
    expect(resourcesOf("secretsmanager:DescribeSecret")).toEqual([
      expect.stringMatching(/:secretsmanager:\*:.*:secret:queue-db\/app-\?{6}/),
    ]);
    expect(resourcesOf("rds:DescribeDBParameters")).toEqual([
      expect.stringMatching(/:rds:\*:.*AccountId.*:pg:\*/),
      expect.stringMatching(/:rds:\*:.*AccountId.*:cluster-pg:\*/),
    ]);
    expect(resourcesOf("elasticache:ListTagsForResource")).toEqual([
      expect.stringMatching(/:replicationgroup:\*/),
      expect.stringMatching(/:cluster:\*/),
      expect.stringMatching(/:serverlesscache:\*/),
    ]);
    expect(resourcesOf("ec2:GetManagedPrefixListEntries")).toEqual([expect.stringMatching(/:ec2:\*:\*:prefix-list\/\*/)]);
    // Organization and multi-region trails belong to another account or region: any account's trails, nothing else.
    expect(resourcesOf("cloudtrail:GetEventSelectors")).toEqual([expect.stringMatching(/:cloudtrail:\*:\*:trail\/\*"/)]);
    for (const s of statements.filter((x) => x.Resource.includes("*"))) {
      for (const action of s.Action) {
        expect(action, s.policy).toMatch(
          /^(sts:GetCallerIdentity|ec2:Describe|rds:Describe|elasticache:Describe|cloudtrail:DescribeTrails$|xray:|logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)|kms:(Decrypt|GenerateDataKey)$)/,
        );
      }
    }
  });

  it("logs through a policy on each function's own log group, never AWSLambdaBasicExecutionRole", () => {
    expect(JSON.stringify(template.findResources("AWS::IAM::Role"))).not.toContain("AWSLambdaBasicExecutionRole");
    const logs = iamStatements(template).filter((s) => s.Action.includes("logs:PutLogEvents"));
    expect(logs.length).toBe(5); // the four functions and the first-run custom resource
    for (const s of logs) expect(s.Resource).toEqual([{ "Fn::GetAtt": [expect.stringMatching(/Logs/), "Arn"] }]);
  });

  it("seals the chain with its own HMAC key: GenerateMac for the evaluate function only", () => {
    template.hasResourceProperties("AWS::KMS::Key", { KeySpec: "HMAC_256", KeyUsage: "GENERATE_VERIFY_MAC" });
    const generate = iamStatements(template).filter((s) => s.Action.includes("kms:GenerateMac"));
    expect(generate).toHaveLength(1);
    expect(generate[0]?.policy).toMatch(/^Evaluate/);
    expect(generate[0]?.Resource).toEqual([{ "Fn::GetAtt": [expect.stringMatching(/DataChainKey/), "Arn"] }]);
    const evaluate = template.findResources("AWS::Lambda::Function", { Properties: { Description: Match.stringLikeRegexp("evaluate") } });
    const env = (Object.values(evaluate)[0] as { Properties: { Environment: { Variables: Record<string, unknown> } } }).Properties
      .Environment.Variables;
    expect(env.QUEUE_AUDITOR_CHAIN_KEY).toEqual({ "Fn::GetAtt": [expect.stringMatching(/DataChainKey/), "Arn"] });
    template.hasOutput("ChainKeyArn", {});
    template.hasOutput("CollectRoleArn", {});
  });

  it("lets the probe write only its own artifact keys (dynamodb:LeadingKeys)", () => {
    const policies = template.findResources("AWS::IAM::Policy");
    const probeWrites = Object.entries(policies)
      .filter(([id]) => id.startsWith("Probe"))
      .flatMap(
        ([, p]) => (p as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument.Statement,
      )
      .filter((st) => [st.Action].flat().includes("dynamodb:BatchWriteItem"));
    expect(probeWrites).toEqual([
      expect.objectContaining({
        Sid: "ProbeArtifactsOnly",
        Condition: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["*/probe/*"] } },
      }),
    ]);
  });

  it("lets EventBridge Pipes assume its role only for this account's pipe", () => {
    template.hasResourceProperties("AWS::IAM::Role", {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: "pipes.amazonaws.com" },
            Condition: {
              StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
              ArnEquals: { "aws:SourceArn": { "Fn::Join": ["", Match.arrayWith([":pipe/QueueAuditor-changes"])] } },
            },
          }),
        ],
      },
    });
    template.hasResourceProperties("AWS::Pipes::Pipe", { Name: "QueueAuditor-changes" });
  });

  it("lets the CloudWatch service use the key only for this account's alarms (no confused deputy)", () => {
    const [key] = Object.values(template.findResources("AWS::KMS::Key")) as {
      Properties: { KeyPolicy: { Statement: Record<string, unknown>[] } };
    }[];
    const forCloudWatch = key?.Properties.KeyPolicy.Statement.filter((s) =>
      JSON.stringify(s.Principal).includes("cloudwatch.amazonaws.com"),
    );
    expect(forCloudWatch).toEqual([
      {
        Sid: "CloudWatchAlarmsOfThisAccount",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: "*",
        Condition: {
          StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } },
          ArnLike: {
            "aws:SourceArn": {
              "Fn::Join": [
                "",
                ["arn:", { Ref: "AWS::Partition" }, ":cloudwatch:", { Ref: "AWS::Region" }, ":", { Ref: "AWS::AccountId" }, ":alarm:*"],
              ],
            },
          },
        },
      },
    ]);
  });

  it("reads only the named secrets, connects only as the IAM auth user, and assumes only configured roles", () => {
    const statements = iamStatements(template);
    const byAction = (a: string) => statements.filter((s) => s.Action.includes(a));
    expect(byAction("secretsmanager:GetSecretValue").flatMap((s) => s.Resource.map((r) => JSON.stringify(r)))).toEqual([
      expect.stringContaining(":secret:jobs-redis/auditor-??????"),
      expect.stringContaining(":secret:queue-auditor/slack-webhook-??????"),
    ]);
    expect(JSON.stringify(byAction("rds-db:connect")[0]?.Resource)).toContain("rds-db:eu-west-1:");
    expect(JSON.stringify(byAction("rds-db:connect")[0]?.Resource)).toContain(":dbuser:*/queue_auditor");
    expect(byAction("sts:AssumeRole").flatMap((s) => s.Resource)).toEqual(["arn:aws:iam::444455556666:role/QueueAuditorReadOnly"]);
  });
});

describe("cdk-nag AwsSolutions", () => {
  it("reports no unacknowledged finding on the stack", () => {
    const { app } = synthStack(exampleConfig(), {}, true);
    expect(() => app.synth()).not.toThrow();
  });

  it("still catches a wildcard nobody acknowledged (the check is live)", () => {
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const stack = new QueueAuditorStack(app, "QueueAuditor", { config: exampleConfig() });
    stack.functions.evaluate.addToRolePolicy(new PolicyStatement({ actions: ["s3:*"], resources: ["*"] }));
    expect(() => app.synth()).toThrow(/AwsSolutions-IAM5\[Action::s3:\*\]/);
  });
});

describe("QueueAuditorStack with other configs", () => {
  it("collects the stack's own account in each region when the config lists no accounts, and assumes no role", () => {
    const { template } = synthStack(configWith({ aws: { regions: ["eu-west-1", "us-east-1"] } }));
    const plan = (definitionOf(template) as Machine).States.Plan as State & { Result: { collect: { account: string; region: string }[] } };
    expect(plan.Result.collect.map((c) => [c.region, c.account])).toEqual([
      ["eu-west-1", "<{'Ref':'AWS::AccountId'}>"],
      ["us-east-1", "<{'Ref':'AWS::AccountId'}>"],
    ]);
    expect(iamStatements(template).some((s) => s.Action.includes("sts:AssumeRole"))).toBe(false);
  });

  it("alarms after two days without a run for a daily schedule, and uses a cron expression as given", () => {
    const daily = synthStack(configWith({ schedule: "rate(1 day)" })).template;
    daily.hasResourceProperties("AWS::CloudWatch::Alarm", {
      MetricName: "RunsCompleted",
      Period: 86400,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
    });
    const cron = synthStack(configWith({ schedule: "cron(0 6 * * ? *)" })).template;
    cron.hasResourceProperties("AWS::Scheduler::Schedule", { ScheduleExpression: "cron(0 6 * * ? *)" });
  });

  it("has no probe step, probe function or endpoints when the config names no database or Redis endpoint", () => {
    const { template } = synthStack(configWith({ postgres: [], redis: [] }));
    expect(JSON.stringify(definitionOf(template))).not.toContain("ProbeEachTarget");
    template.resourceCountIs("AWS::EC2::VPCEndpoint", 0);
    // collect, evaluate, slack, and CDK's custom-resource function of the first run.
    template.resourceCountIs("AWS::Lambda::Function", 4);
  });

  it("uses the VPC's NAT (no endpoints) when deploy.vpcEndpoints is none", () => {
    const config = exampleConfig();
    const { template } = synthStack({
      ...config,
      deploy: { ...(config.deploy as NonNullable<typeof config.deploy>), vpcEndpoints: "none" },
    });
    template.resourceCountIs("AWS::EC2::VPCEndpoint", 0);
  });

  it("grants each database's secret and rds-db:connect in that database's account and region, not the stack's", () => {
    const config = exampleConfig();
    const pg = config.postgres[0] as (typeof config.postgres)[number];
    const redis = config.redis[0] as (typeof config.redis)[number];
    const { template } = synthStack({
      ...config,
      aws: { ...config.aws, regions: ["eu-west-1", "us-east-1"] },
      postgres: [
        pg,
        {
          ...pg,
          name: "orders-db",
          account: "444455556666",
          connection: { ...pg.connection, host: "orders-db.abcdefghijkl.us-east-1.rds.amazonaws.com", user: "orders_auditor" },
        },
        {
          ...pg,
          name: "billing-db",
          account: "444455556666",
          region: "eu-west-1",
          connection: { ...pg.connection, host: "10.30.1.5", password: { secret: "billing-db/auditor" } },
        },
      ],
      redis: [{ ...redis, account: "444455556666", region: "us-east-1" }],
    });
    const statements = iamStatements(template);
    const resources = (action: string) =>
      statements
        .filter((s) => s.Action.includes(action))
        .flatMap((s) => s.Resource.map((r) => (typeof r === "string" ? r : JSON.stringify(r))));
    expect(resources("rds-db:connect")).toEqual([
      expect.stringMatching(
        /^\{"Fn::Join":\["",\["arn:aws:rds-db:eu-west-1:",\{"Ref":"AWS::AccountId"\},":dbuser:\*\/queue_auditor"\]\]\}$/,
      ),
      "arn:aws:rds-db:us-east-1:444455556666:dbuser:*/orders_auditor",
    ]);
    expect(resources("secretsmanager:GetSecretValue")).toEqual([
      "arn:aws:secretsmanager:eu-west-1:444455556666:secret:billing-db/auditor-??????",
      "arn:aws:secretsmanager:us-east-1:444455556666:secret:jobs-redis/auditor-??????",
      expect.stringContaining(":secret:queue-auditor/slack-webhook-??????"),
    ]);
  });

  it("reads no log without `logs:` in the config, and with it only the audited databases' postgresql log groups", () => {
    const fla = (t: Template) => iamStatements(t).filter((s) => s.Action.some((a) => a.startsWith("logs:Filter")));
    expect(fla(synthStack().template)).toEqual([]);
    const { template } = synthStack(configWith({ logs: {} }));
    const statements = fla(template);
    expect(statements.map((s) => s.Action)).toEqual([["logs:FilterLogEvents"]]);
    // targets.rds [queue-db] in aws.regions [eu-west-1] of the stack's account: instance or cluster, the group's ARN bare and with `:*`.
    const arn = (group: string) => ({
      "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":logs:eu-west-1:", { Ref: "AWS::AccountId" }, `:log-group:${group}`]],
    });
    expect(statements[0]?.Resource).toEqual([
      arn("/aws/rds/instance/queue-db/postgresql"),
      arn("/aws/rds/instance/queue-db/postgresql:*"),
      arn("/aws/rds/cluster/queue-db/postgresql"),
      arn("/aws/rds/cluster/queue-db/postgresql:*"),
    ]);
    // The log period starts at the last recorded run's start: the collect function may query the evidence table, and only that.
    const collectEnv = (t: Template) =>
      Object.values(t.findResources("AWS::Lambda::Function")).find((f) => f.Properties.Description?.includes("collect one account"))
        ?.Properties.Environment.Variables;
    expect(collectEnv(template)).toHaveProperty("QUEUE_AUDITOR_TABLE");
    expect(collectEnv(synthStack().template)).not.toHaveProperty("QUEUE_AUDITOR_TABLE");
    const collectPolicy = iamStatements(template).filter((s) => /^Collect.*Policy/.test(s.policy));
    expect(collectPolicy.filter((s) => s.Action.some((a) => a.startsWith("dynamodb:"))).map((s) => [s.Action, s.Resource.length])).toEqual([
      [["dynamodb:Query"], 2],
      [["dynamodb:BatchWriteItem"], 1],
    ]);
  });

  it("reads any instance's or cluster's postgresql log group when the databases are found by tag, and cdk-nag has every wildcard acknowledged", () => {
    const config = configWith({ logs: {}, targets: { rds: [], elasticache: [], tag: { key: "queue", value: "jobs" } } });
    const { app, template } = synthStack(config, {}, true);
    const resources = iamStatements(template)
      .filter((s) => s.Action.includes("logs:FilterLogEvents"))
      .flatMap((s) => s.Resource.map((r) => JSON.stringify(r)));
    expect(resources).toHaveLength(4);
    for (const [i, group] of [
      "instance/*/postgresql",
      "instance/*/postgresql:*",
      "cluster/*/postgresql",
      "cluster/*/postgresql:*",
    ].entries()) {
      expect(resources[i]).toContain(`:log-group:/aws/rds/${group}"`);
    }
    expect(() => app.synth()).not.toThrow();
  });

  it("warns at synth about passwords from environment variables, which the deployed probe does not have", () => {
    const config = exampleConfig();
    const pg = config.postgres[0] as (typeof config.postgres)[number];
    const { stack } = synthStack({ ...config, postgres: [{ ...pg, connection: { ...pg.connection, password: { env: "PGPASSWORD" } } }] });
    const warnings = stack.node.metadata.filter((m) => m.type === "aws:cdk:warning").map((m) => String(m.data));
    expect(warnings.join("\n")).toMatch(/postgres queue-db: password \{ env: … \} is not set in the deployed probe/);
  });
});
