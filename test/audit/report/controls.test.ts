import { describe, expect, it } from "vitest";
import { controlsOf } from "../../../lib/audit/controls/mappings.js";
import { summarizeControls } from "../../../lib/audit/report/controls.js";
import { renderCsv } from "../../../lib/audit/report/csv.js";
import { renderHtmlReport } from "../../../lib/audit/report/html.js";
import { renderJson } from "../../../lib/audit/report/index.js";
import { toOcsf } from "../../../lib/audit/report/ocsf.js";
import { finding, sampleResult } from "./fixtures.js";

const sg = (id: string) => ({ type: "AWS::EC2::SecurityGroup" as const, id, account: "111122223333", region: "eu-west-1" });
const worldOpen = finding({
  checkId: "sg-world-ingress",
  status: "FAIL",
  resource: sg("sg-0a"),
  subject: "0.0.0.0/0 tcp 5432",
  message: "open",
});
const worldShut = finding({ checkId: "sg-world-ingress", status: "PASS", resource: sg("sg-0b"), message: "closed" });
const tlsPass = finding({
  checkId: "redis-plaintext",
  status: "PASS",
  resource: { type: "Redis::Endpoint", id: "jobs" },
  message: "TLS only",
});
const pgError = finding({
  checkId: "pg-unexpected-principal",
  status: "ERROR",
  resource: { type: "PostgreSQL::Table", id: "db:public.delayed_jobs" },
  message: "could not read the catalog",
});

describe("controls in every output", () => {
  it("JSON gives each finding its controls with the reason, and leaves the finding otherwise as recorded", () => {
    const parsed = JSON.parse(renderJson(sampleResult([worldOpen])));
    const [f] = parsed.findings;
    expect(f.controls).toContainEqual({
      framework: "PCI DSS 4.0",
      control: "1.3",
      why: "network access to and from the system holding the queue data is restricted to what is necessary",
    });
    expect(f.controls.map((c: { framework: string }) => c.framework)).toEqual(
      expect.arrayContaining(["SOC 2", "PCI DSS 4.0", "ISO/IEC 27001:2022", "NIST SP 800-53 r5"]),
    );
    const { controls: _, ...rest } = f;
    expect(rest).toEqual(JSON.parse(JSON.stringify(worldOpen)));
  });

  it("CSV carries the control labels in a last column, one per line", () => {
    const [header, ...rest] = renderCsv([worldOpen]).split("\r\n");
    expect(header?.split(",").at(-1)).toBe("controls");
    const labels = [...new Set(controlsOf("sg-world-ingress").map((c) => `${c.framework} ${c.control}`))];
    expect(labels).toContain("CIS AWS Foundations 3.0 5.2");
    expect(rest.join("\r\n")).toContain(`"${labels.join("\n")}"`);
  });

  it("OCSF names each framework under compliance.standards and keeps the reasons in unmapped", () => {
    const event = toOcsf(sampleResult([tlsPass]))[0];
    if (!event) throw new Error("no event");
    expect(event.compliance.standards).toEqual(expect.arrayContaining(["SOC 2", "PCI DSS 4.0", "ISO/IEC 27001:2022", "NIST SP 800-53 r5"]));
    expect(event.compliance.requirements).toEqual(
      expect.arrayContaining(controlsOf("redis-plaintext").map((c) => `${c.framework} ${c.control}`)),
    );
    expect((event.unmapped.queue_auditor as { controls: unknown[] }).controls).toHaveLength(controlsOf("redis-plaintext").length);
  });

  it("summarises per control: open failures first, a control with only passes as operated, an ERROR as not observed", () => {
    const rows = summarizeControls([worldOpen, worldShut, tlsPass, pgError]);
    const pci13 = rows.find((r) => r.framework === "PCI DSS 4.0" && r.control === "1.3");
    expect(pci13).toMatchObject({ state: "failing", counts: { FAIL: 1, PASS: 1, ERROR: 0, MUTED: 0 }, failingResources: 1 });
    const tls = rows.find((r) => r.framework === "PCI DSS 4.0" && r.control === "4.2.1");
    expect(tls?.state).toBe("operating");
    const access = rows.find((r) => r.framework === "PCI DSS 4.0" && r.control === "7.2");
    expect(access?.state).toBe("not-observed");
    expect(rows[0]?.state).toBe("failing");
    expect(rows.at(-1)?.state).toBe("operating");
  });

  it("HTML lists each finding's controls and a per-control summary table", () => {
    const html = renderHtmlReport({ result: sampleResult([worldOpen, tlsPass]), generatedAt: "2026-11-25T12:00:00Z" });
    expect(html).toContain(`<details class="controls"><summary>Controls (${controlsOf("redis-plaintext").length})</summary>`);
    expect(html).toContain("<strong>PCI DSS 4.0 1.3</strong>: network access to and from the system");
    const section = html.slice(html.indexOf('<section id="controls"'), html.indexOf('<section id="findings"'));
    expect(section).toMatch(/control\(s\) with evidence of operation and no open failure; \d+ control\(s\) with open failures/);
    expect(section).toContain('<tr data-state="failing"><td>PCI DSS 4.0</td><th scope="row">1.3</th>');
    expect(section).toContain('<tr data-state="operating"><td>PCI DSS 4.0</td><th scope="row">4.2.1</th>');
  });
});
