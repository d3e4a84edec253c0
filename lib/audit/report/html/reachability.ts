/** Reachability: one sentence per backend, from routes, address, network ACLs and security groups together. */
import type { Finding } from "../../findings/model.js";
import { reachabilityLines } from "../reachability.js";
import { html, type Markup } from "./markup.js";

export function reachabilitySection(findings: readonly Finding[]): Markup {
  const lines = reachabilityLines(findings);
  const body =
    lines.length === 0
      ? html`<p>No backend's network path was judged in this report.</p>`
      : html`<div class="table-wrap"><table class="reachability">
<thead><tr><th scope="col">Backend</th><th scope="col">Account/region</th><th scope="col">Reachability</th></tr></thead>
<tbody>
${lines.map(
  (l) => html`<tr><td>${l.resource}</td><td>${l.where}</td><td>${l.sentence}</td></tr>
`,
)}</tbody>
</table></div>`;
  return html`<section id="reachability" aria-labelledby="reachability-h">
<h2 id="reachability-h">Reachability</h2>
<p>Who can reach each backend's port, judged from its subnets' routes, its public address, the network ACLs and the security groups together (the network-path findings hold the details).</p>
${body}
</section>`;
}
