/**
 * `queue-auditor verify`: recompute the run hash chain and check it against its seals and
 * the finding states. Exit 0 intact; 1 broken (naming the first run that does not match),
 * tampered state, or nothing verified (saying what is missing).
 */
import type { Command } from "commander";
import { escapeControls } from "../audit/model/escape.js";
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
  const past = [
    report.expired > 0 ? `${report.expired} run(s) past retention with findings swept` : "",
    report.gone > 0 ? `${report.gone} run(s) gone with retention` : "",
  ].filter(Boolean);
  const skipped = past.length ? ` (${past.join(", ")})` : "";
  const lines: string[] = [];
  if (report.problem) {
    lines.push(`chain NOT VERIFIED in ${store}: ${report.problem}`);
  } else if (report.broken) {
    const b = report.broken;
    lines.push(`chain BROKEN at run #${b.seq} ${b.runId}${b.startedAt ? ` (started ${b.startedAt})` : ""}: ${b.reason}`);
    lines.push(`${report.verified} run(s) before it verified${skipped}`);
  } else {
    lines.push(`chain intact: ${report.verified} run(s) verified in ${store}, last #${report.lastSeq} ${report.lastHash}${skipped}`);
  }
  if (report.stateIssueCount > 0) {
    lines.push(`finding state TAMPERED: ${report.stateIssueCount} state(s) disagree with the verified runs`);
    for (const issue of report.stateIssues) lines.push(`  ${issue.findingId}: ${issue.reason}`);
    if (report.stateIssueCount > report.stateIssues.length)
      lines.push(`  … and ${report.stateIssueCount - report.stateIssues.length} more`);
  }
  return `${lines.map(escapeControls).join("\n")}\n`;
}

export async function verifyCommand(opts: { store: string }, deps: VerifyDeps = {}): Promise<number> {
  return withStore(opts.store, deps.openStore, async (store) => {
    if (!store.persistent) throw new UsageError("verify needs a store; --store none keeps nothing");
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
