/** Accepted risks: every mute with its reason and expiry, and what it hides in this report. */
import type { Mute } from "../../config/schema.js";
import type { Finding } from "../../findings/model.js";
import { muteIsActive } from "../../findings/mutes.js";
import { html, type Markup } from "./markup.js";

interface MuteRow {
  check: string;
  resource: string;
  subject?: string;
  reason: string;
  expires: string;
}

function mutedBy(findings: readonly Finding[], m: MuteRow): number {
  return findings.filter(
    (f) =>
      f.status === "MUTED" && f.checkId === m.check && f.resource.id === m.resource && (m.subject === undefined || f.subject === m.subject),
  ).length;
}

/** Without the config, the mutes are read back from the muted findings' evidence. */
function fromFindings(findings: readonly Finding[]): MuteRow[] {
  const seen = new Map<string, MuteRow>();
  for (const f of findings) {
    const mute = f.evidence?.mute as { reason?: unknown; expires?: unknown } | undefined;
    if (f.status !== "MUTED" || typeof mute?.reason !== "string" || typeof mute.expires !== "string") continue;
    const row: MuteRow = { check: f.checkId, resource: f.resource.id, reason: mute.reason, expires: mute.expires };
    if (f.subject !== undefined) row.subject = f.subject;
    seen.set(JSON.stringify(row), row);
  }
  return [...seen.values()];
}

export function mutesSection(configMutes: readonly Mute[] | undefined, findings: readonly Finding[], generatedAt: string): Markup {
  const rows: MuteRow[] = configMutes ? [...configMutes] : fromFindings(findings);
  const now = new Date(generatedAt);
  const source = configMutes
    ? "Mutes declared in the configuration. An expired mute no longer applies: its findings count as violations again."
    : "The configuration was not supplied; these mutes are read from the muted findings.";
  const body =
    rows.length === 0
      ? html`<p>No finding is muted.</p>`
      : html`<table class="mutes">
<caption>Mutes, with reason and expiry</caption>
<thead><tr><th scope="col">Check</th><th scope="col">Resource</th><th scope="col">Subject</th><th scope="col">Reason</th><th scope="col">Expires</th><th scope="col">State</th><th scope="col">Findings muted here</th></tr></thead>
<tbody>${rows.map((m) => {
          const active = muteIsActive(m, now);
          return html`<tr><td><code class="id">${m.check}</code></td><td><code class="id">${m.resource}</code></td><td>${m.subject ? html`<code>${m.subject}</code>` : "any"}</td><td>${m.reason}</td><td>${m.expires}</td><td><span class="badge ${active ? "state-active" : "state-expired"}">${active ? "active" : "expired"}</span></td><td class="num">${mutedBy(findings, m)}</td></tr>`;
        })}</tbody>
</table>`;
  return html`<section id="mutes" aria-labelledby="mutes-h">
<h2 id="mutes-h">Mutes (accepted risks)</h2>
<p>${source}</p>
${body}
</section>`;
}
