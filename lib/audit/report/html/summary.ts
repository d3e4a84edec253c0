/** The report's opening: what was audited, the outcome, and the counts by severity and status. */
import { type AuditResult, type Finding, type Outcome, SEVERITIES, type Status } from "../../findings/model.js";
import { severityBadge, statusBadge, utc } from "./badges.js";
import { html, type Markup } from "./markup.js";
import type { HistoryRun } from "./types.js";

/** Violations first, as everywhere in the report. */
const ORDER: readonly Status[] = ["FAIL", "ERROR", "MUTED", "PASS"];

const OUTCOME_TEXT: Record<Outcome, { symbol: string; label: string; detail: string }> = {
  compliant: { symbol: "✓", label: "Compliant", detail: "No violations: every check that ran passed or is muted with a reason." },
  violations: {
    symbol: "✗",
    label: "Violations found",
    detail: "At least one check failed. The findings below say what and how to fix it.",
  },
  incomplete: {
    symbol: "!",
    label: "Incomplete",
    detail: "Something could not be observed, so this run does not prove compliance. See the ERROR findings.",
  },
};

function outcomeBanner(outcome: Outcome): Markup {
  const o = OUTCOME_TEXT[outcome];
  return html`<div class="outcome outcome-${outcome}"><p class="outcome-label"><span aria-hidden="true">${o.symbol}</span> Outcome: ${o.label}</p><p>${o.detail}</p></div>`;
}

function countsTable(findings: readonly Finding[]): Markup {
  const count = (severity: string, status: string) => findings.filter((f) => f.severity === severity && f.status === status).length;
  const rows = SEVERITIES.map(
    (s) =>
      html`<tr><th scope="row">${severityBadge(s)}</th>${ORDER.map((st) => html`<td class="num">${count(s, st)}</td>`)}<td class="num">${findings.filter((f) => f.severity === s).length}</td></tr>`,
  );
  const totals = ORDER.map((st) => html`<td class="num">${findings.filter((f) => f.status === st).length}</td>`);
  return html`<table class="counts">
<caption>Findings by severity and status</caption>
<thead><tr><th scope="col">Severity</th>${ORDER.map((st) => html`<th scope="col">${statusBadge(st)}</th>`)}<th scope="col">All</th></tr></thead>
<tbody>${rows}</tbody>
<tfoot><tr><th scope="row">All</th>${totals}<td class="num">${findings.length}</td></tr></tfoot>
</table>`;
}

function tiles(findings: readonly Finding[]): Markup {
  const tile = (label: Markup, value: number, note: string) =>
    html`<li class="tile"><span class="tile-value">${value}</span><span class="tile-label">${label}</span><span class="tile-note">${note}</span></li>`;
  const fail = findings.filter((f) => f.status === "FAIL");
  const severe = fail.filter((f) => f.severity === "critical" || f.severity === "high").length;
  return html`<ul class="tiles" aria-label="Totals">
${tile(statusBadge("FAIL"), fail.length, `${severe} critical or high`)}
${tile(statusBadge("ERROR"), findings.filter((f) => f.status === "ERROR").length, "not observed")}
${tile(statusBadge("MUTED"), findings.filter((f) => f.status === "MUTED").length, "accepted, with expiry")}
${tile(statusBadge("PASS"), findings.filter((f) => f.status === "PASS").length, "control operated")}
</ul>`;
}

export function summarySection(result: AuditResult | undefined, findings: readonly Finding[], history: readonly HistoryRun[]): Markup {
  const checks = new Set(findings.map((f) => f.checkId)).size;
  const resources = new Set(findings.map((f) => `${f.resource.type} ${f.resource.id}`)).size;
  let facts: Markup;
  let banner: Markup;
  if (result) {
    const { run } = result;
    banner = outcomeBanner(run.outcome);
    facts = html`<dl class="facts">
<div><dt>Run</dt><dd><code>${run.id}</code></dd></div>
<div><dt>Started</dt><dd>${utc(run.startedAt)}</dd></div>
<div><dt>Finished</dt><dd>${utc(run.finishedAt)}</dd></div>
<div><dt>Checked</dt><dd>${findings.length} findings from ${checks} checks on ${resources} resources</dd></div>
</dl>`;
  } else {
    const sorted = [...history].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
    const latest = sorted[sorted.length - 1];
    banner = latest
      ? html`${outcomeBanner(latest.outcome)}<p class="note">The outcome above is that of the latest run in the period.</p>`
      : html`<p class="note">No run is in this period.</p>`;
    facts = html`<dl class="facts">
<div><dt>Period</dt><dd>${sorted[0] ? `${utc(sorted[0].startedAt)} to ${utc(latest?.startedAt ?? "")}` : "–"}</dd></div>
<div><dt>Runs</dt><dd>${sorted.length}</dd></div>
<div><dt>Findings listed</dt><dd>${findings.length} from ${checks} checks on ${resources} resources</dd></div>
</dl>`;
  }
  return html`<section id="summary" aria-labelledby="summary-h">
<h2 id="summary-h">Summary</h2>
${banner}
${facts}
${tiles(findings)}
${countsTable(findings)}
</section>`;
}
