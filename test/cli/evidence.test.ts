/**
 * `queue-auditor evidence` end to end on a quarter of simulated hourly runs (2026-07-01 to
 * 2026-09-30) holding a day of missed runs (2026-08-10), a violation resolved and then
 * regressed, and a mute that expired (2026-08-31) so its finding became a violation. The
 * pack is written by the real CLI in a child process, its manifest checked against the
 * files, and its report opened in headless Chromium (filters, print).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { parseConfig } from "../../lib/audit/config/load.js";
import type { Finding } from "../../lib/audit/findings/model.js";
import type { Manifest } from "../../lib/audit/report/evidence/pack.js";
import { configHash } from "../../lib/audit/store/canonical.js";
import { verifyChain } from "../../lib/audit/store/chain.js";
import { DynamoStore } from "../../lib/audit/store/dynamo-store.js";
import { openStore } from "../../lib/audit/store/open.js";
import { finding } from "../audit/report/fixtures.js";
import { recordInBulk, type SimulatedRun } from "../support/bulk-chain.js";
import { chromiumUnavailable, launchChromium } from "../support/chromium.js";
import { CLI, type CliRun, ROOT } from "../support/cli.js";
import { skipWithout } from "../support/services.js";

const HOUR = 3_600_000;
const START = Date.parse("2026-07-01T00:00:00Z");
const END = Date.parse("2026-10-01T00:00:00Z");
const MISSED_DAY = [Date.parse("2026-08-10T00:00:00Z"), Date.parse("2026-08-11T00:00:00Z")] as const;
const at = (iso: string) => Date.parse(iso);

const CONFIG_YAML = `version: 1
schedule: rate(1 hour)
postgres:
  - name: queue-db
    connection: { host: queue-db.internal, database: app, user: queue_auditor, password: { env: PGPASSWORD } }
    tables: [public.delayed_jobs]
    owner: app_migrator
    admins: [{ name: dba_oncall, reason: break-glass for incidents, owner: platform }]
    principals:
      app_worker: { allow: [SELECT, UPDATE, DELETE], reason: runs the jobs, owner: payments team }
      app_web: [SELECT, INSERT]
mutes:
  - check: rds-iam-auth-disabled
    resource: queue-db
    reason: Password auth until the IAM migration (PLAT-88)
    expires: "2026-08-31"
`;

const sg = { type: "AWS::EC2::SecurityGroup" as const, id: "sg-0a1b2c3d4e5f60002", account: "111122223333", region: "eu-west-1" };
const db = { type: "AWS::RDS::DBInstance" as const, id: "queue-db", account: "111122223333", region: "eu-west-1" };
const redis = { type: "Redis::Endpoint" as const, id: "jobs-redis" };

/** What the auditor found at `t`: the world-open group until 07-15 10:00 and again 08-20 to 08-22, the IAM finding muted until the mute expired. */
function findingsAt(t: number): Finding[] {
  const open = t < at("2026-07-15T10:00:00Z") || (t >= at("2026-08-20T00:00:00Z") && t < at("2026-08-22T00:00:00Z"));
  const world = open
    ? finding({
        checkId: "sg-world-ingress",
        status: "FAIL",
        resource: sg,
        subject: "0.0.0.0/0 tcp 5432",
        message: "anyone can reach queue-db on 5432",
      })
    : finding({ checkId: "sg-world-ingress", status: "PASS", resource: sg, message: "no rule admits the world" });
  const muted = t < at("2026-09-01T00:00:00Z");
  const iam = finding({
    checkId: "rds-iam-auth-disabled",
    status: muted ? "MUTED" : "FAIL",
    resource: db,
    message: "IAM database authentication is off",
    ...(muted ? { evidence: { mute: { reason: "Password auth until the IAM migration (PLAT-88)", expires: "2026-08-31" } } } : {}),
  });
  const tls = finding({ checkId: "redis-plaintext", status: "PASS", resource: redis, message: "TLS only" });
  return [world, iam, tls];
}

function quarter(hash: string): SimulatedRun[] {
  const runs: SimulatedRun[] = [];
  for (let t = START; t < END; t += HOUR) {
    if (t >= MISSED_DAY[0] && t < MISSED_DAY[1]) continue;
    const startedAt = new Date(t + 7_000).toISOString();
    runs.push({ id: `run-${startedAt}`, startedAt, findings: findingsAt(t), configHash: hash, toolVersion: "0.1.0" });
  }
  return runs;
}

/** The real CLI in a child process, with room for verifying a quarter's chain on a shared, loaded machine. */
function slowCli(args: string[]): CliRun {
  const out = spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: "utf8", timeout: 900_000 });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe("queue-auditor evidence, a quarter of hourly runs", () => {
  let dir: string;
  let out: string;
  let manifest: Manifest;
  let run: CliRun;
  const expectedRuns = (END - START) / HOUR - 24;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "qa-evidence-"));
    const cfgFile = join(dir, "queue-auditor.yaml");
    writeFileSync(cfgFile, CONFIG_YAML);
    const hash = configHash(parseConfig((await import("yaml")).parse(CONFIG_YAML), cfgFile));
    const store = await openStore(`local:${join(dir, "store")}`);
    if (!(store instanceof DynamoStore)) throw new Error("expected the local DynamoDB store");
    try {
      const began = performance.now();
      const stats = await recordInBulk(store, quarter(hash));
      console.info(
        `[measure] ${stats.runs} runs, ${stats.items} items, ${stats.requests} requests, ${Math.round(performance.now() - began)} ms`,
      );
      expect(stats.runs).toBe(expectedRuns);
      // The bulk-built chain is a genuine one: it verifies as a run-by-run chain would.
      const chain = await verifyChain(store, { now: new Date("2026-12-06T00:00:00Z") });
      expect(chain).toMatchObject({ ok: true, verified: expectedRuns, stateIssueCount: 0 });
    } finally {
      await store.close();
    }
    out = join(dir, "pack");
    run = slowCli([
      "evidence",
      "--store",
      `local:${join(dir, "store")}`,
      "--since",
      "2026-07-01",
      "--until",
      "2026-09-30",
      "--config",
      cfgFile,
      "--out",
      out,
    ]);
    if (run.code !== 0) throw new Error(`evidence exited ${run.code}: ${run.stderr}`);
    manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
  }, 1_200_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("exits 0 with an intact chain and writes the six files of the contract", () => {
    expect(run.stderr).toContain(`wrote 6 files to ${out}`);
    expect(run.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      "controls.csv",
      "findings.csv",
      "findings.ocsf.json",
      "manifest.json",
      "report.html",
      "runs.csv",
    ]);
  });

  it("names every other file with its SHA-256, and each hash is the file's", () => {
    expect(Object.keys(manifest.files).sort()).toEqual(["controls.csv", "findings.csv", "findings.ocsf.json", "report.html", "runs.csv"]);
    for (const [name, hash] of Object.entries(manifest.files)) {
      expect(
        createHash("sha256")
          .update(readFileSync(join(out, name)))
          .digest("hex"),
        name,
      ).toBe(hash);
    }
  });

  it("covers the period asked for, not the first to the last run found, with every run, its hash, config hash and outcome", () => {
    expect(manifest.period).toEqual({ since: "2026-07-01T00:00:00.000Z", until: "2026-09-30T23:59:59.999Z" });
    expect(manifest.runs).toHaveLength(expectedRuns);
    expect(manifest.runs[0]).toMatchObject({ seq: 1, startedAt: "2026-07-01T00:00:07.000Z", outcome: "violations", toolVersion: "0.1.0" });
    expect(manifest.runs[0]?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(manifest.runs.map((r) => r.configHash))).toEqual(new Set([manifest.config.hash]));
    expect(manifest.provenance).toEqual({
      configHashes: { [manifest.config.hash as string]: expectedRuns },
      toolVersions: { "0.1.0": expectedRuns },
      runsWithout: 0,
    });
    expect(manifest.chain).toMatchObject({ ok: true, verified: expectedRuns, lastSeq: expectedRuns, stateIssueCount: 0 });
  });

  it("shows the missed day as the one gap of the hourly schedule", () => {
    expect(manifest.schedule).toMatchObject({ expression: "rate(1 hour)", expected: 2208, recorded: expectedRuns, missed: 24 });
    expect(manifest.schedule?.gaps).toEqual([{ from: "2026-08-09T23:00:07.000Z", to: "2026-08-11T00:00:07.000Z", missed: 24 }]);
  });

  it("lists each violation with its time to resolve: resolved, regressed, and the one the expired mute let through", () => {
    expect(manifest.findings).toMatchObject({ episodes: 3, resolved: 2, open: 1, regressions: 1 });
    const rows = readFileSync(join(out, "findings.csv"), "utf8").trim().split("\r\n");
    expect(rows[0]).toMatch(
      /^openedAt,openedInRun,resolvedAt,resolvedInRun,timeToResolveSeconds,state,openBeforePeriod,regression,mutedRuns,id,checkId/,
    );
    const world = rows.filter((r) => r.includes("sg-world-ingress"));
    expect(world[0]).toMatch(/^2026-07-01T00:00:07\.000Z,[^,]+,2026-07-15T10:00:07\.000Z,[^,]+,1245600,resolved,false,false,0,/);
    expect(world[1]).toMatch(/^2026-08-20T00:00:07\.000Z,[^,]+,2026-08-22T00:00:07\.000Z,[^,]+,172800,resolved,false,true,0,/);
    const iam = rows.filter((r) => r.includes("rds-iam-auth-disabled"));
    expect(iam).toHaveLength(1);
    // Muted every hour from 07-01 to 08-31 (less the missed day), then open to the end.
    expect(iam[0]).toMatch(/^2026-07-01T00:00:07\.000Z,[^,]+,,,,open,false,false,1464,/);
  });

  it("lists the mute in effect with its reason, as expired during the period", () => {
    expect(manifest.mutes).toEqual([
      {
        check: "rds-iam-auth-disabled",
        resource: "queue-db",
        reason: "Password auth until the IAM migration (PLAT-88)",
        expires: "2026-08-31",
        state: "expired-in-period",
        source: "config",
      },
    ]);
  });

  it("documents the policy and flags the principal without a reason", () => {
    expect(manifest.policy?.undocumented).toEqual([{ engine: "PostgreSQL", target: "queue-db", name: "app_web", as: "principal" }]);
    expect(manifest.policy?.backends[0]?.grants).toContainEqual({
      name: "app_worker",
      as: "principal",
      allow: ["SELECT", "UPDATE", "DELETE"],
      reason: "runs the jobs",
      owner: "payments team",
    });
  });

  it("gives runs.csv one row per run with its hash and config hash, and controls.csv the period per control", () => {
    const runs = readFileSync(join(out, "runs.csv"), "utf8").trim().split("\r\n");
    expect(runs).toHaveLength(expectedRuns + 1);
    expect(runs[1]).toContain(manifest.runs[0]?.hash);
    expect(runs[1]).toContain(manifest.config.hash);
    const controls = readFileSync(join(out, "controls.csv"), "utf8").trim().split("\r\n");
    const pci13 = controls.find((r) => r.startsWith("PCI DSS 4.0,1.3,"));
    // Open in the runs before 07-15 10:00 and 08-20..08-22 (346 + 48 runs), operating in every other.
    expect(pci13).toMatch(/^PCI DSS 4\.0,1\.3,operating,394,1790,/);
  });

  it("exports the period's changes and its final state as OCSF", () => {
    const events = JSON.parse(readFileSync(join(out, "findings.ocsf.json"), "utf8")) as {
      activity_name: string;
      finding_info: { uid: string };
    }[];
    const activities = events.map((e) => e.activity_name);
    expect(activities.filter((a) => a === "Close")).toHaveLength(2);
    expect(
      events
        .slice(-3)
        .map((e) => e.finding_info.uid)
        .sort(),
    ).toEqual(
      findingsAt(END - HOUR)
        .map((f) => f.id)
        .sort(),
    );
    expect(events.length).toBeLessThan(20);
  });

  describe.skipIf(skipWithout("chromium", chromiumUnavailable()))("report.html in headless Chromium", () => {
    it("shows the period, filters the findings, and prints whole", async () => {
      const browser: Browser = await launchChromium();
      onTestFinished(() => browser.close());
      const page = await browser.newPage();
      const requests: string[] = [];
      const errors: string[] = [];
      page.on("request", (r) => requests.push(r.url()));
      page.on("pageerror", (e) => errors.push(e.message));
      const file = pathToFileURL(join(out, "report.html")).href;
      await page.goto(file, { waitUntil: "load" });
      expect(requests).toEqual([file]);
      expect(errors).toEqual([]);
      expect(await page.locator("#period").textContent()).toContain("2026-07-01 00:00:00 UTC to 2026-09-30 23:59:59 UTC");
      expect(await page.locator("#gaps-table tbody tr").count()).toBe(1);
      expect(await page.locator('#episodes-table tr[data-episode="open"]').count()).toBe(1);
      expect(await page.locator("#undocumented").textContent()).toContain("app_web");
      const rows = page.locator("#findings-table tbody tr:visible");
      expect(await rows.count()).toBe(3);
      await page.selectOption("#f-status", "FAIL");
      expect(await rows.count()).toBe(1);
      expect(await page.locator("#finding-count").textContent()).toBe("1 of 3 findings shown");
      await page.emulateMedia({ media: "print" });
      expect(await rows.count()).toBe(3);
      expect(await page.locator("#filters").isVisible()).toBe(false);
      expect(await page.locator("details.controls ul").first().isVisible()).toBe(true);
      const pdf = await page.pdf({ format: "A4" });
      expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
      await page.close();
    });
  });
});
