/**
 * What the stack and the handlers agree on: environment variable names and the shapes
 * Step Functions passes between states. Plain types and constants only, so lib/infra can
 * import it without pulling handler code into the CDK app, and the handlers without
 * pulling aws-cdk-lib into a bundle.
 */

/** Environment variables the stack sets on the functions. */
export const ENV = {
  /** The validated config, base64 JSON; replaced at bundle time by esbuild `define`. */
  config: "QUEUE_AUDITOR_CONFIG",
  /** DynamoDB table of collected partitions between collect and evaluate (chunked, short TTL). */
  artifactsTable: "QUEUE_AUDITOR_ARTIFACTS_TABLE",
  /** DynamoDB table of runs, findings and finding state (the store). */
  storeTable: "QUEUE_AUDITOR_TABLE",
  topicArn: "QUEUE_AUDITOR_TOPIC_ARN",
  /** S3 bucket of the Distributed Map: the discovered partitions (its items) and its results. */
  partitionsBucket: "QUEUE_AUDITOR_PARTITIONS_BUCKET",
  /** The KMS HMAC key that seals the run chain (GenerateMac for evaluate, VerifyMac for readers). */
  chainKey: "QUEUE_AUDITOR_CHAIN_KEY",
  /** With `deploy.alerts.securityHub`: the default product ARN of the stack's account and region, which the function may import into. */
  securityHubProductArn: "QUEUE_AUDITOR_SECURITY_HUB_PRODUCT_ARN",
  /** Secrets Manager name of the Slack incoming-webhook URL. */
  slackWebhookSecret: "QUEUE_AUDITOR_SLACK_WEBHOOK_SECRET",
  /**
   * A placement's probe (deploy.probes): the targets it may probe, as `KIND/NAME` comma-separated.
   * Set, the probe refuses any other and returns its observation to the relay instead of storing it.
   */
  probeTargets: "QUEUE_AUDITOR_PROBE_TARGETS",
} as const;

/** Powertools names shared by the handlers (metrics) and the stack (alarms, dashboard). */
export const TELEMETRY = {
  service: "queue-auditor",
  namespace: "QueueAuditor",
  metrics: {
    /** One per evaluated and recorded run; the missing-run alarm watches it. */
    runsCompleted: "RunsCompleted",
    /** FAIL findings of the run (open violations), the dashboard's "violations over time". */
    violationsOpen: "ViolationsOpen",
    /** FAIL findings per severity (dimension `severity`). */
    failingFindings: "FailingFindings",
    /** ERROR findings of the run: what could not be observed. */
    auditErrors: "AuditErrors",
    /** 1 when the run's alert could not be sent (it stays due: the next run retries it); an alarm watches it. */
    alertsUndelivered: "AlertsUndelivered",
    /** Findings of the run Security Hub did not take (with `deploy.alerts.securityHub`); the next run sends them again. */
    findingsNotImported: "FindingsNotImported",
  },
} as const;

/** One Map item of the collect step: an account × region of the config. */
export interface CollectItem {
  /** The account id (for the credentials' own account, the stack's account). */
  account: string;
  region: string;
  /** False when the config lists no accounts: collect the credentials' own account. */
  accountListed: boolean;
  /** The execution name, so artifacts of one run share a prefix. */
  runId: string;
  /**
   * Set by the discovery step when the account cannot be collected at all (its role refused,
   * its regions or the Organization not listable): the collect step stores the partition as
   * unreachable, every part carrying this.
   */
  unreachable?: { source: string; reason: string; code?: string; account?: string } | null;
}

/** One item of the Distributed Map, as the discovery step writes it (`unreachable` always present, null when reachable). */
export type DiscoveredItem = Omit<CollectItem, "runId" | "unreachable"> & { unreachable: NonNullable<CollectItem["unreachable"]> | null };

/** An object in S3. */
export interface S3Location {
  bucket: string;
  key: string;
}

/** The discovery step's output: where the Distributed Map's items are, and how many. */
export interface Discovered extends S3Location {
  count: number;
}

/**
 * A Distributed Map's collect results: its items (the discovery's file) and the ResultWriter's
 * manifest.json, whose SUCCEEDED and FAILED files hold each child execution's input and output.
 */
export interface CollectRun {
  items: S3Location;
  manifest: S3Location;
}

/** The result of a successful collect branch: where the partition is stored. */
export interface CollectedPartition {
  account: string;
  region: string;
  key: string;
}

/** One target of the plan. */
export interface ProbeItem {
  kind: "postgres" | "redis" | "mysql";
  /** The config target's name. */
  name: string;
}

/** One Map item of the probe step: a target of the plan and the execution name. */
export interface ProbeRequest extends ProbeItem {
  /** The execution name, so artifacts of one run share a prefix. */
  runId: string;
}

/** One Map item of the probe step with placements: the request and the placement's probe function. */
export interface ProbeRelayRequest extends ProbeRequest {
  /** The placement's probe function (another account or region), invoked by the relay. */
  functionArn: string;
}

/**
 * What a placement's probe returns to the relay: the observation itself, gzipped and base64
 * (a synchronous Lambda response holds up to 6 MB), which the relay stores in the auditor's
 * artifacts table. The placement then needs no access to the auditor's table or key.
 */
export interface ProbeObservationReturn extends ProbeItem {
  observation: { encoding: "gzip+base64"; data: string };
}

/**
 * The result of a successful probe branch: where the observation is stored. Never the
 * observation itself: a database with thousands of roles is hundreds of KB, and a state
 * payload over 256 KB fails the run with States.DataLimitExceeded, which no Catch handles.
 */
export interface ProbedTarget extends ProbeItem {
  key: string;
}

/** What a failed branch becomes (the state machine's Catch): evaluate turns it into ERROR findings. */
export interface BranchFailure {
  failed: true;
  /** Step Functions' error name, e.g. `Lambda.TooManyRequestsException` or `States.Timeout`. */
  error: string;
  cause: string;
}

export type CollectOutcome = CollectedPartition | (Omit<CollectItem, "runId"> & BranchFailure);
export type ProbeOutcome = ProbedTarget | (ProbeItem & BranchFailure);

/** The evaluate step's input. */
export interface EvaluateEvent {
  /** The inline Map's outcomes; empty when a Distributed Map collected (then `collectOutcomes`). */
  partitions: CollectOutcome[];
  /**
   * The artifact key of a Distributed Map's outcomes (CollectOutcome[]), gathered from S3 by
   * the discover function: the evaluate bundle then needs no S3 client (bench lambda.*.bundleKB).
   */
  collectOutcomes?: string;
  probes: ProbeOutcome[];
  /** The execution's name and start time (`$$.Execution`). */
  execution: { id: string; name: string; startTime: string };
}

export interface EvaluateOutput {
  runId: string;
  outcome: string;
  counts: Record<string, number>;
  /** Alert items delivered by this run; 0 when there was nothing to tell or the send failed. */
  notified: number;
  /** What became of the run's alert: `failed` means recorded but not sent (retried by the next run). */
  delivery: "sent" | "failed" | "nothing-to-send";
  /** With `deploy.alerts.securityHub`: whether every finding of the run was imported. */
  securityHub?: "imported" | "failed";
}

export function isBranchFailure(value: unknown): value is BranchFailure {
  return typeof value === "object" && value !== null && (value as { failed?: unknown }).failed === true;
}
