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
  /** The Distributed Map's parts, when the partitions are discovered at run time. */
  distributed?: {
    bucket: IConstruct;
    discoverRole?: IConstruct | undefined;
    stateMachine: IConstruct;
    /** aws.organization.roleName: assumed in any account of the deployed Organization. */
    roleName?: string | undefined;
    organizationId?: string | undefined;
  };
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
  if (s.distributed) acknowledgeDistributedMap(s, s.distributed);
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

function acknowledgeDistributedMap(s: NagSubjects, d: NonNullable<NagSubjects["distributed"]>): void {
  const bucket = ref(s.stack, d.bucket);
  ack(
    d.bucket,
    `${RULES}-S1`,
    "Scratch data of one run (the Distributed Map's items and results: account ids, regions, artifact keys), expired after two days; only this stack's roles reach it, over TLS. Its audit evidence is the evidence table.",
  );
  ack(
    d.discoverRole,
    `${RULES}-IAM5[Resource::<${bucket}.Arn>/runs/*]`,
    "The discovery function writes each run's items under runs/ of the stack's own bucket; the run id is only known at run time.",
  );
  ack(
    d.discoverRole,
    `${RULES}-IAM5[Resource::*]`,
    "organizations:ListAccounts, sts:GetCallerIdentity and ec2:DescribeRegions have no resource-level permissions.",
  );
  if (d.organizationId) {
    for (const kind of ["ou", "root"] as const) {
      ack(
        d.discoverRole,
        `${RULES}-IAM5[Resource::arn:<AWS::Partition>:organizations::*:${kind}/${d.organizationId}/${kind === "ou" ? "ou" : "r"}-*]`,
        "ListAccountsForParent and ListOrganizationalUnitsForParent on the OUs and roots of the deployed Organization only (deploy.organizationId); the management account's id in the ARN is not in the config.",
      );
    }
  }
  if (d.roleName) {
    const role = `${RULES}-IAM5[Resource::arn:<AWS::Partition>:iam::*:role/${d.roleName}]`;
    const reason =
      "sts:AssumeRole on aws.organization.roleName in accounts found at run time, only roles of the deployed Organization (aws:ResourceOrgID = deploy.organizationId); each role's trust policy admits this role alone.";
    ack(s.collectRole, role, reason);
    ack(d.discoverRole, role, reason);
  }
  ack(
    d.discoverRole,
    `${RULES}-IAM5[Resource::<${bucket}.Arn>/map-runs/*]`,
    "Gathering reads the Map Run's manifest and result files, named by the Map Run id at run time.",
  );
  ack(
    s.stateMachineRole,
    `${RULES}-IAM5[Resource::arn:<AWS::Partition>:s3:::<${bucket}>/*]`,
    "CDK's grant for the Distributed Map's ItemReader and ResultWriter on the stack's own bucket; the items' key is the run's.",
  );
  const machine = ref(s.stack, d.stateMachine);
  const name = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${machine}"}]}]}`;
  const policy = d.stateMachine.node.tryFindChild("DistributedMapPolicy");
  ack(
    policy,
    `${RULES}-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}:*]`,
    "The Distributed Map runs its child executions: states:DescribeExecution and StopExecution on this state machine's own executions (CDK's DistributedMapPolicy).",
  );
  ack(
    policy,
    `${RULES}-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${name}/Collect:*]`,
    "states:RedriveExecution on the child executions of this state machine's Collect Map Run only (CDK's DistributedMapPolicy).",
  );
}

export interface ProbeNagSubjects {
  stack: Stack;
  probe: AuditorFunction;
  iamAuthArns: string[];
  vpc?: IConstruct | undefined;
  subnets: IConstruct[];
}

/** A probe placement's stack (probe-stack.ts): the same exceptions as the auditor's probe, no others. */
export function acknowledgeProbeStackFindings(s: ProbeNagSubjects): void {
  const role = s.probe.role;
  ack(
    role,
    `${RULES}-IAM5[Resource::<${ref(s.stack, s.probe.logs)}.Arn>]`,
    "logs:CreateLogStream and logs:PutLogEvents on the function's own log group (its streams are under the group ARN's :* suffix).",
  );
  if (s.probe.isBoundToVpc) {
    ack(
      role,
      `${RULES}-IAM4[${VPC_EXECUTION}]`,
      "The function runs in the VPC: Lambda needs ec2:CreateNetworkInterface, DescribeNetworkInterfaces and DeleteNetworkInterface (and friends) to attach it, and the Describe calls have no resource-level permissions.",
    );
  }
  for (const arn of s.iamAuthArns) {
    ack(
      role,
      `${RULES}-IAM5[Resource::${arn}]`,
      "rds-db:connect names the DB resource id, which the config does not know; the grant is limited to the auditor's own database user name.",
    );
  }
  ack(
    s.vpc,
    "Annotation::@aws-cdk/aws-ec2:vpcAttributeIsListTokenavailabilityZones",
    "Only the subnets named in the placement are used; no construct reads the VPC's zones.",
  );
  for (const subnet of s.subnets) {
    ack(
      subnet,
      "Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId",
      "The stack places a function in the subnet and never reads its route table.",
    );
  }
}
