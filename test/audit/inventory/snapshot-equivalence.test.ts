/**
 * The promise of `snapshot`: auditing the snapshot offline gives what the live audit gave.
 * Live collection runs against the fake AWS (aws-sdk-client-mock), the snapshot is written
 * to a temporary directory and read back with the offline reader.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../../lib/audit/config/load.js";
import { evaluate } from "../../../lib/audit/engine.js";
import type { Finding } from "../../../lib/audit/findings/model.js";
import { collectInventory } from "../../../lib/audit/inventory/aws/index.js";
import { readOfflineInventory } from "../../../lib/audit/inventory/offline.js";
import { writeSnapshot } from "../../../lib/audit/inventory/snapshot.js";
import type { Inventory, Observed } from "../../../lib/audit/inventory/types.js";
import {
  ACCOUNT,
  cacheCluster,
  dbCluster,
  dbInstance,
  parameters,
  replicationGroup,
  secret,
  securityGroup,
  user,
  userGroup,
} from "./aws/aws-shapes.js";
import { awsError, BASE_CREDENTIALS, type FakeAws, installFakeAws, resetFakeAws } from "./aws/fake-aws.js";

const NOW = new Date("2025-06-01T10:00:00.000Z");
const deps = { credentials: BASE_CREDENTIALS, now: () => NOW };

const config = parseConfig(
  {
    version: 1,
    aws: { regions: ["eu-west-1", "us-east-1"] },
    targets: { rds: ["queue-db", "queue-aurora", "queue-db-dr"], elasticache: ["jobs-redis"] },
    network: { allowedCidrs: ["10.20.0.0/16"], allowedSecurityGroups: ["sg-0a1b2c3d4e5f60010"] },
    credentials: { maxAgeDays: 90, secrets: ["queue-db/app"] },
    // This world's backends carry no subnet groups, so the network path would only report that;
    // its collection is pinned by call-counts.test.ts and its checks by the network-path tests.
    checks: { disabled: ["net-public-subnet", "net-nacl-open", "net-foreign-route"] },
  },
  "equivalence.yaml",
);

const world: FakeAws = {
  regions: {
    [`${ACCOUNT}/eu-west-1`]: {
      dbInstances: [
        dbInstance("queue-db", { groups: ["sg-0a1b2c3d4e5f60001"] }),
        dbInstance("queue-aurora-1", {
          clusterId: "queue-aurora",
          parameterGroup: "default.aurora-postgresql15",
          groups: ["sg-0a1b2c3d4e5f60002"],
        }),
      ],
      dbClusters: [dbCluster("queue-aurora", { members: ["queue-aurora-1"] })],
      dbParameters: {
        "default.postgres14": parameters({ "rds.force_ssl": "0", log_connections: "1" }),
        "default.aurora-postgresql15": parameters({}),
      },
      dbClusterParameters: { "default.aurora-postgresql15": parameters({ "rds.force_ssl": undefined, log_connections: undefined }) },
      securityGroups: [
        securityGroup("sg-0a1b2c3d4e5f60001", { cidr: "0.0.0.0/0", prefixListIds: ["pl-0a1b2c3d4e5f60001"] }),
        securityGroup("sg-0a1b2c3d4e5f60002", { sourceGroup: "sg-0a1b2c3d4e5f60077" }),
        securityGroup("sg-0a1b2c3d4e5f60003", { port: 6379, cidr: "10.20.1.0/24" }),
      ],
      prefixLists: { "pl-0a1b2c3d4e5f60001": [{ Cidr: "198.51.100.0/24", Description: "partner" }] },
      replicationGroups: [replicationGroup("jobs-redis", { userGroupIds: ["queue-users"] })],
      cacheClusters: [cacheCluster("jobs-redis-001", { replicationGroupId: "jobs-redis" })],
      serverlessCaches: [],
      userGroups: [userGroup("queue-users", ["default-open", "worker"])],
      users: [user("default-open", "default", "no-password", "on ~* +@all"), user("worker", "worker", "password", "on ~jobs:* +@all")],
      secrets: { "queue-db/app": secret("queue-db/app", { rotated: "2025-01-01T00:00:00Z" }) },
    },
    [`${ACCOUNT}/us-east-1`]: {
      dbInstances: [dbInstance("queue-db-dr", { region: "us-east-1", groups: ["sg-0a1b2c3d4e5f60005"] })],
      dbClusters: [],
      dbParameters: { "default.postgres14": parameters({ "rds.force_ssl": "1", log_connections: "1" }) },
      securityGroups: [securityGroup("sg-0a1b2c3d4e5f60005", { region: "us-east-1", cidr: "10.20.0.0/16" })],
      replicationGroups: [],
      cacheClusters: [],
      serverlessCaches: [],
    },
  },
};

/** The data, without where it came from: failed parts only say that they failed. */
function comparable(inventory: Inventory) {
  const list = (o: Observed<unknown>) => (o.ok ? o.value : "not observed");
  const keyed = (r: Record<string, Observed<unknown>>) =>
    Object.fromEntries(
      Object.entries(r)
        .filter(([, v]) => v.ok)
        .map(([k, v]) => [k, list(v)]),
    );
  return inventory.partitions.map((p) => ({
    account: p.account,
    region: p.region,
    capturedAt: p.capturedAt,
    securityGroups: list(p.securityGroups),
    prefixListEntries: keyed(p.prefixListEntries),
    dbInstances: list(p.dbInstances),
    dbClusters: list(p.dbClusters),
    dbParameters: keyed(p.dbParameters),
    dbClusterParameters: keyed(p.dbClusterParameters),
    replicationGroups: list(p.replicationGroups),
    cacheClusters: list(p.cacheClusters),
    serverlessCaches: list(p.serverlessCaches),
    userGroups: list(p.userGroups),
    users: list(p.users),
    cacheTags: keyed(p.cacheTags),
    secrets: keyed(p.secrets),
  }));
}

const verdicts = (findings: Finding[]) =>
  findings
    .filter((f) => f.checkId !== "audit-error")
    .map((f) => `${f.checkId} ${f.resource.account}/${f.resource.region}/${f.resource.id} ${f.subject ?? ""} ${f.status}`)
    .sort();

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "queue-auditor-snapshot-eq-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
afterEach(resetFakeAws);

describe("snapshot, then offline audit", () => {
  it("reads back the same inventory and gives the same findings as the live audit", async () => {
    installFakeAws(world);
    const live = await collectInventory(config, deps);
    const dir = path.join(root, "complete");

    const plan = await writeSnapshot(live, dir);
    const offline = await readOfflineInventory(dir);

    expect(plan.errors).toEqual([]);
    expect(comparable(offline)).toEqual(comparable(live));
    const liveFindings = evaluate({ config, inventory: live, now: NOW });
    const offlineFindings = evaluate({ config, inventory: offline, now: NOW });
    // Identical, messages and evidence included: nothing in the findings depends on where the data came from.
    expect(offlineFindings).toEqual(liveFindings);
    // And the audit is a real one: violations and passes on both regions.
    expect(liveFindings.some((f) => f.status === "FAIL" && f.checkId === "sg-world-ingress")).toBe(true);
    expect(liveFindings.some((f) => f.status === "FAIL" && f.checkId === "cache-default-user-open")).toBe(true);
    expect(liveFindings.some((f) => f.status === "PASS" && f.resource.region === "us-east-1")).toBe(true);
    expect(liveFindings.filter((f) => f.status === "ERROR")).toEqual([]);
  });

  it("keeps a failed part failed: the offline audit reports the same checks as not evaluated", async () => {
    installFakeAws({
      ...world,
      failures: {
        [`${ACCOUNT}/us-east-1/ec2:DescribeSecurityGroups`]: awsError(
          "UnauthorizedOperation",
          "You are not authorized to perform this operation.",
          403,
        ),
      },
    });
    const live = await collectInventory(config, deps);
    const dir = path.join(root, "incomplete");

    const plan = await writeSnapshot(live, dir);
    const offline = await readOfflineInventory(dir);

    expect(plan.errors).toEqual([
      expect.objectContaining({ source: "ec2:DescribeSecurityGroups", region: "us-east-1", code: "UnauthorizedOperation" }),
    ]);
    const liveFindings = evaluate({ config, inventory: live, now: NOW });
    const offlineFindings = evaluate({ config, inventory: offline, now: NOW });
    expect(verdicts(offlineFindings)).toEqual(verdicts(liveFindings));
    expect(verdicts(liveFindings).filter((v) => v.endsWith("ERROR")).length).toBeGreaterThan(0);
    // meta.json carries the cause, so the auditor's own error is the same live and offline.
    const auditErrors = (fs: Finding[]) =>
      fs.filter((f) => f.checkId === "audit-error").map((f) => [f.resource.account, f.resource.region, f.resource.id]);
    expect(auditErrors(liveFindings)).toEqual([[ACCOUNT, "us-east-1", "ec2:DescribeSecurityGroups"]]);
    expect(auditErrors(offlineFindings)).toEqual(auditErrors(liveFindings));
    expect(offlineFindings.find((f) => f.checkId === "audit-error")?.message).toBe(
      liveFindings.find((f) => f.checkId === "audit-error")?.message,
    );
  });
});
