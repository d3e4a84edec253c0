/**
 * The audit state machine: plan → (collect each account × region ‖ probe each database and
 * Redis endpoint) → evaluate-and-record. Transient Lambda errors are retried with backoff
 * and jitter; a branch that still fails is caught and becomes a failure marker the evaluate
 * step turns into ERROR findings, so a gap in the evidence is reported, never silent.
 *
 * Collection runs in one of two shapes (docs/deploy.md, "Large estates"): an inline Map over
 * the partitions the synth planned, or — for an Organization, `regions: all`, or more
 * partitions than an inline Map should carry — a discovery Lambda that writes the partitions
 * to S3 and a Distributed Map over them, each partition a child execution, the results
 * written back to S3 for the evaluate step.
 */
import { Duration } from "aws-cdk-lib";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import type { IBucket } from "aws-cdk-lib/aws-s3";
import {
  DefinitionBody,
  DistributedMap,
  JitterType,
  JsonPath,
  LogLevel,
  Map as MapState,
  Parallel,
  Pass,
  ProcessorMode,
  ProcessorType,
  Result,
  ResultWriterV2,
  S3JsonItemReader,
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
  /**
   * Absent when the config names no databases or Redis endpoints. With probe placements
   * (items carrying `functionArn`), the relay that invokes each placement's probe.
   */
  readonly probe?: IFunction;
  readonly evaluate: IFunction;
  /** The inline Map's partitions; unused with `distributed`. */
  readonly collectItems: readonly Omit<CollectItem, "runId">[];
  /** Collect over a Distributed Map of the partitions the discovery function finds at run time. */
  readonly distributed?: DistributedCollect;
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

export interface DistributedCollect {
  /** Writes the run's partitions to `bucket` and returns { bucket, key, count }. */
  readonly discover: IFunction;
  /** Holds the items and the Map Run's results (same account and region as the state machine). */
  readonly bucket: IBucket;
  /**
   * Child executions (partitions) at once.
   * @default DISTRIBUTED_COLLECT_CONCURRENCY
   */
  readonly maxConcurrency?: number;
}

/**
 * Partitions a Distributed Map collects at once by default. Each is one collect Lambda, and
 * Lambda's default concurrency quota is 1,000 per account and region, shared with every
 * other function there (the probe and evaluate steps, other applications): 200 leaves four
 * fifths of it, and still collects 4,000 partitions in about 20 waves.
 */
export const DISTRIBUTED_COLLECT_CONCURRENCY = 200;

/** The Distributed Map's results prefix in the bucket (the Map Run id and manifest.json follow). */
export const MAP_RESULTS_PREFIX = "map-runs";

/** The Map Run label: child executions are named after it. */
export const COLLECT_MAP_LABEL = "Collect";

/** Props that cannot work; the message says which prop and what to change. */
export class AuditWorkflowPropsError extends Error {
  override name = "AuditWorkflowPropsError";
}

function bounded(name: string, value: number | undefined, fallback: number, max = 40): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new AuditWorkflowPropsError(`${name}: expected a whole number from 1 to ${max}, got ${n}`);
  return n;
}

export class AuditWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: AuditWorkflowProps) {
    super(scope, id);
    // ResultWriterV2 (the documented ResultWriter with WriterConfig) renders only under this flag.
    this.node.setContext("@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2", true);
    if (props.probeItems.length > 0 && !props.probe)
      throw new AuditWorkflowPropsError("probe: expected the probe function, the config names probe targets");
    const collectConcurrency = bounded("collectConcurrency", props.collectConcurrency, 4);
    const probeConcurrency = bounded("probeConcurrency", props.probeConcurrency, 8);

    const plan = new Pass(this, "Plan", {
      comment: props.distributed
        ? "The probe targets of the deployed config; the partitions are discovered at run time"
        : "The account x region partitions and probe targets of the deployed config",
      result: Result.fromObject({ collect: props.distributed ? [] : props.collectItems, probes: props.probeItems }),
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
    const collectPartition = this.invoke("CollectPartition", props.collect, JsonPath.entirePayload, collectFailed);
    const collect = props.distributed
      ? this.distributedCollect(props.distributed, collectPartition)
      : new MapState(this, "CollectEachPartition", {
          itemsPath: "$.collect",
          maxConcurrency: collectConcurrency,
          itemSelector: {
            "account.$": "$$.Map.Item.Value.account",
            "region.$": "$$.Map.Item.Value.region",
            "accountListed.$": "$$.Map.Item.Value.accountListed",
            "runId.$": "$$.Execution.Name",
          },
        }).itemProcessor(collectPartition);

    const collected = props.distributed
      ? { partitions: [], "collectOutcomes.$": "$[0].collectOutcomes" }
      : { "partitions.$": "$[0]", collectOutcomes: null };
    const branches: Parallel = new Parallel(this, "CollectAndProbe", {
      resultSelector: props.probeItems.length > 0 ? { ...collected, "probes.$": "$[1]" } : { ...collected, probes: [] },
    });
    branches.branch(collect);
    if (props.probe && props.probeItems.length > 0) {
      const probeMap = new MapState(this, "ProbeEachTarget", {
        itemsPath: "$.probes",
        maxConcurrency: probeConcurrency,
        itemSelector: {
          "kind.$": "$$.Map.Item.Value.kind",
          "name.$": "$$.Map.Item.Value.name",
          "runId.$": "$$.Execution.Name",
          // With probe placements each item names its placement's function, which `probe` (the relay) invokes.
          ...(props.probeItems.some((i) => "functionArn" in i) ? { "functionArn.$": "$$.Map.Item.Value.functionArn" } : {}),
        },
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
        "collectOutcomes.$": "$.collectOutcomes",
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

  /**
   * Discover → Distributed Map over the discovered partitions, its output reshaped into the
   * evaluate step's `collectRun` (where the items and the Map Run's results are in S3).
   */
  private distributedCollect(d: DistributedCollect, collectPartition: LambdaInvoke) {
    const maxConcurrency = bounded("distributed.maxConcurrency", d.maxConcurrency, DISTRIBUTED_COLLECT_CONCURRENCY, 10_000);
    const discover = new LambdaInvoke(this, "DiscoverPartitions", {
      comment: "The partitions of this run (an Organization's accounts, each account's enabled regions), written to S3",
      lambdaFunction: d.discover,
      payload: TaskInput.fromObject({ "runId.$": "$$.Execution.Name" }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultPath: "$.discovered",
    });
    discover.addRetry(retryTransient());
    const map = new DistributedMap(this, "CollectEveryPartition", {
      comment: "One child execution per account x region; a failed one becomes ERROR findings, never a gap",
      label: COLLECT_MAP_LABEL,
      itemReader: new S3JsonItemReader({ bucket: d.bucket, key: JsonPath.stringAt("$.discovered.key") }),
      itemSelector: {
        "account.$": "$$.Map.Item.Value.account",
        "region.$": "$$.Map.Item.Value.region",
        "accountListed.$": "$$.Map.Item.Value.accountListed",
        "unreachable.$": "$$.Map.Item.Value.unreachable",
        "runId.$": "$$.Execution.Name",
      },
      maxConcurrency,
      // Every child's outcome is evidence: a Map Run that failed on a threshold would throw
      // away the partitions it did collect. Each failed child is read from the results and
      // becomes ERROR findings (lambda/support/map-run.ts).
      toleratedFailurePercentage: 100,
      resultWriterV2: new ResultWriterV2({ bucket: d.bucket, prefix: MAP_RESULTS_PREFIX }),
      resultSelector: { "manifest.$": "$.ResultWriterDetails" },
      resultPath: "$.results",
    });
    map.itemProcessor(collectPartition, { mode: ProcessorMode.DISTRIBUTED, executionType: ProcessorType.STANDARD });
    const gather = new LambdaInvoke(this, "GatherCollectRun", {
      comment: "Every discovered partition's outcome, from the items and the Map Run's results in S3, as one artifact",
      lambdaFunction: d.discover,
      payload: TaskInput.fromObject({
        "runId.$": "$$.Execution.Name",
        collectRun: {
          items: { "bucket.$": "$.discovered.bucket", "key.$": "$.discovered.key" },
          manifest: { "bucket.$": "$.results.manifest.Bucket", "key.$": "$.results.manifest.Key" },
        },
      }),
      payloadResponseOnly: true,
      retryOnServiceExceptions: false,
      resultSelector: { "collectOutcomes.$": "$.key" },
    });
    gather.addRetry(retryTransient());
    return discover.next(map).next(gather);
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
