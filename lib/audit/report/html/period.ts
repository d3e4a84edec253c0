/**
 * The evidence pack's period: the period asked for, the runs the schedule expected and
 * those that did not happen, every violation with its time to resolve, and the mutes in
 * effect. Only in a pack's report.
 */
import { utc } from "./badges.js";
import { html, type Markup } from "./markup.js";
import type { PeriodFacts } from "./types.js";

/** "3d 4h", "5h 12m", "12m". */
export function duration(seconds: number): string {
  const minutes = Math.max(0, Math.floor(seconds / 60));
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m`;
}

function scheduleBlock(p: PeriodFacts): Markup {
  const s = p.schedule;
  if (!s) return html`<p class="note">The configuration was not supplied, so the runs the schedule expected are not known.</p>`;
  const gaps =
    s.gaps.length === 0
      ? html`<p>No expected run is missing.</p>`
      : html`<table id="gaps-table" class="gaps">
<caption>Gaps: runs the schedule expected that did not happen</caption>
<thead><tr><th scope="col">From (last run before)</th><th scope="col">To (first run after)</th><th scope="col">Runs missed</th></tr></thead>
<tbody>${s.gaps.map((g) => html`<tr data-gap><td>${utc(g.from)}</td><td>${utc(g.to)}</td><td class="num">${g.missed}</td></tr>`)}</tbody>
</table>`;
  return html`<dl class="facts">
<div><dt>Schedule</dt><dd><code>${s.expression}</code> (UTC)</dd></div>
<div><dt>Runs expected</dt><dd>${s.expected}</dd></div>
<div><dt>Runs recorded</dt><dd>${s.recorded}</dd></div>
<div><dt>Runs missed</dt><dd>${s.missed} in ${s.gaps.length} gap(s)</dd></div>
</dl>
${s.note ? html`<p class="note">${s.note}</p>` : ""}
${gaps}`;
}

function episodesBlock(p: PeriodFacts): Markup {
  if (p.episodes.length === 0) return html`<p>No violation was open in the period.</p>`;
  return html`<div class="table-wrap"><table id="episodes-table" class="episodes">
<caption>Violations in the period, with time to resolve (a violation open before the period counts from its first run in it)</caption>
<thead><tr><th scope="col">Check</th><th scope="col">Resource</th><th scope="col">Severity</th><th scope="col">Opened</th><th scope="col">Resolved</th><th scope="col">Time to resolve</th><th scope="col">Notes</th></tr></thead>
<tbody>${p.episodes.map(
    (e) =>
      html`<tr data-episode="${e.resolvedAt ? "resolved" : "open"}"><td><code class="id">${e.checkId}</code></td><td><code class="id">${e.resourceId}</code>${e.subject !== undefined ? html`<span class="sub">${e.subject}</span>` : ""}</td><td>${e.severity}</td><td>${utc(e.openedAt)}</td><td>${e.resolvedAt ? utc(e.resolvedAt) : html`<strong>open</strong>`}</td><td>${e.timeToResolveSeconds !== undefined ? duration(e.timeToResolveSeconds) : "–"}</td><td>${[e.regression ? "regression" : "", e.openBeforePeriod ? "open before the period" : "", e.mutedRuns > 0 ? `muted in ${e.mutedRuns} run(s)` : ""].filter(Boolean).join("; ")}</td></tr>`,
  )}</tbody>
</table></div>`;
}

function mutesBlock(p: PeriodFacts): Markup {
  if (p.mutes.length === 0) return html`<p>No mute was in effect in the period.</p>`;
  return html`<table id="period-mutes" class="mutes">
<caption>Mutes in effect during the period, with reason and expiry</caption>
<thead><tr><th scope="col">Check</th><th scope="col">Resource</th><th scope="col">Subject</th><th scope="col">Reason</th><th scope="col">Expires</th><th scope="col">In the period</th></tr></thead>
<tbody>${p.mutes.map(
    (m) =>
      html`<tr><td><code class="id">${m.check}</code></td><td><code class="id">${m.resource}</code></td><td>${m.subject ? html`<code>${m.subject}</code>` : "any"}</td><td>${m.reason}</td><td>${m.expires}</td><td><span class="badge ${m.state === "active" ? "state-active" : "state-expired"}">${m.state === "active" ? "active to the end" : "expired during the period"}</span></td></tr>`,
  )}</tbody>
</table>`;
}

function undocumentedBlock(p: PeriodFacts): Markup | string {
  if (!p.undocumented || p.undocumented.length === 0) return "";
  return html`<h3>Access without a recorded reason</h3>
<p>These admins and principals are in the policy without a <code>reason</code>: the access is allowed, but why is not documented.</p>
<ul id="undocumented" class="plain">${p.undocumented.map((u) => html`<li><span class="badge flag">no reason</span> ${u.engine} <code>${u.target}</code>: ${u.as} <code>${u.name}</code></li>`)}</ul>`;
}

export function periodSection(p: PeriodFacts | undefined): Markup | string {
  if (!p) return "";
  return html`<section id="period" aria-labelledby="period-h">
<h2 id="period-h">The period</h2>
<dl class="facts">
<div><dt>Period</dt><dd>${utc(p.since)} to ${utc(p.until)}</dd></div>
<div><dt>Runs in the period</dt><dd>${p.runs}</dd></div>
<div><dt>Tool version</dt><dd><code>${p.toolVersion}</code></dd></div>
<div><dt>Config hash (now)</dt><dd>${p.configHash ? html`<code>${p.configHash}</code>` : html`<span class="none">config not supplied</span>`}</dd></div>
</dl>
<h3>Runs expected and missed</h3>
${scheduleBlock(p)}
<h3>Violations and time to resolve</h3>
${episodesBlock(p)}
<h3>Mutes in effect</h3>
${mutesBlock(p)}
${undocumentedBlock(p)}
</section>`;
}
