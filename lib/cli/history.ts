/**
 * `queue-auditor history`: what the store recorded, filtered as CONTRACTS.md says.
 * Without finding filters it lists runs; with --resource, --check, --status or --run it
 * lists findings; with --open it lists what is open now and for how long.
 */
import { type Command, Option } from "commander";
import type { FindingState } from "../audit/compare/changes.js";
import { loadConfig } from "../audit/config/load.js";
import type { Config } from "../audit/config/schema.js";
import { STATUSES, type Status } from "../audit/findings/model.js";
import { escapeControls } from "../audit/model/escape.js";
import { csvCell } from "../audit/report/csv.js";
import { duration } from "../audit/report/html/period.js";
import type { HistoryRow, Store, StoredRun, TimeRange } from "../audit/store/types.js";
import { UsageError } from "./errors.js";
import { writeOutput } from "./output.js";
import { type StoreOpener, withStore } from "./store.js";

export const HISTORY_FORMATS = ["table", "json", "csv", "html"] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];

export interface HistoryOptions {
  store: string;
  since?: string;
  until?: string;
  resource?: string;
  check?: string;
  status?: Status;
  run?: string;
  open?: boolean;
  format: HistoryFormat;
  out?: string;
  /** For `--format html`: the config whose access policy and mutes the report shows. */
  config?: string;
}

/** What history found; `html` renderers (the report module) take this. */
export type HistoryData =
  | { kind: "runs"; range: TimeRange; runs: StoredRun[] }
  | { kind: "findings"; range: TimeRange; rows: HistoryRow[] }
  | { kind: "open"; asOf: string; open: FindingState[] };

export interface HistoryDeps {
  openStore?: StoreOpener;
  now?: () => Date;
  /** The evidence report; it may read more from the store (the latest run's findings, the chain). */
  renderHtml?: (data: HistoryData, store: Store, config?: Config) => string | Promise<string>;
  write?: (text: string, out: string | undefined) => void;
}

/** YYYY-MM-DD or an ISO 8601 time; a bare `--until` date includes that whole day. */
export function parseDateBound(value: string | undefined, flag: string, endOfDay: boolean): string | undefined {
  if (value === undefined) return undefined;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(dateOnly ? `${value}T00:00:00Z` : value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(ms)) {
    throw new UsageError(`${flag}: expected a date (2025-06-01) or an ISO 8601 time (2025-06-01T12:00:00Z), got "${value}"`);
  }
  return new Date(dateOnly && endOfDay ? ms + 86_400_000 - 1 : ms).toISOString();
}

export async function queryHistory(store: Store, opts: HistoryOptions, now: Date): Promise<HistoryData> {
  const range: TimeRange = {
    ...(opts.since ? { since: parseDateBound(opts.since, "--since", false) } : {}),
    ...(opts.until ? { until: parseDateBound(opts.until, "--until", true) } : {}),
  };
  if (opts.open) {
    if (opts.status || opts.run || opts.since || opts.until) {
      throw new UsageError("--open lists what is open now; it takes --resource and --check, not --status, --run, --since or --until");
    }
    const open = (await store.openFindings()).filter(
      (s) => (!opts.resource || s.resource.id === opts.resource) && (!opts.check || s.checkId === opts.check),
    );
    return { kind: "open", asOf: now.toISOString(), open };
  }
  if (!opts.resource && !opts.check && !opts.status && !opts.run) {
    return { kind: "runs", range, runs: await store.listRuns(range) };
  }
  let rows: HistoryRow[];
  if (opts.run) {
    const run = await store.getRun(opts.run);
    if (!run) throw new UsageError(`--run ${opts.run}: no such recorded run (see queue-auditor history)`);
    rows = (await store.runFindings(opts.run)).map((finding) => ({ runId: opts.run as string, at: run.run.startedAt, finding }));
  } else if (opts.resource) {
    rows = await store.resourceHistory(opts.resource, range);
  } else if (opts.check) {
    rows = await store.checkHistory(opts.check, range);
  } else {
    rows = [];
    for (const run of await store.listRuns(range)) {
      for (const finding of await store.runFindings(run.run.id)) rows.push({ runId: run.run.id, at: run.run.startedAt, finding });
    }
  }
  rows = rows.filter(
    (r) =>
      (!opts.resource || r.finding.resource.id === opts.resource) &&
      (!opts.check || r.finding.checkId === opts.check) &&
      (!opts.status || r.finding.status === opts.status),
  );
  return { kind: "findings", range, rows };
}

/** "3d 4h", "5h 12m", "12m": the report's own wording, from milliseconds. */
export const formatDuration = (ms: number): string => duration(ms / 1000);

function tabular(data: HistoryData): { header: string[]; rows: string[][] } {
  switch (data.kind) {
    case "runs":
      return {
        header: ["started", "run", "outcome", "FAIL", "ERROR", "MUTED", "PASS", "seq", "hash"],
        rows: data.runs.map((r) => [
          r.run.startedAt,
          r.run.id,
          r.run.outcome,
          ...(["FAIL", "ERROR", "MUTED", "PASS"] as const).map((s) => String(r.run.counts[s])),
          String(r.seq),
          r.hash.slice(0, 12),
        ]),
      };
    case "findings":
      return {
        header: ["time", "run", "status", "severity", "check", "resource", "subject", "change", "message"],
        rows: data.rows.map((r) => [
          r.at,
          r.runId,
          r.finding.status,
          r.finding.severity,
          r.finding.checkId,
          r.finding.resource.id,
          r.finding.subject ?? "",
          r.finding.change ?? "",
          r.finding.message,
        ]),
      };
    case "open": {
      const now = Date.parse(data.asOf);
      return {
        header: ["severity", "check", "resource", "subject", "open since", "open for", "last seen", "last notified"],
        rows: data.open.map((s) => [
          s.severity,
          s.checkId,
          s.resource.id,
          s.subject ?? "",
          s.openSince ?? "",
          s.openSince ? formatDuration(now - Date.parse(s.openSince)) : "",
          s.lastSeen,
          s.lastNotifiedAt ? `${s.lastNotifiedAt} (${s.lastNotifiedChange})` : "never",
        ]),
      };
    }
  }
}

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

export function renderTable(data: HistoryData): string {
  const { header, rows } = tabular(data);
  if (rows.length === 0) {
    return data.kind === "open"
      ? "Nothing is open.\n"
      : data.kind === "runs"
        ? "No recorded runs in this range.\n"
        : "No findings match.\n";
  }
  // Escaped before measuring, so a name with a newline or an escape sequence neither breaks a row nor its alignment.
  const cells = [header, ...rows.map((r) => r.map((c) => clip(escapeControls(c), 60)))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return `${[line(header), line(widths.map((w) => "-".repeat(w))), ...cells.slice(1).map(line)].join("\n")}\n`;
}

export function renderCsv(data: HistoryData): string {
  const { header, rows } = tabular(data);
  return `${[header, ...rows].map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

export function renderJson(data: HistoryData): string {
  const body =
    data.kind === "runs"
      ? { runs: data.runs.map(({ run, ...chain }) => ({ ...run, chain })) }
      : data.kind === "findings"
        ? { findings: data.rows.map((r) => ({ runId: r.runId, at: r.at, ...r.finding })) }
        : {
            asOf: data.asOf,
            open: data.open.map((s) => ({
              ...s,
              openForSeconds: s.openSince ? Math.floor((Date.parse(data.asOf) - Date.parse(s.openSince)) / 1000) : null,
            })),
          };
  return `${JSON.stringify({ schemaVersion: 1, kind: data.kind, ...("range" in data ? { range: data.range } : {}), ...body }, null, 2)}\n`;
}

export async function historyCommand(opts: HistoryOptions, deps: HistoryDeps = {}): Promise<number> {
  if (opts.format === "html" && !deps.renderHtml)
    throw new UsageError("--format html is not available in this build; use table, json or csv");
  if (opts.config && opts.format !== "html") throw new UsageError("--config is for --format html (the report shows its access policy)");
  const config = opts.config ? loadConfig(opts.config) : undefined;
  return withStore(opts.store, deps.openStore, async (store) => {
    const data = await queryHistory(store, opts, (deps.now ?? (() => new Date()))());
    const text =
      opts.format === "json"
        ? renderJson(data)
        : opts.format === "csv"
          ? renderCsv(data)
          : opts.format === "html" && deps.renderHtml
            ? await deps.renderHtml(data, store, config)
            : renderTable(data);
    (deps.write ?? writeOutput)(text, opts.out);
    return 0;
  });
}

export function registerHistory(program: Command, deps: HistoryDeps = {}): void {
  program
    .command("history")
    .description("show recorded runs and findings: runs by default, findings with a filter, open violations with --open")
    .option("--store <spec>", "where history is kept: local[:DIR] | dynamodb:TABLE", "local")
    .option("--since <date>", "from this date or ISO 8601 time (inclusive)")
    .option("--until <date>", "up to this date (the whole day) or ISO 8601 time (inclusive)")
    .option("--resource <id>", "findings about this resource id (sg-…, DB identifier, TARGET:SCHEMA.TABLE, …)")
    .option("--check <id>", "findings of this check id")
    .addOption(new Option("--status <status>", "findings with this status").choices([...STATUSES]))
    .option("--run <id>", "every finding of this run")
    .option("--open", "what is open now, and for how long")
    .addOption(new Option("--format <format>", "output format").choices([...HISTORY_FORMATS]).default("table"))
    .option("--out <file>", "write to a file instead of stdout")
    .option("--config <file>", "with --format html: show this config's access policy and mutes")
    .action(async (opts: HistoryOptions) => {
      process.exitCode = await historyCommand(opts, deps);
    });
}
