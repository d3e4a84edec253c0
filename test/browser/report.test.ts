/**
 * The HTML report in a real browser (Debian's chromium driven by playwright-core): it
 * loads nothing from the network, its script runs under its own CSP, the filters change
 * what is shown, and it prints whole. Leaves test-artifacts/report.html and report.png.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtmlReport } from "../../lib/audit/report/html.js";
import { sampleFindings, sampleReportInput } from "../audit/report/fixtures.js";
import { chromiumUnavailable, launchChromium } from "../support/chromium.js";
import { skipWithout } from "../support/services.js";

const ARTIFACTS = fileURLToPath(new URL("../../test-artifacts/", import.meta.url));
const REPORT = path.join(ARTIFACTS, "report.html");

describe.skipIf(skipWithout("chromium", chromiumUnavailable()))("HTML report in headless Chromium", () => {
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const dialogs: string[] = [];
  const total = sampleFindings().length;
  const visibleRows = () => page.locator("#findings-table tbody tr:visible");

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(REPORT, renderHtmlReport(sampleReportInput()));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.on("request", (r) => requests.push(r.url()));
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.goto(pathToFileURL(REPORT).href, { waitUntil: "load" });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("requests nothing but the report file itself", () => {
    expect(requests).toEqual([pathToFileURL(REPORT).href]);
  });

  it("runs its script under its own CSP without errors", async () => {
    expect(await page.locator("#filters").isVisible()).toBe(true);
    expect(consoleErrors).toEqual([]);
    expect(await page.locator("#finding-count").textContent()).toBe(`${total} of ${total} findings shown`);
    expect(await visibleRows().count()).toBe(total);
  });

  it("shows only critical findings when severity critical is chosen", async () => {
    await page.selectOption("#f-severity", "critical");
    const severities = await visibleRows().evaluateAll((rows) => rows.map((r) => r.getAttribute("data-severity")));
    const expected = sampleFindings().filter((f) => f.severity === "critical").length;
    expect(expected).toBe(5);
    expect(severities).toEqual(Array(expected).fill("critical"));
    expect(await page.locator("#finding-count").textContent()).toBe(`5 of ${total} findings shown`);
    expect(await page.locator("#no-match").isVisible()).toBe(false);
    await page.screenshot({ path: path.join(ARTIFACTS, "report.png"), fullPage: true });
  });

  it("narrows further by status and by text, and says when nothing matches", async () => {
    await page.selectOption("#f-status", "FAIL");
    expect(await visibleRows().count()).toBe(4);
    expect(await page.locator("#finding-count").textContent()).toBe(`4 of ${total} findings shown`);
    await page.fill("#f-text", "sg-0a1b2c3d4e5f60003");
    expect(await visibleRows().count()).toBe(1);
    expect(await visibleRows().first().getAttribute("data-check")).toBe("sg-world-ingress");
    await page.fill("#f-text", "no such role");
    expect(await visibleRows().count()).toBe(0);
    expect(await page.locator("#no-match").isVisible()).toBe(true);
    await page.click("#f-clear");
    expect(await page.locator("#finding-count").textContent()).toBe(`${total} of ${total} findings shown`);
    expect(await visibleRows().count()).toBe(total);
  });

  it("shows an attacker's <script> role name as text and never runs it", async () => {
    await page.fill("#f-text", "pwned");
    const row = visibleRows();
    expect(await row.count()).toBe(1);
    expect(await row.locator(".subject code").textContent()).toBe(`<script>alert("pwned")</script>`);
    expect(dialogs).toEqual([]);
    expect(await page.locator("script").count()).toBe(1);
    await page.click("#f-clear");
  });

  it("opens a finding's evidence as pretty JSON", async () => {
    const details = page.locator("#findings-table tbody tr", { hasText: "rds.force_ssl" }).locator("details.evidence");
    await details.locator("summary").click();
    expect(JSON.parse((await details.locator("pre").textContent()) ?? "")).toEqual({
      parameterGroup: "queue-pg14",
      "rds.force_ssl": "0",
      engineVersion: "14.12",
    });
  });

  it("prints every finding with its details and without the filters", async () => {
    await page.selectOption("#f-severity", "low");
    expect(await visibleRows().count()).toBeLessThan(total);
    await page.emulateMedia({ media: "print" });
    try {
      expect(await page.locator("#filters").isVisible()).toBe(false);
      expect(await visibleRows().count()).toBe(total);
      const closed = page.locator("details:not([open]) pre").first();
      expect(await closed.isVisible()).toBe(true);
    } finally {
      await page.emulateMedia({ media: "screen" });
      await page.click("#f-clear");
    }
  });
});
