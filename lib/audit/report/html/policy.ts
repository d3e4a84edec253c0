/**
 * The declared access policy, from the config: who may reach each queue backend and with
 * which privileges. Printed with the findings, the report is both the documented policy
 * and the evidence that it held.
 */
import { type BackendPolicy, type PolicyGrant, policyDocument, undocumentedGrants } from "../../config/policy-document.js";
import type { Config } from "../../config/schema.js";
import { html, type Markup } from "./markup.js";

function list(items: readonly string[], none: string): Markup {
  return items.length === 0
    ? html`<span class="none">${none}</span>`
    : html`<ul class="plain">${items.map((i) => html`<li><code>${i}</code></li>`)}</ul>`;
}

function grantRow(g: PolicyGrant): Markup {
  const why = g.reason ? html`${g.reason}` : html`<span class="badge flag">no reason recorded</span>`;
  return html`<tr><th scope="row"><code>${g.name}</code></th><td>${g.as}</td><td>${g.as === "principal" ? (g.allow.length > 0 ? g.allow.join(", ") : "none") : g.as === "owner" ? "all (owns the tables; runs migrations)" : "any (administrators)"}</td><td>${why}</td><td>${g.owner ?? html`<span class="none">–</span>`}</td></tr>`;
}

const VIOLATION: Record<BackendPolicy["engine"], string> = {
  PostgreSQL:
    "Any other login role with access, PUBLIC with any privilege, or a principal with more than its listed privileges is a violation.",
  MySQL:
    "Any other account with access to the tables (by any grant, role or proxy), or a principal with more than its listed privileges, is a violation.",
  Redis:
    "Any other ACL user that can reach the queue keys, a principal with more than read/write, or a non-admin that can run keyspace- or server-wide commands is a violation.",
};

function facts(config: Config, b: BackendPolicy): Markup {
  if (b.engine === "PostgreSQL") {
    const t = config.postgres.find((x) => x.name === b.target);
    if (!t) return html``;
    const c = t.connection;
    return html`<dl class="facts">
<div><dt>Database</dt><dd><code>${c.host}:${c.port}/${c.database}</code> (TLS ${c.tls})</dd></div>
<div><dt>Tables</dt><dd>${list(t.tables, "none")}</dd></div>
<div><dt>Owner</dt><dd><code>${t.owner}</code></dd></div>
<div><dt>Admins</dt><dd>${list(t.admins, "none declared")}</dd></div>
<div><dt>Auditor role</dt><dd><code>${c.user}</code> (read-only)</dd></div>
</dl>`;
  }
  if (b.engine === "MySQL") {
    const t = config.mysql.find((x) => x.name === b.target);
    if (!t) return html``;
    const c = t.connection;
    return html`<dl class="facts">
<div><dt>Server</dt><dd><code>${c.host}:${c.port}</code> (TLS ${c.tls})</dd></div>
<div><dt>Tables</dt><dd>${list(b.protects, "none")}</dd></div>
<div><dt>Auditor account</dt><dd><code>${c.user}</code> (read-only)</dd></div>
</dl>`;
  }
  const t = config.redis.find((x) => x.name === b.target);
  if (!t) return html``;
  return html`<dl class="facts">
<div><dt>Endpoint</dt><dd><code>${t.endpoint.host}:${t.endpoint.port}</code> (TLS ${t.tls}, authentication ${t.auth})</dd></div>
<div><dt>Queue keys</dt><dd>${list(b.protects, "none declared: only the endpoint is probed")}</dd></div>
</dl>`;
}

/** One backend of the policy document: who may do what to its queue, and why. */
function backendPolicy(config: Config, b: BackendPolicy, index: number): Markup {
  const id = `policy-${index}`;
  const what = b.engine === "Redis" ? "the queue keys" : b.protects.join(", ");
  return html`<section class="target" aria-labelledby="${id}-h">
<h4 id="${id}-h">${b.engine} <code>${b.target}</code></h4>
${facts(config, b)}
<table class="policy">
<caption>Who may access ${what} on ${b.target}</caption>
<thead><tr><th scope="col">${b.engine === "PostgreSQL" ? "Role" : b.engine === "MySQL" ? "Account" : "ACL user"}</th><th scope="col">As</th><th scope="col">Allowed privileges</th><th scope="col">Why</th><th scope="col">Decision owner</th></tr></thead>
<tbody>
${b.grants.map(grantRow)}
</tbody>
</table>
<p class="note">${VIOLATION[b.engine]}</p>
</section>`;
}

function network(config: Config): Markup {
  return html`<section class="target" aria-labelledby="policy-net-h">
<h4 id="policy-net-h">Network (security groups attached to the backends, on the backend's port)</h4>
<dl class="facts">
<div><dt>Allowed CIDR blocks</dt><dd>${list(config.network.allowedCidrs, "none: no CIDR may reach a backend")}</dd></div>
<div><dt>Allowed source security groups</dt><dd>${list(config.network.allowedSecurityGroups, "none: no other group may reach a backend")}</dd></div>
</dl>
<p class="note">0.0.0.0/0 and ::/0 are never allowed; a group that references itself is.</p>
</section>`;
}

function scopeAndChecks(config: Config): Markup {
  const tag = config.targets.tag;
  const overrides = Object.entries(config.checks.severity).map(([id, s]) => `${id}: ${s}`);
  return html`<dl class="facts">
<div><dt>RDS targets</dt><dd>${list(config.targets.rds, "none")}</dd></div>
<div><dt>ElastiCache targets</dt><dd>${list(config.targets.elasticache, "none")}</dd></div>
<div><dt>Selected by tag</dt><dd>${tag ? html`<code>${tag.key}=${tag.value}</code>` : html`<span class="none">no tag selection</span>`}</dd></div>
<div><dt>Credential maximum age</dt><dd>${config.credentials.maxAgeDays} days</dd></div>
<div><dt>Secrets checked for rotation</dt><dd>${list(config.credentials.secrets, "none named")}</dd></div>
<div><dt>Disabled checks</dt><dd>${list(config.checks.disabled, "none: every check ran")}</dd></div>
<div><dt>Severity overrides</dt><dd>${list(overrides, "none")}</dd></div>
</dl>`;
}

function undocumentedNote(config: Config): Markup {
  const missing = undocumentedGrants(policyDocument(config));
  if (missing.length === 0) return html``;
  return html`<p class="note"><span class="badge flag">${missing.length} without a reason</span> ${missing.length} admin(s) or principal(s) have no recorded reason for their access. Write it in the config as <code>{ allow: [...], reason, owner }</code> (admins: <code>{ name, reason }</code>).</p>`;
}

export function policySection(config: Config | undefined): Markup {
  const body = config
    ? html`<h3>Scope and checks</h3>
${scopeAndChecks(config)}
<h3>Approved access</h3>
${network(config)}
${undocumentedNote(config)}
${policyDocument(config).map((b, i) => backendPolicy(config, b, i))}`
    : html`<p>The configuration was not supplied to the report, so the declared policy is not shown.</p>`;
  return html`<section id="policy" aria-labelledby="policy-h">
<h2 id="policy-h">Declared access policy</h2>
<p>What the configuration approves. Every finding above is judged against this policy.</p>
${body}
</section>`;
}
