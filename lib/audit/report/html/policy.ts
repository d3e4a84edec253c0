/**
 * The declared access policy, from the config: who may reach each queue backend and with
 * which privileges. Printed with the findings, the report is both the documented policy
 * and the evidence that it held.
 */
import type { Config, PostgresTarget } from "../../config/schema.js";
import { html, type Markup } from "./markup.js";

function list(items: readonly string[], none: string): Markup {
  return items.length === 0
    ? html`<span class="none">${none}</span>`
    : html`<ul class="plain">${items.map((i) => html`<li><code>${i}</code></li>`)}</ul>`;
}

function postgresTarget(t: PostgresTarget, index: number): Markup {
  const c = t.connection;
  const principals = Object.entries(t.principals).sort(([a], [b]) => a.localeCompare(b));
  const id = `pg-${index}`;
  return html`<section class="target" aria-labelledby="${id}-h">
<h4 id="${id}-h">PostgreSQL <code>${t.name}</code></h4>
<dl class="facts">
<div><dt>Database</dt><dd><code>${c.host}:${c.port}/${c.database}</code> (TLS ${c.tls})</dd></div>
<div><dt>Tables</dt><dd>${list(t.tables, "none")}</dd></div>
<div><dt>Owner</dt><dd><code>${t.owner}</code></dd></div>
<div><dt>Admins</dt><dd>${list(t.admins, "none declared")}</dd></div>
<div><dt>Auditor role</dt><dd><code>${c.user}</code> (read-only)</dd></div>
</dl>
<table class="policy">
<caption>Who may access ${t.tables.join(", ")} on ${t.name}</caption>
<thead><tr><th scope="col">Role</th><th scope="col">As</th><th scope="col">Allowed privileges</th></tr></thead>
<tbody>
<tr><th scope="row"><code>${t.owner}</code></th><td>owner</td><td>all (owns the tables; runs migrations)</td></tr>
${t.admins.map((a) => html`<tr><th scope="row"><code>${a}</code></th><td>admin</td><td>any (administrators)</td></tr>`)}
${principals.map(
  ([role, privileges]) =>
    html`<tr><th scope="row"><code>${role}</code></th><td>principal</td><td>${privileges.length > 0 ? privileges.join(", ") : "none"}</td></tr>`,
)}
</tbody>
</table>
<p class="note">Any other login role with access, PUBLIC with any privilege, or a principal with more than its listed privileges is a violation.</p>
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

function redis(config: Config): Markup {
  if (config.redis.length === 0) return html``;
  return html`<table class="policy">
<caption>Redis / Valkey endpoints</caption>
<thead><tr><th scope="col">Target</th><th scope="col">Endpoint</th><th scope="col">TLS</th><th scope="col">Authentication</th></tr></thead>
<tbody>${config.redis.map(
    (r) =>
      html`<tr><th scope="row"><code>${r.name}</code></th><td><code>${r.endpoint.host}:${r.endpoint.port}</code></td><td>${r.tls}</td><td>${r.auth}</td></tr>`,
  )}</tbody>
</table>`;
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

export function policySection(config: Config | undefined): Markup {
  const body = config
    ? html`<h3>Scope and checks</h3>
${scopeAndChecks(config)}
<h3>Approved access</h3>
${network(config)}
${config.postgres.map(postgresTarget)}
${redis(config)}`
    : html`<p>The configuration was not supplied to the report, so the declared policy is not shown.</p>`;
  return html`<section id="policy" aria-labelledby="policy-h">
<h2 id="policy-h">Declared access policy</h2>
<p>What the configuration approves. Every finding above is judged against this policy.</p>
${body}
</section>`;
}
