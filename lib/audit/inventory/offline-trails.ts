/**
 * The CloudTrail part of an offline partition: `cloudtrail-describe-trails.json` (what
 * `aws cloudtrail describe-trails --output json` prints), and for each trail that applies to
 * the region `cloudtrail-get-trail-status/NAME.json` and `cloudtrail-get-event-selectors/NAME.json`
 * (`aws cloudtrail get-trail-status --name ARN`, `aws cloudtrail get-event-selectors --trail-name ARN`).
 * Trail ARNs name their home region and owner (an organization trail, a multi-region trail),
 * so they are not taken as evidence of the partition's own account and region.
 */
import path from "node:path";
import * as z from "zod";
import type { ObservationError } from "../model/observation.js";
import { readJsonFile } from "./offline-file.js";
import { INVENTORY_FILES, type InventoryPartition, type TrailObservation, type WireTrail } from "./types.js";

const trail = z.looseObject({
  Name: z.string({ error: "expected the trail's name" }),
  TrailARN: z.string().optional(),
  HomeRegion: z.string().optional(),
  IsMultiRegionTrail: z.boolean({ error: "expected true or false" }).optional(),
  IsOrganizationTrail: z.boolean({ error: "expected true or false" }).optional(),
});
const describeTrails = z.looseObject({ trailList: z.array(trail, { error: "expected a list of trails" }) });
const trailStatus = z.looseObject({ IsLogging: z.boolean({ error: "expected true or false" }).optional() });
const fieldSelector = z.looseObject({
  Field: z.string({ error: "expected a field name" }),
  Equals: z.array(z.string()).optional(),
  NotEquals: z.array(z.string()).optional(),
});
const eventSelectors = z.looseObject({
  TrailARN: z.string().optional(),
  EventSelectors: z
    .array(z.looseObject({ ReadWriteType: z.string().optional(), IncludeManagementEvents: z.boolean().optional() }))
    .optional(),
  AdvancedEventSelectors: z.array(z.looseObject({ FieldSelectors: z.array(fieldSelector) })).optional(),
});

/** Same rule as the live collector (inventory/aws/cloudtrail.ts): the trail lives here or logs every region. */
function applies(t: WireTrail, region: string): boolean {
  return t.HomeRegion === region || t.IsMultiRegionTrail === true;
}

export async function readTrails(
  dir: string,
  region: string,
  missing: (file: string, source: string) => ObservationError,
): Promise<Pick<InventoryPartition, "trails">> {
  const listFile = path.join(dir, INVENTORY_FILES.trails);
  const listed = await readJsonFile(listFile, describeTrails, "the output of `aws cloudtrail describe-trails --output json`");
  if (!listed.ok) return { trails: { ok: false, error: missing(INVENTORY_FILES.trails, listFile) } };
  const trails = await Promise.all(
    (listed.value.trailList as WireTrail[])
      .filter((t) => applies(t, region))
      .map(async (t): Promise<TrailObservation> => {
        const name = t.Name as string;
        const read = async <S extends z.ZodType>(folder: string, schema: S, command: string) => {
          const rel = `${folder}/${name}.json`;
          const file = path.join(dir, rel);
          const r = await readJsonFile(file, schema, `the output of \`${command} --output json\``);
          return r.ok ? { ok: true as const, value: r.value } : { ok: false as const, error: missing(rel, file) };
        };
        const [status, selectors] = await Promise.all([
          read(INVENTORY_FILES.trailStatus, trailStatus, "aws cloudtrail get-trail-status --name TRAIL_ARN"),
          read(INVENTORY_FILES.eventSelectors, eventSelectors, "aws cloudtrail get-event-selectors --trail-name TRAIL_ARN"),
        ]);
        return { trail: t, status, selectors } as TrailObservation;
      }),
  );
  return { trails: { ok: true, value: trails } };
}
