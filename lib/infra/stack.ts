/**
 * QueueAuditorStack: the deployed auditor, driven by the same config file as the CLI.
 * A schedule and CloudTrail change events start the audit state machine; its functions
 * collect, probe, evaluate and record; alarms and a dashboard watch it.
 */

import { Annotations, Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from "aws-cdk-lib";
import type { Table } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from "aws-cdk-lib/aws-s3";
import { Schedule, ScheduleExpression, ScheduleTargetInput } from "aws-cdk-lib/aws-scheduler";
import { StepFunctionsStartExecution } from "aws-cdk-lib/aws-scheduler-targets";
import { LambdaSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Construct, IConstruct } from "constructs";
import { ENV } from "../../lambda/support/contract.js";
import type { Config } from "../audit/config/schema.js";
import {
  ASSUME_ROLE_ACTIONS,
  auditedLogGroups,
  CHAIN_SEAL_ACTIONS,
  CHAIN_VERIFY_ACTIONS,
  collectStatements,
  logGroupArns,
  logReadStatements,
  PROBE_SECRET_ACTIONS,
  SECURITY_HUB_ACTIONS,
  secretPattern,
  securityHubProductArn,
} from "../audit/iam.js";
import { AuditorFunction } from "./auditor-function.js";
import { ChangeTrigger } from "./change-trigger.js";
import { ConfigError, encodeConfig, schedulePeriod } from "./config.js";
import { AuditorData } from "./data.js";
import { FirstRun } from "./first-run.js";
import { Monitoring } from "./monitoring.js";
import { acknowledgeStackFindings } from "./nag.js";
import {
  assignProbes,
  assumedRoleArns,
  collectItems,
  DISCOVER_PREFIX,
  deployProblem,
  discoverStatements,
  distributedReason,
  envPasswordTargets,
  INLINE_MAP_CONCURRENCY,
  organizationRoleStatement,
  type ProbeAssignment,
  probeItems,
  type RoleStatement,
  rdsDbUserArns,
  type StackPlace,
  secretArn,
} from "./plan.js";
import { addProbeFunction } from "./probe-function.js";
import { AuditWorkflow, DISTRIBUTED_COLLECT_CONCURRENCY, MAP_RESULTS_PREFIX } from "./workflow.js";

/** The DynamoDB calls of lib/audit/store's DynamoStore (its reads are Queries; its writes puts, batches and updates). */
export const STORE_ACTIONS = ["dynamodb:Query", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"] as const;

/**
 * The probe's (or relay's) write to the artifacts table: its own keys only, so a compromised
 * probe cannot overwrite a collected partition.
 */
function probeArtifactsOnly(artifacts: Table): PolicyStatement {
  return new PolicyStatement({
    sid: "ProbeArtifactsOnly",
    actions: ["dynamodb:BatchWriteItem"],
    resources: [artifacts.tableArn],
    conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["*/probe/*"] } },
  });
}

/** What a caller of the KMS-encrypted tables and topic needs on the stack's key (named, no wildcards). */
export const KEY_ACTIONS = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"] as const;

export interface QueueAuditorStackProps extends StackProps {
  /** The validated config (see `configFromContext`). */
  readonly config: Config;
  /**
   * The config's file name, for the synth's one-line errors.
   * @default "config"
   */
  readonly configFile?: string;
  /**
   * How often a `cron(…)` schedule is expected to run, for the missing-run alarm.
   * @default Duration.days(1)
   */
  readonly cronPeriod?: Duration;
  /**
   * Bundle the AWS SDK v3 into the functions.
   * @default true
   */
  readonly bundleAwsSdk?: boolean;
}

function policyStatement(st: RoleStatement): PolicyStatement {
  return new PolicyStatement({
    sid: st.sid,
    actions: st.actions,
    resources: st.resources,
    ...(st.conditions ? { conditions: st.conditions } : {}),
  });
}

export class QueueAuditorStack extends Stack {
  readonly data: AuditorData;
  readonly functions: {
    collect: AuditorFunction;
    discover?: AuditorFunction;
    probe?: AuditorFunction;
    /** With probe placements (deploy.probes), instead of `probe`. */
    probeRelay?: AuditorFunction;
    evaluate: AuditorFunction;
    slack?: AuditorFunction;
  };
  /** The Distributed Map's items and results; only when the partitions are discovered at run time (`distributedReason`). */
  readonly partitionsBucket?: Bucket;
  readonly workflow: AuditWorkflow;
  readonly changes: ChangeTrigger;
  readonly monitoring: Monitoring;
  readonly firstRun: FirstRun;
  /** With deploy.probes: which placement probes each target (bin/app.ts builds their stacks from it). */
  readonly probeAssignment?: ProbeAssignment;

  constructor(scope: Construct, id: string, props: QueueAuditorStackProps) {
    super(scope, id, props);
    const { config } = props;
    const problem = deployProblem(config);
    if (problem) throw new ConfigError(`${props.configFile ?? "config"}: ${problem}`);
    const place: StackPlace = { account: Aws.ACCOUNT_ID, region: Aws.REGION, partition: Aws.PARTITION };
    const bundleAwsSdk = props.bundleAwsSdk ?? true;
    // With deploy.probes each target is probed from its placement; one no placement reaches stops the synth (before any bundling).
    const assignment = config.deploy?.probes ? assignProbes(config, props.configFile ?? "config") : undefined;
    if (assignment) this.probeAssignment = assignment;

    this.data = new AuditorData(this, "Data", { emails: config.deploy?.alerts.emails ?? [] });
    const { table, artifacts, topic } = this.data;

    const collect = new AuditorFunction(this, "Collect", {
      handlerName: "collect",
      config,
      bundleAwsSdk,
      description: "queue-auditor: collect one account x region inventory",
      memorySize: 1024,
      timeout: Duration.minutes(10),
      // With logs:, the log period starts at the last recorded run's start, read from the evidence table.
      environment: { [ENV.artifactsTable]: artifacts.tableName, ...(config.logs ? { [ENV.storeTable]: table.tableName } : {}) },
    });
    if (config.logs) table.grant(collect, "dynamodb:Query");
    // Scoped wherever the Service Authorization Reference allows it; the rest has no resource-level permissions.
    const collectScope = {
      partition: Aws.PARTITION,
      account: Aws.ACCOUNT_ID,
      secrets: config.credentials.secrets.map((ref) => secretPattern(ref, Aws.PARTITION, Aws.ACCOUNT_ID)),
    };
    for (const st of collectStatements(collectScope)) {
      collect.addToRolePolicy(new PolicyStatement({ sid: st.Sid, actions: st.Action, resources: st.Resource }));
    }
    // The databases' own logs, only when the config reads them (`logs:`), on their postgresql groups only.
    const logGroups = config.logs ? auditedLogGroups(config.targets) : [];
    const logRegions = Array.isArray(config.aws.regions) && config.aws.regions.length > 0 ? config.aws.regions : [Aws.REGION];
    for (const st of logReadStatements(logGroups, { partition: Aws.PARTITION, account: Aws.ACCOUNT_ID, regions: logRegions })) {
      collect.addToRolePolicy(new PolicyStatement({ sid: st.Sid, actions: st.Action, resources: st.Resource }));
    }
    const roles = assumedRoleArns(config);
    if (roles.length > 0)
      collect.addToRolePolicy(new PolicyStatement({ sid: "AssumeMemberRoles", actions: [...ASSUME_ROLE_ACTIONS], resources: roles }));
    const orgRoles = organizationRoleStatement(config, Aws.PARTITION);
    if (orgRoles) collect.addToRolePolicy(policyStatement(orgRoles));
    artifacts.grant(collect, "dynamodb:BatchWriteItem");
    this.data.key.grant(collect, ...KEY_ACTIONS);

    const targets = assignment?.items ?? probeItems(config);
    let probe: AuditorFunction | undefined;
    let probeRelay: AuditorFunction | undefined;
    if (assignment && targets.length > 0) {
      // Each target is probed by its placement's stack; the relay invokes it there and stores what it returns.
      probeRelay = new AuditorFunction(this, "ProbeRelay", {
        handlerName: "probe-relay",
        bundleAwsSdk,
        description: "queue-auditor: invoke a probe placement's function and store its observation",
        memorySize: 512,
        // The placement's probe may take its 3 minutes, plus the invoke and the artifact write.
        timeout: Duration.minutes(4),
        environment: { [ENV.artifactsTable]: artifacts.tableName },
      });
      probeRelay.addToRolePolicy(
        new PolicyStatement({
          sid: "InvokePlacementProbes",
          actions: ["lambda:InvokeFunction"],
          resources: [...new Set(assignment.items.map((i) => i.functionArn))],
        }),
      );
      probeRelay.addToRolePolicy(probeArtifactsOnly(artifacts));
      this.data.key.grant(probeRelay, ...KEY_ACTIONS);
    } else if (targets.length > 0) {
      probe = addProbeFunction(this, {
        config,
        place,
        bundleAwsSdk,
        artifacts,
        network: config.deploy?.vpc
          ? {
              vpcId: config.deploy.vpc.id,
              subnetIds: config.deploy.vpc.subnetIds,
              securityGroupIds: config.deploy.probeSecurityGroupIds,
              vpcEndpoints: config.deploy.vpcEndpoints,
            }
          : undefined,
      });
      // The observation goes to the artifacts table (a catalog can exceed a state payload),
      // under its own keys only: a compromised probe cannot overwrite a collected partition.
      probe.addToRolePolicy(probeArtifactsOnly(artifacts));
      this.data.key.grant(probe, ...KEY_ACTIONS);
    }

    // Security Hub takes findings only into the caller's own account and region (its default product).
    const securityHubProduct = config.deploy?.alerts.securityHub
      ? securityHubProductArn(Aws.PARTITION, Aws.REGION, Aws.ACCOUNT_ID)
      : undefined;
    const evaluate = new AuditorFunction(this, "Evaluate", {
      handlerName: "evaluate",
      config,
      bundleAwsSdk,
      description: "queue-auditor: evaluate, record evidence, notify",
      memorySize: 1536,
      timeout: Duration.minutes(10),
      environment: {
        [ENV.artifactsTable]: artifacts.tableName,
        [ENV.storeTable]: table.tableName,
        [ENV.topicArn]: topic.topicArn,
        [ENV.chainKey]: this.data.chainKey.keyArn,
        ...(securityHubProduct ? { [ENV.securityHubProductArn]: securityHubProduct } : {}),
      },
    });
    // The chain seal: only this function may make MACs (it verifies the head it appends after);
    // readers of the evidence get kms:VerifyMac alone (see docs/store.md).
    evaluate.addToRolePolicy(
      new PolicyStatement({
        sid: "SealChain",
        actions: [...CHAIN_SEAL_ACTIONS, ...CHAIN_VERIFY_ACTIONS],
        resources: [this.data.chainKey.keyArn],
      }),
    );
    // Exactly the calls the store and artifacts reader make, no CDK grant bundles with wildcard actions.
    artifacts.grant(evaluate, "dynamodb:Query");
    table.grant(evaluate, ...STORE_ACTIONS);
    evaluate.addToRolePolicy(new PolicyStatement({ sid: "PublishAlerts", actions: ["sns:Publish"], resources: [topic.topicArn] }));
    if (securityHubProduct) {
      evaluate.addToRolePolicy(
        new PolicyStatement({ sid: "ImportSecurityHubFindings", actions: [...SECURITY_HUB_ACTIONS], resources: [securityHubProduct] }),
      );
    }
    this.data.key.grant(evaluate, ...KEY_ACTIONS);

    let slack: AuditorFunction | undefined;
    const webhookSecret = config.deploy?.alerts.slackWebhookSecret;
    if (webhookSecret) {
      slack = new AuditorFunction(this, "Slack", {
        handlerName: "slack",
        bundleAwsSdk,
        description: "queue-auditor: post alerts to Slack",
        memorySize: 256,
        timeout: Duration.seconds(30),
        environment: { [ENV.slackWebhookSecret]: webhookSecret },
      });
      slack.addToRolePolicy(
        new PolicyStatement({
          sid: "SlackWebhookSecret",
          actions: [...PROBE_SECRET_ACTIONS],
          resources: [secretArn(webhookSecret, place)],
        }),
      );
      topic.addSubscription(new LambdaSubscription(slack));
    }
    const distributed = distributedReason(config) ? this.distributedCollect(config, bundleAwsSdk) : undefined;
    if (distributed) this.partitionsBucket = distributed.bucket;
    this.functions = {
      collect,
      ...(distributed ? { discover: distributed.discover } : {}),
      evaluate,
      ...(probe ? { probe } : {}),
      ...(probeRelay ? { probeRelay } : {}),
      ...(slack ? { slack } : {}),
    };
    new CfnOutput(this, "ChainKeyArn", {
      description: "KMS HMAC key sealing the evidence chain: set QUEUE_AUDITOR_CHAIN_KEY to it for verify (needs kms:VerifyMac)",
      value: this.data.chainKey.keyArn,
    });
    new CfnOutput(this, "CollectRoleArn", {
      description: "The collect function's role: the member-account role trusts exactly this ARN (-c memberRoleTrusts=…)",
      value: collect.role?.roleArn ?? "",
    });

    this.workflow = new AuditWorkflow(this, "Workflow", {
      collect,
      ...(probe ? { probe } : {}),
      ...(probeRelay ? { probe: probeRelay } : {}),
      evaluate,
      collectItems: collectItems(config, place),
      probeItems: targets,
      ...(distributed
        ? {
            distributed: {
              ...distributed,
              maxConcurrency: config.deploy?.collectConcurrency ?? DISTRIBUTED_COLLECT_CONCURRENCY,
            },
          }
        : { collectConcurrency: Math.min(config.deploy?.collectConcurrency ?? 4, INLINE_MAP_CONCURRENCY) }),
    });
    const stateMachine = this.workflow.stateMachine;

    new Schedule(this, "Schedule", {
      description: "queue-auditor: the periodic audit",
      schedule: ScheduleExpression.expression(config.schedule),
      target: new StepFunctionsStartExecution(stateMachine, {
        input: ScheduleTargetInput.fromObject({ trigger: "schedule" }),
        retryAttempts: 3,
        maxEventAge: Duration.hours(1),
      }),
    });
    this.changes = new ChangeTrigger(this, "Changes", {
      stateMachine,
      sourceAccounts: (config.aws.accounts ?? []).map((a) => a.id),
      ...(config.deploy?.organizationId ? { organizationId: config.deploy.organizationId } : {}),
    });
    this.firstRun = new FirstRun(this, "FirstRun", { stateMachine, encodedConfig: encodeConfig(config) });

    this.monitoring = new Monitoring(this, "Monitoring", {
      stateMachine,
      topic,
      functions: this.functions,
      runPeriod: schedulePeriod(config.schedule, props.cronPeriod),
    });

    this.outputs(table, topic.topicArn, stateMachine.stateMachineArn);
    if (probeRelay)
      new CfnOutput(this, "ProbeRelayRoleArn", {
        description: "The probe relay's role: each probe placement's function admits exactly this ARN (-c probeInvoker=…)",
        value: probeRelay.role?.roleArn ?? "",
      });

    const envTargets = envPasswordTargets(config);
    if (envTargets.length > 0) {
      Annotations.of(this).addWarningV2(
        "queue-auditor:env-password",
        `${envTargets.join(", ")}: password { env: … } is not set in the deployed probe; use { secret: … } or { iam: true }, or the target's findings are ERROR`,
      );
    }
    acknowledgeStackFindings({
      stack: this,
      functions: this.functions,
      collectRole: collect.role,
      collectReadsStore: config.logs !== undefined,
      evaluateRole: evaluate.role,
      probeRole: probe?.role,
      stateMachineRole: stateMachine.role,
      ...(distributed
        ? {
            distributed: {
              bucket: distributed.bucket,
              discoverRole: distributed.discover.role,
              stateMachine,
              roleName: config.aws.organization?.roleName,
              organizationId: config.deploy?.organizationId,
            },
          }
        : {}),
      table,
      chainKey: this.data.chainKey,
      secretNames: config.credentials.secrets.filter((ref) => !ref.startsWith("arn:")),
      vpc: this.node.tryFindChild("Vpc"),
      subnets: this.node.children.filter((c) => c.node.id.startsWith("Subnet")),
      firstRunRole: this.firstRun.resource.grantPrincipal as unknown as IConstruct,
      logGroupArns: logGroupArns(config.logs ? auditedLogGroups(config.targets) : [], {
        partition: "<AWS::Partition>",
        account: "<AWS::AccountId>",
        regions: Array.isArray(config.aws.regions) && config.aws.regions.length > 0 ? config.aws.regions : ["<AWS::Region>"],
      }),
      iamAuthArns: rdsDbUserArns(config, { account: "<AWS::AccountId>", region: "<AWS::Region>", partition: "<AWS::Partition>" }),
    });
  }

  /**
   * The Distributed Map's parts: the bucket of its items and results (scratch data, expired
   * after two days like the artifacts), and the discovery function that lists the partitions.
   */
  private distributedCollect(config: Config, bundleAwsSdk: boolean): { discover: AuditorFunction; bucket: Bucket } {
    const bucket = new Bucket(this, "Partitions", {
      // Account ids, regions, artifact keys and error messages: no inventory, no secrets. S3's own
      // keys spare Step Functions' ItemReader and ResultWriter a KMS grant.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ expiration: Duration.days(2), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      // Retained on stack deletion: a bucket with objects cannot be deleted, and what is left expires.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const discover = new AuditorFunction(this, "Discover", {
      handlerName: "discover",
      config,
      bundleAwsSdk,
      description: "queue-auditor: list this run's account x region partitions (Organization accounts, enabled regions)",
      memorySize: 512,
      timeout: Duration.minutes(10),
      environment: { [ENV.partitionsBucket]: bucket.bucketName },
    });
    discover.addToRolePolicy(
      new PolicyStatement({ sid: "WriteItems", actions: ["s3:PutObject"], resources: [bucket.arnForObjects(`${DISCOVER_PREFIX}*`)] }),
    );
    for (const st of discoverStatements(config, Aws.PARTITION)) discover.addToRolePolicy(policyStatement(st));
    const roles = assumedRoleArns(config);
    if (roles.length > 0 && config.aws.regions === "all")
      discover.addToRolePolicy(new PolicyStatement({ sid: "AssumeMemberRoles", actions: [...ASSUME_ROLE_ACTIONS], resources: roles }));
    // Gathering: the items and the Map Run's results, nothing else in the bucket; the outcomes
    // go to the artifacts table under the run's collect-run key.
    discover.addToRolePolicy(
      new PolicyStatement({
        sid: "ReadCollectRun",
        actions: ["s3:GetObject"],
        resources: [bucket.arnForObjects(`${DISCOVER_PREFIX}*`), bucket.arnForObjects(`${MAP_RESULTS_PREFIX}/*`)],
      }),
    );
    discover.addToRolePolicy(
      new PolicyStatement({
        sid: "CollectRunArtifact",
        actions: ["dynamodb:BatchWriteItem"],
        resources: [this.data.artifacts.tableArn],
        conditions: { "ForAllValues:StringLike": { "dynamodb:LeadingKeys": ["*/collect-run"] } },
      }),
    );
    discover.addEnvironment(ENV.artifactsTable, this.data.artifacts.tableName);
    this.data.key.grant(discover, ...KEY_ACTIONS);
    new CfnOutput(this, "DiscoverRoleArn", {
      description: "The discover function's role: with regions: all it assumes the member role too, so the member role trusts it as well",
      value: discover.role?.roleArn ?? "",
    });
    return { discover, bucket };
  }

  /**
   * What an operator needs after the deploy: the resources, and the CLI commands that read
   * this deployment's evidence exactly as printed (the store's region is the stack's).
   */
  private outputs(table: Table, topicArn: string, stateMachineArn: string): void {
    const store = `dynamodb:${table.tableName}`;
    const cli = `AWS_REGION=${Aws.REGION} npx queue-auditor`;
    new CfnOutput(this, "EvidenceTableName", { description: "DynamoDB table of runs, findings and their state", value: table.tableName });
    new CfnOutput(this, "AlertTopicArn", { description: "SNS topic of alerts and alarms", value: topicArn });
    new CfnOutput(this, "StateMachineArn", { description: "Step Functions state machine of the audit runs", value: stateMachineArn });
    new CfnOutput(this, "ChangeBusArn", {
      description: "Event bus the change forwarders of member accounts and other regions send to (-c changeBusArn=…)",
      value: this.changes.bus.eventBusArn,
    });
    new CfnOutput(this, "HistoryCommand", {
      description: "What is open now in this deployment's evidence",
      value: `${cli} history --store ${store} --open`,
    });
    new CfnOutput(this, "VerifyCommand", {
      description: "Recompute this deployment's run chain",
      value: `${cli} verify --store ${store}`,
    });
  }
}
