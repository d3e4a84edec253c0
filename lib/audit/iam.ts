/**
 * The IAM actions the auditor needs, in one place: the collectors name them when access
 * is denied, docs/live-aws.md prints them, and the deployed stack grants exactly these.
 */

/** Read-only calls of the AWS inventory collection (every account and region audited). */
export const COLLECT_ACTIONS = [
  "sts:GetCallerIdentity",
  // Only with `regions: all`: the regions enabled in the account.
  "ec2:DescribeRegions",
  "ec2:DescribeSecurityGroups",
  "ec2:GetManagedPrefixListEntries",
  "ec2:DescribeSubnets",
  "ec2:DescribeRouteTables",
  "ec2:DescribeNetworkAcls",
  "rds:DescribeDBInstances",
  "rds:DescribeDBClusters",
  "rds:DescribeDBParameters",
  "rds:DescribeDBClusterParameters",
  "elasticache:DescribeReplicationGroups",
  "elasticache:DescribeCacheClusters",
  "elasticache:DescribeServerlessCaches",
  "elasticache:DescribeUserGroups",
  "elasticache:DescribeUsers",
  "elasticache:ListTagsForResource",
  "elasticache:DescribeCacheSubnetGroups",
  "secretsmanager:DescribeSecret",
  // Whether a trail logs management events here (the change trigger hears nothing without one).
  "cloudtrail:DescribeTrails",
  "cloudtrail:GetTrailStatus",
  "cloudtrail:GetEventSelectors",
] as const;
export type CollectAction = (typeof COLLECT_ACTIONS)[number];

/** Needed by the auditing principal only when `aws.accounts[].roleArn` is set (on those role ARNs). */
export const ASSUME_ROLE_ACTIONS = ["sts:AssumeRole"] as const;

/**
 * With `aws.organization`: listing the Organization's accounts, by the auditing principal
 * in the management account or a delegated administrator (none has resource-level scope
 * beyond the organization itself).
 */
export const ORGANIZATION_ACTIONS = [
  "organizations:ListAccounts",
  "organizations:ListAccountsForParent",
  "organizations:ListOrganizationalUnitsForParent",
] as const;

/** Probes that read a password from Secrets Manager: on the named secrets only, never `*`. */
export const PROBE_SECRET_ACTIONS = ["secretsmanager:GetSecretValue"] as const;

/**
 * Probes that log in to PostgreSQL with an IAM token (`password: { iam: true }`), on
 * `arn:aws:rds-db:REGION:ACCOUNT:dbuser:DbiResourceId/USER` of the auditor's user only.
 */
export const PROBE_IAM_AUTH_ACTIONS = ["rds-db:connect"] as const;

/** The chain seal (docs/store.md): only the evaluate function makes MACs with the stack's HMAC key. */
export const CHAIN_SEAL_ACTIONS = ["kms:GenerateMac"] as const;

/** Whoever verifies the evidence chain (the evaluate function for the head, `verify`, auditors). */
export const CHAIN_VERIFY_ACTIONS = ["kms:VerifyMac"] as const;

/**
 * `--notify securityhub` and `deploy.alerts.securityHub`: importing findings, on the default
 * product of the importing account and region only
 * (`arn:PARTITION:securityhub:REGION:ACCOUNT:product/ACCOUNT/default`), never `*`.
 */
export const SECURITY_HUB_ACTIONS = ["securityhub:BatchImportFindings"] as const;

/** The default product ARN a custom integration imports into, for IAM and the deployed function. */
export function securityHubProductArn(partition: string, region: string, account: string): string {
  return `arn:${partition}:securityhub:${region}:${account}:product/${account}/default`;
}

/** The session name of assumed roles, so CloudTrail shows who made the calls. */
export const AUDITOR_SESSION_NAME = "queue-auditor";

/**
 * The collection actions that support resource-level permissions (Service Authorization
 * Reference: `pg`, `cluster-pg`, ElastiCache `replicationgroup`/`cluster`/`serverlesscache`/`subnetgroup`,
 * EC2 `prefix-list`, Secrets Manager `Secret`), each with the resource types it is scoped
 * to. The rest (Describe* on whole services, sts:GetCallerIdentity) have none and are `*`.
 */
export const SCOPED_COLLECT_ACTIONS = [
  "ec2:GetManagedPrefixListEntries",
  "rds:DescribeDBParameters",
  "rds:DescribeDBClusterParameters",
  "elasticache:ListTagsForResource",
  "elasticache:DescribeCacheSubnetGroups",
  "secretsmanager:DescribeSecret",
  "cloudtrail:GetTrailStatus",
  "cloudtrail:GetEventSelectors",
] as const satisfies readonly CollectAction[];

/** The collection actions without resource-level permissions. */
export const UNSCOPED_COLLECT_ACTIONS = COLLECT_ACTIONS.filter(
  (a) => !(SCOPED_COLLECT_ACTIONS as readonly string[]).includes(a),
) as readonly CollectAction[];

export interface CollectStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
}

export interface CollectScope {
  /** `aws`, `aws-cn`, `aws-us-gov`, or a token. */
  partition: string;
  /** The account whose resources are read (the role's own account). */
  account: string;
  /** Secret ARNs (or `arn:…:secret:NAME-??????` patterns) the config names; none: no DescribeSecret. */
  secrets: readonly string[];
}

/** The collection grant as IAM statements, scoped wherever the action allows it. */
export function collectStatements(scope: CollectScope): CollectStatement[] {
  const { partition: p, account: a } = scope;
  const statements: CollectStatement[] = [
    { Sid: "ReadOnlyInventory", Effect: "Allow", Action: [...UNSCOPED_COLLECT_ACTIONS], Resource: ["*"] },
    {
      Sid: "ParameterGroups",
      Effect: "Allow",
      Action: ["rds:DescribeDBParameters", "rds:DescribeDBClusterParameters"],
      Resource: [`arn:${p}:rds:*:${a}:pg:*`, `arn:${p}:rds:*:${a}:cluster-pg:*`],
    },
    {
      Sid: "CacheTags",
      Effect: "Allow",
      Action: ["elasticache:ListTagsForResource"],
      Resource: [
        `arn:${p}:elasticache:*:${a}:replicationgroup:*`,
        `arn:${p}:elasticache:*:${a}:cluster:*`,
        `arn:${p}:elasticache:*:${a}:serverlesscache:*`,
      ],
    },
    {
      Sid: "CacheSubnetGroups",
      Effect: "Allow",
      Action: ["elasticache:DescribeCacheSubnetGroups"],
      Resource: [`arn:${p}:elasticache:*:${a}:subnetgroup:*`],
    },
    // An organization trail belongs to the management account, a multi-region trail to its home region.
    {
      Sid: "Trails",
      Effect: "Allow",
      Action: ["cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
      Resource: [`arn:${p}:cloudtrail:*:*:trail/*`],
    },
    // AWS-managed prefix lists (S3, DynamoDB, CloudFront) belong to AWS, not to the account.
    { Sid: "PrefixLists", Effect: "Allow", Action: ["ec2:GetManagedPrefixListEntries"], Resource: [`arn:${p}:ec2:*:*:prefix-list/*`] },
  ];
  if (scope.secrets.length > 0) {
    statements.push({ Sid: "SecretMetadata", Effect: "Allow", Action: ["secretsmanager:DescribeSecret"], Resource: [...scope.secrets] });
  }
  return statements;
}

/** `arn:…:secret:NAME-??????` for a configured secret name in any region of `account`; an ARN as given. */
export function secretPattern(ref: string, partition: string, account: string, region = "*"): string {
  return ref.startsWith("arn:") ? ref : `arn:${partition}:secretsmanager:${region}:${account}:secret:${ref}-??????`;
}

/** An IAM policy document for a member account's role (docs/live-aws.md prints it). */
export function collectPolicyDocument(scope: CollectScope = { partition: "aws", account: "*", secrets: [] }): {
  Version: "2012-10-17";
  Statement: CollectStatement[];
} {
  return { Version: "2012-10-17", Statement: collectStatements(scope) };
}

/**
 * Reading the audited databases' own logs (`logs:` in the config, docs/access-attempts.md):
 * FilterLogEvents on their `postgresql` log groups only. Granted only when the config has
 * `logs:`; the collector makes no CloudWatch Logs call otherwise.
 */
export const LOG_READ_ACTIONS = ["logs:FilterLogEvents"] as const;

/**
 * The `postgresql` log groups the config's scope can name: both the instance and the cluster
 * form of every `targets.rds` id (the config does not say which an id is). With
 * `targets.tag`, the ids are found at run time, so any instance's or cluster's PostgreSQL
 * group (`/aws/rds/instance/*\/postgresql`): still never another log type (error, upgrade,
 * MySQL's), nor any log group outside `/aws/rds/`.
 */
export function auditedLogGroups(targets: { rds: readonly string[]; tag?: unknown }): string[] {
  const ids = targets.tag !== undefined ? ["*"] : [...targets.rds];
  return ids.flatMap((id) => [`/aws/rds/instance/${id}/postgresql`, `/aws/rds/cluster/${id}/postgresql`]);
}

/**
 * The ARNs of log groups in IAM: FilterLogEvents is authorised on the log group, whose ARN
 * CloudWatch Logs writes both bare and with a trailing `:*` (DescribeLogGroups' `arn`); both
 * forms are granted so the grant matches however the request is evaluated, and neither
 * reaches another group.
 */
export function logGroupArns(
  groups: readonly string[],
  where: { partition: string; account: string; regions: readonly string[] },
): string[] {
  const { partition: p, account: a } = where;
  return where.regions.flatMap((r) =>
    groups.flatMap((g) => [`arn:${p}:logs:${r}:${a}:log-group:${g}`, `arn:${p}:logs:${r}:${a}:log-group:${g}:*`]),
  );
}

/** The log-reading statement, or none when there is no group to read. */
export function logReadStatements(
  groups: readonly string[],
  where: { partition: string; account: string; regions: readonly string[] },
): CollectStatement[] {
  if (groups.length === 0) return [];
  return [{ Sid: "DatabaseLogs", Effect: "Allow", Action: [...LOG_READ_ACTIONS], Resource: logGroupArns(groups, where) }];
}
