/**
 * The chart of violations over time: stacked bars per run, one band per severity, as
 * inline SVG. A data table beside it carries the same numbers for screen readers and
 * for anyone who cannot tell the colours apart.
 */
import { SEVERITIES, type Severity } from "../../findings/model.js";
import { html, type Markup } from "./markup.js";
import type { HistoryRun } from "./types.js";

const WIDTH = 880;
const HEIGHT = 300;
const PAD = { top: 16, right: 16, bottom: 56, left: 64 };

/** FAIL findings per severity; a run stored without the breakdown counts as one "unspecified" band. */
function bands(run: HistoryRun): { severity: Severity | "unspecified"; count: number }[] {
  if (run.violationsBySeverity) return SEVERITIES.map((severity) => ({ severity, count: run.violationsBySeverity?.[severity] ?? 0 }));
  return [{ severity: "unspecified", count: run.counts.FAIL ?? 0 }];
}

function total(run: HistoryRun): number {
  return bands(run).reduce((sum, b) => sum + b.count, 0);
}

/** A y-axis step that gives about five gridlines on whole numbers. */
function niceStep(max: number): number {
  if (max <= 5) return 1;
  const rough = max / 5;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const norm = rough / magnitude;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * magnitude;
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function dayTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

function summary(runs: readonly HistoryRun[]): string {
  const first = runs[0];
  const last = runs[runs.length - 1];
  if (!first || !last) return "No runs in this period.";
  const peak = runs.reduce((a, b) => (total(b) > total(a) ? b : a), first);
  return `${runs.length} runs from ${dayTime(first.startedAt)} to ${dayTime(last.startedAt)} UTC. Violations went from ${total(first)} to ${total(last)}; the most was ${total(peak)} at ${dayTime(peak.startedAt)} UTC.`;
}

export function violationsChart(history: readonly HistoryRun[]): Markup {
  const runs = [...history].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  if (runs.length === 0) return html`<p>No run history was supplied, so there is no chart of violations over time.</p>`;
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const step = niceStep(Math.max(1, ...runs.map(total)));
  const yMax = Math.max(step, Math.ceil(Math.max(1, ...runs.map(total)) / step) * step);
  const y = (v: number) => PAD.top + plotH - (v / yMax) * plotH;
  const slot = plotW / runs.length;
  const barW = Math.max(1, Math.min(48, slot * 0.7));
  const labelEvery = Math.max(1, Math.ceil(runs.length / 8));

  const grid: Markup[] = [];
  for (let v = 0; v <= yMax; v += step) {
    grid.push(
      html`<line class="grid" x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/><text class="tick" x="${PAD.left - 8}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`,
    );
  }
  const bars = runs.map((run, i) => {
    const x = PAD.left + i * slot + (slot - barW) / 2;
    let base = 0;
    const rects = bands(run)
      .filter((b) => b.count > 0)
      .map((b) => {
        const top = y(base + b.count);
        const h = y(base) - top;
        base += b.count;
        return html`<rect class="sev-${b.severity}" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}"><title>${dayTime(run.startedAt)} UTC: ${b.count} ${b.severity}</title></rect>`;
      });
    const label =
      i % labelEvery === 0 || i === runs.length - 1
        ? html`<text class="tick" x="${(x + barW / 2).toFixed(1)}" y="${PAD.top + plotH + 18}" text-anchor="middle">${day(run.startedAt)}</text>`
        : html``;
    return html`<g>${rects}${label}</g>`;
  });
  const used = new Set(
    runs.flatMap((r) =>
      bands(r)
        .filter((b) => b.count > 0)
        .map((b) => b.severity),
    ),
  );
  const legend = [...SEVERITIES, "unspecified" as const]
    .filter((s) => used.has(s))
    .map((s) => html`<li><span class="swatch sev-${s}" aria-hidden="true"></span>${s}</li>`);

  const rows = [...runs].reverse().map((run) => {
    const b = run.violationsBySeverity;
    return html`<tr><th scope="row">${dayTime(run.startedAt)}</th><td>${run.outcome}</td>${SEVERITIES.map((s) => html`<td>${b ? (b[s] ?? 0) : "–"}</td>`)}<td>${total(run)}</td></tr>`;
  });

  return html`<figure class="chart">
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-labelledby="chart-title chart-desc">
<title id="chart-title">Violations (FAIL findings) per run, by severity</title>
<desc id="chart-desc">${summary(runs)}</desc>
${grid}
<line class="axis" x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>
<line class="axis" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}"/>
${bars}
<text class="axis-label" x="${PAD.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">Run start (UTC)</text>
<text class="axis-label" transform="translate(16 ${PAD.top + plotH / 2}) rotate(-90)" text-anchor="middle">Violations</text>
</svg>
<figcaption><p>${summary(runs)}</p><ul class="legend" aria-label="Legend">${legend}</ul></figcaption>
</figure>
<details class="chart-data">
<summary>The chart's numbers as a table</summary>
<table>
<caption>Violations per run by severity, newest first</caption>
<thead><tr><th scope="col">Run start (UTC)</th><th scope="col">Outcome</th>${SEVERITIES.map((s) => html`<th scope="col">${s}</th>`)}<th scope="col">Total</th></tr></thead>
<tbody>${rows}</tbody>
</table>
</details>`;
}
