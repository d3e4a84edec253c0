/**
 * One engine measurement in a fresh process (what a Lambda or a CI job pays): read the
 * offline inventory written by writeEstate, evaluate every check, report time and memory.
 * Usage: node --import tsx bench/engine-child.ts DIR [--output-parse]
 *
 * With --output-parse it also times JSON.parse of the findings' own JSON: V8's native parser
 * building the result the engine must build (a reference for the output's own cost; the
 * parsed copy shares nothing, so it holds more than the engine's findings do).
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseConfig } from "../lib/audit/config/load.js";
import { evaluate } from "../lib/audit/engine.js";
import { readOfflineInventory } from "../lib/audit/inventory/offline.js";

async function jsonFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await jsonFiles(path)));
    else if (entry.name.endsWith(".json")) out.push(path);
  }
  return out;
}

const dir = process.argv[2];
if (!dir) throw new Error("usage: engine-child.ts DIR");
const config = parseConfig(JSON.parse(await readFile(join(dir, "config.json"), "utf8")), join(dir, "config.json"));

const inventory = await readOfflineInventory(dir);
const start = performance.now();
const findings = evaluate({ config, inventory, now: new Date("2026-11-25T00:00:00Z") });
const evaluateMs = performance.now() - start;
const rssMB = process.memoryUsage().rss / 1024 / 1024;

// The floor: just parsing the same files (after the engine, so its memory is not counted).
const texts = await Promise.all((await jsonFiles(dir)).map((f) => readFile(f, "utf8")));
const parseStart = performance.now();
for (const text of texts) JSON.parse(text);
const parseMs = performance.now() - parseStart;
texts.length = 0;

let outputParseMs: number | undefined;
if (process.argv.includes("--output-parse")) {
  const output = JSON.stringify(findings);
  const outputStart = performance.now();
  JSON.parse(output);
  outputParseMs = performance.now() - outputStart;
}

process.stdout.write(`${JSON.stringify({ evaluateMs, parseMs, outputParseMs, rssMB, findings: findings.length })}\n`);
