/**
 * `queue-auditor evidence --since DATE --until DATE --out DIR`: the auditor's pack for a
 * period (docs/evidence.md). Reads the runs that started in the period and their findings
 * from the store, verifies the whole chain, and writes report.html, findings.csv,
 * runs.csv, findings.ocsf.json, controls.csv and manifest.json (with the SHA-256 of every
 * other file). Exit 0 when the chain verified, 1 when it did not (the pack is still
 * written, and says so): evidence from a broken chain must not pass a pipeline quietly.
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import packageJson from "../../package.json" with { type: "json" };
import { CHECKS } from "../audit/checks/registry.js";
import { loadConfig } from "../audit/config/load.js";
import type { Config } from "../audit/config/schema.js";
import { sortFindings } from "../audit/findings/finalize.js";
import type { Finding } from "../audit/findings/model.js";
import { buildEvidencePack, PACK_FILES, type PackRun } from "../audit/report/evidence/pack.js";
import { configHash } from "../audit/store/canonical.js";
import { verifyChain } from "../audit/store/chain.js";
import type { Store, StoredRun } from "../audit/store/types.js";
import { EXIT, UsageError } from "./errors.js";
import { parseDateBound } from "./history.js";
import { progress, writeOutput } from "./output.js";
import { type StoreOpener, withStore } from "./store.js";

export interface EvidenceOptions {
  store: string;
  since: string;
  until: string;
  out: string;
  config?: string;
}

export interface EvidenceDeps {
  openStore?: StoreOpener;
  now?: () => Date;
}

/**
 * The findings of the period's runs. A quarter of hourly runs is thousands of runs: one
 * query per run would be thousands of round trips, so the findings are read per check
 * over the period (the check index, a few paged queries each) and grouped by run. A run
 * whose count does not match its record (a check id no longer registered) is read whole.
 */
async function withFindings(store: Store, runs: readonly StoredRun[], range: { since: string; until: string }): Promise<PackRun[]> {
  const byRun = new Map<string, Finding[]>(runs.map((r) => [r.run.id, []]));
  const ids = CHECKS.map((c) => c.meta.id);
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++] as string;
      for (const row of await store.checkHistory(id, range)) byRun.get(row.runId)?.push(row.finding);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const out: PackRun[] = [];
  for (const stored of runs) {
    let findings = byRun.get(stored.run.id) ?? [];
    if (findings.length !== stored.findingCount) findings = await store.runFindings(stored.run.id);
    out.push({ stored, findings: sortFindings(findings) });
  }
  return out;
}

function prepareDir(dir: string): void {
  if (existsSync(dir)) {
    const clash = readdirSync(dir).filter((f) => f === "manifest.json" || (PACK_FILES as readonly string[]).includes(f));
    if (clash.length > 0)
      throw new UsageError(`--out ${dir}: already holds an evidence pack (${clash.join(", ")}); choose an empty directory`);
  } else {
    mkdirSync(dir, { recursive: true });
  }
}

export async function evidenceCommand(opts: EvidenceOptions, deps: EvidenceDeps = {}): Promise<number> {
  const since = parseDateBound(opts.since, "--since", false) as string;
  const until = parseDateBound(opts.until, "--until", true) as string;
  if (Date.parse(since) > Date.parse(until)) throw new UsageError(`--since ${opts.since} is after --until ${opts.until}`);
  const config: Config | undefined = opts.config ? loadConfig(opts.config) : undefined;
  prepareDir(opts.out);
  const now = (deps.now ?? (() => new Date()))();
  return withStore(opts.store, deps.openStore, async (store) => {
    if (!store.persistent) throw new UsageError("evidence needs a store; --store none keeps nothing");
    const stored = (await store.listRuns({ since, until })).reverse();
    progress(`${stored.length} run(s) in ${since} to ${until}; reading their findings`);
    const runs = await withFindings(store, stored, { since, until });
    const chain = await verifyChain(store, { now });
    const pack = buildEvidencePack({
      period: { since, until },
      runs,
      chain,
      toolVersion: packageJson.version,
      store: store.description,
      generatedAt: now,
      ...(config ? { config, configHash: configHash(config) } : {}),
      ...(opts.config ? { configFile: opts.config } : {}),
    });
    // The manifest last: a pack without one is visibly unfinished.
    for (const [name, text] of pack.files) if (name !== "manifest.json") writeOutput(text, join(opts.out, name));
    writeOutput(pack.files.get("manifest.json") as string, join(opts.out, "manifest.json"));
    const m = pack.manifest;
    progress(
      `wrote ${pack.files.size} files to ${opts.out}: ${m.runs.length} run(s), ${m.schedule ? `${m.schedule.missed} missed` : "schedule unknown (no --config)"}, ${m.findings.episodes} violation(s) (${m.findings.open} open), chain ${chain.ok ? "intact" : "NOT VERIFIED"}`,
    );
    return chain.ok ? EXIT.ok : EXIT.violations;
  });
}

export function registerEvidence(program: Command, deps: EvidenceDeps = {}): void {
  program
    .command("evidence")
    .description("write an auditor's evidence pack for a period: exit 0 when the chain verified, 1 when it did not")
    .option("--store <spec>", "where history is kept: local[:DIR] | dynamodb:TABLE", "local")
    .requiredOption("--since <date>", "from this date or ISO 8601 time (inclusive)")
    .requiredOption("--until <date>", "up to this date (the whole day) or ISO 8601 time (inclusive)")
    .requiredOption("--out <dir>", "the directory to write the pack to (created; must not hold a pack)")
    .option("--config <file>", "the config: adds the access policy, the mutes and the schedule's expected runs")
    .action(async (opts: EvidenceOptions) => {
      process.exitCode = await evidenceCommand(opts, deps);
    });
}
