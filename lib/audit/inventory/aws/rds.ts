/** RDS: DB instances and clusters (discovery), then the parameters of the in-scope parameter groups. */
import {
  paginateDescribeDBClusterParameters,
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  paginateDescribeDBParameters,
} from "@aws-sdk/client-rds";
import type { InventoryPartition, WireParameter } from "../types.js";
import { attempt, type CollectContext, keyed, notCollected, PAGE_SIZE } from "./collector.js";
import type { PartitionNeeds } from "./needs.js";
import { paginate } from "./paginate.js";
import { toWire } from "./wire.js";

const NOT_SELECTED = "the config selects no RDS resources (targets.rds, targets.tag)";

export async function discoverRds(ctx: CollectContext): Promise<Pick<InventoryPartition, "dbInstances" | "dbClusters">> {
  const { config, clients, limit } = ctx;
  if (config.targets.rds.length === 0 && config.targets.tag === undefined) {
    return { dbInstances: notCollected(ctx, "dbInstances", NOT_SELECTED), dbClusters: notCollected(ctx, "dbClusters", NOT_SELECTED) };
  }
  const [dbInstances, dbClusters] = await Promise.all([
    attempt(ctx, "dbInstances", undefined, async () =>
      toWire(
        await paginate(limit, {
          paginator: paginateDescribeDBInstances,
          client: clients.rds,
          pageSize: PAGE_SIZE.rds,
          input: {},
          items: (p) => p.DBInstances,
        }),
      ),
    ),
    attempt(ctx, "dbClusters", undefined, async () =>
      toWire(
        await paginate(limit, {
          paginator: paginateDescribeDBClusters,
          client: clients.rds,
          pageSize: PAGE_SIZE.rds,
          input: {},
          items: (p) => p.DBClusters,
        }),
      ),
    ),
  ]);
  return { dbInstances, dbClusters };
}

/** One parameter series per distinct parameter group of the in-scope instances and clusters. */
export async function collectRdsParameters(
  ctx: CollectContext,
  needs: PartitionNeeds,
): Promise<Pick<InventoryPartition, "dbParameters" | "dbClusterParameters">> {
  const { clients, limit } = ctx;
  const [dbParameters, dbClusterParameters] = await Promise.all([
    keyed<WireParameter[]>(ctx, "dbParameters", needs.dbParameterGroups, async (name) =>
      toWire(
        await paginate(limit, {
          paginator: paginateDescribeDBParameters,
          client: clients.rds,
          pageSize: PAGE_SIZE.dbParameters,
          input: { DBParameterGroupName: name },
          items: (p) => p.Parameters,
        }),
      ),
    ),
    keyed<WireParameter[]>(ctx, "dbClusterParameters", needs.dbClusterParameterGroups, async (name) =>
      toWire(
        await paginate(limit, {
          paginator: paginateDescribeDBClusterParameters,
          client: clients.rds,
          pageSize: PAGE_SIZE.dbParameters,
          input: { DBClusterParameterGroupName: name },
          items: (p) => p.Parameters,
        }),
      ),
    ),
  ]);
  return { dbParameters, dbClusterParameters };
}
