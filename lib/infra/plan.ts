/**
 * What the config means for the deployed stack, decided at synth: the Map items of each
 * run and the exact resources each function may touch. Pure functions of the config.
 */

import type { CollectItem, ProbeItem } from "../../lambda/support/contract.js";
import { ConfigError } from "../audit/config/load.js";
import type { Config } from "../audit/config/schema.js";

/** Where the stack runs: tokens (`Aws.ACCOUNT_ID`, …) or literal values. */
export interface StackPlace {
  account: string;
  region: string;
  partition: string;
}

/** One collect item per account × region; the stack's own account and region stand in for unset ones. */
export function collectItems(config: Config, place: StackPlace): Omit<CollectItem, "runId">[] {
  if (config.aws.organization || config.aws.regions === "all")
    throw new ConfigError(
      `${config.aws.organization ? "aws.organization" : "aws.regions"}: accounts or regions found at run time are audited by the CLI (queue-auditor audit); the deployed stack needs aws.accounts and a list of aws.regions`,
    );
  const regions = config.aws.regions ?? [place.region];
  const accounts = config.aws.accounts;
  if (!accounts) return regions.map((region) => ({ account: place.account, region, accountListed: false }));
  return accounts.flatMap((a) => regions.map((region) => ({ account: a.id, region, accountListed: true })));
}

export function probeItems(config: Config): ProbeItem[] {
  return [
    ...config.postgres.map((t) => ({ kind: "postgres" as const, name: t.name })),
    ...config.mysql.map((t) => ({ kind: "mysql" as const, name: t.name })),
    ...config.redis.map((t) => ({ kind: "redis" as const, name: t.name })),
  ];
}

/** Secret names/ARNs the probe reads passwords from. */
export function probeSecrets(config: Config): string[] {
  const refs = new Set<string>();
  for (const t of config.postgres) if ("secret" in t.connection.password) refs.add(t.connection.password.secret);
  for (const t of config.mysql) if ("secret" in t.connection.password) refs.add(t.connection.password.secret);
  for (const t of config.redis) if (t.credentials && "secret" in t.credentials.password) refs.add(t.credentials.password.secret);
  return [...refs];
}

/**
 * The ARN a GetSecretValue permission names. Secrets Manager appends six random characters
 * to a secret's name in its ARN, so a name matches `NAME-??????` (never a broader `*`).
 */
export function secretArn(ref: string, place: StackPlace): string {
  if (ref.startsWith("arn:")) return ref;
  return `arn:${place.partition}:secretsmanager:${place.region}:${place.account}:secret:${ref}-??????`;
}

const RDS_HOST_REGION = /\.([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d)\.rds\.amazonaws\.com$/;

/**
 * `rds-db:connect` resources for targets that log in with IAM tokens. The DB resource id is
 * not in the config, so it is `*`; the user name is fixed, which is what limits the grant.
 */
export function rdsDbUserArns(config: Config, place: StackPlace): string[] {
  const arns = new Set<string>();
  for (const t of [...config.postgres, ...config.mysql]) {
    if (!("iam" in t.connection.password)) continue;
    const region = RDS_HOST_REGION.exec(t.connection.host)?.[1] ?? place.region;
    arns.add(`arn:${place.partition}:rds-db:${region}:${place.account}:dbuser:*/${t.connection.user}`);
  }
  return [...arns];
}

/** Role ARNs the collector assumes (member accounts). */
export function assumedRoleArns(config: Config): string[] {
  return (config.aws.accounts ?? []).flatMap((a) => (a.roleArn ? [a.roleArn] : []));
}

/** Targets whose password comes from an environment variable, which the deployed probe does not have. */
export function envPasswordTargets(config: Config): string[] {
  return [
    ...config.postgres.filter((t) => "env" in t.connection.password).map((t) => `postgres ${t.name}`),
    ...config.mysql.filter((t) => "env" in t.connection.password).map((t) => `mysql ${t.name}`),
    ...config.redis.filter((t) => t.credentials && "env" in t.credentials.password).map((t) => `redis ${t.name}`),
  ];
}
