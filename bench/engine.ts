import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { generateEstate, writeEstate } from "./estate.js";

const CHILD = fileURLToPath(new URL("./engine-child.ts", import.meta.url));

export interface EngineFigures {
  evaluateMs: number;
  parseMs: number;
  /** JSON.parse of the findings' own JSON (when asked for): materialising the output alone. */
  outputParseMs?: number;
  rssMB: number;
  findings: number;
}

/**
 * Generates an estate of `groups` security groups (10 rules each, groups/5 databases and
 * caches) and measures one audit of it; `outputParse` also times JSON.parse of its findings
 * (kept to sizes whose JSON fits in one string).
 */
export async function measureEngine(groups: number, { outputParse = false } = {}): Promise<EngineFigures> {
  const dir = mkdtempSync(join(tmpdir(), "qa-bench-"));
  try {
    const estate = generateEstate({ securityGroups: groups, rulesPerGroup: 10, rdsInstances: groups / 5, cacheClusters: groups / 5 });
    await writeEstate(dir, estate);
    writeFileSync(
      join(dir, "config.json"),
      JSON.stringify({ version: 1, targets: { tag: { key: "queue-backend", value: "delayed_job" } }, network: estate.config.network }),
    );
    const out = execFileSync(process.execPath, ["--import", "tsx", CHILD, dir, ...(outputParse ? ["--output-parse"] : [])], {
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    return JSON.parse(out) as EngineFigures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
