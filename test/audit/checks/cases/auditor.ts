/**
 * In-memory cases of audit-error (a configured target the inventory does not hold, and one it
 * does) and of cloudtrail-management-events-off (a deployed config; the trails as DescribeTrails,
 * GetTrailStatus and GetEventSelectors return them).
 */
import { config, context, dbInstance, inventory, ok, partition } from "../../../support/builders.js";
import type { FamilyCases } from "./case.js";

const cfg = config({ targets: { rds: ["queue-db"] } });
const deployed = config({ deploy: { vpc: { id: "vpc-0a1b2c3d4e5f60001", subnetIds: ["subnet-0a1b2c3d4e5f60001"] } } });
const managementTrail = {
  Name: "management-events",
  S3BucketName: "aws-cloudtrail-logs-111122223333",
  IsMultiRegionTrail: true,
  HomeRegion: "us-east-1",
  TrailARN: "arn:aws:cloudtrail:us-east-1:111122223333:trail/management-events",
  IsOrganizationTrail: false,
};
const trailLogging = (IsLogging: boolean) => () =>
  context(
    deployed,
    inventory(
      partition({
        trails: ok([
          {
            trail: managementTrail,
            status: ok({ IsLogging }),
            selectors: ok({
              TrailARN: managementTrail.TrailARN,
              EventSelectors: [
                { ReadWriteType: "All", IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] },
              ],
            }),
          },
        ]),
      }),
    ),
  );

export const auditorCases: FamilyCases = {
  "audit-error": {
    error: {
      given: "a configured RDS target the inventory does not hold",
      context: () => context(cfg, inventory(partition({ dbInstances: ok([dbInstance("other-db")]) }))),
      resource: "targets/queue-db",
      subject: "queue-db",
    },
    silent: {
      given: "the configured RDS target in the inventory, every part observed",
      context: () => context(cfg, inventory(partition({ dbInstances: ok([dbInstance("queue-db")]) }))),
    },
  },
  "cloudtrail-management-events-off": {
    fail: {
      given: "the account's only multi-region trail stopped logging",
      context: trailLogging(false),
      resource: "111122223333",
      subject: "eu-west-1",
    },
    pass: {
      given: "a logging multi-region trail that records all management events",
      context: trailLogging(true),
      resource: "111122223333",
      subject: "eu-west-1",
    },
  },
};
