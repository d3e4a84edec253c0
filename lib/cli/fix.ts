/**
 * `queue-auditor fix`: audits as `audit` does, then writes the reviewed remediation plan
 * into --out. It changes nothing: no store, no alerts, no statement executed.
 */
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../audit/config/load.js";
import type { Config } from "../audit/config/schema.js";
import type { Finding } from "../audit/findings/model.js";
import { buildPlan, type Plan } from "../audit/fix/plan.js";
import { type AuditSources, runAudit } from "../audit/run.js";
import { parseNow } from "./audit.js";
import { EXIT, UsageError } from "./errors.js";
import { progress, writeOutput } from "./output.js";
import { defaultSources } from "./sources.js";

export interface FixOptions {
  config: string;
  inventory?: string;
  finding?: string[];
  out: string;
  now?: string;
}

export interface FixCommandDeps {
  sources?: (config: Config, options: FixOptions) => AuditSources;
}

/** The findings the plan covers: all, or exactly the ids asked for (an unknown id is bad usage). */
export function selectFindings(findings: readonly Finding[], ids: readonly string[] | undefined): Finding[] {
  if (!ids || ids.length === 0) return [...findings];
  const byId = new Map(findings.map((f) => [f.id, f]));
  const unknown = ids.filter((id) => !byId.has(id));
  if (unknown.length > 0) {
    throw new UsageError(`--finding: no finding of this audit has the id ${unknown.join(", ")} (ids are in --format json or the table)`);
  }
  return ids.map((id) => byId.get(id) as Finding);
}

export function writePlan(plan: Plan, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  return plan.files.map((file) => {
    const path = join(dir, file.name);
    writeOutput(file.content, path);
    if (file.name.endsWith(".sh")) chmodSync(path, 0o755);
    return path;
  });
}

export async function fixCommand(options: FixOptions, deps: FixCommandDeps = {}): Promise<number> {
  const now = parseNow(options.now);
  const config = loadConfig(options.config);
  const sources = (deps.sources ?? defaultSources)(config, options);
  const { result } = await runAudit({
    config,
    sources,
    ...(now ? { now } : {}),
    inventoryRequired: options.inventory !== undefined,
    onProgress: progress,
  });
  const findings = selectFindings(result.findings, options.finding);
  const plan = buildPlan(findings, config, { generatedAt: now ?? new Date(), runId: result.run.id });
  const paths = writePlan(plan, options.out);
  progress(
    `wrote ${paths.length} file(s) to ${options.out}: ${plan.commands} command(s) to review, ${plan.manual} fix(es) as comments only${plan.unobserved > 0 ? `, ${plan.unobserved} finding(s) not observed` : ""}; nothing was executed`,
  );
  for (const path of paths) progress(`  ${path}`);
  // Like audit: a plan built on a partial observation is incomplete.
  return plan.unobserved > 0 ? EXIT.incomplete : EXIT.ok;
}

export function registerFix(program: Command, deps: FixCommandDeps = {}): void {
  program
    .command("fix")
    .description("write a reviewed remediation plan (TARGET.sql, TARGET.redis, aws.sh) into --out; executes nothing")
    .requiredOption("--config <file>", "config file (YAML or JSON)")
    .option("--inventory <dir>", "plan from an offline inventory (AWS CLI JSON exports) instead of live AWS")
    .option("--finding <id...>", "plan only these finding ids")
    .requiredOption("--out <dir>", "directory to write the plan into")
    .option("--now <iso8601>", "judge time-based checks and mutes as of this time")
    .action(async (opts: FixOptions) => {
      process.exitCode = await fixCommand(opts, deps);
    });
}
