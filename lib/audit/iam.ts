/**
 * The IAM actions the auditor needs, in one place: the collectors name them when access
 * is denied, docs/live-aws.md prints them, and the deployed stack grants exactly these.
 */

/** Read-only calls of the AWS inventory collection (every account and region audited). */
export const COLLECT_ACTIONS = [
  "sts:GetCallerIdentity",
  "ec2:DescribeSecurityGroups",
  "ec2:GetManagedPrefixListEntries",
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
  "secretsmanager:DescribeSecret",
] as const;
export type CollectAction = (typeof COLLECT_ACTIONS)[number];

/** Needed by the auditing principal only when `aws.accounts[].roleArn` is set (on those role ARNs). */
export const ASSUME_ROLE_ACTIONS = ["sts:AssumeRole"] as const;

/** Probes that read a password from Secrets Manager: on the named secrets only, never `*`. */
export const PROBE_SECRET_ACTIONS = ["secretsmanager:GetSecretValue"] as const;

/**
 * Probes that log in to PostgreSQL with an IAM token (`password: { iam: true }`), on
 * `arn:aws:rds-db:REGION:ACCOUNT:dbuser:DbiResourceId/USER` of the auditor's user only.
 */
export const PROBE_IAM_AUTH_ACTIONS = ["rds-db:connect"] as const;

/** The session name of assumed roles, so CloudTrail shows who made the calls. */
export const AUDITOR_SESSION_NAME = "queue-auditor";

/** An IAM policy document granting the collection actions (they do not support resource-level scoping). */
export function collectPolicyDocument(): {
  Version: "2012-10-17";
  Statement: { Sid: string; Effect: "Allow"; Action: string[]; Resource: "*" }[];
} {
  return {
    Version: "2012-10-17",
    Statement: [{ Sid: "QueueAuditorReadOnly", Effect: "Allow", Action: [...COLLECT_ACTIONS], Resource: "*" }],
  };
}
