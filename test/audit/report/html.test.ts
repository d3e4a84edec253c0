import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { escapeHtml, renderHtmlReport } from "../../../lib/audit/report/html.js";
import {
  finding,
  HOSTILE_ROLE,
  HOSTILE_RULE,
  sampleConfig,
  sampleFindings,
  sampleHistory,
  sampleReportInput,
  sampleResult,
} from "./fixtures.js";

const report = () => renderHtmlReport(sampleReportInput());

/** One top-level section of the report (nested sections start with `class`, not `id`). */
function element(html: string, id: string): string {
  const start = html.indexOf(`<section id="${id}"`);
  expect(start, `#${id} present`).toBeGreaterThan(-1);
  const next = html.indexOf("<section id=", start + 1);
  return html.slice(start, next === -1 ? html.indexOf("</main>") : next);
}

function scripts(html: string): string[] {
  return [...html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? "");
}

describe("HTML report: escaping", () => {
  it("escapes the five characters that could open markup or leave an attribute", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });

  it("renders a <script> in a role name as text, never as a script", () => {
    const html = report();
    expect(html).toContain("&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;");
    expect(html).not.toContain(HOSTILE_ROLE);
    // The page's own script is the only one, and it is the report's filter code.
    expect(scripts(html)).toHaveLength(1);
    expect(scripts(html)[0]).not.toContain("pwned");
  });

  it("escapes attacker text inside evidence and attribute values", () => {
    const html = report();
    expect(html).not.toContain(HOSTILE_RULE);
    expect(html).not.toContain("<img");
    expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const hostileCheck = finding({
      checkId: "pg-unexpected-principal",
      status: "FAIL",
      resource: { type: "PostgreSQL::Table", id: `db:"x" onmouseover="alert(1)` },
      message: "m",
    });
    const withAttr = renderHtmlReport({ result: sampleResult([hostileCheck]), generatedAt: "2026-11-25T12:00:00Z" });
    expect(withAttr).not.toContain(`"x" onmouseover=`);
    expect(withAttr).toContain("db:&quot;x&quot; onmouseover=&quot;alert(1)");
  });

  it("escapes config values in the policy and mutes", () => {
    const config = sampleConfig();
    config.mutes = config.mutes.map((m) => ({ ...m, reason: "<b>approved</b>" }));
    const html = renderHtmlReport({ ...sampleReportInput(), config });
    expect(html).toContain("&lt;b&gt;approved&lt;/b&gt;");
    expect(html).not.toContain("<b>approved</b>");
  });
});

describe("HTML report: self-contained", () => {
  it("references nothing on the network", () => {
    const html = report();
    expect(html).not.toMatch(/\b(src|href|action|data|poster|srcset)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/url\(\s*["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/i);
    expect(html).not.toMatch(/<(link|iframe|object|embed|img)\b/i);
    expect([...html.matchAll(/\bhref="([^"]*)"/g)].map((m) => m[1]).every((h) => h?.startsWith("#"))).toBe(true);
  });

  it("has a Content-Security-Policy that forbids fetches and allows only its own style and script", () => {
    const html = report();
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1] ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("img-src data:");
    expect(csp).not.toContain("unsafe-inline");
    const script = scripts(html)[0] ?? "";
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? "";
    const hash = (t: string) => `'sha256-${createHash("sha256").update(t).digest("base64")}'`;
    expect(csp).toContain(`script-src ${hash(script)}`);
    expect(csp).toContain(`style-src ${hash(style)}`);
  });

  it("is the same bytes for the same input", () => {
    expect(report()).toBe(report());
  });
});

describe("HTML report: content", () => {
  it("shows the run, its outcome and counts by severity and status", () => {
    const html = element(report(), "summary");
    expect(html).toContain("20261125T120000Z-5f3a9c1e");
    expect(html).toContain("Outcome: Incomplete");
    expect(html).toMatch(/<caption>Findings by severity and status<\/caption>/);
    // critical: FAIL 4, ERROR 0, MUTED 0, PASS 1, all 5
    expect(html).toMatch(
      /sev-critical">critical<\/span><\/th><td class="num">4<\/td><td class="num">0<\/td><td class="num">0<\/td><td class="num">1<\/td><td class="num">5<\/td>/,
    );
  });

  it("draws the violations chart with axis labels and a text alternative", () => {
    const html = element(report(), "trend");
    expect(html).toMatch(/<svg [^>]*role="img" aria-labelledby="chart-title chart-desc"/);
    expect(html).toContain("Run start (UTC)");
    expect(html).toContain(">Violations</text>");
    // Ten stored runs plus this one, which the history did not contain yet.
    expect(html).toContain("11 runs from 2026-11-15 12:00 to 2026-11-25 12:00 UTC");
    expect(html).toMatch(/<caption>Violations per run by severity, newest first<\/caption>/);
    expect(html.match(/<tr><th scope="row">2026-/g)).toHaveLength(11);
  });

  it("lists every finding as a filterable row with message, evidence and remediation", () => {
    const html = report();
    const rows = [...html.matchAll(/<tr data-status="(\w+)" data-severity="(\w+)" data-check="([\w-]+)">/g)];
    expect(rows).toHaveLength(sampleFindings().length);
    expect(rows[0]?.slice(1)).toEqual(["FAIL", "critical", "cache-auth-disabled"]);
    expect(rows.at(-1)?.[1]).toBe("PASS");
    expect(html.match(/<details class="evidence"><summary>Evidence<\/summary><pre>/g)).toHaveLength(sampleFindings().length);
    expect(html.match(/<details class="remediation"><summary>Remediation<\/summary>/g)).toHaveLength(sampleFindings().length);
    expect(html).toContain("&quot;rds.force_ssl&quot;: &quot;0&quot;");
    expect(html).toContain("<code>aws ec2 revoke-security-group-ingress");
  });

  it("labels every filter and announces the live count", () => {
    const html = element(report(), "findings");
    for (const [id, name] of [
      ["f-severity", "severity"],
      ["f-check", "check"],
      ["f-status", "status"],
      ["f-text", "text"],
    ]) {
      expect(html).toContain(`<label for="${id}">`);
      expect(html).toMatch(new RegExp(`id="${id}" name="${name}"`));
    }
    expect(html).toContain('<option value="critical">critical</option>');
    expect(html).toContain('<option value="MUTED">MUTED</option>');
    expect(html).toContain('<option value="sg-world-ingress">sg-world-ingress</option>');
    expect(html).toMatch(/<p id="finding-count" class="count" role="status" aria-live="polite">21 of 21 findings shown<\/p>/);
    expect(html).toMatch(/<form id="filters"[^>]* hidden>/);
  });

  it("shows mutes with reason, expiry and whether they still apply", () => {
    const html = element(report(), "mutes");
    expect(html).toContain("VPN egress range, approved in CHG-1234");
    expect(html).toMatch(/2027-03-31<\/td><td><span class="badge state-active">active<\/span><\/td><td class="num">1<\/td>/);
    expect(html).toMatch(/2026-10-31<\/td><td><span class="badge state-expired">expired<\/span><\/td><td class="num">0<\/td>/);
  });

  it("reads mutes from the muted findings when the config is absent", () => {
    const { config: _, ...input } = sampleReportInput();
    const html = element(renderHtmlReport(input), "mutes");
    expect(html).toContain("read from the muted findings");
    expect(html).toContain("VPN egress range, approved in CHG-1234");
    expect(html).not.toContain("PLAT-88");
  });

  it.each([
    [{ status: "intact", checkedRuns: 11 }, "Hash chain: Intact", "All 11 stored runs verified"],
    [
      { status: "broken", checkedRuns: 7, firstBadRunId: "20261120T120000Z-000005" },
      "Hash chain: Broken",
      "at run <code>20261120T120000Z-000005</code>",
    ],
    [{ status: "unknown", checkedRuns: 0 }, "Hash chain: Unknown", "could not be verified"],
    [undefined, "Hash chain: Not checked", "queue-auditor verify"],
  ] as const)("states the hash chain %#", (chain, label, detail) => {
    const html = element(renderHtmlReport({ ...sampleReportInput(), chain }), "integrity");
    expect(html).toContain(label);
    expect(html).toContain(detail);
  });

  it("documents the declared access policy: principals and privileges, owner, admins, CIDRs and groups", () => {
    const html = element(report(), "policy");
    expect(html).toContain("<caption>Who may access public.delayed_jobs on queue-db</caption>");
    expect(html).toContain('<tr><th scope="row"><code>app_migrator</code></th><td>owner</td>');
    expect(html).toContain('<tr><th scope="row"><code>postgres</code></th><td>admin</td>');
    expect(html).toContain('<tr><th scope="row"><code>app_web</code></th><td>principal</td><td>SELECT, INSERT</td>');
    expect(html).toContain('<tr><th scope="row"><code>app_worker</code></th><td>principal</td><td>SELECT, INSERT, UPDATE, DELETE</td>');
    expect(html).toContain("<code>10.20.0.0/16</code>");
    expect(html).toContain("<code>sg-0a1b2c3d4e5f60001</code>");
    expect(html).toContain("rds-logs-not-exported: low");
    expect(html).not.toContain("QUEUE_AUDITOR_PG_PASSWORD");
  });

  it("makes a history report without a single run", () => {
    const html = renderHtmlReport({ history: sampleHistory(), findings: sampleFindings(), generatedAt: "2026-11-25T13:00:00Z" });
    expect(html).toContain("History report, generated 2026-11-25 13:00:00 UTC");
    expect(html).toContain("The outcome above is that of the latest run in the period.");
    expect(html).toContain("10 runs from 2026-11-15 12:00 to 2026-11-24 12:00 UTC");
    expect(html).toContain("The configuration was not supplied");
  });

  it("says so when there is no history to chart", () => {
    const html = renderHtmlReport({ result: sampleResult(), generatedAt: "2026-11-25T13:00:00Z" });
    expect(html).toContain("No run history was supplied");
    expect(html).not.toContain("<svg");
  });
});

describe("HTML report: accessible markup", () => {
  it("has landmarks, a language and captioned tables with header scopes", () => {
    const html = report();
    expect(html).toMatch(/<html lang="en">/);
    for (const landmark of ["<header", "<nav", "<main", "<footer"]) expect(html).toContain(landmark);
    const tables = html.match(/<table\b[^>]*>/g) ?? [];
    const captions = html.match(/<table\b[^>]*>\s*<caption>/g) ?? [];
    expect(tables.length).toBeGreaterThanOrEqual(5);
    expect(captions).toHaveLength(tables.length);
    expect(html).not.toMatch(/<th>/);
    for (const section of ["summary", "trend", "findings", "mutes", "integrity", "policy"]) {
      expect(html).toContain(`<section id="${section}" aria-labelledby="${section}-h">`);
      expect(html).toContain(`id="${section}-h"`);
    }
  });

  it("writes status and severity as text, not by colour alone", () => {
    const html = report();
    expect(html).toContain('<span class="badge status-FAIL"><span aria-hidden="true">✗</span> FAIL</span>');
    expect(html).toContain('<span class="badge sev-critical">critical</span>');
  });

  it("prints everything: filters hidden, hidden rows and closed details shown", () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(report())?.[1] ?? "";
    const print = style.slice(style.indexOf("@media print"));
    expect(print).toMatch(/form\.filters[^{]*\{ display: none !important; \}/);
    expect(print).toContain("tr[hidden] { display: table-row !important; }");
    expect(print).toContain("details::details-content");
    expect(scripts(report())[0]).toContain("beforeprint");
  });
});
