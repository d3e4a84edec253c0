/**
 * Where a database or Redis target lives (account, region), as the config says or as its
 * RDS endpoint spells it, and what a secret given by name means there. The deployed stack
 * scopes its grants by it; the probe looks the secret up there.
 */

/** A target's account and region; either may be unknown (then: the auditor's own). */
export interface TargetLocation {
  account?: string | undefined;
  region?: string | undefined;
}

/** The region inside an RDS endpoint: NAME.ID.REGION.rds.amazonaws.com (or .rds.amazonaws.com.cn). */
const RDS_HOST_REGION = /\.([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d)\.rds\.amazonaws\.com(?:\.cn)?$/;

/**
 * The config's `account`/`region` of a target; a PostgreSQL or MySQL target without `region`
 * takes the one its RDS endpoint names. ElastiCache endpoints abbreviate the region (`euw1`)
 * in a form AWS does not document, so a Redis target outside the auditor's region says so.
 */
export function targetLocation(target: {
  account?: string | undefined;
  region?: string | undefined;
  connection?: { host: string };
}): TargetLocation {
  const region = target.region ?? (target.connection ? RDS_HOST_REGION.exec(target.connection.host)?.[1] : undefined);
  return { account: target.account, region };
}

/** The AWS partition of a region: aws-cn for China, aws-us-gov for GovCloud, else aws. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-iso-")) return "aws-iso";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  return "aws";
}

/**
 * The SecretId to ask for: an ARN as given; a name in the target's account (when the config
 * says which) as the partial ARN `arn:PARTITION:secretsmanager:REGION:ACCOUNT:secret:NAME`,
 * which Secrets Manager resolves in that account (a cross-account secret cannot be asked for by
 * bare name); otherwise the name, looked up in the caller's account.
 */
export function secretIdIn(ref: string, where: TargetLocation): string {
  if (ref.startsWith("arn:") || !where.account || !where.region) return ref;
  return `arn:${partitionOfRegion(where.region)}:secretsmanager:${where.region}:${where.account}:secret:${ref}`;
}
