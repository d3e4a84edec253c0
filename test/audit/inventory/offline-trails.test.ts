import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readOfflineInventory } from "../../../lib/audit/inventory/offline.js";
import { planSnapshot } from "../../../lib/audit/inventory/snapshot.js";
import type { InventoryPartition } from "../../../lib/audit/inventory/types.js";

const root = mkdtempSync(path.join(tmpdir(), "qa-trails-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const write = (dir: string, file: string, data: unknown) => {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), JSON.stringify(data, null, 4));
};

/** `aws cloudtrail describe-trails --include-shadow-trails --output json` of a member account in eu-west-1. */
const describeTrails = {
  trailList: [
    {
      Name: "org-trail",
      S3BucketName: "org-cloudtrail-logs",
      IncludeGlobalServiceEvents: true,
      IsMultiRegionTrail: true,
      HomeRegion: "us-east-1",
      TrailARN: "arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail",
      LogFileValidationEnabled: true,
      HasCustomEventSelectors: false,
      HasInsightSelectors: false,
      IsOrganizationTrail: true,
    },
    {
      Name: "us-only",
      S3BucketName: "logs",
      IsMultiRegionTrail: false,
      HomeRegion: "us-east-1",
      TrailARN: "arn:aws:cloudtrail:us-east-1:444455556666:trail/us-only",
    },
  ],
};

function partitionDir(name: string, withSelectors: boolean): string {
  const dir = path.join(root, name);
  write(dir, "meta.json", { capturedAt: "2026-11-01T00:00:00Z", account: "444455556666", region: "eu-west-1" });
  write(dir, "ec2-describe-security-groups.json", { SecurityGroups: [] });
  write(dir, "cloudtrail-describe-trails.json", describeTrails);
  write(dir, "cloudtrail-get-trail-status/org-trail.json", { IsLogging: true, LatestDeliveryTime: "2026-11-01T00:00:00+00:00" });
  if (withSelectors) {
    write(dir, "cloudtrail-get-event-selectors/org-trail.json", {
      TrailARN: "arn:aws:cloudtrail:us-east-1:999988887777:trail/org-trail",
      EventSelectors: [{ ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }],
    });
  }
  return dir;
}

describe("offline CloudTrail exports", () => {
  it("reads the trails that log the partition's region, with status and selectors, without taking their ARNs as the partition's identity", async () => {
    const inv = await readOfflineInventory(partitionDir("full", true));
    const p = inv.partitions[0] as InventoryPartition;
    expect(p.region).toBe("eu-west-1");
    expect(p.trails?.ok && p.trails.value.map((t) => [t.trail.Name, t.status.ok, t.selectors.ok])).toEqual([["org-trail", true, true]]);
  });

  it("keeps a missing selectors file as a gap naming the file", async () => {
    const inv = await readOfflineInventory(partitionDir("gap", false));
    const p = inv.partitions[0] as InventoryPartition;
    const selectors = p.trails?.ok ? p.trails.value[0]?.selectors : undefined;
    expect(selectors?.ok === false && selectors.error.source).toBe(path.join(root, "gap", "cloudtrail-get-event-selectors/org-trail.json"));
  });

  it("snapshot writes the same files back", async () => {
    const inv = await readOfflineInventory(partitionDir("again", true));
    const paths = planSnapshot(inv).files.map((f) => f.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "cloudtrail-describe-trails.json",
        "cloudtrail-get-trail-status/org-trail.json",
        "cloudtrail-get-event-selectors/org-trail.json",
      ]),
    );
  });
});
