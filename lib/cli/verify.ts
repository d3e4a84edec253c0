/**
 * `queue-auditor verify`: recompute the run hash chain. Exit 0 intact, 1 broken (naming
 * the first run that does not match).
 */
import type { Command } from "commander";
import { type ChainReport, verifyChain } from "../audit/store/chain.js";
import { NoStoreError } from "../audit/store/errors.js";
import { UsageError } from "./errors.js";
import { type StoreOpener, withStore } from "./store.js";

export interface VerifyDeps {
  openStore?: StoreOpener;
  now?: () => Date;
  write?: (text: string) => void;
}

export function describeReport(report: ChainReport, store: string): string {
  const expired = report.expired > 0 ? ` (${report.expired} older run(s) past retention skipped)` : "";
  if (report.ok) {
    if (report.verified === 0) return `chain intact: no runs recorded in ${store}${expired}\n`;
    return `chain intact: ${report.verified} run(s) verified in ${store}, last #${report.lastSeq} ${report.lastHash}${expired}\n`;
  }
  const b = report.broken;
  return `chain BROKEN at run #${b?.seq} ${b?.runId}${b?.startedAt ? ` (started ${b.startedAt})` : ""}: ${b?.reason}\n${report.verified} run(s) before it verified${expired}\n`;
}

export async function verifyCommand(opts: { store: string }, deps: VerifyDeps = {}): Promise<number> {
  return withStore(opts.store, deps.openStore, async (store) => {
    try {
      const report = await verifyChain(store, { now: (deps.now ?? (() => new Date()))() });
      (deps.write ?? ((t: string) => void process.stdout.write(t)))(describeReport(report, store.description));
      return report.ok ? 0 : 1;
    } catch (err) {
      if (err instanceof NoStoreError) throw new UsageError("verify needs a store; --store none keeps nothing");
      throw err;
    }
  });
}

export function registerVerify(program: Command, deps: VerifyDeps = {}): void {
  program
    .command("verify")
    .description("check the hash chain of recorded runs: exit 0 intact, 1 broken")
    .option("--store <spec>", "where history is kept: local[:DIR] | dynamodb:TABLE", "local")
    .action(async (opts: { store: string }) => {
      process.exitCode = await verifyCommand(opts, deps);
    });
}
