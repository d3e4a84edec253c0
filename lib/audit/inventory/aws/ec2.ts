/** EC2: the in-scope security groups, then the managed prefix lists their ingress rules reference, once each. */
import { paginateDescribeSecurityGroups, paginateGetManagedPrefixListEntries, type SecurityGroup } from "@aws-sdk/client-ec2";
import type { InventoryPartition, WirePrefixListEntry, WireSecurityGroup } from "../types.js";
import { attempt, type CollectContext, keyed, PAGE_SIZE } from "./collector.js";
import { type PartitionNeeds, prefixListIdsOf } from "./needs.js";
import { paginate } from "./paginate.js";
import { toWire } from "./wire.js";

/** Values per EC2 filter the API accepts in one request. */
export const EC2_FILTER_VALUES_MAX = 200;
/**
 * Up to this many wanted groups, describe them by id (`group-id` filter, 200 per request);
 * beyond it, paging through every group of the region at 1,000 a page takes fewer calls.
 */
export const SG_BY_ID_MAX = 1000;

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function describeGroups(ctx: CollectContext, ids: readonly string[]): Promise<WireSecurityGroup[]> {
  if (ids.length === 0) return [];
  const { clients, limit } = ctx;
  const wanted = new Set(ids);
  const list = (input: { Filters?: { Name: string; Values: string[] }[] }) =>
    paginate(limit, {
      paginator: paginateDescribeSecurityGroups,
      client: clients.ec2,
      pageSize: PAGE_SIZE.securityGroups,
      input,
      items: (p) => p.SecurityGroups,
    });
  let groups: SecurityGroup[];
  if (ids.length <= SG_BY_ID_MAX) {
    // GroupIds cannot be combined with MaxResults; the group-id filter can.
    groups = (
      await Promise.all(chunk(ids, EC2_FILTER_VALUES_MAX).map((values) => list({ Filters: [{ Name: "group-id", Values: values }] })))
    ).flat();
  } else {
    groups = await list({});
  }
  return toWire(groups.filter((g) => wanted.has(g.GroupId ?? "")));
}

export async function collectEc2(
  ctx: CollectContext,
  needs: PartitionNeeds,
): Promise<Pick<InventoryPartition, "securityGroups" | "prefixListEntries">> {
  const securityGroups = await attempt(ctx, "securityGroups", undefined, () => describeGroups(ctx, needs.securityGroupIds));
  const prefixListEntries = await keyed<WirePrefixListEntry[]>(
    ctx,
    "prefixListEntries",
    securityGroups.ok ? prefixListIdsOf(securityGroups.value) : [],
    async (id) =>
      toWire(
        await paginate(ctx.limit, {
          paginator: paginateGetManagedPrefixListEntries,
          client: ctx.clients.ec2,
          pageSize: PAGE_SIZE.prefixListEntries,
          input: { PrefixListId: id },
          items: (p) => p.Entries,
        }),
      ),
  );
  return { securityGroups, prefixListEntries };
}
