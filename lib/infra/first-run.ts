/**
 * The first run, started by the deploy itself. RunMissing treats missing data as breaching
 * (a dead auditor must never look like a clean one), so without a run at deploy time it
 * would page within two schedule periods of a fresh stack whose schedule has not yet fired,
 * or whose first scheduled run is a day away (cron). A custom resource starts one execution
 * when the stack is created and again whenever the deployed config changes, so the first
 * evidence exists minutes after `cdk deploy` and a changed config is audited at once.
 */
import { createHash } from "node:crypto";
import { RemovalPolicy } from "aws-cdk-lib";
import { PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IStateMachine } from "aws-cdk-lib/aws-stepfunctions";
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from "aws-cdk-lib/custom-resources";
import { Construct } from "constructs";

export interface FirstRunProps {
  readonly stateMachine: IStateMachine;
  /** The config as the functions carry it; a change to it starts another run on deploy. */
  readonly encodedConfig: string;
}

/** The execution input of a deploy-started run (the state machine ignores its input, as for schedules). */
export function firstRunInput(encodedConfig: string): { trigger: "deploy"; config: string } {
  return { trigger: "deploy", config: createHash("sha256").update(encodedConfig).digest("hex").slice(0, 16) };
}

export class FirstRun extends Construct {
  readonly resource: AwsCustomResource;

  constructor(scope: Construct, id: string, props: FirstRunProps) {
    super(scope, id);
    const start = {
      service: "SFN",
      action: "startExecution",
      parameters: { stateMachineArn: props.stateMachine.stateMachineArn, input: JSON.stringify(firstRunInput(props.encodedConfig)) },
      // One physical resource for the stack's life: an update (a new config) starts a run, it does not replace anything.
      physicalResourceId: PhysicalResourceId.of("queue-auditor-first-run"),
    };
    const logGroup = new LogGroup(this, "Logs", { retention: RetentionDays.THREE_MONTHS, removalPolicy: RemovalPolicy.DESTROY });
    // Its own role, logging only to its own log group: no AWSLambdaBasicExecutionRole (logs:* on every group).
    const role = new Role(this, "Role", { assumedBy: new ServicePrincipal("lambda.amazonaws.com") });
    role.addToPolicy(new PolicyStatement({ actions: ["logs:CreateLogStream", "logs:PutLogEvents"], resources: [logGroup.logGroupArn] }));
    this.resource = new AwsCustomResource(this, "Start", {
      role,
      onCreate: start,
      onUpdate: start,
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({ actions: ["states:StartExecution"], resources: [props.stateMachine.stateMachineArn] }),
      ]),
      installLatestAwsSdk: false,
      logGroup,
    });
  }
}
