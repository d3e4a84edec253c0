/**
 * Where the auditor keeps things: the evidence table (mirroring the store's own
 * createTableInput, so the deployed table and the one the CLI creates cannot differ), a
 * short-lived artifacts table for collected partitions, and the alert topic. One
 * customer-managed KMS key, rotated, encrypts all three.
 */
import { Aws, RemovalPolicy } from "aws-cdk-lib";
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Key, KeySpec, KeyUsage } from "aws-cdk-lib/aws-kms";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";
import { createTableInput } from "../audit/store/keys.js";

type TableInput = ReturnType<typeof createTableInput>;

/** Props that cannot be mirrored; the message names what the store asked for. */
export class TableMirrorError extends Error {
  override name = "TableMirrorError";
}

function attributeType(input: TableInput, name: string): AttributeType {
  const def = input.AttributeDefinitions?.find((d) => d.AttributeName === name);
  if (!def) throw new TableMirrorError(`createTableInput: attribute ${name} is used in a key but not defined`);
  return def.AttributeType === "N" ? AttributeType.NUMBER : def.AttributeType === "B" ? AttributeType.BINARY : AttributeType.STRING;
}

function keyOf(input: TableInput, schema: { AttributeName?: string; KeyType?: string }[] | undefined) {
  const hash = schema?.find((k) => k.KeyType === "HASH")?.AttributeName;
  const range = schema?.find((k) => k.KeyType === "RANGE")?.AttributeName;
  if (!hash) throw new TableMirrorError("createTableInput: expected a HASH key");
  return {
    partitionKey: { name: hash, type: attributeType(input, hash) },
    ...(range ? { sortKey: { name: range, type: attributeType(input, range) } } : {}),
  };
}

export interface AuditorDataProps {
  /** Addresses subscribed to the alert topic (each must confirm). */
  readonly emails: readonly string[];
}

export class AuditorData extends Construct {
  readonly key: Key;
  /** HMAC key that seals the run chain (GenerateMac for evaluate only, VerifyMac for readers). */
  readonly chainKey: Key;
  readonly table: Table;
  readonly artifacts: Table;
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AuditorDataProps) {
    super(scope, id);
    this.key = new Key(this, "Key", {
      description: "queue-auditor: evidence table, artifacts and alert topic",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A key of its own, so that who may seal evidence is decided apart from who may read it.
    this.chainKey = new Key(this, "ChainKey", {
      description: "queue-auditor: seals the evidence hash chain (HMAC)",
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch alarms publish to the encrypted topic as the cloudwatch service. Only this
    // account's alarms: without the source conditions any account's alarm could use the key
    // through the service (confused deputy).
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: "CloudWatchAlarmsOfThisAccount",
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["kms:Decrypt", "kms:GenerateDataKey"],
        resources: ["*"],
        conditions: {
          StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID },
          ArnLike: { "aws:SourceArn": `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );

    // The table name is CloudFormation's; the function gets it from the environment.
    const input = createTableInput("unused");
    this.table = new Table(this, "Evidence", {
      ...keyOf(input, input.KeySchema),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      timeToLiveAttribute: input.TimeToLiveSpecification.AttributeName,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of input.GlobalSecondaryIndexes ?? []) {
      if (!gsi.IndexName) throw new TableMirrorError("createTableInput: a global secondary index has no name");
      if (gsi.Projection?.ProjectionType && gsi.Projection.ProjectionType !== "ALL") {
        throw new TableMirrorError(`createTableInput: index ${gsi.IndexName}: only ALL projections are mirrored`);
      }
      this.table.addGlobalSecondaryIndex({ indexName: gsi.IndexName, ...keyOf(input, gsi.KeySchema), projectionType: ProjectionType.ALL });
    }

    this.artifacts = new Table(this, "Artifacts", {
      partitionKey: { name: "pk", type: AttributeType.STRING },
      sortKey: { name: "sk", type: AttributeType.NUMBER },
      billingMode: BillingMode.PAY_PER_REQUEST,
      // Artifacts live for one run; recovering them has no use, but the check asks for it and it is cheap.
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      timeToLiveAttribute: "expiresAt",
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.topic = new Topic(this, "Alerts", { displayName: "queue-auditor alerts", masterKey: this.key, enforceSSL: true });
    // enforceSSL writes a topic policy holding only a Deny, and a topic policy replaces the
    // default one: without this Allow no alarm (RunMissing included) could publish. Only this
    // account's alarms in this region (confused deputy), and only over TLS (the Deny still applies).
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: "CloudWatchAlarmsPublish",
        principals: [new ServicePrincipal("cloudwatch.amazonaws.com")],
        actions: ["sns:Publish"],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { "aws:SourceAccount": Aws.ACCOUNT_ID },
          ArnLike: { "aws:SourceArn": `arn:${Aws.PARTITION}:cloudwatch:${Aws.REGION}:${Aws.ACCOUNT_ID}:alarm:*` },
        },
      }),
    );
    for (const email of props.emails) this.topic.addSubscription(new EmailSubscription(email));
  }
}
