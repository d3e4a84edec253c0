/**
 * The network path of the in-scope backends: the cache subnet groups they use, then their
 * subnets, then the route tables of those subnets' VPCs (a subnet without an explicit
 * association uses its VPC's main table) and the network ACLs associated with the subnets.
 * Every call is filtered by scope (subnet-id, vpc-id, association.subnet-id, 200 values a
 * request) and paged at the largest size the API accepts: calls grow with the scope's
 * VPCs and subnets over 200, never with the backends.
 */
import { paginateDescribeNetworkAcls, paginateDescribeRouteTables, paginateDescribeSubnets } from "@aws-sdk/client-ec2";
import { paginateDescribeCacheSubnetGroups } from "@aws-sdk/client-elasticache";
import type { InventoryPartition, NetworkField, Observed, WireCacheSubnetGroup, WireSubnet } from "../types.js";
import { attempt, type CollectContext, PAGE_SIZE } from "./collector.js";
import { chunk, EC2_FILTER_VALUES_MAX } from "./ec2.js";
import type { PartitionNeeds } from "./needs.js";
import { paginate } from "./paginate.js";
import { toWire } from "./wire.js";

type NetworkParts = Required<Pick<InventoryPartition, NetworkField>>;

const uniqSorted = (values: Iterable<string>) => [...new Set(values)].filter((v) => v !== "").sort();

async function describeCacheSubnetGroups(ctx: CollectContext, names: readonly string[]): Promise<WireCacheSubnetGroup[]> {
  const wanted = new Set(names);
  // One group: ask for it by name. Several: one listing of the region's groups beats one call each.
  const groups = await paginate(ctx.limit, {
    paginator: paginateDescribeCacheSubnetGroups,
    client: ctx.clients.elasticache,
    pageSize: PAGE_SIZE.elasticache,
    input: names.length === 1 ? { CacheSubnetGroupName: names[0] } : {},
    items: (p) => p.CacheSubnetGroups,
  });
  return toWire(groups.filter((g) => wanted.has(g.CacheSubnetGroupName ?? "")));
}

/** One filtered listing per 200 filter values, each paged to the end. */
async function filtered<T>(values: readonly string[], list: (values: string[]) => Promise<T[]>): Promise<T[]> {
  if (values.length === 0) return [];
  return (await Promise.all(chunk(values, EC2_FILTER_VALUES_MAX).map(list))).flat();
}

export async function collectNetwork(ctx: CollectContext, needs: PartitionNeeds): Promise<NetworkParts> {
  const { clients, limit } = ctx;
  const cacheSubnetGroups: Observed<WireCacheSubnetGroup[]> =
    needs.cacheSubnetGroups.length === 0
      ? { ok: true, value: [] }
      : await attempt(ctx, "cacheSubnetGroups", undefined, () => describeCacheSubnetGroups(ctx, needs.cacheSubnetGroups));

  const subnetIds = uniqSorted([
    ...needs.subnetIds,
    ...(cacheSubnetGroups.ok ? cacheSubnetGroups.value.flatMap((g) => (g.Subnets ?? []).map((s) => s.SubnetIdentifier ?? "")) : []),
  ]);
  const subnets: Observed<WireSubnet[]> = await attempt(ctx, "subnets", undefined, async () =>
    toWire(
      await filtered(subnetIds, (values) =>
        paginate(limit, {
          paginator: paginateDescribeSubnets,
          client: clients.ec2,
          pageSize: PAGE_SIZE.subnets,
          input: { Filters: [{ Name: "subnet-id", Values: values }] },
          items: (p) => p.Subnets,
        }),
      ),
    ),
  );

  // The main route table is found through the VPC, so route tables are listed per VPC.
  const vpcIds = subnets.ok ? uniqSorted(subnets.value.map((s) => s.VpcId ?? "")) : [];
  const [routeTables, networkAcls] = await Promise.all([
    subnets.ok
      ? attempt(ctx, "routeTables", undefined, async () =>
          toWire(
            await filtered(vpcIds, (values) =>
              paginate(limit, {
                paginator: paginateDescribeRouteTables,
                client: clients.ec2,
                pageSize: PAGE_SIZE.routeTables,
                input: { Filters: [{ Name: "vpc-id", Values: values }] },
                items: (p) => p.RouteTables,
              }),
            ),
          ),
        )
      : subnets,
    attempt(ctx, "networkAcls", undefined, async () =>
      toWire(
        await filtered(subnetIds, (values) =>
          paginate(limit, {
            paginator: paginateDescribeNetworkAcls,
            client: clients.ec2,
            pageSize: PAGE_SIZE.networkAcls,
            input: { Filters: [{ Name: "association.subnet-id", Values: values }] },
            items: (p) => p.NetworkAcls,
          }),
        ),
      ),
    ),
  ]);
  return { cacheSubnetGroups, subnets, routeTables, networkAcls };
}
