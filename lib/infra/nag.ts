/**
 * Acknowledged cdk-nag AwsSolutions findings, each with the reason it is accepted, kept in
 * one place so a reviewer reads every exception together. Each is acknowledged on the one
 * construct it concerns (never stack-wide), so a new wildcard elsewhere still fails.
 */
import { type CfnElement, type Stack, Validations } from "aws-cdk-lib";
import type { IConstruct } from "constructs";
import type { AuditorFunction } from "./auditor-function.js";

const RULES = "AwsSolutions::AwsSolutions";

const BASIC_EXECUTION = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const VPC_EXECUTION = "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole";

export interface NagSubjects {
  stack: Stack;
  functions: Record<string, AuditorFunction>;
  collectRole?: IConstruct | undefined;
  evaluateRole?: IConstruct | undefined;
  probeRole?: IConstruct | undefined;
  stateMachineRole: IConstruct;
  table: IConstruct;
  vpc?: IConstruct | undefined;
  subnets: IConstruct[];
  iamAuthArns: string[];
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
      `${RULES}-IAM4[${BASIC_EXECUTION}]`,
      "AWS's minimal Lambda logging policy (CreateLogStream/PutLogEvents); the function writes only to its own log group.",
    );
    if (fn.isBoundToVpc) {
      ack(
        fn.role,
        `${RULES}-IAM4[${VPC_EXECUTION}]`,
        "AWS's minimal policy for a function's network interfaces in the VPC; Lambda requires it and EC2 ENI actions do not scope to resources.",
      );
    }
  }
  ack(
    s.collectRole,
    `${RULES}-IAM5[Resource::*]`,
    "The read-only Describe/List/Get actions of lib/audit/iam.ts do not support resource-level permissions; no write action is granted on *.",
  );
  const tableRef = ref(s.stack, s.table);
  ack(
    s.evaluateRole,
    `${RULES}-IAM5[Resource::<${tableRef}.Arn>/index/*]`,
    "History queries use the evidence table's own global secondary indexes (CONTRACTS.md: Query, never Scan).",
  );
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
