/**
 * The findings table and its filters. Filtering happens in the page's script over the
 * rows' data attributes; without script every row is shown and the filters stay hidden.
 */
import { CHECKS } from "../../checks/registry.js";
import { type Finding, SEVERITIES, STATUSES, type Status, severityRank } from "../../findings/model.js";
import { controlLabel, findingControls } from "../controls.js";
import { severityBadge, statusBadge, withCode } from "./badges.js";
import { html, type Markup } from "./markup.js";

const TITLES = new Map<string, string>(CHECKS.map((c) => [c.meta.id, c.meta.title]));

export function checkTitle(checkId: string): string | undefined {
  return TITLES.get(checkId);
}

/** What needs attention first: violations, then gaps, then accepted risks, then evidence of passing. */
const STATUS_ORDER: Record<Status, number> = { FAIL: 0, ERROR: 1, MUTED: 2, PASS: 3 };

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      STATUS_ORDER[a.status] - STATUS_ORDER[b.status] ||
      severityRank(a.severity) - severityRank(b.severity) ||
      a.checkId.localeCompare(b.checkId) ||
      a.resource.id.localeCompare(b.resource.id) ||
      (a.subject ?? "").localeCompare(b.subject ?? ""),
  );
}

function resourceCell(f: Finding): Markup {
  const where = [f.resource.account, f.resource.region].filter(Boolean).join(" / ");
  return html`<code class="id">${f.resource.id}</code><span class="sub">${f.resource.type}</span>${where ? html`<span class="sub">${where}</span>` : ""}`;
}

function findingCell(f: Finding): Markup {
  const evidence = JSON.stringify(f.evidence ?? {}, null, 2);
  const refs =
    f.references.length > 0 ? html`<p class="refs">References: ${f.references.map((r, i) => html`${i > 0 ? "; " : ""}${r}`)}</p>` : "";
  return html`<p class="message">${f.message}</p>
${f.subject !== undefined ? html`<p class="subject">Subject: <code>${f.subject}</code></p>` : ""}
<details class="evidence"><summary>Evidence</summary><pre>${evidence}</pre></details>
${fixBlock(f)}${controlsBlock(f)}<details class="remediation"><summary>Remediation</summary><p>${withCode(f.remediation)}</p>${refs}</details>`;
}

/** The framework controls this finding is evidence for, each with the reason the mapping holds. */
function controlsBlock(f: Finding): Markup | string {
  const controls = findingControls(f);
  if (controls.length === 0) return "";
  return html`<details class="controls"><summary>Controls (${controls.length})</summary><ul class="plain">${controls.map(
    (c) => html`<li><strong>${controlLabel(c)}</strong>: ${c.why}</li>`,
  )}</ul></details>
`;
}

/** The finding's own fix, open by default: what to run (or do) for exactly this finding. */
function fixBlock(f: Finding): Markup | string {
  if (!f.fix || f.status === "PASS") return "";
  const label = f.status === "ERROR" ? "To observe it" : f.fix.kind === "manual" ? "Fix (manual)" : `Fix (${f.fix.kind})`;
  const commands = f.fix.commands.length > 0 ? html`<pre class="fix-commands">${f.fix.commands.join("\n")}</pre>` : "";
  return html`<details class="fix" open><summary>${label}</summary><p>${f.fix.text}</p>${commands}</details>
`;
}

function row(f: Finding): Markup {
  const change = f.change && f.change !== "persisting" ? html` <span class="change">${f.change}</span>` : "";
  const title = checkTitle(f.checkId);
  return html`<tr data-status="${f.status}" data-severity="${f.severity}" data-check="${f.checkId}">
<td>${statusBadge(f.status)}${change}</td>
<td>${severityBadge(f.severity)}</td>
<td><code class="id">${f.checkId}</code>${title ? html`<span class="sub">${title}</span>` : ""}</td>
<td>${resourceCell(f)}</td>
<td>${findingCell(f)}</td>
</tr>`;
}

function select(id: string, name: string, label: string, all: string, options: readonly string[]): Markup {
  return html`<div class="field"><label for="${id}">${label}</label><select id="${id}" name="${name}"><option value="">${all}</option>${options.map(
    (o) => html`<option value="${o}">${o}</option>`,
  )}</select></div>`;
}

export function findingsSection(findings: readonly Finding[]): Markup {
  const sorted = sortFindings(findings);
  const checks = [...new Set(findings.map((f) => f.checkId))].sort();
  const severities = SEVERITIES.filter((s) => findings.some((f) => f.severity === s));
  const statuses = STATUSES.filter((s) => findings.some((f) => f.status === s));
  return html`<section id="findings" aria-labelledby="findings-h">
<h2 id="findings-h">Findings</h2>
<form id="filters" class="filters" role="search" aria-label="Filter findings" hidden>
${select("f-severity", "severity", "Severity", "All severities", severities)}
${select("f-check", "check", "Check", "All checks", checks)}
${select("f-status", "status", "Status", "All statuses", statuses)}
<div class="field grow"><label for="f-text">Search</label><input id="f-text" name="text" type="search" autocomplete="off" placeholder="Role, CIDR, resource id…"></div>
<div class="field"><button type="button" id="f-clear">Clear filters</button></div>
</form>
<p id="finding-count" class="count" role="status" aria-live="polite">${sorted.length} of ${findings.length} findings shown</p>
<div class="table-wrap">
<table id="findings-table" class="findings">
<caption>Findings: violations first, then what could not be observed, muted findings and passes; most severe first</caption>
<thead><tr><th scope="col">Status</th><th scope="col">Severity</th><th scope="col">Check</th><th scope="col">Resource</th><th scope="col">Finding, evidence and remediation</th></tr></thead>
<tbody>
${sorted.map(row)}
</tbody>
</table>
</div>
<p id="no-match" class="note" hidden>No finding matches these filters.</p>
</section>`;
}
