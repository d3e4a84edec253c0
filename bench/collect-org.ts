/**
 * A simulated AWS Organization of 1,000 active accounts × 4 regions, answered by the tests'
 * in-process fake AWS (test/audit/inventory/aws/fake-aws.ts) with 100 ms per call, audited
 * live with a concurrency cap. What it measures is how close the collection gets to the
 * physical limit, not how fast the fake is:
 *
 *   bound = max(longest chain of dependent calls × latency, calls × latency ÷ cap)
 *
 * The chain is the Organization listing (ListAccounts, 20 accounts a page, each page needs
 * the previous page's token) followed by the last account's own chain (AssumeRole, then the
 * discovery lists, then what scope asks for). `wallRatio` = wall time ÷ bound: 1.0 is the
 * physical limit; the target is ≤ 1.5.
 */
import { parseConfig } from "../lib/audit/config/load.js";
import { collectInventory } from "../lib/audit/inventory/aws/index.js";
import { ALL_MOCKS, BASE_CREDENTIALS, type FakeOrganization, installFakeAws, resetFakeAws } from "../test/audit/inventory/aws/fake-aws.js";

export const ORG_ACCOUNTS = 1_000;
export const ORG_REGIONS = ["eu-west-1", "eu-central-1", "us-east-1", "us-west-2"];
export const LATENCY_MS = 100;
/** In flight at once across the whole collection: the Distributed Map's cap, below Lambda's default 1,000. */
export const ORG_CONCURRENCY = 200;
const PAGE = 20;

export interface OrgBench {
  wallMs: number;
  calls: number;
  /** The critical-path bound of the header, in ms. */
  boundMs: number;
  wallRatio: number;
  /** Calls on the longest dependent chain. */
  chain: number;
  partitions: number;
  callsByAction: Record<string, number>;
}

export async function benchCollectOrg(accounts = ORG_ACCOUNTS, concurrency = ORG_CONCURRENCY, latencyMs = LATENCY_MS): Promise<OrgBench> {
  const id = (n: number) => String(300_000_000_000 + n);
  const organization: FakeOrganization = {
    accounts: Array.from({ length: accounts }, (_, n) => ({ Id: id(n), Name: `member-${n}`, State: "ACTIVE", parent: "r-a1b2" })),
    ous: {},
  };
  resetFakeAws();
  installFakeAws({
    regions: {},
    roles: Object.fromEntries(organization.accounts.map((a) => [`arn:aws:iam::${a.Id}:role/QueueAuditorReadOnly`, a.Id as string])),
    organization,
    latencyMs,
  });
  const config = parseConfig(
    {
      version: 1,
      aws: { regions: ORG_REGIONS, organization: { roleName: "QueueAuditorReadOnly" } },
      targets: { tag: { key: "queue-backend", value: "delayed_job" } },
    },
    "bench.yaml",
  );
  const started = performance.now();
  try {
    const inventory = await collectInventory(config, { credentials: BASE_CREDENTIALS, concurrency });
    const wallMs = performance.now() - started;
    const callsByAction: Record<string, number> = {};
    for (const mock of ALL_MOCKS) {
      for (const call of mock.calls()) {
        const name = (call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, "");
        callsByAction[name] = (callsByAction[name] ?? 0) + 1;
      }
    }
    const calls = Object.values(callsByAction).reduce((a, b) => a + b, 0);
    const listing = callsByAction.ListAccounts ?? Math.ceil(accounts / PAGE);
    // After its page: AssumeRole, then the discovery lists (one page each in an empty
    // account), then nothing scope-dependent (no backend matched the tag).
    const chain = listing + 2;
    const boundMs = Math.max(chain * latencyMs, (calls * latencyMs) / concurrency);
    return { wallMs, calls, boundMs, wallRatio: wallMs / boundMs, chain, partitions: inventory.partitions.length, callsByAction };
  } finally {
    resetFakeAws();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? ORG_ACCOUNTS);
  console.log(JSON.stringify(await benchCollectOrg(n), null, 2));
}
