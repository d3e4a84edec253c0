/**
 * `queue-auditor demo` end to end, as a newcomer runs it: real embedded PostgreSQL, real
 * redis-server when installed, the embedded store. Then the report it wrote, opened in
 * headless Chromium, filtered, and saved as a screenshot (test-artifacts/demo-report.png).
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { embeddedPgUnavailable } from "../../lib/demo/embedded-postgres.js";
import { chromiumUnavailable, launchChromium } from "../support/chromium.js";
import { CLI, type CliRun, cli } from "../support/cli.js";
import { commandUnavailable, skipWithout } from "../support/services.js";

const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const work = mkdtempSync(path.join(tmpdir(), "qa-demo-test-"));
const report = path.join(ARTIFACTS, "demo-report.html");

const demoTemps = () => readdirSync(tmpdir()).filter((n) => n.startsWith("queue-auditor-demo"));
const processes = (pattern: string) => {
  try {
    return execFileSync("pgrep", ["-f", pattern], { encoding: "utf8" }).trim().split("\n").filter(Boolean);
  } catch {
    return [];
  }
};

describe.skipIf(skipWithout("embedded PostgreSQL", embeddedPgUnavailable()))("queue-auditor demo", () => {
  let run: CliRun;
  const tempsBefore = demoTemps();

  beforeAll(() => {
    mkdirSync(ARTIFACTS, { recursive: true });
    rmSync(report, { force: true });
    run = cli(["demo", "--report", report], {}, work);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it("completes and prints both runs, the alerts and the changes", () => {
    expect(run.stderr).not.toMatch(/unexpected error/);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Run 1");
    expect(run.stdout).toContain("Run 2");
    expect(run.stdout).toMatch(/queue-auditor: \d+ new violations in 111122223333/);
    expect(run.stdout).toContain("[RESOLVED] pg-public-privilege");
    expect(run.stdout).toContain("[RESOLVED] sg-world-ingress");
    expect(run.stdout).toMatch(/resolved {4}pg-unexpected-principal queue-db:public\.delayed_jobs \[hq_bob\]/);
    expect(run.stdout).toContain(`HTML evidence report: ${report}`);
  });

  it("finds the planted grant mistakes in the live database", () => {
    for (const line of [
      "pg-public-privilege            queue-db:public.delayed_jobs  [PUBLIC]",
      "pg-unexpected-principal        queue-db:public.delayed_jobs  [hq_bob]",
      "pg-unexpected-principal        queue-db:public.delayed_jobs  [hq_analyst]",
      "pg-excess-privilege            queue-db:public.delayed_jobs  [app_web]",
      "pg-missing-privilege           queue-db:public.delayed_jobs  [app_worker]",
      "pg-default-privileges          queue-db:public  [PUBLIC]",
      "pg-superuser-roles             queue-db  [ops_admin]",
    ]) {
      expect(run.stdout).toContain(line);
    }
  });

  it("reports in run 2 the failed logins and the stranger's refused read it provoked, read from the server's own log", () => {
    const run2 = run.stdout.slice(run.stdout.indexOf("Run 2\n"));
    expect(run.stdout).toContain("12 logins as app_worker with wrong passwords from 127.0.0.1, each refused");
    expect(run2).toMatch(
      /FAIL {2}pg-access-attempts +queue-db \(111122223333\/eu-west-1\) {2}\[failed-logins\] {2}\(new\) {2}queue-db: 1 address\(es\) failed to log in 10 times or more from \S+ to \S+: 127\.0\.0\.1 \(12, users app_worker\)/,
    );
    expect(run2).toMatch(
      /FAIL {2}pg-access-attempts +queue-db .*\[denied-access\].*hq_analyst on table delayed_jobs from 127\.0\.0\.1 \(1\)/,
    );
    expect(run2).toMatch(/FAIL {2}pg-access-attempts +queue-db .*\[unexpected-connections\].*hq_analyst from 127\.0\.0\.1 \(1\)/);
    // Run 1 read the same log before anyone tried: nothing to report then.
    const run1 = run.stdout.slice(run.stdout.indexOf("Run 1\n"), run.stdout.indexOf("Run 2\n"));
    expect(run1).not.toMatch(/FAIL {2}pg-access-attempts +queue-db/);
  });

  it.skipIf(commandUnavailable("redis-server") !== undefined)(
    "reports in run 2 the failed Redis AUTHs it provoked, from the ACL log",
    () => {
      const run2 = run.stdout.slice(run.stdout.indexOf("Run 2\n"));
      expect(run2).toMatch(
        /FAIL {2}redis-access-attempts +jobs-redis-local {2}\[failed-logins\].*127\.0\.0\.1 \(12, users sidekiq_worker\)/,
      );
    },
  );

  it.skipIf(commandUnavailable("redis-server") !== undefined)(
    "shows the Redis cache user able to FLUSHALL the queue, then restricted",
    () => {
      expect(run.stdout).toMatch(/redis-dangerous-commands\s+jobs-redis-local\s+\[cache\]/);
      expect(run.stdout).toContain("FLUSHALL (deletes every key)");
      expect(run.stdout).toMatch(/resolved {4}redis-dangerous-commands jobs-redis-local \[cache\]/);
      expect(run.stdout).not.toMatch(/redis-unexpected-user\s+jobs-redis-local/);
    },
  );

  it("leaves no process or temporary directory behind", () => {
    expect(demoTemps()).toEqual(tempsBefore);
    expect(processes("queue-auditor-demo-pg")).toEqual([]);
    expect(existsSync(report)).toBe(true);
  });

  describe.skipIf(skipWithout("chromium", chromiumUnavailable()))("its report in headless Chromium", () => {
    it("shows the findings and filters them by severity", async () => {
      const browser = await launchChromium();
      try {
        const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
        const requests: string[] = [];
        page.on("request", (r) => requests.push(r.url()));
        await page.goto(pathToFileURL(report).href, { waitUntil: "load" });
        expect(requests).toEqual([pathToFileURL(report).href]);
        const rows = page.locator("#findings-table tbody tr:visible");
        const total = await rows.count();
        expect(total).toBeGreaterThan(50);
        await page.selectOption("#f-severity", "critical");
        const critical = await rows.count();
        expect(critical).toBeGreaterThan(0);
        expect(critical).toBeLessThan(total);
        expect(await page.locator("#finding-count").textContent()).toBe(`${critical} of ${total} findings shown`);
        await page.screenshot({ path: path.join(ARTIFACTS, "demo-report.png"), fullPage: false });
      } finally {
        await browser.close();
      }
    });
  });

  it("stops what it started and removes its temporary directories on Ctrl-C", async () => {
    const before = demoTemps();
    const child = spawn(process.execPath, [CLI, "demo", "--report", path.join(work, "interrupted.html")], {
      cwd: work,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    // Interrupt once the embedded PostgreSQL is up and the first audit is under way.
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the demo did not reach its first audit: ${stderr}`)), 60_000);
      child.stderr.on("data", () => {
        if (stderr.includes("reading the AWS inventory")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill("SIGINT");
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stderr).toContain("SIGINT: stopping what the demo started");
    expect(demoTemps()).toEqual(before);
    expect(processes("queue-auditor-demo-pg")).toEqual([]);
  });
});
