/**
 * The audit state machine: plan → (collect each account × region ‖ probe each database and
 * Redis endpoint) → evaluate-and-record. Transient Lambda errors are retried with backoff
 * and jitter; a branch that still fails is caught and becomes a failure marker the evaluate
 * step turns into ERROR findings, so a gap in the evidence is reported, never silent.
 */
import { Duration } from "aws-cdk-lib";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import {
  DefinitionBody,
  JitterType,
  JsonPath,
  LogLevel,
  Map as MapState,
  Parallel,
  Pass,
  Result,
  StateMachine,
  StateMachineType,
  TaskInput,
} from "aws-cdk-lib/aws-stepfunctions";
import { LambdaInvoke } from "aws-cdk-lib/aws-stepfunctions-tasks";
import { Construct } from "constructs";
import type { CollectItem, ProbeItem } from "../../lambda/support/contract.js";

/** Errors worth another attempt: Lambda's own throttling and service faults, and timeouts. */
export const TRANSIENT_ERRORS = [
  "Lambda.TooManyRequestsException",
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.ClientExecutionTimeoutException",
  "Lambda.EC2ThrottledException",
  "States.Timeout",
] as const;

export interface AuditWorkflowProps {
  readonly collect: IFunction;
  /** Absent when the config names no databases or Redis endpoints. */
  readonly probe?: IFunction;
  readonly evaluate: IFunction;
  readonly collectItems: readonly Omit<CollectItem, "runId">[];
  readonly probeItems: readonly ProbeItem[];
  /**
   * Account × region partitions collected at once.
   * @default 4
   */
  readonly collectConcurrency?: number;
  /**
   * Targets probed at once.
   * @default 8
   */
  readonly probeConcurrency?: number;
  /**
   * A run that takes longer fails (and alarms).
   * @default Duration.hours(1)
   */
  readonly timeout?: Duration;
}

/** Props that cannot work; the message says which prop and what to change. */
export class AuditWorkflowPropsError extends Error {
  override name = "AuditWorkflowPropsError";
}

function bounded(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > 40) throw new AuditWorkflowPropsError(`${name}: expected a whole number from 1 to 40, got ${n}`);
  return n;
}

export class AuditWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: AuditWorkflowProps) {
    super(scope, id);
    if (props.probeItems.length > 0 && !props.probe)
      throw new AuditWorkflowPropsError("probe: expected the probe function, the config names probe targets");
    const collectConcurrency = bounded("collectConcurrency", props.collectConcurrency, 4);
    const probeConcurrency = bounded("probeConcurrency", props.probeConcurrency, 8);

    const plan = new Pass(this, "Plan", {
      comment: "The account x region partitions and probe targets of the deployed config",
      result: Result.fromObject({ collect: props.collectItems, probes: props.probeItems }),
    });

    const collectMap = new MapState(this, "CollectEachPartition", {
      itemsPath: "$.collect",
      maxConcurrency: collectConcurrency,
      itemSelector: {
        "account.$": "$$.Map.Item.Value.account",
        "region.$": "$$.Map.Item.Value.region",
        "accountListed.$": "$$.Map.Item.Value.accountListed",
        "runId.$": "$$.Execution.Name",
      },
    });
    const collectFailed = new Pass(this, "CollectFailed", {
      comment: "Becomes ERROR findings for this account x region",
      parameters: {
        "account.$": "$.account",
        "region.$": "$.region",
        "accountListed.$": "$.accountListed",
        failed: true,
        "error.$": "$.error.Error",
        "cause.$": "$.error.Cause",
      },
    });
    collectMap.itemProcessor(this.invoke("CollectPartition", props.collect, JsonPath.entirePayload, collectFailed));

    const branches: Parallel = new Parallel(this, "CollectAndProbe", {
      resultSelector: props.probeItems.length > 0 ? { "partitions.$": "$[0]", "probes.$": "$[1]" } : { "partitions.$": "$[0]", probes: [] },
    });
    branches.branch(collectMap);
    if (props.probe && props.probeItems.length > 0) {
      const probeMap = new MapState(this, "ProbeEachTarget", {
        itemsPath: "$.probes",
        maxConcurrency: probeConcurrency,
        itemSelector: { "kind.$": "$$.Map.Item.Value.kind", "name.$": "$$.Map.Item.Value.name", "runId.$": "$$.Execution.Name" },
      });
      const probeFailed = new Pass(this, "ProbeFailed", {
        comment: "Becomes ERROR findings for this target",
        parameters: { "kind.$": "$.kind", "name.$": "$.name", failed: true, "error.$": "$.error.Error", "cause.$": "$.error.Cause" },
      });
      probeMap.itemProcessor(this.invoke("ProbeTarget", props.probe, JsonPath.entirePayload, probeFailed));
      branches.branch(probeMap);
    }

    const evaluate = new LambdaInvoke(this, "EvaluateAndRecord", {
      lambdaFunction: props.evaluate,
      payload: TaskInput.fromObject({
        "partitions.$": "$.partitions",
        "probes.$": "$.probes",
        execution: { "id.$": "$$.Execution.Id", "name.$": "$$.Execution.Name", "startTime.$": "$$.Execution.StartTime" },
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    evaluate.addRetry(retryTransient());

    const logs = new LogGroup(this, "Logs", { retention: RetentionDays.THREE_MONTHS });
    this.stateMachine = new StateMachine(this, "StateMachine", {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(plan.next(branches).next(evaluate)),
      timeout: props.timeout ?? Duration.hours(1),
      tracingEnabled: true,
      logs: { destination: logs, level: LogLevel.ALL, includeExecutionData: false },
    });
  }

  /** A Lambda task with the transient-error retry, whose final failure goes to `onFailure`. */
  private invoke(id: string, fn: IFunction, payload: string, onFailure: Pass): LambdaInvoke {
    const task = new LambdaInvoke(this, id, {
      lambdaFunction: fn,
      payload: TaskInput.fromJsonPathAt(payload),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
    });
    task.addRetry(retryTransient());
    task.addCatch(onFailure, { errors: ["States.ALL"], resultPath: "$.error" });
    return task;
  }
}

function retryTransient() {
  return {
    errors: [...TRANSIENT_ERRORS],
    interval: Duration.seconds(2),
    backoffRate: 2,
    maxAttempts: 5,
    maxDelay: Duration.seconds(60),
    jitterStrategy: JitterType.FULL,
  };
}
