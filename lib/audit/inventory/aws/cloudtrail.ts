/**
 * CloudTrail: the trails that log this region, each with its status and event selectors.
 * The deployed stack's change trigger hears "AWS API Call via CloudTrail" events only from
 * a trail that logs management (write) events here; the check
 * `cloudtrail-management-events-off` judges it. Collected only when the config deploys a
 * stack (`deploy`), the only consumer of the answer.
 */
import { DescribeTrailsCommand, GetEventSelectorsCommand, GetTrailStatusCommand } from "@aws-sdk/client-cloudtrail";
import type { InventoryPartition, TrailObservation, WireTrail } from "../types.js";
import { attempt, type CollectContext } from "./collector.js";
import { toWire } from "./wire.js";

/** A trail applies to a region when it lives there or logs every region (multi-region and organization trails). */
export function trailApplies(trail: WireTrail, region: string): boolean {
  return trail.HomeRegion === region || trail.IsMultiRegionTrail === true;
}

export async function collectTrails(ctx: CollectContext): Promise<Pick<InventoryPartition, "trails">> {
  if (!ctx.config.deploy) return {};
  const { clients, limit } = ctx;
  const listed = await attempt(ctx, "trails", undefined, async () =>
    // Shadow trails (multi-region trails of other regions, the organization's trail) included: they log here too.
    toWire((await limit(() => clients.cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true })))).trailList ?? []),
  );
  if (!listed.ok) return { trails: listed };
  const applicable = listed.value.filter((t) => trailApplies(t, ctx.region));
  const trails = await Promise.all(
    applicable.map(async (trail): Promise<TrailObservation> => {
      // The ARN, not the name: a shadow trail answers only to its ARN outside its home region.
      const id = trail.TrailARN ?? trail.Name ?? "";
      const [status, selectors] = await Promise.all([
        attempt(ctx, "trailStatus", trail.Name, async () =>
          toWire(await limit(() => clients.cloudtrail.send(new GetTrailStatusCommand({ Name: id })))),
        ),
        attempt(ctx, "eventSelectors", trail.Name, async () =>
          toWire(await limit(() => clients.cloudtrail.send(new GetEventSelectorsCommand({ TrailName: id })))),
        ),
      ]);
      return { trail, status, selectors };
    }),
  );
  return { trails: { ok: true, value: trails } };
}
