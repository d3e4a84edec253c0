import { type Command, Option } from "commander";
import { loadConfig } from "../audit/config/load.js";
import type { Config } from "../audit/config/schema.js";
import { evaluatedCheckIds } from "../audit/engine.js";
import { type AuditResult, atLeast, SEVERITIES, type Severity } from "../audit/findings/model.js";
import { unmatchedMuteWarnings } from "../audit/findings/mute-warnings.js";
import { escapeControls } from "../audit/model/escape.js";
import { UserError } from "../audit/model/user-error.js";
import { type Notifier, notifierFromSpec } from "../audit/notify/index.js";
import { parseSecurityHubSpec, resolveSecurityHubTarget, type SecurityHubTarget } from "../audit/notify/securityhub.js";
import { type RecordedAndDelivered, type RecordedRun, recordRun } from "../audit/record.js";
import { AUDIT_FORMATS, type AuditFormat, type RenderContext, renderResult } from "../audit/report/index.js";
import { type AuditSources, runAudit } from "../audit/run.js";
import { configHash } from "../audit/store/canonical.js";
import type { Store } from "../audit/store/index.js";
import { openStore } from "../audit/store/open.js";
import { lastRunStart } from "../audit/store/previous-run.js";
import { EXIT, UsageError } from "./errors.js";
import { chainStatus } from "./history-html.js";
import { progress, writeOutput } from "./output.js";
import { defaultSources, type SourceContext } from "./sources.js";
import type { StoreOpener } from "./store.js";

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

/**
 * 1 when a FAIL is at or above the threshold, else 3 when something was not observed, else 0.
 * `low`, the lowest threshold, means any FAIL: an override to `info` does not make a violation pass.
 */
export function exitCodeFor(result: AuditResult, failOn: Severity): number {
  const threshold: Severity = failOn === "low" ? "info" : failOn;
  if (result.findings.some((f) => f.status === "FAIL" && atLeast(f.severity, threshold))) return EXIT.violations;
  if (result.findings.some((f) => f.status === "ERROR")) return EXIT.incomplete;
  return EXIT.ok;
}

export interface AuditCommandDeps {
  sources?: (config: Config, options: AuditOptions, context: SourceContext) => AuditSources;
  openStore?: StoreOpener;
  notifier?: (spec: string, write: (text: string) => void) => Notifier;
  /** Where Security Hub findings go (`--format asff`, `--notify securityhub`); default: the credentials' account. */
  securityHubTarget?: (spec: { region?: string }) => Promise<SecurityHubTarget>;
}

/** Alerts printed by `--notify stdout` must not corrupt a machine-readable result on stdout. */
function alertWriter(options: AuditOptions): (text: string) => void {
  const resultOnStdout = !options.out || options.out === "-";
  return resultOnStdout && options.format !== "table"
    ? (text) => void process.stderr.write(text)
    : (text) => void process.stdout.write(text);
}

/** The chart and chain status of the HTML report, from the store's history. */
async function historyContext(store: Store, now: Date): Promise<Pick<RenderContext, "history" | "chain">> {
  if (!store.persistent) return {};
  const runs = await store.listRuns({ limit: 200 });
  return { history: { runs: runs.map((r) => ({ ...r.run })).reverse() }, chain: await chainStatus(store, now) };
}

/** One line for a store that could not be opened or written: no stack, no secret, no control character. */
function storeFailure(spec: string, err: unknown): string {
  const e = err as { name?: string; message?: string; code?: string };
  const what = e.code && !e.message?.includes(e.code) ? `${e.message ?? e.name} (${e.code})` : (e.message ?? e.name ?? String(err));
  return escapeControls(`the run was not recorded in ${spec}: ${e.name && e.name !== "Error" ? `${e.name}: ` : ""}${what.split("\n")[0]}`);
}

/**
 * The log period starts where the last recorded run started (docs/access-attempts.md); without
 * one (first run, `--store none`, a store that cannot be read) the collector reads the last
 * `logs.lookbackMinutes`. Offline inventories carry their own period (meta.json logsSince).
 */
async function sourceContext(config: Config, options: AuditOptions, store: Store | undefined): Promise<SourceContext> {
  if (!config.logs || options.inventory !== undefined || !store) return {};
  try {
    const since = await lastRunStart(store);
    if (since) progress(`reading the databases' logs since the last recorded run (${since.toISOString()})`);
    else
      progress(
        `no recorded run yet: reading the databases' logs of the last ${config.logs.lookbackMinutes} minutes (logs.lookbackMinutes)`,
      );
    return since ? { logsSince: since } : {};
  } catch (err) {
    progress(
      escapeControls(
        `the last run could not be read from ${store.description} (${(err as Error).name}); reading the databases' logs of the last ${config.logs.lookbackMinutes} minutes`,
      ),
    );
    return {};
  }
}

export async function auditCommand(options: AuditOptions, deps: AuditCommandDeps = {}): Promise<number> {
  const now = parseNow(options.now);
  const config = loadConfig(options.config);
  const notifier = (deps.notifier ?? ((spec, write) => notifierFromSpec(spec, { write })))(options.notify, alertWriter(options));
  // ASFF names the account and region that import it: resolved before the audit, so a missing credential costs no audit.
  // `--notify securityhub` imports into the same account and region, so the two agree.
  const securityHub =
    options.format === "asff"
      ? await (notifier.securityHub && !deps.securityHubTarget
          ? notifier.securityHub.target()
          : (deps.securityHubTarget ?? ((spec) => resolveSecurityHubTarget(spec)))(parseSecurityHubSpec(options.notify) ?? {}))
      : undefined;
  // A store that cannot be reached must not cost the audit itself: the result is still
  // printed, and the exit code (4) says that no evidence was kept. A bad spec stays exit 2.
  let store: Store | undefined;
  let notRecorded: string | undefined;
  try {
    store = await (deps.openStore ?? ((spec: string) => openStore(spec)))(options.store);
  } catch (err) {
    if (err instanceof UserError) throw err;
    notRecorded = storeFailure(options.store, err);
  }
  try {
    const sources = (deps.sources ?? defaultSources)(config, options, await sourceContext(config, options, store));
    const { result } = await runAudit({
      config,
      sources,
      ...(now ? { now } : {}),
      inventoryRequired: options.inventory !== undefined,
      onProgress: progress,
    });
    for (const warning of unmatchedMuteWarnings(config, result.findings)) progress(`${options.config}: warning: ${warning}`);
    // Recording and reminders use the wall clock; --now only judges checks and mutes.
    const recordedAt = new Date();
    const judgedAt = now ?? recordedAt;
    let written = false;
    const write = async (shown: RecordedRun["result"], history?: Store, states?: RecordedRun["states"]) => {
      const context: RenderContext = {
        config,
        now: judgedAt,
        ...(options.format === "html" && history ? await historyContext(history, recordedAt) : {}),
        ...(securityHub ? { securityHub } : {}),
        ...(states ? { states } : {}),
      };
      writeOutput(renderResult(shown, options.format, context), options.out);
      written = true;
    };
    let recorded: RecordedAndDelivered | undefined;
    if (store && !notRecorded) {
      const opened = store;
      try {
        recorded = await recordRun(opened, result, config, recordedAt, {
          evaluatedChecks: evaluatedCheckIds(config),
          configHash: configHash(config),
          notifier,
          // The result is written before the alert is sent: a send that hangs or fails must not hold back the evidence.
          onRecorded: async (run) => {
            if (opened.persistent) progress(`recorded run ${run.result.run.id} in ${opened.description}`);
            await write(run.result, opened, run.states);
          },
        });
      } catch (err) {
        notRecorded = storeFailure(opened.description, err);
      }
    }
    const shown = recorded?.result ?? result;
    if (!written) await write(shown);
    const delivery = recorded?.delivery;
    if (delivery?.error) {
      progress(`the alert to ${notifier.description} was not delivered (${delivery.error.message}); the next run retries it`);
    } else if (delivery?.delivered) {
      progress(`alerted ${notifier.description}: ${delivery.digest.subject}`);
    } else if (delivery && !notifier.securityHub) {
      progress(`an alert is due (${delivery.digest.subject}); pass --notify to send it`);
    }
    const imported = recorded?.securityHub;
    if (imported) {
      const where = imported.target ? ` (account ${imported.target.account}, ${imported.target.region})` : "";
      if (imported.error) {
        progress(`Security Hub${where}: ${imported.error.message}; the next run sends every finding again`);
      } else if (imported.report) {
        progress(`imported ${imported.report.imported} findings into Security Hub${where}`);
      }
    }
    const c = shown.run.counts;
    progress(`${c.FAIL} FAIL, ${c.ERROR} ERROR, ${c.MUTED} MUTED, ${c.PASS} PASS: ${shown.run.outcome}`);
    if (notRecorded) {
      process.stderr.write(`queue-auditor: ${notRecorded}; no alert was sent (alerts need the stored state)\n`);
      return EXIT.notRecorded;
    }
    return exitCodeFor(shown, options.failOn);
  } finally {
    await store?.close();
  }
}

export function registerAudit(program: Command, deps: AuditCommandDeps = {}): void {
  program
    .command("audit")
    .description(
      "audit the job queue backends the config names; exit 0 clean, 1 violations, 2 bad input, 3 incomplete, 4 not recorded (store failed)",
    )
    .requiredOption("--config <file>", "config file (YAML or JSON)")
    .option("--inventory <dir>", "audit an offline inventory (AWS CLI JSON exports) instead of live AWS")
    .addOption(new Option("--format <format>", "output format").choices([...AUDIT_FORMATS]).default("table"))
    .option("--out <file>", "write the result to a file instead of stdout")
    .option("--store <spec>", "where history is kept: local[:DIR] | dynamodb:TABLE | none", "local")
    .option(
      "--notify <spec>",
      "where alerts go: stdout | sns:TOPIC_ARN | slack:WEBHOOK_URL | securityhub[:REGION] (imports the findings) | none",
      "none",
    )
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
