/**
 * Change-driven re-audit, debounced. An EventBridge rule matches CloudTrail management
 * events that can change who reaches a queue backend and sends a small summary of each to
 * an SQS queue. An EventBridge Pipe reads the queue with a batching window and starts the
 * state machine once per batch (Pipes hands a Step Functions target the whole batch as one
 * input), so a burst of changes within the window starts one run, not one per change.
 *
 * Changes in member accounts and other regions reach the same queue: a forwarder there
 * (change-forwarder.ts) sends the same events to the auditor's change bus, whose policy
 * admits exactly the configured accounts (or the Organization), and a second rule on that
 * bus feeds the same queue, so they are debounced together.
 */
import { Aws, Duration, Stack } from "aws-cdk-lib";
import { EventBus, EventField, type EventPattern, Rule, RuleTargetInput } from "aws-cdk-lib/aws-events";
import { SqsQueue } from "aws-cdk-lib/aws-events-targets";
import { AccountPrincipal, AnyPrincipal, PolicyStatement, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { CfnPipe } from "aws-cdk-lib/aws-pipes";
import { Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { IStateMachine } from "aws-cdk-lib/aws-stepfunctions";
import { Construct } from "constructs";

/** The API calls that re-trigger an audit, by CloudTrail event source. */
export const CHANGE_EVENTS = {
  "ec2.amazonaws.com": [
    "AuthorizeSecurityGroupIngress",
    "RevokeSecurityGroupIngress",
    "ModifySecurityGroupRules",
    "ModifyManagedPrefixList",
    "ModifyNetworkInterfaceAttribute",
  ],
  "rds.amazonaws.com": [
    "ModifyDBInstance",
    "ModifyDBCluster",
    // A reboot applies pending parameter changes (rds.force_ssl, logging) and may fail over.
    "RebootDBInstance",
    "RebootDBCluster",
    "ModifyDBParameterGroup",
    "ModifyDBClusterParameterGroup",
    "ResetDBParameterGroup",
    "ResetDBClusterParameterGroup",
    // Tag selection: a resource tagged (or created) now may be a backend in scope.
    "AddTagsToResource",
    "RemoveTagsFromResource",
    "CreateDBInstance",
    "CreateDBCluster",
  ],
  "elasticache.amazonaws.com": [
    "ModifyReplicationGroup",
    "ModifyCacheCluster",
    "ModifyServerlessCache",
    "ModifyUser",
    "ModifyUserGroup",
    "CreateUser",
    "DeleteUser",
    "CreateUserGroup",
    "DeleteUserGroup",
    "AddTagsToResource",
    "RemoveTagsFromResource",
    "CreateReplicationGroup",
    "CreateCacheCluster",
    "CreateServerlessCache",
  ],
  "secretsmanager.amazonaws.com": [
    "RotateSecret",
    "CancelRotateSecret",
    "UpdateSecret",
    "PutSecretValue",
    // Moving AWSCURRENT makes another version the live credential.
    "UpdateSecretVersionStage",
    "DeleteSecret",
    "RestoreSecret",
  ],
} as const;

/** The CloudTrail management events that re-trigger an audit, as an EventBridge pattern (the forwarders use it too). */
export function changeEventPattern(): EventPattern {
  const sources = Object.keys(CHANGE_EVENTS);
  return {
    source: sources.map((s) => `aws.${s.split(".")[0]}`),
    detailType: ["AWS API Call via CloudTrail"],
    detail: { eventSource: sources, eventName: [...new Set(Object.values(CHANGE_EVENTS).flat())] },
  };
}

export interface ChangeTriggerProps {
  readonly stateMachine: IStateMachine;
  /**
   * Accounts whose forwarders may put change events on the change bus (the config's
   * `aws.accounts`). The stack's own account needs no entry: its other regions are admitted by IAM.
   * @default none
   */
  readonly sourceAccounts?: readonly string[];
  /**
   * An Organization (`o-…`) every account of which may put change events on the bus
   * (`aws:PrincipalOrgID`), instead of listing accounts.
   * @default none
   */
  readonly organizationId?: string;
  /**
   * How long the pipe gathers changes before starting one run (at most 5 minutes, the
   * Pipes maximum).
   * @default Duration.minutes(5)
   */
  readonly debounce?: Duration;
  /**
   * Most changes in one batch. Each is a ~1 KB SQS record inside the execution input,
   * which Step Functions limits to 256 KB.
   * @default 100
   */
  readonly maxBatch?: number;
}

/** Props that cannot work; the message says which prop and what to change. */
export class ChangeTriggerPropsError extends Error {
  override name = "ChangeTriggerPropsError";
}

export class ChangeTrigger extends Construct {
  readonly rule: Rule;
  /** The bus that member accounts' and other regions' forwarders send their changes to. */
  readonly bus: EventBus;
  /** The rule on `bus`, feeding the same queue. */
  readonly forwardedRule: Rule;
  readonly queue: Queue;
  readonly pipe: CfnPipe;

  constructor(scope: Construct, id: string, props: ChangeTriggerProps) {
    super(scope, id);
    const debounce = props.debounce ?? Duration.minutes(5);
    if (debounce.toSeconds() < 1 || debounce.toSeconds() > 300) {
      throw new ChangeTriggerPropsError(
        `debounce: expected 1 second to 5 minutes (the Pipes batching window), got ${debounce.toHumanString()}`,
      );
    }
    const maxBatch = props.maxBatch ?? 100;
    if (!Number.isInteger(maxBatch) || maxBatch < 1 || maxBatch > 200) {
      throw new ChangeTriggerPropsError(`maxBatch: expected 1 to 200 so a batch fits the 256 KB execution input, got ${maxBatch}`);
    }

    const dlq = new Queue(this, "DeadLetters", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, "Changes", {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // Longer than the batching window, so a batch being gathered is not redelivered.
      visibilityTimeout: Duration.seconds(debounce.toSeconds() + 60),
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: dlq, maxReceiveCount: 5 },
    });

    this.rule = new Rule(this, "Rule", {
      description: "Re-audit the job queue backends after a change to who can reach them",
      eventPattern: changeEventPattern(),
    });
    this.bus = new EventBus(this, "Bus", {
      eventBusName: `${Stack.of(this).stackName}-changes`.slice(0, 256),
      description: "queue-auditor: change events forwarded from member accounts and other regions",
    });
    for (const account of props.sourceAccounts ?? []) {
      if (!/^\d{12}$/.test(account)) throw new ChangeTriggerPropsError(`sourceAccounts: expected 12-digit account ids, got "${account}"`);
    }
    if (props.organizationId !== undefined && !/^o-[a-z0-9]{10,32}$/.test(props.organizationId)) {
      throw new ChangeTriggerPropsError(`organizationId: expected an Organization id such as o-a1b2c3d4e5, got "${props.organizationId}"`);
    }
    const accounts = [...new Set(props.sourceAccounts ?? [])].sort();
    if (accounts.length > 0) {
      this.bus.addToResourcePolicy(
        new PolicyStatement({
          sid: "ConfiguredAccountsPutChanges",
          principals: accounts.map((a) => new AccountPrincipal(a)),
          actions: ["events:PutEvents"],
          resources: [this.bus.eventBusArn],
        }),
      );
    }
    if (props.organizationId) {
      this.bus.addToResourcePolicy(
        new PolicyStatement({
          sid: "OrganizationPutsChanges",
          principals: [new AnyPrincipal()],
          actions: ["events:PutEvents"],
          resources: [this.bus.eventBusArn],
          conditions: { StringEquals: { "aws:PrincipalOrgID": props.organizationId } },
        }),
      );
    }
    this.forwardedRule = new Rule(this, "ForwardedRule", {
      description: "Re-audit after a change forwarded from a member account or another region",
      eventBus: this.bus,
      eventPattern: changeEventPattern(),
    });
    // Only a summary travels on: the batch must fit the state machine's input. The account and
    // region of a forwarded event stay those of the change, not of the forwarder.
    const summary = RuleTargetInput.fromObject({
      eventSource: EventField.fromPath("$.detail.eventSource"),
      eventName: EventField.fromPath("$.detail.eventName"),
      account: EventField.account,
      region: EventField.region,
      time: EventField.time,
    });
    this.rule.addTarget(new SqsQueue(this.queue, { message: summary }));
    this.forwardedRule.addTarget(new SqsQueue(this.queue, { message: summary }));

    const pipeName = `${Stack.of(this).stackName}-changes`.slice(0, 64);
    // Pipes assumes the role only for this account's pipe of this name (no confused deputy).
    const role = new Role(this, "PipeRole", {
      assumedBy: new ServicePrincipal("pipes.amazonaws.com").withConditions({
        StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID },
        ArnEquals: { "aws:SourceArn": `arn:${Aws.PARTITION}:pipes:${Aws.REGION}:${Aws.ACCOUNT_ID}:pipe/${pipeName}` },
      }),
    });
    role.addToPolicy(
      new PolicyStatement({
        actions: ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
        resources: [this.queue.queueArn],
      }),
    );
    role.addToPolicy(new PolicyStatement({ actions: ["states:StartExecution"], resources: [props.stateMachine.stateMachineArn] }));

    this.pipe = new CfnPipe(this, "Pipe", {
      name: pipeName,
      description: "Starts one audit per batch of changes",
      roleArn: role.roleArn,
      source: this.queue.queueArn,
      sourceParameters: {
        sqsQueueParameters: { batchSize: maxBatch, maximumBatchingWindowInSeconds: debounce.toSeconds() },
      },
      target: props.stateMachine.stateMachineArn,
      targetParameters: { stepFunctionStateMachineParameters: { invocationType: "FIRE_AND_FORGET" } },
    });
    this.pipe.node.addDependency(role);
  }
}
