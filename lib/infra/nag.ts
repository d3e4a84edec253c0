/**
 * Acknowledged cdk-nag AwsSolutions findings, each with the reason it is accepted, kept in
 * one place so a reviewer reads every exception together. Each is acknowledged on the one
 * construct it concerns (never stack-wide), so a new wildcard elsewhere still fails.
 */
import { type CfnElement, type Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import type { AuditorFunction } from "./auditor-function.js";

const RULES = "AwsSolutions::AwsSolutions";

/** The collection grant's resource-type scopes as cdk-nag spells them (lib/audit/iam.ts collectStatements). */
export const COLLECT_RESOURCE_PATTERNS = [
  "arn:<AWS::Partition>:rds:*:<AWS::AccountId>:pg:*",
  "arn:<AWS::Partition>:rds:*:<AWS::AccountId>:cluster-pg:*",
  "arn:<AWS::Partition>:elasticache:*:<AWS::AccountId>:replicationgroup:*",
  "arn:<AWS::Partition>:elasticache:*:<AWS::AccountId>:cluster:*",
  "arn:<AWS::Partition>:elasticache:*:<AWS::AccountId>:serverlesscache:*",
  "arn:<AWS::Partition>:elasticache:*:<AWS::AccountId>:subnetgroup:*",
  "arn:<AWS::Partition>:ec2:*:*:prefix-list/*",
  "arn:<AWS::Partition>:cloudtrail:*:*:trail/*",
];

const VPC_EXECUTION = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";
const BASIC_EXECUTION = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

export interface NagSubjects {
  stack: Stack;
  functions: Record<string, AuditorFunction>;
  collectRole?: IConstruct | undefined;
  /** The collect function queries the evidence table for the last run (`logs:`). */
  collectReadsStore?: boolean;
  evaluateRole?: IConstruct | undefined;
  probeRole?: IConstruct | undefined;
  stateMachineRole: IConstruct;
  table: IConstruct;
  chainKey?: IConstruct | undefined;
  /** The configured secrets' names, for the collect role's DescribeSecret grant in every region. */
  secretNames: string[];
  vpc?: IConstruct | undefined;
  subnets: IConstruct[];
  iamAuthArns: string[];
  /** The collect role's log-group ARNs (`logs:`), as cdk-nag spells them. */
  logGroupArns?: string[];
  /** The role of CDK's AwsCustomResource function that starts the first run. */
  firstRunRole?: IConstruct | undefined;
}

function ref(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId(construct.node.defaultChild as CfnElement);
}

function ack(scope: IConstruct | undefined, id: string, reason: string): void {
  if (scope) Validations.of(scope).acknowledge({ id, reason });
}

export function acknowledgeStackFindings(s: NagSubjects): void {
  for (const fn of Object.values(s.functions)) {
    ack(
      fn.role,
      `${RULES}-IAM5[Resource::<${ref(s.stack, fn.logs)}.Arn>]`,
      "logs:CreateLogStream and logs:PutLogEvents on the function's own log group (its streams are under the group ARN's :* suffix).",
    );
    if (fn.isBoundToVpc) {
      ack(
        fn.role,
        `${RULES}-IAM4[${VPC_EXECUTION}]`,
        "The function runs in the VPC: Lambda needs ec2:CreateNetworkInterface, DescribeNetworkInterfaces and DeleteNetworkInterface (and friends) to attach it, and the Describe calls have no resource-level permissions.",
      );
    }
  }
  ack(
    s.firstRunRole,
    `${RULES}-IAM4[${BASIC_EXECUTION}]`,
    "CDK's AwsCustomResource function (it starts the first run): AWS's minimal Lambda logging policy; its only other permission is states:StartExecution on this state machine.",
  );
  ack(
    s.collectRole,
    `${RULES}-IAM5[Resource::*]`,
    "Only sts:GetCallerIdentity and the ec2/rds/elasticache Describe* calls, which have no resource-level permissions, are on *; the actions that have them are scoped by resource type (statements ParameterGroups, CacheTags, Trails, PrefixLists, SecretMetadata).",
  );
  for (const pattern of COLLECT_RESOURCE_PATTERNS) {
    ack(
      s.collectRole,
      `${RULES}-IAM5[Resource::${pattern}]`,
      "A read-only call scoped to one resource type; the config does not name the parameter groups, caches, trails or prefix lists the inventory finds (prefix lists and trails may belong to AWS, another region or the Organization's management account).",
    );
  }
  for (const name of s.secretNames) {
    ack(
      s.collectRole,
      `${RULES}-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:*:<AWS::AccountId>:secret:${name}-??????]`,
      "secretsmanager:DescribeSecret on one configured secret by name, in any audited region of this account; ?????? is the random suffix Secrets Manager appends.",
    );
  }
  for (const arn of (s.logGroupArns ?? []).filter((a) => a.includes("*"))) {
    ack(
      s.collectRole,
      `${RULES}-IAM5[Resource::${arn}]`,
      "logs:FilterLogEvents on an audited database's postgresql log group: `:*` is the form of the group's ARN CloudWatch Logs authorises; a `*` id (targets.tag, ids found at run time) still names only /aws/rds/{instance,cluster}/*/postgresql groups of this account.",
    );
  }
  ack(
    s.chainKey,
    `${RULES}-KMS5`,
    "An HMAC KMS key (HMAC_256, GENERATE_VERIFY_MAC): KMS does not support automatic rotation for HMAC keys.",
  );
  const tableRef = ref(s.stack, s.table);
  ack(
    s.evaluateRole,
    `${RULES}-IAM5[Resource::<${tableRef}.Arn>/index/*]`,
    "The store's Query on the evidence table's own indexes (a run record by id on gsi2, e.g. for a delivery receipt's expiry); the table grant adds /index/* of this table only, and Scan is not granted.",
  );
  if (s.collectReadsStore) {
    ack(
      s.collectRole,
      `${RULES}-IAM5[Resource::<${tableRef}.Arn>/index/*]`,
      "dynamodb:Query on the evidence table's own indexes only: the last recorded run's start (gsi1), where the next log period begins; no write, no Scan.",
    );
  }
  for (const arn of s.iamAuthArns) {
    ack(
      s.probeRole,
      `${RULES}-IAM5[Resource::${arn}]`,
      "rds-db:connect names the DB resource id, which the config does not know; the grant is limited to the auditor's own database user name.",
    );
  }
  ack(
    s.stateMachineRole,
    `${RULES}-IAM5[Resource::*]`,
    "X-Ray trace segments and CloudWatch Logs delivery for the state machine do not support resource-level permissions.",
  );
  for (const fn of Object.values(s.functions)) {
    ack(
      s.stateMachineRole,
      `${RULES}-IAM5[Resource::<${ref(s.stack, fn)}.Arn>:*]`,
      "lambda:InvokeFunction on the function's versions and aliases, as CDK grants for a Lambda task; no other function.",
    );
  }
  ack(
    s.vpc,
    "Annotation::@aws-cdk/aws-ec2:vpcAttributeIsListTokenavailabilityZones",
    "Only the subnets named in deploy.vpc are used; no construct reads the VPC's zones.",
  );
  for (const subnet of s.subnets) {
    ack(
      subnet,
      "Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId",
      "The stack places a function in the subnet and never reads its route table.",
    );
  }
}
