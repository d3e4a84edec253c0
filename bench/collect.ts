/**
 * API calls of one live collection of a large estate, through the mocked SDK clients of the
 * tests: 10,000 security groups, 2,000 DB instances and 2,000 Aurora clusters selected by tag.
 * The figure that matters is the call count (what AWS bills in throttling), not the time.
 */
import { parseConfig } from "../lib/audit/config/load.js";
import { collectInventory } from "../lib/audit/inventory/aws/index.js";
import { ACCOUNT, dbCluster, dbInstance, parameters, securityGroup } from "../test/audit/inventory/aws/aws-shapes.js";
import { ALL_MOCKS, BASE_CREDENTIALS, installFakeAws, resetFakeAws } from "../test/audit/inventory/aws/fake-aws.js";

const TAG = { Key: "queue-backend", Value: "delayed_job" };
const sgId = (i: number) => `sg-${i.toString(16).padStart(17, "0")}`;

export async function benchCollect(): Promise<{ calls: Record<string, number>; total: number; ms: number }> {
  const instances = Array.from({ length: 2_000 }, (_, i) =>
    dbInstance(`queue-db-${i}`, { groups: [sgId(i)], parameterGroup: `pg14-queue-${i % 5}`, tags: [TAG] }),
  );
  const clusters = Array.from({ length: 2_000 }, (_, i) =>
    dbCluster(`queue-aurora-${i}`, { groups: [sgId(2_000 + i)], parameterGroup: `aurora-pg15-queue-${i % 4}`, tags: [TAG] }),
  );
  const params = parameters(Object.fromEntries(Array.from({ length: 350 }, (_, i) => [`param_${i}`, "1"])));
  resetFakeAws();
  installFakeAws({
    regions: {
      [`${ACCOUNT}/eu-west-1`]: {
        dbInstances: instances,
        dbClusters: clusters,
        dbParameters: Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`pg14-queue-${i}`, params])),
        dbClusterParameters: Object.fromEntries(Array.from({ length: 4 }, (_, i) => [`aurora-pg15-queue-${i}`, params])),
        securityGroups: Array.from({ length: 10_000 }, (_, i) =>
          securityGroup(sgId(i), { cidr: "10.20.0.0/16", prefixListIds: ["pl-0a1b2c3d4e5f60001"] }),
        ),
        prefixLists: { "pl-0a1b2c3d4e5f60001": [{ Cidr: "10.30.0.0/16" }] },
        replicationGroups: [],
        cacheClusters: [],
        serverlessCaches: [],
      },
    },
  });
  const config = parseConfig(
    { version: 1, aws: { regions: ["eu-west-1"] }, targets: { tag: { key: TAG.Key, value: TAG.Value } } },
    "bench.yaml",
  );
  const started = performance.now();
  try {
    await collectInventory(config, { credentials: BASE_CREDENTIALS });
    const ms = Math.round(performance.now() - started);
    const calls: Record<string, number> = {};
    for (const mock of ALL_MOCKS) {
      for (const call of mock.calls()) {
        const name = (call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, "");
        calls[name] = (calls[name] ?? 0) + 1;
      }
    }
    return { calls, total: Object.values(calls).reduce((a, b) => a + b, 0), ms };
  } finally {
    resetFakeAws();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(JSON.stringify(await benchCollect(), null, 2));
}
