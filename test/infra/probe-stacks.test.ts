/**
 * Two accounts × two regions, synthesized as an adopter would deploy it: the auditor stack
 * (with the probe relay) and one probe stack per placement, each admitting exactly the relay's
 * role; the relay may invoke exactly those functions; the trail check covers all four partitions.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { App, Validations } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../lib/audit/config/load.js";
import { probeFunctionArn, probeStackName } from "../../lib/infra/plan.js";
import { ProbeStackPropsError, QueueAuditorProbeStack } from "../../lib/infra/probe-stack.js";
import { QueueAuditorStack } from "../../lib/infra/stack.js";
import { definitionOf, iamStatements } from "./support.js";

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), "qa-probe-stacks-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const FILE = "examples/queue-auditor.two-accounts.yaml";
const RELAY_ROLE = "arn:aws:iam::111122223333:role/QueueAuditor-ProbeRelayRoleA1B2C3-XYZ";

function synthEstate(nag = false) {
  const config = loadConfig(FILE);
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const auditor = new QueueAuditorStack(app, "QueueAuditor", {
    config,
    configFile: FILE,
    env: { account: "111122223333", region: "eu-west-1" },
  });
  const probes = (config.deploy?.probes ?? []).map(
    (placement, i) =>
      new QueueAuditorProbeStack(app, probeStackName(placement), {
        config,
        placement,
        placementIndex: i,
        targets: auditor.probeAssignment?.byPlacement.get(i) ?? [],
        invokerRoleArn: RELAY_ROLE,
      }),
  );
  return { app, config, auditor, probes };
}

type State = { Type: string; [k: string]: unknown };

describe("two accounts x two regions with probe placements", () => {
  const { config, auditor, probes } = synthEstate();
  const placements = config.deploy?.probes ?? [];
  const functionArns = placements.map(probeFunctionArn);

  it("synthesizes one probe stack per placement, bound to its account and region, with its function in the placement's VPC", () => {
    expect(probes.map((p) => [p.stackName, p.account, p.region])).toEqual([
      ["QueueAuditorProbe-111122223333-eu-west-1-vpc-0a1b2c3d4e5f60001", "111122223333", "eu-west-1"],
      ["QueueAuditorProbe-111122223333-us-east-1-vpc-0a1b2c3d4e5f60002", "111122223333", "us-east-1"],
      ["QueueAuditorProbe-444455556666-eu-west-1-vpc-0a1b2c3d4e5f60003", "444455556666", "eu-west-1"],
      ["QueueAuditorProbe-444455556666-us-east-1-vpc-0a1b2c3d4e5f60004", "444455556666", "us-east-1"],
    ]);
    const assigned = ["postgres/queue-db", "redis/jobs-redis", "mysql/billing-db", "postgres/orders-db"];
    probes.forEach((stack, i) => {
      const placement = placements[i] as (typeof placements)[number];
      const template = Template.fromStack(stack);
      template.resourceCountIs("AWS::Lambda::Function", 1);
      template.hasResourceProperties("AWS::Lambda::Function", {
        FunctionName: `queue-auditor-probe-${placement.vpc.id}`,
        VpcConfig: { SubnetIds: placement.vpc.subnetIds, SecurityGroupIds: placement.securityGroupIds },
        // Its own target only; the observation goes back to the relay (no artifacts table here).
        Environment: { Variables: { QUEUE_AUDITOR_PROBE_TARGETS: assigned[i] } },
      });
      const vars = Object.values(template.findResources("AWS::Lambda::Function"))[0]?.Properties.Environment.Variables;
      expect(vars).not.toHaveProperty("QUEUE_AUDITOR_ARTIFACTS_TABLE");
      // No statement of the probe's role reaches the auditor's account's tables or keys.
      expect(JSON.stringify(iamStatements(template))).not.toMatch(/dynamodb|kms/);
    });
    // Interface endpoints only where the placement asks for them, and never DynamoDB's.
    expect(probes.map((p) => Object.keys(Template.fromStack(p).findResources("AWS::EC2::VPCEndpoint")).length)).toEqual([2, 0, 0, 0]);
  });

  it("admits exactly the auditor's probe relay role to each probe function", () => {
    for (const stack of probes) {
      const permissions = Object.values(Template.fromStack(stack).findResources("AWS::Lambda::Permission"));
      expect(permissions.map((p) => [p.Properties.Action, p.Properties.Principal])).toEqual([["lambda:InvokeFunction", RELAY_ROLE]]);
    }
  });

  it("grants each probe its own targets' secrets and rds-db:connect, in its own account and region", () => {
    const grants = probes.map((stack) =>
      iamStatements(Template.fromStack(stack))
        .filter((s) => s.Action.some((a) => a === "secretsmanager:GetSecretValue" || a === "rds-db:connect"))
        .flatMap((s) => s.Resource),
    );
    expect(grants).toEqual([
      ["arn:aws:rds-db:eu-west-1:111122223333:dbuser:*/queue_auditor"],
      ["arn:aws:secretsmanager:us-east-1:111122223333:secret:jobs-redis/auditor-??????"],
      ["arn:aws:secretsmanager:eu-west-1:444455556666:secret:billing-db/auditor-??????"],
      ["arn:aws:secretsmanager:us-east-1:444455556666:secret:orders-db/auditor-??????"],
    ]);
  });

  it("has the auditor's relay, not a probe, invoke exactly the four placement functions, and the state machine invoke the relay", () => {
    const template = Template.fromStack(auditor);
    expect(auditor.functions.probe).toBeUndefined();
    template.resourceCountIs("AWS::EC2::VPCEndpoint", 0);
    const invokes = iamStatements(template).filter((s) => s.Action.includes("lambda:InvokeFunction"));
    const relayRef = auditor.getLogicalId(auditor.functions.probeRelay?.node.defaultChild as never);
    const byRole = (role: string) => invokes.filter((s) => s.policy.startsWith(role)).flatMap((s) => s.Resource);
    expect(byRole("ProbeRelayRole").sort()).toEqual([...functionArns].sort());
    // The state machine may invoke the relay (and its own collect/evaluate), never a placement directly.
    const machine = JSON.stringify(byRole("WorkflowStateMachineRole"));
    expect(machine).toContain(relayRef);
    for (const arn of functionArns) expect(machine).not.toContain(arn);
    template.hasOutput("ProbeRelayRoleArn", {});
  });

  it("dispatches each probe item to its placement's function, and collects all four partitions for the trail check", () => {
    const def = definitionOf(Template.fromStack(auditor)) as { States: Record<string, State> };
    const plan = def.States.Plan as State & { Result: { collect: { account: string; region: string }[]; probes: unknown[] } };
    expect(plan.Result.probes).toEqual([
      { kind: "postgres", name: "queue-db", functionArn: functionArns[0] },
      { kind: "postgres", name: "orders-db", functionArn: functionArns[3] },
      { kind: "mysql", name: "billing-db", functionArn: functionArns[2] },
      { kind: "redis", name: "jobs-redis", functionArn: functionArns[1] },
    ]);
    const parallel = def.States.CollectAndProbe as State & { Branches: { States: Record<string, State> }[] };
    const map = parallel.Branches[1]?.States.ProbeEachTarget as State & { ItemSelector: Record<string, string> };
    expect(map.ItemSelector["functionArn.$"]).toBe("$$.Map.Item.Value.functionArn");
    expect(plan.Result.collect.map((c) => `${c.account}/${c.region}`)).toEqual([
      "111122223333/eu-west-1",
      "111122223333/us-east-1",
      "444455556666/eu-west-1",
      "444455556666/us-east-1",
    ]);
    // The trail check runs on each: enabled, and the collect role may read the trails there.
    expect(config.checks.disabled).not.toContain("cloudtrail-management-events-off");
    const trailActions = iamStatements(Template.fromStack(auditor))
      .filter((s) => s.policy.startsWith("CollectRole"))
      .flatMap((s) => s.Action)
      .filter((a) => a.startsWith("cloudtrail:"));
    expect(trailActions.sort()).toEqual(["cloudtrail:DescribeTrails", "cloudtrail:GetEventSelectors", "cloudtrail:GetTrailStatus"]);
  });

  it("passes cdk-nag AwsSolutions on the auditor and every probe stack", () => {
    const estate = synthEstate(true);
    expect(() => estate.app.synth()).not.toThrow();
  });

  it("refuses an invoker that is not a role ARN of the placement's partition", () => {
    const config = loadConfig(FILE);
    const placement = config.deploy?.probes?.[0] as NonNullable<NonNullable<typeof config.deploy>["probes"]>[number];
    const make = (invokerRoleArn: string) => () =>
      new QueueAuditorProbeStack(new App(), "P", { config, placement, placementIndex: 0, targets: [], invokerRoleArn });
    expect(make("111122223333")).toThrow(ProbeStackPropsError);
    expect(make("arn:aws-cn:iam::111122223333:role/relay")).toThrow(
      'invokerRoleArn: expected a role in the aws partition of deploy.probes[0] (eu-west-1), got "arn:aws-cn:iam::111122223333:role/relay"',
    );
  });

  it("are the stacks `cdk deploy` names with -c probeInvoker (the docs' commands)", async () => {
    const out = join(dir, "cdk.out");
    await run("npx", ["tsx", "bin/app.ts"], {
      env: {
        ...process.env,
        CDK_OUTDIR: out,
        CDK_CONTEXT_JSON: JSON.stringify({ config: FILE, probeInvoker: RELAY_ROLE, "aws:cdk:bundling-stacks": [] }),
      },
    });
    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    };
    const stacks = Object.entries(manifest.artifacts)
      .filter(([, a]) => a.type === "aws:cloudformation:stack")
      .map(([name, a]) => `${name} ${a.environment}`);
    expect(stacks).toEqual([
      "QueueAuditor aws://unknown-account/unknown-region",
      "QueueAuditorProbe-111122223333-eu-west-1-vpc-0a1b2c3d4e5f60001 aws://111122223333/eu-west-1",
      "QueueAuditorProbe-111122223333-us-east-1-vpc-0a1b2c3d4e5f60002 aws://111122223333/us-east-1",
      "QueueAuditorProbe-444455556666-eu-west-1-vpc-0a1b2c3d4e5f60003 aws://444455556666/eu-west-1",
      "QueueAuditorProbe-444455556666-us-east-1-vpc-0a1b2c3d4e5f60004 aws://444455556666/us-east-1",
    ]);
    // A whole app in a child process: slow on a loaded machine, not a timing claim.
  }, 240_000);
});
