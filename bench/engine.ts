import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateEstate, writeEstate } from "./estate.js";

const CHILD = fileURLToPath(new URL("./engine-child.ts", import.meta.url));

/** One fresh process's audit of the estate. */
export interface EngineRun {
  evaluateMs: number;
  parseMs: number;
  /** JSON.parse of the findings' own JSON (when asked for): materialising the output alone. */
  outputParseMs?: number;
  rssMB: number;
  findings: number;
}

/** The median of `runs` fresh processes; each ratio is taken within one process, then the median of those. */
export interface EngineFigures {
  evaluateMs: number;
  parseMs: number;
  /** evaluate ÷ JSON.parse of the input, per run, then the median. */
  vsParse: number;
  /** The smallest and largest per-run ratios: how much the machine moved under the runs. */
  vsParseRange: [number, number];
  vsOutputParse?: number;
  rssMB: number;
  findings: number;
  runs: number;
}

/**
 * Generates an estate of `groups` security groups (10 rules each, groups/5 databases and
 * caches) and audits it in `runs` fresh processes, one after another; `outputParse` also
 * times JSON.parse of its findings (kept to sizes whose JSON fits in one string).
 *
 * Why a median: on a shared machine one process's evaluation and parse times each move by
 * a third from one minute to the next (docs/performance.md), so a single run's ratio says
 * more about the neighbours than about the engine. Each ratio pairs the evaluation with the
 * parse measured in the same process, a few seconds apart.
 */
export async function measureEngine(groups: number, { outputParse = false, runs = 1 } = {}): Promise<EngineFigures> {
  const dir = mkdtempSync(join(tmpdir(), "qa-bench-"));
  try {
    const estate = generateEstate({ securityGroups: groups, rulesPerGroup: 10, rdsInstances: groups / 5, cacheClusters: groups / 5 });
    await writeEstate(dir, estate);
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({ version: 1, targets: { tag: { key: "queue-backend", value: "delayed_job" } }, network: estate.config.network }),
    );
    const results: EngineRun[] = [];
    for (let i = 0; i < runs; i++) {
      const out = execFileSync(process.execPath, ["--import", "tsx", CHILD, dir, ...(outputParse ? ["--output-parse"] : [])], {
        encoding: "utf8",
        maxBuffer: 1 << 20,
      });
      results.push(JSON.parse(out) as EngineRun);
    }
    return summarise(results);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Medians of fresh-process runs (exported for its test). */
export function summarise(results: readonly EngineRun[]): EngineFigures {
  const first = results[0];
  if (!first) throw new Error("no engine runs to summarise");
  const ratios = results.map((r) => r.evaluateMs / r.parseMs);
  const outputRatios = results.flatMap((r) => (r.outputParseMs === undefined ? [] : [r.evaluateMs / r.outputParseMs]));
  const figures: EngineFigures = {
    evaluateMs: median(results.map((r) => r.evaluateMs)),
    parseMs: median(results.map((r) => r.parseMs)),
    vsParse: median(ratios),
    vsParseRange: [Math.min(...ratios), Math.max(...ratios)],
    rssMB: median(results.map((r) => r.rssMB)),
    findings: first.findings,
    runs: results.length,
  };
  if (outputRatios.length > 0) figures.vsOutputParse = median(outputRatios);
  return figures;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  if (sorted.length === 0) throw new Error("median of nothing");
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Least-squares slope of log(time) against log(size): 1 is linear. */
export function scalingExponent(points: { size: number; ms: number }[]): number {
  const xs = points.map((p) => Math.log(p.size));
  const ys = points.map((p) => Math.log(p.ms));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  xs.forEach((x, i) => {
    num += (x - mx) * ((ys[i] ?? 0) - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}
