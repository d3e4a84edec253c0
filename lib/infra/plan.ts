/**
 * What the config means for the deployed stack, decided at synth: the Map items of each
 * run and the exact resources each function may touch. Pure functions of the config.
 */

import type { CollectItem, ProbeItem } from "../../lambda/support/contract.js";
import { ConfigError } from "../audit/config/load.js";
import { partitionOfRegion, targetLocation } from "../audit/config/location.js";
import type { Config } from "../audit/config/schema.js";
import { ASSUME_ROLE_ACTIONS, ORGANIZATION_ACTIONS } from "../audit/iam.js";

/** Where the stack runs: tokens (`Aws.ACCOUNT_ID`, …) or literal values. */
export interface StackPlace {
  account: string;
  region: string;
  partition: string;
}

/**
 * Partitions an inline Map collects at most; beyond it, the Distributed Map. Each inline
 * outcome comes back in the state payload (256 KB), and a failure marker carries the Lambda
 * error's cause (a message and a stack, up to ~2 KB): 100 partitions stay under the limit even
 * when every one fails, and well under the execution history's 25,000 events (~20 events a
 * partition with all its retries).
 */
export const INLINE_PARTITION_LIMIT = 100;

/**
 * Why the partitions are collected by a Distributed Map (discovered at run time), or
 * undefined for the inline Map over the partitions planned at synth.
 */
export function distributedReason(config: Config): string | undefined {
  if (config.aws.organization) return "aws.organization: the accounts are found at run time";
  if (config.aws.regions === "all") return "aws.regions is all: each account's enabled regions are found at run time";
  const count = Math.max(1, config.aws.accounts?.length ?? 0) * Math.max(1, config.aws.regions?.length ?? 0);
  if (count > INLINE_PARTITION_LIMIT)
    return `${count} account x region partitions: more than an inline Map carries (${INLINE_PARTITION_LIMIT})`;
  return undefined;
}

/**
 * What the config must say for the deployed stack that the CLI does not need, as one line
 * naming the key (the caller prefixes the config file), or undefined.
 */
export function deployProblem(config: Config): string | undefined {
  if (config.aws.organization && !config.deploy?.organizationId)
    return "deploy.organizationId: expected the Organization's id (o-…) with aws.organization: the collect and discovery functions assume aws.organization.roleName only in that Organization's accounts (aws:ResourceOrgID), and its accounts may forward change events to the change bus";
  return undefined;
}

/**
 * One collect item per account × region of the inline Map; the stack's own account and
 * region stand in for unset ones. Empty when the partitions are found at run time.
 */
export function collectItems(config: Config, place: StackPlace): Omit<CollectItem, "runId">[] {
  if (config.aws.organization || config.aws.regions === "all") return [];
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

type Target = Config["postgres"][number] | Config["mysql"][number] | Config["redis"][number];

/** One `deploy.probes` entry: a probe stack in that account, region and VPC. */
export type ProbePlacement = NonNullable<NonNullable<Config["deploy"]>["probes"]>[number];

/** The probe function's name in its placement: one per VPC, and a VPC is in one account and region. */
export function probeFunctionName(placement: ProbePlacement): string {
  return `queue-auditor-probe-${placement.vpc.id}`;
}

/** The placement's probe function, by the name its stack gives it (known before it is deployed). */
export function probeFunctionArn(placement: ProbePlacement): string {
  const partition = partitionOfRegion(placement.region);
  return `arn:${partition}:lambda:${placement.region}:${placement.account}:function:${probeFunctionName(placement)}`;
}

/** The CDK stack id (and CloudFormation stack name) of a placement's probe stack. */
export function probeStackName(placement: ProbePlacement): string {
  return `QueueAuditorProbe-${placement.account}-${placement.region}-${placement.vpc.id}`;
}

/** A probe item with the function that probes it: its placement's. */
export interface PlacedProbeItem extends ProbeItem {
  functionArn: string;
}

/** The targets of each placement (by index in `deploy.probes`) and the Map items carrying their function. */
export interface ProbeAssignment {
  items: PlacedProbeItem[];
  byPlacement: Map<number, ProbeItem[]>;
}

/**
 * Which placement probes each target: the one whose `targets` names it, else the one (without
 * a `targets` list) in the target's account and region — the config's `account`/`region`, or
 * its RDS endpoint's region. Never the deploying credentials' account: every profile that
 * synthesizes the app (the auditor's, each member's for its probe stacks) must assign alike.
 * A target no placement can reach fails the synth with one line: file, key path, what was expected.
 */
export function assignProbes(config: Config, file: string): ProbeAssignment {
  const placements = config.deploy?.probes ?? [];
  const items: PlacedProbeItem[] = [];
  const byPlacement = new Map<number, ProbeItem[]>();
  const fail = (path: string, expected: string): never => {
    throw new ConfigError(`${file}: ${path}: ${expected}`);
  };
  const assign = (kind: ProbeItem["kind"], targets: readonly Target[]) => {
    targets.forEach((target, i) => {
      const path = `${kind}[${i}]`;
      const where = targetLocation(target);
      const { account, region } = where;
      let index = placements.findIndex((p) => p.targets?.includes(target.name));
      if (index >= 0) {
        const p = placements[index] as ProbePlacement;
        if ((account && account !== p.account) || (region && region !== p.region))
          fail(
            path,
            `expected "${target.name}" in the account and region of deploy.probes[${index}] (${p.account}, ${p.region}), which names it; it is in ${account ?? "the auditor's account"}, ${region ?? "the auditor's region"}`,
          );
      } else {
        if (!account || !region)
          fail(
            path,
            `expected the account and region of "${target.name}" to find its probe placement in deploy.probes: set ${account ? "" : "account"}${!account && !region ? " and " : ""}${region ? "" : "region"} on the target, or name it in a placement's targets`,
          );
        const candidates = placements.flatMap((p, j) => (!p.targets && p.account === account && p.region === region ? [j] : []));
        if (candidates.length === 0)
          fail(
            path,
            `expected a probe placement in deploy.probes for account ${account}, region ${region}, where "${target.name}" lives; none can reach it`,
          );
        if (candidates.length > 1)
          fail(
            path,
            `expected one probe placement for "${target.name}": ${candidates.map((j) => `deploy.probes[${j}]`).join(" and ")} are both in account ${account}, region ${region}; name it in one placement's targets`,
          );
        index = candidates[0] as number;
      }
      const placement = placements[index] as ProbePlacement;
      items.push({ kind, name: target.name, functionArn: probeFunctionArn(placement) });
      byPlacement.set(index, [...(byPlacement.get(index) ?? []), { kind, name: target.name }]);
    });
  };
  assign("postgres", config.postgres);
  assign("mysql", config.mysql);
  assign("redis", config.redis);
  return { items, byPlacement };
}

/** Where a target lives: the config's `account`/`region` (or its RDS endpoint's region), else the stack's own. */
export function placeOf(target: Target, place: StackPlace): StackPlace {
  const where = targetLocation(target);
  const region = where.region ?? place.region;
  // A literal region decides the partition (aws-cn, aws-us-gov); a token region keeps the stack's.
  const partition = where.region ? partitionOfRegion(where.region) : place.partition;
  return { account: where.account ?? place.account, region, partition };
}

/** The secrets the probe reads passwords from, each with the place of the target it serves. */
export function probeSecrets(config: Config, place: StackPlace): { ref: string; place: StackPlace }[] {
  const out: { ref: string; place: StackPlace }[] = [];
  const add = (ref: string, target: Target) => out.push({ ref, place: placeOf(target, place) });
  for (const t of config.postgres) if ("secret" in t.connection.password) add(t.connection.password.secret, t);
  for (const t of config.mysql) if ("secret" in t.connection.password) add(t.connection.password.secret, t);
  for (const t of config.redis) if (t.credentials && "secret" in t.credentials.password) add(t.credentials.password.secret, t);
  return out;
}

/** GetSecretValue resources of the probe: each secret in its target's account and region, once. */
export function probeSecretArns(config: Config, place: StackPlace): string[] {
  return [...new Set(probeSecrets(config, place).map((s) => secretArn(s.ref, s.place)))];
}

/**
 * The ARN a GetSecretValue permission names. Secrets Manager appends six random characters
 * to a secret's name in its ARN, so a name matches `NAME-??????` (never a broader `*`).
 */
export function secretArn(ref: string, place: StackPlace): string {
  if (ref.startsWith("arn:")) return ref;
  return `arn:${place.partition}:secretsmanager:${place.region}:${place.account}:secret:${ref}-??????`;
}

/**
 * `rds-db:connect` resources for targets that log in with IAM tokens, in the database's
 * account and region. The DB resource id is not in the config, so it is `*`; the user name
 * is fixed, which is what limits the grant.
 */
export function rdsDbUserArns(config: Config, place: StackPlace): string[] {
  const arns = new Set<string>();
  for (const t of [...config.postgres, ...config.mysql]) {
    if (!("iam" in t.connection.password)) continue;
    const at = placeOf(t, place);
    arns.add(`arn:${at.partition}:rds-db:${at.region}:${at.account}:dbuser:*/${t.connection.user}`);
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

/** The inline Map's largest MaxConcurrency (Step Functions runs at most 40 inline iterations at once). */
export const INLINE_MAP_CONCURRENCY = 40;

/** Where the discovery function writes a run's items in the partitions bucket. */
export const DISCOVER_PREFIX = "runs/";

/** A statement of a function's role, as plain data (the stack makes the PolicyStatement). */
export interface RoleStatement {
  sid: string;
  actions: string[];
  resources: string[];
  conditions?: Record<string, Record<string, string>>;
}

/**
 * `sts:AssumeRole` on `aws.organization.roleName` in any account, but only on roles of the
 * deployed Organization (`aws:ResourceOrgID`, deploy.organizationId): the role's name is
 * the same in every account, the account ids are found at run time.
 */
export function organizationRoleStatement(config: Config, partition: string): RoleStatement | undefined {
  const org = config.aws.organization;
  const orgId = config.deploy?.organizationId;
  if (!org || !orgId) return undefined;
  return {
    sid: "AssumeOrganizationRoles",
    actions: [...ASSUME_ROLE_ACTIONS],
    resources: [`arn:${partition}:iam::*:role/${org.roleName}`],
    conditions: { StringEquals: { "aws:ResourceOrgID": orgId } },
  };
}

/**
 * What the discovery function calls besides writing its items: the Organization's listing
 * (ListAccounts has no resource type; the parent listings are scoped to the deployed
 * Organization's OUs and roots), the member roles for `regions: all` (to list each
 * account's enabled regions), and its own identity and regions.
 */
export function discoverStatements(config: Config, partition: string): RoleStatement[] {
  const out: RoleStatement[] = [];
  const org = config.aws.organization;
  const orgId = config.deploy?.organizationId;
  if (org && orgId) {
    out.push({ sid: "ListOrganizationAccounts", actions: [ORGANIZATION_ACTIONS[0]], resources: ["*"] });
    out.push({
      sid: "ListOrganizationParents",
      actions: ORGANIZATION_ACTIONS.slice(1),
      resources: [`arn:${partition}:organizations::*:ou/${orgId}/ou-*`, `arn:${partition}:organizations::*:root/${orgId}/r-*`],
    });
  }
  // The credentials' own account (no accounts listed), and the account named when a listing fails.
  if (org || !config.aws.accounts?.length) out.push({ sid: "OwnIdentity", actions: ["sts:GetCallerIdentity"], resources: ["*"] });
  if (config.aws.regions === "all") {
    out.push({ sid: "EnabledRegions", actions: ["ec2:DescribeRegions"], resources: ["*"] });
    const assume = organizationRoleStatement(config, partition);
    if (assume) out.push(assume);
  }
  return out;
}
