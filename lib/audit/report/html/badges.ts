/** Status and severity labels that carry their meaning in text and symbol, not colour alone. */
import type { Severity, Status } from "../../findings/model.js";
import { html, type Markup } from "./markup.js";

const STATUS_SYMBOL: Record<Status, string> = { PASS: "✓", FAIL: "✗", ERROR: "!", MUTED: "–" };

export function statusBadge(status: Status): Markup {
  return html`<span class="badge status-${status}"><span aria-hidden="true">${STATUS_SYMBOL[status]}</span> ${status}</span>`;
}

export function severityBadge(severity: Severity): Markup {
  return html`<span class="badge sev-${severity}">${severity}</span>`;
}

/** Remediation text marks commands with backticks; show them as code. */
export function withCode(text: string): Markup {
  return html`${text.split("`").map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : part))}`;
}

export function utc(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 19).replace("T", " ")} UTC`;
}
