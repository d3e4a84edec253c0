import type { Command } from "commander";
import { loadConfig } from "../audit/config/load.js";
import { type BackendPolicy, policyDocument, undocumentedGrants } from "../audit/config/policy-document.js";
import { muteWarnings } from "../audit/findings/mute-warnings.js";
import { escapeControls } from "../audit/model/escape.js";

/**
 * The access policy as a document, as `config check` prints it: each backend, who may do
 * what and why, and the admins and principals without a reason flagged (not an error).
 * Names are the config's, still shown with control characters visible.
 */
export function policyText(policy: readonly BackendPolicy[]): string {
  if (policy.length === 0) return "access policy: no PostgreSQL, MySQL or Redis target\n";
  const lines = ["access policy (who may do what to the queue, and why):"];
  for (const backend of policy) {
    lines.push(
      `  ${backend.engine} ${escapeControls(backend.target)}: protects ${backend.protects.map(escapeControls).join(", ") || "(nothing named)"}`,
    );
    const rows = backend.grants.map((g) => [g.as, escapeControls(g.name), g.allow.map(escapeControls).join(", ")]);
    const width = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] as string).length)));
    for (const [i, g] of backend.grants.entries()) {
      const why = g.reason
        ? `${escapeControls(g.reason)}${g.owner ? ` (decided by ${escapeControls(g.owner)})` : ""}`
        : "NO REASON RECORDED";
      const cells = (rows[i] as string[]).map((c, j) => c.padEnd(width[j] as number));
      lines.push(`    ${cells.join("  ")}  ${why}`);
    }
  }
  const undocumented = undocumentedGrants(policy);
  if (undocumented.length > 0) {
    lines.push(
      `${undocumented.length} admin(s) or principal(s) without a reason (the policy holds; an auditor will ask why): ${undocumented
        .map((u) => `${u.engine} ${escapeControls(u.target)} ${u.as} ${escapeControls(u.name)}`)
        .join("; ")}`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export function registerConfigCheck(program: Command): void {
  const config = program.command("config").description("work with the config file");
  config
    .command("check")
    .description("validate a config file, print its access policy, and exit (0 valid, 2 invalid)")
    .requiredOption("--config <file>", "config file (YAML or JSON)")
    .action((opts: { config: string }) => {
      const loaded = loadConfig(opts.config);
      const parts = [
        `${loaded.targets.rds.length + loaded.targets.elasticache.length} AWS target(s)${loaded.targets.tag ? ` plus tag ${loaded.targets.tag.key}=${loaded.targets.tag.value}` : ""}`,
        `${loaded.postgres.length} PostgreSQL database(s)`,
        `${loaded.mysql.length} MySQL/MariaDB server(s)`,
        `${loaded.redis.length} Redis endpoint(s)`,
        `${loaded.mutes.length} mute(s)`,
      ];
      process.stdout.write(`${opts.config}: valid (${parts.join(", ")})\n`);
      process.stdout.write(policyText(policyDocument(loaded)));
      // Valid but misleading: each a warning on stderr, the exit code stays 0.
      for (const warning of muteWarnings(loaded, new Date())) process.stderr.write(`${opts.config}: warning: ${warning}\n`);
    });
}
