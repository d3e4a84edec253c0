/** Whether the stored runs' hash chain verified: the evidence has not been edited after the fact. */
import { html, type Markup } from "./markup.js";
import type { ChainStatus } from "./types.js";

function statement(chain: ChainStatus | undefined): { cls: string; symbol: string; label: string; detail: Markup } {
  if (!chain) {
    return {
      cls: "unknown",
      symbol: "?",
      label: "Not checked",
      detail: html`This report was produced without verifying the store's hash chain. Run <code>queue-auditor verify</code> to check it.`,
    };
  }
  switch (chain.status) {
    case "intact":
      return {
        cls: "intact",
        symbol: "✓",
        label: "Intact",
        detail: html`All ${chain.checkedRuns} stored runs verified: each run's hash covers its findings and the previous run, so no run was altered, removed or inserted afterwards.`,
      };
    case "broken":
      return {
        cls: "broken",
        symbol: "✗",
        label: "Broken",
        detail: html`Verification failed${chain.firstBadRunId ? html` at run <code>${chain.firstBadRunId}</code>` : ""} after checking ${chain.checkedRuns} runs: stored evidence from that run on may have been altered, removed or inserted. Treat it as unreliable and investigate.`,
      };
    case "unknown":
      return {
        cls: "unknown",
        symbol: "?",
        label: "Unknown",
        detail: html`The chain could not be verified (${chain.checkedRuns} runs checked); this report makes no claim about the integrity of the stored history.`,
      };
  }
}

export function chainSection(chain: ChainStatus | undefined): Markup {
  const s = statement(chain);
  return html`<section id="integrity" aria-labelledby="integrity-h">
<h2 id="integrity-h">Evidence integrity</h2>
<p class="chain chain-${s.cls}"><span class="chain-label"><span aria-hidden="true">${s.symbol}</span> Hash chain: ${s.label}</span></p>
<p>${s.detail}</p>
</section>`;
}
