/**
 * A simulated AWS Organization of 1,000 active accounts × 4 regions, answered by in-process
 * fake AWS clients (bench/fake-clients.ts: the SDK's command objects, AWS's response shapes)
 * with 100 ms per call, audited live by the real collector with a concurrency cap. What it
 * measures is how close the collection gets to the physical limit, not how fast the fake is:
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
import { fakeAws } from "./fake-clients.js";

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
  const credentials = { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
  const aws = fakeAws({
    accounts: Array.from({ length: accounts }, (_, n) => id(n)),
    management: "111122223333",
    baseAccessKeyId: credentials.accessKeyId,
    latencyMs,
    roleName: "QueueAuditorReadOnly",
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
  const inventory = await collectInventory(config, { credentials, concurrency, makeClient: aws.makeClient });
  const wallMs = performance.now() - started;
  const callsByAction = { ...aws.calls };
  const calls = Object.values(callsByAction).reduce((a, b) => a + b, 0);
  const listing = callsByAction.ListAccounts ?? Math.ceil(accounts / PAGE);
  // After its page: AssumeRole, then the discovery lists (one page each in an empty
  // account), then nothing scope-dependent (no backend matched the tag).
  const chain = listing + 2;
  const boundMs = Math.max(chain * latencyMs, (calls * latencyMs) / concurrency);
  const unreachable = inventory.partitions.filter((p) => !p.dbInstances.ok).length;
  if (unreachable > 0) throw new Error(`${unreachable} partitions were not collected: the bench would measure errors`);
  return { wallMs, calls, boundMs, wallRatio: wallMs / boundMs, chain, partitions: inventory.partitions.length, callsByAction };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2] ?? ORG_ACCOUNTS);
  console.log(JSON.stringify(await benchCollectOrg(n), null, 2));
}
