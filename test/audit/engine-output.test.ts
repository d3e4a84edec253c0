/**
 * The engine's output for the benchmark estate at 1k groups, pinned byte for byte: the
 * `--format json` rendering of one audit read from the offline inventory, as the CLI and
 * the benchmark read it. Finding ids are stored history, and messages, evidence, fixes and
 * order are what users and auditors diff between runs, so an optimisation of the engine
 * must leave every byte as it was.
 *
 * The hash was taken from main's engine (before the network-path lookups were indexed) on
 * the estate with its network path (subnet groups, route tables with and without an
 * internet gateway route, NACLs), so every check, the net-* ones included, is pinned. A
 * change that means to alter the output (a new check, a reworded message) updates it, and
 * says so in its commit: the failure message prints the new hash and the counts.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateEstate, writeEstate } from "../../bench/estate.js";
import { auditResult, evaluate } from "../../lib/audit/engine.js";
import type { Finding } from "../../lib/audit/findings/model.js";
import { readOfflineInventory } from "../../lib/audit/inventory/offline.js";
import { renderJson } from "../../lib/audit/report/index.js";

const EXPECTED = {
  sha256: "1222497f6ae40317c0e6e9e49d55ef29c5e75b172fdbd4f8be3c949ccb484d13",
  findings: 6963,
  counts: { PASS: 1744, FAIL: 5219, ERROR: 0, MUTED: 0 },
};

const NOW = new Date("2026-11-25T00:00:00Z");
let dir: string;
let findings: Finding[];
let json: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "qa-engine-output-"));
  // The benchmark's estate and config (bench/engine.ts), at 1k groups.
  const estate = generateEstate({ securityGroups: 1_000, rulesPerGroup: 10, rdsInstances: 200, cacheClusters: 200 });
  await writeEstate(dir, estate);
  const inventory = await readOfflineInventory(dir);
  findings = evaluate({ config: estate.config, inventory, now: NOW });
  json = renderJson(auditResult(findings, NOW, new Date(NOW.getTime() + 1_000), "20261125T000000Z-00000000"));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the engine's JSON output for the benchmark estate at 1k groups", () => {
  it("is byte-identical to the output before the engine was optimised", () => {
    const sha256 = createHash("sha256").update(json).digest("hex");
    const counts = { PASS: 0, FAIL: 0, ERROR: 0, MUTED: 0 };
    for (const f of findings) counts[f.status]++;
    expect({ sha256, findings: findings.length, counts }).toEqual(EXPECTED);
  });

  it("judges every kind of verdict the estate holds, so the pin covers each path", () => {
    const statuses = new Set(findings.map((f) => f.status));
    expect(statuses).toEqual(new Set(["PASS", "FAIL"]));
    expect(new Set(findings.filter((f) => f.status === "FAIL").map((f) => f.checkId)).size).toBeGreaterThan(10);
    expect(findings.some((f) => f.fix !== undefined)).toBe(true);
  });

  it("judges the network path too: each net-* check passes some backends and fails others", () => {
    for (const checkId of ["net-public-subnet", "net-nacl-open", "net-foreign-route"]) {
      const statuses = new Set(findings.filter((f) => f.checkId === checkId).map((f) => f.status));
      expect({ checkId, statuses }).toEqual({ checkId, statuses: new Set(["PASS", "FAIL"]) });
    }
  });
});
