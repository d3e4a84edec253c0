/**
 * The report's stylesheet. Text colours keep at least 4.5:1 contrast on their
 * backgrounds and chart bands 3:1 on white (WCAG 2.1 AA); status is always written out,
 * so colour only reinforces it.
 */
export const STYLE = `
:root { color-scheme: light; --text: #1b1f24; --muted: #4b5563; --line: #d0d7de; --bg-soft: #f6f8fa; --accent: #0b4f8a; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--text); background: #fff; line-height: 1.45; }
[hidden] { display: none !important; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible, summary:focus-visible { outline: 3px solid #1d4ed8; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 10; }
header.top { background: #0f2537; color: #fff; padding: 1.25rem 2rem 1rem; }
header.top h1 { margin: 0 0 .25rem; font-size: 1.6rem; }
header.top p { margin: 0; color: #d8e2ec; }
nav.sections { background: #16324a; padding: .4rem 2rem; }
nav.sections ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 1.25rem; }
nav.sections a { color: #fff; text-decoration: none; font-weight: 600; }
nav.sections a:hover { text-decoration: underline; }
main { max-width: 1280px; margin: 0 auto; padding: 1rem 2rem 3rem; }
section { margin-top: 1.75rem; }
h2 { font-size: 1.3rem; border-bottom: 2px solid var(--line); padding-bottom: .3rem; margin: 0 0 .8rem; }
h3 { font-size: 1.1rem; margin: 1.2rem 0 .5rem; }
h4 { font-size: 1rem; margin: 0 0 .5rem; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .88em; }
code.id { overflow-wrap: anywhere; }
pre { background: var(--bg-soft); border: 1px solid var(--line); border-radius: 4px; padding: .6rem; overflow-x: auto; white-space: pre-wrap; overflow-wrap: anywhere; margin: .4rem 0; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; color: var(--text); }
th, td { border-bottom: 1px solid var(--line); padding: .45rem .55rem; text-align: left; vertical-align: top; }
thead th { background: var(--bg-soft); border-bottom: 2px solid var(--line); font-size: .9rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.counts { width: auto; min-width: 32rem; }
table.counts td.num { min-width: 4.5rem; }
.sub { display: block; color: var(--muted); font-size: .85rem; }
.note { color: var(--muted); font-size: .9rem; }
.none { color: var(--muted); font-style: italic; }
ul.plain { list-style: none; margin: 0; padding: 0; }
.badge { display: inline-block; padding: .08rem .45rem; border-radius: 999px; font-size: .8rem; font-weight: 700; border: 1px solid transparent; white-space: nowrap; }
.status-PASS { background: #dcfce7; color: #14532d; border-color: #86efac; }
.status-FAIL { background: #fee2e2; color: #7f1d1d; border-color: #fca5a5; }
.status-ERROR { background: #fef3c7; color: #713f12; border-color: #fcd34d; }
.status-MUTED { background: #e5e7eb; color: #374151; border-color: #c4c9d0; }
.badge.sev-critical { background: #7f1d1d; color: #fff; }
.badge.sev-high { background: #fee2e2; color: #7f1d1d; border-color: #fca5a5; }
.badge.sev-medium { background: #fef3c7; color: #713f12; border-color: #fcd34d; }
.badge.sev-low { background: #dbeafe; color: #1e3a8a; border-color: #93c5fd; }
.badge.sev-info { background: #f3f4f6; color: #374151; border-color: #d1d5db; }
.state-active { background: #dbeafe; color: #1e3a8a; }
.state-expired { background: #fee2e2; color: #7f1d1d; }
.control-failing { background: #fee2e2; color: #7f1d1d; }
.control-not-observed { background: #fef3c7; color: #713f12; }
.control-accepted { background: #f3f4f6; color: #374151; }
.control-operating { background: #dcfce7; color: #14532d; }
.flag { background: #fef3c7; color: #713f12; }
.change { font-size: .75rem; font-weight: 700; text-transform: uppercase; color: #5b21b6; letter-spacing: .03em; }
.outcome { border-left: 6px solid; padding: .6rem 1rem; border-radius: 4px; margin-bottom: 1rem; }
.outcome p { margin: .15rem 0; }
.outcome-label { font-size: 1.25rem; font-weight: 700; }
.outcome-compliant { background: #f0fdf4; border-color: #15803d; }
.outcome-violations { background: #fef2f2; border-color: #b91c1c; }
.outcome-incomplete { background: #fffbeb; border-color: #b45309; }
dl.facts { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: .4rem 1.5rem; margin: .5rem 0 1rem; }
dl.facts dt { font-weight: 600; font-size: .85rem; color: var(--muted); }
dl.facts dd { margin: 0; }
ul.tiles { list-style: none; display: grid; grid-template-columns: repeat(auto-fit, minmax(11rem, 1fr)); gap: .75rem; padding: 0; margin: 0 0 1rem; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; display: flex; flex-direction: column; gap: .15rem; background: #fff; }
.tile-value { font-size: 1.8rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.tile-note { color: var(--muted); font-size: .85rem; }
figure.chart { margin: 0; }
figure.chart svg { width: 100%; max-width: 880px; height: auto; display: block; }
.chart .grid { stroke: #e5e7eb; stroke-width: 1; }
.chart .axis { stroke: #6b7280; stroke-width: 1; }
.chart .tick { font-size: 11px; fill: #374151; }
.chart .axis-label { font-size: 12px; fill: #1b1f24; font-weight: 600; }
.chart rect { stroke: #fff; stroke-width: .75; }
.sev-critical { fill: #7f1d1d; }
.sev-high { fill: #dc2626; }
.sev-medium { fill: #b45309; }
.sev-low { fill: #2563eb; }
.sev-info { fill: #6b7280; }
.sev-unspecified { fill: #6d28d9; }
figcaption p { margin: .3rem 0; color: var(--muted); }
ul.legend { list-style: none; display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; margin: .3rem 0; }
ul.legend li { display: flex; align-items: center; gap: .35rem; font-size: .9rem; }
.swatch { width: .9rem; height: .9rem; border-radius: 2px; display: inline-block; }
.swatch.sev-critical { background: #7f1d1d; } .swatch.sev-high { background: #dc2626; } .swatch.sev-medium { background: #b45309; }
.swatch.sev-low { background: #2563eb; } .swatch.sev-info { background: #6b7280; } .swatch.sev-unspecified { background: #6d28d9; }
details > summary { cursor: pointer; color: var(--accent); font-weight: 600; font-size: .88rem; }
details.chart-data { margin-top: .5rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .75rem; align-items: flex-end; background: var(--bg-soft); border: 1px solid var(--line); border-radius: 6px; padding: .75rem; }
.field { display: flex; flex-direction: column; gap: .2rem; }
.field.grow { flex: 1 1 16rem; }
.field label { font-weight: 600; font-size: .85rem; }
select, input[type="search"], button { font: inherit; padding: .35rem .5rem; border: 1px solid #6b7280; border-radius: 4px; background: #fff; color: var(--text); }
button { cursor: pointer; background: #fff; }
button:hover { background: #eef2f6; }
.count { font-weight: 600; margin: .6rem 0 .2rem; }
.table-wrap { overflow-x: auto; }
table.findings td:nth-child(1), table.findings td:nth-child(2) { white-space: nowrap; }
table.findings td:nth-child(3) { min-width: 11rem; }
table.findings td:nth-child(4) { min-width: 12rem; max-width: 18rem; }
table.findings td:last-child { min-width: 24rem; }
table.findings p { margin: 0 0 .3rem; }
table.findings td:last-child, table.findings td:nth-child(4) { overflow-wrap: anywhere; }
.subject code { overflow-wrap: anywhere; }
.refs { color: var(--muted); font-size: .85rem; }
table.mutes td:nth-child(5) { white-space: nowrap; }
table.mutes td:nth-child(2) { min-width: 11rem; }
.chain-label { font-weight: 700; font-size: 1.1rem; }
.chain { border-left: 6px solid; padding: .4rem .8rem; border-radius: 4px; }
.chain-intact { background: #f0fdf4; border-color: #15803d; }
.chain-broken { background: #fef2f2; border-color: #b91c1c; }
.chain-unknown { background: #f3f4f6; border-color: #6b7280; }
section.target { border: 1px solid var(--line); border-radius: 6px; padding: .8rem 1rem; margin: .75rem 0; }
footer { border-top: 1px solid var(--line); color: var(--muted); font-size: .85rem; padding: 1rem 2rem; max-width: 1280px; margin: 0 auto; }
@media print {
  html { font-size: 10.5pt; }
  header.top { background: none; color: #000; padding: 0 0 .5rem; border-bottom: 2px solid #000; }
  header.top p { color: #000; }
  nav.sections, form.filters, #finding-count, #no-match, .skip { display: none !important; }
  main { padding: 0; max-width: none; }
  tr[hidden] { display: table-row !important; }
  details > summary { list-style: none; color: #000; }
  details::details-content { content-visibility: visible !important; display: block !important; }
  tr { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  pre { white-space: pre-wrap; font-size: 7.5pt; padding: .3rem; }
  table.findings td { min-width: 0 !important; max-width: none !important; }
  table.findings td:nth-child(3) { width: 17%; }
  table.findings td:nth-child(4) { width: 20%; }
  table.findings td:last-child { width: 48%; }
  a { color: #000; }
}
`;
