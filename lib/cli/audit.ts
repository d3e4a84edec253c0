import { type Command, Option } from "commander";
import { loadConfig } from "../audit/config/load.js";
import type { Config } from "../audit/config/schema.js";
import { type AuditResult, atLeast, SEVERITIES, type Severity } from "../audit/findings/model.js";
import { AUDIT_FORMATS, type AuditFormat, renderResult } from "../audit/report/index.js";
import { type AuditSources, runAudit } from "../audit/run.js";
import { EXIT, UsageError } from "./errors.js";
import { progress, writeOutput } from "./output.js";
import { defaultSources } from "./sources.js";

export interface AuditOptions {
  config: string;
  inventory?: string;
  format: AuditFormat;
  out?: string;
  store: string;
  notify: string;
  failOn: Severity;
  now?: string;
}

export function parseNow(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError(`--now: expected an ISO 8601 time such as 2026-11-25T12:00:00Z, got "${value}"`);
  }
  return date;
}

/** 1 when a FAIL is at or above the threshold, else 3 when something was not observed, else 0. */
export function exitCodeFor(result: AuditResult, failOn: Severity): number {
  if (result.findings.some((f) => f.status === "FAIL" && atLeast(f.severity, failOn))) return EXIT.violations;
  if (result.findings.some((f) => f.status === "ERROR")) return EXIT.incomplete;
  return EXIT.ok;
}

export interface AuditCommandDeps {
  sources?: (config: Config, options: AuditOptions) => AuditSources;
}

export async function auditCommand(options: AuditOptions, deps: AuditCommandDeps = {}): Promise<number> {
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
  writeOutput(renderResult(result, options.format, { config, ...(now ? { now } : {}) }), options.out);
  const c = result.run.counts;
  progress(`${c.FAIL} FAIL, ${c.ERROR} ERROR, ${c.MUTED} MUTED, ${c.PASS} PASS: ${result.run.outcome}`);
  return exitCodeFor(result, options.failOn);
}

export function registerAudit(program: Command, deps: AuditCommandDeps = {}): void {
  program
    .command("audit")
    .description("audit the job queue backends the config names; exit 0 clean, 1 violations, 2 bad input, 3 incomplete")
    .requiredOption("--config <file>", "config file (YAML or JSON)")
    .option("--inventory <dir>", "audit an offline inventory (AWS CLI JSON exports) instead of live AWS")
    .addOption(new Option("--format <format>", "output format").choices([...AUDIT_FORMATS]).default("table"))
    .option("--out <file>", "write the result to a file instead of stdout")
    .option("--store <spec>", "where history is kept: local[:DIR] | dynamodb:TABLE | none", "local")
    .option("--notify <spec>", "where alerts go: stdout | sns:TOPIC_ARN | slack:WEBHOOK_URL | none", "none")
    .addOption(
      new Option("--fail-on <severity>", "lowest severity that makes the exit code 1")
        .choices(SEVERITIES.filter((s) => s !== "info"))
        .default("low"),
    )
    .option("--now <iso8601>", "judge time-based checks and mutes as of this time")
    .action(async (opts: AuditOptions) => {
      process.exitCode = await auditCommand(opts, deps);
    });
}
