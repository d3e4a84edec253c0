/**
 * The evidence pack of a period (CONTRACTS "Evidence pack"): what an auditor takes away to
 * sample from. Pure: the caller reads the store and the config and writes the files; this
 * turns what was read into the files' contents and the manifest that names them all with
 * their SHA-256.
 */
import { createHash } from "node:crypto";
import { type BackendPolicy, policyDocument, type UndocumentedGrant, undocumentedGrants } from "../../config/policy-document.js";
import type { Config, Mute } from "../../config/schema.js";
import type { Finding } from "../../findings/model.js";
import { muteIsActive } from "../../findings/mutes.js";
import type { ChainReport } from "../../store/chain.js";
import type { StoredRun } from "../../store/types.js";
import { summarizeControls } from "../controls.js";
import { CSV_COLUMNS, csvCell, findingRow } from "../csv.js";
import type { ChainStatus } from "../html/types.js";
import { renderHtmlReport } from "../html.js";
import { findingToOcsf } from "../ocsf.js";
import { type Episode, findingEpisodes, medianTimeToResolve } from "./episodes.js";
import { type ScheduleExpectation, scheduleExpectation } from "./gaps.js";

export const PACK_FILES = ["report.html", "findings.csv", "runs.csv", "findings.ocsf.json", "controls.csv"] as const;

export interface PackRun {
  stored: StoredRun;
  findings: Finding[];
}

export interface PackInput {
  period: { since: string; until: string };
  /** Recorded runs that started in the period, oldest first. */
  runs: readonly PackRun[];
  chain: ChainReport;
  toolVersion: string;
  store: string;
  generatedAt: Date;
  /** The config in effect now (policy, mutes, schedule); without it the pack says so. */
  config?: Config;
  configFile?: string;
  configHash?: string;
}

export interface MuteInEffect {
  check: string;
  resource: string;
  subject?: string;
  reason: string;
  expires: string;
  /** `active` through the period's end, or `expired` during the period. */
  state: "active" | "expired-in-period";
  /** Where it was read: the config, or the muted findings of the stored runs. */
  source: "config" | "findings";
}

export interface Manifest {
  schemaVersion: 1;
  kind: "queue-auditor evidence pack";
  generatedAt: string;
  period: { since: string; until: string };
  tool: { name: "queue-auditor"; version: string };
  store: string;
  config: { file?: string; hash?: string; supplied: boolean };
  schedule?: ScheduleExpectation;
  runs: {
    seq: number;
    id: string;
    startedAt: string;
    outcome: string;
    hash: string;
    configHash?: string;
    toolVersion?: string;
  }[];
  /** Config hashes and tool versions seen in the period's runs, with how many runs each. */
  provenance: { configHashes: Record<string, number>; toolVersions: Record<string, number>; runsWithout: number };
  findings: { episodes: number; resolved: number; open: number; regressions: number; medianTimeToResolveSeconds?: number };
  mutes: MuteInEffect[];
  chain: {
    ok: boolean;
    verified: number;
    expired: number;
    gone: number;
    lastSeq?: number;
    lastHash?: string;
    broken?: ChainReport["broken"];
    problem?: string;
    stateIssueCount: number;
  };
  policy?: { backends: BackendPolicy[]; undocumented: UndocumentedGrant[] };
  /** SHA-256 (hex) of every other file of the pack. */
  files: Record<string, string>;
}

export const sha256Hex = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");

function muteKey(m: { check: string; resource: string; subject?: string; expires: string }): string {
  return JSON.stringify([m.check, m.resource, m.subject ?? null, m.expires]);
}

/** Mutes in effect at any time in the period: from the config, and any other the stored runs applied. */
export function mutesInEffect(
  config: Config | undefined,
  runs: readonly PackRun[],
  period: { since: string; until: string },
): MuteInEffect[] {
  const since = new Date(period.since);
  const until = new Date(period.until);
  const out = new Map<string, MuteInEffect>();
  const add = (m: Pick<Mute, "check" | "resource" | "subject" | "reason" | "expires">, source: MuteInEffect["source"]) => {
    if (!muteIsActive(m, since)) return;
    const key = muteKey(m);
    if (out.has(key)) return;
    out.set(key, {
      check: m.check,
      resource: m.resource,
      ...(m.subject !== undefined ? { subject: m.subject } : {}),
      reason: m.reason,
      expires: m.expires,
      state: muteIsActive(m, until) ? "active" : "expired-in-period",
      source,
    });
  };
  for (const m of config?.mutes ?? []) add(m, "config");
  for (const run of runs) {
    for (const f of run.findings) {
      const mute = f.evidence?.mute as { reason?: unknown; expires?: unknown; subject?: unknown } | undefined;
      if (f.status !== "MUTED" || typeof mute?.reason !== "string" || typeof mute.expires !== "string") continue;
      add(
        {
          check: f.checkId,
          resource: f.resource.id,
          ...(typeof mute.subject === "string" ? { subject: mute.subject } : {}),
          reason: mute.reason,
          expires: mute.expires,
        },
        "findings",
      );
    }
  }
  return [...out.values()];
}

function csv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `${[header.join(","), ...rows.map((r) => r.map(csvCell).join(","))].join("\r\n")}\r\n`;
}

export const RUNS_CSV_COLUMNS = [
  "seq",
  "runId",
  "startedAt",
  "finishedAt",
  "outcome",
  "FAIL",
  "ERROR",
  "MUTED",
  "PASS",
  "scope",
  "recordedAt",
  "hash",
  "prevHash",
  "configHash",
  "toolVersion",
] as const;

function runsCsv(runs: readonly PackRun[]): string {
  return csv(
    RUNS_CSV_COLUMNS,
    runs.map(({ stored: s }) => [
      String(s.seq),
      s.run.id,
      s.run.startedAt,
      s.run.finishedAt,
      s.run.outcome,
      ...(["FAIL", "ERROR", "MUTED", "PASS"] as const).map((k) => String(s.run.counts[k])),
      s.scope,
      s.recordedAt,
      s.hash,
      s.prevHash,
      s.run.configHash ?? "",
      s.run.toolVersion ?? "",
    ]),
  );
}

export const FINDINGS_CSV_COLUMNS = [
  "openedAt",
  "openedInRun",
  "resolvedAt",
  "resolvedInRun",
  "timeToResolveSeconds",
  "state",
  "openBeforePeriod",
  "regression",
  "mutedRuns",
  ...CSV_COLUMNS,
] as const;

/** One row per violation episode: when it opened, when it was resolved and how long it took, then the finding as last seen open. */
function findingsCsv(episodes: readonly Episode[]): string {
  return csv(
    FINDINGS_CSV_COLUMNS,
    episodes.map((e) => [
      e.openedAt,
      e.openedInRun,
      e.resolvedAt ?? "",
      e.resolvedInRun ?? "",
      e.timeToResolveSeconds !== undefined ? String(e.timeToResolveSeconds) : "",
      e.resolvedAt ? "resolved" : "open",
      String(e.openBeforePeriod),
      String(e.regression),
      String(e.mutedRuns),
      ...findingRow(e.last),
    ]),
  );
}

export const CONTROLS_CSV_COLUMNS = [
  "framework",
  "control",
  "stateAtPeriodEnd",
  "runsFailing",
  "runsOperating",
  "FAIL",
  "ERROR",
  "MUTED",
  "PASS",
  "checks",
  "why",
] as const;

/**
 * Per control over the period: its state in the period's last run, in how many runs it
 * had an open failure and in how many it operated (PASS evidence, no failure), and the
 * finding counts over every run.
 */
function controlsCsv(runs: readonly PackRun[]): string {
  const perRun = runs.map((r) => summarizeControls(r.findings));
  const key = (r: { framework: string; control: string }) => `${r.framework}\u0000${r.control}`;
  const failing = new Map<string, number>();
  const operating = new Map<string, number>();
  for (const rows of perRun) {
    for (const r of rows) {
      if (r.state === "failing") failing.set(key(r), (failing.get(key(r)) ?? 0) + 1);
      if (r.state === "operating") operating.set(key(r), (operating.get(key(r)) ?? 0) + 1);
    }
  }
  const end = new Map((perRun.at(-1) ?? []).map((r) => [key(r), r.state]));
  const overall = summarizeControls(runs.flatMap((r) => r.findings));
  return csv(
    CONTROLS_CSV_COLUMNS,
    overall.map((r) => [
      r.framework,
      r.control,
      end.get(key(r)) ?? "not in the last run",
      String(failing.get(key(r)) ?? 0),
      String(operating.get(key(r)) ?? 0),
      String(r.counts.FAIL),
      String(r.counts.ERROR),
      String(r.counts.MUTED),
      String(r.counts.PASS),
      r.checks.join(" "),
      r.reasons.join("\n"),
    ]),
  );
}

/**
 * OCSF of the period as an event log: every finding that changed (new, regressed,
 * resolved) in the run that changed it, then the last run's findings whole, so the log
 * ends in the period's final state.
 */
function ocsfEvents(runs: readonly PackRun[], toolVersion: string): string {
  const events = [];
  const last = runs.at(-1);
  for (const r of runs) {
    const result = { schemaVersion: 1 as const, run: r.stored.run, findings: r.findings };
    for (const f of r.findings) {
      if (r === last || f.change === "new" || f.change === "regressed" || f.change === "resolved") {
        events.push(findingToOcsf(f, result, toolVersion));
      }
    }
  }
  return `${JSON.stringify(events, null, 2)}\n`;
}

function chainStatus(chain: ChainReport): ChainStatus {
  if (chain.problem) return { status: "unknown", checkedRuns: chain.verified };
  return chain.ok
    ? { status: "intact", checkedRuns: chain.verified }
    : { status: "broken", checkedRuns: chain.verified, ...(chain.broken ? { firstBadRunId: chain.broken.runId } : {}) };
}

function count(values: readonly (string | undefined)[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) if (v !== undefined) out[v] = (out[v] ?? 0) + 1;
  return out;
}

export interface Pack {
  /** File name → content, manifest.json included (last). */
  files: Map<string, string>;
  manifest: Manifest;
}

export function buildEvidencePack(input: PackInput): Pack {
  const { runs, config, period } = input;
  const episodes = findingEpisodes(runs.map((r) => ({ id: r.stored.run.id, startedAt: r.stored.run.startedAt, findings: r.findings })));
  const schedule = config
    ? scheduleExpectation(
        config.schedule,
        period,
        runs.map((r) => r.stored.run.startedAt),
        input.generatedAt,
      )
    : undefined;
  const mutes = mutesInEffect(config, runs, period);
  const policy = config ? policyDocument(config) : undefined;
  const undocumented = policy ? undocumentedGrants(policy) : undefined;
  const last = runs.at(-1);
  const html = renderHtmlReport({
    title: "Evidence pack",
    history: { runs: runs.map((r) => r.stored.run) },
    findings: last?.findings ?? [],
    chain: chainStatus(input.chain),
    ...(config ? { config } : {}),
    generatedAt: input.generatedAt.toISOString(),
    period: {
      since: period.since,
      until: period.until,
      runs: runs.length,
      ...(schedule ? { schedule } : {}),
      episodes,
      mutes,
      ...(undocumented ? { undocumented } : {}),
      toolVersion: input.toolVersion,
      ...(input.configHash ? { configHash: input.configHash } : {}),
    },
  });
  const files = new Map<string, string>([
    ["report.html", html],
    ["findings.csv", findingsCsv(episodes)],
    ["runs.csv", runsCsv(runs)],
    ["findings.ocsf.json", ocsfEvents(runs, input.toolVersion)],
    ["controls.csv", controlsCsv(runs)],
  ]);
  const resolved = episodes.filter((e) => e.resolvedAt !== undefined);
  const median = medianTimeToResolve(episodes);
  const { chain } = input;
  const manifest: Manifest = {
    schemaVersion: 1,
    kind: "queue-auditor evidence pack",
    generatedAt: input.generatedAt.toISOString(),
    period,
    tool: { name: "queue-auditor", version: input.toolVersion },
    store: input.store,
    config: {
      supplied: config !== undefined,
      ...(input.configFile ? { file: input.configFile } : {}),
      ...(input.configHash ? { hash: input.configHash } : {}),
    },
    ...(schedule ? { schedule } : {}),
    runs: runs.map(({ stored: s }) => ({
      seq: s.seq,
      id: s.run.id,
      startedAt: s.run.startedAt,
      outcome: s.run.outcome,
      hash: s.hash,
      ...(s.run.configHash ? { configHash: s.run.configHash } : {}),
      ...(s.run.toolVersion ? { toolVersion: s.run.toolVersion } : {}),
    })),
    provenance: {
      configHashes: count(runs.map((r) => r.stored.run.configHash)),
      toolVersions: count(runs.map((r) => r.stored.run.toolVersion)),
      runsWithout: runs.filter((r) => !r.stored.run.configHash).length,
    },
    findings: {
      episodes: episodes.length,
      resolved: resolved.length,
      open: episodes.length - resolved.length,
      regressions: episodes.filter((e) => e.regression).length,
      ...(median !== undefined ? { medianTimeToResolveSeconds: median } : {}),
    },
    mutes,
    chain: {
      ok: chain.ok,
      verified: chain.verified,
      expired: chain.expired,
      gone: chain.gone,
      ...(chain.lastSeq !== undefined ? { lastSeq: chain.lastSeq } : {}),
      ...(chain.lastHash !== undefined ? { lastHash: chain.lastHash } : {}),
      ...(chain.broken ? { broken: chain.broken } : {}),
      ...(chain.problem ? { problem: chain.problem } : {}),
      stateIssueCount: chain.stateIssueCount,
    },
    ...(policy && undocumented ? { policy: { backends: policy, undocumented } } : {}),
    files: Object.fromEntries([...files].map(([name, text]) => [name, sha256Hex(text)])),
  };
  files.set("manifest.json", `${JSON.stringify(manifest, null, 2)}\n`);
  return { files, manifest };
}
