/**
 * Collects one account × region, one collector per service. Discovery lists first (RDS,
 * ElastiCache with its tags, and the secrets, which do not depend on scope); then scope
 * resolution on them decides what else is worth a call: the in-scope security groups and
 * the prefix lists they reference (EC2), one parameter series per distinct parameter
 * group (RDS), RBAC users only when an in-scope cache uses RBAC (ElastiCache). Every part
 * is collected on its own, so one failing call leaves the rest of the partition intact.
 * The network path (subnets, route tables, network ACLs) follows the in-scope backends.
 */
import type { Config } from "../../config/schema.js";
import type { ObservationError } from "../../model/observation.js";
import type { InventoryPartition } from "../types.js";
import type { PartitionClients } from "./clients.js";
import { collectTrails } from "./cloudtrail.js";
import { type CollectContext, LIVE } from "./collector.js";
import { collectEc2 } from "./ec2.js";
import { collectRbac, discoverElastiCache } from "./elasticache.js";
import type { Limit } from "./limit.js";
import { collectLogs, logPeriod } from "./logs.js";
import { needsOf } from "./needs.js";
import { collectNetwork } from "./network.js";
import { collectRdsParameters, discoverRds } from "./rds.js";
import { collectSecrets, secretsFor } from "./secrets.js";

export interface PartitionJob {
  account: string;
  region: string;
  config: Config;
  clients: PartitionClients;
  limit: Limit;
  capturedAt: string;
  /** Start of the log period when the previous run is known. */
  logsSince?: Date;
  keepLogEvents?: boolean;
}

export async function collectPartition(job: PartitionJob): Promise<InventoryPartition> {
  const ctx: CollectContext = { account: job.account, region: job.region, config: job.config, clients: job.clients, limit: job.limit };

  // 1. Discovery, and the secrets.
  const [rds, elasticache, secrets, trails] = await Promise.all([
    discoverRds(ctx),
    discoverElastiCache(ctx),
    collectSecrets(ctx),
    collectTrails(ctx),
  ]);

  // 2. Scope on what is known so far decides the rest.
  const discovered: InventoryPartition = {
    account: job.account,
    region: job.region,
    origin: LIVE,
    capturedAt: job.capturedAt,
    securityGroups: { ok: true, value: [] },
    prefixListEntries: {},
    dbParameters: {},
    dbClusterParameters: {},
    userGroups: { ok: true, value: [] },
    users: { ok: true, value: [] },
    ...rds,
    ...elasticache,
    ...secrets,
    ...trails,
  };
  const needs = needsOf(job.config, discovered);

  // 3. Everything scope needs, concurrently.
  const period = logPeriod(job.capturedAt, job.config.logs?.lookbackMinutes ?? 60, job.logsSince);
  const [ec2, parameters, rbac, network, logs] = await Promise.all([
    collectEc2(ctx, needs),
    collectRdsParameters(ctx, needs),
    collectRbac(ctx, needs),
    collectNetwork(ctx, needs),
    collectLogs(ctx, needs, { period, ...(job.keepLogEvents ? { keepEvents: true } : {}) }),
  ]);
  return { ...discovered, ...ec2, ...parameters, ...rbac, ...network, ...logs };
}

/** A partition of an account that could not be reached at all: every part says why. */
export function unreachablePartition(
  config: Config,
  account: string,
  region: string,
  capturedAt: string,
  cause: Omit<ObservationError, "region">,
): InventoryPartition {
  const error: ObservationError = { ...cause, region };
  const failed = { ok: false as const, error };
  return {
    account,
    region,
    origin: LIVE,
    capturedAt,
    securityGroups: failed,
    prefixListEntries: {},
    dbInstances: failed,
    dbClusters: failed,
    dbParameters: {},
    dbClusterParameters: {},
    replicationGroups: failed,
    cacheClusters: failed,
    serverlessCaches: failed,
    userGroups: failed,
    users: failed,
    cacheTags: {},
    subnets: failed,
    routeTables: failed,
    networkAcls: failed,
    cacheSubnetGroups: failed,
    // Keyed by the secrets the config names, so the credentials check reports this cause, not a bare gap.
    secrets: Object.fromEntries(secretsFor(config, account, region).map((s) => [s.name, failed])),
    ...(config.deploy ? { trails: failed } : {}),
  };
}
