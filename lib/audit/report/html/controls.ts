/**
 * Per-control summary: for each framework control the findings map to, whether the period
 * or run gives evidence that it operated, or has open failures. This is the table an
 * auditor samples from; the findings below are the evidence behind each row.
 */
import type { Finding } from "../../findings/model.js";
import { type ControlState, summarizeControls } from "../controls.js";
import { html, type Markup } from "./markup.js";

const STATE_TEXT: Record<ControlState, string> = {
  failing: "open failures",
  "not-observed": "not observed",
  accepted: "accepted risk only",
  operating: "operated",
};

export function controlsSection(findings: readonly Finding[]): Markup {
  const rows = summarizeControls(findings);
  const failing = rows.filter((r) => r.state === "failing").length;
  const operating = rows.filter((r) => r.state === "operating").length;
  const body =
    rows.length === 0
      ? html`<p>No finding maps to a control.</p>`
      : html`<p>${operating} control(s) with evidence of operation and no open failure; ${failing} control(s) with open failures; ${rows.length - operating - failing} other(s) (not observed, or only accepted risks).</p>
<div class="table-wrap">
<table id="controls-table" class="controls">
<caption>Controls, open failures first. PASS findings are evidence a control operated; FAIL findings are open exceptions against it.</caption>
<thead><tr><th scope="col">Framework</th><th scope="col">Control</th><th scope="col">State</th><th scope="col">FAIL</th><th scope="col">ERROR</th><th scope="col">MUTED</th><th scope="col">PASS</th><th scope="col">Checks and why they count</th></tr></thead>
<tbody>${rows.map(
          (r) =>
            html`<tr data-state="${r.state}"><td>${r.framework}</td><th scope="row">${r.control}</th><td><span class="badge control-${r.state}">${STATE_TEXT[r.state]}</span></td><td class="num">${r.counts.FAIL}</td><td class="num">${r.counts.ERROR}</td><td class="num">${r.counts.MUTED}</td><td class="num">${r.counts.PASS}</td><td><span class="sub">${r.checks.map((c, i) => html`${i > 0 ? ", " : ""}<code class="id">${c}</code>`)}</span>${r.reasons.map((why) => html`<span class="sub">${why}</span>`)}</td></tr>`,
        )}</tbody>
</table>
</div>`;
  return html`<section id="controls" aria-labelledby="controls-h">
<h2 id="controls-h">Controls</h2>
${body}
</section>`;
}
