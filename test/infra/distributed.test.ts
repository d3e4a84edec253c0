/**
 * The deployed auditor over an AWS Organization (and `regions: all`, and large static
 * configs): a discovery Lambda writes the partitions to S3, a Distributed Map collects each
 * in a child execution, and the evaluate step reads the results back from S3.
 */
import { App, Validations } from "aws-cdk-lib";
import { Match, type Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/audit/config/load.js";
import type { Config, ConfigInput } from "../../lib/audit/config/schema.js";
import { distributedReason, INLINE_PARTITION_LIMIT } from "../../lib/infra/plan.js";
import { QueueAuditorStack } from "../../lib/infra/stack.js";
import { DISTRIBUTED_COLLECT_CONCURRENCY, TRANSIENT_ERRORS } from "../../lib/infra/workflow.js";
import { configWith, definitionOf, synthStack } from "./support.js";

type State = Record<string, unknown> & { Type: string };
type Machine = { StartAt: string; States: Record<string, State> };

const ORG_ID = "o-a1b2c3d4e5";
const ROLE = "QueueAuditorReadOnly";

function orgConfig(extra: Partial<ConfigInput> = {}, deploy: Record<string, unknown> = {}): Config {
  const base = configWith({});
  return configWith({
    aws: { regions: "all", organization: { roleName: ROLE, externalId: "org-audit-1", exclude: ["999988887777"] } },
    deploy: { ...(base.deploy as object), organizationId: ORG_ID, ...deploy },
    ...extra,
  } as Partial<ConfigInput>);
}

/** The collect branch of the Parallel state: discover → Distributed Map → where the results are. */
function collectBranch(template: Template): Machine {
  const def = definitionOf(template) as Machine;
  const parallel = def.States.CollectAndProbe as State & { Branches: Machine[] };
  return parallel.Branches[0] as Machine;
}

type DistributedState = State & {
  ItemProcessor: Machine & { ProcessorConfig: Record<string, string> };
  ItemReader: Record<string, unknown>;
  ResultWriter: Record<string, unknown>;
  ItemSelector: Record<string, string>;
  MaxConcurrency: number;
  ToleratedFailurePercentage: number;
};

/** Every statement of every IAM policy, conditions included, with the policy's logical id. */
function statements(template: Template) {
  const out: { policy: string; Action: string[]; Resource: string[]; Condition?: unknown }[] = [];
  for (const [id, r] of Object.entries(template.findResources("AWS::IAM::Policy"))) {
    for (const s of r.Properties.PolicyDocument.Statement) {
      out.push({
        policy: id,
        Action: [s.Action].flat(),
        Resource: [s.Resource].flat().map((x: unknown) => JSON.stringify(x)),
        ...(s.Condition ? { Condition: s.Condition } : {}),
      });
    }
  }
  return out;
}

describe("QueueAuditorStack over an AWS Organization (aws.organization, regions: all)", () => {
  let template: Template;
  beforeAll(() => {
    template = synthStack(orgConfig()).template;
  });

  it("discovers the partitions, then collects them in a Distributed Map reading its items from S3", () => {
    const branch = collectBranch(template);
    expect(branch.StartAt).toBe("DiscoverPartitions");
    const discover = branch.States.DiscoverPartitions as State & { Next: string; ResultPath: string; Parameters: unknown };
    expect(discover).toMatchObject({ Type: "Task", ResultPath: "$.discovered", Parameters: { "runId.$": "$$.Execution.Name" } });
    const map = branch.States[discover.Next] as DistributedState;
    expect(map.Type).toBe("Map");
    expect(map.ItemProcessor.ProcessorConfig).toEqual({ Mode: "DISTRIBUTED", ExecutionType: "STANDARD" });
    expect(map.ItemReader).toEqual({
      Resource: "arn:<{'Ref':'AWS::Partition'}>:states:::s3:getObject",
      ReaderConfig: { InputType: "JSON" },
      Parameters: { Bucket: expect.stringMatching(/^<\{'Ref':'Partitions[0-9A-F]+'\}>$/), "Key.$": "$.discovered.key" },
    });
    // The run id names each partition's artifact; unreachable carries what discovery already knows.
    expect(map.ItemSelector).toEqual({
      "account.$": "$$.Map.Item.Value.account",
      "region.$": "$$.Map.Item.Value.region",
      "accountListed.$": "$$.Map.Item.Value.accountListed",
      "unreachable.$": "$$.Map.Item.Value.unreachable",
      "runId.$": "$$.Execution.Name",
    });
    // Results go to S3 (thousands of outcomes exceed a 256 KB state payload).
    expect(map.ResultWriter).toMatchObject({
      Resource: "arn:<{'Ref':'AWS::Partition'}>:states:::s3:putObject",
      Parameters: { Prefix: "map-runs" },
    });
    const evaluate = (definitionOf(template) as Machine).States.EvaluateAndRecord as State & { Parameters: Record<string, unknown> };
    expect(evaluate.Parameters).toMatchObject({ "collectOutcomes.$": "$.collectOutcomes", "partitions.$": "$.partitions" });
    // Gathered from S3 into one artifact by the discover function: the evaluate bundle carries no S3 client.
    const gather = collectBranch(template).States.GatherCollectRun as State & { Resource: string; ResultSelector: unknown };
    expect(gather).toMatchObject({ Type: "Task", ResultSelector: { "collectOutcomes.$": "$.key" } });
    expect(gather.Resource).toContain("Discover");
  });

  it("caps the children below Lambda's default concurrency and tolerates every failure, which the Catch turns into a failure marker", () => {
    const map = collectBranch(template).States.CollectEveryPartition as DistributedState;
    expect(map.MaxConcurrency).toBe(DISTRIBUTED_COLLECT_CONCURRENCY);
    expect(DISTRIBUTED_COLLECT_CONCURRENCY).toBeLessThan(1000);
    expect(map.ToleratedFailurePercentage).toBe(100);
    const task = map.ItemProcessor.States.CollectPartition as State & { Retry: { ErrorEquals: string[] }[]; Catch: unknown[] };
    expect(task.Retry[0]?.ErrorEquals).toEqual([...TRANSIENT_ERRORS]);
    expect(task.Catch).toEqual([{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "CollectFailed" }]);
    expect(map.ItemProcessor.States.CollectFailed).toMatchObject({
      Type: "Pass",
      Parameters: { failed: true, "account.$": "$.account", "region.$": "$.region", "error.$": "$.error.Error" },
    });

    const tuned = collectBranch(synthStack(orgConfig({}, { collectConcurrency: 350 })).template);
    expect((tuned.States.CollectEveryPartition as DistributedState).MaxConcurrency).toBe(350);
  });

  it("lets the state machine run its own child executions (CDK's DistributedMapPolicy) and use only its bucket", () => {
    const all = statements(template);
    const map = all.filter((s) => s.policy.startsWith("WorkflowStateMachineDistributedMapPolicy"));
    expect(map.map((s) => s.Action)).toEqual([
      ["states:StartExecution"],
      ["states:DescribeExecution", "states:StopExecution"],
      ["states:RedriveExecution"],
    ]);
    expect(map[0]?.Resource).toEqual([JSON.stringify({ Ref: "WorkflowStateMachine8F1B1C15" })]);
    const s3 = all.filter((s) => s.Action.some((a) => a.startsWith("s3:")));
    expect(s3.every((s) => s.Resource.every((r) => r.includes("Partitions")))).toBe(true);
  });

  it("lets the discovery function list the Organization and the regions, and assume roleName only in the deployed Organization", () => {
    const discover = statements(template).filter((s) => s.policy.startsWith("DiscoverRoleDefaultPolicy"));
    const byAction = (a: string) => discover.filter((s) => s.Action.includes(a));
    expect(byAction("organizations:ListAccounts")[0]?.Resource).toEqual(['"*"']);
    const parents = byAction("organizations:ListAccountsForParent")[0];
    expect(parents?.Action).toEqual(["organizations:ListAccountsForParent", "organizations:ListOrganizationalUnitsForParent"]);
    expect(parents?.Resource.join(" ")).toContain(`:organizations::*:ou/${ORG_ID}/ou-*`);
    expect(parents?.Resource.join(" ")).toContain(`:organizations::*:root/${ORG_ID}/r-*`);
    expect(byAction("ec2:DescribeRegions")[0]?.Resource).toEqual(['"*"']);
    expect(byAction("s3:PutObject")[0]?.Resource.join(" ")).toContain("/runs/*");
    // The member role must trust it too (docs/deploy.md, the Organization walkthrough).
    template.hasOutput("DiscoverRoleArn", { Value: { "Fn::GetAtt": [Match.stringLikeRegexp("^DiscoverRole"), "Arn"] } });

    for (const role of ["DiscoverRoleDefaultPolicy", "CollectRoleDefaultPolicy"]) {
      const assume = statements(template).filter((s) => s.policy.startsWith(role) && s.Action.includes("sts:AssumeRole"));
      expect(assume).toHaveLength(1);
      expect(assume[0]?.Resource.join(" ")).toContain(`:iam::*:role/${ROLE}`);
      expect(assume[0]?.Condition).toEqual({ StringEquals: { "aws:ResourceOrgID": ORG_ID } });
    }
  });

  it("keeps the items and results in a private, TLS-only bucket that expires them", () => {
    template.hasResourceProperties("AWS::S3::Bucket", {
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 2, Status: "Enabled" })]) },
    });
    template.hasResourceProperties("AWS::S3::BucketPolicy", {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } })]),
      },
    });
    // Only the discover function (gathering) reads it, besides the state machine.
    const reads = statements(template).filter((s) => s.Action.includes("s3:GetObject") && !s.policy.startsWith("Workflow"));
    expect(reads.map((s) => s.policy)).toEqual([expect.stringMatching(/^DiscoverRoleDefaultPolicy/)]);
    expect(reads[0]?.Resource.join(" ")).toMatch(/\/runs\/\*.*\/map-runs\/\*/);
  });

  it("reports no unacknowledged cdk-nag finding", () => {
    const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    new QueueAuditorStack(app, "QueueAuditor", { config: orgConfig() });
    expect(() => app.synth()).not.toThrow();
  });
});

describe("which Map collects", () => {
  it("uses the Distributed Map for an Organization, regions: all, or more partitions than an inline Map carries", () => {
    expect(distributedReason(orgConfig())).toMatch(/^aws.organization/);
    expect(distributedReason(configWith({ aws: { regions: "all" } }))).toMatch(/^aws.regions is all/);
    const accounts = Array.from({ length: 26 }, (_, i) => ({ id: String(100000000000 + i) }));
    const big = configWith({ aws: { regions: ["eu-west-1", "eu-west-2", "eu-central-1", "us-east-1"], accounts } });
    expect(26 * 4).toBeGreaterThan(INLINE_PARTITION_LIMIT);
    expect(distributedReason(big)).toBe("104 account x region partitions: more than an inline Map carries (100)");
    expect(distributedReason(configWith({}))).toBeUndefined();

    const def = definitionOf(synthStack(big).template) as Machine;
    expect(def.States.CollectAndProbe).toMatchObject({ Branches: [{ StartAt: "DiscoverPartitions" }, expect.anything()] });
    expect((def.States.Plan as State & { Result: { collect: unknown[] } }).Result.collect).toEqual([]);
  });

  it("keeps the inline Map for a small static config, at deploy.collectConcurrency up to the inline limit of 40", () => {
    const def = definitionOf(
      synthStack(configWith({ deploy: { ...(configWith({}).deploy as object), collectConcurrency: 500 } } as Partial<ConfigInput>))
        .template,
    ) as Machine;
    const branch = (def.States.CollectAndProbe as State & { Branches: Machine[] }).Branches[0] as Machine;
    expect(branch.States[branch.StartAt]).toMatchObject({ Type: "Map", ItemsPath: "$.collect", MaxConcurrency: 40 });
    expect(JSON.stringify(def)).not.toContain("DISTRIBUTED");
  });

  it("refuses aws.organization without deploy.organizationId, naming the config file", () => {
    const config = orgConfig();
    delete config.deploy?.organizationId;
    const build = () =>
      new QueueAuditorStack(new App({ context: { "aws:cdk:bundling-stacks": [] } }), "QueueAuditor", { config, configFile: "org.yaml" });
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(/^org\.yaml: deploy\.organizationId: expected the Organization's id \(o-…\) with aws\.organization/);
  });
});
